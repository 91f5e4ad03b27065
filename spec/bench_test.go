package spec

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/BurntSushi/toml"
)

// benchFlagsTOML returns a valid flags.toml declaring n flags, the same
// for the same n. It uses every kind of table the format has, so that the
// validator and the position index do all of their work: a third of the
// flags have variants and a split, every tenth has a targeting rule with
// conditions, every seventh has overrides, and some are scheduled,
// deprecated or removed. Its size grows linearly: about 200 bytes a flag.
func benchFlagsTOML(n int) []byte {
	var b bytes.Buffer
	b.WriteString("# flags for benchmarks\n\n[generate]\ndir = \"internal/flags\"\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[flags.flag_%05d]\ndescription = \"Benchmark flag %d.\"\nowner = \"team-%d\"\nexpires = 2027-06-30\n", i, i, i%7)
		variants := i%3 == 2
		switch {
		case variants:
			b.WriteString("variants = [\"control\", \"variant_a\", \"variant_b\"]\ndefault = \"control\"\n")
			b.WriteString("split = { control = 50, variant_a = 25, variant_b = 25 }\n")
		case i%11 == 4:
			b.WriteString("[[flags.flag_" + fmt.Sprintf("%05d", i) + ".schedule]]\nstart = 2026-11-02T09:00:00Z\npercent = 5\n")
			b.WriteString("[[flags.flag_" + fmt.Sprintf("%05d", i) + ".schedule]]\nstart = 2026-11-09T09:00:00Z\npercent = 50\n")
			continue // nothing may follow in the flag's own table
		default:
			fmt.Fprintf(&b, "rollout = %d\n", i%100)
		}
		serve := "on"
		if variants {
			serve = "variant_a"
		}
		switch {
		case i%10 == 5:
			fmt.Fprintf(&b, "removed = { date = 2026-10-01, serve = %q }\n", serve)
		case i%10 == 6:
			fmt.Fprintf(&b, "deprecated = \"use flag_%05d instead\"\n", (i+1)%n)
		}
		if i%7 == 1 {
			fmt.Fprintf(&b, "overrides = { %s = [\"%d\", \"%d\"] }\n", serve, i, i+1)
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, "\n[[flags.flag_%05d.rules]]\nusers = [\"%d\"]\nwhen = [{ attribute = \"country\", op = \"in\", values = [\"DE\", \"AT\"] }, { attribute = \"app_version\", op = \"semver_gte\", value = \"2.3.0\" }]\nserve = %q\n", i, i, serve)
		}
	}
	return b.Bytes()
}

func TestBenchFlagsTOML(t *testing.T) {
	for _, n := range []int{1, 10, 100} {
		src := benchFlagsTOML(n)
		f, err := Parse("flags.toml", src)
		if err != nil {
			t.Fatalf("benchFlagsTOML(%d) does not parse:\n%v", n, err)
		}
		if len(f.Flags) != n {
			t.Errorf("benchFlagsTOML(%d) declares %d flags", n, len(f.Flags))
		}
		if !bytes.Equal(src, benchFlagsTOML(n)) {
			t.Errorf("benchFlagsTOML(%d) is not deterministic", n)
		}
	}
}

// BenchmarkParse parses files of 10, 1,000 and 10,000 flags. Each size
// has toml.Decode of the same bytes into a map beside it, the floor of
// the full path (decoder, then position index, then validation), which
// Parse takes for documents outside its fast decoder's subset: plain
// files like these take the fast decoder, which decodes and indexes in
// one pass, so Parse, validation included, runs under that floor. Time
// and memory per flag should stay flat as the file grows.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		src := benchFlagsTOML(n)
		b.Run(fmt.Sprintf("flags=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Parse("flags.toml", src); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("flags=%d/floor", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				var raw map[string]any
				if _, err := toml.Decode(string(src), &raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
