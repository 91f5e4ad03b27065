package middleware_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

func ExampleNew() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feature", func(w http.ResponseWriter, r *http.Request) {
		if flags.NewMyNewFeature(r.Context()).IsVisible() {
			fmt.Fprintln(w, "the new feature")
			return
		}
		fmt.Fprintln(w, "nothing new")
	})
	// Behind a proxy that authenticates users and sets X-User-ID.
	h := middleware.New(flags.Set, middleware.Options{
		Subject: middleware.HeaderSubject(middleware.Headers{}),
	})(mux)

	for _, id := range []string{"1", "42"} {
		req := httptest.NewRequest(http.MethodGet, "/feature", nil)
		req.Header.Set("X-User-ID", id)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Print("user ", id, ": ", rec.Body)
	}
	// Output:
	// user 1: the new feature
	// user 42: nothing new
}

func ExampleEvaluators_OverrideHandler() {
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{[]byte("use 32 random bytes from a vault")}},
	})
	mux := http.NewServeMux()
	mux.Handle("/_flags/", evs.OverrideHandler(middleware.OverrideHandlerOptions{
		// Your own check: a staff session, an SSO group, a VPN address.
		Authorize: func(r *http.Request) bool { return r.Header.Get("X-User-ID") == "1" },
	}))
	mux.Handle("/", evs.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ranking:", flags.NewSearch(r.Context()))
	})))
	h := mux

	// Staff member 1 overrides search for their browser...
	req := httptest.NewRequest(http.MethodPost, "/_flags/", strings.NewReader("flag=search&variant=variant_b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-User-ID", "1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println("POST /_flags/:", rec.Code)

	// ...and the browser sends the cookie back.
	req = httptest.NewRequest(http.MethodGet, "/search", nil)
	req.Header.Set("X-User-ID", "1")
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Print(rec.Body)
	// Output:
	// POST /_flags/: 200
	// ranking: variant_b
}

func ExampleEvaluators_Shareable() {
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject: middleware.HeaderSubject(middleware.Headers{}),
		Vary:    []string{"X-User-ID", "X-User-Groups"},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ranking:", flags.NewSearch(r.Context()))
	})
	mux.HandleFunc("GET /about", func(w http.ResponseWriter, r *http.Request) {
		// This page reads no flag: the same for everyone.
		evs.Shareable(w)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fmt.Fprintln(w, "about us")
	})
	h := evs.Handler(mux)

	for _, path := range []string{"/search", "/about"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Printf("%s: Cache-Control: %s; Vary: %s\n", path, rec.Header().Get("Cache-Control"), rec.Header().Get("Vary"))
	}
	// Output:
	// /search: Cache-Control: private, no-cache; Vary: X-User-Groups, X-User-Id
	// /about: Cache-Control: public, max-age=3600; Vary:
}
