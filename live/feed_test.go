package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

// base is the compiled-in flags.toml of the tests' sets. holiday and
// banner are turned on and off together by the race test.
const base = `# the tests' flags
[flags.search]
description = "Ranking experiment."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }

[[flags.search.rules]]
groups = ["employees"]
serve = "variant_a"

[flags.holiday]
description = "Serve the special-day answer."
owner = "calendar-team"
expires = 2027-12-31
rollout = 0

[flags.banner]
description = "The holiday banner."
owner = "calendar-team"
expires = 2027-12-31
rollout = 0

[flags.my_new_feature]
description = "The new feature."
owner = "web-team"
expires = 2027-06-30
variants = ["VISIBLE", "NOT_VISIBLE"]
default = "NOT_VISIBLE"

[flags.my_new_feature.overrides]
VISIBLE = ["1", "2", "3"]
`

// holidayOn is base with holiday rolled out to everyone.
var holidayOn = strings.Replace(base, "rollout = 0\n\n[flags.banner]", "rollout = 100\n\n[flags.banner]", 1)

// both returns base with holiday and banner both rolled out to pct%.
func both(pct int) string {
	return strings.ReplaceAll(base, "rollout = 0\n", fmt.Sprintf("rollout = %d\n", pct))
}

// setMarker is the type flagimpl.New is given; its package is this one.
type setMarker struct{}

// newSet returns a fresh set compiled from base.
func newSet(t testing.TB) *runtime.Set {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	return flagimpl.New[setMarker](f.Meta()).Set()
}

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder keeps what a feed's callbacks heard.
type recorder struct {
	mu      sync.Mutex
	changes []Change
	errs    []error
}

func (r *recorder) options() Options {
	return Options{
		OnChange: func(c Change) { r.mu.Lock(); r.changes = append(r.changes, c); r.mu.Unlock() },
		OnError:  func(err error) { r.mu.Lock(); r.errs = append(r.errs, err); r.mu.Unlock() },
		Logger:   slog.New(slog.DiscardHandler),
	}
}

func (r *recorder) counts() (changes, errs int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.changes), len(r.errs)
}

// newFeed returns a feed for a fresh set, with a fake clock.
func newFeed(t testing.TB, opts Options) (*Feed, *runtime.Set, *clock) {
	t.Helper()
	set := newSet(t)
	f := NewFeed(set, "flags.toml", opts)
	c := &clock{t: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	f.now = c.Now
	return f, set, c
}

// lookup returns what user 1 gets of key from set's snapshot in force.
func lookup(set *runtime.Set, key string) string {
	return set.NewEvaluator(context.Background(), runtime.Subject{ID: "1"}, nil).Lookup(key)
}

func TestApplyGood(t *testing.T) {
	var rec recorder
	f, set, clk := newFeed(t, rec.options())
	if st := f.Status(); st.State != Starting || st.Version != "" || !st.Updated.IsZero() {
		t.Fatalf("new feed: status %v, want starting with nothing applied", st)
	}
	if got := lookup(set, "holiday"); got != "off" {
		t.Fatalf("before: holiday = %s, want off", got)
	}
	change, err := f.Apply("flags.toml", []byte(holidayOn), "")
	if err != nil {
		t.Fatal(err)
	}
	// A rollout of 100% with no rules settles the flag on.
	want := []FlagChange{{Key: "holiday", What: []string{"settled: no → on", "rollout: 0% → 100% on"}}}
	if !equalChanges(change.Flags, want) {
		t.Errorf("Apply: flags %v, want %v", change.Flags, want)
	}
	if !regexp.MustCompile(`^sha256:[0-9a-f]{16}$`).MatchString(change.Version) || change.Previous != "" {
		t.Errorf("Apply: version %q previous %q, want sha256:<16 hex> and \"\"", change.Version, change.Previous)
	}
	if got := lookup(set, "holiday"); got != "on" {
		t.Errorf("after: holiday = %s, want on", got)
	}
	if n, _ := rec.counts(); n != 1 || !equalChanges(rec.changes[0].Flags, want) {
		t.Errorf("OnChange heard %v, want one change of holiday", rec.changes)
	}
	st := f.Status()
	if st.State != Ready || st.Version != change.Version || !st.Updated.Equal(clk.Now()) || !st.Checked.Equal(clk.Now()) || st.Err != nil || st.Notices != nil {
		t.Errorf("status %v, want ready at %v with version %s", st, clk.Now(), change.Version)
	}

	// A version the source names is the version in force.
	change, err = f.Apply("flags.toml", []byte(base), "rev-7")
	if err != nil || change.Version != "rev-7" || !strings.HasPrefix(change.Previous, "sha256:") {
		t.Errorf("Apply(rev-7) = %+v, %v", change, err)
	}
	if got := f.Status().Version; got != "rev-7" {
		t.Errorf("status version %q, want rev-7", got)
	}
}

func equalChanges(a, b []FlagChange) bool {
	return slices.EqualFunc(a, b, func(x, y FlagChange) bool { return x.Key == y.Key && slices.Equal(x.What, y.What) })
}

func TestApplySameBytes(t *testing.T) {
	var rec recorder
	f, _, clk := newFeed(t, rec.options())
	first, err := f.Apply("flags.toml", []byte(holidayOn), "")
	if err != nil {
		t.Fatal(err)
	}
	updated := clk.Now()
	clk.Add(time.Second)
	again, err := f.Apply("flags.toml", []byte(holidayOn), "")
	if err != nil || again.Changed() || again.Version != first.Version {
		t.Errorf("second Apply = %+v, %v; want no change of version %s", again, err, first.Version)
	}
	if n, _ := rec.counts(); n != 1 {
		t.Errorf("OnChange heard %d changes, want 1", n)
	}
	st := f.Status()
	if !st.Updated.Equal(updated) || !st.Checked.Equal(clk.Now()) {
		t.Errorf("status updated %v checked %v; want updated %v checked %v", st.Updated, st.Checked, updated, clk.Now())
	}
}

func TestApplyCommentOnly(t *testing.T) {
	var rec recorder
	f, _, _ := newFeed(t, rec.options())
	if _, err := f.Apply("flags.toml", []byte(holidayOn), ""); err != nil {
		t.Fatal(err)
	}
	c, err := f.Apply("flags.toml", []byte("# edited by hand\n"+strings.ReplaceAll(holidayOn, "\n\n", "\n\n\n")), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Changed() || c.Version == c.Previous {
		t.Errorf("comment-only change: %+v; want a new version with no flag changed", c)
	}
	if n, _ := rec.counts(); n != 2 || rec.changes[1].Changed() {
		t.Errorf("OnChange heard %+v; want 2 changes, the second with Changed() false", rec.changes)
	}
}

func TestApplyBad(t *testing.T) {
	cut := strings.Index(holidayOn, "rollout = 100") + len("rollout = ")
	tests := []struct {
		name string
		doc  string
		pos  string // the error's prefix
		is   error
	}{
		{"syntax", strings.Replace(holidayOn, "rollout = 100", "rollout = = 100", 1), `^flags\.toml:\d+:\d+: `, spec.ErrSyntax},
		{"unknown key", strings.Replace(holidayOn, "rollout = 100", "rollout = 100\nrolout = 50", 1), `^flags\.toml:\d+:\d+: `, nil},
		{"truncated", holidayOn[:cut], `^flags\.toml:\d+:\d+: `, nil},
		{"empty", "", `^flags\.toml: `, runtime.ErrEmpty},
		{"too large", holidayOn + strings.Repeat("#", 1<<20) + "\n", `^flags\.toml:\d+:\d+: `, spec.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			opts := rec.options()
			opts.Limits = spec.Limits{MaxBytes: 64 << 10}
			f, set, _ := newFeed(t, opts)
			good, err := f.Apply("flags.toml", []byte(holidayOn), "")
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.Apply("flags.toml", []byte(tt.doc), "")
			if err == nil || !regexp.MustCompile(tt.pos).MatchString(err.Error()) {
				t.Fatalf("Apply: error %v, want one matching %s", err, tt.pos)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Apply: error %v is not %v", err, tt.is)
			}
			if got := lookup(set, "holiday"); got != "on" {
				t.Errorf("after a bad document holiday = %s, want on (the last good flags)", got)
			}
			st := f.Status()
			if st.State != Failing || st.Err == nil || st.Err.Error() != err.Error() || st.Version != good.Version {
				t.Errorf("status %v; want failing with %v, version %s in force", st, err, good.Version)
			}
			if nc, ne := rec.counts(); nc != 1 || ne != 1 || rec.errs[0].Error() != err.Error() {
				t.Errorf("callbacks heard %d changes and errors %v; want 1 change and the error", nc, rec.errs)
			}
			if _, err := f.Apply("flags.toml", []byte(base), ""); err != nil {
				t.Fatal(err)
			}
			if st := f.Status(); st.State != Ready || st.Err != nil {
				t.Errorf("after the next good document: status %v, want ready", st)
			}
			if got := lookup(set, "holiday"); got != "off" {
				t.Errorf("after the next good document holiday = %s, want off", got)
			}
		})
	}
}

// A refused document followed by the document in force again (an edit
// reverted) ends the failure without a change.
func TestApplyRevertEndsFailure(t *testing.T) {
	var rec recorder
	f, _, _ := newFeed(t, rec.options())
	f.Apply("flags.toml", []byte(holidayOn), "")
	f.Apply("flags.toml", []byte("[flags.holiday"), "")
	if _, err := f.Apply("flags.toml", []byte(holidayOn), ""); err != nil {
		t.Fatal(err)
	}
	if st := f.Status(); st.State != Ready || st.Err != nil {
		t.Errorf("status %v, want ready", st)
	}
	if n, _ := rec.counts(); n != 1 {
		t.Errorf("OnChange heard %d changes, want 1", n)
	}
}

func TestApplyNotices(t *testing.T) {
	f, _, _ := newFeed(t, Options{Logger: slog.New(slog.DiscardHandler)})
	if _, err := f.Apply("flags.toml", []byte(holidayOn), ""); err != nil {
		t.Fatal(err)
	}
	// Drop banner, redeclare search as boolean, add an unknown flag.
	doc := strings.Replace(holidayOn, "[flags.banner]", "[flags.gone]", 1)
	doc = strings.Replace(doc, `variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }`, "rollout = 50", 1)
	doc = strings.Replace(doc, `serve = "variant_a"`, `serve = "on"`, 1)
	doc += "\n[flags.extra]\ndescription = \"x\"\nowner = \"y\"\nexpires = 2027-01-01\n"
	c, err := f.Apply("flags.toml", []byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range c.Notices {
		kinds = append(kinds, n.Kind.String()+" "+n.Flag)
	}
	if want := []string{"missing banner", "kept search", "unknown extra", "unknown gone"}; !slices.Equal(kinds, want) {
		t.Errorf("notices %v, want %v", kinds, want)
	}
	var keys []string
	for _, fc := range c.Flags {
		keys = append(keys, fc.Key+": "+strings.Join(fc.What, "; "))
	}
	want := []string{"banner: removed from the document (keeps its compiled-in declaration)", "gone: added", "extra: added"}
	if !slices.Equal(keys, want) {
		t.Errorf("flags changed:\n%s\nwant\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	if got := f.Status().Notices; len(got) != 4 {
		t.Errorf("status notices %v, want 4", got)
	}
	// banner changed in the document, then left out of the next one.
	f.Apply("flags.toml", []byte(both(30)), "")
	c, err = f.Apply("flags.toml", []byte(strings.Replace(both(30), "[flags.banner]", "[flags.gone]", 1)), "")
	if err != nil {
		t.Fatal(err)
	}
	keys = keys[:0]
	for _, fc := range c.Flags {
		keys = append(keys, fc.Key+": "+strings.Join(fc.What, "; "))
	}
	want = []string{"banner: removed from the document (keeps its compiled-in declaration); rollout: 30% → 0% on", "gone: added"}
	if !slices.Equal(keys, want) {
		t.Errorf("flags changed:\n%s\nwant\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	c, _ = f.Apply("flags.toml", []byte(both(30)), "")
	if len(c.Flags) != 2 || c.Flags[1].Key != "gone" || !slices.Equal(c.Flags[1].What, []string{"removed"}) {
		t.Errorf("flags changed %v, want banner's rollout and gone removed", c.Flags)
	}
}

func TestFailAndChecked(t *testing.T) {
	var rec recorder
	f, _, clk := newFeed(t, rec.options())
	f.Checked()
	if st := f.Status(); st.State != Starting || !st.Checked.Equal(clk.Now()) {
		t.Errorf("checked before any document: status %v, want starting, checked now", st)
	}
	boom := errors.New("flags.toml: permission denied")
	f.Fail(boom)
	if st := f.Status(); st.State != Failing || st.Err != boom {
		t.Errorf("after Fail: status %v, want failing with %v", st, boom)
	}
	if _, ne := rec.counts(); ne != 1 {
		t.Errorf("OnError heard %d errors, want 1", ne)
	}
	f.Checked()
	if st := f.Status(); st.State != Failing {
		t.Errorf("Checked ended a failure: status %v", st)
	}
	f.Apply("flags.toml", []byte(base), "")
	if st := f.Status(); st.State != Ready || st.Err != nil {
		t.Errorf("after Apply: status %v, want ready", st)
	}
}

func TestStale(t *testing.T) {
	f, _, clk := newFeed(t, Options{StaleAfter: 10 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	f.Apply("flags.toml", []byte(base), "")
	clk.Add(10 * time.Second)
	if st := f.Status(); st.State != Ready {
		t.Errorf("at StaleAfter: status %v, want ready", st)
	}
	clk.Add(time.Millisecond)
	if st := f.Status(); st.State != Stale {
		t.Errorf("past StaleAfter: status %v, want stale", st)
	}
	f.Checked()
	if st := f.Status(); st.State != Ready {
		t.Errorf("after Checked: status %v, want ready", st)
	}
	// The default is a minute.
	g, _, clk := newFeed(t, Options{Logger: slog.New(slog.DiscardHandler)})
	g.Apply("flags.toml", []byte(base), "")
	clk.Add(59 * time.Second)
	if st := g.Status(); st.State != Ready {
		t.Errorf("default StaleAfter, 59s: status %v, want ready", st)
	}
	clk.Add(2 * time.Second)
	if st := g.Status(); st.State != Stale {
		t.Errorf("default StaleAfter, 61s: status %v, want stale", st)
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[State]string{Starting: "starting", Ready: "ready", Stale: "stale", Failing: "failing", 9: "State(9)"} {
		if got := s.String(); got != want {
			t.Errorf("State(%d).String() = %q, want %q", s, got, want)
		}
	}
	st := Status{State: Failing, Source: "/etc/flags.toml", Version: "sha256:0123456789abcdef",
		Updated: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), Checked: time.Date(2026, 6, 1, 12, 0, 5, 0, time.UTC),
		Err: errors.New("flags.toml:3:1: bad"), Notices: make([]runtime.Notice, 2)}
	want := `failing source="/etc/flags.toml" version=sha256:0123456789abcdef updated=2026-06-01T12:00:00Z checked=2026-06-01T12:00:05Z notices=2 err="flags.toml:3:1: bad"`
	if got := st.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	if got, want := (Status{Source: "x"}).String(), `starting source="x"`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}

func TestServeHTTP(t *testing.T) {
	f, _, clk := newFeed(t, Options{Logger: slog.New(slog.DiscardHandler)})
	get := func(method string) (*httptest.ResponseRecorder, map[string]any) {
		t.Helper()
		w := httptest.NewRecorder()
		f.ServeHTTP(w, httptest.NewRequest(method, "/healthz/flags", nil))
		var body map[string]any
		if method == http.MethodGet && w.Code != http.StatusMethodNotAllowed {
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s: body %q: %v", method, w.Body, err)
			}
			if got := w.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q, want application/json", got)
			}
		}
		if got := w.Header().Get("Cache-Control"); w.Code != http.StatusMethodNotAllowed && got != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", got)
		}
		return w, body
	}
	w, body := get(http.MethodGet)
	if w.Code != http.StatusOK || body["state"] != "starting" || body["source"] != "flags.toml" || body["version"] != nil {
		t.Errorf("starting: %d %v", w.Code, body)
	}

	doc := strings.Replace(holidayOn, "[flags.banner]", "[flags.gone]", 1)
	c, _ := f.Apply("flags.toml", []byte(doc), "")
	w, body = get(http.MethodGet)
	if w.Code != http.StatusOK || body["state"] != "ready" || body["version"] != c.Version ||
		body["updated"] != "2026-06-01T12:00:00Z" || body["checked"] != "2026-06-01T12:00:00Z" || body["error"] != nil {
		t.Errorf("ready: %d %v", w.Code, body)
	}
	notices, _ := body["notices"].([]any)
	if len(notices) != 2 || !strings.HasPrefix(notices[0].(string), "flags.toml: flag \"banner\"") {
		t.Errorf("ready: notices %v, want banner missing and gone unknown", body["notices"])
	}

	w, _ = get(http.MethodHead)
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("HEAD: %d with %d bytes, want 200 and no body", w.Code, w.Body.Len())
	}
	w, _ = get(http.MethodPost)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q; want 405 with GET, HEAD", w.Code, w.Header().Get("Allow"))
	}

	clk.Add(2 * time.Minute)
	w, body = get(http.MethodGet)
	if w.Code != http.StatusServiceUnavailable || body["state"] != "stale" {
		t.Errorf("stale: %d %v", w.Code, body)
	}

	_, err := f.Apply("flags.toml", []byte("[flags"), "")
	w, body = get(http.MethodGet)
	if w.Code != http.StatusServiceUnavailable || body["state"] != "failing" || body["error"] != err.Error() || body["version"] != c.Version {
		t.Errorf("failing: %d %v", w.Code, body)
	}
	w, _ = get(http.MethodHead)
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("HEAD failing: %d, want 503", w.Code)
	}
}

// fakeSource applies each document it is sent, and returns err (or
// ctx's error) when docs is closed or ctx is done.
type fakeSource struct {
	docs chan string
	err  error
}

func (s *fakeSource) String() string { return "fake" }

func (s *fakeSource) Run(ctx context.Context, f *Feed) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case doc, ok := <-s.docs:
			if !ok {
				return s.err
			}
			f.Apply("fake.toml", []byte(doc), "")
		}
	}
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	set := newSet(t)
	changed := make(chan Change, 1)
	src := &fakeSource{docs: make(chan string), err: errors.New("connection lost")}
	errs := make(chan error, 1)
	f := Run(ctx, set, src, Options{OnChange: func(c Change) { changed <- c }, OnError: func(err error) { errs <- err },
		Logger: slog.New(slog.DiscardHandler)})
	src.docs <- holidayOn
	if c := <-changed; len(c.Flags) != 1 || c.Flags[0].Key != "holiday" {
		t.Errorf("OnChange heard %+v, want holiday", c)
	}
	if got := lookup(set, "holiday"); got != "on" {
		t.Errorf("holiday = %s, want on", got)
	}
	close(src.docs)
	if err := <-errs; err.Error() != "fake: connection lost" {
		t.Errorf("OnError heard %v, want fake: connection lost", err)
	}
	if st := f.Status(); st.State != Failing || st.Source != "fake" {
		t.Errorf("status %v, want failing", st)
	}

	// A source stopped by its context is no failure.
	ctx2, cancel2 := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	g := Run(ctx2, set, sourceFunc(func(ctx context.Context, f *Feed) error {
		<-ctx.Done()
		defer close(stopped)
		return ctx.Err()
	}), Options{OnError: func(err error) { t.Errorf("OnError heard %v", err) }})
	cancel2()
	<-stopped
	time.Sleep(10 * time.Millisecond) // let Run's goroutine see the error
	if st := g.Status(); st.State != Starting {
		t.Errorf("status %v, want starting", st)
	}
}

type sourceFunc func(ctx context.Context, f *Feed) error

func (s sourceFunc) Run(ctx context.Context, f *Feed) error { return s(ctx, f) }
func (s sourceFunc) String() string                         { return "func" }

// TestConcurrentApply applies documents from many goroutines while
// requests evaluate through the middleware: each request sees one
// snapshot (holiday and banner change together), and OnChange hears of
// each effective change exactly once, in order.
func TestConcurrentApply(t *testing.T) {
	var rec recorder
	f, set, _ := newFeed(t, rec.options())
	docs := []string{both(0), both(100), "# a comment\n" + both(100), both(0)} // the last is the first again
	handler := middleware.New(set, middleware.Options{
		Subject: func(*http.Request) runtime.Subject { return runtime.Subject{ID: "1"} },
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := set.Lookup(r.Context(), "holiday")
		time.Sleep(time.Microsecond) // let an apply land mid-request
		b := set.Lookup(r.Context(), "banner")
		h2 := set.Lookup(r.Context(), "holiday")
		if h != b || h != h2 {
			http.Error(w, fmt.Sprintf("holiday %s, banner %s, holiday again %s", h, b, h2), http.StatusInternalServerError)
		}
	}))

	const appliers, applies = 8, 50
	var effective atomic.Int64
	var stop atomic.Bool
	var readers, writers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for !stop.Load() {
				w := httptest.NewRecorder()
				handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
				if w.Code != http.StatusOK {
					t.Error(strings.TrimSpace(w.Body.String()))
					stop.Store(true)
				}
			}
		})
	}
	for i := range appliers {
		writers.Go(func() {
			for j := range applies {
				c, err := f.Apply("flags.toml", []byte(docs[(i+j)%len(docs)]), "")
				if err != nil {
					t.Error(err)
					return
				}
				if c.Version != c.Previous {
					effective.Add(1)
				}
			}
		})
	}
	writers.Wait()
	stop.Store(true)
	readers.Wait()

	rec.mu.Lock()
	defer rec.mu.Unlock()
	t.Logf("%d applies, %d effective", appliers*applies, effective.Load())
	if int64(len(rec.changes)) != effective.Load() || len(rec.changes) == 0 {
		t.Errorf("OnChange heard %d changes, want %d (the effective ones)", len(rec.changes), effective.Load())
	}
	for i, c := range rec.changes {
		if i > 0 && c.Previous != rec.changes[i-1].Version {
			t.Fatalf("change %d: previous %s, want %s (the version before it): out of order", i, c.Previous, rec.changes[i-1].Version)
		}
		if c.Version == c.Previous {
			t.Errorf("change %d: reported a document equal to the one in force", i)
		}
	}
	last := rec.changes[len(rec.changes)-1]
	if got := f.Status().Version; got != last.Version {
		t.Errorf("status version %s, want the last change's %s", got, last.Version)
	}
}

// TestNewFeedNilSet: a nil set is refused where it is passed, with what
// to pass instead, not later inside a source's goroutine.
func TestNewFeedNilSet(t *testing.T) {
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "nil flag set: pass the generated package's set") {
			t.Errorf("NewFeed(nil, …) panicked with %q, want the nil set named", msg)
		}
	}()
	NewFeed(nil, "test", Options{})
}
