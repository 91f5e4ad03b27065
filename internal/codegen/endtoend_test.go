package codegen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/spec"
)

// endToEnd cases: a golden case from testdata, a main program that uses
// the package generated from it, and that program's expected output.
// The package is imported as "example.com/e2e/<case>/flags".
var endToEnd = []struct {
	golden string
	main   string
	want   string
}{
	{
		golden: "variants",
		main: `
	ctx := context.Background()
	fmt.Println(flags.NewSearch(ctx), flags.NewSearch(ctx).IsControl(), flags.NewCheckout(ctx), flags.NewCheckout(ctx).Enabled())

	ctx = flags.WithSearch(ctx, flags.SearchVariantB)
	ctx = flags.WithCheckout(ctx, true)
	s := flags.NewSearch(ctx)
	fmt.Println(s, s.IsVariantB(), s.IsControl(), s == flags.SearchVariantB, flags.NewCheckout(ctx).Enabled())
	switch s {
	case flags.SearchVariantB:
		fmt.Println("switch: variant_b")
	default:
		fmt.Println("switch: other")
	}
	// The innermost WithX wins, as the innermost context.WithValue does.
	fmt.Println(flags.NewCheckout(flags.WithCheckout(ctx, false)))

	fmt.Println(flags.Variants[flags.Search]())
	v, err := flags.Parse[flags.Search]("variant_a")
	fmt.Println(v, err)
	_, err = flags.Parse[flags.Search]("nope")
	fmt.Println(err)
	// A number that is no variant: its name says so, and forcing it
	// serves the default.
	fmt.Println(flags.Search(7), flags.NewSearch(flags.WithSearch(context.Background(), flags.Search(7))))
	// The zero values are the defaults.
	var zs flags.Search
	var zc flags.Checkout
	fmt.Println(zs, zs.IsControl(), zc, zc.Enabled())
	fmt.Println(flags.Set.Schema().Name, len(flags.Set.Schema().Flags))
`,
		want: `control true off false
variant_b true false true true
switch: variant_b
off
[control variant_a variant_b]
variant_a <nil>
unknown variant "nope" of flag "search"; want one of control, variant_a, variant_b
Search(7) control
control true off false
flags.toml 2
`,
	},
	{
		golden: "go_names",
		main: `
	ctx := context.Background()
	fmt.Println(flags.NewMyNewFeature(ctx), flags.NewRanking(ctx), flags.NewUserIDAPI(ctx))
	ctx = flags.WithMyNewFeature(ctx, flags.MyNewFeatureVisible)
	ctx = flags.WithRanking(ctx, flags.RankingMLv2)
	ctx = flags.WithUserIDAPI(ctx, true)
	fmt.Println(flags.NewMyNewFeature(ctx).IsVisible(), flags.NewRanking(ctx).IsMLv2(), flags.NewRanking(ctx).IsAlpha(), flags.NewUserIDAPI(ctx).Enabled())
	fmt.Println(flags.Variants[flags.MyNewFeature](), flags.Variants[flags.Ranking]())
	v, err := flags.Parse[flags.Ranking]("variant_a")
	fmt.Println(v == flags.RankingAlpha, v, err)
	// The default is declared second: it is still the zero value.
	var z flags.MyNewFeature
	fmt.Println(z, z.IsNotVisible(), z == flags.MyNewFeatureNotVisible, int(flags.MyNewFeatureVisible))
	fmt.Println(flags.NewMyNewFeature(context.Background()) == z)
`,
		want: `NOT_VISIBLE control off
true true false true
[VISIBLE NOT_VISIBLE] [control variant_a ml_v2]
true variant_a <nil>
NOT_VISIBLE true true 1
true
`,
	},
	{
		golden: "removed",
		main: `
	ctx := context.Background()
	fmt.Println(flags.NewSearch(ctx), flags.NewCheckout(ctx).Enabled())
	ctx = flags.WithSearch(ctx, flags.SearchVariantB)
	fmt.Println(flags.NewSearch(ctx))
`,
		// A removed flag serves its final variant, forced or not.
		want: `variant_a true
variant_a
`,
	},
	{
		golden: "bool",
		main: `
	ctx := context.Background()
	fmt.Println(flags.NewCheckout(ctx), flags.NewDarkMode(ctx))
	ctx = flags.WithDarkMode(ctx, true)
	fmt.Println(flags.NewCheckout(ctx), flags.NewDarkMode(ctx), flags.NewDarkMode(ctx).Enabled())

	// legacy_form is on by default, and forcing works both ways; the
	// zero value of a plain boolean flag's type (the shared BoolFlag) is
	// off, whatever the flag's default.
	var z flags.LegacyForm
	fmt.Println(z, z.Enabled(), flags.NewLegacyForm(context.Background()).Enabled())
	fmt.Println(flags.NewLegacyForm(flags.WithLegacyForm(ctx, false)), flags.NewLegacyForm(flags.WithLegacyForm(ctx, true)))
`,
		want: `off off
off on true
off false true
off on
`,
	},
	{
		golden: "description",
		main: `
	ctx := context.Background()
	fmt.Println(flags.NewUnicodeCopy(ctx), flags.Variants[flags.UnicodeCopy]())
	ctx = flags.WithUnicodeCopy(ctx, flags.UnicodeCopyLarge)
	fmt.Println(flags.NewUnicodeCopy(ctx).IsLarge(), flags.NewUnicodeCopy(ctx))
	fmt.Println(flags.Set.Schema().Flags[0].Owner)
`,
		want: `klein [klein gross]
true gross
i18n (Zoë)
`,
	},
	{
		golden: "settled",
		main: `
	ctx := context.Background()
	fmt.Println(flags.NewFastPath(ctx), flags.NewSearch(ctx))
	fmt.Println(flags.NewFastPath(flags.WithFastPath(ctx, false)))
`,
		// Without an evaluator every flag serves its default, settled or
		// not.
		want: `off control
off
`,
	},
	{
		golden: "runtime_pkg",
		main: `
	ctx := flags.WithCheckout(context.Background(), true)
	fmt.Println(flags.NewCheckout(ctx), flags.NewCheckout(context.Background()))
`,
		want: `on off
`,
	},
	{
		golden: "targeting",
		main: `
	ctx := context.Background()
	fmt.Println(flags.NewSearch(ctx), flags.NewDarkMode(ctx), flags.NewLegacyExport(ctx))
`,
		want: `control off off
`,
	},
	{
		golden: "values",
		main: `
	ctx := context.Background()
	// With no evaluator, the default's values.
	p := flags.NewPricingPage(ctx)
	fmt.Println(p, p.Multiplier(), p.Label(), p.Offer())
	p = flags.NewPricingPage(flags.WithPricingPage(ctx, flags.PricingPageHigherPrice))
	fmt.Println(p, p.Multiplier()*100, p.Label(), p.Offer().Percent, p.Offer().Code)
	d := flags.NewDarkMode(flags.WithDarkMode(ctx, true))
	fmt.Println(d, d.Value(), flags.NewDarkMode(ctx).Value())
	// Zero values are the defaults; a number that is no variant has zero
	// values.
	var zp flags.PricingPage
	var zd flags.DarkMode
	fmt.Println(zp.Multiplier(), zp.Label(), zd.Value())
	fmt.Printf("%v %q %+v\n", flags.PricingPage(7).Multiplier(), flags.PricingPage(7).Label(), flags.PricingPage(7).Offer())
`,
		want: `control 1 Standard {0 }
higher_price 120 Premium 10 SPRING
on dark light
1 Standard light
0 "" {Percent:0 Code:}
`,
	},
	{
		golden: "empty",
		main: `
	_ = context.Background()
	fmt.Println(len(flags.Set.Schema().Flags))
`,
		want: `0
`,
	},
}

// TestEndToEnd generates packages from testdata into a temporary module
// that requires this one (through a replace directive), builds and vets
// them with programs that call the generated API, runs the programs and
// checks what they print.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds programs with the go command; skipped in -short mode")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	goSum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/e2e\n\ngo 1.26\n\n"+
		"require github.com/flaggen/flaggen v0.0.0\n\n"+
		"replace github.com/flaggen/flaggen => "+root+"\n")
	write("go.sum", string(goSum))

	// Each program ends by printing its package's schema, which must be
	// what spec.File.Meta makes of the flags.toml: the literal carries
	// every declaration into the compiled-in snapshot.
	schemas := map[string]string{}
	contract := map[string]string{} // by case: what its contract program must print
	cases := map[string]*goldenCase{}
	for _, c := range loadGolden(t) {
		cases[c.name] = c
	}
	for _, e := range endToEnd {
		c := cases[e.golden]
		if c == nil {
			t.Fatalf("no testdata/%s.txtar", e.golden)
		}
		f, err := spec.Parse("flags.toml", c.toml)
		if err != nil {
			t.Fatalf("%s: %v", e.golden, err)
		}
		files, err := Generate(f, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", e.golden, err)
		}
		for name, src := range files {
			write(e.golden+"/flags/"+name, string(src))
		}
		schemas[e.golden] = fmt.Sprintf("schema %#v\n", f.Meta().Flags)
		write(e.golden+"/main.go", "package main\n\n"+
			"import (\n\t\"context\"\n\t\"fmt\"\n\n"+
			"\tflags \"example.com/e2e/"+e.golden+"/flags\"\n)\n\n"+
			"func main() {"+e.main+"\tfmt.Printf(\"schema %#v\\n\", flags.Set.Schema().Flags)\n}\n")

		// The program the package's directives describe (contract_test.go).
		body, want, err := contractMain(f, files[FileName])
		if err != nil {
			t.Fatalf("%s: %v", e.golden, err)
		}
		contract[e.golden] = want
		write(e.golden+"/"+e.golden+"_contract/main.go", "package main\n\n"+
			"import (\n\t\"context\"\n\t\"encoding/json\"\n\t\"fmt\"\n\n"+
			"\tflags \"example.com/e2e/"+e.golden+"/flags\"\n)\n\n"+
			"func main() {\n"+body+"}\n")
	}

	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	run := func(t *testing.T, name string, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, out, stderr.Bytes())
		}
		return out
	}
	bin := filepath.Join(dir, "bin")
	run(t, gocmd, "build", "-o", bin+string(filepath.Separator), "./...")
	run(t, gocmd, "vet", "./...")

	for _, e := range endToEnd {
		t.Run(e.golden, func(t *testing.T) {
			got := string(run(t, filepath.Join(bin, e.golden)))
			got, schema, _ := strings.Cut(got, "schema ")
			if "schema "+schema != schemas[e.golden] {
				t.Errorf("the compiled schema is not spec.File.Meta's:\ngot  %swant %s", "schema "+schema, schemas[e.golden])
			}
			if got != e.want {
				t.Errorf("output differs; diff (-want +got):\n%s", Diff("want", []byte(e.want), "got", []byte(got)))
			}
			got = string(run(t, filepath.Join(bin, e.golden+"_contract")))
			if got != contract[e.golden] {
				t.Errorf("the generated code does not do what its directives say; diff (-directives +got):\n%s", Diff("directives", []byte(contract[e.golden]), "got", []byte(got)))
			}
		})
	}
}
