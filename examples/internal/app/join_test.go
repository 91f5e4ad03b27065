package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/store/redisstore"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// TestJoin: a server that joined a fleet serves what is pushed to its
// store, and serves search's default as soon as an operator kills it.
// It changes flags.Set, so it does not run in parallel, and puts the
// compiled-in flags back.
func TestJoin(t *testing.T) {
	url := redistest.Start(t).URL() + "/0"
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "flags.toml"))
	if err != nil {
		t.Fatal(err)
	}
	s, logs, ctx := liveServer(t)
	if err := s.Join(ctx, url, "shop:test"); err != nil {
		t.Fatal(err)
	}
	if s.Feed == nil {
		t.Fatal("Join set no Feed")
	}
	h := s.Evaluators.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, Search(r.Context(), "ap")["ranking"])
	}))
	search := func() string {
		req := httptest.NewRequest(http.MethodGet, "/search?q=ap", nil)
		req.Header.Set("X-User-Groups", "employees") // variant_a, by a rule
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Body.String()
	}
	health := func() string {
		rec := httptest.NewRecorder()
		s.Health().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz/flags", nil))
		return rec.Body.String()
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		waitFor(t, what, logs, cond)
	}

	store, err := redisstore.Open(ctx, url, "shop:test")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Push(ctx, doc, redisstore.PushOptions{By: "ci", Name: "flags.toml"}); err != nil {
		t.Fatal(err)
	}
	eventually("the pushed document in force", func() bool { return strings.Contains(health(), `"ready"`) })
	if got := search(); got != "variant_a" {
		t.Fatalf("search for employees = %s before the kill, want variant_a", got)
	}
	r, err := store.Kill(ctx, "search", "ana")
	if err != nil {
		t.Fatal(err)
	}
	eventually("search killed", func() bool { return search() == "control" })
	if body := health(); !strings.Contains(body, strconv.FormatInt(r.Version, 10)) {
		t.Errorf("health %s, want the store's version %d", body, r.Version)
	}

	// The instance heartbeats as it applies the kill, adding the
	// exposures of the searches before it to the fleet's.
	if s.Store == nil {
		t.Fatal("Join set no Store")
	}
	eventually("the exposures in the store", func() bool {
		n, err := store.Exposures(ctx)
		return err == nil && n["search"]["variant_a"] >= 1
	})
	// An operator unkills search from the dashboard.
	dash := http.StripPrefix("/_dashboard", s.Dashboard())
	req := httptest.NewRequest(http.MethodGet, "/_dashboard/", nil)
	req.Header.Set("X-User-Groups", "developers, operators")
	rec := httptest.NewRecorder()
	dash.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("GET /_dashboard/ as an operator: got %d, want 200", rec.Code)
	}
	if _, err := s.Store.Dashboard().Operate(ctx, dashboard.Operation{Flag: "search", Action: "unkill", By: "ana"}); err != nil {
		t.Fatal(err)
	}
	eventually("search unkilled", func() bool { return search() == "variant_a" })
}

func TestConfigFromEnvFileAndRedis(t *testing.T) {
	t.Parallel()
	env := map[string]string{"FLAGGEN_FILE": "flags.toml", "FLAGGEN_REDIS": "redis://127.0.0.1:6379/0"}
	_, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), "FLAGGEN_FILE and FLAGGEN_REDIS") {
		t.Errorf("FLAGGEN_FILE and FLAGGEN_REDIS: got error %v, want one naming both", err)
	}
}
