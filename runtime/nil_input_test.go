package runtime

import (
	"strings"
	"testing"
)

// TestNilInputs: public functions given nil (a context, a document, a
// snapshot) answer rather than panic.
func TestNilInputs(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
rollout = 100
`)
	ev := s.NewEvaluator(nil, Subject{ID: "x"}, nil)
	if got := ev.Lookup("f"); got != "on" {
		t.Errorf("NewEvaluator(nil, …).Lookup: got %q, want on", got)
	}
	if v := ev.Value("unrelated"); v != nil {
		t.Errorf("Value of another key through a nil parent: got %v, want nil", v)
	}
	if ev.Done() != nil || ev.Err() != nil {
		t.Errorf("a nil parent is never done: Done %v, Err %v", ev.Done(), ev.Err())
	}
	if found, ok := s.Evaluator(ev); !ok || found != ev {
		t.Errorf("Evaluator(ev) = %p, %v; want the evaluator", found, ok)
	}
	if _, ok := ev.Deadline(); ok {
		t.Error("a nil parent has no deadline")
	}
	snap, err := s.CompileFile(nil)
	if snap != nil || err == nil || !strings.Contains(err.Error(), "spec.Parse") {
		t.Errorf("CompileFile(nil) = %v, %v; want an error saying what to pass", snap, err)
	}
	if s.Snapshot().Same(nil, "f") {
		t.Error("Same(nil, f) = true, want false")
	}
}

// TestIsUnknownFlag: a flag the snapshot lacks has no variant, not one
// named "": Is never reports it has one.
func TestIsUnknownFlag(t *testing.T) {
	s := mustSet(t, "[flags.f]"+meta)
	ev := s.NewEvaluator(nil, Subject{ID: "x"}, nil)
	for _, c := range [][2]string{{"nope", ""}, {"nope", "off"}, {"f", ""}, {"f", "on"}} {
		if ev.Is(c[0], c[1]) {
			t.Errorf("Is(%q, %q) = true, want false", c[0], c[1])
		}
	}
	if !ev.Is("f", "off") {
		t.Error(`Is("f", "off") = false, want true`)
	}
}
