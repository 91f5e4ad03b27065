package spec

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// A indexPosCheck asserts where path is indexed, as "line:col". An empty key
// asserts that path is not indexed at all; an empty value that value()
// equals key().
type indexPosCheck struct {
	path       string // segments separated by "/"
	key, value string
}

// A indexChildCheck asserts children(path) exactly.
type indexChildCheck struct {
	path string // segments separated by "/"; "" is the root
	want []string
}

type indexCase struct {
	name     string
	src      string
	pos      []indexPosCheck
	children []indexChildCheck
}

// buildIndex indexes src, as Parse does once src has been decoded.
func buildIndex(filename string, src []byte) *index {
	return newIndex(filename, src, string(src))
}

// indexSplitPath turns "a/b/0" into its segments; "" is the root.
func indexSplitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func indexLineCol(p Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

var indexCases = []indexCase{
	{
		name: "header tables and implicit parents",
		src: `# c
[flags.search]
owner = "x"

  [ flags . "new.checkout" ]
go_name = "C"
`,
		pos: []indexPosCheck{
			{"flags", "2:1", ""},
			{"flags/search", "2:1", ""},
			{"flags/search/owner", "3:1", "3:9"},
			{"flags/new.checkout", "5:3", ""},
			{"flags/new.checkout/go_name", "6:1", "6:11"},
			{"flags/new", "", ""},
			{"search", "", ""},
		},
		children: []indexChildCheck{
			{"", []string{"flags"}},
			{"flags", []string{"search", "new.checkout"}},
			{"flags/search", []string{"owner"}},
		},
	},
	{
		name: "explicit table after implicit use",
		src: `[a.b]
x = 1
[a]
y = 2
`,
		pos: []indexPosCheck{
			{"a", "3:1", ""},
			{"a/b", "1:1", ""},
			{"a/y", "4:1", "4:5"},
		},
		children: []indexChildCheck{{"a", []string{"b", "y"}}},
	},
	{
		name: "arrays of tables",
		src: `[flags.search]
default = "control"

[[flags.search.rules]]
serve = "a"

[[flags.search.rules]]
groups = ["employees"]
serve = "b"

[[flags.search.rules]]
serve = "c"
`,
		pos: []indexPosCheck{
			{"flags/search/rules", "4:1", ""},
			{"flags/search/rules/0", "4:1", ""},
			{"flags/search/rules/1", "7:1", ""},
			{"flags/search/rules/2", "11:1", ""},
			{"flags/search/rules/0/serve", "5:1", "5:9"},
			{"flags/search/rules/1/serve", "9:1", "9:9"},
			{"flags/search/rules/1/groups", "8:1", "8:10"},
			{"flags/search/rules/1/groups/0", "8:11", ""},
			{"flags/search/rules/2/serve", "12:1", "12:9"},
			{"flags/search/rules/3", "", ""},
			{"flags/search/rules/0/groups", "", ""},
			{"flags/search/rules/serve", "", ""},
		},
		children: []indexChildCheck{
			{"flags/search", []string{"default", "rules"}},
			{"flags/search/rules", []string{"0", "1", "2"}},
			{"flags/search/rules/1", []string{"groups", "serve"}},
		},
	},
	{
		name: "nested arrays of tables",
		src: `[[a.b]]
x = 1
[[a.b.c]]
y = 1
[[a.b.c]]
[[a.b]]
[[a.b.c]]
z = 2
[a.b.d]
w = 3
`,
		pos: []indexPosCheck{
			{"a", "1:1", ""},
			{"a/b", "1:1", ""},
			{"a/b/0", "1:1", ""},
			{"a/b/0/x", "2:1", "2:5"},
			{"a/b/0/c", "3:1", ""},
			{"a/b/0/c/0", "3:1", ""},
			{"a/b/0/c/0/y", "4:1", "4:5"},
			{"a/b/0/c/1", "5:1", ""},
			{"a/b/1", "6:1", ""},
			{"a/b/1/c", "7:1", ""},
			{"a/b/1/c/0", "7:1", ""},
			{"a/b/1/c/0/z", "8:1", "8:5"},
			{"a/b/1/d", "9:1", ""},
			{"a/b/1/d/w", "10:1", "10:5"},
			{"a/b/c", "", ""},
			{"a/b/1/c/1", "", ""},
			{"a/b/2", "", ""},
		},
		children: []indexChildCheck{
			{"a/b", []string{"0", "1"}},
			{"a/b/0", []string{"x", "c"}},
			{"a/b/0/c", []string{"0", "1"}},
			{"a/b/1", []string{"c", "d"}},
			{"a/b/1/c", []string{"0"}},
		},
	},
	{
		name: "dotted keys",
		src: `[t]
a.b.c = 1
a . "x y" . d = 2
site."google.com" = true
`,
		pos: []indexPosCheck{
			{"t/a", "2:1", "2:1"},
			{"t/a/b", "2:3", "2:3"},
			{"t/a/b/c", "2:5", "2:9"},
			{"t/a/x y", "3:5", ""},
			{"t/a/x y/d", "3:13", "3:17"},
			{"t/site", "4:1", ""},
			{"t/site/google.com", "4:6", "4:21"},
			{"t/site/google", "", ""},
			{"t/a/x", "", ""},
		},
		children: []indexChildCheck{
			{"t", []string{"a", "site"}},
			{"t/a", []string{"b", "x y"}},
		},
	},
	{
		name: "quoted keys",
		src: `"a.b#c" = 1 # real comment
'x.y#z' = "v#w"
"esc\"aped\u00e9" = 'lit'
"" = 2
'key "q"' = 3
["tab.le".'#x']
k = 4
`,
		pos: []indexPosCheck{
			{"a.b#c", "1:1", "1:11"},
			{"x.y#z", "2:1", "2:11"},
			{"esc\"aped\u00e9", "3:1", "3:21"},
			{"", "", ""}, // the root has no position …
			{"key \"q\"", "5:1", "5:13"},
			{"tab.le/#x", "6:1", ""},
			{"tab.le/#x/k", "7:1", "7:5"},
			{"a", "", ""},
			{"x", "", ""},
		},
		children: []indexChildCheck{
			// … but the empty key is a child of it.
			{"", []string{"a.b#c", "x.y#z", "esc\"aped\u00e9", "", "key \"q\"", "tab.le"}},
		},
	},
	{
		name: "inline tables",
		src: `[f]
split = { control = 50, "variant.a" = 25, nested = { deep.er = 1 } }
after = 1
`,
		pos: []indexPosCheck{
			{"f/split", "2:1", "2:9"},
			{"f/split/control", "2:11", "2:21"},
			{"f/split/variant.a", "2:25", "2:39"},
			{"f/split/nested", "2:43", "2:52"},
			{"f/split/nested/deep", "2:54", ""},
			{"f/split/nested/deep/er", "2:59", "2:64"},
			{"f/after", "3:1", "3:9"},
		},
		children: []indexChildCheck{
			{"f", []string{"split", "after"}},
			{"f/split", []string{"control", "variant.a", "nested"}},
		},
	},
	{
		name: "arrays of inline tables",
		src: `when = [
  { attribute = "app_version", op = "semver_gte", value = "2.3.0" },
  # a comment with "quotes" and [brackets], {braces}
  { attribute = "country", op = "in", values = ["DE", "AT"] }, # trailing
]
next = 1
`,
		pos: []indexPosCheck{
			{"when", "1:1", "1:8"},
			{"when/0", "2:3", ""},
			{"when/0/attribute", "2:5", "2:17"},
			{"when/0/op", "2:32", "2:37"},
			{"when/1", "4:3", ""},
			{"when/1/attribute", "4:5", "4:17"},
			{"when/1/op", "4:28", "4:33"},
			{"when/1/values", "4:39", "4:48"},
			{"when/1/values/0", "4:49", ""},
			{"when/1/values/1", "4:55", ""},
			{"next", "6:1", "6:8"},
			{"when/2", "", ""},
			{"braces", "", ""},
		},
		children: []indexChildCheck{
			{"when", []string{"0", "1"}},
			{"when/1", []string{"attribute", "op", "values"}},
			{"", []string{"when", "next"}},
		},
	},
	{
		name: "multi-line and nested arrays",
		src: `variants = [
  "control",   # the baseline, "quoted" ]
  'variant_a', # ]
  [ 1, [2, 3], ], # nested
]
x = 1
`,
		pos: []indexPosCheck{
			{"variants", "1:1", "1:12"},
			{"variants/0", "2:3", ""},
			{"variants/1", "3:3", ""},
			{"variants/2", "4:3", ""},
			{"variants/2/0", "4:5", ""},
			{"variants/2/1", "4:8", ""},
			{"variants/2/1/0", "4:9", ""},
			{"variants/2/1/1", "4:12", ""},
			{"variants/3", "", ""},
			{"x", "6:1", "6:5"},
		},
		children: []indexChildCheck{
			{"variants", []string{"0", "1", "2"}},
			{"variants/2/1", []string{"0", "1"}},
		},
	},
	{
		name: "string forms",
		src: `a = "x # y = [z] \" ]"
b = 'C:\path # not [comment] = '
c = """
line "one" # no = [
\""" still ""in"" \\
two quotes before close"""""
d = '''
raw '' # [x] = y
'''' # comment
e = 1 # after
f = """\""""
g = ""
[t]
h = 'x'
`,
		pos: []indexPosCheck{
			{"a", "1:1", "1:5"},
			{"b", "2:1", "2:5"},
			{"c", "3:1", "3:5"},
			{"d", "7:1", "7:5"},
			{"e", "10:1", "10:5"},
			{"f", "11:1", "11:5"},
			{"g", "12:1", "12:5"},
			{"t", "13:1", ""},
			{"t/h", "14:1", "14:5"},
			{"y", "", ""},
			{"z", "", ""},
			{"x", "", ""},
			{"comment", "", ""},
		},
		children: []indexChildCheck{
			{"", []string{"a", "b", "c", "d", "e", "f", "g", "t"}},
		},
	},
	{
		name: "CRLF",
		src: "[flags.x]\r\ndescription = \"d\" # c\r\nvariants = [\r\n  \"a\", # x\r\n  \"b\"\r\n]\r\n" +
			"note = \"\"\"\r\nx\r\n\"\"\"\r\nlast = 1\r\n",
		pos: []indexPosCheck{
			{"flags/x", "1:1", ""},
			{"flags/x/description", "2:1", "2:15"},
			{"flags/x/variants", "3:1", "3:12"},
			{"flags/x/variants/0", "4:3", ""},
			{"flags/x/variants/1", "5:3", ""},
			{"flags/x/note", "7:1", "7:8"},
			{"flags/x/last", "10:1", "10:8"},
		},
	},
	{
		name: "bare values and datetimes",
		src: `a = 1979-05-27 07:32:00 # local date-time
b = 1979-05-27 # a date, then a comment
c = [1979-05-27 07:32:00Z, 2026-11-01T09:00:00Z, 07:32:00, 1979-05-27]
d = { at = 1979-05-27 07:32:00.999-07:00, n = -inf }
e = nan
f = 1_000.5e+3
g = true
h = +inf
`,
		pos: []indexPosCheck{
			{"a", "1:1", "1:5"},
			{"b", "2:1", "2:5"},
			{"c/0", "3:6", ""},
			{"c/1", "3:28", ""},
			{"c/2", "3:50", ""},
			{"c/3", "3:60", ""},
			{"d/at", "4:7", "4:12"},
			{"d/n", "4:43", "4:47"},
			{"e", "5:1", "5:5"},
			{"h", "8:1", "8:5"},
		},
		children: []indexChildCheck{
			{"", []string{"a", "b", "c", "d", "e", "f", "g", "h"}},
			{"c", []string{"0", "1", "2", "3"}},
		},
	},
	{
		name: "byte order mark",
		src:  "\xef\xbb\xbf[a]\nb = 1\n",
		pos: []indexPosCheck{
			{"a", "1:4", ""},
			{"a/b", "2:1", "2:5"},
		},
	},
	{
		name: "realistic flags.toml",
		src:  indexFlagsTOML,
		pos: []indexPosCheck{
			{"flags", "2:1", ""},
			{"flags/search", "2:1", ""},
			{"flags/search/description", "3:1", "3:15"},
			{"flags/search/expires", "5:1", "5:11"},
			{"flags/search/variants/0", "7:3", ""},
			{"flags/search/variants/2", "9:3", ""},
			{"flags/search/default", "11:1", "11:11"},
			{"flags/search/split/variant_b", "12:41", "12:53"},
			{"flags/search/rules", "14:1", ""},
			{"flags/search/rules/1", "18:1", ""},
			{"flags/search/rules/1/when/1/values/1", "21:55", ""},
			{"flags/search/rules/1/split", "23:1", "23:9"},
			{"flags/new_checkout/removed/serve", "27:32", "27:40"},
			{"flags/new_checkout/schedule/0/start", "30:1", "30:9"},
			{"flags/new_checkout/schedule/0/percent", "31:1", "31:11"},
			{"flags/my_new_feature", "33:1", ""},
			{"flags/my_new_feature/overrides/VISIBLE", "34:1", "34:11"},
		},
		children: []indexChildCheck{
			{"flags", []string{"search", "new_checkout", "my_new_feature"}},
			{"flags/search", []string{"description", "owner", "expires", "variants", "default", "split", "rules"}},
			{"flags/search/rules", []string{"0", "1"}},
			{"flags/search/rules/1", []string{"when", "split"}},
			{"flags/new_checkout", []string{"go_name", "removed", "schedule"}},
		},
	},
}

const indexFlagsTOML = `# Flags
[flags.search]
description = "Ranking experiment"  # comment
owner = "search-team"
expires = 2027-03-31
variants = [
  "control",   # the baseline
  "variant_a",
  "variant_b",
]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }

[[flags.search.rules]]
groups = ["employees"]
serve = "variant_a"

[[flags.search.rules]]
when = [
  { attribute = "app_version", op = "semver_gte", value = "2.3.0" },
  { attribute = "country", op = "in", values = ["DE", "AT"] },
]
split = { control = 50, variant_a = 50 }

[flags.new_checkout]
go_name = "Checkout"
removed = { date = 2026-10-01, serve = "on" }

[[flags.new_checkout.schedule]]
start = 2026-11-02T09:00:00Z
percent = 1

[flags.my_new_feature.overrides]
VISIBLE = ["1", "2", "3"]
`

func TestBuildIndex(t *testing.T) {
	for _, tc := range indexCases {
		t.Run(tc.name, func(t *testing.T) {
			// The indexScanner may assume valid TOML, so the cases must be.
			if _, err := toml.Decode(tc.src, &map[string]any{}); err != nil {
				t.Fatalf("test input is not valid TOML: %v", err)
			}
			ix := buildIndex("flags.toml", []byte(tc.src))
			for _, c := range tc.pos {
				path := indexSplitPath(c.path)
				kp, kok := ix.key(path...)
				vp, vok := ix.value(path...)
				if c.key == "" {
					if kok || vok {
						t.Errorf("%q: indexed at key %v, value %v; want not indexed", path, kp, vp)
					}
					continue
				}
				if !kok || !vok {
					t.Errorf("%q: not indexed (key %v, value %v)", path, kok, vok)
					continue
				}
				if kp.Filename != "flags.toml" {
					t.Errorf("%q: filename %q", path, kp.Filename)
				}
				if got := indexLineCol(kp); got != c.key {
					t.Errorf("%q: key at %s, want %s", path, got, c.key)
				}
				want := c.value
				if want == "" {
					want = c.key
				}
				if got := indexLineCol(vp); got != want {
					t.Errorf("%q: value at %s, want %s", path, got, want)
				}
			}
			for _, c := range tc.children {
				path := indexSplitPath(c.path)
				if got := ix.children(path...); !slices.Equal(got, c.want) {
					t.Errorf("children(%q) = %q, want %q", path, got, c.want)
				}
			}
		})
	}
}

func TestIndexMalformed(t *testing.T) {
	// On input that is not TOML the indexScanner stops where it gets lost and
	// keeps what it found before.
	for _, src := range []string{
		"a = 1\nb = \nc = 2\n",
		"a = 1\nb = [1, 2\nc = 2\n",
		"a = 1\nb = \"unterminated\nc = 2\n",
		"a = 1\n[b\nc = 2\n",
		"a = 1\nb = { x = 1\nc = 2 oops\n",
		"a = 1\nb c = 2\n",
	} {
		ix := buildIndex("x.toml", []byte(src))
		if p, ok := ix.key("a"); !ok || indexLineCol(p) != "1:1" {
			t.Errorf("%q: key(a) = %v, %v; want 1:1", src, p, ok)
		}
		if _, ok := ix.key("c"); ok {
			t.Errorf("%q: key(c) found after malformed line", src)
		}
	}

	// Nesting deeper than maxIndexDepth is given up on, not followed until the
	// stack runs out.
	deep := "a = 1\nb = " + strings.Repeat("[", 1e6) + strings.Repeat("]", 1e6) + "\nc = 1\n"
	ix := buildIndex("x.toml", []byte(deep))
	if _, ok := ix.key("a"); !ok {
		t.Error("deep nesting: key(a) not indexed")
	}
	if _, ok := ix.key("c"); ok {
		t.Error("deep nesting: key(c) indexed")
	}

	var nilIndex *index
	if _, ok := nilIndex.key("a"); ok {
		t.Error("nil index has key a")
	}
	if got := nilIndex.children(); got != nil {
		t.Errorf("nil index has children %q", got)
	}
}

func TestIndexChildrenIsCopy(t *testing.T) {
	ix := buildIndex("", []byte("a = 1\nb = 2\n"))
	ix.children()[0] = "changed"
	if got := ix.children(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("children() = %q after modifying a result", got)
	}
}

// TestBuildIndexMatchesDecoder cross-checks the indexScanner against
// BurntSushi/toml: every key the decoder reports must be indexed (once
// array indices are dropped), every key the index says was written
// explicitly must be one the decoder reports, and every indexed position
// must point at plausible text.
func TestBuildIndexMatchesDecoder(t *testing.T) {
	docs := []string{indexFlagsTOML}
	for _, tc := range indexCases {
		docs = append(docs, tc.src)
	}
	for i, src := range docs {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			checkIndexAgainstDecoder(t, []byte(src))
		})
	}
}

// checkIndexAgainstDecoder runs the cross-check of TestBuildIndexMatchesDecoder
// on src, which must be valid TOML.
func checkIndexAgainstDecoder(t *testing.T, src []byte) {
	t.Helper()
	md, err := toml.Decode(string(src), &map[string]any{})
	if err != nil {
		t.Fatalf("not valid TOML: %v", err)
	}
	ix := buildIndex("f.toml", src)

	// Walk the index, collecting every path with its indices dropped.
	indexed := map[string]bool{}
	var walk func(path, stripped []string, e *indexEntry)
	walk = func(path, stripped []string, e *indexEntry) {
		for _, seg := range ix.children(path...) {
			child := append(slices.Clip(path), seg)
			ce := ix.lookup(child)
			if ce == nil {
				t.Errorf("%q listed as a child but not indexed", child)
				continue
			}
			checkIndexPlausible(t, src, child, e.array, ce)
			cs := stripped
			if !e.array {
				cs = append(slices.Clip(stripped), seg)
				indexed[fmt.Sprintf("%q", cs)] = true
				if !ce.implicit && !decoderHasKey(md, cs) {
					t.Errorf("indexed %q (as %q) is not a key to the decoder", child, cs)
				}
			}
			walk(child, cs, ce)
		}
	}
	walk(nil, nil, ix.lookup(nil))

	for _, k := range md.Keys() {
		if !indexed[fmt.Sprintf("%q", []string(k))] {
			t.Errorf("decoder key %q is not indexed", []string(k))
		}
	}
}

func decoderHasKey(md toml.MetaData, path []string) bool {
	for _, k := range md.Keys() {
		if slices.Equal(k, path) {
			return true
		}
	}
	return false
}

// checkIndexPlausible checks that e's offsets point where path's key and value
// could start. elem says whether path is an array element.
func checkIndexPlausible(t *testing.T, src []byte, path []string, elem bool, e *indexEntry) {
	t.Helper()
	if e.key < 0 || e.key >= len(src) || e.val < 0 || e.val >= len(src) {
		t.Errorf("%q: offsets %d, %d outside the source", path, e.key, e.val)
		return
	}
	seg := path[len(path)-1]
	k, v := src[e.key], src[e.val]
	switch {
	case elem:
		if e.key != e.val || !strings.ContainsRune(`"'[{+-0123456789tfin`, rune(v)) {
			t.Errorf("%q: element at %d, %d (%q)", path, e.key, e.val, v)
		}
	case k == '[':
		if e.val != e.key {
			t.Errorf("%q: header key at %d, value at %d", path, e.key, e.val)
		}
	case k == '"' || k == '\'' || bytes.HasPrefix(src[e.key:], []byte(seg)):
		if e.val != e.key && !strings.ContainsRune(`"'[{+-0123456789tfin`, rune(v)) {
			t.Errorf("%q: value starts with %q", path, v)
		}
	default:
		t.Errorf("%q: key at %d starts with %q", path, e.key, k)
	}
}

// FuzzBuildIndex feeds the indexScanner arbitrary bytes: it must neither panic
// nor hang. When the input happens to be valid TOML, the index must also
// agree with the decoder.
func FuzzBuildIndex(f *testing.F) {
	f.Add([]byte(indexFlagsTOML))
	for _, tc := range indexCases {
		f.Add([]byte(tc.src))
	}
	f.Add([]byte("a = [[[[{ b = [\n"))
	f.Add([]byte("s = \"\"\"\\"))
	f.Add([]byte("[[a]]\n[[a.b]]\n[a.b.c]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		ix := buildIndex("f.toml", src)
		ix.key("a")
		ix.value("a", "0")
		ix.children()
		if _, err := toml.Decode(string(src), &map[string]any{}); err == nil {
			checkIndexAgainstDecoder(t, src)
		}
	})
}
