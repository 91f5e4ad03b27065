package ginflags_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// TestInstalledTwice: a request through the flags middleware twice —
// ginflags twice, or net/http's middleware in front of a gin engine that
// uses ginflags — gets one evaluator: one visitor id, one Set-Cookie and
// one exposure per flag, whatever each layer reads.
func TestInstalledTwice(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var searches []runtime.Exposure
	opts := headerOptions()
	opts.Anonymous = &middleware.AnonymousCookie{}
	opts.Exposure = func(_ context.Context, e runtime.Exposure) {
		mu.Lock()
		defer mu.Unlock()
		if e.Flag == "search" {
			searches = append(searches, e)
		}
	}
	// readSearch reads the search flag in a middleware of its own, before
	// the next one runs.
	readSearch := func(c *gin.Context) {
		flags.NewSearch(c.Request.Context())
		c.Next()
	}
	var subject string
	newEngine := func(mw ...gin.HandlerFunc) *gin.Engine {
		r := gin.New()
		r.Use(mw...)
		r.GET("/", func(c *gin.Context) {
			flags.NewSearch(c)
			subject = flags.Set.FromContext(c.Request.Context()).Subject().ID
		})
		return r
	}
	mw := ginflags.New(flags.Set, opts)
	tests := []struct {
		name string
		h    http.Handler
	}{
		{"ginflags twice", newEngine(mw, readSearch, mw)},
		{"two ginflags", newEngine(ginflags.New(flags.Set, opts), readSearch, ginflags.New(flags.Set, opts))},
		{"net/http middleware in front", middleware.New(flags.Set, opts)(newEngine(readSearch, mw))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			searches, subject = nil, ""
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
			var ids []string
			for _, c := range w.Result().Cookies() {
				if c.Name == "flaggen_visitor" {
					ids = append(ids, c.Value)
				}
			}
			if len(ids) != 1 || ids[0] != subject {
				t.Errorf("visitor cookies: got %q for subject %q, want one holding the subject", ids, subject)
			}
			if len(searches) != 1 || searches[0].Subject != subject {
				t.Errorf("search exposures: got %+v, want one for subject %q", searches, subject)
			}
		})
	}
}

// TestNetHTTPInFront: behind net/http middleware that gave the request
// its evaluator, a gin handler reaches that evaluator through c as well as
// through c.Request.Context(), with or without ContextWithFallback: the
// request's override applies both ways.
func TestNetHTTPInFront(t *testing.T) {
	t.Parallel()
	opts := middleware.Options{Overrides: middleware.Overrides{Header: true}}
	for _, fallback := range []bool{false, true} {
		var got seen
		r := engine(fallback, ginflags.New(flags.Set, opts), func(c *gin.Context) context.Context { return c }, &got)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set(middleware.OverrideHeader, "search=variant_b")
		middleware.New(flags.Set, opts)(r).ServeHTTP(httptest.NewRecorder(), req)
		if got.search != "variant_b" {
			t.Errorf("fallback=%v: search through c: got %s, want variant_b (the override of the evaluator net/http's middleware made)", fallback, got.search)
		}
	}
}

// TestNewNilSet: a nil set is refused when the middleware is built.
func TestNewNilSet(t *testing.T) {
	t.Parallel()
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "nil flag set") {
			t.Errorf("ginflags.New(nil, …): got panic %v, want one saying nil flag set", v)
		}
	}()
	ginflags.New(nil, middleware.Options{})
}

// TestCacheHeaders: responses served through ginflags carry the caching
// headers of package middleware, which a handler can replace or, for a
// response that reads no flag, undo.
func TestCacheHeaders(t *testing.T) {
	t.Parallel()
	opts := headerOptions()
	opts.Vary = []string{"X-User-ID"}
	opts.Anonymous = &middleware.AnonymousCookie{}
	evs := middleware.NewEvaluators(flags.Set, opts)
	r := gin.New()
	r.Use(ginflags.FromEvaluators(evs))
	r.GET("/search", func(c *gin.Context) {
		c.String(http.StatusOK, flags.NewSearch(c).String())
	})
	r.GET("/own", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusOK, flags.NewSearch(c).String())
	})
	r.GET("/static", func(c *gin.Context) {
		evs.Shareable(c.Writer)
		c.Header("Cache-Control", "public, max-age=3600")
		c.String(http.StatusOK, "the same for everyone")
	})
	const private, vary = "private, no-cache", "Cookie, X-User-Id"
	tests := []struct {
		name         string
		h            http.Handler
		path         string
		status       int
		cacheControl string
		vary         string // "" means none
	}{
		{"reads a flag", r, "/search", 200, private, vary},
		{"sets its own Cache-Control", r, "/own", 200, "no-store", vary},
		{"Shareable", r, "/static", 200, "public, max-age=3600", ""},
		{"no route", r, "/nowhere", 404, private, vary},
		{"net/http middleware in front", evs.Handler(r), "/search", 200, private, vary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
			res := w.Result()
			if res.StatusCode != tt.status {
				t.Errorf("status: got %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Values("Cache-Control"); len(got) != 1 || got[0] != tt.cacheControl {
				t.Errorf("Cache-Control: got %q, want %q", got, tt.cacheControl)
			}
			var want []string
			if tt.vary != "" {
				want = []string{tt.vary}
			}
			if got := res.Header.Values("Vary"); !slices.Equal(got, want) {
				t.Errorf("Vary: got %q, want %q", got, want)
			}
		})
	}
}
