// Package routertest is the end-to-end test every example router runs:
// the seed scenarios, the routes and their methods, the override
// endpoint and the dashboard, through the router the example builds. An
// example's test calls [Run] with its router; a router adapter (gin, chi,
// net/http) changes the router, never what it must do.
package routertest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/examples/internal/app"
	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
)

var site = &url.URL{Scheme: "http", Host: "example.com", Path: "/"}

// browser sends requests to a router through httptest, with fixed headers,
// keeping cookies as a browser does.
type browser struct {
	t      *testing.T
	h      http.Handler
	header http.Header
	jar    *cookiejar.Jar
}

func newBrowser(t *testing.T, h http.Handler, header http.Header) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, h: h, header: header, jar: jar}
}

// do sends a request (a form POST when form is not nil) and returns the
// response, whose cookies the browser keeps.
func (b *browser) do(method, target string, form url.Values) *http.Response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	for _, c := range b.jar.Cookies(site) {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, req)
	resp := w.Result()
	resp.Request = req // for decode's messages
	b.jar.SetCookies(site, resp.Cookies())
	return resp
}

// getJSON GETs target, checks for 200 and decodes the JSON answer into v.
func (b *browser) getJSON(target string, v any) *http.Response {
	b.t.Helper()
	resp := b.do(http.MethodGet, target, nil)
	decode(b.t, resp, http.StatusOK, v)
	return resp
}

// decode checks resp's status and decodes its JSON body into v.
func decode(t *testing.T, resp *http.Response, want int, v any) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: got status %d, want %d: %s", resp.Request.Method, resp.Request.URL, resp.StatusCode, want, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s %s: %v: %s", resp.Request.Method, resp.Request.URL, err, body)
	}
}

// variants is GET / for b.
func (b *browser) variants() map[string]string {
	b.t.Helper()
	var got map[string]string
	b.getJSON("/", &got)
	return got
}

type searchAnswer struct {
	Query   string   `json:"query"`
	Ranking string   `json:"ranking"`
	Results []string `json:"results"`
}

func (b *browser) search(q string) searchAnswer {
	b.t.Helper()
	var got searchAnswer
	b.getJSON("/search?q="+url.QueryEscape(q), &got)
	return got
}

// setCookie returns the response's Set-Cookie for name, or nil.
func setCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// testConfig is a server that logs to t and signs with a fixed secret.
func testConfig(t *testing.T) app.Config {
	return app.Config{
		Secret: []byte("test secret, test secret, test secret"),
		Log:    slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
}

// A Route is a request only some routers answer, with the status they
// give it and, for a redirect, where it leads.
type Route struct {
	Method, Path string
	Status       int
	Location     string
}

// suite is the tests of one router.
type suite struct {
	newRouter func(*app.Server) http.Handler
	routes    []Route
}

func (s suite) router(t *testing.T) http.Handler {
	return s.newRouter(app.NewServer(testConfig(t)))
}

// Run runs the tests every example's router passes, as subtests of t,
// against routers newRouter builds; routes are requests only this
// router answers (a HEAD, a redirect), checked beside the shared ones.
func Run(t *testing.T, newRouter func(*app.Server) http.Handler, routes ...Route) {
	s := suite{newRouter: newRouter, routes: routes}
	for _, tt := range []struct {
		name string
		test func(*testing.T)
	}{
		{"Variants", s.testVariants},
		{"Routes", s.testRoutes},
		{"RoutesMethodsAndPaths", s.testRoutesMethodsAndPaths},
		{"Overrides", s.testOverrides},
		{"OverridesForbidden", s.testOverridesForbidden},
		{"AnonymousVisitor", s.testAnonymousVisitor},
		{"OverrideHandlerVisitor", s.testOverrideHandlerVisitor},
		{"OverrideCookieNeedsTheSecret", s.testOverrideCookieNeedsTheSecret},
		{"DevHeader", s.testDevHeader},
		{"Dashboard", s.testDashboard},
		{"DashboardMount", s.testDashboardMount},
	} {
		t.Run(tt.name, tt.test)
	}
}

// bucketed returns the variants a subject gets without overrides, as the
// runtime computes them.
func bucketed(s runtime.Subject) map[string]string {
	ev := flags.Set.NewEvaluator(context.Background(), s, nil)
	out := map[string]string{}
	for _, key := range flags.Set.Snapshot().Keys() {
		out[key] = ev.Lookup(key)
	}
	return out
}

func (s suite) testVariants(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	tests := []struct {
		name   string
		header http.Header
		want   map[string]string // a subset of GET /
	}{
		{"user 1", http.Header{"X-User-Id": {"1"}}, map[string]string{"my_new_feature": "VISIBLE", "holiday": "off"}},
		{"user 3", http.Header{"X-User-Id": {"3"}}, map[string]string{"my_new_feature": "VISIBLE"}},
		{"user 4", http.Header{"X-User-Id": {"4"}}, map[string]string{"my_new_feature": "NOT_VISIBLE"}},
		{"user 9", http.Header{"X-User-Id": {"9"}}, map[string]string{"my_new_feature": "NOT_VISIBLE"}},
		{"anonymous", nil, map[string]string{"my_new_feature": "NOT_VISIBLE"}},
		{"employee after another group", http.Header{"X-User-Id": {"9"}, "X-User-Groups": {"staff, employees"}}, map[string]string{"search": "variant_a"}},
		{"employee", http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"employees"}}, map[string]string{"search": "variant_a", "my_new_feature": "NOT_VISIBLE"}},
		{"employee among groups", http.Header{"X-User-Id": {"9"}, "X-User-Groups": {"beta, employees"}}, map[string]string{"search": "variant_a", "new_checkout": "on"}},
		{"beta", http.Header{"X-User-Id": {"9"}, "X-User-Groups": {"beta"}}, map[string]string{"new_checkout": "on"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newBrowser(t, h, tt.header).variants()
			for k, want := range tt.want {
				if got[k] != want {
					t.Errorf("GET /: got %s=%q, want %q (all: %v)", k, got[k], want, got)
				}
			}
			if keys, want := slices.Sorted(maps.Keys(got)), flags.Set.Snapshot().Keys(); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
				t.Errorf("GET /: got flags %v, want %v", keys, want)
			}
		})
	}
}

func (s suite) testRoutes(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	employee := http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"employees"}}
	user1 := http.Header{"X-User-Id": {"1"}}
	tests := []struct {
		name   string
		header http.Header
		path   string
		want   string // in the body
	}{
		{"variants for user 1", user1, "/", `"my_new_feature":"VISIBLE"`},
		{"holiday off", employee, "/calendar/api/v1.0/whatistoday", `"today":"a normal day"`},
		{"holiday off for user 1", user1, "/calendar/api/v1.0/whatistoday", `"holiday":false`},
		{"employee ranking", employee, "/search?q=ap", `"query":"ap","ranking":"variant_a","results":["apple","grape","apricot","grapefruit"]`},
		{"search without hits", employee, "/search?q=zzz", `"results":[]`},
		{"beta checkout", http.Header{"X-User-Id": {"9"}, "X-User-Groups": {"beta"}}, "/checkout", `"checkout":"new","steps":["cart","pay"]`},
		{"feature for user 1", user1, "/feature", "You can see the new feature."},
		{"feature for user 4", http.Header{"X-User-Id": {"4"}}, "/feature", "Nothing new here yet."},
		{"feature for user 9", http.Header{"X-User-Id": {"9"}}, "/feature", "Nothing new here yet."},
		{"feature page asks search", employee, "/feature", "search: variant_a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := newBrowser(t, h, tt.header).do(http.MethodGet, tt.path, nil)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: got status %d, want 200: %s", tt.path, resp.StatusCode, body)
			}
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("GET %s: got %s, want it to contain %s", tt.path, body, tt.want)
			}
			// The middleware keeps every answer out of shared caches.
			if got, want := resp.Header.Values("Cache-Control"), "private, no-cache"; len(got) != 1 || got[0] != want {
				t.Errorf("GET %s: got Cache-Control %q, want %q", tt.path, got, want)
			}
			if got, want := resp.Header.Values("Vary"), "Cookie, X-User-Groups, X-User-Id"; len(got) != 1 || got[0] != want {
				t.Errorf("GET %s: got Vary %q, want %q", tt.path, got, want)
			}
			wantType := "application/json"
			if tt.path == "/feature" {
				wantType = "text/html"
			}
			if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, wantType) {
				t.Errorf("GET %s: got Content-Type %q, want %s", tt.path, got, wantType)
			}
		})
	}
}

func (s suite) testRoutesMethodsAndPaths(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	tests := append([]Route{
		{Method: http.MethodGet, Path: "/nowhere", Status: http.StatusNotFound},
		{Method: http.MethodPost, Path: "/", Status: http.StatusMethodNotAllowed},
		{Method: http.MethodPost, Path: "/checkout", Status: http.StatusMethodNotAllowed},
		{Method: http.MethodGet, Path: "/healthz/flags", Status: http.StatusOK},
		{Method: http.MethodDelete, Path: "/_flags/", Status: http.StatusMethodNotAllowed},
	}, s.routes...)
	for _, tt := range tests {
		b := newBrowser(t, h, http.Header{"X-User-Id": {"1"}, "X-User-Groups": {"developers"}})
		resp := b.do(tt.Method, tt.Path, nil)
		if resp.StatusCode != tt.Status {
			t.Errorf("%s %s: got status %d, want %d", tt.Method, tt.Path, resp.StatusCode, tt.Status)
		}
		if got := resp.Header.Get("Location"); tt.Location != "" && got != tt.Location {
			t.Errorf("%s %s: got Location %q, want %q", tt.Method, tt.Path, got, tt.Location)
		}
	}
}

// overrideAnswer is the part of the override endpoint's answer the tests read.
type overrideAnswer struct {
	Subject string `json:"subject"`
	Flags   []struct {
		Key, Variant, Reason, Override string
	} `json:"flags"`
	Overrides map[string]string `json:"overrides"`
}

func (s suite) testOverrides(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	dev := newBrowser(t, h, http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"developers"}})
	rollout := dev.variants()
	if want := bucketed(runtime.Subject{ID: "4", Groups: []string{"developers"}}); !maps.Equal(rollout, want) {
		t.Fatalf("GET / before overrides: got %v, want %v", rollout, want)
	}
	// Override search to a variant the rollout does not give user 4.
	override := "variant_b"
	if rollout["search"] == override {
		override = "variant_a"
	}

	post := func(form url.Values) overrideAnswer {
		t.Helper()
		resp := dev.do(http.MethodPost, "/_flags/", form)
		var got overrideAnswer
		decode(t, resp, http.StatusOK, &got)
		if setCookie(resp, "flaggen_overrides") == nil {
			t.Errorf("POST /_flags/ %s: got no flaggen_overrides cookie, want one", form.Encode())
		}
		return got
	}

	got := post(url.Values{"flag": {"search"}, "variant": {override}})
	if want := map[string]string{"search": override}; !maps.Equal(got.Overrides, want) {
		t.Errorf("POST search=%s: got overrides %v, want %v", override, got.Overrides, want)
	}
	ranked := map[string][]string{
		"variant_a": {"apple", "grape", "apricot", "grapefruit"}, // shortest first
		"variant_b": {"grapefruit", "grape", "apricot", "apple"}, // reverse alphabetical
	}
	if s := dev.search("ap"); s.Ranking != override || !slices.Equal(s.Results, ranked[override]) {
		t.Errorf("GET /search?q=ap after override: got ranking %q %v, want %q %v", s.Ranking, s.Results, override, ranked[override])
	}
	// Another user in the same browser gets the override too: it belongs
	// to the browser, not to the user.
	other := *dev
	other.header = http.Header{"X-User-Id": {"1"}}
	if got := other.variants()["search"]; got != override {
		t.Errorf("GET / as user 1 in the overriding browser: got search %q, want %q", got, override)
	}
	post(url.Values{"flag": {"my_new_feature"}, "variant": {"VISIBLE"}})
	want := maps.Clone(rollout)
	want["search"], want["my_new_feature"] = override, "VISIBLE"
	if got := dev.variants(); !maps.Equal(got, want) {
		t.Errorf("GET / after overrides: got %v, want %v", got, want)
	}

	var state overrideAnswer
	dev.getJSON("/_flags/", &state)
	if want := map[string]string{"search": override, "my_new_feature": "VISIBLE"}; !maps.Equal(state.Overrides, want) {
		t.Errorf("GET /_flags/: got overrides %v, want %v", state.Overrides, want)
	}
	if state.Subject != "4" {
		t.Errorf("GET /_flags/: got subject %q, want %q", state.Subject, "4")
	}
	i := slices.IndexFunc(state.Flags, func(f struct{ Key, Variant, Reason, Override string }) bool { return f.Key == "search" })
	if i < 0 {
		t.Errorf("GET /_flags/: no flag search in %+v", state.Flags)
	} else if f := state.Flags[i]; f.Variant != override || f.Reason != "override" {
		t.Errorf("GET /_flags/ search: got %s (%s), want %s (override)", f.Variant, f.Reason, override)
	}

	// Another browser of the same user is unaffected.
	if got := newBrowser(t, h, dev.header).variants(); !maps.Equal(got, rollout) {
		t.Errorf("GET / from a browser without the cookie: got %v, want %v", got, rollout)
	}

	// Clearing search restores its rollout variant and keeps the other.
	post(url.Values{"flag": {"search"}, "variant": {""}})
	if s := dev.search("ap"); s.Ranking != rollout["search"] {
		t.Errorf("GET /search after clearing: got ranking %q, want %q", s.Ranking, rollout["search"])
	}
	want["search"] = rollout["search"]
	if got := dev.variants(); !maps.Equal(got, want) {
		t.Errorf("GET / after clearing search: got %v, want %v", got, want)
	}

	// clear=all restores everything and deletes the cookie.
	post(url.Values{"clear": {"all"}})
	if got := dev.variants(); !maps.Equal(got, rollout) {
		t.Errorf("GET / after clear=all: got %v, want %v", got, rollout)
	}
	if c := dev.jar.Cookies(site); slices.ContainsFunc(c, func(c *http.Cookie) bool { return c.Name == "flaggen_overrides" }) {
		t.Errorf("after clear=all: got a flaggen_overrides cookie, want none")
	}
}

func (s suite) testOverridesForbidden(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	form := url.Values{"flag": {"holiday"}, "variant": {"on"}}
	tests := []struct {
		name   string
		method string
		header http.Header
		want   int
	}{
		{"POST without groups", http.MethodPost, http.Header{"X-User-Id": {"4"}}, http.StatusForbidden},
		{"POST from beta", http.MethodPost, http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"beta"}}, http.StatusForbidden},
		{"POST from beta and staff", http.MethodPost, http.Header{"X-User-Id": {"1"}, "X-User-Groups": {"beta, staff"}}, http.StatusForbidden},
		{"POST from Developers", http.MethodPost, http.Header{"X-User-Groups": {"Developers"}}, http.StatusForbidden},
		{"POST anonymous", http.MethodPost, nil, http.StatusForbidden},
		{"GET without groups", http.MethodGet, http.Header{"X-User-Id": {"4"}}, http.StatusForbidden},
		{"GET from beta and staff", http.MethodGet, http.Header{"X-User-Id": {"1"}, "X-User-Groups": {"beta, staff"}}, http.StatusForbidden},
		{"GET from Developers", http.MethodGet, http.Header{"X-User-Groups": {"Developers"}}, http.StatusForbidden},
		{"GET anonymous", http.MethodGet, nil, http.StatusForbidden},
		{"POST from another site", http.MethodPost, http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"developers"}, "Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"POST from another origin", http.MethodPost, http.Header{"X-User-Groups": {"developers"}, "Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"POST from an employee", http.MethodPost, http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"employees"}}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, h, tt.header)
			var f url.Values
			if tt.method == http.MethodPost {
				f = form
			}
			resp := b.do(tt.method, "/_flags/", f)
			if resp.StatusCode != tt.want {
				body, _ := io.ReadAll(resp.Body)
				t.Fatalf("%s /_flags/: got status %d, want %d: %s", tt.method, resp.StatusCode, tt.want, body)
			}
			gotCookie := setCookie(resp, "flaggen_overrides") != nil
			if wantCookie := tt.want == http.StatusOK && tt.method == http.MethodPost; gotCookie != wantCookie {
				t.Errorf("%s /_flags/: got override cookie %v, want %v", tt.method, gotCookie, wantCookie)
			}
			var today map[string]any
			b.getJSON("/calendar/api/v1.0/whatistoday", &today)
			if got, want := today["holiday"], tt.want == http.StatusOK; got != want {
				t.Errorf("holiday after %s /_flags/: got %v, want %v", tt.method, got, want)
			}
			if got, want := today["today"], map[bool]string{false: "a normal day", true: "a special day"}[tt.want == http.StatusOK]; got != want {
				t.Errorf("whatistoday after %s /_flags/: got %v, want %q", tt.method, got, want)
			}
		})
	}
}

func (s suite) testAnonymousVisitor(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	for i := range 5 {
		b := newBrowser(t, h, nil)
		resp := b.do(http.MethodGet, "/", nil)
		var first map[string]string
		decode(t, resp, http.StatusOK, &first)
		visitor := setCookie(resp, "flaggen_visitor")
		if visitor == nil {
			t.Fatalf("visitor %d: first GET /: got no flaggen_visitor cookie, want one", i)
		}
		if !visitor.HttpOnly || visitor.Path != "/" || visitor.MaxAge <= 0 {
			t.Errorf("visitor %d: got cookie %+v, want HttpOnly, Path=/ and a MaxAge", i, visitor)
		}
		// The visitor is bucketed by the id in the cookie.
		if want := bucketed(runtime.Subject{ID: visitor.Value}); !maps.Equal(first, want) {
			t.Errorf("visitor %d: got %v, want %v, the variants of id %s", i, first, want, visitor.Value)
		}
		for range 3 {
			resp := b.do(http.MethodGet, "/", nil)
			var again map[string]string
			decode(t, resp, http.StatusOK, &again)
			if !maps.Equal(again, first) {
				t.Errorf("visitor %d: GET / again: got %v, want %v", i, again, first)
			}
			if c := resp.Cookies(); len(c) != 0 {
				t.Errorf("visitor %d: GET / again: got cookies %v, want none", i, c)
			}
		}
	}
	// A signed-in user gets no visitor cookie.
	if c := newBrowser(t, h, http.Header{"X-User-Id": {"1"}}).do(http.MethodGet, "/", nil).Cookies(); len(c) != 0 {
		t.Errorf("GET / as user 1: got cookies %v, want none", c)
	}
}

// testOverrideHandlerVisitor checks that an anonymous developer (groups but no user
// id) gets one visitor id from the override endpoint, and keeps it.
func (s suite) testOverrideHandlerVisitor(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	b := newBrowser(t, h, http.Header{"X-User-Groups": {"developers"}})
	resp := b.do(http.MethodPost, "/_flags/", url.Values{"flag": {"search"}, "variant": {"variant_b"}})
	var got overrideAnswer
	decode(t, resp, http.StatusOK, &got)
	var ids []string
	for _, c := range resp.Cookies() {
		if c.Name == "flaggen_visitor" {
			ids = append(ids, c.Value)
		}
	}
	if len(ids) != 1 || ids[0] != got.Subject {
		t.Fatalf("POST /_flags/: got visitor cookies %v and subject %q, want one cookie with the subject's id", ids, got.Subject)
	}
	if s := b.search(""); s.Ranking != "variant_b" {
		t.Errorf("GET /search: got ranking %q, want variant_b", s.Ranking)
	}
	if got := b.variants()["search"]; got != "variant_b" {
		t.Errorf("GET /: got search %q, want variant_b", got)
	}
	b.getJSON("/_flags/", &got)
	if got.Subject != ids[0] {
		t.Errorf("GET /_flags/: got subject %q, want %q", got.Subject, ids[0])
	}
}

// testOverrideCookieNeedsTheSecret: a server with another secret, as
// after a restart without FLAGGEN_SECRET, ignores the override cookie.
func (s suite) testOverrideCookieNeedsTheSecret(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, s.router(t), http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"employees"}})
	rollout := b.variants()["search"]
	override := "variant_b"
	if rollout == override {
		override = "variant_a"
	}
	resp := b.do(http.MethodPost, "/_flags/", url.Values{"flag": {"search"}, "variant": {override}})
	if setCookie(resp, "flaggen_overrides") == nil {
		t.Fatalf("POST /_flags/: got status %d and no override cookie", resp.StatusCode)
	}
	if got := b.variants()["search"]; got != override {
		t.Fatalf("with the override: got search %q, want %q", got, override)
	}
	other := testConfig(t)
	other.Secret = []byte("another secret, another server..")
	b.h = s.newRouter(app.NewServer(other))
	if got := b.variants()["search"]; got != rollout {
		t.Errorf("cookie signed with another secret: got search %q, want %q", got, rollout)
	}
}

func (s suite) testDevHeader(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		cfg := testConfig(t)
		cfg.DevHeader = on
		h := s.newRouter(app.NewServer(cfg))
		b := newBrowser(t, h, http.Header{"X-User-Id": {"4"}, middleware.OverrideHeader: {"my_new_feature=VISIBLE, holiday=on"}})
		var today map[string]any
		b.getJSON("/calendar/api/v1.0/whatistoday", &today)
		if got := today["holiday"]; got != on {
			t.Errorf("DevHeader=%v: got holiday %v, want %v", on, got, on)
		}
		if got, want := b.variants()["my_new_feature"], map[bool]string{false: "NOT_VISIBLE", true: "VISIBLE"}[on]; got != want {
			t.Errorf("DevHeader=%v: got my_new_feature %s, want %s", on, got, want)
		}
	}
}

// testDashboard: /_dashboard/ is the dashboard, for the groups that may
// override only.
func (s suite) testDashboard(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	tests := []struct {
		groups string
		want   int
	}{
		{"", http.StatusForbidden},
		{"beta", http.StatusForbidden},
		{"developers", http.StatusOK},
		{"employees", http.StatusOK},
	}
	for _, tt := range tests {
		hdr := http.Header{}
		if tt.groups != "" {
			hdr.Set("X-User-Groups", tt.groups)
		}
		resp := newBrowser(t, h, hdr).do(http.MethodGet, "/_dashboard/", nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.want {
			t.Errorf("GET /_dashboard/ as %q: got %d, want %d", tt.groups, resp.StatusCode, tt.want)
		}
		if got := strings.Contains(string(body), "search"); got != (tt.want == http.StatusOK) {
			t.Errorf("GET /_dashboard/ as %q: lists search %v, want %v", tt.groups, got, tt.want == http.StatusOK)
		}
	}
}

// testDashboardMount: the mounted dashboard routes on the path below
// /_dashboard: its pages, its static files and its override form, which
// sets the same cookie as /_flags/.
func (s suite) testDashboardMount(t *testing.T) {
	t.Parallel()
	h := s.router(t)
	dev := newBrowser(t, h, http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"developers"}})
	for _, tt := range []struct{ path, want string }{
		{"/_dashboard/flag/search", "variant_b"},
		{"/_dashboard/static/dashboard.css", ""},
		{"/_dashboard/static/dashboard.js", ""},
	} {
		resp := dev.do(http.MethodGet, tt.path, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: got status %d, want 200: %s", tt.path, resp.StatusCode, body)
		}
		if !strings.Contains(string(body), tt.want) {
			t.Errorf("GET %s: got %s, want it to contain %s", tt.path, body, tt.want)
		}
	}

	rollout := dev.variants()
	override := "variant_b"
	if rollout["search"] == override {
		override = "variant_a"
	}
	resp := dev.do(http.MethodPost, "/_dashboard/override", url.Values{"flag": {"search"}, "variant": {override}})
	if resp.StatusCode >= 400 {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /_dashboard/override: got status %d: %s", resp.StatusCode, body)
	}
	if setCookie(resp, "flaggen_overrides") == nil {
		t.Fatalf("POST /_dashboard/override: got no flaggen_overrides cookie, want one")
	}
	if s := dev.search("ap"); s.Ranking != override {
		t.Errorf("GET /search after the dashboard's override: got ranking %q, want %q", s.Ranking, override)
	}
	var state overrideAnswer
	dev.getJSON("/_flags/", &state)
	if want := map[string]string{"search": override}; !maps.Equal(state.Overrides, want) {
		t.Errorf("GET /_flags/: got overrides %v, want %v", state.Overrides, want)
	}

	// Not for others, below the mount as at it.
	resp = newBrowser(t, h, http.Header{"X-User-Id": {"4"}}).do(http.MethodPost, "/_dashboard/override", url.Values{"flag": {"search"}, "variant": {override}})
	if resp.StatusCode != http.StatusForbidden || setCookie(resp, "flaggen_overrides") != nil {
		t.Errorf("POST /_dashboard/override without groups: got %d (cookie %v), want 403 and none", resp.StatusCode, setCookie(resp, "flaggen_overrides") != nil)
	}
}
