package analyzer_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/flaggen/flaggen/analyzer"
	"github.com/flaggen/flaggen/internal/codegen"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/src/flags/flags_gen.go from testdata/src/flags.toml")

// generate returns the package generated from a flags.toml.
func generate(t *testing.T, toml string) []byte {
	t.Helper()
	f, err := spec.Load(toml)
	if err != nil {
		t.Fatal(err)
	}
	out, err := codegen.Generate(f, codegen.Options{Package: "flags", Source: "../flags.toml"})
	if err != nil {
		t.Fatal(err)
	}
	return out[codegen.FileName]
}

// TestGeneratedUpToDate checks that the generated package in testdata is
// what codegen makes of testdata/src/flags.toml today.
func TestGeneratedUpToDate(t *testing.T) {
	want := generate(t, filepath.Join("testdata", "src", "flags.toml"))
	path := filepath.Join("testdata", "src", "flags", codegen.FileName)
	if *update {
		if err := os.WriteFile(path, want, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale; run go test ./analyzer -run TestGeneratedUpToDate -update\n%s", path,
			codegen.Diff(path, got, "codegen", want))
	}
}

func init() {
	if err := analyzer.Analyzer.Flags.Set("now", "2027-01-15"); err != nil {
		panic(err)
	}
}

// testModule is the testdata module, whose go.mod replaces flaggen by
// this repository.
func testModule() string { return filepath.Join(analysistest.TestData(), "src") }

func TestReferences(t *testing.T) {
	analysistest.Run(t, testModule(), analyzer.Analyzer, "./refs", "./lookup", "./wrap", "./wrapuse")
}

func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, testModule(), analyzer.Analyzer, "./fixes")
}

// TestNoFix checks that the references in testdata/src/nofix, each of
// which a fix could get wrong, are reported without one.
func TestNoFix(t *testing.T) {
	for _, res := range analysistest.Run(t, testModule(), analyzer.Analyzer, "./nofix") {
		for _, d := range res.Action.Diagnostics {
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%v: %s: unexpected fix %q", res.Action.Package.Fset.Position(d.Pos), d.Message, d.SuggestedFixes[0].Message)
			}
		}
	}
}

// loaded caches packages loaded by analyze, by directory and patterns.
var loaded = make(map[string][]*packages.Package)

// analyze loads the packages matching patterns in the module at dir and
// runs the analyzer on them.
func analyze(t *testing.T, dir string, patterns ...string) *checker.Graph {
	t.Helper()
	key := dir + "\x00" + strings.Join(patterns, "\x00")
	pkgs, ok := loaded[key]
	if !ok {
		cfg := &packages.Config{
			Mode: packages.LoadAllSyntax | packages.NeedModule,
			Dir:  dir,
			Env:  append(os.Environ(), "GO111MODULE=on", "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=mod"),
		}
		var err error
		pkgs, err = packages.Load(cfg, patterns...)
		if err != nil {
			t.Fatal(err)
		}
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			for _, err := range p.Errors {
				t.Fatal(err)
			}
		})
		loaded[key] = pkgs
	}
	g, err := checker.Analyze([]*analysis.Analyzer{analyzer.Analyzer}, pkgs, &checker.Options{SanityCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// diagnostics returns the root packages' diagnostics as
// "file:line:col: message (category)" with base file names, sorted.
func diagnostics(t *testing.T, g *checker.Graph) []string {
	t.Helper()
	var out []string
	for _, act := range g.Roots {
		if act.Err != nil {
			t.Fatalf("%s: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			out = append(out, fmt.Sprintf("%s:%d:%d: %s (%s)", filepath.Base(posn.Filename), posn.Line, posn.Column, d.Message, d.Category))
		}
	}
	slices.Sort(out)
	return out
}

// setNow sets the analyzer's -now flag for the rest of the test.
func setNow(t *testing.T, date string) {
	t.Helper()
	old := analyzer.Analyzer.Flags.Lookup("now").Value.String()
	if err := analyzer.Analyzer.Flags.Set("now", date); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { analyzer.Analyzer.Flags.Set("now", old) })
}

// TestGeneratedPackage checks the facts exported for the generated
// package, and that nothing is reported inside it.
func TestGeneratedPackage(t *testing.T) {
	g := analyze(t, testModule(), "./flags")
	if len(g.Roots) != 1 {
		t.Fatalf("got %d packages, want 1", len(g.Roots))
	}
	act := g.Roots[0]
	if d := diagnostics(t, g); len(d) > 0 {
		t.Errorf("diagnostics in the generated package:\n%s", strings.Join(d, "\n"))
	}
	var got *analyzer.PackageFlags
	for _, f := range act.AllPackageFacts() {
		if pf, ok := f.Fact.(*analyzer.PackageFlags); ok && f.Package == act.Package.Types {
			got = pf
		}
	}
	if got == nil {
		t.Fatal("no PackageFlags fact")
	}
	if got.Source != "../flags.toml" {
		t.Errorf("Source = %q, want ../flags.toml", got.Source)
	}
	// The facts say what flags.toml says.
	f, err := spec.Load(filepath.Join(testModule(), "flags.toml"))
	if err != nil {
		t.Fatal(err)
	}
	// The analyzer reads a flag's metadata, not its targeting.
	var want []analyzer.FlagInfo
	for _, info := range runtime.SchemaOf(f).Flags {
		want = append(want, analyzer.FlagInfo{
			Key: info.Key, GoName: info.GoName, Bool: info.Bool, Variants: info.Variants,
			Default: info.Default, Description: info.Description, Owner: info.Owner,
			Expires: info.Expires, Deprecated: info.Deprecated, Removed: info.Removed,
			Final: info.Final, Settled: info.Settled, SettledSince: info.SettledSince,
		})
	}
	if !reflect.DeepEqual(got.Flags, want) {
		t.Errorf("PackageFlags.Flags:\ngot  %+v\nwant %+v", got.Flags, want)
	}

	// Each accessor, helper, value method and variant constant has its
	// fact; the String of the fact says which.
	facts := make(map[string]string)
	for _, f := range act.AllObjectFacts() {
		name := f.Object.Name()
		if sig, ok := f.Object.Type().(*types.Signature); ok && sig.Recv() != nil {
			name = types.TypeString(sig.Recv().Type(), (*types.Package).Name) + "." + name
		}
		facts[name] = fmt.Sprint(f.Fact)
	}
	for name, want := range map[string]string{
		"NewSearch":               "accessor of search",
		"WithSearch":              "test helper of search",
		"NewCheckout":             "accessor of new_checkout",
		"WithCheckout":            "test helper of new_checkout",
		"flags.Search.IsVariantB": "search is variant_b",
		"flags.Search.Variant":    "variant of search",
		"flags.Checkout.Enabled":  "new_checkout is on",
		"flags.Ranking.IsMLv2":    "ranking is ml_v2",
		"flags.Search.String":     "name of the variant of search",
		"flags.Checkout.String":   "name of the variant of new_checkout",
		"SearchControl":           "search variant control",
		"RankingMLv2":             "ranking variant ml_v2",
	} {
		if facts[name] != want {
			t.Errorf("fact of %s = %q, want %q", name, facts[name], want)
		}
	}
	for _, name := range []string{"flags.SearchVariant.String", "Set", "ParseSearchVariant", "AllSearchVariants"} {
		if f, ok := facts[name]; ok {
			t.Errorf("unexpected fact of %s: %s", name, f)
		}
	}
}

// TestBadNow checks that the -now flag takes only dates: a driver
// reports a bad value when it parses its command line.
func TestBadNow(t *testing.T) {
	for _, now := range []string{"tomorrow", "2027-1-5", "2027-02-30", "2027-01-15T00:00:00Z"} {
		err := analyzer.Analyzer.Flags.Set("now", now)
		const want = "want a date written YYYY-MM-DD, e.g. 2027-01-15"
		if err == nil || err.Error() != want {
			t.Errorf("-now %s: got error %v, want %s", now, err, want)
		}
	}
	if got := analyzer.Analyzer.Flags.Lookup("now").Value.String(); got != "2027-01-15" {
		t.Errorf("after bad values, -now is %q, want the last good value", got)
	}
}

// TestNow checks that -now decides expiry and settling: new_checkout
// settles on 2026-11-30, holiday expires after 2026-12-31.
func TestNow(t *testing.T) {
	for _, tc := range []struct {
		now  string
		want []string
	}{
		{"2026-11-29", nil},
		{"2026-11-30", []string{"settled"}},
		{"2026-12-31", []string{"settled"}},
		{"2027-01-01", []string{"expired", "settled"}},
	} {
		setNow(t, tc.now)
		var got []string
		for _, d := range diagnostics(t, analyze(t, testModule(), "./refs")) {
			switch {
			case strings.Contains(d, `flag "new_checkout" has served on`) && strings.HasSuffix(d, "(settled)"):
				got = append(got, "settled")
			case strings.Contains(d, `flag "holiday" expired`) && strings.HasSuffix(d, "(expired)"):
				got = append(got, "expired")
			}
		}
		got = slices.Compact(slices.Sorted(slices.Values(got)))
		if !slices.Equal(got, tc.want) {
			t.Errorf("-now %s: got categories %v, want %v", tc.now, got, tc.want)
		}
	}
}

// TestGeneratedCodeChanges runs the analyzer on one call site against
// versions of the generated package made from different flags.toml
// files: what it reports follows the generated code alone.
func TestGeneratedCodeChanges(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	goSum, err := os.ReadFile(filepath.Join(testModule(), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	goMod, err := os.ReadFile(filepath.Join(testModule(), "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	const flag = `[flags.search]
description = "Ranking experiment."
owner = "search-team"
variants = ["control", "variant_a"]
default = "control"
`
	const app = `package app

import (
	"context"

	"example.com/change/flags"
)

func Handle(ctx context.Context) string {
	if flags.NewSearch(ctx).IsVariantA() {
		return "a"
	}
	return "control"
}
`
	for _, tc := range []struct {
		name, toml, want string
	}{
		{"active", "expires = 2027-03-31\n", ""},
		{"removed", "expires = 2027-03-31\nremoved = { date = 2026-10-01, serve = \"variant_a\" }\n",
			`app.go:10:5: flag "search" was removed on 2026-10-01 (owner search-team); this reference always gets variant_a: delete it (removed)`},
		{"expired", "expires = 2027-01-01\n",
			`app.go:10:5: flag "search" expired on 2027-01-01 (owner search-team): remove it or move expires (expired)`},
		{"deprecated", "expires = 2027-03-31\ndeprecated = \"use ranking\"\n",
			`app.go:10:5: flag "search" is deprecated: use ranking (owner search-team) (deprecated)`},
		{"settled", "expires = 2027-03-31\nsplit = { control = 0, variant_a = 100 }\n",
			`app.go:10:5: flag "search" serves variant_a to everyone (owner search-team): remove it (settled)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, content string) {
				t.Helper()
				path := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
					t.Fatal(err)
				}
			}
			// The testdata module's go.mod, renamed and pointing at this
			// repository from elsewhere.
			mod := strings.Replace(string(goMod), "module example.com/flagtest", "module example.com/change", 1)
			mod = strings.Replace(mod, "=> ../../..", "=> "+root, 1)
			write("go.mod", mod)
			write("go.sum", string(goSum))
			write("flags.toml", flag+tc.toml)
			write("flags/flags_gen.go", string(generate(t, filepath.Join(dir, "flags.toml"))))
			write("app/app.go", app)

			got := strings.Join(diagnostics(t, analyze(t, dir, "./app")), "\n")
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
