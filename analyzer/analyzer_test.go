package analyzer_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/flaggen/flaggen/analyzer"
	"github.com/flaggen/flaggen/internal/codegen"
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

// at returns an analyzer judging as of the date, written YYYY-MM-DD.
func at(t testing.TB, date string) *analysis.Analyzer {
	t.Helper()
	now, err := time.Parse(time.DateOnly, date)
	if err != nil {
		t.Fatal(err)
	}
	return analyzer.New(analyzer.Config{Now: now})
}

// testModule is the testdata module, whose go.mod replaces flaggen by
// this repository.
func testModule() string { return filepath.Join(analysistest.TestData(), "src") }

// testNow is the date the analysistest packages are judged at.
const testNow = "2027-01-15"

func TestReferences(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, testModule(), at(t, testNow), "./refs", "./lookup", "./wrap", "./wrapuse")
}

func TestFixes(t *testing.T) {
	t.Parallel()
	analysistest.RunWithSuggestedFixes(t, testModule(), at(t, testNow), "./fixes")
}

// TestNoFix checks that the references in testdata/src/nofix, each of
// which a fix could get wrong, are reported without one.
func TestNoFix(t *testing.T) {
	t.Parallel()
	for _, res := range analysistest.Run(t, testModule(), at(t, testNow), "./nofix") {
		for _, d := range res.Action.Diagnostics {
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%v: %s: unexpected fix %q", res.Action.Package.Fset.Position(d.Pos), d.Message, d.SuggestedFixes[0].Message)
			}
		}
	}
}

// loaded caches the packages loaded by load, by directory and patterns:
// each value is a func returning the packages, loaded on its first call.
var loaded sync.Map

// load loads the packages matching patterns in the module at dir, once.
func load(t *testing.T, dir string, patterns ...string) []*packages.Package {
	t.Helper()
	key := dir + "\x00" + strings.Join(patterns, "\x00")
	once, _ := loaded.LoadOrStore(key, sync.OnceValues(func() ([]*packages.Package, error) {
		cfg := &packages.Config{
			Mode: packages.LoadAllSyntax | packages.NeedModule,
			Dir:  dir,
			Env:  append(os.Environ(), "GO111MODULE=on", "GOPROXY=off", "GOWORK=off", "GOFLAGS=-mod=mod"),
		}
		pkgs, err := packages.Load(cfg, patterns...)
		if err != nil {
			return nil, err
		}
		var errs []string
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			for _, err := range p.Errors {
				errs = append(errs, err.Error())
			}
		})
		if len(errs) > 0 {
			return nil, fmt.Errorf("loading %s: %s", strings.Join(patterns, " "), strings.Join(errs, "\n"))
		}
		return pkgs, nil
	}))
	pkgs, err := once.(func() ([]*packages.Package, error))()
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// analyze loads the packages matching patterns in the module at dir and
// runs a on them.
func analyze(t *testing.T, a *analysis.Analyzer, dir string, patterns ...string) *checker.Graph {
	t.Helper()
	g, err := checker.Analyze([]*analysis.Analyzer{a}, load(t, dir, patterns...), &checker.Options{SanityCheck: true})
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

// TestGeneratedPackage checks the facts exported for the generated
// package, and that nothing is reported inside it.
func TestGeneratedPackage(t *testing.T) {
	t.Parallel()
	g := analyze(t, at(t, testNow), testModule(), "./flags")
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
	for _, info := range f.Meta().Flags {
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
		"flags.BoolFlag.Enabled":  "a boolean flag is on",
		"flags.Ranking.IsMLv2":    "ranking is ml_v2",
		"flags.Search.String":     "name of the variant of search",
		"flags.BoolFlag.String":   "name of the variant of a boolean flag",
		"SearchControl":           "search variant control",
		"RankingMLv2":             "ranking variant ml_v2",
	} {
		if facts[name] != want {
			t.Errorf("fact of %s = %q, want %q", name, facts[name], want)
		}
	}
	// The value types, the schema and what is not a flag's have none.
	for _, name := range []string{"Search", "Checkout", "BoolFlag", "flaggenSchema", "Set", "Parse", "Variants"} {
		if f, ok := facts[name]; ok {
			t.Errorf("unexpected fact of %s: %s", name, f)
		}
	}
}

// TestBadGeneratedCode checks that a generated package whose contract
// the analyzer cannot read is an error of its analysis, which says where
// and asks for the package to be regenerated.
func TestBadGeneratedCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pkg, want string
	}{
		{"version", `flags_gen.go: the package was generated by another version of flaggen \(contract version 2, not 5\); regenerate it with flaggen generate$`},
		{"method", `flags_gen.go:21:1: IsA's directive names flag "serch", which the schema lacks; regenerate the package with flaggen generate$`},
		{"constant", `flags_gen.go:24:2: SearchA's directive names flag "ranking", which the schema lacks; regenerate the package with flaggen generate$`},
		{"malformed", `flags_gen.go:17:1: "//flaggen:accessor": //flaggen:accessor takes 1 argument\(s\), not 0; regenerate the package with flaggen generate$`},
		{"kind", `flags_gen.go:17:1: Name carries //flaggen:string but is a function, not a method; regenerate the package with flaggen generate$`},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			t.Parallel()
			g := analyze(t, at(t, testNow), testModule(), "./bad/"+tc.pkg)
			err := g.Roots[0].Err
			if err == nil {
				t.Fatal("no error")
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("got error  %v\nwant match %s", err, tc.want)
			}
		})
	}
}

// TestBadNow checks that the -now flag takes only dates: a driver
// reports a bad value when it parses its command line.
func TestBadNow(t *testing.T) {
	t.Parallel()
	a := at(t, testNow)
	for _, now := range []string{"tomorrow", "2027-1-5", "2027-02-30", "2027-01-15T00:00:00Z"} {
		err := a.Flags.Set("now", now)
		const want = "want a date written YYYY-MM-DD, e.g. 2027-01-15"
		if err == nil || err.Error() != want {
			t.Errorf("-now %s: got error %v, want %s", now, err, want)
		}
	}
	if got := a.Flags.Lookup("now").Value.String(); got != testNow {
		t.Errorf("after bad values, -now is %q, want the last good value", got)
	}
}

// TestNew checks that each analyzer New makes has flags of its own,
// whose -now defaults to the configured date, and that setting one
// changes no other.
func TestNew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC), "2027-01-15"},
		// The date in Now's own location, not in UTC.
		{time.Date(2027, 1, 15, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600)), "2027-01-15"},
	} {
		a := analyzer.New(analyzer.Config{Now: tc.now})
		fl := a.Flags.Lookup("now")
		if fl == nil {
			t.Fatalf("New(Config{Now: %v}) has no -now flag", tc.now)
		}
		if fl.DefValue != tc.want || fl.Value.String() != tc.want {
			t.Errorf("New(Config{Now: %v}): -now defaults to %q and is %q, want %q", tc.now, fl.DefValue, fl.Value.String(), tc.want)
		}
	}
	a, b := analyzer.New(analyzer.Config{}), analyzer.New(analyzer.Config{})
	if a == b {
		t.Fatal("New returned the same analyzer twice")
	}
	if err := a.Flags.Set("now", "2030-06-01"); err != nil {
		t.Fatal(err)
	}
	for _, other := range []*analysis.Analyzer{b, analyzer.Analyzer} {
		if got := other.Flags.Lookup("now").Value.String(); got != "" {
			t.Errorf("setting -now on one analyzer set another's to %q", got)
		}
	}
	if analyzer.Analyzer.Name != a.Name || analyzer.Analyzer.Doc != a.Doc {
		t.Errorf("Analyzer and New(Config{}) differ in name or doc")
	}
}

// TestNow checks that -now decides expiry and settling: new_checkout
// settles on 2026-11-30, holiday expires after 2026-12-31.
func TestNow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		now  string
		want []string
	}{
		{"2026-11-29", nil},
		{"2026-11-30", []string{"settled"}},
		{"2026-12-31", []string{"settled"}},
		{"2027-01-01", []string{"expired", "settled"}},
	} {
		// Analyzers judging as of different dates, side by side on the
		// same packages.
		t.Run(tc.now, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, d := range diagnostics(t, analyze(t, at(t, tc.now), testModule(), "./refs")) {
				switch {
				case strings.Contains(d, `flag "new_checkout" has served on`) && strings.HasSuffix(d, "(settled)"):
					got = append(got, "settled")
				case strings.Contains(d, `flag "holiday" expired`) && strings.HasSuffix(d, "(expired)"):
					got = append(got, "expired")
				}
			}
			got = slices.Compact(slices.Sorted(slices.Values(got)))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got categories %v, want %v", got, tc.want)
			}
		})
	}
}

// TestGeneratedCodeChanges runs the analyzer on one call site against
// versions of the generated package made from different flags.toml
// files: what it reports follows the generated code alone.
func TestGeneratedCodeChanges(t *testing.T) {
	t.Parallel()
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
			t.Parallel()
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

			got := strings.Join(diagnostics(t, analyze(t, at(t, testNow), dir, "./app")), "\n")
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
