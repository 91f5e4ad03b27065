package dashboard_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
)

// applyingFleet is a fleet whose writes this instance applies a little
// later, as a live source would: Operate bumps the version and, after
// delay, stores snap in the set.
type applyingFleet struct {
	fakeFleet
	set     *runtime.Set
	snap    *runtime.Snapshot
	delay   time.Duration
	version atomic.Int64
}

func (f *applyingFleet) Operate(ctx context.Context, op dashboard.Operation) (string, error) {
	if op.Value == "noop" {
		return "no change", nil
	}
	f.version.Add(1)
	time.AfterFunc(f.delay, func() { f.set.Store(f.snap) })
	return "done", nil
}

func (f *applyingFleet) Version(context.Context) (int64, error) { return f.version.Load(), nil }

// TestOpAwaitsApplied: the answer to an operation comes once this
// instance serves the new version, so that the page it leads to shows
// what the operation did; an operation that wrote nothing does not wait.
func TestOpAwaitsApplied(t *testing.T) {
	set := newSet(t, testFlags)
	killed := strings.Replace(testFlags, "[flags.search]\n", "[flags.search]\nkilled = true\n", 1)
	snap, err := set.Compile("live.toml", []byte(killed))
	if err != nil {
		t.Fatal(err)
	}
	fleet := &applyingFleet{set: set, snap: snap, delay: 60 * time.Millisecond}
	evs := middleware.NewEvaluators(set, middleware.Options{})
	d := dashboard.New(evs, dashboard.Options{
		Authorize: func(*http.Request) bool { return true },
		Operator:  func(*http.Request) (string, bool) { return "ana", true },
		Fleet:     fleet,
	})
	post := func(value string) time.Duration {
		req := httptest.NewRequest(http.MethodPost, "/op", strings.NewReader("flag=search&action=disable&value="+value))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		start := time.Now()
		d.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("POST /op: %d %s", rec.Code, rec.Body)
		}
		return time.Since(start)
	}
	if took := post("noop"); took > 40*time.Millisecond {
		t.Errorf("an operation that wrote nothing took %v, want no wait", took)
	}
	took := post("")
	if set.Snapshot() != snap {
		t.Fatalf("answered after %v with the old snapshot in force", took)
	}
	if took < fleet.delay {
		t.Errorf("answered after %v, before the source applied the write (%v)", took, fleet.delay)
	}
}

// stuckFleet is a store that does not answer: a read with no deadline
// would wait for ever; one with a deadline fails with it.
type stuckFleet struct {
	fakeFleet
	unbounded atomic.Int32 // reads made with no deadline
}

func (f *stuckFleet) wait(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		f.unbounded.Add(1)
		return errors.New("read with no deadline")
	}
	return context.DeadlineExceeded
}

func (f *stuckFleet) History(ctx context.Context, _ string, _ int) ([]dashboard.Entry, error) {
	return nil, f.wait(ctx)
}
func (f *stuckFleet) Instances(ctx context.Context) ([]dashboard.Instance, error) {
	return nil, f.wait(ctx)
}
func (f *stuckFleet) Version(ctx context.Context) (int64, error) { return 0, f.wait(ctx) }
func (f *stuckFleet) Exposures(ctx context.Context) (map[string]map[string]int64, error) {
	return nil, f.wait(ctx)
}

// TestPageStoreStuck: the page's reads of the store have a deadline, so
// that a store that does not answer leaves the page saying so instead
// of holding it for as long as the client retries.
func TestPageStoreStuck(t *testing.T) {
	fleet := &stuckFleet{}
	evs := middleware.NewEvaluators(newSet(t, testFlags), middleware.Options{Subject: middleware.HeaderSubject(middleware.Headers{})})
	d := dashboard.New(evs, dashboard.Options{
		Authorize: func(*http.Request) bool { return true },
		Operator:  func(*http.Request) (string, bool) { return "alice", true },
		Fleet:     fleet,
		Now:       func() time.Time { return testNow },
	})
	rec := httptest.NewRecorder()
	d.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if n := fleet.unbounded.Load(); n != 0 {
		t.Errorf("%d reads of the store with no deadline", n)
	}
	if page := rec.Body.String(); rec.Code != 200 || !strings.Contains(page, "the store did not answer within") {
		t.Errorf("page with a stuck store: got %d, want 200 saying the store did not answer", rec.Code)
	}
}
