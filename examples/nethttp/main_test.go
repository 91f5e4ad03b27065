package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/examples/internal/app"
)

// testConfig is a quiet server with a fixed secret and clock.
func testConfig() app.Config {
	return app.Config{
		Secret: []byte("0123456789abcdef0123456789abcdef"),
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock:  func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) },
	}
}

// newServer returns the example's handler for cfg, as main builds it.
func newServer(cfg app.Config) http.Handler {
	return newHandler(app.NewServer(cfg))
}

// browser sends requests to a handler and keeps the cookies it is given,
// as a browser would.
type browser struct {
	t   *testing.T
	h   http.Handler
	jar *cookiejar.Jar
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, h: h, jar: jar}
}

// header builds request headers from name, value pairs.
func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// do sends a request with the browser's cookies (b may be nil: no
// cookies kept) and returns the response.
func (b *browser) do(h http.Handler, method, path string, hdr http.Header, form url.Values) *http.Response {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, "http://example.com"+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if b != nil {
		for _, c := range b.jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req // for decode's messages
	if b != nil {
		b.jar.SetCookies(req.URL, resp.Cookies())
	}
	return resp
}

func (b *browser) get(path string, hdr http.Header) *http.Response {
	return b.do(b.h, http.MethodGet, path, hdr, nil)
}

func (b *browser) post(path string, hdr http.Header, form url.Values) *http.Response {
	return b.do(b.h, http.MethodPost, path, hdr, form)
}

// decode reads resp's JSON body into a fresh T, failing unless the status
// is 200.
func decode[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	var v T
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: got status %d, want 200; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s %s: %v; body %s", resp.Request.Method, resp.Request.URL.Path, err, body)
	}
	return v
}

// variants returns what GET / says the caller sees.
func (b *browser) variants(hdr http.Header) map[string]string {
	b.t.Helper()
	return decode[map[string]string](b.t, b.get("/", hdr))
}

func TestRoutesByUser(t *testing.T) {
	t.Parallel()
	h := newServer(testConfig())
	tests := []struct {
		name   string
		path   string
		header http.Header
		// want holds keys the JSON answer must have, with their values.
		want map[string]any
		// wantHTML is a fragment the HTML answer must contain.
		wantHTML string
	}{
		{name: "user 1 sees my_new_feature", path: "/", header: header("X-User-ID", "1"),
			want: map[string]any{"my_new_feature": "VISIBLE"}},
		{name: "user 3 sees my_new_feature", path: "/", header: header("X-User-ID", "3"),
			want: map[string]any{"my_new_feature": "VISIBLE"}},
		{name: "user 9 does not", path: "/", header: header("X-User-ID", "9"),
			want: map[string]any{"my_new_feature": "NOT_VISIBLE"}},
		{name: "anonymous does not", path: "/",
			want: map[string]any{"my_new_feature": "NOT_VISIBLE"}},
		{name: "employees get variant_a", path: "/", header: header("X-User-ID", "9", "X-User-Groups", "staff, employees"),
			want: map[string]any{"search": "variant_a"}},
		{name: "employees rank shortest first", path: "/search?q=ap", header: header("X-User-Groups", "employees"),
			want: map[string]any{"query": "ap", "ranking": "variant_a", "results": []any{"apple", "grape", "apricot", "grapefruit"}}},
		{name: "search with no hits", path: "/search?q=zzz", header: header("X-User-Groups", "employees"),
			want: map[string]any{"results": []any{}}},
		{name: "beta gets the new checkout", path: "/checkout", header: header("X-User-Groups", "beta"),
			want: map[string]any{"checkout": "new", "steps": []any{"cart", "pay"}}},
		{name: "beta on /", path: "/", header: header("X-User-ID", "9", "X-User-Groups", "beta"),
			want: map[string]any{"new_checkout": "on"}},
		{name: "holiday is off", path: "/calendar/api/v1.0/whatistoday", header: header("X-User-ID", "1"),
			want: map[string]any{"today": "a normal day", "holiday": false}},
		{name: "user 1 sees the feature page", path: "/feature", header: header("X-User-ID", "1"),
			wantHTML: `<p id="feature">You can see the new feature.</p>`},
		{name: "user 9 does not see the feature page", path: "/feature", header: header("X-User-ID", "9"),
			wantHTML: `<p id="feature">Nothing new here yet.</p>`},
		{name: "feature page names the search variant", path: "/feature", header: header("X-User-Groups", "employees"),
			wantHTML: `<p>search: variant_a</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := newBrowser(t, h).get(tt.path, tt.header)
			// The middleware keeps every answer out of shared caches.
			if got, want := resp.Header.Values("Cache-Control"), "private, no-cache"; len(got) != 1 || got[0] != want {
				t.Errorf("Cache-Control: got %q, want %q", got, want)
			}
			if got, want := resp.Header.Values("Vary"), "Cookie, X-User-Groups, X-User-Id"; len(got) != 1 || got[0] != want {
				t.Errorf("Vary: got %q, want %q", got, want)
			}
			if tt.wantHTML != "" {
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tt.wantHTML) {
					t.Errorf("got status %d, body\n%s\nwant 200 and %s", resp.StatusCode, body, tt.wantHTML)
				}
				if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
					t.Errorf("Content-Type: got %q, want text/html", got)
				}
				return
			}
			got := decode[map[string]any](t, resp)
			for k, want := range tt.want {
				if !reflect.DeepEqual(got[k], want) {
					t.Errorf("%s: got %#v, want %#v (whole answer %v)", k, got[k], want, got)
				}
			}
		})
	}
}

func TestRoutesMethodsAndPaths(t *testing.T) {
	t.Parallel()
	h := newServer(testConfig())
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/nowhere", http.StatusNotFound},
		{"POST", "/", http.StatusMethodNotAllowed},
		{"POST", "/checkout", http.StatusMethodNotAllowed},
		{"HEAD", "/checkout", http.StatusOK},
		{"DELETE", "/_flags/", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		resp := (*browser)(nil).do(h, tt.method, tt.path, header("X-User-ID", "1", "X-User-Groups", "developers"), nil)
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: got status %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}
}

// userWithSearch returns a user id whose rollout bucket gets variant of
// the search flag.
func userWithSearch(t *testing.T, b *browser, variant string) string {
	t.Helper()
	for i := 100; i < 300; i++ {
		id := strconv.Itoa(i)
		if b.variants(header("X-User-ID", id))["search"] == variant {
			return id
		}
	}
	t.Fatalf("no user id in 100–299 gets search=%s", variant)
	return ""
}

// overrideCookie returns the override cookie resp sets, or nil.
func overrideCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "flaggen_overrides" {
			return c
		}
	}
	return nil
}

func TestOverrideEndpoint(t *testing.T) {
	t.Parallel()
	h := newServer(testConfig())
	b := newBrowser(t, h)
	id := userWithSearch(t, b, "control")
	user := header("X-User-ID", id)
	dev := header("X-User-ID", id, "X-User-Groups", "developers")

	search := func() (ranking string, results []any) {
		t.Helper()
		got := decode[map[string]any](t, b.get("/search?q=ap", user))
		results, _ = got["results"].([]any)
		return got["ranking"].(string), results
	}
	set := func(hdr http.Header, form url.Values) *http.Response {
		t.Helper()
		resp := b.post("/_flags/", hdr, form)
		if resp.StatusCode >= 400 {
			body, _ := io.ReadAll(resp.Body)
			t.Fatalf("POST /_flags/ %s: got status %d; body %s", form.Encode(), resp.StatusCode, body)
		}
		if overrideCookie(resp) == nil {
			t.Fatalf("POST /_flags/ %s: no %s cookie set; headers %v", form.Encode(), "flaggen_overrides", resp.Header)
		}
		return resp
	}

	before := b.variants(user)

	set(dev, url.Values{"flag": {"search"}, "variant": {"variant_b"}})
	got := b.variants(user)
	if got["search"] != "variant_b" {
		t.Errorf("after the override, / search: got %q, want variant_b", got["search"])
	}
	for k, v := range before {
		if k != "search" && got[k] != v {
			t.Errorf("after overriding search, / %s: got %q, want %q as before", k, got[k], v)
		}
	}
	ranking, results := search()
	if want := []any{"grapefruit", "grape", "apricot", "apple"}; ranking != "variant_b" || !reflect.DeepEqual(results, want) {
		t.Errorf("after the override, /search?q=ap: got %s %v, want variant_b %v", ranking, results, want)
	}
	// Another user in the same browser gets the override too: it belongs
	// to the browser, not to the user.
	if got := b.variants(header("X-User-ID", "1"))["search"]; got != "variant_b" {
		t.Errorf("user 1 in the overriding browser: search got %q, want variant_b", got)
	}
	// The endpoint lists the override.
	state := decode[struct {
		Subject   any               `json:"subject"`
		Overrides map[string]string `json:"overrides"`
		Flags     []struct {
			Key      string   `json:"key"`
			Variants []string `json:"variants"`
			Variant  string   `json:"variant"`
			Reason   string   `json:"reason"`
		} `json:"flags"`
	}](t, b.get("/_flags/", dev))
	if state.Overrides["search"] != "variant_b" {
		t.Errorf("GET /_flags/ overrides: got %v, want search=variant_b", state.Overrides)
	}
	found := false
	for _, f := range state.Flags {
		if f.Key == "search" {
			found = true
			if f.Variant != "variant_b" || f.Reason != "override" {
				t.Errorf("GET /_flags/ search: got %s (%s), want variant_b (override)", f.Variant, f.Reason)
			}
		}
	}
	if !found {
		t.Errorf("GET /_flags/ flags: no search in %+v", state.Flags)
	}

	// Clearing the override restores the rollout variant.
	set(dev, url.Values{"flag": {"search"}, "variant": {""}})
	if got := b.variants(user); !reflect.DeepEqual(got, before) {
		t.Errorf("after clearing, /: got %v, want %v as before", got, before)
	}
	if ranking, _ := search(); ranking != "control" {
		t.Errorf("after clearing, /search ranking: got %s, want control", ranking)
	}

	// clear=all clears every override at once.
	set(dev, url.Values{"flag": {"search"}, "variant": {"variant_a"}})
	set(dev, url.Values{"flag": {"holiday"}, "variant": {"on"}})
	if got := b.variants(user); got["search"] != "variant_a" || got["holiday"] != "on" {
		t.Errorf("after two overrides, /: got %v, want search=variant_a holiday=on", got)
	}
	today := decode[map[string]any](t, b.get("/calendar/api/v1.0/whatistoday", user))
	if today["today"] != "a special day" {
		t.Errorf("with holiday=on, whatistoday: got %v, want a special day", today["today"])
	}
	set(dev, url.Values{"clear": {"all"}})
	if got := b.variants(user); !reflect.DeepEqual(got, before) {
		t.Errorf("after clear=all, /: got %v, want %v as before", got, before)
	}
}

func TestOverrideEndpointUnauthorised(t *testing.T) {
	t.Parallel()
	h := newServer(testConfig())
	for _, hdr := range []http.Header{
		header(),
		header("X-User-ID", "1"),
		header("X-User-ID", "1", "X-User-Groups", "beta, staff"),
		header("X-User-Groups", "Developers"),
	} {
		b := newBrowser(t, h)
		resp := b.post("/_flags/", hdr, url.Values{"flag": {"search"}, "variant": {"variant_b"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /_flags/ with %v: got status %d, want 403", hdr, resp.StatusCode)
		}
		if c := overrideCookie(resp); c != nil {
			t.Errorf("POST /_flags/ with %v: set cookie %v, want none", hdr, c)
		}
		if resp := b.get("/_flags/", hdr); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET /_flags/ with %v: got status %d, want 403", hdr, resp.StatusCode)
		}
	}

	// A developer's browser posting from another site is refused too.
	crossSite := header("X-User-Groups", "developers", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	resp := newBrowser(t, h).post("/_flags/", crossSite, url.Values{"flag": {"search"}, "variant": {"variant_b"}})
	if resp.StatusCode != http.StatusForbidden || overrideCookie(resp) != nil {
		t.Errorf("cross-site POST /_flags/: got status %d and cookie %v, want 403 and none", resp.StatusCode, overrideCookie(resp))
	}
}

func TestOverrideCookieNeedsTheSecret(t *testing.T) {
	t.Parallel()
	h := newServer(testConfig())
	b := newBrowser(t, h)
	id := userWithSearch(t, b, "control")
	resp := b.post("/_flags/", header("X-User-Groups", "employees"), url.Values{"flag": {"search"}, "variant": {"variant_b"}})
	if overrideCookie(resp) == nil {
		t.Fatalf("POST /_flags/: got status %d and no override cookie", resp.StatusCode)
	}
	if got := b.variants(header("X-User-ID", id))["search"]; got != "variant_b" {
		t.Fatalf("with the override, search: got %q, want variant_b", got)
	}

	// A server with another secret, as after a restart without
	// FLAGGEN_SECRET, ignores the cookie.
	other := testConfig()
	other.Secret = []byte("another secret, another server..")
	b.h = newServer(other)
	if got := b.variants(header("X-User-ID", id))["search"]; got != "control" {
		t.Errorf("cookie signed with another secret: search got %q, want control", got)
	}
}

// TestOverrideEndpointVisitor checks that an anonymous developer (groups
// but no user id) gets one visitor id from the override endpoint, which
// sits behind the middleware, and keeps it.
func TestOverrideEndpointVisitor(t *testing.T) {
	t.Parallel()
	b := newBrowser(t, newServer(testConfig()))
	dev := header("X-User-Groups", "developers")
	type state struct {
		Subject string `json:"subject"`
	}
	resp := b.post("/_flags/", dev, url.Values{"flag": {"search"}, "variant": {"variant_b"}})
	posted := decode[state](t, resp)
	visitors := slices.DeleteFunc(resp.Cookies(), func(c *http.Cookie) bool { return c.Name != "flaggen_visitor" })
	if len(visitors) != 1 || visitors[0].Value != posted.Subject {
		t.Fatalf("POST /_flags/ as subject %q: set visitor cookies %v, want one, with that id", posted.Subject, visitors)
	}
	// The browser keeps its visitor id, and the override with it.
	if got := b.variants(nil)["search"]; got != "variant_b" {
		t.Errorf("GET / after the override: got search %q, want variant_b", got)
	}
	if got := decode[state](t, b.get("/_flags/", dev)); got.Subject != posted.Subject {
		t.Errorf("GET /_flags/: got subject %q, want %q", got.Subject, posted.Subject)
	}
}

func TestAnonymousVisitorKeepsItsBucket(t *testing.T) {
	t.Parallel()
	h := newServer(testConfig())
	b := newBrowser(t, h)

	first := b.get("/", nil)
	var visitor *http.Cookie
	for _, c := range first.Cookies() {
		if c.Name == "flaggen_visitor" {
			visitor = c
		}
	}
	if visitor == nil {
		t.Fatalf("first visit: no flaggen_visitor cookie; headers %v", first.Header)
	}
	if !visitor.HttpOnly || visitor.Path != "/" || visitor.MaxAge <= 0 {
		t.Errorf("visitor cookie: got %+v, want HttpOnly, Path=/ and a MaxAge", visitor)
	}
	want := decode[map[string]string](t, first)

	for i := range 5 {
		resp := b.get("/", nil)
		if c := resp.Cookies(); len(c) != 0 {
			t.Errorf("visit %d: set cookies %v, want none", i+2, c)
		}
		if got := decode[map[string]string](t, resp); !reflect.DeepEqual(got, want) {
			t.Errorf("visit %d: got %v, want %v as on the first visit", i+2, got, want)
		}
	}

	// The visitor is bucketed by its cookie's id, as a user with that id.
	if got := b.variants(header("X-User-ID", visitor.Value)); !reflect.DeepEqual(got, want) {
		t.Errorf("user %s: got %v, want the visitor's %v", visitor.Value, got, want)
	}
	// A signed-in user gets no visitor cookie.
	resp := newBrowser(t, h).get("/", header("X-User-ID", "1"))
	if c := resp.Cookies(); len(c) != 0 {
		t.Errorf("signed-in user: set cookies %v, want none", c)
	}
}

func TestDevHeader(t *testing.T) {
	t.Parallel()
	req := header("X-User-ID", "9", "X-Flaggen-Override", "my_new_feature=VISIBLE, holiday=on")
	tests := []struct {
		devHeader   bool
		wantFeature string
		wantHoliday string
	}{
		{false, "NOT_VISIBLE", "off"},
		{true, "VISIBLE", "on"},
	}
	for _, tt := range tests {
		cfg := testConfig()
		cfg.DevHeader = tt.devHeader
		b := newBrowser(t, newServer(cfg))
		got := b.variants(req)
		if got["my_new_feature"] != tt.wantFeature || got["holiday"] != tt.wantHoliday {
			t.Errorf("devHeader=%v: got my_new_feature=%s holiday=%s, want %s and %s",
				tt.devHeader, got["my_new_feature"], got["holiday"], tt.wantFeature, tt.wantHoliday)
		}
	}
}

// TestDashboard: /_dashboard/ is the dashboard, for the groups that may
// override only; /_dashboard redirects to it.
func TestDashboard(t *testing.T) {
	t.Parallel()
	h := newServer(testConfig())
	tests := []struct {
		path string
		hdr  http.Header
		want int
	}{
		{"/_dashboard/", nil, http.StatusForbidden},
		{"/_dashboard/", header("X-User-Groups", "beta"), http.StatusForbidden},
		{"/_dashboard/", header("X-User-Groups", "developers"), http.StatusOK},
		{"/_dashboard/", header("X-User-Groups", "employees"), http.StatusOK},
		{"/_dashboard", header("X-User-Groups", "developers"), http.StatusTemporaryRedirect},
	}
	for _, tt := range tests {
		resp := (*browser)(nil).do(h, http.MethodGet, tt.path, tt.hdr, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s with %v: got %d, want %d", tt.path, tt.hdr, resp.StatusCode, tt.want)
		}
		if tt.want == http.StatusOK && !strings.Contains(string(body), "search") {
			t.Errorf("GET %s with %v: the page does not list search:\n%s", tt.path, tt.hdr, body)
		}
		if tt.want == http.StatusForbidden && strings.Contains(string(body), "search") {
			t.Errorf("GET %s with %v: refused, but the answer names a flag:\n%s", tt.path, tt.hdr, body)
		}
	}
}
