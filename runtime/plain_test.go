package runtime

import (
	"context"
	"fmt"
	"testing"

	"github.com/flaggen/flaggen/flagmeta"
)

// TestPlainFastPath: a flag that only a rollout or split decides takes
// Evaluator.variant's fast path when nothing else could apply, and the
// full evaluation otherwise (an exposure hook, overrides, a large set's
// memo table); both give every subject the same variant, as the bucket
// says, and record the same reason.
func TestPlainFastPath(t *testing.T) {
	s := mustSet(t, `
[flags.roll]`+meta+`rollout = 30
[flags.three]`+meta+`variants = ["a", "b", "c"]
default = "a"
split = { a = 50, b = 0, c = 50 }
[flags.ruled]`+meta+`rollout = 30
[[flags.ruled.rules]]
groups = ["beta"]
serve = "on"
`)
	snap := s.Snapshot()
	for _, key := range []string{"roll", "three"} {
		if f := &snap.flags[snap.byKey[key]]; !f.plain {
			t.Errorf("%s is not plain", key)
		}
	}
	if f := &snap.flags[snap.byKey["ruled"]]; f.plain {
		t.Error("a flag with a rule is plain")
	}
	hook := &Options{Exposure: func(context.Context, Exposure) {}}
	for i := range 2000 {
		id := fmt.Sprintf("user-%d", i)
		fast := s.NewEvaluator(context.Background(), Subject{ID: id}, nil)
		full := s.NewEvaluator(context.Background(), Subject{ID: id}, hook)
		for _, key := range []string{"roll", "three"} {
			n := snap.byKey[key]
			got, want := fast.variant(n), full.variant(n)
			if got != want {
				t.Fatalf("%s for %s: fast path %d, full evaluation %d", key, id, got, want)
			}
			// The bucket decides, by the parts' uppers.
			b := Bucket(key, id)
			var byBucket string
			switch key {
			case "roll":
				byBucket = map[bool]string{true: "on", false: "off"}[b < 3000]
			case "three":
				byBucket = map[bool]string{true: "a", false: "c"}[b < 5000]
			}
			if name := snap.flags[n].variants[got]; name != byBucket {
				t.Fatalf("%s for %s (bucket %d): %s, want %s", key, id, b, name, byBucket)
			}
			x, _ := fast.Explain(key)
			y, _ := full.Explain(key)
			if x.Reason != y.Reason || x.Reason.Kind != ReasonRollout {
				t.Fatalf("%s for %s: reasons %v and %v, want both rollout", key, id, x.Reason, y.Reason)
			}
		}
	}
}

// TestDistUppersNeverDecrease: a schema whose parts' uppers decrease (a
// hand-edited literal) gives each part the buckets no earlier part took.
func TestDistUppersNeverDecrease(t *testing.T) {
	num := func(v string) uint8 { return map[string]uint8{"a": 0, "b": 1, "c": 2}[v] }
	d := compileDist([]flagmeta.Part{{Variant: "a", Upper: 6000}, {Variant: "b", Upper: 4000}, {Variant: "c", Upper: 10000}}, num)
	for _, tc := range []struct{ bucket, want int }{{0, 0}, {5999, 0}, {6000, 2}, {9999, 2}} {
		if got := distVariant(d, tc.bucket); got != tc.want {
			t.Errorf("bucket %d: variant %d, want %d", tc.bucket, got, tc.want)
		}
	}
}
