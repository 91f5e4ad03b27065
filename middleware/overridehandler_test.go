package middleware_test

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

// handlerState mirrors the override endpoint's answer.
type handlerState struct {
	Subject string `json:"subject"`
	Flags   []struct {
		Key      string   `json:"key"`
		Variants []string `json:"variants"`
		Variant  string   `json:"variant"`
		Reason   string   `json:"reason"`
		Override *string  `json:"override"`
	} `json:"flags"`
	Overrides map[string]string `json:"overrides"`
	Error     string            `json:"error"`
}

// flag returns the state of the flag key, as "variant (reason) override".
func (s *handlerState) flag(key string) string {
	for _, f := range s.Flags {
		if f.Key == key {
			o := "-"
			if f.Override != nil {
				o = *f.Override
			}
			return f.Variant + " (" + f.Reason + ") " + o
		}
	}
	return "missing"
}

func staff(r *http.Request) bool { return r.Header.Get("X-Staff") == "yes" }

// handlerOptions are the middleware options of the endpoint tests.
func handlerOptions(log *errorLog, x *exposures) middleware.Options {
	return middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew, secretOld}, TTL: time.Hour},
		Exposure:  x.hook,
		Error:     log.report,
		Clock:     fixedClock,
	}
}

// post returns a same-origin form POST to the endpoint.
func post(form string, header ...string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "http://example.com/_flags/", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Staff", "yes")
	req.Header.Set("X-User-ID", "11")
	for _, h := range header {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	return req
}

// callHandler runs req through h and decodes the answer, checking the
// headers every answer carries.
func callHandler(t *testing.T, h http.Handler, req *http.Request) (handlerState, *http.Response) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	if got, want := res.Header.Get("Content-Type"), "application/json; charset=utf-8"; got != want {
		t.Errorf("Content-Type: got %q, want %q", got, want)
	}
	if got, want := res.Header.Get("Cache-Control"), "no-store"; got != want {
		t.Errorf("Cache-Control: got %q, want %q", got, want)
	}
	var st handlerState
	if req.Method != http.MethodHead {
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
			t.Fatalf("decoding %q: %v", rec.Body, err)
		}
	}
	return st, res
}

func TestOverrideHandlerRefuses(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	evs := middleware.NewEvaluators(flags.Set, handlerOptions(&log, &x))
	noSecrets := middleware.NewEvaluators(flags.Set, middleware.Options{})
	authorised := evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff})
	withCookie := signed(secretNew, time.Now().Add(time.Hour), "holiday", "on")
	method := func(m string) *http.Request {
		req := post("")
		req.Method = m
		return req
	}
	tests := []struct {
		name     string
		h        http.Handler
		req      *http.Request
		want     int
		wantText string
	}{
		{"GET without Authorize", evs.OverrideHandler(middleware.OverrideHandlerOptions{}), request("/_flags/", "X-Staff: yes"), 403, "not authorised"},
		{"POST without Authorize", evs.OverrideHandler(middleware.OverrideHandlerOptions{}), post("flag=search&variant=variant_a"), 403, "not authorised"},
		{"Authorize says no", authorised, post("flag=search&variant=variant_a", "X-Staff: no"), 403, "not authorised"},
		{"Authorize says no to GET", authorised, request("/_flags/"), 403, "not authorised"},
		{"PUT", authorised, method(http.MethodPut), 405, "not allowed"},
		{"DELETE", authorised, method(http.MethodDelete), 405, "not allowed"},
		{"cross-site POST", authorised, post("flag=search&variant=variant_a", "Sec-Fetch-Site: cross-site"), 403, "cross-origin"},
		{"same-site POST from another origin", authorised, post("flag=search&variant=variant_a", "Sec-Fetch-Site: same-site"), 403, "cross-origin"},
		{"foreign Origin", authorised, func() *http.Request {
			req := post("flag=search&variant=variant_a", "Origin: https://evil.example")
			req.Header.Del("Sec-Fetch-Site")
			return req
		}(), 403, "cross-origin"},
		{"unknown flag", authorised, post("flag=serch&variant=variant_a"), 400, `unknown flag "serch": flags are search, new_checkout, holiday, my_new_feature`},
		{"unknown variant", authorised, post("flag=search&variant=variant_z"), 400, `no variant "variant_z": variants are control, variant_a, variant_b`},
		{"unknown variant of a boolean", authorised, post("flag=holiday&variant=true"), 400, `variants are off, on`},
		{"two flags", authorised, post("flag=search&variant=variant_a&flag=holiday"), 400, "one flag"},
		{"variant without flag", authorised, post("variant=variant_a"), 400, "needs a flag"},
		{"nothing to do", authorised, post(""), 400, "nothing to change"},
		{"bad clear", authorised, post("clear=search"), 400, `clear must be "all"`},
		{"not a form", authorised, func() *http.Request {
			req := post(`{"flag": "search"}`)
			req.Header.Set("Content-Type", "application/json")
			return req
		}(), 400, "Content-Type"},
		{"bad form", authorised, post("flag=%zz"), 400, "bad form"},
		{"form too large", authorised, post("flag=search&variant=variant_a&pad=" + strings.Repeat("x", 70<<10)), 413, "form too large: send at most 65536 bytes"},
		{"no secrets", noSecrets.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff}), post("flag=search&variant=variant_a"), 501, "Options.Overrides.Secrets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Header.Add("Cookie", withCookie[len("Cookie: "):])
			st, res := callHandler(t, tt.h, tt.req)
			if res.StatusCode != tt.want {
				t.Errorf("status: got %d, want %d (%s)", res.StatusCode, tt.want, st.Error)
			}
			if !strings.Contains(st.Error, tt.wantText) {
				t.Errorf("error: got %q, want it to contain %q", st.Error, tt.wantText)
			}
			if c := res.Header.Values("Set-Cookie"); len(c) != 0 {
				t.Errorf("Set-Cookie: got %q, want none", c)
			}
			if st.Flags != nil || st.Overrides != nil {
				t.Errorf("answer: got state %+v, want only an error", st)
			}
			if tt.want == 405 {
				if got, want := res.Header.Get("Allow"), "GET, HEAD, POST"; got != want {
					t.Errorf("Allow: got %q, want %q", got, want)
				}
			}
		})
	}
	if errs := log.take(); len(errs) != 0 {
		t.Errorf("reported: got %v, want nothing", errs)
	}
	if got := x.take(); len(got) != 0 {
		t.Errorf("exposures: got %v, want none", got)
	}
}

func TestOverrideHandlerGet(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	h := middleware.NewEvaluators(flags.Set, handlerOptions(&log, &x)).OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff})
	cookie := signed(secretOld, time.Now().Add(time.Hour), "search", "variant_b", "holiday", "on")

	// Any path under the mount, HEAD, and a GET that tries to change
	// something all answer the same state, and change nothing.
	for _, target := range []string{"/_flags/", "/_flags/anything?flag=search&variant=variant_a&clear=all", "/"} {
		for _, m := range []string{http.MethodGet, http.MethodHead} {
			req := httptest.NewRequest(m, target, nil)
			req.Header.Set("X-Staff", "yes")
			req.Header.Set("X-User-ID", "1")
			req.Header.Add("Cookie", cookie[len("Cookie: "):])
			st, res := callHandler(t, h, req)
			if res.StatusCode != 200 {
				t.Fatalf("%s %s: got status %d, want 200", m, target, res.StatusCode)
			}
			if c := res.Header.Values("Set-Cookie"); len(c) != 0 {
				t.Errorf("%s %s: Set-Cookie: got %q, want none", m, target, c)
			}
			if m == http.MethodHead {
				continue
			}
			if st.Subject != "1" {
				t.Errorf("subject: got %q, want 1", st.Subject)
			}
			var keys []string
			for _, f := range st.Flags {
				keys = append(keys, f.Key)
			}
			if want := flags.Set.Snapshot().Keys(); !slices.Equal(keys, want) {
				t.Errorf("flags: got %q, want %q", keys, want)
			}
			if got, want := st.Flags[0].Variants, []string{"control", "variant_a", "variant_b"}; !slices.Equal(got, want) {
				t.Errorf("search variants: got %q, want %q", got, want)
			}
			want := map[string]string{
				"search":         "variant_b (override) variant_b",
				"holiday":        "on (override) on",
				"my_new_feature": "VISIBLE (user override) -",
				"new_checkout":   "off (schedule) -",
			}
			for key, w := range want {
				if got := st.flag(key); got != w {
					t.Errorf("%s: got %s, want %s", key, got, w)
				}
			}
			if want := map[string]string{"search": "variant_b", "holiday": "on"}; !maps.Equal(st.Overrides, want) {
				t.Errorf("overrides: got %v, want %v", st.Overrides, want)
			}
		}
	}
	if got := x.take(); len(got) != 0 {
		t.Errorf("exposures: got %v, want none from the endpoint", got)
	}

	// No cookie: no overrides, as {}; an invalid cookie is reported once.
	for _, c := range []string{"", "Cookie: " + cookieName + "=garbage"} {
		req := request("/_flags/", "X-Staff: yes", "X-User-ID: 11")
		if c != "" {
			req.Header.Add("Cookie", c[len("Cookie: "):])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), `"overrides": {}`) {
			t.Errorf("cookie %q: got %s, want \"overrides\": {}", c, rec.Body)
		}
		if strings.Contains(rec.Body.String(), `"override":`) {
			t.Errorf("cookie %q: got %s, want no flag with an override", c, rec.Body)
		}
		errs := log.take()
		if want := len(c) > 0; (len(errs) == 1) != want || len(errs) > 1 {
			t.Errorf("cookie %q: reported %v, want %d", c, errs, map[bool]int{true: 1}[want])
		}
	}
}

func TestOverrideHandlerPost(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	evs := middleware.NewEvaluators(flags.Set, handlerOptions(&log, &x))
	h := evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff})

	// jar is the browser's override cookie, as the endpoint last set it.
	jar := ""
	send := func(req *http.Request) handlerState {
		t.Helper()
		if jar != "" {
			req.Header.Add("Cookie", cookieName+"="+jar)
		}
		st, res := callHandler(t, h, req)
		if res.StatusCode != 200 {
			t.Fatalf("POST: got status %d, want 200 (%s)", res.StatusCode, st.Error)
		}
		c := cookieNamed(res, cookieName)
		if c == nil {
			t.Fatal("POST: got no override cookie, want one")
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != (req.TLS != nil) {
			t.Errorf("cookie: got HttpOnly=%v SameSite=%v Path=%q Secure=%v, want HttpOnly, Lax, /, Secure=%v", c.HttpOnly, c.SameSite, c.Path, c.Secure, req.TLS != nil)
		}
		if c.MaxAge < 0 {
			jar = ""
		} else {
			jar = c.Value
			if c.MaxAge != 3600 {
				t.Errorf("MaxAge: got %d, want 3600", c.MaxAge)
			}
			if d := time.Until(c.Expires); d < 59*time.Minute || d > time.Hour+time.Second {
				t.Errorf("Expires: got %v from now, want an hour", d)
			}
		}
		return st
	}
	steps := []struct {
		name string
		req  *http.Request
		want map[string]string
		flag string // a flag's state after the step
		is   string
	}{
		{"set one", post("flag=search&variant=variant_b"), map[string]string{"search": "variant_b"}, "search", "variant_b (override) variant_b"},
		{"set another, keeping the first", post("flag=holiday&variant=on"), map[string]string{"search": "variant_b", "holiday": "on"}, "holiday", "on (override) on"},
		{"replace one, over TLS", func() *http.Request {
			req := post("flag=search&variant=variant_a")
			req.TLS = &tls.ConnectionState{}
			return req
		}(), map[string]string{"search": "variant_a", "holiday": "on"}, "search", "variant_a (override) variant_a"},
		{"clear one", post("flag=search&variant="), map[string]string{"holiday": "on"}, "search", "control (rollout) -"},
		{"clear one without variant field", post("flag=holiday"), map[string]string{}, "holiday", "off (rollout) -"},
		{"multipart", func() *http.Request {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("flag", "my_new_feature")
			mw.WriteField("variant", "VISIBLE")
			mw.Close()
			req := post("")
			req.Body = io.NopCloser(&body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return req
		}(), map[string]string{"my_new_feature": "VISIBLE"}, "my_new_feature", "VISIBLE (override) VISIBLE"},
		{"clear all and set", post("clear=all&flag=new_checkout&variant=on"), map[string]string{"new_checkout": "on"}, "my_new_feature", "NOT_VISIBLE (default) -"},
		{"clear all", post("clear=all"), map[string]string{}, "new_checkout", "off (schedule) -"},
		{"clear all again", post("clear=all"), map[string]string{}, "search", "control (rollout) -"},
	}
	for _, s := range steps {
		st := send(s.req)
		if !maps.Equal(st.Overrides, s.want) {
			t.Errorf("%s: overrides: got %v, want %v", s.name, st.Overrides, s.want)
		}
		if got := st.flag(s.flag); got != s.is {
			t.Errorf("%s: %s: got %s, want %s", s.name, s.flag, got, s.is)
		}
		// The cookie the endpoint set says the same.
		req := request("/_flags/", "X-Staff: yes", "X-User-ID: 11")
		if jar != "" {
			req.Header.Add("Cookie", cookieName+"="+jar)
		}
		if again, _ := callHandler(t, h, req); !maps.Equal(again.Overrides, s.want) {
			t.Errorf("%s: GET with the new cookie: overrides: got %v, want %v", s.name, again.Overrides, s.want)
		}
	}
	if errs := log.take(); len(errs) != 0 {
		t.Errorf("reported: got %v, want nothing", errs)
	}
	if got := x.take(); len(got) != 0 {
		t.Errorf("exposures: got %v, want none from the endpoint", got)
	}

	// An invalid cookie is reported once and replaced.
	for _, bad := range []string{
		"garbage",
		middleware.SignOverrides(secretRetired, cookieName, time.Now().Add(time.Hour), "holiday", "on"),
		middleware.SignOverrides(secretNew, cookieName, time.Now().Add(-time.Hour), "holiday", "on"),
	} {
		jar = bad
		st := send(post("flag=search&variant=variant_b"))
		if want := map[string]string{"search": "variant_b"}; !maps.Equal(st.Overrides, want) {
			t.Errorf("over a bad cookie: overrides: got %v, want %v", st.Overrides, want)
		}
		if errs := log.take(); len(errs) != 1 {
			t.Errorf("over a bad cookie: reported %v, want one error", errs)
		}
	}

	// A verified cookie naming a flag that has gone is re-signed without it.
	jar = middleware.SignOverrides(secretOld, cookieName, time.Now().Add(time.Hour), "gone", "on", "holiday", "on")
	st := send(post("flag=search&variant=variant_b"))
	if want := map[string]string{"search": "variant_b", "holiday": "on"}; !maps.Equal(st.Overrides, want) {
		t.Errorf("over a stale cookie: overrides: got %v, want %v", st.Overrides, want)
	}
	log.take()
}

// TestOverrideHandlerVisitor checks that the endpoint shows an anonymous visitor
// the id their next request will carry.
func TestOverrideHandlerVisitor(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	opts := handlerOptions(&log, &x)
	opts.Anonymous = &middleware.AnonymousCookie{}
	h := middleware.NewEvaluators(flags.Set, opts).OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff})
	req := post("flag=search&variant=variant_a")
	req.Header.Del("X-User-ID")
	st, res := callHandler(t, h, req)
	c := cookieNamed(res, "flaggen_visitor")
	if c == nil || st.Subject != c.Value {
		t.Fatalf("visitor: got cookie %v and subject %q, want a cookie holding the subject", c, st.Subject)
	}
	if cookieNamed(res, cookieName) == nil {
		t.Error("got no override cookie, want one")
	}
}

// TestOverrideHandlerEndToEnd drives the endpoint and the middleware through one
// http.ServeMux, with a real client and cookie jar.
func TestOverrideHandlerEndToEnd(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	set := newSet() // the test kills a flag
	evs := middleware.NewEvaluators(set, handlerOptions(&log, &x))
	mux := http.NewServeMux()
	mux.Handle("/_flags/", evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff}))
	mux.Handle("/", evs.Handler(flagsOf(set)))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	do := func(method, path, form string) (served, handlerState) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-User-ID", "11")
		req.Header.Set("X-Staff", "yes")
		if form != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("%s %s: got status %d, want 200: %s", method, path, res.StatusCode, body)
		}
		var s served
		var a handlerState
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(body, &a)
		return s, a
	}
	check := func(step, want, why string) {
		t.Helper()
		got, _ := do(http.MethodGet, "/search", "")
		if got.Variant["search"] != want || got.Reason["search"] != why {
			t.Errorf("%s: search: got %s (%s), want %s (%s)", step, got.Variant["search"], got.Reason["search"], want, why)
		}
	}
	check("before", "control", "rollout")
	if _, st := do(http.MethodPost, "/_flags/", "flag=search&variant=variant_b"); st.flag("search") != "variant_b (override) variant_b" {
		t.Errorf("POST: search: got %s, want variant_b (override) variant_b", st.flag("search"))
	}
	check("overridden", "variant_b", "override")

	store(t, set, killed(t, set, "search"))
	check("killed", "control", "killed")
	if _, st := do(http.MethodGet, "/_flags/", ""); st.flag("search") != "control (killed) variant_b" {
		t.Errorf("GET while killed: search: got %s, want control (killed) variant_b", st.flag("search"))
	}
	store(t, set, set.Embedded())
	check("revived", "variant_b", "override")

	do(http.MethodPost, "/_flags/", "flag=search&variant=")
	check("cleared", "control", "rollout")
	u, _ := url.Parse(srv.URL)
	if c := jar.Cookies(u); len(c) != 0 {
		t.Errorf("cookies after clearing: got %v, want none", c)
	}

	if errs := log.take(); len(errs) != 0 {
		t.Errorf("reported: got %v, want nothing", errs)
	}
	// The middleware's requests were exposed; the endpoint's were not.
	for _, e := range x.take() {
		if e.Flag == "search" && e.Reason.String() == "override" && e.Variant != "variant_b" {
			t.Errorf("exposure: got %+v, want variant_b when overridden", e)
		}
	}
}

// TestOverrideHandlerBehindMiddleware: mounted behind the middleware, the endpoint
// keeps the visitor id the middleware minted (one cookie, not two) and
// does not report a bad override cookie a second time.
func TestOverrideHandlerBehindMiddleware(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	opts := handlerOptions(&log, &x)
	opts.Anonymous = &middleware.AnonymousCookie{}
	evs := middleware.NewEvaluators(flags.Set, opts)
	h := evs.Handler(evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff}))

	req := httptest.NewRequest(http.MethodGet, "/_flags/", nil)
	req.Header.Set("X-Staff", "yes")
	req.AddCookie(&http.Cookie{Name: cookieName, Value: "v1.tampered"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET behind the middleware: status %d, body %s", res.StatusCode, rec.Body)
	}
	var visitors []string
	for _, c := range res.Cookies() {
		if c.Name == "flaggen_visitor" {
			visitors = append(visitors, c.Value)
		}
	}
	var st struct {
		Subject string `json:"subject"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if len(visitors) != 1 || st.Subject != visitors[0] {
		t.Errorf("got visitor cookies %v and subject %q, want one cookie holding the subject", visitors, st.Subject)
	}
	if errs := log.take(); len(errs) != 1 {
		t.Errorf("bad override cookie reported %d times, want once: %v", len(errs), errs)
	}
}

// TestOverrideHandlerTrustedOrigins: a cross-origin POST from a trusted origin is
// accepted, one from elsewhere is not; a malformed origin is refused when
// the endpoint is made.
func TestOverrideHandlerTrustedOrigins(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	h := middleware.NewEvaluators(flags.Set, handlerOptions(&log, &x)).OverrideHandler(middleware.OverrideHandlerOptions{
		Authorize:      staff,
		TrustedOrigins: []string{"https://admin.example.com"},
	})
	for _, c := range []struct {
		origin string
		want   int
	}{
		{"https://admin.example.com", http.StatusOK},
		{"https://evil.example.net", http.StatusForbidden},
	} {
		req := post("flag=search&variant=variant_a", "Sec-Fetch-Site: cross-site", "Origin: "+c.origin)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("POST from %s: got status %d, want %d; body %s", c.origin, rec.Code, c.want, rec.Body)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("OverrideHandler accepted the trusted origin \"admin.example.com/path\"; want a panic")
		}
	}()
	middleware.NewEvaluators(flags.Set, middleware.Options{}).OverrideHandler(middleware.OverrideHandlerOptions{TrustedOrigins: []string{"admin.example.com/path"}})
}

// TestOverrideCookieDecodedOnce: each request's override cookie is
// decoded once, whether the middleware, the endpoint or both handle it,
// and a cookie the endpoint has just written is not decoded again.
func TestOverrideCookieDecodedOnce(t *testing.T) {
	t.Parallel()
	valid := "Cookie: " + cookieName + "=" + middleware.SignOverrides(secretNew, cookieName, time.Now().Add(time.Hour), "search", "variant_b")
	bad := "Cookie: " + cookieName + "=garbage"
	get := func(header ...string) *http.Request {
		return request("/_flags/", append([]string{"X-Staff: yes", "X-User-ID: 11"}, header...)...)
	}
	postWith := func(header string) *http.Request {
		req := post("flag=holiday&variant=on")
		if header != "" {
			k, v, _ := strings.Cut(header, ":")
			req.Header.Add(k, strings.TrimSpace(v))
		}
		return req
	}
	type handlers struct{ alone, behind, middleware http.Handler }
	tests := []struct {
		name    string
		h       func(handlers) http.Handler
		req     *http.Request
		want    int64 // decodes
		reports int
	}{
		{"middleware, no cookie", func(h handlers) http.Handler { return h.middleware }, request("/", "X-User-ID: 11"), 0, 0},
		{"middleware", func(h handlers) http.Handler { return h.middleware }, request("/", "X-User-ID: 11", valid), 1, 0},
		{"middleware, bad cookie", func(h handlers) http.Handler { return h.middleware }, request("/", "X-User-ID: 11", bad), 1, 1},
		{"endpoint GET, no cookie", func(h handlers) http.Handler { return h.alone }, get(), 0, 0},
		{"endpoint GET", func(h handlers) http.Handler { return h.alone }, get(valid), 1, 0},
		{"endpoint GET, bad cookie", func(h handlers) http.Handler { return h.alone }, get(bad), 1, 1},
		{"endpoint POST, no cookie", func(h handlers) http.Handler { return h.alone }, postWith(""), 0, 0},
		{"endpoint POST", func(h handlers) http.Handler { return h.alone }, postWith(valid), 1, 0},
		{"endpoint POST, bad cookie", func(h handlers) http.Handler { return h.alone }, postWith(bad), 1, 1},
		{"behind the middleware, GET", func(h handlers) http.Handler { return h.behind }, get(valid), 1, 0},
		{"behind the middleware, GET, bad cookie", func(h handlers) http.Handler { return h.behind }, get(bad), 1, 1},
		{"behind the middleware, POST", func(h handlers) http.Handler { return h.behind }, postWith(valid), 1, 0},
		{"behind the middleware, POST, bad cookie", func(h handlers) http.Handler { return h.behind }, postWith(bad), 1, 1},
		{"refused", func(h handlers) http.Handler { return h.alone }, func() *http.Request {
			req := postWith(valid)
			req.Header.Set("X-Staff", "no")
			return req
		}(), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log errorLog
			var x exposures
			evs := middleware.NewEvaluators(flags.Set, handlerOptions(&log, &x))
			decodes := middleware.CountDecodes(evs)
			endpoint := evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff})
			h := tt.h(handlers{alone: endpoint, behind: evs.Handler(endpoint), middleware: evs.Handler(flagsHandler)})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req)
			if got := decodes.Load(); got != tt.want {
				t.Errorf("decodes: got %d, want %d (status %d)", got, tt.want, rec.Code)
			}
			if errs := log.take(); len(errs) != tt.reports {
				t.Errorf("reported: got %v, want %d", errs, tt.reports)
			}
			if tt.req.Method == http.MethodPost && tt.name != "refused" {
				var st handlerState
				json.Unmarshal(rec.Body.Bytes(), &st)
				want := map[string]string{"holiday": "on"}
				if strings.HasSuffix(tt.name, "POST") {
					want["search"] = "variant_b"
				}
				if rec.Code != http.StatusOK || !maps.Equal(st.Overrides, want) {
					t.Errorf("POST: got status %d, overrides %v; want 200, %v (%s)", rec.Code, st.Overrides, want, st.Error)
				}
			}
		})
	}
}

type valuesProbe struct{}

func TestOverrideHandlerValues(t *testing.T) {
	t.Parallel()
	f, err := spec.Parse("flags.toml", []byte(`
[flags.pricing]
description = "d"
owner = "o"
expires = 2030-01-01
variants = ["control", "higher_price"]
default = "control"
[flags.pricing.values.control]
multiplier = 1.0
offer = { percent = 0, code = "" }
[flags.pricing.values.higher_price]
multiplier = 1.2
offer = { percent = 10, code = "SPRING" }
[flags.pricing.overrides]
higher_price = ["7"]

[flags.plain]
description = "d"
owner = "o"
expires = 2030-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	set := flagimpl.New[valuesProbe](f.Meta()).Set()
	h := middleware.NewEvaluators(set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})}).
		OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff})
	for _, tc := range []struct {
		user string
		want map[string]any
	}{
		{"1", map[string]any{"multiplier": 1.0, "offer": map[string]any{"percent": 0.0, "code": ""}}},
		{"7", map[string]any{"multiplier": 1.2, "offer": map[string]any{"percent": 10.0, "code": "SPRING"}}},
	} {
		req := httptest.NewRequest(http.MethodGet, "/_flags/", nil)
		req.Header.Set("X-Staff", "yes")
		req.Header.Set("X-User-ID", tc.user)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var st struct {
			Flags []struct {
				Key    string         `json:"key"`
				Values map[string]any `json:"values"`
			} `json:"flags"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
			t.Fatalf("decoding %s: %v", rec.Body, err)
		}
		if len(st.Flags) != 2 {
			t.Fatalf("user %s: got %s, want two flags", tc.user, rec.Body)
		}
		if got := st.Flags[0].Values; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("user %s: pricing values: got %v, want %v", tc.user, got, tc.want)
		}
		if st.Flags[1].Values != nil {
			t.Errorf("user %s: plain values: got %v, want none (left out)", tc.user, st.Flags[1].Values)
		}
	}
}
