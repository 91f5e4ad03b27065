package middleware_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/runtime"
)

// served is what [flagsHandler] answers: the subject's id and, by flag
// key, the variant the request got and why.
type served struct {
	Subject string            `json:"subject"`
	Variant map[string]string `json:"variant"`
	Reason  map[string]string `json:"reason"`
}

// flagsHandler answers every flag of the request, read through the
// string-keyed lookup of the request's evaluator.
var flagsHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	ev := flags.Set.FromContext(r.Context())
	out := served{Subject: ev.Subject().ID, Variant: map[string]string{}, Reason: map[string]string{}}
	for _, key := range ev.Snapshot().Keys() {
		v, reason, _ := ev.Explain(key)
		out.Variant[key], out.Reason[key] = v, reason.String()
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
})

// serve runs req through h and decodes what [flagsHandler] answered.
func serve(t *testing.T, h http.Handler, req *http.Request) (served, *http.Response) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: got status %d, want 200; body %s", req.Method, req.URL, res.StatusCode, rec.Body)
	}
	var out served
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("decoding %q: %v", rec.Body, err)
	}
	return out, res
}

// request returns a GET of path with the given header lines ("Name: value").
func request(path string, header ...string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, h := range header {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(k, strings.TrimSpace(v))
	}
	return req
}

// errorLog collects the problems reported through Options.Error.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) report(_ *http.Request, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
}

func (l *errorLog) take() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	errs := l.errs
	l.errs = nil
	return errs
}

// exposures collects exposure events.
type exposures struct {
	mu sync.Mutex
	ev []runtime.Exposure
}

func (x *exposures) hook(_ context.Context, e runtime.Exposure) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ev = append(x.ev, e)
}

func (x *exposures) take() []runtime.Exposure {
	x.mu.Lock()
	defer x.mu.Unlock()
	ev := x.ev
	x.ev = nil
	return ev
}

// fixedClock is a time inside new_checkout's 25% stage.
func fixedClock() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }

// compile compiles src against flags.Set's schema.
func compile(t testing.TB, name, src string) *runtime.Snapshot {
	t.Helper()
	snap, err := flags.Set.Compile(name, []byte(src))
	if err != nil {
		t.Fatalf("compiling %s: %v", name, err)
	}
	return snap
}

// store puts snap in force for the rest of the test.
func store(t testing.TB, snap *runtime.Snapshot) {
	t.Helper()
	old := flags.Set.Snapshot()
	t.Cleanup(func() {
		if err := flags.Set.Store(old); err != nil {
			t.Errorf("restoring the snapshot: %v", err)
		}
	})
	if err := flags.Set.Store(snap); err != nil {
		t.Fatal(err)
	}
}

// killed returns the repository's flags.toml with flag key's kill switch on.
func killed(t testing.TB, key string) *runtime.Snapshot {
	t.Helper()
	src, err := os.ReadFile("../flags.toml")
	if err != nil {
		t.Fatal(err)
	}
	table := "[flags." + key + "]\n"
	if !strings.Contains(string(src), table) {
		t.Fatalf("flags.toml has no %s", table)
	}
	return compile(t, "killed.toml", strings.Replace(string(src), table, table+"killed = true\n", 1))
}

// cookieNamed returns res's Set-Cookie of the given name, or nil.
func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
