package middleware_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

type userKey struct{}

// withValue is the least a middleware can do: hand the handler a value
// through the request's context.
func withValue(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header["X-User-Id"]
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, &id)))
	})
}

// BenchmarkMiddleware measures what the middleware adds to a request
// that reads one flag. bare, a handler with no middleware, is the floor;
// bare+private is a handler that keeps its response out of shared caches
// itself, as one that depends on its user must without flaggen (the
// middleware's Cache-Control costs what that line costs: a header-map
// entry, which the response writer then copies and searches); withvalue
// is the least any middleware that hands a value to the handler through
// the request's context costs (context.WithValue and Request.WithContext),
// for comparison.
func BenchmarkMiddleware(b *testing.B) {
	ok := []byte("ok")
	req := httptest.NewRequest(http.MethodGet, "/search", nil)
	req.Header.Set("X-User-ID", "42")
	b.Run("bare", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(ok)
		})
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	b.Run("bare+private", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "private, no-cache")
			w.Write(ok)
		})
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	b.Run("withvalue", func(b *testing.B) {
		h := withValue(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Context().Value(userKey{}) == nil {
				b.Fatal("no value")
			}
			w.Write(ok)
		}))
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	b.Run("flaggen", func(b *testing.B) {
		h := middleware.New(flags.Set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})(
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if flags.NewSearch(r.Context()).IsVariantA() {
					w.Write(ok)
					return
				}
				w.Write(ok)
			}))
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}
