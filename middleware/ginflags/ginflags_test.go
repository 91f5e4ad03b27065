package ginflags_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/middleware/ginflags"
	"github.com/flaggen/flaggen/runtime"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// seen is what a handler saw of the flags.
type seen struct {
	feature string // my_new_feature
	search  string
	holiday bool
}

func (s seen) String() string {
	return "my_new_feature=" + s.feature + " search=" + s.search + " holiday=" + map[bool]string{true: "on", false: "off"}[s.holiday]
}

// look asks the flags through ctx.
func look(ctx context.Context) seen {
	return seen{
		feature: flags.NewMyNewFeature(ctx).String(),
		search:  flags.NewSearch(ctx).String(),
		holiday: flags.NewHoliday(ctx).Enabled(),
	}
}

// engine returns a gin engine with the middleware over flags.Set and one
// route, GET /, whose handler reports what it saw through got.
func engine(fallback bool, mw gin.HandlerFunc, ctxOf func(*gin.Context) context.Context, got *seen) *gin.Engine {
	r := gin.New()
	r.ContextWithFallback = fallback
	r.Use(mw)
	r.GET("/", func(c *gin.Context) {
		*got = look(ctxOf(c))
		c.Status(http.StatusNoContent)
	})
	return r
}

func headerOptions() middleware.Options {
	return middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})}
}

func TestNewContexts(t *testing.T) {
	contexts := []struct {
		name string
		of   func(*gin.Context) context.Context
	}{
		{"c.Request.Context()", func(c *gin.Context) context.Context { return c.Request.Context() }},
		{"*gin.Context", func(c *gin.Context) context.Context { return c }},
	}
	// User 1's search variant is their bucket's in the split; ask the
	// runtime for it rather than hard-code it.
	user1Search := flags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: "1"}, nil).Lookup("search")
	subjects := []struct {
		name   string
		header http.Header
		want   seen
	}{
		{"user 1", http.Header{"X-User-Id": {"1"}}, seen{feature: "VISIBLE", search: user1Search}},
		{"employees", http.Header{"X-User-Id": {"42"}, "X-User-Groups": {"employees"}}, seen{feature: "NOT_VISIBLE", search: "variant_a"}},
		{"no subject", nil, seen{feature: "NOT_VISIBLE", search: "control"}},
	}
	for _, fallback := range []bool{false, true} {
		for _, cx := range contexts {
			for _, sub := range subjects {
				name := cx.name + "/fallback=" + map[bool]string{true: "on", false: "off"}[fallback] + "/" + sub.name
				t.Run(name, func(t *testing.T) {
					var got seen
					r := engine(fallback, ginflags.New(flags.Set, headerOptions()), cx.of, &got)
					req := httptest.NewRequest(http.MethodGet, "/", nil)
					for k, v := range sub.header {
						req.Header[k] = v
					}
					w := httptest.NewRecorder()
					r.ServeHTTP(w, req)
					if w.Code != http.StatusNoContent {
						t.Fatalf("got status %d, want %d", w.Code, http.StatusNoContent)
					}
					if got != sub.want {
						t.Errorf("got %v, want %v", got, sub.want)
					}
				})
			}
		}
	}
}

// TestOneEvaluatorPerRequest checks that c and c.Request.Context() reach the
// same evaluator: a flag asked both ways is exposed once.
func TestOneEvaluatorPerRequest(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		var mu sync.Mutex
		exposures := map[string]int{}
		opts := headerOptions()
		opts.Exposure = func(_ context.Context, e runtime.Exposure) {
			mu.Lock()
			exposures[e.Flag]++
			mu.Unlock()
		}
		r := gin.New()
		r.ContextWithFallback = fallback
		r.Use(ginflags.New(flags.Set, opts))
		var fromGin, fromRequest *runtime.Evaluator
		r.GET("/", func(c *gin.Context) {
			look(c)
			look(c.Request.Context())
			fromGin, fromRequest = flags.Set.FromContext(c), flags.Set.FromContext(c.Request.Context())
		})
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-User-ID", "7")
		r.ServeHTTP(httptest.NewRecorder(), req)

		if fromGin != fromRequest {
			t.Errorf("fallback=%v: got different evaluators through c and c.Request.Context(), want one", fallback)
		}
		for _, flag := range []string{"my_new_feature", "search", "holiday"} {
			if got := exposures[flag]; got != 1 {
				t.Errorf("fallback=%v: got %d exposures of %s, want 1", fallback, got, flag)
			}
		}
	}
}

// TestLaterMiddleware checks that a middleware that wraps the request's
// context after ginflags (as tracing middleware does) keeps the evaluator
// reachable, and that c.Copy() and context.WithoutCancel carry it to a
// goroutine.
func TestLaterMiddleware(t *testing.T) {
	type traceKey struct{}
	ctxs := []struct {
		name string
		of   func(*gin.Context) context.Context
	}{
		{"c.Request.Context()", func(c *gin.Context) context.Context { return c.Request.Context() }},
		{"c", func(c *gin.Context) context.Context { return c }},
		{"c.Copy()", func(c *gin.Context) context.Context { return c.Copy() }},
		{"WithoutCancel", func(c *gin.Context) context.Context { return context.WithoutCancel(c.Request.Context()) }},
	}
	for _, fallback := range []bool{false, true} {
		for _, cx := range ctxs {
			t.Run(cx.name+"/fallback="+map[bool]string{true: "on", false: "off"}[fallback], func(t *testing.T) {
				r := gin.New()
				r.ContextWithFallback = fallback
				r.Use(ginflags.New(flags.Set, headerOptions()))
				r.Use(func(c *gin.Context) {
					c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), traceKey{}, "span"))
					c.Next()
				})
				var got seen
				r.GET("/", func(c *gin.Context) {
					ctx := cx.of(c)
					done := make(chan struct{})
					go func() {
						defer close(done)
						got = look(ctx)
					}()
					<-done
				})
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.Header.Set("X-User-ID", "2")
				req.Header.Set("X-User-Groups", "employees")
				r.ServeHTTP(httptest.NewRecorder(), req)
				if want := (seen{feature: "VISIBLE", search: "variant_a"}); got != want {
					t.Errorf("fallback=%v: got %v, want %v", fallback, got, want)
				}
			})
		}
	}
}

func TestAnonymousCookie(t *testing.T) {
	opts := headerOptions()
	opts.Anonymous = &middleware.AnonymousCookie{}
	var got seen
	r := engine(false, ginflags.New(flags.Set, opts), func(c *gin.Context) context.Context { return c }, &got)

	tests := []struct {
		name       string
		header     http.Header
		wantCookie bool
	}{
		{"anonymous", nil, true},
		{"signed in", http.Header{"X-User-Id": {"5"}}, false},
		{"returning visitor", http.Header{"Cookie": {"flaggen_visitor=0123456789abcdef0123456789abcdef"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			gotCookie := strings.HasPrefix(w.Header().Get("Set-Cookie"), "flaggen_visitor=")
			if gotCookie != tt.wantCookie {
				t.Errorf("got visitor cookie set %v, want %v (Set-Cookie: %q)", gotCookie, tt.wantCookie, w.Header().Get("Set-Cookie"))
			}
		})
	}
}

// TestFromEvaluatorsOverrides checks that FromEvaluators serves the
// overrides its Evaluators are configured for (here the development
// header).
func TestFromEvaluatorsOverrides(t *testing.T) {
	opts := headerOptions()
	opts.Overrides.Header = true
	opts.Error = func(*http.Request, error) {}
	evs := middleware.NewEvaluators(flags.Set, opts)
	var got seen
	r := engine(false, ginflags.FromEvaluators(evs), func(c *gin.Context) context.Context { return c }, &got)

	tests := []struct {
		override string
		want     seen
	}{
		{"", seen{feature: "NOT_VISIBLE", search: "control"}},
		{"search=variant_b", seen{feature: "NOT_VISIBLE", search: "variant_b"}},
		{"my_new_feature=VISIBLE, holiday=on", seen{feature: "VISIBLE", search: "control", holiday: true}},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if tt.override != "" {
			req.Header.Set(middleware.OverrideHeader, tt.override)
		}
		r.ServeHTTP(httptest.NewRecorder(), req)
		if got != tt.want {
			t.Errorf("%s: %q: got %v, want %v", middleware.OverrideHeader, tt.override, got, tt.want)
		}
	}
}

// TestNoMiddleware checks that a handler without the middleware gets
// defaults through either context, and does not panic.
func TestNoMiddleware(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		var got seen
		r := engine(fallback, func(c *gin.Context) { c.Next() }, func(c *gin.Context) context.Context { return c }, &got)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-User-ID", "1")
		r.ServeHTTP(httptest.NewRecorder(), req)
		if want := (seen{feature: "NOT_VISIBLE", search: "control"}); got != want {
			t.Errorf("fallback=%v: got %v, want %v", fallback, got, want)
		}
	}
}
