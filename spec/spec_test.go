package spec

import (
	"fmt"
	"testing"
)

func TestFileFlag(t *testing.T) {
	f, err := Parse("flags.toml", benchFlagsTOML(50))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, f *File, key string, want *Flag) {
		t.Helper()
		if got := f.Flag(key); got != want {
			t.Errorf("%s: Flag(%q) = %v, want %v", what, key, got, want)
		}
	}
	for _, fl := range f.Flags {
		check("parsed", f, fl.Key, fl)
	}
	check("parsed", f, "no_such_flag", nil)
	check("parsed", f, "", nil)

	// Built by hand: searched.
	first, last := f.Flags[0], f.Flags[len(f.Flags)-1]
	byHand := &File{Flags: []*Flag{last, first}}
	check("by hand", byHand, first.Key, first)
	check("by hand", byHand, last.Key, last)
	check("by hand", byHand, f.Flags[1].Key, nil)
	check("empty", &File{}, first.Key, nil)

	// Flags changed after Parse.
	extra := &Flag{Key: "extra"}
	grown := *f
	grown.Flags = append(grown.Flags[:len(grown.Flags):len(grown.Flags)], extra)
	check("appended", &grown, "extra", extra)
	check("appended", &grown, first.Key, first)
	shrunk := *f
	shrunk.Flags = shrunk.Flags[1:]
	check("resliced", &shrunk, first.Key, nil)
	check("resliced", &shrunk, last.Key, last)
	replaced := *f
	replaced.Flags = []*Flag{extra}
	check("replaced", &replaced, first.Key, nil)
	check("replaced", &replaced, "extra", extra)
	swapped := *f
	swapped.Flags = append([]*Flag(nil), f.Flags...)
	swapped.indexFlags()
	swapped.Flags[0], swapped.Flags[1] = swapped.Flags[1], swapped.Flags[0]
	check("swapped in place", &swapped, first.Key, first)
	check("swapped in place", &swapped, f.Flags[1].Key, f.Flags[1])
}

// BenchmarkFileFlag looks up every flag of a parsed file by key: the time
// per look-up should not grow with the number of flags.
func BenchmarkFileFlag(b *testing.B) {
	for _, n := range []int{10, 10000} {
		f, err := Parse("flags.toml", benchFlagsTOML(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("flags=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if f.Flag(f.Flags[i].Key) == nil {
					b.Fatal("not found")
				}
				i = (i + 1) % len(f.Flags)
			}
		})
	}
}
