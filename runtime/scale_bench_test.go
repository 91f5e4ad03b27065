package runtime_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

// scaleSizes are the flag-set sizes the scale benchmarks run at.
var scaleSizes = []int{10, 1000, 10000}

// synthFlags returns a flags.toml of n flags: in turn a boolean rollout,
// a three-way split with a group rule, a boolean with an attribute rule
// and user overrides, and a progressive schedule (about 150 bytes a flag,
// like scripts/synthmod's).
func synthFlags(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[flags.f%05d]\ndescription = \"Synthetic flag %d.\"\nowner = \"team-%d\"\nexpires = 2027-06-30\n", i, i, i%7)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "rollout = %d\n", i%101)
		case 1:
			fmt.Fprintf(&b, "variants = [\"control\", \"variant_a\", \"variant_b\"]\ndefault = \"control\"\nsplit = { control = 50, variant_a = 25, variant_b = 25 }\n[[flags.f%05d.rules]]\ngroups = [\"staff\"]\nserve = \"variant_a\"\n", i)
		case 2:
			fmt.Fprintf(&b, "rollout = 10\n[[flags.f%05d.rules]]\nwhen = [{ attribute = \"app_version\", op = \"semver_gte\", value = \"2.3.0\" }]\nserve = \"on\"\n[flags.f%05d.overrides]\non = [\"1\", \"2\"]\n", i, i)
		case 3:
			fmt.Fprintf(&b, "[[flags.f%05d.schedule]]\nstart = 2026-11-02T09:00:00Z\npercent = 5\n[[flags.f%05d.schedule]]\nstart = 2026-12-02T09:00:00Z\npercent = 50\n", i, i)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// scalePackage stands for the generated package of a synthetic schema.
type scalePackage struct{}

// scaleFile parses synthFlags(n).
func scaleFile(b *testing.B, n int) ([]byte, *spec.File) {
	src := synthFlags(n)
	f, err := spec.Parse("flags.toml", src)
	if err != nil {
		b.Fatal(err)
	}
	return src, f
}

// BenchmarkNewSet measures program start: building the compiled-in
// snapshot from the schema literal a generated package holds, as its
// package-level flagimpl.New call does.
func BenchmarkNewSet(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			_, f := scaleFile(b, n)
			schema := f.Meta()
			b.ReportAllocs()
			for b.Loop() {
				flagimpl.New[scalePackage](schema)
			}
		})
	}
}

// BenchmarkCompile measures a live update of a set of n flags: file
// compiles a validated document (Set.CompileFile), and bytes also parses
// and validates it (Set.Compile). spec's BenchmarkParse compares parsing
// with the TOML decoder alone.
func BenchmarkCompile(b *testing.B) {
	for _, n := range scaleSizes {
		src, f := scaleFile(b, n)
		set := flagimpl.New[scalePackage](f.Meta()).Set()
		b.Run(fmt.Sprintf("%d/file", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := set.CompileFile(f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%d/bytes", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := set.Compile("flags.toml", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRequest measures what a request that reads one flag costs
// beyond the request itself: its evaluator and one evaluation. Its
// allocation must not grow with the size of the set.
func BenchmarkRequest(b *testing.B) {
	for _, n := range scaleSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			_, f := scaleFile(b, n)
			flags := flagimpl.New[scalePackage](f.Meta())
			set := flags.Set()
			flag := n / 2 // a split: hash and rules
			ctx := context.Background()
			b.ReportAllocs()
			on := 0
			for i := 0; b.Loop(); i++ {
				ev := set.NewEvaluator(ctx, runtime.Subject{ID: userIDs[i&1023]}, nil)
				on += flags.Variant(ev, flag)
			}
			sink = on
		})
	}
}
