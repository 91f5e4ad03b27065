package redisstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/store/redisstore"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// count counts n exposures of flag's variant on c.
func count(c *dashboard.Counter, flag, variant string, n int) {
	for range n {
		c.Exposure(context.Background(), runtime.Exposure{Flag: flag, Variant: variant})
	}
}

// TestExposures: two instances' counts add up in the store, each count
// once however many heartbeats pass, and what an instance counted after
// its last heartbeat is flushed when it stops.
func TestExposures(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, compiledIn)
	ctx := context.Background()
	if got, err := w.Dashboard().Exposures(ctx); err != nil || got != nil {
		t.Fatalf("Exposures before any flush = %v, %v; want nil, nil", got, err)
	}

	counters := []*dashboard.Counter{dashboard.NewCounter(), dashboard.NewCounter()}
	var stops []context.CancelFunc
	for _, c := range counters {
		src := sourceAt(t, srv.Addr())
		src.Heartbeat = 20 * time.Millisecond
		src.Exposures = c
		runCtx, stop := context.WithCancel(ctx)
		t.Cleanup(stop)
		stops = append(stops, stop)
		live.Run(runCtx, newSet(t, compiledIn), src, quiet())
	}
	exposures := func(want map[string]map[string]int64) {
		t.Helper()
		var got map[string]map[string]int64
		waitFor(t, 5*time.Second, "counting the exposures", func() bool {
			var err error
			got, err = w.Dashboard().Exposures(ctx)
			return err == nil && reflect.DeepEqual(got, want)
		})
	}

	count(counters[0], "search", "control", 3)
	count(counters[1], "search", "control", 2)
	count(counters[1], "search", "variant_a", 1)
	exposures(map[string]map[string]int64{"search": {"control": 5, "variant_a": 1}})
	count(counters[0], "holiday", "off", 4)
	exposures(map[string]map[string]int64{"search": {"control": 5, "variant_a": 1}, "holiday": {"off": 4}})

	time.Sleep(100 * time.Millisecond) // five heartbeats with nothing new
	if got, _ := w.Dashboard().Exposures(ctx); !reflect.DeepEqual(got, map[string]map[string]int64{"search": {"control": 5, "variant_a": 1}, "holiday": {"off": 4}}) {
		t.Errorf("after more heartbeats, counts %v: want each counted once", got)
	}

	// Counted while the heartbeat waits, then stopped: the last flush.
	lazy := sourceAt(t, srv.Addr())
	lazy.Heartbeat = time.Hour
	last := dashboard.NewCounter()
	lazy.Exposures = last
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	feed := live.Run(runCtx, newSet(t, compiledIn), lazy, quiet())
	inState(t, feed, live.Ready)
	count(last, "holiday", "on", 7)
	stop()
	exposures(map[string]map[string]int64{"search": {"control": 5, "variant_a": 1}, "holiday": {"off": 4, "on": 7}})
	for _, stop := range stops {
		stop()
	}
}

// TestExposuresReadOnly: a read-only user follows the store and counts
// its exposures, but adds none to the fleet's.
func TestExposuresReadOnly(t *testing.T) {
	srv := redistest.Start(t, "--user", "reader", "on", ">pw", "~*", "&*", "+@read", "+@connection", "+subscribe", "-@write")
	w := writerOf(t, srv)
	push(t, w, holidayOn)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), Username: "reader", Password: "pw"})
	t.Cleanup(func() { rdb.Close() })
	c := dashboard.NewCounter()
	count(c, "holiday", "on", 3)
	src := &redisstore.Source{Store: redisstore.New(rdb, testNS), Heartbeat: 20 * time.Millisecond, Exposures: c, Logger: quiet().Logger}
	set := newSet(t, compiledIn)
	follow(t, set, src, quiet())
	serving(t, []*runtime.Set{set}, "holiday", "on")
	time.Sleep(100 * time.Millisecond) // five heartbeats
	if got, err := w.Dashboard().Exposures(context.Background()); err != nil || got != nil {
		t.Errorf("Exposures = %v, %v; want none from a read-only user", got, err)
	}
}
