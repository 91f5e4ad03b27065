package runtime

import "unsafe"

// Reevaluate makes ev's next lookup of flag a real evaluation for the
// subject id: BenchmarkEvaluate/first measures the accessor's own code
// path, memo miss included, without building a request per iteration.
// It is for a single goroutine.
//
// It clears the memo with plain stores, as the allocation of a request's
// evaluator zeroes it: an atomic store is a locked instruction on amd64,
// which no request pays before its first evaluation, and which would add
// a fifth to what the benchmarks measure.
func Reevaluate(ev *Evaluator, id string, flag int) {
	ev.subject.ID = id
	if ev.table == nil {
		*(*uint32)(unsafe.Pointer(&ev.memo[flag])) = 0
		return
	}
	for i := range ev.table.slots {
		*(*uint64)(unsafe.Pointer(&ev.table.slots[i])) = 0
	}
	ev.table.next.Store(nil)
}
