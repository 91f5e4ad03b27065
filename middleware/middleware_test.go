package middleware_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
)

func TestZeroOptions(t *testing.T) {
	t.Parallel()
	h := middleware.New(flags.Set, middleware.Options{})(flagsHandler)
	got, res := serve(t, h, request("/", "X-User-ID: 1", "X-User-Groups: employees"))
	if got.Subject != "" {
		t.Errorf("subject: got %q, want none (no Subject extractor)", got.Subject)
	}
	want := map[string]string{"search": "control", "new_checkout": "off", "holiday": "off", "my_new_feature": "NOT_VISIBLE"}
	// new_checkout's schedule reaches 100% on 2026-12-14, and a variant
	// at 100% needs no subject: from then on even a request with no
	// subject gets it.
	if !time.Now().Before(time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC)) {
		want["new_checkout"] = "on"
	}
	for key, v := range want {
		if got.Variant[key] != v {
			t.Errorf("%s: got %q, want %q", key, got.Variant[key], v)
		}
	}
	if c := res.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("Set-Cookie: got %q, want none", c)
	}
}

func TestHeaderSubject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		headers    middleware.Headers
		header     []string
		wantID     string
		wantGroups []string
	}{
		{"none", middleware.Headers{}, nil, "", nil},
		{"id", middleware.Headers{}, []string{"X-User-ID: 42"}, "42", nil},
		{"id trimmed", middleware.Headers{}, []string{"X-User-ID:  42 "}, "42", nil},
		{"groups with spaces", middleware.Headers{}, []string{"X-User-ID: 7", "X-User-Groups: beta , employees,, staff "}, "7", []string{"beta", "employees", "staff"}},
		{"groups on several lines", middleware.Headers{}, []string{"X-User-Groups: beta, staff", "X-User-Groups: employees"}, "", []string{"beta", "staff", "employees"}},
		// A proxy that adds its line instead of replacing the client's
		// leaves the client's first: neither is believed.
		{"several id lines: no subject", middleware.Headers{}, []string{"X-User-ID: 1", "X-User-ID: 2", "X-User-Groups: employees"}, "", nil},
		{"custom names", middleware.Headers{ID: "x-auth-user", Groups: "X-Auth-Teams"}, []string{"X-Auth-User: ann", "X-Auth-Teams: beta", "X-User-ID: 9", "X-User-Groups: employees"}, "ann", []string{"beta"}},
		{"custom names ignore defaults", middleware.Headers{ID: "X-Auth-User"}, []string{"X-User-ID: 9", "X-User-Groups: employees"}, "", []string{"employees"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := middleware.HeaderSubject(tt.headers)(request("/", tt.header...))
			if s.ID != tt.wantID {
				t.Errorf("id: got %q, want %q", s.ID, tt.wantID)
			}
			if !slices.Equal(s.Groups, tt.wantGroups) {
				t.Errorf("groups: got %q, want %q", s.Groups, tt.wantGroups)
			}
		})
	}
}

func TestTargeting(t *testing.T) {
	t.Parallel()
	h := middleware.New(flags.Set, middleware.Options{
		Subject: middleware.HeaderSubject(middleware.Headers{}),
		Clock:   fixedClock,
	})(flagsHandler)
	tests := []struct {
		name      string
		header    []string
		key       string
		want, why string
	}{
		{"user 1 sees my_new_feature", []string{"X-User-ID: 1"}, "my_new_feature", "VISIBLE", "user override"},
		{"user 3 sees my_new_feature", []string{"X-User-ID: 3"}, "my_new_feature", "VISIBLE", "user override"},
		{"user 4 does not", []string{"X-User-ID: 4"}, "my_new_feature", "NOT_VISIBLE", "default"},
		{"employees get variant_a", []string{"X-User-ID: 9999", "X-User-Groups: staff, employees"}, "search", "variant_a", "rule 1"},
		{"employees without an id", []string{"X-User-Groups: employees"}, "search", "variant_a", "rule 1"},
		{"beta gets the new checkout", []string{"X-User-ID: 5", "X-User-Groups: beta"}, "new_checkout", "on", "rule 1"},
		{"no subject gets the default", nil, "search", "control", "default"},
		{"holiday is off at 0%", []string{"X-User-ID: 1"}, "holiday", "off", "rollout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, _ := serve(t, h, request("/", tt.header...))
			if got.Variant[tt.key] != tt.want || got.Reason[tt.key] != tt.why {
				t.Errorf("%s: got %s (%s), want %s (%s)", tt.key, got.Variant[tt.key], got.Reason[tt.key], tt.want, tt.why)
			}
		})
	}
}

// TestGeneratedAccessors checks that the typed accessors find the
// middleware's evaluator.
func TestGeneratedAccessors(t *testing.T) {
	t.Parallel()
	var got []bool
	h := middleware.New(flags.Set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = []bool{flags.NewSearch(r.Context()).IsVariantA(), flags.NewMyNewFeature(r.Context()).IsVisible()}
		}))
	h.ServeHTTP(httptest.NewRecorder(), request("/", "X-User-ID: 2", "X-User-Groups: employees"))
	if want := []bool{true, true}; !slices.Equal(got, want) {
		t.Errorf("search IsVariantA, my_new_feature IsVisible: got %v, want %v", got, want)
	}
}

var visitorID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestAnonymousCookie(t *testing.T) {
	t.Parallel()
	opts := func(trust bool) middleware.Options {
		return middleware.Options{
			Subject:    middleware.HeaderSubject(middleware.Headers{}),
			Anonymous:  &middleware.AnonymousCookie{},
			TrustProxy: trust,
		}
	}
	tests := []struct {
		name       string
		opts       middleware.Options
		url        string
		header     []string
		wantCookie bool
		wantSecure bool
	}{
		{"first visit", opts(false), "http://example.com/", nil, true, false},
		{"over TLS", opts(false), "https://example.com/", nil, true, true},
		{"behind a trusted TLS proxy", opts(true), "http://example.com/", []string{"X-Forwarded-Proto: https"}, true, true},
		{"behind a chain of trusted proxies", opts(true), "http://example.com/", []string{"X-Forwarded-Proto: https, http"}, true, true},
		{"a chain of trusted proxies, one line each", opts(true), "http://example.com/", []string{"X-Forwarded-Proto: HTTPS", "X-Forwarded-Proto: http"}, true, true},
		{"a chain of trusted proxies, plain http first", opts(true), "http://example.com/", []string{"X-Forwarded-Proto: http, https"}, true, false},
		{"forwarded proto not trusted", opts(false), "http://example.com/", []string{"X-Forwarded-Proto: https"}, true, false},
		{"trusted proxy, plain http", opts(true), "http://example.com/", []string{"X-Forwarded-Proto: http"}, true, false},
		{"logged-in user needs none", opts(false), "http://example.com/", []string{"X-User-ID: 42"}, false, false},
		{"forged non-hex value", opts(false), "http://example.com/", []string{"Cookie: flaggen_visitor=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}, true, false},
		{"forged short value", opts(false), "http://example.com/", []string{"Cookie: flaggen_visitor=1"}, true, false},
		{"forged upper-case hex", opts(false), "http://example.com/", []string{"Cookie: flaggen_visitor=0123456789ABCDEF0123456789ABCDEF"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, tt.url, nil)
			for _, h := range tt.header {
				k, v, _ := strings.Cut(h, ":")
				req.Header.Add(k, strings.TrimSpace(v))
			}
			got, res := serve(t, middleware.New(flags.Set, tt.opts)(flagsHandler), req)
			c := cookieNamed(res, "flaggen_visitor")
			if (c != nil) != tt.wantCookie {
				t.Fatalf("visitor cookie set: got %v, want %v", c != nil, tt.wantCookie)
			}
			if c == nil {
				return
			}
			if !visitorID.MatchString(c.Value) {
				t.Errorf("visitor id: got %q, want 32 lowercase hex digits", c.Value)
			}
			if got.Subject != c.Value {
				t.Errorf("subject: got %q, want the new visitor id %q", got.Subject, c.Value)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("cookie: got HttpOnly=%v SameSite=%v Path=%q, want HttpOnly, Lax, /", c.HttpOnly, c.SameSite, c.Path)
			}
			if c.Secure != tt.wantSecure {
				t.Errorf("Secure: got %v, want %v", c.Secure, tt.wantSecure)
			}
			if want := 400 * 24 * 60 * 60; c.MaxAge != want {
				t.Errorf("MaxAge: got %d, want %d", c.MaxAge, want)
			}
		})
	}
}

func TestAnonymousCookieOverTLSServer(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(middleware.New(flags.Set, middleware.Options{Anonymous: &middleware.AnonymousCookie{}})(flagsHandler))
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	c := cookieNamed(res, "flaggen_visitor")
	if c == nil || !c.Secure {
		t.Fatalf("visitor cookie over TLS: got %v, want a Secure cookie", c)
	}
}

func TestAnonymousCookieKeepsBucket(t *testing.T) {
	t.Parallel()
	h := middleware.New(flags.Set, middleware.Options{
		Anonymous: &middleware.AnonymousCookie{Name: "visitor", MaxAge: time.Hour},
	})(flagsHandler)
	first, res := serve(t, h, request("/"))
	c := cookieNamed(res, "visitor")
	if c == nil {
		t.Fatal("first visit: got no visitor cookie, want one")
	}
	if c.MaxAge != 3600 {
		t.Errorf("MaxAge: got %d, want 3600", c.MaxAge)
	}
	for range 3 {
		again, res := serve(t, h, request("/", "Cookie: other=1; visitor="+c.Value+"; more=2"))
		if len(res.Cookies()) != 0 {
			t.Errorf("second visit: got Set-Cookie %v, want none", res.Cookies())
		}
		if again.Subject != first.Subject {
			t.Errorf("subject: got %q, want %q", again.Subject, first.Subject)
		}
		if again.Variant["search"] != first.Variant["search"] || again.Reason["search"] != "rollout" {
			t.Errorf("search: got %s (%s), want %s (rollout)", again.Variant["search"], again.Reason["search"], first.Variant["search"])
		}
	}
}

// TestVisitorIsNoUser: a visitor who writes a user's id into the visitor
// cookie keeps that id as their bucket, but is not served what the user
// is: the middleware's subject is a visitor, which no per-user override
// or users rule matches.
func TestVisitorIsNoUser(t *testing.T) {
	t.Parallel()
	const id = "0123456789abcdef0123456789abcdef" // a user's, in the visitor cookie's form
	set := newSet()
	src, err := os.ReadFile("../flags.toml")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(src), `VISIBLE = ["1", "2", "3"]`, `VISIBLE = ["1", "2", "3", "`+id+`"]`, 1)
	doc = strings.Replace(doc, "rollout = 0\n", "rollout = 0\n[[flags.holiday.rules]]\nusers = [\""+id+"\"]\nserve = \"on\"\n", 1)
	store(t, set, compile(t, set, "flags.toml", doc))
	evs := middleware.NewEvaluators(set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Anonymous: &middleware.AnonymousCookie{},
	})
	for _, c := range []struct {
		name          string
		header        string
		feature, hday string
	}{
		{"the user", "X-User-ID: " + id, "VISIBLE", "on"},
		{"a visitor with the user's id", "Cookie: flaggen_visitor=" + id, "NOT_VISIBLE", "off"},
	} {
		rec := httptest.NewRecorder()
		evs.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ev, _ := set.Evaluator(r.Context())
			if ev.Subject().ID != id {
				t.Errorf("%s: subject id %q, want %q", c.name, ev.Subject().ID, id)
			}
			if v, r, _ := explained(ev.Explain("my_new_feature")); v != c.feature {
				t.Errorf("%s: my_new_feature = %s (%s), want %s", c.name, v, r, c.feature)
			}
			if v, r, _ := explained(ev.Explain("holiday")); v != c.hday {
				t.Errorf("%s: holiday = %s (%s), want %s", c.name, v, r, c.hday)
			}
		})).ServeHTTP(rec, request("/", c.header))
		if len(rec.Result().Cookies()) != 0 {
			t.Errorf("%s: got Set-Cookie %v, want none (the id is kept)", c.name, rec.Result().Cookies())
		}
	}
}

// TestAnonymousBuckets checks that visitors are spread over the split:
// the visitor id is what the rollout buckets.
func TestAnonymousBuckets(t *testing.T) {
	t.Parallel()
	h := middleware.New(flags.Set, middleware.Options{Anonymous: &middleware.AnonymousCookie{}})(flagsHandler)
	seen := map[string]int{}
	for range 200 {
		got, _ := serve(t, h, request("/"))
		seen[got.Variant["search"]]++
	}
	for _, v := range []string{"control", "variant_a", "variant_b"} {
		if seen[v] == 0 {
			t.Errorf("200 visitors: got none in %s, want some (%v)", v, seen)
		}
	}
}

func TestExposureOncePerRequest(t *testing.T) {
	t.Parallel()
	var x exposures
	h := middleware.New(flags.Set, middleware.Options{
		Subject:  middleware.HeaderSubject(middleware.Headers{}),
		Exposure: x.hook,
		Clock:    fixedClock,
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 3 {
			flags.NewSearch(r.Context())
			_ = flags.NewCheckout(r.Context()).Enabled()
			flags.Set.Lookup(r.Context(), "search")
		}
	}))
	for _, id := range []string{"1", "2"} {
		h.ServeHTTP(httptest.NewRecorder(), request("/", "X-User-ID: "+id, "X-User-Groups: employees"))
		got := x.take()
		var keys []string
		for _, e := range got {
			keys = append(keys, e.Flag)
			if e.Subject != id {
				t.Errorf("exposure of %s: got subject %q, want %q", e.Flag, e.Subject, id)
			}
		}
		if want := []string{"search", "new_checkout"}; !slices.Equal(keys, want) {
			t.Errorf("request for %s: got exposures of %q, want %q", id, keys, want)
		}
		if len(got) > 0 && (got[0].Variant != "variant_a" || got[0].Reason.String() != "rule 1") {
			t.Errorf("search exposure: got %s (%s), want variant_a (rule 1)", got[0].Variant, got[0].Reason)
		}
	}
}

func TestSlogExposure(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, nil))
	h := middleware.New(flags.Set, middleware.Options{
		Subject:  middleware.HeaderSubject(middleware.Headers{}),
		Exposure: middleware.SlogExposure(l),
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 3 {
			flags.NewMyNewFeature(r.Context())
			flags.NewSearch(r.Context())
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), request("/", "X-User-ID: 1", "X-User-Groups: employees"))
	type line struct{ Level, Msg, Flag, Variant, Reason, Subject string }
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var v struct {
			Level, Msg                     string
			Flag, Variant, Reason, Subject string
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		got = append(got, line(v))
	}
	want := []line{
		{"INFO", "flag exposure", "my_new_feature", "VISIBLE", "user override", "1"},
		{"INFO", "flag exposure", "search", "variant_a", "rule 1", "1"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("log: got %+v, want %+v", got, want)
	}
}

func TestFuncMap(t *testing.T) {
	t.Parallel()
	page := template.Must(template.New("page").Funcs(middleware.FuncMap(flags.Set)).Parse(
		`{{if ff .Ctx "my_new_feature" "VISIBLE"}}visible{{else}}hidden{{end}} {{flag .Ctx "search"}} [{{flag .Ctx "no_such_flag"}}]`))
	tests := []struct {
		name   string
		header []string
		want   string
	}{
		{"user 1, employee", []string{"X-User-ID: 1", "X-User-Groups: employees"}, "visible variant_a []"},
		{"user 4", []string{"X-User-ID: 4", "X-User-Groups: staff"}, "hidden "},
		{"nobody", nil, "hidden control []"},
	}
	mw := middleware.New(flags.Set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := page.Execute(w, struct{ Ctx context.Context }{r.Context()}); err != nil {
					t.Error(err)
				}
			})).ServeHTTP(rec, request("/", tt.header...))
			if got := rec.Body.String(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("page: got %q, want it to start %q", got, tt.want)
			}
		})
	}
	t.Run("no middleware", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		if err := page.Execute(&buf, struct{ Ctx context.Context }{context.Background()}); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), "hidden control []"; got != want {
			t.Errorf("page: got %q, want %q", got, want)
		}
	})
}

// TestEvaluatorsFor checks the building block the gin adapter uses.
func TestEvaluatorsFor(t *testing.T) {
	t.Parallel()
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})
	req := request("/", "X-User-ID: 2")
	ev := evs.For(httptest.NewRecorder(), req)
	if got := ev.Subject().ID; got != "2" {
		t.Errorf("subject: got %q, want 2", got)
	}
	if got := flags.NewMyNewFeature(ev); got != flags.MyNewFeatureVisible {
		t.Errorf("my_new_feature: got %v, want VISIBLE", got)
	}
	var _ context.Context = ev
	var _ *runtime.Evaluator = ev
}

// TestSlogExposureDefaultLogger: SlogExposure(nil) logs to slog's default
// logger as it is when the exposure happens, not when the hook was made.
// It sets slog's default logger, so it does not run in parallel.
func TestSlogExposureDefaultLogger(t *testing.T) {
	hook := middleware.SlogExposure(nil)
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(old)
	hook(context.Background(), runtime.Exposure{Flag: "search", Variant: "control", Subject: "7"})
	if got := buf.String(); !strings.Contains(got, "flag exposure") || !strings.Contains(got, "flag=search") {
		t.Errorf("default logger got %q, want the exposure", got)
	}
}

// panicOf returns what f panics with, as a string, or "" if it returns.
func panicOf(f func()) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = fmt.Sprint(v)
			if msg == "" {
				msg = "(empty panic)"
			}
		}
	}()
	f()
	return ""
}

// TestNewChecksOptions: a nil set, or a cookie name the browser would
// drop, is a programmer's error, reported when the middleware is built
// (as http.ServeMux reports a bad pattern), not on every request.
func TestNewChecksOptions(t *testing.T) {
	t.Parallel()
	secrets := [][]byte{secretNew}
	visitor := func(name string) middleware.Options {
		return middleware.Options{Anonymous: &middleware.AnonymousCookie{Name: name}}
	}
	tests := []struct {
		name string
		set  *runtime.Set
		opts middleware.Options
		want string // in the panic; "" means no panic
	}{
		{"zero options", flags.Set, middleware.Options{}, ""},
		{"valid names", flags.Set, middleware.Options{
			Anonymous: &middleware.AnonymousCookie{Name: "__Host-visitor"},
			Overrides: middleware.Overrides{Secrets: secrets, Cookie: "ff.overrides"},
		}, ""},
		{"nil set", nil, middleware.Options{}, "nil flag set"},
		{"override cookie with a space", flags.Set, middleware.Options{
			Overrides: middleware.Overrides{Secrets: secrets, Cookie: "flag overrides"},
		}, `Overrides.Cookie "flag overrides" is not a valid cookie name`},
		{"override cookie with a space, overrides off", flags.Set, middleware.Options{
			Overrides: middleware.Overrides{Cookie: "flag overrides"},
		}, `Overrides.Cookie "flag overrides" is not a valid cookie name`},
		{"visitor cookie with a semicolon", flags.Set, visitor("visitor;id"), `AnonymousCookie.Name "visitor;id" is not a valid cookie name`},
		{"visitor cookie with an equals sign", flags.Set, visitor("visitor=id"), `AnonymousCookie.Name "visitor=id" is not a valid cookie name`},
		{"visitor cookie not ASCII", flags.Set, visitor("visiteur_é"), `AnonymousCookie.Name "visiteur_é" is not a valid cookie name`},
		{"one name for both cookies", flags.Set, middleware.Options{
			Anonymous: &middleware.AnonymousCookie{Name: "flaggen_overrides"},
			Overrides: middleware.Overrides{Secrets: secrets},
		}, `AnonymousCookie.Name and Overrides.Cookie are both "flaggen_overrides"`},
		{"Vary with a space", flags.Set, middleware.Options{Vary: []string{"X-User ID"}}, `Options.Vary: "X-User ID" is not a header field name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, build := range []struct {
				name string
				f    func()
			}{
				{"New", func() { middleware.New(tt.set, tt.opts) }},
				{"NewEvaluators", func() { middleware.NewEvaluators(tt.set, tt.opts) }},
			} {
				got := panicOf(build.f)
				switch {
				case tt.want == "" && got != "":
					t.Errorf("%s: got panic %q, want none", build.name, got)
				case tt.want != "" && !strings.Contains(got, tt.want):
					t.Errorf("%s: got panic %q, want one saying %q", build.name, got, tt.want)
				}
			}
		})
	}
}

// TestInstalledTwice: a request through the middleware twice (two
// installs, or one Evaluators and the same set's New) gets one evaluator:
// one visitor id, one Set-Cookie, one exposure per flag.
func TestInstalledTwice(t *testing.T) {
	t.Parallel()
	var x exposures
	opts := middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Anonymous: &middleware.AnonymousCookie{},
		Exposure:  x.hook,
	}
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 2 {
			flags.NewSearch(r.Context())
		}
		flagsHandler.ServeHTTP(w, r)
	})
	mw := middleware.New(flags.Set, opts)
	tests := []struct {
		name string
		h    http.Handler
	}{
		{"one middleware twice", mw(mw(read))},
		{"two middlewares", middleware.New(flags.Set, opts)(middleware.New(flags.Set, opts)(read))},
		{"with a context wrapped between, read on both sides", mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			flags.NewSearch(r.Context())
			mw(read).ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, "between")))
		}))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, res := serve(t, tt.h, request("/"))
			var ids []string
			for _, c := range res.Cookies() {
				if c.Name == "flaggen_visitor" {
					ids = append(ids, c.Value)
				}
			}
			if len(ids) != 1 || ids[0] != got.Subject {
				t.Errorf("visitor cookies: got %q for subject %q, want one holding the subject", ids, got.Subject)
			}
			var searches []runtime.Exposure
			for _, e := range x.take() {
				if e.Flag == "search" {
					searches = append(searches, e)
				}
			}
			if len(searches) != 1 || searches[0].Subject != got.Subject || searches[0].Variant != got.Variant["search"] {
				t.Errorf("search exposures: got %+v, want one for subject %q, variant %q", searches, got.Subject, got.Variant["search"])
			}
		})
	}
}

// TestPrefixedCookieNames: browsers keep a cookie named __Secure-… or
// __Host-… only if it is Secure, so such a cookie always is, even for a
// request the middleware cannot tell came over TLS. Browsers match the
// prefixes in any case (RFC 6265bis, "Cookie Name Prefixes"), and so does the
// middleware.
func TestPrefixedCookieNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		wantSecure bool
	}{
		{"visitor", false},
		{"__Secure-visitor", true},
		{"__Host-visitor", true},
		{"__secure-visitor", true},
		{"__HOST-visitor", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			evs := middleware.NewEvaluators(flags.Set, middleware.Options{
				Anonymous: &middleware.AnonymousCookie{Name: tt.name},
				Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}, Cookie: tt.name + "_overrides"},
			})
			_, res := serve(t, evs.Handler(flagsHandler), request("/"))
			if c := cookieNamed(res, tt.name); c == nil || c.Secure != tt.wantSecure {
				t.Errorf("visitor cookie: got %v, want one with Secure=%v", c, tt.wantSecure)
			}
			rec := httptest.NewRecorder()
			evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff}).ServeHTTP(rec, post("flag=search&variant=variant_b"))
			if c := cookieNamed(rec.Result(), tt.name+"_overrides"); c == nil || c.Secure != tt.wantSecure {
				t.Errorf("override cookie: got %v, want one with Secure=%v", c, tt.wantSecure)
			}
		})
	}
}

// TestCookiesOfTheSameName: a browser sends every cookie of a name that
// its host and path match (one set for the parent domain or another path,
// by an older deployment or a sibling host), most specific first. The
// middleware uses the first valid one, so that an invalid one in front
// neither re-buckets the visitor on every request nor hides overrides.
func TestCookiesOfTheSameName(t *testing.T) {
	t.Parallel()
	const id = "0123456789abcdef0123456789abcdef"
	var log errorLog
	h := middleware.New(flags.Set, middleware.Options{
		Anonymous: &middleware.AnonymousCookie{},
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}},
		Error:     log.report,
	})(flagsHandler)
	valid := middleware.SignOverrides(secretNew, cookieName, time.Now().Add(time.Hour), "search", "variant_b")
	got, res := serve(t, h, request("/", "Cookie: flaggen_visitor=legacy-id; "+cookieName+"=garbage; flaggen_visitor="+id+"; "+cookieName+"="+valid))
	if got.Subject != id {
		t.Errorf("subject: got %q, want %q, the valid visitor cookie", got.Subject, id)
	}
	if c := res.Cookies(); len(c) != 0 {
		t.Errorf("Set-Cookie: got %v, want none", c)
	}
	if got.Variant["search"] != "variant_b" || got.Reason["search"] != "override" {
		t.Errorf("search: got %s (%s), want variant_b (override)", got.Variant["search"], got.Reason["search"])
	}
	if errs := log.take(); len(errs) != 0 {
		t.Errorf("reported: got %v, want nothing (a valid cookie was found)", errs)
	}
	// Each override cookie verified costs an HMAC per secret: no more
	// than four are tried.
	garbage := strings.Repeat(cookieName+"=v1.1.x.garbage; ", 4)
	got, _ = serve(t, h, request("/", "Cookie: flaggen_visitor="+id+"; "+garbage+cookieName+"="+valid))
	if got.Variant["search"] != "control" {
		t.Errorf("search after four bad override cookies: got %s (%s), want control (the fifth is not verified)", got.Variant["search"], got.Reason["search"])
	}
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], middleware.ErrOverrideMalformed) {
		t.Errorf("reported: got %v, want the first cookie's problem, %v", errs, middleware.ErrOverrideMalformed)
	}
}
