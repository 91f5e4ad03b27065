package dashboard

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/flaggen/flaggen/runtime"
)

// A Counter counts exposures per flag and variant in this process, for
// the dashboard's exposure bars (Options.Exposures). Its Exposure method
// is a middleware.Options.Exposure hook; chain it with another with
// [Exposures]. It is safe for concurrent use.
//
// Counting an exposure of a flag and variant counted before takes no
// lock and allocates nothing: the counters live in a map that is copied
// when a pair is first seen (a set has a bounded number of pairs) and
// read through an atomic pointer.
type Counter struct {
	m  atomic.Pointer[map[counterKey]*atomic.Int64] // never modified once stored
	mu sync.Mutex                                   // serialises additions to m
}

type counterKey struct{ flag, variant string }

// NewCounter returns an empty counter. The zero Counter is one too.
func NewCounter() *Counter { return new(Counter) }

// load returns the counters; nil (which reads as empty) before the first.
func (c *Counter) load() map[counterKey]*atomic.Int64 {
	if p := c.m.Load(); p != nil {
		return *p
	}
	return nil
}

// Exposure counts e.
func (c *Counter) Exposure(_ context.Context, e runtime.Exposure) {
	k := counterKey{e.Flag, e.Variant}
	if n := c.load()[k]; n != nil {
		n.Add(1)
		return
	}
	c.mu.Lock()
	old := c.load()
	n := old[k]
	if n == nil {
		m := make(map[counterKey]*atomic.Int64, len(old)+1)
		for k, v := range old {
			m[k] = v
		}
		n = new(atomic.Int64)
		m[k] = n
		c.m.Store(&m)
	}
	c.mu.Unlock()
	n.Add(1)
}

// Counts returns the counts so far, by flag then variant. The maps are
// new.
func (c *Counter) Counts() map[string]map[string]int64 {
	out := map[string]map[string]int64{}
	for k, n := range c.load() {
		byVariant := out[k.flag]
		if byVariant == nil {
			byVariant = map[string]int64{}
			out[k.flag] = byVariant
		}
		byVariant[k.variant] = n.Load()
	}
	return out
}

// Exposures returns an exposure hook that calls each of hooks in turn,
// skipping nil ones: to count exposures for the dashboard and log them
// too,
//
//	counter := dashboard.NewCounter()
//	opts.Exposure = dashboard.Exposures(counter.Exposure, middleware.SlogExposure(nil))
//
// It returns nil when every hook is nil, and the hook itself when only
// one is not.
func Exposures(hooks ...func(context.Context, runtime.Exposure)) func(context.Context, runtime.Exposure) {
	var hs []func(context.Context, runtime.Exposure)
	for _, h := range hooks {
		if h != nil {
			hs = append(hs, h)
		}
	}
	switch len(hs) {
	case 0:
		return nil
	case 1:
		return hs[0]
	}
	return func(ctx context.Context, e runtime.Exposure) {
		for _, h := range hs {
			h(ctx, e)
		}
	}
}
