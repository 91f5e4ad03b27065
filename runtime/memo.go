package runtime

import "sync/atomic"

// The memo records, per evaluator, the state (see pack) of each flag the
// request has evaluated. Small sets index a slot per flag; large ones
// use a hash table sized by the flags the request reads, so a request
// costs the same at 10,000 flags as at 100.

// directMax is the largest set whose evaluators index a slot per flag.
const directMax = 64

// A memoTable is an open-addressed hash table from flag number to state,
// written lock-free: a slot goes from 0 to (flag+1)<<32 | state once and
// never changes after. When the probe sequence of a flag is full of
// other flags, the flag goes to next, a table four times as large,
// created on demand. A flag's place is therefore the first empty slot of
// its probe sequence along the chain, the same for every goroutine, so a
// flag is recorded once.
type memoTable struct {
	slots []atomic.Uint64 // len is a power of two
	next  atomic.Pointer[memoTable]
}

// probes is the longest probe sequence in one table.
const probes = 8

// find returns flag's recorded state. When flag has none, find with st
// 0 returns 0; with another st it records st and reports that it did.
// Reading and recording walk the same probe sequence, so a flag has one
// place for every goroutine.
func (t *memoTable) find(flag int, st uint32) (state uint32, recorded bool) {
	key := uint64(flag+1) << 32
	for {
		mask := len(t.slots) - 1
		for p, n := flag&mask, 0; n < probes && n <= mask; p, n = (p+1)&mask, n+1 {
			slot := &t.slots[p]
			v := slot.Load()
			if v == 0 {
				if st == 0 {
					return 0, false
				}
				if slot.CompareAndSwap(0, key|uint64(st)) {
					return st, true
				}
				v = slot.Load()
			}
			if v&^0xffffffff == key {
				return uint32(v), false
			}
		}
		next := t.next.Load()
		if next == nil {
			if st == 0 {
				return 0, false
			}
			next = &memoTable{slots: make([]atomic.Uint64, 4*len(t.slots))}
			if !t.next.CompareAndSwap(nil, next) {
				next = t.next.Load()
			}
		}
		t = next
	}
}

// Evaluators with their memo in the same allocation, by size class: one
// allocation per request, no bigger than the flag set needs, and for a
// large set no bigger than a few flags need.
type (
	evaluator4 struct {
		Evaluator
		m [4]atomic.Uint32
	}
	evaluator16 struct {
		Evaluator
		m [16]atomic.Uint32
	}
	evaluator64 struct {
		Evaluator
		m [directMax]atomic.Uint32
	}
	evaluatorHashed struct {
		Evaluator
		t memoTable
		m [8]atomic.Uint64
	}
)

// allocEvaluator returns a zero evaluator with a memo for n flags.
func allocEvaluator(n int) *Evaluator {
	switch {
	case n <= 4:
		e := new(evaluator4)
		e.memo = e.m[:n]
		return &e.Evaluator
	case n <= 16:
		e := new(evaluator16)
		e.memo = e.m[:n]
		return &e.Evaluator
	case n <= directMax:
		e := new(evaluator64)
		e.memo = e.m[:n]
		return &e.Evaluator
	}
	e := new(evaluatorHashed)
	e.t.slots = e.m[:]
	e.table = &e.t
	return &e.Evaluator
}

// load returns the state of flag number i, or 0 when it has none yet.
func (ev *Evaluator) load(i int) uint32 {
	if ev.table == nil {
		return ev.memo[i].Load()
	}
	st, _ := ev.table.find(i, 0)
	return st
}

// record records st for flag number i unless it has a state already; it
// reports whether st was recorded.
func (ev *Evaluator) record(i int, st uint32) bool {
	if ev.table == nil {
		return ev.memo[i].CompareAndSwap(0, st)
	}
	_, recorded := ev.table.find(i, st)
	return recorded
}
