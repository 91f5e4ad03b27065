package runtime

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// liveBase is the compiled-in declaration the live tests update: the
// repository's seed scenarios, reduced.
const liveBase = `
[flags.search]` + meta + `
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }
[[flags.search.rules]]
groups = ["employees"]
serve = "variant_a"

[flags.holiday]` + meta + `
rollout = 0

[flags.my_new_feature]` + meta + `
variants = ["VISIBLE", "NOT_VISIBLE"]
default = "NOT_VISIBLE"
[flags.my_new_feature.overrides]
VISIBLE = ["1", "2", "3"]
`

// lookup returns what subject gets of key from set's snapshot in force.
func lookup(set *Set, subject Subject, key string) string {
	return set.NewEvaluator(context.Background(), subject, nil).Lookup(key)
}

// notices formats snap's notices as "kind flag" lines.
func notices(snap *Snapshot) string {
	var b strings.Builder
	for _, n := range snap.Notices() {
		fmt.Fprintf(&b, "%s %s\n", n.Kind, n.Flag)
	}
	return b.String()
}

func TestCompileRefusesEmpty(t *testing.T) {
	set := mustSet(t, liveBase)
	for _, src := range []string{"", "# nothing\n", "[generate]\ndir = \"x\"\n"} {
		snap, err := set.Compile("live.toml", []byte(src))
		if !errors.Is(err, ErrEmpty) || snap != nil {
			t.Errorf("Compile(%q) = %v, %v; want ErrEmpty", src, snap, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "live.toml: ") {
			t.Errorf("Compile(%q) error %q does not name the file", src, err)
		}
	}
	if got := lookup(set, Subject{ID: "1"}, "my_new_feature"); got != "VISIBLE" {
		t.Errorf("after refused updates user 1 gets %s, want VISIBLE", got)
	}
}

func TestCompileInvalidIsRefusedWhole(t *testing.T) {
	set := mustSet(t, liveBase)
	_, err := set.Compile("live.toml", []byte("[flags.holiday]"+meta+"rollout = 100\n[flags.search]\nowner = 1\n"))
	var list spec.ErrorList
	if !errors.As(err, &list) || !strings.HasPrefix(err.Error(), "live.toml:") {
		t.Fatalf("Compile: error %v, want a positioned spec.ErrorList", err)
	}
}

func TestCompileMissingKeepsCompiledIn(t *testing.T) {
	set := mustSet(t, liveBase)
	// First an update that kills search and turns holiday on.
	first, err := set.Compile("live.toml", []byte(strings.Replace(liveBase, "[flags.holiday]"+meta+"rollout = 0", "[flags.holiday]"+meta+"rollout = 100", 1)))
	if err != nil || first.Notices() != nil {
		t.Fatalf("first update: %v, notices %v", err, first.Notices())
	}
	if err := set.Store(first); err != nil {
		t.Fatal(err)
	}
	// A file cut off at a table boundary: only search is left.
	cut := liveBase[:strings.Index(liveBase, "[flags.holiday]")]
	snap, err := set.Compile("live.toml", []byte(cut))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := notices(snap), "missing holiday\nmissing my_new_feature\n"; got != want {
		t.Errorf("notices:\n%swant:\n%s", got, want)
	}
	for _, n := range snap.Notices() {
		if !strings.HasPrefix(n.String(), "live.toml: flag ") || !strings.Contains(n.Msg, "compiled-in declaration") {
			t.Errorf("notice %q: want the file name and what is served", n)
		}
	}
	if err := set.Store(snap); err != nil {
		t.Fatal(err)
	}
	// The missing flags serve their compiled-in declaration, not the
	// previous update's, and not a bare default.
	if got := lookup(set, Subject{ID: "1"}, "my_new_feature"); got != "VISIBLE" {
		t.Errorf("user 1 gets my_new_feature=%s, want VISIBLE (compiled-in override)", got)
	}
	if got := lookup(set, Subject{ID: "u"}, "holiday"); got != "off" {
		t.Errorf("holiday = %s, want off (compiled-in rollout 0)", got)
	}
	if got := lookup(set, Subject{ID: "x", Groups: []string{"employees"}}, "search"); got != "variant_a" {
		t.Errorf("employees get search=%s, want variant_a", got)
	}
}

func TestCompileKeepsWhatCodeCannotServe(t *testing.T) {
	set := mustSet(t, liveBase)
	// Search killed by a first update.
	killed := strings.Replace(liveBase, `default = "control"`, "default = \"control\"\nkilled = true", 1)
	first, err := set.Compile("live.toml", []byte(killed))
	if err != nil {
		t.Fatal(err)
	}
	set.Store(first)
	// The next changes search's variants and kind of my_new_feature, and
	// turns holiday on: holiday takes effect, the others stay as they were.
	src := `
[flags.search]` + meta + `
variants = ["control", "variant_a", "variant_c"]
default = "variant_c"

[flags.holiday]` + meta + `
rollout = 100

[flags.my_new_feature]` + meta + `
rollout = 100

[flags.brand_new]` + meta + `
rollout = 100
`
	snap, err := set.Compile("live.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := notices(snap), "kept my_new_feature\nkept search\nunknown brand_new\n"; got != want {
		t.Errorf("notices:\n%swant:\n%s", got, want)
	}
	for _, n := range snap.Notices() {
		if n.Pos.Line == 0 || !strings.HasPrefix(n.String(), "live.toml:") {
			t.Errorf("notice %q has no position", n)
		}
	}
	if msg := snap.Notices()[1].Msg; !strings.Contains(msg, "variants control, variant_a, variant_c here but control, variant_a, variant_b") {
		t.Errorf("kept search: %q does not say which variants differ", msg)
	}
	set.Store(snap)
	if v, r, _ := explained(set.NewEvaluator(context.Background(), Subject{ID: "x"}, nil).Explain("search")); v != "control" || r.Kind != ReasonKilled {
		t.Errorf("search = %s (%s), want control (killed): kept as it was in force", v, r)
	}
	if got := lookup(set, Subject{ID: "1"}, "my_new_feature"); got != "VISIBLE" {
		t.Errorf("my_new_feature = %s, want VISIBLE (kept)", got)
	}
	if got := lookup(set, Subject{ID: "u"}, "holiday"); got != "on" {
		t.Errorf("holiday = %s, want on (took effect)", got)
	}
	if got := lookup(set, Subject{ID: "u"}, "brand_new"); got != "on" {
		t.Errorf("brand_new = %s, want on (served by key)", got)
	}
}

// TestCompileKillsWhatCodeCannotServe: the kill switch is the emergency
// stop, so an update that kills a flag the code cannot otherwise serve
// kills the declaration kept; the plain fast path does not skip it.
func TestCompileKillsWhatCodeCannotServe(t *testing.T) {
	set := mustSet(t, liveBase+`
[flags.plain]`+meta+`
rollout = 100
`)
	src := `
[flags.search]` + meta + `
variants = ["control", "variant_a", "variant_c"]
default = "variant_c"
killed = true

[flags.plain]` + meta + `
variants = ["off", "on", "more"]
default = "on"
killed = true
`
	snap, err := set.Compile("live.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range snap.Notices() {
		if n.Kind == NoticeKept && !strings.HasSuffix(n.Msg, "; its kill switch (killed = true) takes effect") {
			t.Errorf("kept %s: %q does not say the kill takes effect", n.Flag, n.Msg)
		}
	}
	set.Store(snap)
	ev := set.NewEvaluator(context.Background(), Subject{ID: "x"}, nil)
	for key, want := range map[string]string{"search": "control", "plain": "off"} {
		if v, r, _ := explained(ev.Explain(key)); v != want || r.Kind != ReasonKilled {
			t.Errorf("%s = %s (%s), want %s (killed), the default in force", key, v, r, want)
		}
		if d, _ := snap.Flag(key); !d.Killed {
			t.Errorf("Flag(%s).Killed = false, want true", key)
		}
	}
	i := slices.IndexFunc(set.Schema().Flags, func(f flagmeta.Flag) bool { return f.Key == "plain" })
	if v := gen(set).Variant(ev, i); i < 0 || v != 0 { // the generated accessors' path
		t.Errorf("plain (flag %d) through the accessor: variant %d, want 0 (off, killed)", i, v)
	}
}

// TestCompileKillOfKeptIsNotReused: a kill that reached a kept
// declaration is no compile of the declaration kept, so a composed
// document that goes back to that declaration is served it, alive.
func TestCompileKillOfKeptIsNotReused(t *testing.T) {
	set := mustSet(t, `
[flags.b]`+meta+`rollout = 0
`)
	f, err := spec.Parse("live.toml", []byte(`
[flags.b]`+meta+`rollout = 100
`))
	if err != nil {
		t.Fatal(err)
	}
	store := func(f *spec.File) *Snapshot {
		t.Helper()
		snap, err := set.CompileFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.Store(snap); err != nil {
			t.Fatal(err)
		}
		return snap
	}
	store(f)
	g, err := spec.Parse("live.toml", []byte(`
[flags.b]`+meta+`variants = ["off", "on", "more"]
default = "off"
killed = true
`))
	if err != nil {
		t.Fatal(err)
	}
	if n := store(g).Notices(); len(n) != 1 || n[0].Kind != NoticeKept {
		t.Fatalf("notices %v, want b kept", n)
	}
	if got := lookup(set, Subject{ID: "x"}, "b"); got != "off" {
		t.Fatalf("b = %s, want off (killed)", got)
	}
	store(f) // f's own *spec.Flag again, as a store's composition would give
	if got := lookup(set, Subject{ID: "x"}, "b"); got != "on" {
		t.Errorf("b = %s after going back to rollout 100, want on (the kill lifted)", got)
	}
}

func TestCompileReorderedVariants(t *testing.T) {
	set := mustSet(t, liveBase)
	snap, err := set.Compile("live.toml", []byte(strings.Replace(liveBase,
		`variants = ["control", "variant_a", "variant_b"]`, `variants = ["variant_b", "control", "variant_a"]`, 1)))
	if err != nil || snap.Notices() != nil {
		t.Fatalf("Compile: %v, notices %v", err, snap.Notices())
	}
	set.Store(snap)
	ev := set.NewEvaluator(context.Background(), Subject{ID: "x", Groups: []string{"employees"}}, nil)
	if v := gen(set).Variant(ev, 0); v != 1 {
		t.Errorf("search: variant %d, want 1 (variant_a in the generated order)", v)
	}
}

func TestForceOutOfRange(t *testing.T) {
	set := mustSet(t, liveBase)
	ctx := gen(set).Force(context.Background(), 0, 99)
	v, r, ok := explained(set.FromContext(ctx).Explain("search"))
	if !ok || v != "control" || r.Kind != ReasonForced {
		t.Errorf("Explain = %q (%s), %v; want control (forced)", v, r, ok)
	}
	if got := set.Lookup(ctx, "search"); got != "control" {
		t.Errorf("Lookup = %q, want control", got)
	}
	if got := gen(set).Variant(ctx, 0); got != 0 {
		t.Errorf("Variant = %d, want 0", got)
	}
}

func TestExplainLargeRuleNumbers(t *testing.T) {
	const n = 40000
	info := flagmeta.Flag{Key: "f", Bool: true, Variants: []string{"off", "on"}, Default: "off"}
	for i := range n {
		info.Rules = append(info.Rules, flagmeta.Rule{Users: []string{fmt.Sprint("u", i)}, Serve: "on"})
	}
	set := newSet(&flagmeta.Schema{Name: "flags.toml", Flags: []flagmeta.Flag{info}})
	for _, rule := range []int{1, 32767, 32768, 39999, n} {
		var exposed Reason
		ev := set.NewEvaluator(context.Background(), Subject{ID: fmt.Sprint("u", rule-1)}, &Options{
			Exposure: func(_ context.Context, e Exposure) { exposed = e.Reason },
		})
		if v, r, _ := explained(ev.Explain("f")); v != "on" || r != (Reason{Kind: ReasonRule, Rule: rule}) || exposed != r {
			t.Errorf("rule %d: Explain = %s (%s), exposure %s", rule, v, r, exposed)
		}
		if v, r, _ := explained(ev.Explain("f")); r.Rule != rule {
			t.Errorf("rule %d: second Explain = %s (%s)", rule, v, r)
		}
	}
}

// TestHashedMemoConcurrent evaluates the flags of a large set from many
// goroutines in different orders: every goroutine sees one variant per
// flag, and each flag is exposed once.
func TestHashedMemoConcurrent(t *testing.T) {
	const n, workers = 700, 8
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[flags.f%d]%srollout = 50\n", i, meta)
	}
	set := mustSet(t, b.String())
	var mu sync.Mutex
	exposed := make(map[string]int)
	ev := set.NewEvaluator(context.Background(), Subject{ID: "user-7"}, &Options{
		Exposure: func(_ context.Context, e Exposure) {
			mu.Lock()
			exposed[e.Flag]++
			mu.Unlock()
		},
	})
	got := make([][]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			got[w] = make([]int, n)
			for _, i := range rand.New(rand.NewPCG(uint64(w), 1)).Perm(n) {
				got[w][i] = gen(set).Variant(ev, i)
			}
		})
	}
	wg.Wait()
	for i := range n {
		want := 0 // off, the default
		if Bucket(fmt.Sprint("f", i), "user-7") < 5000 {
			want = 1
		}
		for w := range workers {
			if got[w][i] != want {
				t.Fatalf("worker %d: flag %d = %d, want %d", w, i, got[w][i], want)
			}
		}
	}
	if len(exposed) != n {
		t.Fatalf("%d flags exposed, want %d", len(exposed), n)
	}
	for k, c := range exposed {
		if c != 1 {
			t.Fatalf("flag %s exposed %d times", k, c)
		}
	}
}
