package ginflags_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/middleware/ginflags"
)

func Example() {
	r := gin.New()
	r.Use(ginflags.New(flags.Set, middleware.Options{
		// Trust X-User-ID and X-User-Groups: only behind a proxy that
		// authenticates users and sets them itself.
		Subject: middleware.HeaderSubject(middleware.Headers{}),
	}))
	r.GET("/feature", func(c *gin.Context) {
		// c.Request.Context() carries the request's evaluator; c works too.
		if flags.NewMyNewFeature(c.Request.Context()).IsVisible() {
			c.String(http.StatusOK, "the new feature")
			return
		}
		c.String(http.StatusOK, "nothing new yet")
	})
	r.GET("/search", func(c *gin.Context) {
		c.String(http.StatusOK, "search ranking: %s", flags.NewSearch(c))
	})

	for _, req := range []struct{ path, header, value string }{
		{"/feature", "X-User-ID", "1"},
		{"/feature", "X-User-ID", "4"},
		{"/search", "X-User-Groups", "employees"},
	} {
		r0 := httptest.NewRequest(http.MethodGet, req.path, nil)
		r0.Header.Set(req.header, req.value)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, r0)
		fmt.Printf("%s %s: %s\n", req.header, req.value, w.Body)
	}
	// Output:
	// X-User-ID 1: the new feature
	// X-User-ID 4: nothing new yet
	// X-User-Groups employees: search ranking: variant_a
}
