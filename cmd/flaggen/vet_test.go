package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/analyzer"
	"github.com/flaggen/flaggen/internal/codegen"
	"github.com/flaggen/flaggen/spec"
)

func TestVetUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args   []string
		code   int
		stdout string // substring of stdout, or "" for none
		stderr string // substring of stderr, or "" for none
	}{
		{[]string{"help", "vet"}, exitOK, "usage: flaggen vet", ""},
		{[]string{"vet", "-h"}, exitOK, "", "-now DATE"},
		{[]string{"vet", "-nope"}, exitUsage, "", "flag provided but not defined: -nope"},
		{[]string{"vet", "-now", "2026-13-01"}, exitUsage, "", `-now "2026-13-01" is not a date: write YYYY-MM-DD`},
		{[]string{"vet", "-now", "yesterday", "./..."}, exitUsage, "", `-now "yesterday" is not a date`},
		{[]string{"vet", "-config", "nosuch.toml", "./..."}, exitUsage, "", "flaggen vet: -config nosuch.toml: no such file: name the flags.toml to compare the generated packages with\n"},
		{[]string{"vet", "-config", ".", "./..."}, exitUsage, "", "flaggen vet: -config .: a directory: name the flags.toml to compare the generated packages with\n"},
	} {
		r := runIn(t, dir, tt.args...)
		if r.code != tt.code {
			t.Errorf("flaggen %q: exit %d, want %d\nstderr: %s", tt.args, r.code, tt.code, r.stderr)
		}
		if tt.stdout == "" && r.stdout != "" || !strings.Contains(r.stdout, tt.stdout) {
			t.Errorf("flaggen %q: stdout %q, want it to contain %q", tt.args, r.stdout, tt.stdout)
		}
		if tt.stderr == "" && r.stderr != "" || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("flaggen %q: stderr %q, want it to contain %q", tt.args, r.stderr, tt.stderr)
		}
	}
	if r := runIn(t, dir, "help"); !strings.Contains(r.stdout, "flaggen vet [-config FILE] [-now DATE] [-json] [-fix] [-allow-unused KEYS] [packages]") {
		t.Errorf("flaggen help does not list vet:\n%s", r.stdout)
	}
}

// smallTOML declares search and new_checkout (validTOML), and holiday,
// to which smallApp does not refer.
const smallTOML = validTOML + `
[flags.holiday]
description = "Serve the special-day answer."
owner = "calendar-team"
expires = 2027-12-31
rollout = 0
`

// smallApp refers to search and new_checkout.
const smallApp = `package app

import (
	"context"

	"example.com/small/internal/flags"
)

// Rank picks a ranking.
func Rank(ctx context.Context) string {
	if flags.NewSearch(ctx).IsVariantA() {
		return "a"
	}
	return "b"
}

// Checkout reports whether the new checkout is on.
func Checkout(ctx context.Context) bool {
	return flags.NewCheckout(ctx).Enabled()
}
`

// smallModule writes a module example.com/small into a new directory:
// flags.toml (smallTOML), the package generated from it in
// internal/flags, and package app (smallApp). It returns the directory.
func smallModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeModule(t, dir, "example.com/small")
	writeFiles(t, dir, map[string]string{"flags.toml": smallTOML, "app/app.go": smallApp})
	if r := runIn(t, dir, "generate", "-o", "internal/flags", "-pkg", "flags"); r.code != exitOK {
		t.Fatalf("flaggen generate: %+v", r)
	}
	return dir
}

func TestVetWholeProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("loads packages with the go command; skipped with -short")
	}
	flaggen := buildFlaggen(t)
	dir := smallModule(t)
	holiday := tomlLine(t, dir, "[flags.holiday]")

	// Clean but for holiday, which nothing refers to.
	r := runBin(t, flaggen, dir, "vet", "-now", "2026-12-01")
	want := regexp.MustCompile(fmt.Sprintf(`^flags\.toml:%d:\d+: flag "holiday" is declared but no loaded package refers to it \(owner calendar-team\) \(unused\)\n$`, holiday))
	if r.code != exitFail || !want.MatchString(r.stdout) || r.stderr != "" {
		t.Errorf("flaggen vet: exit %d, stdout:\n%s\nstderr: %s\nwant exit 1 and a line matching %s", r.code, r.stdout, r.stderr, want)
	}

	// -now reaches the analyzer: new_checkout expires on 2027-02-01.
	r = runBin(t, flaggen, dir, "vet", "-now", "2027-02-02", "./app")
	checkout := filepath.Join("app", "app.go") + ":19:"
	if r.code != exitFail || !strings.Contains(r.stdout, checkout) || !strings.Contains(r.stdout, "(expired)") {
		t.Errorf("flaggen vet -now 2027-02-02: exit %d, stdout:\n%s\nwant an expired finding at %s", r.code, r.stdout, checkout)
	}

	// -json: the same findings, as an array.
	r = runBin(t, flaggen, dir, "vet", "-json", "-now", "2027-02-02")
	var got []jsonFinding
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != exitFail {
		t.Fatalf("flaggen vet -json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	var cats []string
	for _, f := range got {
		cats = append(cats, f.Category)
	}
	if slices.Sort(cats); !slices.Contains(cats, "expired") || !slices.Contains(cats, categoryUnused) {
		t.Errorf("flaggen vet -json: categories %q, want expired and unused", cats)
	}

	// Stale: flags.toml changed since it was generated.
	fresh, _ := os.ReadFile(filepath.Join(dir, "flags.toml"))
	writeFiles(t, dir, map[string]string{"flags.toml": strings.Replace(string(fresh), `owner = "payments"`, `owner = "checkout-team"`, 1)})
	stale := filepath.Join("internal", "flags", "flags_gen.go") + ":1:1: generated code is stale: run flaggen generate (stale)\n"
	if r := runBin(t, flaggen, dir, "vet", "-now", "2026-12-01"); r.code != exitFail || !strings.Contains(r.stdout, stale) {
		t.Errorf("flaggen vet on stale code: exit %d, stdout:\n%s\nwant %q", r.code, r.stdout, stale)
	}
	// -config names the file to compare with instead.
	writeFiles(t, dir, map[string]string{"other.toml": string(fresh)})
	if r := runBin(t, flaggen, dir, "vet", "-now", "2026-12-01", "-config", "other.toml"); strings.Contains(r.stdout, "(stale)") {
		t.Errorf("flaggen vet -config other.toml (the file it was generated from): %s", r.stdout)
	}
	// A -config that does not exist is a usage error, said before
	// anything is loaded: not a finding that tells to pass -config.
	if r := runBin(t, flaggen, dir, "vet", "-now", "2026-12-01", "-config", "missing.toml"); r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "-config missing.toml: no such file") {
		t.Errorf("flaggen vet -config missing.toml: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 2 and the missing file on stderr", r.code, r.stdout, r.stderr)
	}
	// The file the header names, gone: a stale finding saying so.
	if err := os.Rename(filepath.Join(dir, "flags.toml"), filepath.Join(dir, "moved.toml")); err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, flaggen, dir, "vet", "-now", "2026-12-01"); r.code != exitFail || !strings.Contains(r.stdout, "cannot read the flags.toml it was generated from: open ") {
		t.Errorf("flaggen vet with its flags.toml gone: exit %d, stdout:\n%s\nwant a finding that it cannot be read", r.code, r.stdout)
	}
	// An invalid flags.toml: its errors, as findings.
	writeFiles(t, dir, map[string]string{"flags.toml": invalidTOML})
	_, parseErr := spec.Parse("flags.toml", []byte(invalidTOML))
	var wantConfig strings.Builder
	for _, e := range parseErr.(spec.ErrorList) {
		fmt.Fprintf(&wantConfig, "%s: %s (config)\n", e.Pos, e.Msg)
	}
	if r := runBin(t, flaggen, dir, "vet", "-now", "2026-12-01"); r.code != exitFail || !strings.Contains(r.stdout, wantConfig.String()) {
		t.Errorf("flaggen vet with an invalid flags.toml: exit %d, stdout:\n%s\nwant it to contain:\n%s", r.code, r.stdout, wantConfig.String())
	}
	writeFiles(t, dir, map[string]string{"flags.toml": string(fresh)})

	// A package that does not type-check: exit 3, its error on stderr.
	writeFiles(t, dir, map[string]string{"broken/broken.go": "package broken\n\nvar x int = \"not an int\"\n"})
	r = runBin(t, flaggen, dir, "vet", "./...")
	if r.code != exitLoad || !strings.Contains(r.stderr, "broken.go:3:") || r.stdout != "" {
		t.Errorf("flaggen vet on a package with a type error: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, flaggen, dir, "vet", "./nothing/..."); r.code != exitLoad {
		t.Errorf("flaggen vet on a pattern that matches nothing: exit %d, want %d\n%s", r.code, exitLoad, r.stderr)
	}
}

// TestVetNowPerRun runs flaggen vet twice in one process, first with a
// -now after new_checkout expires and then with one before: each run
// judges as of its own date, and neither touches the default
// analyzer.Analyzer.
func TestVetNowPerRun(t *testing.T) {
	if testing.Short() {
		t.Skip("loads packages with the go command; skipped with -short")
	}
	dir := smallModule(t)
	for _, kv := range goEnv {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	for _, tc := range []struct {
		now     string
		expired bool
	}{
		{"2027-02-02", true},
		{"2026-12-01", false},
	} {
		r := runIn(t, dir, "vet", "-now", tc.now, "./app")
		if got := strings.Contains(r.stdout, "(expired)"); got != tc.expired || r.code != exitFail && r.code != exitOK {
			t.Errorf("flaggen vet -now %s: exit %d, expired findings %v, want %v\nstdout:\n%s\nstderr:\n%s", tc.now, r.code, got, tc.expired, r.stdout, r.stderr)
		}
	}
	if got := analyzer.Analyzer.Flags.Lookup("now").Value.String(); got != "" {
		t.Errorf("after flaggen vet -now, analyzer.Analyzer's -now is %q, want it unset", got)
	}
}

func TestApplyFixes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const a = `package a

import (
	"fmt"
	"strings"

	flg "example.com/flags"
)

func f() {
	if flg.On() {
		fmt.Println("on")
	}
	fmt.Println(strings.ToUpper("x"))
}

func g() {
	fmt.Println("g")
}
`
	const gen = "// Code generated by flaggen. DO NOT EDIT.\n\npackage a\n\nvar X = 1\n"
	writeFiles(t, dir, map[string]string{"a.go": a, "a_gen.go": gen})
	aPath, genPath := filepath.Join(dir, "a.go"), filepath.Join(dir, "a_gen.go")
	off := func(s string) int {
		i := strings.Index(a, s)
		if i < 0 {
			t.Fatalf("%q not in a.go", s)
		}
		return i
	}
	ifStmt := "if flg.On() {\n\t\tfmt.Println(\"on\")\n\t}\n\t"
	keep := edit{aPath, off(ifStmt), off(ifStmt) + len(ifStmt), "fmt.Println(\"on\")\n\t"}
	newFinding := func(line int, msg string, edits ...edit) finding {
		f := finding{posn: token.Position{Filename: aPath, Line: line, Column: 2}, message: msg, category: "removed"}
		if len(edits) > 0 {
			f.fixes = []fix{{Message: "keep the winning branch", Edits: edits}}
		}
		return f
	}
	findings := []finding{
		newFinding(11, "fixed", keep),
		newFinding(11, "same fix again, as from p [p.test]", keep),
		newFinding(11, "overlaps", edit{aPath, off("flg.On()"), off("flg.On()") + 8, "true"}),
		newFinding(18, "in a generated file", edit{genPath, 0, 2, ""}),
		newFinding(19, "no fix"),
	}
	var stderr bytes.Buffer
	left, fixed, err := applyFixes(findings, map[string]*types.Package{"example.com/flags": types.NewPackage("example.com/flags", "flags")}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if fixed != 2 {
		t.Errorf("fixed %d findings, want 2 (one fix, taken twice)", fixed)
	}
	var msgs []string
	for _, f := range left {
		msgs = append(msgs, f.message)
	}
	if want := []string{"overlaps", "in a generated file", "no fix"}; !slices.Equal(msgs, want) {
		t.Errorf("findings left: %q, want %q", msgs, want)
	}
	for _, want := range []string{"skipped 1 fix that would edit generated files", "skipped 1 overlapping fix; run flaggen vet -fix again"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
	const wantA = `package a

import (
	"fmt"
	"strings"
)

func f() {
	fmt.Println("on")
	fmt.Println(strings.ToUpper("x"))
}

func g() {
	fmt.Println("g")
}
`
	if got, _ := os.ReadFile(aPath); string(got) != wantA {
		t.Errorf("a.go after the fix; diff (-want +got):\n%s", diffOf(wantA, string(got)))
	}
	if got, _ := os.ReadFile(genPath); string(got) != gen {
		t.Errorf("the generated file was edited:\n%s", got)
	}

	// Fixes that do not give valid Go change nothing.
	writeFiles(t, dir, map[string]string{"a.go": a})
	bad := []finding{newFinding(11, "breaks the file", edit{aPath, off("func g"), off("func g") + 4, "fun"})}
	if _, _, err := applyFixes(bad, nil, &stderr); err == nil || !strings.Contains(err.Error(), "no file was changed") {
		t.Errorf("applyFixes with a bad edit: err = %v, want one saying no file was changed", err)
	}
	if got, _ := os.ReadFile(aPath); string(got) != a {
		t.Errorf("a bad fix changed a.go:\n%s", got)
	}
}

// TestApplyFixesAdjacent: the fixes of two statements one after the
// other, whose edits meet but share no byte (each deletion takes in its
// line's newline), are both applied in one run; edits that share bytes,
// and insertions at the same place, are not.
func TestApplyFixesAdjacent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const a = "package a\n\nfunc f() {\n\tif off() {\n\t\tx()\n\t}\n\tif off() {\n\t\ty()\n\t}\n\tz()\n}\n"
	writeFiles(t, dir, map[string]string{"a.go": a})
	aPath := filepath.Join(dir, "a.go")
	first := "\tif off() {\n\t\tx()\n\t}\n"
	second := "\tif off() {\n\t\ty()\n\t}\n"
	i := strings.Index(a, first)
	j := strings.Index(a, second)
	if i < 0 || j != i+len(first) {
		t.Fatal("the statements are not adjacent")
	}
	del := func(start, n int) []fix {
		return []fix{{Message: "delete", Edits: []edit{{aPath, start, start + n, ""}}}}
	}
	findings := []finding{
		{posn: token.Position{Filename: aPath, Line: 4}, message: "first", fixes: del(i, len(first))},
		{posn: token.Position{Filename: aPath, Line: 7}, message: "second", fixes: del(j, len(second))},
	}
	var stderr bytes.Buffer
	left, fixed, err := applyFixes(findings, nil, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if fixed != 2 || len(left) != 0 {
		t.Errorf("fixed %d, left %d; want both fixed in one run (stderr %q)", fixed, len(left), stderr.String())
	}
	const want = "package a\n\nfunc f() {\n\tz()\n}\n"
	if got, _ := os.ReadFile(aPath); string(got) != want {
		t.Errorf("a.go after the fixes; diff (-want +got):\n%s", diffOf(want, string(got)))
	}

	for _, tt := range []struct {
		a, b edit
		want bool
	}{
		{edit{"f", 0, 5, ""}, edit{"f", 5, 9, ""}, false},
		{edit{"f", 0, 5, "x"}, edit{"f", 5, 9, "y"}, false},
		{edit{"f", 0, 5, ""}, edit{"f", 4, 9, ""}, true},
		{edit{"f", 0, 9, ""}, edit{"f", 2, 3, ""}, true},
		{edit{"f", 5, 5, "x"}, edit{"f", 5, 5, "y"}, true},
		{edit{"f", 5, 5, "x"}, edit{"f", 0, 5, ""}, true},
		{edit{"f", 5, 5, "x"}, edit{"f", 5, 9, ""}, true},
		{edit{"f", 0, 5, ""}, edit{"g", 0, 5, "y"}, false},
	} {
		if got := overlap(tt.a, tt.b); got != tt.want {
			t.Errorf("overlap(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := overlap(tt.b, tt.a); got != tt.want {
			t.Errorf("overlap(%v, %v) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

// TestUnknownAllowed: a key of -allow-unused that no flag package
// declares is a mistake (a typo, or a flag since deleted), said with the
// key it may be a typo of; with no flag package loaded, nothing is said.
func TestUnknownAllowed(t *testing.T) {
	t.Parallel()
	v := &vetter{allowUnused: map[string]bool{"search": true, "serch": true, "gone_for_good": true}}
	fp := &flagPackage{flags: analyzer.PackageFlags{Flags: []analyzer.FlagInfo{{Key: "search"}, {Key: "new_checkout"}}}}
	want := []string{
		`-allow-unused names "gone_for_good", which no loaded flag package declares: drop it`,
		`-allow-unused names "serch", which no loaded flag package declares; did you mean "search"?`,
	}
	if got := v.unknownAllowed([]*flagPackage{fp}); !slices.Equal(got, want) {
		t.Errorf("unknownAllowed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := v.unknownAllowed(nil); got != nil {
		t.Errorf("unknownAllowed with no flag package: %q, want nothing", got)
	}
}

func TestUsedNamesShadowing(t *testing.T) {
	t.Parallel()
	// A local variable that shadows an import is not a use of it.
	const src = "package a\n\nimport \"example.com/flags\"\n\nfunc f() { _ = flags.X }\n"
	use := "_ = flags.X"
	e := edit{"a.go", strings.Index(src, use), strings.Index(src, use) + len(use), "flags := struct{ X int }{}; _ = flags.X"}
	got, err := applyEdits("a.go", []byte(src), []edit{e}, map[string]*types.Package{"example.com/flags": types.NewPackage("example.com/flags", "flags")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got), "import") {
		t.Errorf("the import that only the edit's local variable shadows was kept:\n%s", got)
	}
}

func TestApplyEditsDotImport(t *testing.T) {
	t.Parallel()
	// A dot import that only the deleted code used goes, as a named one
	// does; left behind, it would not compile ("imported and not used").
	flags := types.NewPackage("example.com/flags", "flags")
	flags.Scope().Insert(types.NewFunc(token.NoPos, flags, "NewCheckout", types.NewSignatureType(nil, nil, nil, nil, nil, false)))
	pkgs := map[string]*types.Package{flags.Path(): flags}
	const src = "package a\n\nimport (\n\t\"fmt\"\n\n\t. \"example.com/flags\"\n)\n\nfunc f() {\n\tif NewCheckout() {\n\t\tfmt.Println(\"on\")\n\t}\n}\n"
	stmt := "if NewCheckout() {\n\t\tfmt.Println(\"on\")\n\t}"
	e := edit{"a.go", strings.Index(src, stmt), strings.Index(src, stmt) + len(stmt), `fmt.Println("on")`}
	got, err := applyEdits("a.go", []byte(src), []edit{e}, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	const want = "package a\n\nimport (\n\t\"fmt\"\n)\n\nfunc f() {\n\tfmt.Println(\"on\")\n}\n"
	if string(got) != want {
		t.Errorf("after the fix; diff (-want +got):\n%s", diffOf(want, string(got)))
	}

	// A dot import the fixed file still uses stays.
	const src2 = "package a\n\nimport . \"example.com/flags\"\n\nfunc f() {\n\tif NewCheckout() {\n\t}\n\tNewCheckout()\n}\n"
	stmt2 := "if NewCheckout() {\n\t}"
	e2 := edit{"a.go", strings.Index(src2, stmt2), strings.Index(src2, stmt2) + len(stmt2) + 2, ""}
	got, err = applyEdits("a.go", []byte(src2), []edit{e2}, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `import . "example.com/flags"`) {
		t.Errorf("the dot import that the fixed file still uses went:\n%s", got)
	}
}

func TestPrintFindings(t *testing.T) {
	t.Parallel()
	wd := t.TempDir()
	findings := []finding{
		{posn: token.Position{Filename: filepath.Join(wd, "a", "a.go"), Line: 3, Column: 7}, message: `flag "x" was removed`, category: "removed",
			fixes: []fix{{Message: "m", Edits: []edit{{File: filepath.Join(wd, "a", "a.go"), Start: 1, End: 2, New: "y"}}}}},
		{posn: token.Position{Filename: "/elsewhere/flags.toml", Line: 9, Column: 1}, message: `flag "y" is declared but…`, category: "unused"},
	}
	var text bytes.Buffer
	if err := printFindings(&text, wd, findings, false); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("a", "a.go") + ":3:7: flag \"x\" was removed (removed)\n/elsewhere/flags.toml:9:1: flag \"y\" is declared but… (unused)\n"
	if text.String() != want {
		t.Errorf("text output:\n%s\nwant:\n%s", text.String(), want)
	}
	var out bytes.Buffer
	if err := printFindings(&out, wd, findings, true); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if len(got) != 2 || got[0]["posn"] != filepath.Join("a", "a.go")+":3:7" || got[0]["category"] != "removed" || got[0]["fixes"] == nil || got[1]["fixes"] != nil {
		t.Errorf("JSON output:\n%s", out.String())
	}
	out.Reset()
	if err := printFindings(&out, wd, nil, true); err != nil || out.String() != "[]\n" {
		t.Errorf("JSON output with no findings: %q, %v; want []", out.String(), err)
	}
}

// diffOf returns a diff of want and got.
func diffOf(want, got string) []byte {
	return codegen.Diff("want", []byte(want), "got", []byte(got))
}
