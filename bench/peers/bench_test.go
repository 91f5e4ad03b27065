package peers

import "testing"

// sink keeps the benchmarks' results alive.
var sink int

// benchmark runs fn as a sub-benchmark for every SDK, the floor first,
// each set up outside the measured loop.
func benchmark(b *testing.B, fn func(b *testing.B, p peer) int) {
	for _, s := range sdks {
		b.Run(s.name, func(b *testing.B) {
			p := s.open(b)
			b.ReportAllocs()
			sink = fn(b, p)
		})
	}
}

// BenchmarkRollout measures scenario a, a 25% boolean rollout: each
// iteration evaluates the flag for the next of the 1,024 user ids.
func BenchmarkRollout(b *testing.B) {
	benchmark(b, func(b *testing.B, p peer) int {
		on := 0
		for i := 0; b.Loop(); i++ {
			if p.rollout(ids[i&1023]) {
				on++
			}
		}
		return on
	})
}

// BenchmarkSplit measures scenario b, a 50/25/25 split.
func BenchmarkSplit(b *testing.B) {
	benchmark(b, func(b *testing.B, p peer) int {
		n := 0
		for i := 0; b.Loop(); i++ {
			n += len(p.split(ids[i&1023]))
		}
		return n
	})
}

// BenchmarkRule measures scenario c for users outside the beta group:
// the rule is checked, fails, and the 10% rollout decides.
func BenchmarkRule(b *testing.B) {
	benchmark(b, func(b *testing.B, p peer) int {
		on := 0
		for i := 0; b.Loop(); i++ {
			if p.rule(ids[i&1023], otherGroup) {
				on++
			}
		}
		return on
	})
}
