package runtime_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/internal/benchflags"
)

// userIDs are the subjects every benchmark cycles through.
var userIDs = func() []string {
	ids := make([]string, 1024)
	for i := range ids {
		ids[i] = "user-" + strconv.Itoa(i)
	}
	return ids
}()

var sink int

// floorFlag is the hand-written floor's idea of a flag.
type floorFlag struct {
	key       string
	threshold uint32
}

type floorKey struct{}

// BenchmarkFloor is what evaluation is measured against: the least a
// flag check can do (a map lookup by key and a hash of key + "." + id),
// and the least finding anything in a context costs.
func BenchmarkFloor(b *testing.B) {
	b.Run("hash", func(b *testing.B) {
		flags := map[string]*floorFlag{
			"rollout":  {key: "rollout", threshold: 2500},
			"variants": {key: "variants", threshold: 5000},
			"rule":     {key: "rule", threshold: 1000},
		}
		b.ReportAllocs()
		on := 0
		for i := 0; b.Loop(); i++ {
			f := flags["rollout"]
			id := userIDs[i&1023]
			h := uint32(2166136261)
			for j := 0; j < len(f.key); j++ {
				h ^= uint32(f.key[j])
				h *= 16777619
			}
			h ^= '.'
			h *= 16777619
			for j := 0; j < len(id); j++ {
				h ^= uint32(id[j])
				h *= 16777619
			}
			if h%10000 < f.threshold {
				on++
			}
		}
		sink = on
	})
	b.Run("ctx", func(b *testing.B) {
		v := &floorFlag{}
		ctx := context.WithValue(context.Background(), floorKey{}, v)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			if ctx.Value(floorKey{}).(*floorFlag) == v {
				n++
			}
		}
		sink = n
	})
}

// flagNumber returns the generated number of the flag with the given key.
func flagNumber(b *testing.B, key string) int {
	for i, f := range benchflags.Set.Schema().Flags {
		if f.Key == key {
			return i
		}
	}
	b.Fatalf("no flag %q", key)
	return -1
}

// BenchmarkEvaluate measures the generated accessors. first, variants and
// rule make every iteration a real evaluation (hash, rules) for the next
// user id, through the accessor; value does the same and reads the
// served variant's float value through its generated getter; lookup
// is first through the string-keyed Set.Lookup, as templates read a
// flag; repeat is the memoised second lookup.
func BenchmarkEvaluate(b *testing.B) {
	b.Run("first", func(b *testing.B) {
		n := flagNumber(b, "rollout")
		ev := benchflags.Set.NewEvaluator(context.Background(), runtime.Subject{}, nil)
		var ctx context.Context = ev
		b.ReportAllocs()
		on := 0
		for i := 0; b.Loop(); i++ {
			runtime.Reevaluate(ev, userIDs[i&1023], n)
			if benchflags.NewRollout(ctx).Enabled() {
				on++
			}
		}
		sink = on
	})
	b.Run("variants", func(b *testing.B) {
		n := flagNumber(b, "variants")
		ev := benchflags.Set.NewEvaluator(context.Background(), runtime.Subject{}, nil)
		var ctx context.Context = ev
		b.ReportAllocs()
		a := 0
		for i := 0; b.Loop(); i++ {
			runtime.Reevaluate(ev, userIDs[i&1023], n)
			if benchflags.NewSplit(ctx).IsVariantA() {
				a++
			}
		}
		sink = a
	})
	b.Run("rule", func(b *testing.B) {
		n := flagNumber(b, "rule")
		ev := benchflags.Set.NewEvaluator(context.Background(), runtime.Subject{Groups: []string{"staff"}}, nil)
		var ctx context.Context = ev
		b.ReportAllocs()
		on := 0
		for i := 0; b.Loop(); i++ {
			runtime.Reevaluate(ev, userIDs[i&1023], n)
			if benchflags.NewRule(ctx).Enabled() {
				on++
			}
		}
		sink = on
	})
	b.Run("value", func(b *testing.B) {
		// A typed value read through the generated getter: the
		// evaluation (hash, split) and the value of the variant in the
		// snapshot in force.
		n := flagNumber(b, "pricing")
		ev := benchflags.Set.NewEvaluator(context.Background(), runtime.Subject{}, nil)
		var ctx context.Context = ev
		b.ReportAllocs()
		sum := 0.0
		for i := 0; b.Loop(); i++ {
			runtime.Reevaluate(ev, userIDs[i&1023], n)
			sum += benchflags.NewPricing(ctx).Value()
		}
		sink = int(sum)
	})
	b.Run("lookup", func(b *testing.B) {
		n := flagNumber(b, "rollout")
		ev := benchflags.Set.NewEvaluator(context.Background(), runtime.Subject{}, nil)
		var ctx context.Context = ev
		b.ReportAllocs()
		on := 0
		for i := 0; b.Loop(); i++ {
			runtime.Reevaluate(ev, userIDs[i&1023], n)
			if benchflags.Set.Lookup(ctx, "rollout") == "on" {
				on++
			}
		}
		sink = on
	})
	b.Run("repeat", func(b *testing.B) {
		var ctx context.Context = benchflags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: userIDs[7]}, nil)
		benchflags.NewRollout(ctx)
		b.ReportAllocs()
		on := 0
		for b.Loop() {
			if benchflags.NewRollout(ctx).Enabled() {
				on++
			}
		}
		sink = on
	})
}
