package runtime

import (
	"context"
	"testing"

	"github.com/flaggen/flaggen/spec"
)

// TestSnapshotFlag checks that Snapshot.Flag gives the declaration each
// flag is served from: compiled-in, updated, or kept when the update
// could not be served.
func TestSnapshotFlag(t *testing.T) {
	s := mustSet(t, `
[flags.a]`+meta+`rollout = 10
[flags.b]`+meta+`variants = ["x", "y"]
default = "x"
`)
	a, ok := s.Snapshot().Flag("a")
	if !ok || a.Key != "a" || len(a.Rollout) != 2 || a.Rollout[0].Upper != 1000 {
		t.Fatalf("compiled-in a = %+v, %v; want a 10%% rollout", a, ok)
	}
	if _, ok := s.Snapshot().Flag("nope"); ok {
		t.Error("Flag(nope) reports a flag")
	}
	snap, err := s.Compile("live.toml", []byte(`
[flags.a]`+meta+`rollout = 50
[flags.b]`+meta+`variants = ["x", "z"]
default = "x"
[flags.c]`+meta+`killed = true
`))
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := snap.Flag("a"); len(a.Rollout) != 2 || a.Rollout[0].Upper != 5000 {
		t.Errorf("updated a = %+v; want the update's 50%% rollout", a)
	}
	if b, _ := snap.Flag("b"); len(b.Variants) != 2 || b.Variants[1] != "y" {
		t.Errorf("b, which the code cannot serve as updated, = %+v; want the declaration kept (x, y)", b)
	}
	if c, ok := snap.Flag("c"); !ok || !c.Killed {
		t.Errorf("c, unknown to the code = %+v, %v; want the update's, killed", c, ok)
	}
}

// composedUpdates returns a set declaring flags a and b at rollout 0;
// the snapshot compiled in; an update of both to rollout 100, stored;
// and, not stored, one composed from that update as a store's operation
// would compose it: a new File that kills b and shares a's declaration.
func composedUpdates(t *testing.T) (s *Set, embedded, snap, snap2 *Snapshot) {
	t.Helper()
	s = mustSet(t, `
[flags.a]`+meta+`rollout = 0
[flags.b]`+meta+`rollout = 0
`)
	embedded = s.Snapshot()
	f, err := spec.Parse("live.toml", []byte(`
[flags.a]`+meta+`rollout = 100
[flags.b]`+meta+`rollout = 100
`))
	if err != nil {
		t.Fatal(err)
	}
	snap, err = s.CompileFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Store(snap); err != nil {
		t.Fatal(err)
	}
	b := *f.Flags[1]
	b.Killed = true
	g := *f
	g.Flags = []*spec.Flag{f.Flags[0], &b}
	snap2, err = s.CompileFile(&g)
	if err != nil {
		t.Fatal(err)
	}
	return s, embedded, snap, snap2
}

// TestCompileReusesUnchangedFlags: a document composed from the one in
// force, with one flag's declaration replaced, serves the new declaration
// for that flag and the same for the others, which are not compiled
// again.
func TestCompileReusesUnchangedFlags(t *testing.T) {
	s, _, snap, snap2 := composedUpdates(t)
	if snap2.flags[0].decl != snap.flags[0].decl {
		t.Error("a, whose declaration did not change, was compiled again")
	}
	if !snap2.flags[1].killed || snap.flags[1].killed {
		t.Errorf("b killed: %v in the new snapshot, %v in the old; want true, false", snap2.flags[1].killed, snap.flags[1].killed)
	}
	if err := s.Store(snap2); err != nil {
		t.Fatal(err)
	}
	ev := s.NewEvaluator(context.Background(), Subject{ID: "1"}, nil)
	if a, b := ev.Lookup("a"), ev.Lookup("b"); a != "on" || b != "off" {
		t.Errorf("a = %s, b = %s; want on (unchanged) and off (killed)", a, b)
	}
}

// TestSnapshotSame: Same tells a declaration compiled once and shared
// from one compiled again.
func TestSnapshotSame(t *testing.T) {
	_, embedded, snap, snap2 := composedUpdates(t)
	if snap.Same(embedded, "a") {
		t.Error("a, updated, is the same as compiled in")
	}
	if !snap2.Same(snap, "a") || snap2.Same(snap, "b") || snap2.Same(snap, "nope") {
		t.Errorf("Same: a %v, b %v, nope %v; want true, false, false", snap2.Same(snap, "a"), snap2.Same(snap, "b"), snap2.Same(snap, "nope"))
	}
}
