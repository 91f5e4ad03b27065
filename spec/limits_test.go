package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// Inputs that cost the TOML decoder more than linear time and memory, or
// crash it: the decoder recurses once per level and builds every key path
// in full, once per key.
var (
	// nestedArrays overflows the decoder's stack: fatal error, no recover.
	nestedArrays = "a = " + strings.Repeat("[", 1_200_000)
	// nestedTables took 17 s and 2.7 GB in 32 KB.
	nestedTables = "a = " + strings.Repeat("{b = ", 8000) + "1" + strings.Repeat("}", 8000) + "\n"
)

type limitCase struct {
	name string
	lim  Limits
	src  string
	want error  // the sentinel; nil for no limit exceeded
	pos  string // line:col of the error
}

var limitCases = []limitCase{
	{name: "1.2 MB nest of arrays", src: nestedArrays, want: ErrTooDeep, pos: "1:21"},
	{name: "8,000 nested inline tables", src: nestedTables, want: ErrTooDeep, pos: "1:81"},
	{name: "nest of arrays after a header", src: "[flags.f]\nx = " + strings.Repeat("[", 100), want: ErrTooDeep, pos: "2:19"},
	{name: "nest of inline tables in arrays", src: "a = " + strings.Repeat("[{b = ", 100), want: ErrTooDeep, pos: "1:49"},
	{name: "long dotted key", src: strings.Repeat("a.", 1000) + "a = 1\n", want: ErrTooDeep, pos: "1:33"},
	{name: "long dotted key in an inline table", src: "a = {" + strings.Repeat("b.", 100) + "b = 1}\n", want: ErrTooDeep, pos: "1:36"},
	{name: "long table header", src: "[" + strings.Repeat("a.", 1000) + "a]\n", want: ErrTooDeep, pos: "1:34"},
	{name: "long array-of-tables header", src: "[[" + strings.Repeat("a.", 15) + "a]]\n", want: ErrTooDeep, pos: "1:1"},
	{name: "header, dotted key and arrays add up", src: "[" + strings.Repeat("a.", 5) + "a]\n" + strings.Repeat("b.", 5) + "b = " + strings.Repeat("[", 6), want: ErrTooDeep, pos: "2:20"},
	{name: "long bare key", src: strings.Repeat("k", 513) + " = 1\n", want: ErrKeyTooLong, pos: "1:1"},
	{name: "long quoted key", src: `"` + strings.Repeat("k", 511) + `" = 1` + "\n", want: ErrKeyTooLong, pos: "1:1"},
	{name: "long header, then keys", src: "[" + strings.Repeat("k", 500) + "]\n" + "a = 1\n" + strings.Repeat("b", 13) + " = 1\n", want: ErrKeyTooLong, pos: "3:1"},
	{name: "long keys in nested inline tables", src: "a = {" + strings.Repeat(strings.Repeat("b", 100)+" = {", 6) + "c = 1" + strings.Repeat("}", 6) + "}\n", want: ErrKeyTooLong, pos: "1:526"},
	{name: "a key path as long as allowed", src: "[" + strings.Repeat("k", 500) + "]\n" + strings.Repeat("b", 12) + " = 1\n"},
	{name: "nested as deep as allowed", src: strings.Repeat("a.", 7) + "a = " + strings.Repeat("[", 9) + strings.Repeat("]", 9) + "\n"},
	{name: "one level too deep", src: strings.Repeat("a.", 7) + "a = " + strings.Repeat("[", 10) + strings.Repeat("]", 10) + "\n", want: ErrTooDeep, pos: "1:28"},
	{name: "siblings do not add up", src: "a = [" + strings.Repeat("[[[[[[[[[[1]]]]]]]]]], ", 1000) + "]\n"},
	{name: "headers do not add up", src: strings.Repeat("["+strings.Repeat("a.", 14)+"a]\n", 2) + strings.Repeat("[b]\n", 100)},
	{name: "a multi-line string holding brackets", src: `a = """` + strings.Repeat("[{", 100) + "\n\\\"\"\"" + `"""` + "\n" + `b = '''` + strings.Repeat("[{'", 100) + `'''` + "\n"},
	{name: "strings and comments holding brackets", src: `a = "[[[[\"[[[[" # [[[[` + "\n" + `b = '[[[[[[[[[[[[[[[[[[[[[' # {{{` + "\n" + `"[[[[[" = { "{{{{{{{" = ['{{{{{{{{{{{{{{{{{{{{{{{{{{'] }` + "\n"},
	{name: "brackets after an unterminated string", src: "a = \"x\nb = " + strings.Repeat("[", 100), want: ErrTooDeep, pos: "2:21"},
	{name: "byte-order mark", src: "\ufeff" + strings.Repeat("a.", 20) + "a = 1\n", want: ErrTooDeep, pos: "1:36"},
	{name: "50 MB", src: strings.Repeat("# a comment line of 32 bytes...\n", 50<<20/32), want: ErrTooLarge, pos: "262145:1"},
	{name: "one byte too many", src: strings.Repeat("#", DefaultMaxBytes) + "\n", want: ErrTooLarge, pos: fmt.Sprintf("1:%d", DefaultMaxBytes+1)},
	{name: "as large as allowed", src: strings.Repeat("#", DefaultMaxBytes-1) + "\n"},

	{name: "own size limit", lim: Limits{MaxBytes: 1000}, src: strings.Repeat("a = 1\n", 200), want: ErrTooLarge, pos: "167:5"},
	{name: "own depth limit", lim: Limits{MaxDepth: 2}, src: "a = [[[1]]]\n", want: ErrTooDeep, pos: "1:7"},
	{name: "own key limit", lim: Limits{MaxKeyBytes: 3}, src: "ab.cd = 1\n", want: ErrKeyTooLong, pos: "1:4"},
	{name: "negative limits are the defaults", lim: Limits{MaxBytes: -1, MaxDepth: -1, MaxKeyBytes: -1}, src: nestedTables, want: ErrTooDeep, pos: "1:81"},
	{name: "depth limit capped", lim: Limits{MaxDepth: 1 << 30}, src: nestedArrays, want: ErrTooDeep, pos: "1:1005"},
}

func TestLimits(t *testing.T) {
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.lim.Parse("flags.toml", []byte(tc.src))
			if tc.want == nil {
				if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTooDeep) || errors.Is(err, ErrKeyTooLong) {
					t.Fatalf("within the limits, Parse refused it: %v", err)
				}
				return
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("Parse = %v, %v; want one error", f, err)
			}
			e := list[0]
			if !errors.Is(err, tc.want) || errors.Is(err, ErrSyntax) {
				t.Errorf("error %q does not match %v alone", e, tc.want)
			}
			if got := fmt.Sprintf("%d:%d", e.Pos.Line, e.Pos.Col); e.Pos.Filename != "flags.toml" || got != tc.pos {
				t.Errorf("error at %s:%s, want flags.toml:%s: %s", e.Pos.Filename, got, tc.pos, e.Msg)
			}
			// The message names the limit and what to do.
			lim := tc.lim.withDefaults()
			var limit, advice string
			switch tc.want {
			case ErrTooLarge:
				limit, advice = "size limit of "+byteSize(lim.MaxBytes), "check that this is the right file"
			case ErrTooDeep:
				limit, advice = fmt.Sprintf("more than %d levels deep, past the depth limit", lim.MaxDepth), "flatten"
			case ErrKeyTooLong:
				limit, advice = fmt.Sprintf("length limit of %d bytes", lim.MaxKeyBytes), "shorten"
			}
			if !strings.Contains(e.Msg, limit) || !strings.Contains(e.Msg, advice) {
				t.Errorf("message %q does not say %q and %q", e.Msg, limit, advice)
			}
			checkErrorList(t, []byte(tc.src), list)
		})
	}
}

// TestLimitsFailFast checks that input beyond a limit is refused before
// the decoder sees it: without allocating in proportion to its size, let
// alone the decoder's gigabytes.
func TestLimitsFailFast(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  []byte
	}{
		{"50 MB", []byte(strings.Repeat("a = 1\n", 50<<20/6))},
		{"1.2 MB nest of arrays", []byte(nestedArrays)},
		{"8,000 nested inline tables", []byte(nestedTables)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse("flags.toml", tc.src)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("Parse accepted it")
			}
			// The error and its message, and nothing of the input's size.
			if n := after.TotalAlloc - before.TotalAlloc; n > 16<<10 {
				t.Errorf("Parse allocated %d bytes for %d bytes of input", n, len(tc.src))
			}
			if n := testing.AllocsPerRun(3, func() { Parse("flags.toml", tc.src) }); n > 10 {
				t.Errorf("Parse made %v allocations", n)
			}
		})
	}
}

// TestLimitsCheckNoAlloc: the limit check of a real-sized file within the
// limits allocates nothing, as its doc says.
func TestLimitsCheckNoAlloc(t *testing.T) {
	src := benchFlagsTOML(100)
	l := Limits{}.withDefaults()
	if n := testing.AllocsPerRun(10, func() {
		if e := l.check("flags.toml", src); e != nil {
			t.Fatal(e)
		}
	}); n != 0 {
		t.Errorf("check made %v allocations, want 0", n)
	}
}

func TestLimitsLoad(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, []byte(strings.Repeat("a = 1\n", 1000)), 0o666); err != nil {
		t.Fatal(err)
	}
	_, err := Limits{MaxBytes: 600}.Load(big)
	if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), big+":101:1: ") {
		t.Errorf("Load of 6,000 bytes with MaxBytes 600: %v", err)
	}
	if _, err := Load(big); errors.Is(err, ErrTooLarge) {
		t.Errorf("Load within the default limits: %v", err)
	}
	if _, err := (Limits{}).Load(filepath.Join(dir, "missing.toml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// TestLimitsPassValidFiles checks that no valid document of the tests,
// nor the repository's own flags.toml, comes near the default limits.
func TestLimitsPassValidFiles(t *testing.T) {
	docs := []string{indexFlagsTOML, string(benchFlagsTOML(100))}
	if src, err := os.ReadFile("../flags.toml"); err == nil {
		docs = append(docs, string(src))
	}
	for _, tc := range indexCases {
		docs = append(docs, tc.src)
	}
	for _, tc := range parseErrorCases {
		docs = append(docs, tc.src)
	}
	// Half the defaults are still plenty.
	lim := Limits{MaxBytes: DefaultMaxBytes / 2, MaxDepth: DefaultMaxDepth / 2, MaxKeyBytes: DefaultMaxKeyBytes / 2}
	for _, src := range docs {
		if e := lim.withDefaults().check("flags.toml", []byte(src)); e != nil {
			t.Errorf("%v\nin:\n%s", e, src)
		}
	}
}

// FuzzLimits checks the limits on arbitrary input and small limits: that
// whatever passes them builds no key path longer or deeper than they
// allow in the decoder (it can only count less than the decoder if it
// misreads the text), and that what is refused is refused alone, at a
// place in the file.
func FuzzLimits(f *testing.F) {
	for _, tc := range limitCases {
		if len(tc.src) < 64<<10 {
			f.Add([]byte(tc.src), uint16(0), uint8(0), uint16(0))
		}
	}
	for _, s := range limitFuzzSeeds {
		f.Add([]byte(s), uint16(200), uint8(4), uint16(16))
	}
	f.Fuzz(func(t *testing.T, src []byte, maxBytes uint16, maxDepth uint8, maxKeyBytes uint16) {
		lim := Limits{MaxBytes: int(maxBytes), MaxDepth: int(maxDepth), MaxKeyBytes: int(maxKeyBytes)}.withDefaults()
		e := lim.check("flags.toml", src)
		if e != nil {
			if e.kind != ErrTooLarge && e.kind != ErrTooDeep && e.kind != ErrKeyTooLong {
				t.Fatalf("limit error %q of kind %v", e, e.kind)
			}
			if (e.kind == ErrTooLarge) != (len(src) > lim.MaxBytes) {
				t.Errorf("%d bytes, limit %d: %v", len(src), lim.MaxBytes, e)
			}
			if !e.Pos.IsValid() || e.Pos.Col < 1 {
				t.Errorf("error %q has position %#v", e, e.Pos)
			}
			return
		}
		// Within the limits, so within greater ones too.
		more := Limits{MaxBytes: 2 * lim.MaxBytes, MaxDepth: 2 * lim.MaxDepth, MaxKeyBytes: 2 * lim.MaxKeyBytes}.withDefaults()
		if e := more.check("flags.toml", src); e != nil {
			t.Errorf("within %+v but not %+v: %v", lim, more, e)
		}
		md, err := toml.Decode(string(src), &map[string]any{})
		if err != nil {
			return
		}
		for _, k := range md.Keys() {
			n := 0
			for _, seg := range k {
				n += len(seg)
			}
			if len(k) > lim.MaxDepth || n > lim.MaxKeyBytes {
				t.Errorf("within %+v, the decoder built the key %q: %d parts, %d bytes", lim, []string(k), len(k), n)
			}
		}
	})
}

// limitFuzzSeeds are inputs that the limit check must read exactly as the
// decoder's lexer does.
var limitFuzzSeeds = []string{
	"a = [[[[[[[[1]]]]]]]]\n",
	"a = {b = {c = {d = {e = 1}}}}\n",
	"a.b.c.d.e.f = 1\n",
	"[a.b.c.d.e]\n",
	"[[a.b.c.d]]\n[[a.b.c.d.e]]\n",
	"[a]\nb.c.d = [[1]]\n",
	"a = [{b = [{c = [1]}]}]\n",
	"a = \"\"\"\n[[[[\n\"\"\"\nb = [[[1]]]\n",
	"a = '''\n{{{{\n'''''\nb = {c = {d = 1}}\n",
	"a = \"\\\"[[[[\"\nb = 1\n",
	"a = \"unterminated [[[[\nb = [[[[[1]]]]]\n",
	"a = 'x' # [[[[[[\nb = {c.d.e = 1}\n",
	"\"a.b\".'c.d'.e = 1\n",
	"\ufeff[a . b . c]\nd = 1\n",
	"a = [\n  [1], # ]]]]\n  [[2]],\n]\n",
	"a = {\n  b = {c = 1},\n  d.e.f = 2,\n}\n",
	"a = \"\"\"\\\"\"\"[[[[\"\"\"\n",
	"a = \"\"\"x\"\"\"\"\"\nb = [[1]]\n",
	"[[a]]\n[a.b]\n[[a.b.c]]\nd = [{e = 1}]\n",
	strings.Repeat("k", 20) + "." + strings.Repeat("l", 20) + " = 1\n",
}
