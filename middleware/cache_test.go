package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

// cacheResult is what a cache reads of a response: its status and its
// Cache-Control and Vary lines.
type cacheResult struct {
	status       int
	cacheControl []string
	vary         []string
}

func cacheResultOf(res *http.Response) cacheResult {
	return cacheResult{res.StatusCode, res.Header.Values("Cache-Control"), res.Header.Values("Vary")}
}

func (c cacheResult) equal(d cacheResult) bool {
	return c.status == d.status && slices.Equal(c.cacheControl, d.cacheControl) && slices.Equal(c.vary, d.vary)
}

// readsSearch answers with the search flag's variant.
func readsSearch(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte(flags.NewSearch(r.Context()).String()))
}

func TestCacheHeaders(t *testing.T) {
	t.Parallel()
	const private = "private, no-cache"
	subject := middleware.HeaderSubject(middleware.Headers{})
	withVary := middleware.Options{Subject: subject, Vary: []string{"X-User-ID", "x-user-groups"}, Anonymous: &middleware.AnonymousCookie{}}
	allVary := "Cookie, X-User-Groups, X-User-Id"
	var evs *middleware.Evaluators // the case's, for handlers that call Shareable
	tests := []struct {
		name   string
		opts   middleware.Options
		before http.Header // what middleware in front of flaggen's set
		h      http.HandlerFunc
		header []string // request header lines
		want   cacheResult
	}{
		{"zero options", middleware.Options{}, nil, readsSearch, nil,
			cacheResult{200, []string{private}, nil}},
		{"subject from headers named in Vary", middleware.Options{Subject: subject, Vary: []string{"X-User-ID", "X-User-Groups"}}, nil, readsSearch, nil,
			cacheResult{200, []string{private}, []string{"X-User-Groups, X-User-Id"}}},
		{"visitor cookie", middleware.Options{Anonymous: &middleware.AnonymousCookie{}}, nil, readsSearch, nil,
			cacheResult{200, []string{private}, []string{"Cookie"}}},
		{"signed overrides", middleware.Options{Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}}}, nil, readsSearch, nil,
			cacheResult{200, []string{private}, []string{"Cookie"}}},
		{"override header", middleware.Options{Overrides: middleware.Overrides{Header: true}}, nil, readsSearch, nil,
			cacheResult{200, []string{private}, []string{"X-Flaggen-Override"}}},
		{"everything, names repeated", middleware.Options{
			Subject: subject, Vary: []string{"x-user-id", "X-User-Groups", "X-User-ID", "Cookie"},
			Anonymous: &middleware.AnonymousCookie{}, Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}, Header: true},
		}, nil, readsSearch, nil,
			cacheResult{200, []string{private}, []string{"Cookie, X-Flaggen-Override, X-User-Groups, X-User-Id"}}},
		{"a handler's Cache-Control wins", withVary, nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			readsSearch(w, r)
		}, nil, cacheResult{200, []string{"no-store"}, []string{allVary}}},
		{"a handler adds", withVary, nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Cache-Control", "max-age=60")
			w.Header().Add("Vary", "Accept-Encoding")
			readsSearch(w, r)
		}, nil, cacheResult{200, []string{private, "max-age=60"}, []string{allVary, "Accept-Encoding"}}},
		{"earlier no-store kept", withVary, http.Header{"Cache-Control": {"no-cache, no-store, must-revalidate"}}, readsSearch, nil,
			cacheResult{200, []string{"no-cache, no-store, must-revalidate"}, []string{allVary}}},
		{"earlier private kept", withVary, http.Header{"Cache-Control": {"max-age=60", "Private"}}, readsSearch, nil,
			cacheResult{200, []string{"max-age=60", "Private"}, []string{allVary}}},
		{"earlier public replaced", withVary, http.Header{"Cache-Control": {"public, max-age=600"}}, readsSearch, nil,
			cacheResult{200, []string{private}, []string{allVary}}},
		{"earlier private with field names replaced", withVary, http.Header{"Cache-Control": {`private="Set-Cookie", max-age=600`}}, readsSearch, nil,
			cacheResult{200, []string{private}, []string{allVary}}},
		{"earlier directive quoting private replaced", withVary, http.Header{"Cache-Control": {`no-cache="X-A,private,X-B", public, max-age=600`}}, readsSearch, nil,
			cacheResult{200, []string{private}, []string{allVary}}},
		{"earlier Vary kept", withVary, http.Header{"Vary": {"Origin"}}, readsSearch, nil,
			cacheResult{200, []string{private}, []string{"Origin", allVary}}},
		{"304 carries them", withVary, nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"`+flags.NewSearch(r.Context()).String()+`"`)
			if r.Header.Get("If-None-Match") == `"control"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			readsSearch(w, r)
		}, []string{"X-User-ID: 11", `If-None-Match: "control"`}, cacheResult{304, []string{private}, []string{allVary}}},
		{"an error carries them", withVary, nil, func(w http.ResponseWriter, r *http.Request) {
			flags.NewSearch(r.Context())
			http.Error(w, "no", http.StatusInternalServerError)
		}, nil, cacheResult{500, []string{private}, []string{allVary}}},
		{"Shareable", withVary, nil, func(w http.ResponseWriter, r *http.Request) {
			evs.Shareable(w)
			w.Write([]byte("the same for everyone"))
		}, nil, cacheResult{200, nil, nil}},
		{"Shareable keeps others' lines", withVary, http.Header{"Vary": {"Origin"}}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Accept-Encoding")
			evs.Shareable(w)
			w.Header().Set("Cache-Control", "public, max-age=600")
			w.Write([]byte("the same for everyone"))
		}, nil, cacheResult{200, []string{"public, max-age=600"}, []string{"Origin", "Accept-Encoding"}}},
		{"Shareable keeps a handler's Cache-Control", withVary, nil, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=600")
			evs.Shareable(w)
		}, nil, cacheResult{200, []string{"public, max-age=600"}, nil}},
		{"the override endpoint's no-store", middleware.Options{Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}}}, nil, func(w http.ResponseWriter, r *http.Request) {
			evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff}).ServeHTTP(w, r)
		}, []string{"X-Staff: yes"}, cacheResult{200, []string{"no-store"}, []string{"Cookie"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs = middleware.NewEvaluators(flags.Set, tt.opts)
			h := evs.Handler(tt.h)
			// Serve twice: what a handler does to one response's header
			// must not reach the next.
			for i := range 2 {
				rec := httptest.NewRecorder()
				for k, v := range tt.before {
					rec.Header()[k] = slices.Clone(v)
				}
				h.ServeHTTP(rec, request("/", tt.header...))
				if got := cacheResultOf(rec.Result()); !got.equal(tt.want) {
					t.Errorf("response %d: got status %d, Cache-Control %q, Vary %q; want %d, %q, %q",
						i+1, got.status, got.cacheControl, got.vary, tt.want.status, tt.want.cacheControl, tt.want.vary)
				}
			}
		})
	}
}

// TestCacheHeadersServer checks the headers on the wire, from a real
// server whose concurrent handlers change their responses' headers: the
// race detector would see one response's change reach another's.
func TestCacheHeadersServer(t *testing.T) {
	t.Parallel()
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Vary:      []string{"X-User-ID", "X-User-Groups"},
		Anonymous: &middleware.AnonymousCookie{},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("/search", readsSearch)
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		w.Header().Add("Cache-Control", "max-age=0")
		readsSearch(w, r)
	})
	mux.HandleFunc("/static", func(w http.ResponseWriter, r *http.Request) {
		evs.Shareable(w)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write([]byte("static"))
	})
	srv := httptest.NewServer(evs.Handler(mux))
	defer srv.Close()

	vary := []string{"Cookie, X-User-Groups, X-User-Id"}
	tests := []struct {
		path string
		want cacheResult
	}{
		{"/search", cacheResult{200, []string{"private, no-cache"}, vary}},
		{"/gzip", cacheResult{200, []string{"private, no-cache", "max-age=0"}, append(vary, "Accept-Encoding")}},
		{"/static", cacheResult{200, []string{"public, max-age=3600"}, nil}},
		{"/nowhere", cacheResult{404, []string{"private, no-cache"}, vary}},
	}
	var wg sync.WaitGroup
	for range 4 {
		for _, tt := range tests {
			wg.Go(func() {
				res, err := srv.Client().Get(srv.URL + tt.path)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				if got := cacheResultOf(res); !got.equal(tt.want) {
					t.Errorf("GET %s: got status %d, Cache-Control %q, Vary %q; want %d, %q, %q",
						tt.path, got.status, got.cacheControl, got.vary, tt.want.status, tt.want.cacheControl, tt.want.vary)
				}
			})
		}
	}
	wg.Wait()
}

// TestCacheHeadersInstalledTwice: the second install leaves the first's
// headers as they are.
func TestCacheHeadersInstalledTwice(t *testing.T) {
	t.Parallel()
	first := middleware.New(flags.Set, middleware.Options{Anonymous: &middleware.AnonymousCookie{}})
	second := middleware.New(flags.Set, middleware.Options{Overrides: middleware.Overrides{Header: true}})
	rec := httptest.NewRecorder()
	first(second(http.HandlerFunc(readsSearch))).ServeHTTP(rec, request("/"))
	want := cacheResult{200, []string{"private, no-cache"}, []string{"Cookie"}}
	if got := cacheResultOf(rec.Result()); !got.equal(want) {
		t.Errorf("got status %d, Cache-Control %q, Vary %q; want %d, %q, %q", got.status, got.cacheControl, got.vary, want.status, want.cacheControl, want.vary)
	}
}

// TestTargetedCacheControl: a CDN obeys its targeted field (RFC 9213's
// CDN-Cache-Control, or a vendor's) instead of Cache-Control, so one that
// middleware in front of flaggen's set, chosen without knowing that the
// response depends on flags, is removed unless it keeps shared caches
// out already; the handler's own is kept.
func TestTargetedCacheControl(t *testing.T) {
	t.Parallel()
	h := middleware.New(flags.Set, middleware.Options{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/own" {
			w.Header().Set("CDN-Cache-Control", "no-store")
		}
		readsSearch(w, r)
	}))
	for _, name := range []string{"CDN-Cache-Control", "Surrogate-Control", "Cloudflare-CDN-Cache-Control", "Akamai-Cache-Control"} {
		tests := []struct {
			before, path string
			want         []string
		}{
			{"max-age=600", "/", nil},
			{"public, s-maxage=600", "/", nil},
			{"no-store", "/", []string{"no-store"}},
			{"private", "/", []string{"private"}},
		}
		for _, tt := range tests {
			rec := httptest.NewRecorder()
			rec.Header().Set(name, tt.before)
			h.ServeHTTP(rec, request(tt.path))
			if got := rec.Result().Header.Values(name); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %s set before: got %q, want %q", name, tt.before, got, tt.want)
			}
		}
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("CDN-Cache-Control", "max-age=600")
	h.ServeHTTP(rec, request("/own"))
	if got, want := rec.Result().Header.Values("CDN-Cache-Control"), []string{"no-store"}; !slices.Equal(got, want) {
		t.Errorf("the handler's CDN-Cache-Control: got %q, want %q", got, want)
	}
}

// TestShareableVisitorCookie: a response that Shareable hands to shared
// caches does not carry the visitor id the middleware minted for the
// request, which a cache that stores Set-Cookie would give every
// visitor; other cookies stay.
func TestShareableVisitorCookie(t *testing.T) {
	t.Parallel()
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{Anonymous: &middleware.AnonymousCookie{}})
	h := evs.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evs.Shareable(w)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write([]byte("the same for everyone"))
	}))
	rec := httptest.NewRecorder()
	http.SetCookie(rec, &http.Cookie{Name: "theme", Value: "dark"})
	h.ServeHTTP(rec, request("/"))
	var names []string
	for _, c := range rec.Result().Cookies() {
		names = append(names, c.Name)
	}
	if want := []string{"theme"}; !slices.Equal(names, want) {
		t.Errorf("Set-Cookie of a shareable response: got cookies %q, want %q", names, want)
	}
}
