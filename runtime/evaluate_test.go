package runtime

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// mustSet compiles a flags.toml text into a set with its own schema.
func mustSet(t testing.TB, src string) *Set {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return newSet(f.Meta())
}

const meta = `
description = "d"
owner = "o"
expires = 2030-01-01
`

// idIn returns a user id whose bucket for salt is in [lo, hi).
func idIn(t testing.TB, salt string, lo, hi int) string {
	t.Helper()
	for i := 0; i < 1_000_000; i++ {
		id := fmt.Sprintf("u%d", i)
		if b := Bucket(salt, id); b >= lo && b < hi {
			return id
		}
	}
	t.Fatalf("no id with bucket in [%d, %d)", lo, hi)
	return ""
}

func TestEvaluationOrder(t *testing.T) {
	// One flag with every step; each case takes one step away.
	full := `
[flags.f]` + meta + `
variants = ["a", "b", "c", "d"]
default = "a"
split = { c = 100 }
%s
[[flags.f.rules]]
groups = ["g"]
serve = "b"

[flags.f.overrides]
d = ["listed"]
`
	type tc struct {
		name     string
		extra    string // added to the flag's table
		subject  Subject
		override string // request override variant
		want     string
		reason   string
	}
	for _, c := range []tc{
		{"killed beats override", "killed = true", Subject{ID: "listed", Groups: []string{"g"}}, "b", "a", "killed"},
		{"override beats user override", "", Subject{ID: "listed", Groups: []string{"g"}}, "c", "c", "override"},
		{"override applies to an off flag", "enabled = false", Subject{ID: "x"}, "b", "b", "override"},
		{"user override beats off", "enabled = false", Subject{ID: "listed"}, "", "d", "user override"},
		{"user override beats rules", "", Subject{ID: "listed", Groups: []string{"g"}}, "", "d", "user override"},
		{"off beats rules", "enabled = false", Subject{ID: "x", Groups: []string{"g"}}, "", "a", "off"},
		{"rule beats split", "", Subject{ID: "x", Groups: []string{"g"}}, "", "b", "rule 1"},
		{"split", "", Subject{ID: "x"}, "", "c", "rollout"},
		{"split with no subject id still serves a 100% variant", "", Subject{}, "", "c", "rollout"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := mustSet(t, fmt.Sprintf(full, c.extra))
			ev := s.NewEvaluator(context.Background(), c.subject, nil)
			if c.override != "" && !ev.Override("f", c.override) {
				t.Fatalf("Override(f, %s) refused", c.override)
			}
			v, r, ok := explained(ev.Explain("f"))
			if !ok || v != c.want || r.String() != c.reason {
				t.Errorf("got %s (%s), want %s (%s)", v, r, c.want, c.reason)
			}
		})
	}
}

func TestDefaultWhenNothingTargets(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
variants = ["a", "b"]
default = "b"
split = { a = 50, b = 50 }
`)
	// No subject id: a 50/50 split cannot bucket, so the default.
	ev := s.NewEvaluator(context.Background(), Subject{}, nil)
	if v, r, _ := explained(ev.Explain("f")); v != "b" || r.Kind != ReasonDefault {
		t.Errorf("got %s (%s), want b (default)", v, r)
	}
}

func TestRemovedServesFinal(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
variants = ["a", "b"]
default = "a"
killed = true
removed = { date = 2026-10-01, serve = "b" }
`)
	ev := s.NewEvaluator(context.Background(), Subject{ID: "x"}, nil)
	if v, r, _ := explained(ev.Explain("f")); v != "b" || r.Kind != ReasonRemoved {
		t.Errorf("got %s (%s), want b (removed)", v, r)
	}
	if got := gen(s).Variant(context.Background(), 0); got != 1 {
		t.Errorf("without an evaluator, removed flag serves %d, want its final variant 1", got)
	}
}

func TestRules(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
[[flags.f.rules]]
users = ["7"]
groups = ["beta"]
serve = "on"

[[flags.f.rules]]
when = [
  { attribute = "app_version", op = "semver_gte", value = "2.3.0" },
  { attribute = "country", op = "in", values = ["DE", "AT"] },
]
serve = "on"

[[flags.f.rules]]
when = [{ attribute = "age", op = "gte", value = 18 }]
rollout = 100
`)
	for _, c := range []struct {
		subject Subject
		want    string
		reason  string
	}{
		{Subject{ID: "7", Groups: []string{"beta"}}, "on", "rule 1"},
		{Subject{ID: "7"}, "off", "default"},                           // users and groups both required
		{Subject{ID: "8", Groups: []string{"beta"}}, "off", "default"}, // wrong user
		{Subject{ID: "1", Attrs: []Attr{{"app_version", "2.10.0"}, {"country", "AT"}}}, "on", "rule 2"},
		{Subject{ID: "1", Attrs: []Attr{{"app_version", "2.3.0-rc.1"}, {"country", "AT"}}}, "off", "default"},
		{Subject{ID: "1", Attrs: []Attr{{"app_version", "2.3"}, {"country", "FR"}}}, "off", "default"},
		{Subject{ID: "1", Attrs: []Attr{{"app_version", "junk"}, {"country", "DE"}}}, "off", "default"},
		{Subject{ID: "1", Attrs: []Attr{{"age", "18"}}}, "on", "rule 3"},
		{Subject{ID: "1", Attrs: []Attr{{"age", "17.5"}}}, "off", "default"},
		{Subject{ID: "1", Attrs: []Attr{{"age", "old"}}}, "off", "default"},
	} {
		ev := s.NewEvaluator(context.Background(), c.subject, nil)
		if v, r, _ := explained(ev.Explain("f")); v != c.want || r.String() != c.reason {
			t.Errorf("%+v: got %s (%s), want %s (%s)", c.subject, v, r, c.want, c.reason)
		}
	}
}

// TestEmptyUserIDIsNoUser: spec refuses users = [""], but a schema can be
// written by hand; a request without a subject, whose id is empty, still
// matches no users rule.
func TestEmptyUserIDIsNoUser(t *testing.T) {
	info := flagmeta.Flag{Key: "f", Bool: true, Variants: []string{"off", "on"}, Default: "off",
		Rules: []flagmeta.Rule{{Users: []string{"", "7"}, Serve: "on"}}}
	set := newSet(&flagmeta.Schema{Name: "flags.toml", Flags: []flagmeta.Flag{info}})
	for _, c := range []struct {
		subject Subject
		want    string
	}{
		{Subject{}, "off"},
		{Subject{Groups: []string{"beta"}}, "off"},
		{Subject{ID: "7"}, "on"},
	} {
		ev := set.NewEvaluator(context.Background(), c.subject, nil)
		if v, r, _ := explained(ev.Explain("f")); v != c.want {
			t.Errorf("%+v: got %s (%s), want %s", c.subject, v, r, c.want)
		}
	}
}

// TestVisitorIsNoUser: a visitor's id buckets like any id but matches no
// users rule and no per-user override, even when it is a user's id.
func TestVisitorIsNoUser(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
overrides = { on = ["7"] }
[[flags.f.rules]]
users = ["8"]
serve = "on"

[flags.g]`+meta+`
[[flags.g.rules]]
users = ["8"]
serve = "on"
[[flags.g.rules]]
groups = ["beta"]
rollout = 100
`)
	for _, c := range []struct {
		subject Subject
		f, g    string
		reasonF string
	}{
		{Subject{ID: "7"}, "on", "off", "user override"},
		{Subject{ID: "7", Visitor: true}, "off", "off", "default"},
		{Subject{ID: "8"}, "on", "on", "rule 1"},
		{Subject{ID: "8", Visitor: true}, "off", "off", "default"},
		{Subject{ID: "8", Visitor: true, Groups: []string{"beta"}}, "off", "on", "default"}, // groups still match
	} {
		ev := s.NewEvaluator(context.Background(), c.subject, nil)
		f, rf, _ := explained(ev.Explain("f"))
		g, _, _ := explained(ev.Explain("g"))
		if f != c.f || rf.String() != c.reasonF || g != c.g {
			t.Errorf("%+v: got f=%s (%s) g=%s, want f=%s (%s) g=%s", c.subject, f, rf, g, c.f, c.reasonF, c.g)
		}
	}
}

func TestConditionOperators(t *testing.T) {
	for _, c := range []struct {
		cond  string
		value string // "" means the attribute is missing
		want  bool
	}{
		{`op = "equals", value = "x"`, "x", true},
		{`op = "equals", value = "x"`, "y", false},
		{`op = "not_equals", value = "x"`, "y", true},
		{`op = "not_equals", value = "x"`, "", false},
		{`op = "in", values = ["x", "y"]`, "y", true},
		{`op = "in", values = ["x", "y"]`, "z", false},
		{`op = "not_in", values = ["x"]`, "z", true},
		{`op = "not_in", values = ["x"]`, "x", false},
		{`op = "not_in", values = ["x"]`, "", false},
		{`op = "lt", value = 10`, "9.5", true},
		{`op = "lt", value = 10`, "10", false},
		{`op = "lte", value = 10`, "10", true},
		{`op = "gt", value = 10`, "10", false},
		{`op = "gt", value = 1.5`, "2", true},
		{`op = "gte", value = 10`, "10", true},
		{`op = "gte", value = 10`, "1e3", true},
		{`op = "gte", value = 10`, "+12.", true},
		{`op = "lt", value = 1`, "-.5", true},
		// Written as no decimal number: no numeric condition holds.
		{`op = "gt", value = 10`, "Inf", false},
		{`op = "gt", value = 10`, "+infinity", false},
		{`op = "lt", value = 10`, "-Inf", false},
		{`op = "gt", value = 10`, "0x20", false},
		{`op = "gt", value = 10`, "0x1p8", false},
		{`op = "gt", value = 10`, "0b1_1111", false},
		{`op = "lt", value = 10`, "NaN", false},
		{`op = "gt", value = 10`, "1e400", false}, // out of range
		{`op = "lt", value = 10`, "1e", false},
		{`op = "lt", value = 10`, "1.2.3", false},
		{`op = "lt", value = 10`, " 5", false},
		{`op = "lt", value = 10`, "-", false},
		{`op = "lt", value = 10`, ".", false},
		{`op = "semver_eq", value = "1.2.0"`, "v1.2", true},
		{`op = "semver_lt", value = "1.2.0"`, "1.2.0-beta", true},
		{`op = "semver_lte", value = "1.2.0"`, "1.2.1", false},
		{`op = "semver_gt", value = "1.2.0"`, "1.10.0", true},
		{`op = "semver_gte", value = "1.2.0"`, "1.1.9", false},
	} {
		s := mustSet(t, `
[flags.f]`+meta+`
[[flags.f.rules]]
when = [{ attribute = "a", `+c.cond+` }]
serve = "on"
`)
		var subj Subject
		if c.value != "" {
			subj.Attrs = []Attr{{"a", c.value}}
		}
		got := s.NewEvaluator(context.Background(), subj, nil).Lookup("f") == "on"
		if got != c.want {
			t.Errorf("{%s} with a=%q: holds = %v, want %v", c.cond, c.value, got, c.want)
		}
	}
}

func TestBucketByAttribute(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
bucket_by = "account_id"
salt = "accounts"
rollout = 50
`)
	in, out := idIn(t, "accounts", 0, 5000), idIn(t, "accounts", 5000, 10000)
	for _, c := range []struct {
		subject Subject
		want    string
	}{
		{Subject{ID: out, Attrs: []Attr{{"account_id", in}}}, "on"},
		{Subject{ID: in, Attrs: []Attr{{"account_id", out}}}, "off"},
		{Subject{ID: in}, "off"}, // no account: default
	} {
		if got := s.NewEvaluator(context.Background(), c.subject, nil).Lookup("f"); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.subject, got, c.want)
		}
	}
}

func TestSchedule(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
[[flags.f.schedule]]
start = 2026-11-02T09:00:00Z
percent = 10

[[flags.f.schedule]]
start = 2026-11-09T10:00:00+01:00
percent = 50

[[flags.f.schedule]]
start = 2026-11-16T09:00:00Z
percent = 100
`)
	low, mid, high := idIn(t, "f", 0, 1000), idIn(t, "f", 1000, 5000), idIn(t, "f", 5000, 10000)
	for _, c := range []struct {
		now            string
		low, mid, high string
	}{
		{"2026-11-01T00:00:00Z", "off", "off", "off"}, // before the first stage: 0%
		{"2026-11-02T09:00:00Z", "on", "off", "off"},  // a stage starts at its instant
		{"2026-11-09T08:59:59Z", "on", "off", "off"},  // 10:00+01:00 is 09:00Z
		{"2026-11-09T09:00:00Z", "on", "on", "off"},
		{"2027-01-01T00:00:00Z", "on", "on", "on"},
	} {
		opts := at(t, c.now)
		for id, want := range map[string]string{low: c.low, mid: c.mid, high: c.high} {
			v, r, _ := explained(s.NewEvaluator(context.Background(), Subject{ID: id}, opts).Explain("f"))
			if v != want || r.Kind != ReasonSchedule {
				t.Errorf("at %s, %s (bucket %d): got %s (%s), want %s (schedule)", c.now, id, Bucket("f", id), v, r, want)
			}
		}
	}
	// Done: no subject needed at 100%.
	if v := s.NewEvaluator(context.Background(), Subject{}, at(t, "2027-01-01T00:00:00Z")).Lookup("f"); v != "on" {
		t.Errorf("finished schedule with no subject: got %s, want on", v)
	}
}

func TestClockReadOncePerRequest(t *testing.T) {
	s := mustSet(t, `
[flags.a]`+meta+`
[[flags.a.schedule]]
start = 2026-11-02T09:00:00Z
percent = 10
[flags.b]`+meta+`
[[flags.b.schedule]]
start = 2026-11-02T09:00:00Z
percent = 10
`)
	calls := 0
	opts := &Options{Clock: func() time.Time { calls++; return time.Now() }}
	ev := s.NewEvaluator(context.Background(), Subject{ID: "x"}, opts)
	ev.Lookup("a")
	ev.Lookup("b")
	if calls != 1 {
		t.Errorf("clock read %d times in one request, want 1", calls)
	}
}

func TestMemoSurvivesSwapAndExposesOnce(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
rollout = 100
`)
	var got []Exposure
	opts := &Options{Exposure: func(ctx context.Context, e Exposure) {
		if _, ok := ctx.(*Evaluator); !ok {
			t.Errorf("exposure ctx is %T, want the evaluator", ctx)
		}
		got = append(got, e)
	}}
	ev := s.NewEvaluator(context.Background(), Subject{ID: "u1"}, opts)
	if v := gen(s).Variant(ev, 0); v != 1 {
		t.Fatalf("first evaluation: %d, want 1 (on)", v)
	}
	off, err := s.Compile("live.toml", []byte(`
[flags.f]`+meta+`
killed = true
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Store(off); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if v := gen(s).Variant(ev, 0); v != 1 {
			t.Fatalf("after swap, same request: %d, want the memoised 1", v)
		}
	}
	want := []Exposure{{Flag: "f", Variant: "on", Reason: Reason{Kind: ReasonRollout}, Subject: "u1"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("exposures = %v, want %v", got, want)
	}
	// A new request sees the new snapshot.
	if v, r, _ := explained(s.NewEvaluator(context.Background(), Subject{ID: "u1"}, opts).Explain("f")); v != "off" || r.Kind != ReasonKilled {
		t.Errorf("next request: %s (%s), want off (killed)", v, r)
	}
}

func TestConcurrentFirstEvaluationExposesOnce(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
rollout = 50
`)
	for range 50 {
		var n, seen = make(chan Exposure, 100), make(chan int, 16)
		ev := s.NewEvaluator(context.Background(), Subject{ID: "u1"}, &Options{Exposure: func(_ context.Context, e Exposure) { n <- e }})
		start := make(chan struct{})
		for range 16 {
			go func() {
				<-start
				seen <- gen(s).Variant(ev, 0)
			}()
		}
		close(start)
		first := <-seen
		for range 15 {
			if v := <-seen; v != first {
				t.Fatalf("goroutines saw %d and %d", first, v)
			}
		}
		if len(n) != 1 {
			t.Fatalf("%d exposures for one flag in one request, want 1", len(n))
		}
	}
}

func TestNoEvaluatorServesDefaultsAndWarnsOnce(t *testing.T) {
	var logs strings.Builder
	restore := captureSlog(&logs)
	defer restore()
	s := mustSet(t, `
[flags.f]`+meta+`
variants = ["a", "b"]
default = "b"
split = { a = 100 }
`)
	ctx := context.WithValue(context.Background(), struct{ k int }{1}, "unrelated")
	for range 3 {
		// b is the default, so it is number 0 whatever its place.
		if v := gen(s).Variant(ctx, 0); v != 0 {
			t.Errorf("no evaluator: variant %d, want the default 0", v)
		}
	}
	if v := s.Lookup(ctx, "f"); v != "b" {
		t.Errorf("Lookup with no evaluator: %q, want b", v)
	}
	if n := strings.Count(logs.String(), "no evaluator"); n != 1 {
		t.Errorf("warned %d times, want once; log:\n%s", n, logs.String())
	}
	var nilCtx context.Context
	if v := gen(s).Variant(context.TODO(), 0); v != 0 {
		t.Errorf("TODO context: %d, want the default 0", v)
	}
	_ = s.FromContext(nilCtx) // must not panic
}

func TestFindThroughWrappersAndOtherSets(t *testing.T) {
	a := mustSet(t, "[flags.x]"+meta+"rollout = 100\n")
	b := mustSet(t, "[flags.y]"+meta+"rollout = 100\n")
	ctx := a.NewEvaluator(context.Background(), Subject{ID: "1"}, nil)
	ctx2 := b.NewEvaluator(context.WithValue(ctx, otherKey{}, 1), Subject{ID: "1"}, nil)
	wrapped, cancel := context.WithCancel(ctx2)
	defer cancel()
	if v := gen(a).Variant(wrapped, 0); v != 1 {
		t.Errorf("set a through set b's evaluator: %d, want 1", v)
	}
	if v := gen(b).Variant(wrapped, 0); v != 1 {
		t.Errorf("set b through a cancel context: %d, want 1", v)
	}
	// The string key, as gin's context answers it.
	strCtx := stringKeyContext{Context: context.Background(), ev: a.NewEvaluator(context.Background(), Subject{ID: "1"}, nil)}
	if v := gen(a).Variant(strCtx, 0); v != 1 {
		t.Errorf("through EvaluatorKey: %d, want 1", v)
	}
	// Two sets in one gin engine: the key holds the inner set's
	// evaluator, whose parent has the outer set's.
	strCtx2 := stringKeyContext{Context: context.Background(), ev: ctx2}
	for name, s := range map[string]*Set{"inner": b, "outer": a} {
		if v := gen(s).Variant(strCtx2, 0); v != 1 {
			t.Errorf("%s set through EvaluatorKey: %d, want 1", name, v)
		}
	}
	// An adapter that made the evaluator with the framework's context as
	// its parent and stored it there: another set finds none, rather than
	// going round the loop.
	loop := &stringKeyContext{Context: context.Background()}
	loop.ev = b.NewEvaluator(loop, Subject{ID: "1"}, nil)
	if ev, ok := a.Evaluator(loop); ok {
		t.Errorf("set a in a context holding only set b's evaluator: found %p", ev)
	}
}

// otherKey is an unrelated context key.
type otherKey struct{}

// stringKeyContext answers only string keys, as *gin.Context does without
// ContextWithFallback.
type stringKeyContext struct {
	context.Context
	ev *Evaluator
}

func (c stringKeyContext) Value(key any) any {
	if key == EvaluatorKey {
		return c.ev
	}
	return nil
}

func TestForce(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
variants = ["a", "b", "c"]
default = "a"
killed = true
[flags.g]`+meta+`
rollout = 100
`)
	// No evaluator: the forced flag gets its variant, others their defaults.
	ctx := gen(s).Force(context.Background(), 0, 2)
	if v := gen(s).Variant(ctx, 0); v != 2 {
		t.Errorf("forced over the kill switch: %d, want 2", v)
	}
	if v := gen(s).Variant(ctx, 1); v != 0 {
		t.Errorf("unforced flag with no evaluator: %d, want the default 0", v)
	}
	// With an evaluator: others are evaluated as before.
	base := s.NewEvaluator(context.Background(), Subject{ID: "1"}, nil)
	ctx = gen(s).Force(gen(s).Force(base, 0, 1), 1, 0)
	if v, g := gen(s).Variant(ctx, 0), gen(s).Variant(ctx, 1); v != 1 || g != 0 {
		t.Errorf("stacked forces: f=%d g=%d, want 1 0", v, g)
	}
	if v := gen(s).Variant(gen(s).Force(gen(s).Force(base, 0, 1), 0, 2), 0); v != 2 {
		t.Errorf("inner force of the same flag: %d, want the newest 2", v)
	}
	if g := gen(s).Variant(gen(s).Force(base, 0, 1), 1); g != 1 {
		t.Errorf("unforced flag through the request's evaluator: %d, want 1", g)
	}
}

func TestOverrideRefusesUnknown(t *testing.T) {
	s := mustSet(t, "[flags.f]"+meta)
	ev := s.NewEvaluator(context.Background(), Subject{}, nil)
	for _, c := range [][2]string{{"nope", "on"}, {"f", "maybe"}} {
		if ev.Override(c[0], c[1]) {
			t.Errorf("Override(%q, %q) accepted", c[0], c[1])
		}
	}
	if ev.rare != nil && len(ev.rare.forced) != 0 {
		t.Errorf("refused overrides were recorded: %v", ev.rare.forced)
	}
}

// TestSwapDuringEvaluation runs requests while the snapshot is swapped
// back and forth; under -race it also checks the memory model. Every
// request must see one variant per flag, whichever snapshot it began with.
func TestSwapDuringEvaluation(t *testing.T) {
	on := `[flags.f]` + meta + "rollout = 100\n[flags.g]" + meta + "variants = [\"a\", \"b\"]\ndefault = \"a\"\nsplit = { b = 100 }\n"
	s := mustSet(t, on)
	offSnap, err := s.Compile("off.toml", []byte(`[flags.f]`+meta+"killed = true\n[flags.g]"+meta+"variants = [\"a\", \"b\"]\ndefault = \"a\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	onSnap := s.Snapshot()
	done := make(chan struct{})
	swapped := make(chan int)
	go func() {
		n := 0
		defer func() { swapped <- n }()
		for {
			select {
			case <-done:
				return
			default:
			}
			snap := onSnap
			if n%2 == 0 {
				snap = offSnap
			}
			if err := s.Store(snap); err != nil {
				t.Error(err)
				return
			}
			n++
		}
	}()
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			for i := range 2000 {
				ev := s.NewEvaluator(context.Background(), Subject{ID: fmt.Sprintf("u%d-%d", w, i)}, nil)
				f, g := gen(s).Variant(ev, 0), gen(s).Variant(ev, 1)
				if (f == 1) != (g == 1) {
					errs <- fmt.Errorf("one request mixed snapshots: f=%d g=%d", f, g)
					return
				}
				for range 3 {
					if gen(s).Variant(ev, 0) != f || gen(s).Variant(ev, 1) != g {
						errs <- fmt.Errorf("variant changed within a request")
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(done)
	if n := <-swapped; n < 2 {
		t.Errorf("only %d swaps happened; the test did not exercise swapping", n)
	}
}

func TestStoreRejectsForeignSnapshot(t *testing.T) {
	a := mustSet(t, "[flags.f]"+meta)
	b := mustSet(t, "[flags.f]"+meta)
	if err := a.Store(b.Snapshot()); err == nil {
		t.Error("Store accepted a snapshot compiled for another schema")
	}
	if err := a.Store(nil); err == nil {
		t.Error("Store accepted nil")
	}
}

// TestMemoSizes exercises every memo size class, and the hash table of
// large sets with chained tables.
func TestMemoSizes(t *testing.T) {
	for _, n := range []int{1, 4, 5, 16, 17, 64, 65, 130, 1000} {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "[flags.f%d]%srollout = 100\n", i, meta)
		}
		s := mustSet(t, b.String())
		var exposed []string
		ev := s.NewEvaluator(context.Background(), Subject{ID: "u"}, &Options{
			Exposure: func(_ context.Context, e Exposure) { exposed = append(exposed, e.Flag) },
		})
		if direct := n <= directMax; direct != (ev.table == nil) || direct && len(ev.memo) != n {
			t.Fatalf("%d flags: memo has %d slots, table %v", n, len(ev.memo), ev.table != nil)
		}
		for round := range 2 {
			for i := range n {
				if v := gen(s).Variant(ev, i); v != 1 {
					t.Fatalf("%d flags, round %d: flag %d = %d, want 1", n, round, i, v)
				}
			}
		}
		if len(exposed) != n {
			t.Fatalf("%d flags: %d exposures, want one per flag", n, len(exposed))
		}
	}
}
