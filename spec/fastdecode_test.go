package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// fastDecodeCases are documents at the edges of the fast decoder's subset:
// each is either decoded as the full decoder decodes it, or left to it.
var fastDecodeCases = []string{
	"",
	"\n\n# only a comment\n",
	"a = 1\nb = -2\nc = +3\nd = 0\ne = 1.5\nf = -0.0\ng = 1e6\nh = 2.5E-3\ni = 9223372036854775807\n",
	"a = 9223372036854775808\n",
	"a = 01\n", "a = 1_000\n", "a = 0x10\n", "a = 1.\n", "a = .5\n", "a = 1e\n", "a = inf\n", "a = nan\n", "a = +\n",
	"a = true\nb = false\nc = truex\n",
	"a = \"s\"\nb = 's'\nc = \"\"\nd = ''\ne = 'c:\\path'\n",
	"a = \"esc\\\"aped\"\n", "a = \"\"\"multi\nline\"\"\"\n", "a = '''lit'''\n", "a = \"tab\there\"\n", "a = \"ctl\x01\"\n",
	"a = 2027-06-30\nb = 2026-11-02T09:00:00Z\nc = 2026-11-02T09:00:00+02:00\nd = 2026-11-02T09:00:00.5-01:30\n",
	"a = 2027-02-30\n", "a = 2027-6-30\n", "a = 1979-05-27 07:32:00Z\n", "a = 1979-05-27T07:32:00\n", "a = 07:32:00\n", "a = 2026-11-02t09:00:00z\n",
	"a = [1, 2, 3,]\nb = []\nc = [\n  \"x\", # c\n  \"y\",\n]\nd = [[1], [\"m\", 2]]\ne = [{ k = 1 }, {}]\n",
	"a = { x = 1, y = \"z\", n = { m = [1] } }\nb = {}\n",
	"a = { x = 1, }\n", "a = { x = 1,\n y = 2 }\n", "a = { x = 1, x = 2 }\n",
	"[flags.search]\ndescription = \"d\"\n[[flags.search.rules]]\ngroups = [\"g\"]\nserve = \"a\"\n[[flags.search.rules]]\nserve = \"b\"\n[flags.search.overrides]\na = [\"1\"]\n",
	"[a]\n[a]\n", "[a.b]\n[a]\nx = 1\n", "[a]\nb = 1\n[a.b]\n", "[a.b]\n[a]\nb = 1\n", "[a]\nb = {}\n[a.b]\n",
	"[[a]]\n[a]\n", "[a]\n[[a]]\n", "a = []\n[[a]]\n", "[[a]]\n[[a.b]]\n[a.b.c]\nx = 1\n[[a]]\n[a.c]\n",
	"[ a . b ]\nx = 1\n", "[a]x = 1\n", "[a] # c\nx = 1 # c\n", "[\"q\"]\n", "a.b = 1\n", "\"a\" = 1\n", "a = 1 b = 2\n",
	"a = 1\r\nb = 2\r\n", "a = 1\rb = 2\n", "\ufeffa = 1\n", "a = \"\xff\"\n", "# \x01\n", "a = 1\na = 2\n",
	"a = [[[[[[[[[[1]]]]]]]]]]\n", "a = [\n", "a = {", "[a", "[[a]\n", "a =", "a", "=1\n",
}

// fastDecodeAgrees checks that when fastDecode decodes src, the full
// decoder accepts src too, to the same document, and newIndex indexes it
// identically; and reports whether fastDecode decoded it.
func fastDecodeAgrees(t *testing.T, src []byte) bool {
	t.Helper()
	raw, ix, ok := fastDecode("f.toml", src, string(src))
	if !ok {
		if raw != nil || ix != nil {
			t.Errorf("%q: fastDecode gave up but returned a result", src)
		}
		return false
	}
	var want map[string]any
	if _, err := toml.Decode(string(src), &want); err != nil {
		t.Errorf("%q: fastDecode accepted what toml.Decode rejects: %v", src, err)
		return true
	}
	if d := diffDecoded("", raw, want); d != "" {
		t.Errorf("%q: fastDecode and toml.Decode differ: %s", src, d)
	}
	if d := diffIndex(ix, newIndex("f.toml", src, string(src))); d != "" {
		t.Errorf("%q: fastDecode's index and newIndex differ: %s", src, d)
	}
	return true
}

// diffDecoded describes the first difference between two decoded values,
// or returns "". Times are equal when they are the same instant in
// locations of the same name (the decoders' local-date locations are
// distinct values).
func diffDecoded(path string, got, want any) string {
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		return fmt.Sprintf("%s: %T, want %T", path, got, want)
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		if len(g) != len(w) {
			return fmt.Sprintf("%s: %d keys, want %d", path, len(g), len(w))
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s missing", path, k)
			}
			if d := diffDecoded(path+"."+k, gv, wv); d != "" {
				return d
			}
		}
	case []map[string]any:
		g := got.([]map[string]any)
		if len(g) != len(w) {
			return fmt.Sprintf("%s: %d tables, want %d", path, len(g), len(w))
		}
		for i := range w {
			if d := diffDecoded(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
	case []any:
		g := got.([]any)
		if len(g) != len(w) || (g == nil) != (w == nil) {
			return fmt.Sprintf("%s: %d elements (nil %t), want %d (nil %t)", path, len(g), g == nil, len(w), w == nil)
		}
		for i := range w {
			if d := diffDecoded(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
	case time.Time:
		g := got.(time.Time)
		gn, go_ := g.Zone()
		wn, wo := w.Zone()
		if !g.Equal(w) || g.Location().String() != w.Location().String() || gn != wn || go_ != wo {
			return fmt.Sprintf("%s: %v (%s), want %v (%s)", path, g, g.Location(), w, w.Location())
		}
	default:
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("%s: %#v, want %#v", path, got, want)
		}
	}
	return ""
}

// diffIndex describes the first difference between two indexes, or
// returns "".
func diffIndex(got, want *index) string {
	if !reflect.DeepEqual(got.lines, want.lines) {
		return "lines differ"
	}
	var walk func(path string, g, w *indexEntry) string
	walk = func(path string, g, w *indexEntry) string {
		if g.key != w.key || g.val != w.val || g.implicit != w.implicit || g.array != w.array || g.aot != w.aot || g.seg != w.seg || g.n != w.n || len(g.kids) != len(w.kids) {
			return fmt.Sprintf("%s: %+v, want %+v", path, *g, *w)
		}
		gc, wc := g.first, w.first
		for ; gc != nil && wc != nil; gc, wc = gc.next, wc.next {
			if d := walk(path+"."+wc.seg, gc, wc); d != "" {
				return d
			}
		}
		if gc != nil || wc != nil {
			return path + ": children differ"
		}
		return ""
	}
	return walk("", got.root, want.root)
}

// TestFastDecode: on every document of the package's tests and every
// flags.toml of the repository, and on the cases at the edges of its
// subset, fastDecode agrees with the full decoder and index, or leaves the
// document to them; and it does decode the repository's own flags.toml
// and the synthetic files of the benchmarks, so that the fast path is the
// path plain files take.
func TestFastDecode(t *testing.T) {
	for _, s := range fastDecodeSeeds(t) {
		fastDecodeAgrees(t, []byte(s))
	}
	var mustDecode []string
	for _, n := range []int{1, 10, 1000} {
		mustDecode = append(mustDecode, string(benchFlagsTOML(n)))
	}
	for _, path := range repoFlagsFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if path == "../flags.toml" {
			mustDecode = append(mustDecode, string(src))
		} else {
			fastDecodeAgrees(t, src)
		}
	}
	for _, s := range mustDecode {
		if !fastDecodeAgrees(t, []byte(s)) {
			t.Errorf("fastDecode left a plain flags.toml to the full decoder:\n%.300s", s)
		}
	}
	// Some of the edge cases are in the subset, some not; both kinds must
	// occur, or the cases test one side only.
	in := 0
	for _, s := range fastDecodeCases {
		if _, _, ok := fastDecode("f.toml", []byte(s), s); ok {
			in++
		}
	}
	if in < 10 || in > len(fastDecodeCases)-10 {
		t.Errorf("%d of %d edge cases decoded by the fast path", in, len(fastDecodeCases))
	}
}

// repoFlagsFiles returns the flags.toml files of the repository that a
// user would write: the root's, the examples', the testdata of the
// analyzer and the benchmarks.
func repoFlagsFiles(t testing.TB) []string {
	var paths []string
	for _, pattern := range []string{"../flags.toml", "../*/flags.toml", "../*/*/flags.toml", "../*/*/*/flags.toml", "../*/*/*/*/flags.toml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 2 {
		t.Fatalf("found %d flags.toml files in the repository", len(paths))
	}
	return paths
}

// fastDecodeSeeds returns the documents the package's tests parse, the
// fast decoder's edge cases, and the flags.toml sections of the code
// generator's test archives.
func fastDecodeSeeds(t testing.TB) []string {
	seeds := append([]string{indexFlagsTOML}, fastDecodeCases...)
	for _, tc := range indexCases {
		seeds = append(seeds, tc.src)
	}
	for _, c := range parseErrorCases {
		seeds = append(seeds, c.src)
	}
	seeds = append(seeds, parseFuzzSeeds...)
	seeds = append(seeds, limitFuzzSeeds...)
	for _, tc := range limitCases {
		if len(tc.src) < 64<<10 {
			seeds = append(seeds, tc.src)
		}
	}
	archives, err := filepath.Glob("../internal/codegen/testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range archives {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, txtarTOML(string(data))...)
	}
	return seeds
}

// txtarTOML returns the .toml files of a txtar archive (files headed by
// a "-- name --" line). Reading them here, rather than with x/tools'
// txtar, keeps modules that import spec from needing x/tools' checksum.
func txtarTOML(archive string) []string {
	var files []string
	var name string
	var body strings.Builder
	flush := func() {
		if strings.HasSuffix(name, ".toml") {
			files = append(files, body.String())
		}
		body.Reset()
	}
	for line := range strings.SplitAfterSeq(archive, "\n") {
		if h, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "-- "); ok && strings.HasSuffix(h, " --") {
			flush()
			name = strings.TrimSuffix(h, " --")
			continue
		}
		body.WriteString(line)
	}
	flush()
	return files
}

// FuzzFastDecode: whatever the input, fastDecode never panics; and on
// input within the default limits, which is all that parsing ever decodes,
// it never decodes a document differently from the full decoder, nor
// accepts one the full decoder rejects. (Beyond the limits, the full
// decoder's cost grows faster than the input, and would stall the fuzzer.)
func FuzzFastDecode(f *testing.F) {
	for _, s := range fastDecodeSeeds(f) {
		f.Add([]byte(s))
	}
	f.Add(benchFlagsTOML(3))
	lim := Limits{}.withDefaults()
	f.Fuzz(func(t *testing.T, src []byte) {
		if lim.check("f.toml", src) != nil {
			fastDecode("f.toml", src, string(src))
			return
		}
		fastDecodeAgrees(t, src)
	})
}

func TestTxtarTOML(t *testing.T) {
	got := txtarTOML("comment\n-- a.toml --\nx = 1\n-- b.go --\npackage b\n-- c/flags.toml --\ny = 2\n")
	if len(got) != 2 || got[0] != "x = 1\n" || got[1] != "y = 2\n" {
		t.Fatalf("txtarTOML = %q, want the two .toml files' text", got)
	}
}
