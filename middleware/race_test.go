package middleware_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/flaggen/flaggen/middleware"
)

// both returns a flags.toml that rolls holiday and new_checkout out to
// percent% of users.
func both(percent int) string {
	return fmt.Sprintf(`
[flags.holiday]
description = "Holiday."
owner = "test"
expires = 2027-12-31
rollout = %[1]d

[flags.new_checkout]
description = "Checkout."
owner = "test"
expires = 2027-12-31
rollout = %[1]d
`, percent)
}

// TestSnapshotSwap runs requests while another goroutine swaps the
// snapshot between one where holiday and new_checkout are both on and one
// where both are off: every request must see one snapshot, and the same
// variants on every read.
func TestSnapshotSwap(t *testing.T) {
	t.Parallel()
	set := newSet()
	on, off := compile(t, set, "on.toml", both(100)), compile(t, set, "off.toml", both(0))
	store(t, set, on)

	var x exposures
	var failures, seenOn, seenOff atomic.Int64
	h := middleware.New(set, middleware.Options{
		Subject:  middleware.HeaderSubject(middleware.Headers{}),
		Exposure: x.hook,
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		holiday := set.Lookup(ctx, "holiday") == "on"
		for range 3 {
			ev := set.FromContext(ctx)
			if ev.Is("new_checkout", "on") != holiday || ev.Is("holiday", "on") != holiday ||
				set.Lookup(ctx, "holiday") != map[bool]string{true: "on", false: "off"}[holiday] {
				failures.Add(1)
			}
		}
		if holiday {
			seenOn.Add(1)
		} else {
			seenOff.Add(1)
		}
	}))

	done := make(chan struct{})
	var swapper sync.WaitGroup
	swapper.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			snap := on
			if i%2 == 1 {
				snap = off
			}
			if err := set.Store(snap); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var requests sync.WaitGroup
	const workers, perWorker = 8, 500
	for w := range workers {
		requests.Go(func() {
			for i := range perWorker {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.Header.Set("X-User-ID", strconv.Itoa(w*perWorker+i))
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
	requests.Wait()
	close(done)
	swapper.Wait()

	if n := failures.Load(); n != 0 {
		t.Errorf("got %d inconsistent reads, want none", n)
	}
	if got, want := seenOn.Load()+seenOff.Load(), int64(workers*perWorker); got != want {
		t.Errorf("requests: got %d, want %d", got, want)
	}
	t.Logf("requests that saw the on snapshot: %d, off: %d", seenOn.Load(), seenOff.Load())
	// Two flags read per request, each exposed once.
	if got, want := len(x.take()), 2*workers*perWorker; got != want {
		t.Errorf("exposures: got %d, want %d", got, want)
	}
}
