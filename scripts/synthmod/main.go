// Synthmod writes a synthetic Go module that uses flaggen, for timing
// flaggen vet against go vet on a code base of a realistic size
// (scripts/synthbench.sh runs it and the timings).
//
// Usage:
//
//	go run ./scripts/synthmod -o DIR [-pkgs 300] [-flags 100] [-repo .]
//
// The module, example.com/synth, holds:
//
//   - flags.toml with the flags f000, f001, …: two in three boolean
//     rollouts, one in three three-way splits; some removed, deprecated,
//     expired (before 2026-12-01) or settled, so that every category of
//     finding occurs;
//   - internal/flags/flags_gen.go, generated from it as flaggen generate
//     would;
//   - the packages pkg/p000, pkg/p001, …, each importing up to two earlier
//     ones (so the import graph has depth) and referring to three flags
//     through accessors, a variant switch and a string-keyed lookup; every
//     tenth has a test file that refers to a flag too. The last few flags
//     are referred to by no package, so the unused check finds them.
//
// go.mod requires github.com/flaggen/flaggen, replaced by the directory
// -repo, and copies that module's requirements and go.sum, so the module
// builds without the network. The output is deterministic.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"

	"github.com/flaggen/flaggen/internal/codegen"
	"github.com/flaggen/flaggen/spec"
)

const modulePath = "example.com/synth"

func main() {
	out := flag.String("o", "", "write the module into `DIR` (created; must not exist or be empty)")
	npkgs := flag.Int("pkgs", 300, "the number of packages")
	nflags := flag.Int("flags", 100, "the number of flags")
	repo := flag.String("repo", ".", "the flaggen repository to require, by `DIR`")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *npkgs < 1 || *nflags < 10 {
		fmt.Fprintln(os.Stderr, "usage: synthmod -o DIR [-pkgs N] [-flags N (at least 10)] [-repo DIR]")
		os.Exit(2)
	}
	if err := write(*out, *repo, *npkgs, *nflags); err != nil {
		fmt.Fprintf(os.Stderr, "synthmod: %v\n", err)
		os.Exit(1)
	}
}

// write writes the module into dir.
func write(dir, repo string, npkgs, nflags int) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	repo, err := filepath.Abs(repo)
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	if files["go.mod"], files["go.sum"], err = goMod(repo); err != nil {
		return err
	}
	toml := flagsTOML(nflags)
	files["flags.toml"] = toml
	f, err := spec.Parse("flags.toml", toml)
	if err != nil {
		return fmt.Errorf("the generated flags.toml is invalid: %v", err)
	}
	gen, err := codegen.Generate(f, codegen.Options{Package: "flags", Source: "../../flags.toml"})
	if err != nil {
		return err
	}
	files["internal/flags/"+codegen.FileName] = gen[codegen.FileName]
	// The last flags are left for the unused check.
	used := nflags - nflags/20
	for i := range npkgs {
		src, test := pkgSource(i, npkgs, f.Flags[:used])
		name := fmt.Sprintf("pkg/p%03d/p%03d", i, i)
		if files[name+".go"], err = format.Source(src); err != nil {
			return fmt.Errorf("%s.go: %v", name, err)
		}
		if test != nil {
			if files[name+"_test.go"], err = format.Source(test); err != nil {
				return fmt.Errorf("%s_test.go: %v", name, err)
			}
		}
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goMod returns go.mod and go.sum for the module: it requires flaggen,
// replaced by repo, and the versions of everything else that repo's
// go.mod requires.
func goMod(repo string) (mod, sum []byte, err error) {
	repoMod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		return nil, nil, err
	}
	if sum, err = os.ReadFile(filepath.Join(repo, "go.sum")); err != nil {
		return nil, nil, err
	}
	goLine := regexp.MustCompile(`(?m)^go .*$`).Find(repoMod)
	i := bytes.Index(repoMod, []byte("\nrequire"))
	if goLine == nil || i < 0 {
		return nil, nil, errors.New(filepath.Join(repo, "go.mod") + " has no go line or no require")
	}
	mod = fmt.Appendf(nil, "module %s\n\n%s\n\nrequire github.com/flaggen/flaggen v0.0.0\n\nreplace github.com/flaggen/flaggen => %s\n\n%s",
		modulePath, goLine, repo, repoMod[i+1:])
	return mod, sum, nil
}

// flagsTOML returns the flags.toml of n flags.
func flagsTOML(n int) []byte {
	var b bytes.Buffer
	b.WriteString("# A synthetic flags.toml written by scripts/synthmod.\n\n[generate]\ndir = \"internal/flags\"\npackage = \"flags\"\n")
	for i := range n {
		fmt.Fprintf(&b, "\n[flags.f%03d]\ndescription = \"Synthetic flag %d.\"\nowner = \"team-%d\"\n", i, i, i%7)
		expires := "2027-06-30"
		if i%10 == 3 {
			expires = "2026-06-30" // expired
		}
		fmt.Fprintf(&b, "expires = %s\n", expires)
		variants := i%3 == 2
		switch {
		case variants:
			b.WriteString("variants = [\"control\", \"variant_a\", \"variant_b\"]\ndefault = \"control\"\n")
			b.WriteString("split = { control = 50, variant_a = 25, variant_b = 25 }\n")
		case i%10 == 4:
			b.WriteString("rollout = 100\n") // settled
		default:
			fmt.Fprintf(&b, "rollout = %d\n", i%100)
		}
		switch {
		case i%10 == 5 && variants:
			b.WriteString("removed = { date = 2026-10-01, serve = \"variant_a\" }\n")
		case i%10 == 5:
			b.WriteString("removed = { date = 2026-10-01, serve = \"on\" }\n")
		case i%10 == 6:
			fmt.Fprintf(&b, "deprecated = \"use f%03d instead\"\n", (i+1)%n)
		}
	}
	return b.Bytes()
}

// pkgSource returns the source of package p<i> and of its test file, or
// nil for none.
func pkgSource(i, npkgs int, flags []*spec.Flag) (src, test []byte) {
	name := fmt.Sprintf("p%03d", i)
	var deps []int
	if i > 0 {
		deps = append(deps, i-1)
	}
	if i > 1 && i/2 != i-1 {
		deps = append(deps, i/2)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Package %s is synthetic package %d of %d.\npackage %s\n\nimport (\n\t\"context\"\n\n\t%q\n", name, i, npkgs, name, modulePath+"/internal/flags")
	for _, d := range deps {
		fmt.Fprintf(&b, "\t\"%s/pkg/p%03d\"\n", modulePath, d)
	}
	b.WriteString(")\n")

	pick := func(k int) *spec.Flag { return flags[(i*3+k)%len(flags)] }

	// F0: an accessor in an if, calling the dependencies.
	fl := pick(0)
	fmt.Fprintf(&b, "\n// F0 asks flag %s.\nfunc F0(ctx context.Context) int {\n\tn := 0\n", fl.Key)
	fmt.Fprintf(&b, "\tif flags.New%s(ctx).%s() {\n\t\tn++\n\t} else {\n\t\tn--\n\t}\n", fl.GoName, predicate(fl))
	for _, d := range deps {
		fmt.Fprintf(&b, "\tn += p%03d.F0(ctx)\n", d)
	}
	b.WriteString("\treturn n\n}\n")

	// F1: a switch on the variant, or a boolean's Enabled.
	fl = pick(1)
	fmt.Fprintf(&b, "\n// F1 asks flag %s.\nfunc F1(ctx context.Context) string {\n", fl.Key)
	if fl.Bool {
		fmt.Fprintf(&b, "\tif !flags.New%s(ctx).Enabled() {\n\t\treturn \"off\"\n\t}\n\treturn \"on\"\n}\n", fl.GoName)
	} else {
		fmt.Fprintf(&b, "\tswitch flags.New%s(ctx) {\n", fl.GoName)
		for _, v := range fl.Variants {
			fmt.Fprintf(&b, "\tcase flags.%s%s:\n\t\treturn %q\n", fl.GoName, v.GoName, v.Name)
		}
		b.WriteString("\t}\n\treturn \"\"\n}\n")
	}

	// F2: a string-keyed lookup through a constant.
	fl = pick(2)
	fmt.Fprintf(&b, "\n// key%d is the key of flag %s.\nconst key%d = %q\n", i, fl.Key, i, fl.Key)
	fmt.Fprintf(&b, "\n// F2 looks flag %s up by key.\nfunc F2(ctx context.Context) string {\n\treturn flags.Set.Lookup(ctx, key%d)\n}\n", fl.Key, i)

	if i%10 != 0 {
		return b.Bytes(), nil
	}
	fl = pick(3)
	var t bytes.Buffer
	fmt.Fprintf(&t, "package %s\n\nimport (\n\t\"context\"\n\t\"testing\"\n\n\t%q\n)\n", name, modulePath+"/internal/flags")
	fmt.Fprintf(&t, "\nfunc TestF0(t *testing.T) {\n\tctx := context.Background()\n\tif flags.New%s(ctx).%s() {\n\t\tt.Log(F0(ctx))\n\t}\n}\n", fl.GoName, predicate(fl))
	return b.Bytes(), t.Bytes()
}

// predicate returns the name of a predicate method of fl's value type.
func predicate(fl *spec.Flag) string {
	if fl.Bool {
		return "Enabled"
	}
	return "Is" + fl.Variants[1].GoName
}
