package browser

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/examples/internal/app"
	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/store/redisstore"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// The groups the example's rules know (package app): employees and
// developers may see the dashboard and override their own browser,
// operators may operate the fleet, as their X-User-ID; employees get
// search's variant_a by a rule of flags.toml.
const (
	developer = "employees"
	operator  = "employees,operators"
)

// proxy returns the headers an authenticating proxy would add to the
// requests of a user id in groups.
func proxy(id, groups string) map[string]string {
	return map[string]string{"X-User-ID": id, "X-User-Groups": groups}
}

// appServer is one instance of the net/http example under test: its
// routes and the dashboard at /_dashboard/, behind the flag middleware,
// on an httptest server of this process (startApp) or in a process of
// its own (startProcess).
type appServer struct {
	URL  string      // http://127.0.0.1:port, no final slash
	logs *syncBuffer // the instance's log, for failures
}

// dashboardURL is the dashboard's page.
func (a *appServer) dashboardURL() string { return a.URL + "/_dashboard/" }

// startApp starts an example server in this process; with fleet
// non-nil it joins the fleet's store first, as FLAGGEN_REDIS does, and
// waits until it serves the store's document.
func startApp(t *testing.T, fleet *fleet) *appServer {
	t.Helper()
	logs := new(syncBuffer)
	ctx := t.Context()
	var url, ns string
	if fleet != nil {
		ctx, url, ns = fleet.ctx, fleet.url, fleet.ns
	}
	h, err := newInstance(ctx, slog.New(slog.NewTextHandler(logs, nil)), url, ns)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	a := &appServer{URL: ts.URL, logs: logs}
	if fleet != nil {
		a.waitReady(t)
	}
	return a
}

// newInstance builds one instance of the example, as app.Main does:
// with url non-empty it joins the fleet's store at url, namespace ns,
// until ctx is done, and its dashboard operates the fleet.
func newInstance(ctx context.Context, log *slog.Logger, url, ns string) (http.Handler, error) {
	s := app.NewServer(app.Config{
		Secret: []byte("0123456789abcdef0123456789abcdef"),
		Log:    log,
	})
	if url != "" {
		if err := s.Join(ctx, url, ns); err != nil {
			return nil, err
		}
	}
	return exampleHandler(s), nil
}

// waitReady waits until the instance serves the store's document.
func (a *appServer) waitReady(t *testing.T) {
	t.Helper()
	waitFor(t, "the instance at "+a.URL+" to serve the store's document", a.logs, func() bool {
		return strings.Contains(a.health(), `"ready"`)
	})
}

// health is the instance's /healthz/flags.
func (a *appServer) health() string {
	resp, err := http.Get(a.URL + "/healthz/flags")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// exampleHandler is the net/http example's handler (examples/nethttp's
// newHandler, which package main keeps to itself), less the routes the
// tests do not load: the app's JSON, the override endpoint and the
// dashboard (app.Server.Dashboard, with the example's authorisation) on
// one mux, behind the flag middleware.
func exampleHandler(s *app.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s.WriteJSON(w, app.Variants(r.Context()))
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		s.WriteJSON(w, app.Search(r.Context(), r.URL.Query().Get("q")))
	})
	mux.Handle("/_flags/", s.OverrideHandler)
	mux.Handle("/_dashboard/", http.StripPrefix("/_dashboard", s.Dashboard()))
	mux.Handle("GET /healthz/flags", s.Health())
	return s.Evaluators.Handler(mux)
}

// fleet is a live store: a redis-server of the test's own, with the
// repository's flags.toml pushed to one namespace.
type fleet struct {
	ctx   context.Context // ends with the test: the instances leave
	url   string
	ns    string
	store *redisstore.Store
}

// startFleet starts a fleet's store. The instances that join it change
// flags.Set, which the whole process shares: a test that calls it must
// not run in parallel with others. flags.Set gets its compiled-in flags
// back when the test ends.
func startFleet(t *testing.T) *fleet {
	t.Helper()
	srv := redistest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		flags.Set.Store(flags.Set.Embedded())
	})
	f := &fleet{ctx: ctx, url: srv.URL() + "/0", ns: "shop:test"}
	store, err := redisstore.Open(ctx, f.url, f.ns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f.store = store
	doc, err := os.ReadFile(filepath.Join("..", "..", "flags.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Push(ctx, doc, redisstore.PushOptions{By: "ci", Name: "flags.toml"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// version is the store's version now.
func (f *fleet) version(t *testing.T) int64 {
	t.Helper()
	st, err := f.store.Get(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.Version
}

// waitFor polls cond for up to 10 seconds, and fails the test with logs
// if it does not come.
func waitFor(t *testing.T, what string, logs *syncBuffer, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; log:\n%s", what, logs.String())
		}
	}
}

// containsVersion says whether an instance's health JSON names version.
func containsVersion(health string, version int64) bool {
	return strings.Contains(health, fmt.Sprintf(`"version":"%d"`, version))
}
