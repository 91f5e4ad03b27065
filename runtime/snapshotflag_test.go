package runtime

import "testing"

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
