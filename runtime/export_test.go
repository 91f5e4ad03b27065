package runtime

// Reevaluate makes ev's next lookup of flag a real evaluation for the
// subject id: BenchmarkEvaluate/first measures the accessor's own code
// path, memo miss included, without building a request per iteration.
// It is for a single goroutine.
func Reevaluate(ev *Evaluator, id string, flag int) {
	ev.subject.ID = id
	if ev.table == nil {
		ev.memo[flag].Store(0)
		return
	}
	for i := range ev.table.slots {
		ev.table.slots[i].Store(0)
	}
	ev.table.next.Store(nil)
}
