package middleware_test

import (
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

// withCookies returns a GET of / that carries the cookies res set.
func withCookies(res *http.Response) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-User-ID", "11")
	for _, c := range res.Cookies() {
		if c.MaxAge >= 0 {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	return req
}

func TestOverridesAPI(t *testing.T) {
	t.Parallel()
	var log errorLog
	var x exposures
	evs := middleware.NewEvaluators(flags.Set, handlerOptions(&log, &x))

	req := request("/", "X-User-ID: 11")
	if got := evs.Overrides(req); len(got) != 0 {
		t.Errorf("Overrides with no cookie: got %v, want none", got)
	}

	// Set two, then clear one: each change keeps the others.
	rec := httptest.NewRecorder()
	if err := evs.SetOverride(rec, req, "search", "variant_b"); err != nil {
		t.Fatalf("SetOverride: %v", err)
	}
	req = withCookies(rec.Result())
	rec = httptest.NewRecorder()
	if err := evs.SetOverride(rec, req, "holiday", "on"); err != nil {
		t.Fatalf("SetOverride: %v", err)
	}
	req = withCookies(rec.Result())
	if got, want := evs.Overrides(req), map[string]string{"search": "variant_b", "holiday": "on"}; !maps.Equal(got, want) {
		t.Errorf("Overrides: got %v, want %v", got, want)
	}
	ev := evs.Preview(httptest.NewRecorder(), req)
	if v, reason, _ := explained(ev.Explain("search")); v != "variant_b" || reason.String() != "override" {
		t.Errorf("Preview: search: got %s (%s), want variant_b (override)", v, reason)
	}
	if got := x.take(); len(got) != 0 {
		t.Errorf("Preview reported exposures: %v", got)
	}

	rec = httptest.NewRecorder()
	if err := evs.SetOverride(rec, req, "search", ""); err != nil {
		t.Fatalf("SetOverride clearing: %v", err)
	}
	req = withCookies(rec.Result())
	if got, want := evs.Overrides(req), map[string]string{"holiday": "on"}; !maps.Equal(got, want) {
		t.Errorf("Overrides after clearing search: got %v, want %v", got, want)
	}

	rec = httptest.NewRecorder()
	if err := evs.ClearOverrides(rec, req); err != nil {
		t.Fatalf("ClearOverrides: %v", err)
	}
	cs := rec.Result().Cookies()
	if len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("ClearOverrides: got cookies %v, want one that deletes the override cookie", cs)
	}

	// Bad requests leave the cookie alone.
	for _, c := range []struct{ flag, variant string }{{"nope", "on"}, {"search", "nope"}, {"", "on"}} {
		rec = httptest.NewRecorder()
		if err := evs.SetOverride(rec, req, c.flag, c.variant); err == nil {
			t.Errorf("SetOverride(%q, %q): got no error", c.flag, c.variant)
		}
		if got := rec.Result().Cookies(); len(got) != 0 {
			t.Errorf("SetOverride(%q, %q) set cookies %v, want none", c.flag, c.variant, got)
		}
	}
	if errs := log.take(); len(errs) != 0 {
		t.Errorf("reported: got %v, want nothing", errs)
	}
}

func TestOverridesAPIOff(t *testing.T) {
	t.Parallel()
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{})
	req := request("/")
	rec := httptest.NewRecorder()
	err := evs.SetOverride(rec, req, "search", "variant_a")
	if !errors.Is(err, middleware.ErrOverridesOff) {
		t.Errorf("SetOverride without secrets: got %v, want ErrOverridesOff", err)
	}
	if err != nil && !strings.Contains(err.Error(), "set Options.Overrides.Secrets") {
		t.Errorf("SetOverride without secrets: got %q, want it to say to set Options.Overrides.Secrets", err)
	}
	if err := evs.ClearOverrides(rec, req); !errors.Is(err, middleware.ErrOverridesOff) {
		t.Errorf("ClearOverrides without secrets: got %v, want ErrOverridesOff", err)
	}
	if got := rec.Result().Cookies(); len(got) != 0 {
		t.Errorf("cookies set: %v", got)
	}
}

// A cookie the middleware decoded is what Overrides reads behind it.
func TestOverridesAPIBehindMiddleware(t *testing.T) {
	t.Parallel()
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}}})
	n := middleware.CountDecodes(evs)
	name := "flaggen_overrides"
	req := request("/", "Cookie: "+name+"="+middleware.SignOverrides(secretNew, name, time.Now().Add(time.Hour), "search", "variant_a", "gone", "x"))
	var got map[string]string
	evs.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = evs.Overrides(r)
	})).ServeHTTP(httptest.NewRecorder(), req)
	if want := map[string]string{"search": "variant_a"}; !maps.Equal(got, want) {
		t.Errorf("Overrides: got %v, want %v", got, want)
	}
	if n.Load() != 1 {
		t.Errorf("decodes: got %d, want 1", n.Load())
	}
}
