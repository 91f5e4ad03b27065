package spec

import (
	"fmt"
	"strings"
	"testing"
)

// hostileInputs build documents of about n bytes that are each the worst
// of one kind for some part of Parse. They are within the limits, so
// Parse decodes and validates them in full.
var hostileInputs = []struct {
	name string
	gen  func(n int) string
}{
	{"many keys in one table", func(n int) string {
		var b strings.Builder
		b.WriteString("[flags.f]\n")
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "k%d = 1\n", i)
		}
		return b.String()
	}},
	{"many array elements", func(n int) string {
		var b strings.Builder
		b.WriteString("[flags.f]\nvariants = [")
		for b.Len() < n {
			b.WriteString("\"a\",")
		}
		b.WriteString("]\n")
		return b.String()
	}},
	{"many flags", func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "[flags.f%d]\n", i)
		}
		return b.String()
	}},
	{"long header, many keys", func(n int) string {
		var b strings.Builder
		b.WriteString("[flags." + strings.Repeat("k", 490) + "]\n")
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "k%d = 1\n", i)
		}
		return b.String()
	}},
	{"nested as deep as allowed", func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "[flags.f%d]\nk = %s1%s\n", i, strings.Repeat("{b=", 13), strings.Repeat("}", 13))
		}
		return b.String()
	}},
	{"many misspelt variants of many variants", func(n int) string {
		var b strings.Builder
		b.WriteString("[flags.f]\nvariants = [")
		for i := range MaxVariants {
			fmt.Fprintf(&b, "%q,", fmt.Sprintf("v%063d", i))
		}
		b.WriteString("]\n[flags.f.overrides]\n")
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "v%063d = []\n", i+1000)
		}
		return b.String()
	}},
	{"many rules", func(n int) string {
		var b strings.Builder
		b.WriteString("[flags.f]\ndescription = \"d\"\nowner = \"o\"\nexpires = 2027-01-01\nvariants = [\"a\", \"b\"]\ndefault = \"a\"\n")
		for b.Len() < n {
			b.WriteString("[[flags.f.rules]]\nwhen = [{attribute = \"x\", op = \"semver_gt\", value = \"1.2.3\"}]\nrollout = 5\n")
		}
		return b.String()
	}},
}

// BenchmarkParseHostile parses each hostile input at two sizes, 256 KiB
// and 2 MiB. Parse is linear when the time and memory per byte (MB/s,
// B/op divided by the size) stay the same from one size to the other.
func BenchmarkParseHostile(b *testing.B) {
	for _, h := range hostileInputs {
		for _, n := range []int{256 << 10, 2 << 20} {
			src := []byte(h.gen(n))
			b.Run(fmt.Sprintf("%s/%dKiB", h.name, n>>10), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					Parse("flags.toml", src)
				}
			})
		}
	}
}
