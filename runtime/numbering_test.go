package runtime

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests of this file check the numbers generated code sees
// (flagmeta.Flag.Number): the default is 0, the other variants follow in
// declaration order, whatever step of evaluation serves them.

// at returns options whose clock reads ts (RFC 3339), for schedules.
func at(t *testing.T, ts string) *Options {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		t.Fatal(err)
	}
	return &Options{Clock: func() time.Time { return tm }}
}

// served is what one request gets of flag number n of s: the number
// generated code sees, and the name and reason Explain gives.
type served struct {
	num    int
	name   string
	reason string
}

func serve(s *Set, ev *Evaluator, n int) served {
	key := s.Schema().Flags[n].Key
	num := gen(s).Variant(ev, n)
	name, r, _ := explained(ev.Explain(key))
	return served{num, name, r.String()}
}

func TestBoolDefaultOnNumbersOnZero(t *testing.T) {
	s := mustSet(t, `
[flags.sched]`+meta+`
default = "on"
[[flags.sched.schedule]]
start = 2026-11-02T09:00:00Z
percent = 10
[[flags.sched.schedule]]
start = 2026-11-16T09:00:00Z
percent = 100

[flags.roll]`+meta+`
default = "on"
rollout = 25

[flags.killed]`+meta+`
default = "on"
killed = true
rollout = 0
`)
	low, high := idIn(t, "sched", 0, 1000), idIn(t, "sched", 1000, 10000)
	for _, c := range []struct {
		now, id string
		want    served
	}{
		{"2026-11-01T00:00:00Z", low, served{1, "off", "schedule"}}, // before the first stage: 0% on
		{"2026-11-02T09:00:00Z", low, served{0, "on", "schedule"}},
		{"2026-11-02T09:00:00Z", high, served{1, "off", "schedule"}},
		{"2026-11-02T09:00:00Z", "", served{0, "on", "default"}}, // no bucket: the default
		{"2027-01-01T00:00:00Z", high, served{0, "on", "schedule"}},
	} {
		ev := s.NewEvaluator(context.Background(), Subject{ID: c.id}, at(t, c.now))
		if got := serve(s, ev, 0); got != c.want {
			t.Errorf("schedule at %s for %q: got %+v, want %+v", c.now, c.id, got, c.want)
		}
	}

	in, out := idIn(t, "roll", 0, 2500), idIn(t, "roll", 2500, 10000)
	for id, want := range map[string]served{in: {0, "on", "rollout"}, out: {1, "off", "rollout"}} {
		ev := s.NewEvaluator(context.Background(), Subject{ID: id}, nil)
		if got := serve(s, ev, 1); got != want {
			t.Errorf("rollout for %s (bucket %d): got %+v, want %+v", id, Bucket("roll", id), got, want)
		}
	}

	ev := s.NewEvaluator(context.Background(), Subject{ID: in}, nil)
	if got, want := serve(s, ev, 2), (served{0, "on", "killed"}); got != want {
		t.Errorf("killed: got %+v, want %+v", got, want)
	}
	for n := range 3 {
		if v := gen(s).Variant(context.Background(), n); v != 0 {
			t.Errorf("flag %d with no evaluator: %d, want 0 (on, the default)", n, v)
		}
	}
	// Forcing number 1 forces off; a request override by name agrees.
	if v := s.Lookup(gen(s).Force(context.Background(), 1, 1), "roll"); v != "off" {
		t.Errorf("Force(roll, 1): Lookup = %s, want off", v)
	}
	ev = s.NewEvaluator(context.Background(), Subject{ID: in}, nil)
	if !ev.Override("roll", "off") || gen(s).Variant(ev, 1) != 1 {
		t.Errorf("Override(roll, off): variant %d, want 1", gen(s).Variant(ev, 1))
	}
}

// defaultSecond declares a flag whose default, b, is declared second: the
// code numbers b 0, a 1, c 2.
const defaultSecond = `
[flags.f]` + meta + `
variants = ["a", "b", "c"]
default = "b"
split = { a = 50, b = 25, c = 25 }
[[flags.f.rules]]
groups = ["g"]
serve = "c"
[[flags.f.rules]]
groups = ["h"]
split = { a = 100 }
[flags.f.overrides]
a = ["listed"]
`

func TestDefaultNotFirstNumbering(t *testing.T) {
	s := mustSet(t, defaultSecond)
	for _, c := range []struct {
		name    string
		subject Subject
		want    served
	}{
		{"rule", Subject{ID: "x", Groups: []string{"g"}}, served{2, "c", "rule 1"}},
		{"rule split", Subject{ID: "x", Groups: []string{"h"}}, served{1, "a", "rule 2"}},
		{"user override", Subject{ID: "listed", Groups: []string{"g"}}, served{1, "a", "user override"}},
		{"split a", Subject{ID: idIn(t, "f", 0, 5000)}, served{1, "a", "rollout"}},
		{"split b", Subject{ID: idIn(t, "f", 5000, 7500)}, served{0, "b", "rollout"}},
		{"split c", Subject{ID: idIn(t, "f", 7500, 10000)}, served{2, "c", "rollout"}},
		{"no subject", Subject{}, served{0, "b", "default"}},
	} {
		ev := s.NewEvaluator(context.Background(), c.subject, nil)
		if got := serve(s, ev, 0); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
	if v := gen(s).Variant(context.Background(), 0); v != 0 {
		t.Errorf("no evaluator: %d, want 0 (b, the default)", v)
	}
	// A request override and a forced number name the same variants.
	ev := s.NewEvaluator(context.Background(), Subject{ID: "x"}, nil)
	if !ev.Override("f", "c") || gen(s).Variant(ev, 0) != 2 {
		t.Errorf("Override(f, c): variant %d, want 2", gen(s).Variant(ev, 0))
	}
	for n, name := range []string{"b", "a", "c"} {
		if got := s.Lookup(gen(s).Force(context.Background(), 0, n), "f"); got != name {
			t.Errorf("Force(f, %d): Lookup = %s, want %s", n, got, name)
		}
	}
	if got := s.Snapshot().Variants("f"); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("Snapshot.Variants(f) = %v, want the declaration's order a,b,c", got)
	}
}

func TestDefaultNotFirstRemoved(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
variants = ["a", "b", "c"]
default = "b"
removed = { date = 2026-10-01, serve = "a" }
`)
	ev := s.NewEvaluator(context.Background(), Subject{ID: "x"}, nil)
	if got, want := serve(s, ev, 0), (served{1, "a", "removed"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if v := gen(s).Variant(context.Background(), 0); v != 1 {
		t.Errorf("no evaluator: %d, want 1 (a, the final variant)", v)
	}
	// A removed flag serves its final variant even when a test forces another.
	if v := gen(s).Variant(gen(s).Force(ev, 0, 2), 0); v != 1 {
		t.Errorf("forced c: %d, want 1 (a, the final variant)", v)
	}
}

func TestDefaultNotFirstLiveUpdates(t *testing.T) {
	s := mustSet(t, defaultSecond)
	g := Subject{ID: "x", Groups: []string{"g"}}
	for _, c := range []struct {
		name    string
		edits   []string // old, new pairs for strings.NewReplacer
		notices string
		subject Subject
		want    served
	}{
		// Reordered variants are servable: numbers follow the code.
		{"reordered", []string{`variants = ["a", "b", "c"]`, `variants = ["c", "a", "b"]`},
			"", g, served{2, "c", "rule 1"}},
		// A new default keeps the code's numbers: b is still 0, and the
		// new default, a, is served as 1.
		{"default changed", []string{`default = "b"`, `default = "a"`},
			"", Subject{}, served{1, "a", "default"}},
		{"default changed and reordered", []string{`variants = ["a", "b", "c"]`, `variants = ["c", "b", "a"]`, `default = "b"`, `default = "c"`},
			"", Subject{}, served{2, "c", "default"}},
		// Other variants: the declaration in force is kept.
		{"other variants", []string{`"c"`, `"d"`, "c = 25", "d = 25"},
			"kept f\n", g, served{2, "c", "rule 1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.NewReplacer(c.edits...).Replace(defaultSecond)
			snap, err := s.Compile("live.toml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if got := notices(snap); got != c.notices {
				t.Fatalf("notices:\n%swant:\n%s", got, c.notices)
			}
			if err := s.Store(snap); err != nil {
				t.Fatal(err)
			}
			defer s.Store(s.Embedded())
			ev := s.NewEvaluator(context.Background(), c.subject, nil)
			if got := serve(s, ev, 0); got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if got := slices.Sorted(slices.Values(s.Snapshot().Variants("f"))); strings.Join(got, ",") != "a,b,c" {
				t.Errorf("Snapshot.Variants(f) = %v, want a, b and c", got)
			}
			// With no evaluator, the number of the update's default.
			if c.subject.ID == "" {
				if v := gen(s).Variant(context.Background(), 0); v != c.want.num {
					t.Errorf("no evaluator: %d, want %d", v, c.want.num)
				}
			}
		})
	}
}

func TestGeneratedOutOfRange(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
variants = ["a", "b", "c"]
default = "b"
split = { c = 100 }
[flags.g]`+meta+`
rollout = 100
`)
	// A live update that adds a flag the code lacks: number 2 exists in
	// the snapshot, by key only, but not for generated code.
	snap, err := s.Compile("live.toml", []byte(`
[flags.f]`+meta+`
variants = ["a", "b", "c"]
default = "b"
[flags.g]`+meta+`
rollout = 100
[flags.extra]`+meta+`
rollout = 100
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Store(snap); err != nil {
		t.Fatal(err)
	}
	var nilCtx context.Context
	ev := s.NewEvaluator(context.Background(), Subject{ID: "x"}, nil)
	for _, ctx := range []context.Context{nilCtx, context.Background(), ev} {
		for _, n := range []int{-1, 2, 3, 1 << 20} {
			if v := gen(s).Variant(ctx, n); v != 0 {
				t.Errorf("Variant(%T, %d) = %d, want 0", ctx, n, v)
			}
			if got := gen(s).Force(ctx, n, 1); got != ctx && ctx != nil {
				t.Errorf("Force(%T, %d, 1) returned a new context, want ctx itself", ctx, n)
			}
		}
		for _, v := range []int{-1, 3, 255, 256, 1 << 20} {
			forced := gen(s).Force(ctx, 0, v)
			if got := gen(s).Variant(forced, 0); got != 0 {
				t.Errorf("Force(%T, f, %d): Variant = %d, want 0 (the default)", ctx, v, got)
			}
			if name, r, _ := explained(s.FromContext(forced).Explain("f")); name != "b" || r.Kind != ReasonForced {
				t.Errorf("Force(%T, f, %d): Explain = %s (%s), want b (forced)", ctx, v, name, r)
			}
		}
	}
	if got := gen(s).Force(nilCtx, 5, 0); got == nil {
		t.Error("Force(nil, 5, 0) = nil, want a usable context")
	}
	if v := gen(s).Variant(ev, 1); v != 1 {
		t.Errorf("in-range flag g after the out-of-range lookups: %d, want 1 (on)", v)
	}
}
