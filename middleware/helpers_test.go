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
	"github.com/flaggen/flaggen/runtime/flagimpl"
)

// served is what [flagsHandler] answers: the subject's id and, by flag
// key, the variant the request got and why.
type served struct {
	Subject string            `json:"subject"`
	Variant map[string]string `json:"variant"`
	Reason  map[string]string `json:"reason"`
}

// flagsOf returns a handler that answers every flag of set for the
// request, read through the string-keyed lookup of the request's
// evaluator.
func flagsOf(set *runtime.Set) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev := set.FromContext(r.Context())
		out := served{Subject: ev.Subject().ID, Variant: map[string]string{}, Reason: map[string]string{}}
		for _, key := range ev.Snapshot().Keys() {
			v, reason, _ := explained(ev.Explain(key))
			out.Variant[key], out.Reason[key] = v, reason.String()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
}

// flagsHandler answers every flag of the generated flags.Set, which tests
// only read: a test that changes the snapshot in force uses a set of its
// own ([newSet]), so that tests run in parallel.
var flagsHandler = flagsOf(flags.Set)

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

// newSet returns a set of the generated package's flags for one test to
// change: [flags.Set] is shared by every test. The generated accessors
// read flags.Set only; with this set, read flags by key.
func newSet() *runtime.Set {
	return flagimpl.New[testSet](flags.Set.Schema()).Set()
}

// testSet stands for a generated package of newSet's sets. Only Parse
// and Variants would ask for its types, and the tests call neither.
type testSet struct{}

// compile compiles src against set's schema.
func compile(t testing.TB, set *runtime.Set, name, src string) *runtime.Snapshot {
	t.Helper()
	snap, err := set.Compile(name, []byte(src))
	if err != nil {
		t.Fatalf("compiling %s: %v", name, err)
	}
	return snap
}

// store puts snap in force in set.
func store(t testing.TB, set *runtime.Set, snap *runtime.Snapshot) {
	t.Helper()
	if err := set.Store(snap); err != nil {
		t.Fatal(err)
	}
}

// killed returns the repository's flags.toml compiled for set with flag
// key's kill switch on.
func killed(t testing.TB, set *runtime.Set, key string) *runtime.Snapshot {
	t.Helper()
	src, err := os.ReadFile("../flags.toml")
	if err != nil {
		t.Fatal(err)
	}
	table := "[flags." + key + "]\n"
	if !strings.Contains(string(src), table) {
		t.Fatalf("flags.toml has no %s", table)
	}
	return compile(t, set, "killed.toml", strings.Replace(string(src), table, table+"killed = true\n", 1))
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

// explained spreads an Explain result into the variant, the reason and
// whether the flag exists.
func explained(x runtime.Explanation, ok bool) (string, runtime.Reason, bool) {
	return x.Variant, x.Reason, ok
}
