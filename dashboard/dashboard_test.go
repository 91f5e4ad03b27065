package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

const testFlags = `
[flags.search]
description = "Ranking experiment for search results."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }

[[flags.search.rules]]
groups = ["employees"]
serve = "variant_a"

[flags.new_checkout]
description = "New checkout flow."
owner = "payments"
expires = 2027-02-26

[[flags.new_checkout.schedule]]
start = 2026-11-02T09:00:00Z
percent = 1

[[flags.new_checkout.schedule]]
start = 2026-11-16T09:00:00Z
percent = 25

[[flags.new_checkout.schedule]]
start = 2026-12-14T09:00:00Z
percent = 100

[flags.old_banner]
description = "<script>alert(1)</script> \" onmouseover=\"x"
owner = "web-team"
expires = 2025-01-31
rollout = 30
deprecated = "use new_banner"
`

// testNow is inside new_checkout's 25% stage, after old_banner expired.
var testNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

type testPackage struct{}

func newSet(t testing.TB, src string) *runtime.Set {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return flagimpl.New[testPackage](f.Meta()).Set()
}

// fakeFleet records operations and answers canned history and instances.
type fakeFleet struct {
	mu  sync.Mutex
	ops []dashboard.Operation
}

func (f *fakeFleet) Operate(_ context.Context, op dashboard.Operation) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if op.Action == "split" && op.Value == "bad" {
		return "", fmt.Errorf("weights must sum to 100")
	}
	if op.Value == "busy" { // as redisstore's errors say, the operation first
		return "", fmt.Errorf("%s %s: the store changed while writing: try again", op.Action, op.Flag)
	}
	f.ops = append(f.ops, op)
	return fmt.Sprintf("%s %s by %s: version 8", op.Action, op.Flag, op.By), nil
}

func (f *fakeFleet) History(_ context.Context, flag string, n int) ([]dashboard.Entry, error) {
	return []dashboard.Entry{{Time: testNow, Version: 7, By: "alice", Action: "rollout", Flag: flag, Before: "10%", After: "audit-" + flag}}, nil
}

func (f *fakeFleet) Instances(context.Context) ([]dashboard.Instance, error) {
	return []dashboard.Instance{
		{ID: "web-1", Version: 7, Since: testNow, State: "ready"},
		{ID: "web-2", Version: 6, Since: testNow, State: "stale", Err: "redis down"},
	}, nil
}

func (f *fakeFleet) Version(context.Context) (int64, error) { return 7, nil }

func (f *fakeFleet) Exposures(context.Context) (map[string]map[string]int64, error) {
	return map[string]map[string]int64{"search": {"control": 60, "variant_a": 40}}, nil
}

var secret = []byte("0123456789abcdef0123456789abcdef")

type env struct {
	srv   *httptest.Server
	fleet *fakeFleet
	count *dashboard.Counter
	set   *runtime.Set
}

// newEnv serves the dashboard at /_dashboard/ of a test server, with a
// fake fleet. X-Staff: yes authorises; X-Oncall: NAME makes an operator.
func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{fleet: &fakeFleet{}, count: dashboard.NewCounter(), set: newSet(t, testFlags)}
	evs := middleware.NewEvaluators(e.set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secret}},
		Exposure:  e.count.Exposure,
		Clock:     func() time.Time { return testNow },
	})
	d := dashboard.New(evs, dashboard.Options{
		Authorize: func(r *http.Request) bool { return r.Header.Get("X-Staff") == "yes" },
		Operator: func(r *http.Request) (string, bool) {
			who := r.Header.Get("X-Oncall")
			return who, who != ""
		},
		Fleet:     e.fleet,
		Exposures: e.count,
		Now:       func() time.Time { return testNow },
	})
	mux := http.NewServeMux()
	mux.Handle("/_dashboard/", http.StripPrefix("/_dashboard", d))
	mux.Handle("/", evs.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, e.set.Lookup(r.Context(), "search"))
	})))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request with header lines "Name: value"; a non-empty form
// makes it a form POST. It does not follow redirects.
func (e *env) do(t *testing.T, method, path, form string, header ...string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, h := range header {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(k, strings.TrimSpace(v))
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

const staff = "X-Staff: yes"

// section returns the flag's section of a page.
func section(t *testing.T, page, key string) string {
	t.Helper()
	i := strings.Index(page, `id="flag-`+key+`"`)
	if i < 0 {
		t.Fatalf("no section for %s", key)
	}
	s := page[i:]
	if j := strings.Index(s, "</section>"); j >= 0 {
		s = s[:j]
	}
	return s
}

func served(t *testing.T, page, key string) string {
	t.Helper()
	m := regexp.MustCompile(`class="served" data-variant="([^"]*)"[^>]*>.*?because: ([^<]*)<`).FindStringSubmatch(section(t, page, key))
	if m == nil {
		t.Fatalf("%s: no served element", key)
	}
	return m[1] + " (" + m[2] + ")"
}

func TestDenied(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ method, path, form string }{
		{"GET", "/_dashboard/", ""}, {"GET", "/_dashboard/flag/search", ""}, {"GET", "/_dashboard/static/dashboard.css", ""},
		{"POST", "/_dashboard/override", "flag=search&variant=variant_a"}, {"POST", "/_dashboard/op", "flag=search&action=kill&confirm=yes"},
	} {
		res, body := e.do(t, c.method, c.path, c.form, "X-Oncall: mallory")
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s unauthorised: got %d, want 403", c.method, c.path, res.StatusCode)
		}
		if strings.Contains(body, "search") || strings.Contains(body, "checkout") {
			t.Errorf("%s %s unauthorised: body has flag data: %q", c.method, c.path, body)
		}
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s %s unauthorised: headers %v", c.method, c.path, res.Header)
		}
		for _, c := range res.Cookies() {
			t.Errorf("cookie set on a refused request: %v", c)
		}
	}
	if len(e.fleet.ops) != 0 {
		t.Errorf("operations: %v", e.fleet.ops)
	}
}

func TestHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/_dashboard/", "/_dashboard/static/dashboard.css", "/_dashboard/static/dashboard.js", "/_dashboard/flag/search"} {
		res, _ := e.do(t, "GET", path, "", staff)
		if res.StatusCode != 200 {
			t.Errorf("%s: got %d", path, res.StatusCode)
		}
		want := map[string]string{
			"Cache-Control":           "no-store",
			"Content-Security-Policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		}
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s: %s: got %q, want %q", path, k, got, v)
			}
		}
	}
	if res, body := e.do(t, "GET", "/_dashboard/flag/nope", "", staff); res.StatusCode != 404 || !strings.Contains(body, `unknown flag "nope": the dashboard's page lists every flag`) {
		t.Errorf("unknown flag page: got %d %q, want 404 saying where the flags are", res.StatusCode, body)
	}
	if res, body := e.do(t, "GET", "/_dashboard/flag/serch", "", staff); res.StatusCode != 404 || !strings.Contains(body, `unknown flag "serch": did you mean "search"?`) {
		t.Errorf("misspelt flag page: got %d %q, want 404 naming search", res.StatusCode, body)
	}
}

func TestPage(t *testing.T) {
	e := newEnv(t)
	res, page := e.do(t, "GET", "/_dashboard/", "", staff, "X-User-ID: 11", "X-User-Groups: employees")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, key := range []string{"search", "new_checkout", "old_banner"} {
		if !strings.Contains(page, `<section class="flag" id="flag-`+key+`" data-flag="`+key+`"`) {
			t.Errorf("page lacks the section of %s", key)
		}
	}
	if got := served(t, page, "search"); got != "variant_a (rule 1)" {
		t.Errorf("search: got %s, want variant_a (rule 1)", got)
	}
	s := section(t, page, "search")
	for _, want := range []string{"Ranking experiment", "search-team", "2027-03-31", "if in group employees: serve variant_a", "control 50%", "variant_a 25%", "w50", "w25"} {
		if !strings.Contains(s, want) {
			t.Errorf("search's section lacks %q", want)
		}
	}
	// The schedule is drawn with now marked at 25%.
	c := section(t, page, "new_checkout")
	if !strings.Contains(c, "<svg") || !strings.Contains(c, `<line class="now"`) || !strings.Contains(c, "now 25%") {
		t.Errorf("new_checkout: no schedule chart with now marked: %s", c)
	}
	// Expired and deprecated, and the hostile description escaped.
	o := section(t, page, "old_banner")
	if !strings.Contains(o, `class="expired"`) || !strings.Contains(o, "(expired)") || !strings.Contains(o, "deprecated") {
		t.Errorf("old_banner: not marked expired and deprecated: %s", o)
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, `" onmouseover="x`) {
		t.Errorf("hostile description not escaped")
	}
	if !strings.Contains(o, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("old_banner: description not shown escaped: %s", o)
	}
	if strings.Contains(section(t, page, "search"), `class="expired"`) {
		t.Errorf("search marked expired")
	}
}

// The page has no inline script, no event handler attributes, no inline
// style, and a label for every control.
func TestPageHygiene(t *testing.T) {
	e := newEnv(t)
	_, page := e.do(t, "GET", "/_dashboard/", "", staff, "X-Oncall: alice", "X-User-ID: 3")
	for _, m := range regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(m, `src="static/dashboard.js"`) {
			t.Errorf("inline script: %s", m)
		}
	}
	if strings.Count(page, "<script") != 1 {
		t.Errorf("got %d scripts, want 1", strings.Count(page, "<script"))
	}
	quoted := regexp.MustCompile(`"[^"]*"`)
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(page, -1) {
		if m := regexp.MustCompile(`(?i)\son[a-z]+\s*=`).FindString(quoted.ReplaceAllString(tag, `""`)); m != "" {
			t.Errorf("event handler attribute %q in %s", m, tag)
		}
	}
	if strings.Contains(page, "style=") || strings.Contains(page, "<style") {
		t.Errorf("inline style")
	}
	labels := map[string]bool{}
	for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		labels[m[1]] = true
	}
	controls := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`).FindAllString(page, -1)
	if len(controls) == 0 {
		t.Fatal("no controls")
	}
	idRE := regexp.MustCompile(`\bid="([^"]+)"`)
	for _, c := range controls {
		if strings.Contains(c, `type="hidden"`) {
			continue
		}
		m := idRE.FindStringSubmatch(c)
		if m == nil || !labels[m[1]] {
			t.Errorf("control without a label: %s", c)
		}
	}
	if strings.Contains(page, "<div onclick") || strings.Contains(page, `role="button"`) {
		t.Errorf("div buttons")
	}
}

func TestFilter(t *testing.T) {
	e := newEnv(t)
	for q, want := range map[string][]string{
		"search":   {"search"},
		"PAYMENTS": {"new_checkout"},
		"checkout": {"new_checkout"},
		"banner":   {"old_banner"},
		"zzz":      nil,
	} {
		_, page := e.do(t, "GET", "/_dashboard/?q="+url.QueryEscape(q), "", staff)
		var got []string
		for _, m := range regexp.MustCompile(`data-flag="([^"]+)" data-search`).FindAllStringSubmatch(page, -1) {
			got = append(got, m[1])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("?q=%s: got %v, want %v", q, got, want)
		}
		if !strings.Contains(page, `id="filter" value="`+q+`"`) {
			t.Errorf("?q=%s: the filter does not keep the query", q)
		}
	}
}

func cookieHeader(res *http.Response) string {
	var parts []string
	for _, c := range res.Cookies() {
		if c.MaxAge >= 0 {
			parts = append(parts, c.Name+"="+c.Value)
		}
	}
	return "Cookie: " + strings.Join(parts, "; ")
}

func TestOverrideRoundTrip(t *testing.T) {
	e := newEnv(t)
	res, _ := e.do(t, "POST", "/_dashboard/override", "flag=search&variant=variant_b&q=sea", staff, "X-User-ID: 11")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST override: got %d, want 303", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "./?") || !strings.Contains(loc, "done=") || !strings.Contains(loc, "q=sea") || !strings.HasSuffix(loc, "#flag-search") {
		t.Errorf("Location: got %q", loc)
	}
	cookie := cookieHeader(res)
	u, _ := url.Parse(e.srv.URL + "/_dashboard/override")
	next, _ := u.Parse(loc)
	_, page := e.do(t, "GET", next.RequestURI(), "", staff, "X-User-ID: 11", cookie)
	if got := served(t, page, "search"); got != "variant_b (override)" {
		t.Errorf("after override: got %s, want variant_b (override)", got)
	}
	if !strings.Contains(page, `role="status">Override of search set to variant_b.`) {
		t.Errorf("no status message")
	}
	if !strings.Contains(page, "<option selected>variant_b</option>") {
		t.Errorf("select does not show the override")
	}
	// The application sees it too.
	if _, body := e.do(t, "GET", "/app", "", "X-User-ID: 11", cookie); body != "variant_b" {
		t.Errorf("app: got %q, want variant_b", body)
	}
	// Clear it with the Clear button, then set and clear all.
	res, _ = e.do(t, "POST", "/_dashboard/override", "flag=search&variant=variant_b&clear=flag", staff, "X-User-ID: 11", cookie)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear: got %d", res.StatusCode)
	}
	_, page = e.do(t, "GET", "/_dashboard/", "", staff, "X-User-ID: 11", cookieHeader(res))
	if got := served(t, page, "search"); got == "variant_b (override)" {
		t.Errorf("after clear: got %s", got)
	}
	res, _ = e.do(t, "POST", "/_dashboard/override", "flag=new_checkout&variant=on", staff, "X-User-ID: 11")
	cookie = cookieHeader(res)
	res, _ = e.do(t, "POST", "/_dashboard/override", "clear=all", staff, "X-User-ID: 11", cookie)
	if cs := res.Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("clear=all: got cookies %v, want the override cookie deleted", cs)
	}
	// A bad variant comes back as an error message.
	res, _ = e.do(t, "POST", "/_dashboard/override", "flag=search&variant=nope", staff)
	if loc := res.Header.Get("Location"); res.StatusCode != 303 || !strings.Contains(loc, "error=") {
		t.Errorf("bad variant: got %d %q", res.StatusCode, loc)
	}
	_, page = e.do(t, "GET", "/_dashboard/?error="+url.QueryEscape("<b>x</b>"), "", staff)
	if !strings.Contains(page, "&lt;b&gt;x&lt;/b&gt;") {
		t.Errorf("error message not escaped")
	}
}

func TestCrossSite(t *testing.T) {
	e := newEnv(t)
	for _, h := range []string{"Sec-Fetch-Site: cross-site", "Origin: https://evil.example"} {
		res, _ := e.do(t, "POST", "/_dashboard/override", "flag=search&variant=variant_b", staff, h)
		if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
			t.Errorf("override with %s: got %d, cookies %v; want 403 and none", h, res.StatusCode, res.Cookies())
		}
		res, _ = e.do(t, "POST", "/_dashboard/op", "flag=search&action=kill&confirm=yes", staff, "X-Oncall: alice", h)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("op with %s: got %d, want 403", h, res.StatusCode)
		}
	}
	if len(e.fleet.ops) != 0 {
		t.Errorf("operations: %v", e.fleet.ops)
	}
}

func TestOp(t *testing.T) {
	e := newEnv(t)
	if res, _ := e.do(t, "POST", "/_dashboard/op", "flag=search&action=kill&confirm=yes", staff); res.StatusCode != http.StatusForbidden {
		t.Errorf("op without Operator: got %d, want 403", res.StatusCode)
	}
	// A kill needs its confirmation.
	res, _ := e.do(t, "POST", "/_dashboard/op", "flag=search&action=kill", staff, "X-Oncall: alice")
	if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "error=") {
		t.Errorf("kill without confirm: got %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, c := range []struct{ form, want string }{
		{"flag=search&action=kill&confirm=yes", "{search kill  alice}"},
		{"flag=search&action=unkill", "{search unkill  alice}"},
		{"flag=old_banner&action=rollout&value=40", "{old_banner rollout 40% alice}"},
		{"flag=search&action=split&value=control%3D40%2Cvariant_a%3D30%2Cvariant_b%3D30", "{search split control=40,variant_a=30,variant_b=30 alice}"},
		{"flag=new_checkout&action=schedule&value=1%25%40now+5%25%40%2B2h", "{new_checkout schedule 1%@now 5%@+2h alice}"},
		{"flag=search&action=disable", "{search disable  alice}"},
	} {
		e.fleet.ops = nil
		res, _ := e.do(t, "POST", "/_dashboard/op", c.form, staff, "X-Oncall: alice")
		if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "done=") {
			t.Errorf("%s: got %d %q", c.form, res.StatusCode, res.Header.Get("Location"))
		}
		if got := fmt.Sprint(e.fleet.ops); got != "["+c.want+"]" {
			t.Errorf("%s: operations: got %s, want [%s]", c.form, got, c.want)
		}
	}
	e.fleet.ops = nil
	for _, form := range []string{"flag=nope&action=kill&confirm=yes", "flag=search&action=explode", "flag=search&action=split&value=bad"} {
		res, _ := e.do(t, "POST", "/_dashboard/op", form, staff, "X-Oncall: alice")
		if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "error=") {
			t.Errorf("%s: got %d %q, want an error", form, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if len(e.fleet.ops) != 0 {
		t.Errorf("operations: %v", e.fleet.ops)
	}
	res, _ = e.do(t, "POST", "/_dashboard/op", "flag=serch&action=disable", staff, "X-Oncall: alice")
	if loc, _ := url.Parse(res.Header.Get("Location")); loc == nil || loc.Query().Get("error") != `unknown flag "serch": did you mean "search"?` {
		t.Errorf("op on a misspelt flag: got %q, want an error naming search", res.Header.Get("Location"))
	}
}

func TestFleetSection(t *testing.T) {
	e := newEnv(t)
	_, page := e.do(t, "GET", "/_dashboard/", "", staff)
	if strings.Contains(page, `id="instances"`) || strings.Contains(page, `action="op"`) {
		t.Errorf("fleet section shown to a non-operator")
	}
	_, page = e.do(t, "GET", "/_dashboard/", "", staff, "X-Oncall: alice")
	i := strings.Index(page, `<table id="instances">`)
	if i < 0 {
		t.Fatal("no instances table")
	}
	table := page[i : i+strings.Index(page[i:], "</table>")]
	if !strings.Contains(table, "web-1") || !strings.Contains(table, "web-2") || strings.Count(table, "skew</strong>") != 1 || !strings.Contains(table, "redis down") {
		t.Errorf("instances table: %s", table)
	}
	for _, key := range []string{"search", "new_checkout", "old_banner"} {
		s := section(t, page, key)
		if !strings.Contains(s, "audit-"+key) || !strings.Contains(s, "alice") {
			t.Errorf("%s: no audit trail", key)
		}
		if !strings.Contains(s, `name="confirm" value="yes" id="confirm-`+key+`" required`) {
			t.Errorf("%s: no kill confirmation", key)
		}
	}
	if s := section(t, page, "search"); !strings.Contains(s, "Exposures, fleet-wide (100)") || !strings.Contains(s, "control 60 (60%)") {
		t.Errorf("search: no fleet-wide exposures")
	}
	// The flag's own page links back and posts one level up.
	_, one := e.do(t, "GET", "/_dashboard/flag/search", "", staff, "X-Oncall: alice")
	if !strings.Contains(one, `action="../op"`) || !strings.Contains(one, `action="../override"`) || !strings.Contains(one, `href="../static/dashboard.css"`) || strings.Contains(one, "flag-new_checkout") {
		t.Errorf("flag page: wrong links or flags")
	}
}

func TestExposureBars(t *testing.T) {
	e := newEnv(t)
	for i := range 40 {
		e.do(t, "GET", "/app", "", fmt.Sprintf("X-User-ID: u%d", i))
	}
	_, page := e.do(t, "GET", "/_dashboard/", "", staff)
	s := section(t, page, "search")
	if !strings.Contains(s, "Exposures here (40)") {
		t.Errorf("search: no local exposure bar: %s", s)
	}
	// The dashboard's own evaluations are not exposures.
	if got := e.count.Counts()["new_checkout"]; len(got) != 0 {
		t.Errorf("new_checkout exposures: %v, want none (only the dashboard read it)", got)
	}
}

// TestOperatorNamesNoOne: an Operator that says yes but names no one
// does not make an operator: the audit log would not say who acted
// (redisstore writes such an operation as by "dashboard").
func TestOperatorNamesNoOne(t *testing.T) {
	fleet := &fakeFleet{}
	set := newSet(t, testFlags)
	evs := middleware.NewEvaluators(set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})
	d := dashboard.New(evs, dashboard.Options{
		Authorize: func(*http.Request) bool { return true },
		Operator:  func(*http.Request) (string, bool) { return " ", true },
		Fleet:     fleet,
		Now:       func() time.Time { return testNow },
	})
	req := httptest.NewRequest("POST", "/op", strings.NewReader("flag=search&action=kill&confirm=yes"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	d.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "name who operates") {
		t.Errorf("op by an operator with no name: got %d %q, want 403 saying to name who operates", rec.Code, rec.Body.String())
	}
	if len(fleet.ops) != 0 {
		t.Errorf("operations: %v, want none", fleet.ops)
	}
	rec = httptest.NewRecorder()
	d.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if page := rec.Body.String(); strings.Contains(page, `action="op"`) || strings.Contains(page, "operating as") {
		t.Errorf("page offers fleet operations to an operator with no name")
	}
}

// TestOpErrorNamesOnce: an operation's error names the operation once,
// whether or not the store's error names it already.
func TestOpErrorNamesOnce(t *testing.T) {
	e := newEnv(t)
	for form, want := range map[string]string{
		"flag=search&action=split&value=bad":  "split search: weights must sum to 100",
		"flag=search&action=split&value=busy": "split search: the store changed while writing: try again",
	} {
		res, _ := e.do(t, "POST", "/_dashboard/op", form, staff, "X-Oncall: alice")
		loc, _ := url.Parse(res.Header.Get("Location"))
		if loc == nil || loc.Query().Get("error") != want {
			t.Errorf("%s: got %q, want error %q", form, res.Header.Get("Location"), want)
		}
	}
}
