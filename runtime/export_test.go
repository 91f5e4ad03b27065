package runtime

// Reevaluate makes ev's next lookup of flag a real evaluation for the
// subject id: BenchmarkEvaluate/first measures the accessor's own code
// path, memo miss included, without building a request per iteration.
func Reevaluate(ev *Evaluator, id string, flag int) {
	ev.subject.ID = id
	ev.slot(flag).Store(0)
}
