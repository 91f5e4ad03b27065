package codegen

import (
	"fmt"
	"testing"

	"github.com/flaggen/flaggen/spec"
)

// BenchmarkGenerate times Generate at 10, 1,000 and 10,000 flags of every
// shape (see synthTOML), with plain descriptions.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		f, err := spec.Parse("flags.toml", synthTOML(n, []string{"A synthetic flag.", "Another one."}))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("flags=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				files, err := Generate(f, Options{Package: "flags"})
				if err != nil {
					b.Fatal(err)
				}
				size = len(files[FileName])
			}
			b.ReportMetric(float64(size), "bytes/file")
		})
	}
}
