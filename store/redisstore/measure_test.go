package redisstore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/store/redisstore"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// The measurements of issue 10, run with FLAGGEN_MEASURE=1 (and without
// -race, for figures that mean something):
//
//	FLAGGEN_MEASURE=1 go test -run Measure -v ./store/redisstore
//
// They print their figures; they fail only when something does not
// work, never on a figure.

// manyFlags returns a flags.toml of n boolean flags f0000…, each on for
// everyone.
func manyFlags(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[flags.f%04d]\ndescription = \"Flag %d.\"\nowner = \"team-%d\"\nexpires = 2030-01-01\nrollout = 100\n\n", i, i, i%7)
	}
	return b.String()
}

func measuring(t *testing.T) {
	if os.Getenv("FLAGGEN_MEASURE") != "1" {
		t.Skip("a measurement: set FLAGGEN_MEASURE=1 to run it")
	}
}

// fleet starts n instances following srv, whose compiled-in flags are
// doc, and waits until they serve version v.
func fleet(t *testing.T, srv *redistest.Server, doc string, n int, v string) []*runtime.Set {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var sets []*runtime.Set
	var feeds []*live.Feed
	for range n {
		set := newSet(t, doc)
		feed, err := redisstore.Join(ctx, set, srv.URL(), testNS, quiet())
		if err != nil {
			t.Fatal(err)
		}
		sets, feeds = append(sets, set), append(feeds, feed)
	}
	waitFor(t, 10*time.Second, "serving version "+v, func() bool {
		for _, f := range feeds {
			if f.Status().Version != v {
				return false
			}
		}
		return true
	})
	return sets
}

// TestMeasureKillToEffect: the time from a kill's write returning to all
// of ten instances serving it, at 1,000 flags, over 200 kills.
func TestMeasureKillToEffect(t *testing.T) {
	measuring(t)
	const instances, kills, flags = 10, 200, 1000
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	doc := manyFlags(flags)
	v := push(t, w, doc)
	sets := fleet(t, srv, doc, instances, v)

	var took []time.Duration
	for i := range kills {
		key := fmt.Sprintf("f%04d", i*flags/kills)
		kill(t, w, key)
		start := time.Now()
		for _, set := range sets {
			for lookup(set, key) != "off" {
				if time.Since(start) > 10*time.Second {
					t.Fatalf("kill %d (%s): not in force after 10 s", i, key)
				}
				time.Sleep(20 * time.Microsecond)
			}
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	pct := func(p float64) time.Duration { return took[int(p*float64(len(took)-1)+0.5)] }
	t.Logf("kill to effect on %d instances, %d flags, %d kills: p50 %v, p90 %v, p99 %v, max %v (GOMAXPROCS %d)",
		instances, flags, kills, pct(0.50), pct(0.90), pct(0.99), took[len(took)-1], goruntime.GOMAXPROCS(0))
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// TestMeasureThroughputUnderUpdates: requests served per second through
// the middleware by a handler that reads a flag, while the store writes
// an update every 10 ms (a kill or unkill of another flag, which every
// instance applies), as a ratio to the same with no updates.
func TestMeasureThroughputUnderUpdates(t *testing.T) {
	measuring(t)
	const flags, round, rounds = 1000, time.Second, 5
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	doc := manyFlags(flags)
	v := push(t, w, doc)
	// following is the instance, which applies every update; still is
	// the same set with no source, which serves while the same writes
	// land, so that the writer's and Redis's cost to the machine (on
	// this 2-core machine, cores and caches shared with the instance)
	// can be told from the instance's cost of applying them.
	following := fleet(t, srv, doc, 1, v)[0]
	still := newSet(t, doc)

	var sink atomic.Int64
	handler := func(set *runtime.Set) http.Handler {
		return middleware.New(set, middleware.Options{
			Subject: func(*http.Request) runtime.Subject { return runtime.Subject{ID: "1"} },
		})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if set.FromContext(r.Context()).Lookup("f0001") == "on" {
				sink.Add(0)
			}
		}))
	}
	hFollowing, hStill := handler(following), handler(still)
	// FLAGGEN_MEASURE_WORKERS=n drives the middleware from n goroutines
	// (default: one per CPU). On a machine where Redis and the writer
	// share the instance's cores, fewer workers than cores leaves them
	// theirs, as a separate Redis and operator would.
	workers := goruntime.GOMAXPROCS(0)
	if n, err := strconv.Atoi(os.Getenv("FLAGGEN_MEASURE_WORKERS")); err == nil && n > 0 {
		workers = n
	}
	serve := func(h http.Handler, d time.Duration) float64 {
		var n atomic.Int64
		var wg sync.WaitGroup
		stop := time.Now().Add(d)
		for range workers {
			wg.Go(func() {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				rw := &discard{h: http.Header{}}
				var k int64
				for ; k%256 != 0 || time.Now().Before(stop); k++ {
					h.ServeHTTP(rw, req)
				}
				n.Add(k)
			})
		}
		wg.Wait()
		return float64(n.Load()) / d.Seconds()
	}
	// The writes are an operator's kills and unkills of f0500, made
	// ahead: each tick writes the next version's ops (and version) into
	// {NS}:state and publishes it, as the store's script does. The store's
	// own Kill would read and validate the 1,000-flag document for each
	// write, a cost that belongs to the operator's machine, not to the
	// instance this measures, and on a 2-core machine would take the
	// instance's CPU.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	version, err := rdb.HGet(context.Background(), "{"+testNS+"}:state", "version").Int64()
	if err != nil {
		t.Fatal(err)
	}
	updating := func(h http.Handler, d time.Duration) (float64, int) {
		ctx, cancel := context.WithCancel(context.Background())
		var writes int
		var wg sync.WaitGroup
		wg.Go(func() {
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for on := true; ; on = !on {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				ops := `{}`
				if on {
					ops = `{"f0500":{"killed":true}}`
				}
				version++
				v := strconv.FormatInt(version, 10)
				if err := rdb.HSet(ctx, "{"+testNS+"}:state", "version", v, "ops", ops).Err(); err != nil {
					continue
				}
				if rdb.Publish(ctx, "{"+testNS+"}:events", v).Err() == nil {
					writes++
				}
			}
		})
		rps := serve(h, d)
		cancel()
		wg.Wait()
		return rps, writes
	}

	serve(hFollowing, round/4) // warm up
	// Each round measures the three, in an order that rotates, so that
	// drift favours none: idle (no writes), still (writes the set does
	// not follow), following (writes the instance applies).
	var idle, still2, busy, raw, own []float64
	var writes int
	for i := range rounds {
		var a, b, c float64
		var n, m int
		steps := []func(){
			func() { a = serve(hFollowing, round) },
			func() { b, n = updating(hStill, round) },
			func() { c, m = updating(hFollowing, round) },
		}
		for j := range steps {
			steps[(i+j)%len(steps)]()
		}
		idle, still2, busy = append(idle, a), append(still2, b), append(busy, c)
		raw, own = append(raw, c/a), append(own, c/b)
		writes += n + m
	}
	med := func(xs []float64) float64 { slices.Sort(xs); return xs[len(xs)/2] }
	t.Logf("throughput through the middleware, %d workers, %d flags, medians of %d rounds (%d writes): idle %.0f req/s; writes every 10 ms not followed %.0f req/s; followed %.0f req/s",
		workers, flags, rounds, writes, med(idle), med(still2), med(busy))
	t.Logf("ratio under updates, followed / idle (the writer and Redis on the same cores included): median %.3f (min %.3f, max %.3f)", med(raw), raw[0], raw[rounds-1])
	t.Logf("ratio under updates, followed / not followed (the instance's cost of applying them): median %.3f (min %.3f, max %.3f)", med(own), own[0], own[rounds-1])
}
