package middleware_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

type userKey struct{}

// withValue hands the handler a value through the request's context, as
// most middleware does: context.WithValue, then Request.WithContext.
func withValue(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header["X-User-Id"]
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, &id)))
	})
}

// leastCtx is a context that carries one value in the allocation of the
// context itself, as flaggen's evaluator does.
type leastCtx struct {
	context.Context
	id []string
}

func (c *leastCtx) Value(key any) any {
	if key == (userKey{}) {
		return &c.id
	}
	return c.Context.Value(key)
}

// private is a Cache-Control line every response shares, as the
// middleware's is: assigning it allocates nothing.
var private = []string{"private, no-cache"}

// least is the least a middleware can do that hands the handler a value
// through the request's context and keeps the response out of shared
// caches: one allocation for the context and its value, one for the
// request that carries it (Request.WithContext), and a shared header line.
func least(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Cache-Control"] = private
		next.ServeHTTP(w, r.WithContext(&leastCtx{Context: r.Context(), id: r.Header["X-User-Id"]}))
	})
}

// ok is the body the benchmarks' handlers write.
var ok = []byte("ok")

// write is a handler that reads no flag: the bare request.
var write = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Write(ok)
})

// readFlag is a handler that reads one flag.
var readFlag = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if flags.NewSearch(r.Context()).IsVariantA() {
		w.Write(ok)
		return
	}
	w.Write(ok)
})

// BenchmarkMiddleware measures what the middleware adds to a request
// that reads one flag. bare, a handler with no middleware, is the floor;
// bare+private is a handler that keeps its response out of shared caches
// itself, as one that depends on its user must without flaggen (the
// middleware's Cache-Control costs what that line costs: a header-map
// entry, which the response writer then copies and searches); withvalue
// is the usual middleware that hands the handler a value through the
// request's context (context.WithValue and Request.WithContext). least is
// the least any middleware can do that both hands the handler a value and
// keeps the response out of shared caches, as the package documentation's
// "Caching" requires: the floor of flaggen's middleware, which does that
// and, besides, reads the subject and evaluates the flag.
func BenchmarkMiddleware(b *testing.B) {
	req := httptest.NewRequest(http.MethodGet, "/search", nil)
	req.Header.Set("X-User-ID", "42")
	writePrivate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, no-cache")
		w.Write(ok)
	})
	readValue := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(userKey{}) == nil {
			panic("no value")
		}
		w.Write(ok)
	})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", write},
		{"bare+private", writePrivate},
		{"withvalue", withValue(readValue)},
		{"least", least(readValue)},
		{"flaggen", middleware.New(flags.Set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})(readFlag)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}

// BenchmarkMiddlewareServer measures what BenchmarkMiddleware's bare and
// flaggen handlers cost behind a real net/http server: one keep-alive
// connection over the loopback interface, written and read by hand so
// that the client adds little. It puts BenchmarkMiddleware's ratios,
// which a bare httptest.ResponseRecorder request inflates, beside the
// cost of serving a request.
func BenchmarkMiddlewareServer(b *testing.B) {
	request := []byte("GET /search HTTP/1.1\r\nHost: bench\r\nX-User-ID: 42\r\n\r\n")
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", write},
		{"flaggen", middleware.New(flags.Set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})(readFlag)},
	} {
		b.Run(c.name, func(b *testing.B) {
			srv := httptest.NewServer(c.h)
			defer srv.Close()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			buf := make([]byte, 4096)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := conn.Write(request); err != nil {
					b.Fatal(err)
				}
				if err := readResponse(conn, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// readResponse reads one response to a request of BenchmarkMiddlewareServer
// from conn: a 200 whose body is "ok", with no other response behind it.
func readResponse(conn net.Conn, buf []byte) error {
	n := 0
	for {
		m, err := conn.Read(buf[n:])
		if err != nil {
			return err
		}
		n += m
		if end := bytes.Index(buf[:n], []byte("\r\n\r\n")); end >= 0 && n >= end+4+len("ok") {
			if !bytes.HasPrefix(buf, []byte("HTTP/1.1 200 ")) || string(buf[end+4:n]) != "ok" {
				return fmt.Errorf("unexpected response %q", buf[:n])
			}
			return nil
		}
		if n == len(buf) {
			return fmt.Errorf("response longer than %d bytes: %q", len(buf), buf)
		}
	}
}

// BenchmarkOverrideCookie measures requests that carry an override
// cookie: the middleware, which decodes it, is the floor; the override
// endpoint behind the middleware reads what the middleware decoded, and a
// POST answers from the pairs it wrote.
func BenchmarkOverrideCookie(b *testing.B) {
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}},
	})
	cookie := cookieName + "=" + middleware.SignOverrides(secretNew, cookieName, time.Now().Add(time.Hour), "search", "variant_b", "holiday", "on")
	endpoint := evs.Handler(evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: func(*http.Request) bool { return true }}))
	get := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/_flags/", nil)
		req.Header.Set("X-User-ID", "42")
		req.Header.Set("Cookie", cookie)
		return req
	}
	b.Run("middleware", func(b *testing.B) {
		h := evs.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			flags.NewSearch(r.Context())
		}))
		req := get()
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	b.Run("endpoint-get", func(b *testing.B) {
		req := get()
		b.ReportAllocs()
		for b.Loop() {
			endpoint.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	b.Run("endpoint-post", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "/_flags/", strings.NewReader("flag=search&variant=variant_a"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("X-User-ID", "42")
			req.Header.Set("Cookie", cookie)
			endpoint.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}
