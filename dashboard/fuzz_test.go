package dashboard_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/middleware"
)

// FuzzForms: whatever an authorised operator's browser posts to the
// override and operation forms (any flag, variant, action, value), the
// dashboard answers a redirect or a client error and never panics; and
// the page it redirects to still renders.
func FuzzForms(f *testing.F) {
	for _, c := range [][5]string{
		{"override", "search", "variant_b", "", ""},
		{"override", "search", "", "", ""},
		{"override", "", "", "", "all"},
		{"op", "search", "", "kill", "yes"},
		{"op", "holiday", "", "rollout", "25"},
		{"op", "search", "", "split", "control=50,variant_a=50"},
		{"op", "holiday", "", "schedule", "1%@now 5%@+2h"},
		{"op", "nope\x00", "", "kill\n", "<script>"},
	} {
		f.Add(c[0], c[1], c[2], c[3], c[4])
	}
	set := newSet(f, testFlags)
	fleet := &fakeFleet{}
	evs := middleware.NewEvaluators(set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secret}},
	})
	d := dashboard.New(evs, dashboard.Options{
		Authorize: func(*http.Request) bool { return true },
		Operator:  func(*http.Request) (string, bool) { return "fuzz", true },
		Fleet:     fleet,
		Now:       func() time.Time { return testNow },
	})
	f.Fuzz(func(t *testing.T, action, flag, variant, op, extra string) {
		form := url.Values{"flag": {flag}, "variant": {variant}, "action": {op}, "value": {extra}, "confirm": {"yes"}, "clear": {extra}}
		path := "/override"
		if action == "op" {
			path = "/op"
		}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther && (rec.Code < 400 || rec.Code >= 500) {
			t.Fatalf("POST %s %v: %d, want 303 or a client error", path, form, rec.Code)
		}
		if loc := rec.Header().Get("Location"); rec.Code == http.StatusSeeOther {
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" || u.Scheme != "" {
				t.Fatalf("redirect to %q: want a relative URL on this site", loc)
			}
			page := httptest.NewRecorder()
			get := httptest.NewRequest(http.MethodGet, "/?"+u.RawQuery, nil)
			for _, c := range rec.Result().Cookies() {
				get.AddCookie(c)
			}
			d.ServeHTTP(page, get)
			if page.Code != http.StatusOK {
				t.Fatalf("the page after %v: %d", form, page.Code)
			}
		}
	})
}
