package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/internal/codegen"
	"github.com/flaggen/flaggen/spec"
)

const validTOML = `[flags.search]
description = "Ranking experiment for search results."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }

[flags.new_checkout]
go_name = "Checkout"
description = "New checkout flow."
owner = "payments"
expires = 2027-02-01
rollout = 25
`

// invalidTOML has two errors: an unknown key and a split that does not
// add up to 100.
const invalidTOML = `[flags.search]
description = "Ranking experiment for search results."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a"]
default = "control"
split = { control = 50, variant_a = 25 }

[flags.new_checkout]
description = "New checkout flow."
owner = "payments"
expires = 2027-02-01
rolout = 25
`

// result is what one run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// runIn runs the command line args in dir.
func runIn(t *testing.T, dir string, args ...string) result {
	t.Helper()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// writeFiles creates files (slash-separated paths relative to dir).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// wantGenerated returns what codegen generates from src.
func wantGenerated(t *testing.T, src, pkg, source string) []byte {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	files, err := codegen.Generate(f, codegen.Options{Package: pkg, Source: source})
	if err != nil {
		t.Fatal(err)
	}
	return files[codegen.FileName]
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flags.toml": validTOML})
	for _, tt := range []struct {
		args       []string
		code       int
		stdout     string // substring of stdout, or "" for none
		stderrWant string // substring of stderr, or "" for none
	}{
		{nil, exitUsage, "", "Usage:"},
		{[]string{"help"}, exitOK, "Usage:", ""},
		{[]string{"-h"}, exitOK, "Usage:", ""},
		{[]string{"--help"}, exitOK, "Usage:", ""},
		{[]string{"help", "generate"}, exitOK, "-pkg NAME", ""},
		{[]string{"help", "check"}, exitOK, "usage: flaggen check", ""},
		{[]string{"help", "nope"}, exitUsage, "", `unknown command "nope"`},
		{[]string{"nope"}, exitUsage, "", `unknown command "nope"`},
		{[]string{"gen"}, exitUsage, "", `unknown command "gen": did you mean flaggen generate?`},
		{[]string{"chek", "flags.toml"}, exitUsage, "", `unknown command "chek": did you mean flaggen check?`},
		{[]string{"help", "vte"}, exitUsage, "", `unknown command "vte": did you mean flaggen help vet?`},
		{[]string{"help", "-h"}, exitOK, "Usage:", ""},
		{[]string{"help", "-x"}, exitUsage, "", "flaggen help: unknown command \"-x\"\nRun 'flaggen help' for usage."},
		{[]string{"-o", "out", "generate", "flags.toml"}, exitUsage, "", "the command comes first, then its flags: write flaggen generate -o out flags.toml"},
		{[]string{"-pkg=x"}, exitUsage, "", `unknown command "-pkg=x": the command comes first, then its flags, e.g. flaggen generate -o DIR`},
		{[]string{"generate", "-nope"}, exitUsage, "", "flag provided but not defined: -nope"},
		{[]string{"generate", "-h"}, exitOK, "", "usage: flaggen generate"},
		{[]string{"generate", "a.toml", "b.toml"}, exitUsage, "", "flaggen generate: want at most one FILE, got 2 (a.toml b.toml): run it once for each, e.g. flaggen generate a.toml\n"},
		{[]string{"generate", "-pkg", "my-flags"}, exitUsage, "", `-pkg "my-flags" is not a Go package name`},
		{[]string{"check", "-x"}, exitUsage, "", "flag provided but not defined: -x"},
		{[]string{"check", "a.toml", "b.toml"}, exitUsage, "", "flaggen check: want at most one FILE, got 2 (a.toml b.toml): run it once for each, e.g. flaggen check a.toml\n"},
		{[]string{"generate", "flags.toml", "-o", "out"}, exitUsage, "", "flaggen generate: flags go before FILE: write flaggen generate -o out flags.toml\n"},
		{[]string{"generate", "-pkg", "flags", "flags.toml", "-check"}, exitUsage, "", "write flaggen generate -pkg flags -check flags.toml\n"},
		{[]string{"check", "flags.toml", "-x"}, exitUsage, "", "flaggen check: flags go before FILE: write flaggen check -x flags.toml\n"},
		{[]string{"check", "--", "-x"}, exitFail, "", "flaggen: -x: no such file"},
		{[]string{"vet", "./...", "-fix"}, exitUsage, "", "flaggen vet: flags go before the packages: write flaggen vet -fix ./...\n"},
		{[]string{"vet", "-json", "./a", "-now", "2026-01-01", "./b c"}, exitUsage, "", "write flaggen vet -json -now 2026-01-01 ./a './b c'\n"},
		{[]string{"init", "extra"}, exitUsage, "", "flaggen init: unexpected argument \"extra\": init takes no FILE or DIR; to put the package in extra, write flaggen init -dir extra\n"},
		{[]string{"init", "-pkg", "p", "extra", "-dir", "x"}, exitUsage, "", "flaggen init: flags go before arguments, and init takes none: write flaggen init -pkg p -dir x\n"},
	} {
		r := runIn(t, dir, tt.args...)
		if r.code != tt.code {
			t.Errorf("flaggen %q: exit %d, want %d\nstderr: %s", tt.args, r.code, tt.code, r.stderr)
		}
		if tt.stdout == "" && r.stdout != "" || !strings.Contains(r.stdout, tt.stdout) {
			t.Errorf("flaggen %q: stdout %q, want it to contain %q", tt.args, r.stdout, tt.stdout)
		}
		if tt.stderrWant == "" && r.stderr != "" || !strings.Contains(r.stderr, tt.stderrWant) {
			t.Errorf("flaggen %q: stderr %q, want it to contain %q", tt.args, r.stderr, tt.stderrWant)
		}
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"flags.toml"}) {
		t.Errorf("usage errors wrote files: %v", got)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good/flags.toml": validTOML,
		"bad/flags.toml":  invalidTOML,
		"bad/sub/x.txt":   "",
	})
	_, parseErr := spec.Parse("flags.toml", []byte(invalidTOML))
	list, ok := parseErr.(spec.ErrorList)
	if !ok || len(list) < 2 {
		t.Fatalf("spec.Parse(invalidTOML) = %v, want at least two errors", parseErr)
	}

	if r := runIn(t, filepath.Join(dir, "good"), "check"); r.code != exitOK || r.stdout != "" || r.stderr != "" {
		t.Errorf("check of a valid file: got %+v, want exit 0 and no output", r)
	}
	if r := runIn(t, dir, "check", filepath.Join("good", "flags.toml")); r.code != exitOK || r.stdout != "" || r.stderr != "" {
		t.Errorf("check good/flags.toml: got %+v, want exit 0 and no output", r)
	}

	for _, tt := range []struct {
		wd, arg, name string // name is the file's name in messages
	}{
		{"bad", "", "flags.toml"},
		{"bad/sub", "", filepath.Join("..", "flags.toml")},
		{".", "bad/flags.toml", "bad/flags.toml"},
	} {
		args := []string{"check"}
		if tt.arg != "" {
			args = append(args, tt.arg)
		}
		r := runIn(t, filepath.Join(dir, filepath.FromSlash(tt.wd)), args...)
		if r.code != exitFail || r.stdout != "" {
			t.Errorf("in %s, flaggen %q: exit %d, stdout %q; want exit 1, no stdout", tt.wd, args, r.code, r.stdout)
		}
		var want strings.Builder
		for _, e := range list {
			e.Pos.Filename = tt.name
			want.WriteString(e.Error() + "\n")
		}
		if r.stderr != want.String() {
			t.Errorf("in %s, flaggen %q: stderr:\n%s\nwant:\n%s", tt.wd, args, r.stderr, want.String())
		}
	}

	// A file that is not there, or a directory, gets what to write instead.
	for _, tt := range []struct {
		wd, arg, want string
	}{
		{"good", "missing.toml", "flaggen: missing.toml: no such file: name an existing flags.toml, or leave FILE out to use the nearest one"},
		{".", "good", "flaggen: good is a directory: name the file in it, " + filepath.Join("good", "flags.toml")},
		{"bad", "sub", "flaggen: sub is a directory, which holds no flags.toml: name a flags.toml file"},
	} {
		r := runIn(t, filepath.Join(dir, tt.wd), "check", tt.arg)
		if r.code != exitFail || r.stderr != tt.want+"\n" {
			t.Errorf("in %s, flaggen check %s: exit %d, stderr %q; want exit 1 and %q", tt.wd, tt.arg, r.code, r.stderr, tt.want)
		}
	}
}

func TestCheckNoFlagsFile(t *testing.T) {
	dir := t.TempDir()
	r := runIn(t, dir, "check")
	if r.code != exitFail || !strings.Contains(r.stderr, "no flags.toml") {
		t.Errorf("check with no flags.toml: got %+v, want exit 1 and a message", r)
	}
}

func TestGenerate(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"flags.toml":                validTOML,
		"internal/flags/doc.go":     "// Package featureflags holds the flags.\npackage featureflags\n",
		"internal/flags/x_test.go":  "package featureflags_test\n",
		"internal/flags/gen.go":     "//go:build ignore\n\npackage main\n",
		"internal/flags/old_gen.go": "// Code generated by hand. DO NOT EDIT.\n\npackage other\n",
	})
	pkgDir := filepath.Join(root, "internal", "flags")
	r := runIn(t, pkgDir, "generate")
	if r.code != exitOK || r.stdout != "" || r.stderr != "" {
		t.Fatalf("generate: got %+v, want exit 0 and no output", r)
	}
	want := []string{"doc.go", "flags_gen.go", "gen.go", "old_gen.go", "x_test.go"}
	if got := listDir(t, pkgDir); !slices.Equal(got, want) {
		t.Errorf("after generate, the directory holds %v, want %v (one new file, no temporary files)", got, want)
	}
	got, err := os.ReadFile(filepath.Join(pkgDir, "flags_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if w := wantGenerated(t, validTOML, "featureflags", "../../flags.toml"); !bytes.Equal(got, w) {
		t.Errorf("flags_gen.go differs from codegen's output; diff (-want +got):\n%s", codegen.Diff("want", w, "got", got))
	}
	if !bytes.Contains(got, []byte("\n// source: ../../flags.toml\n")) || !bytes.Contains(got, []byte("\npackage featureflags\n")) {
		t.Errorf("flags_gen.go lacks the source line or package clause:\n%s", got)
	}
	fi, err := os.Stat(filepath.Join(pkgDir, "flags_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("flags_gen.go has mode %v, want 0644", fi.Mode().Perm())
	}

	// From the root, with -o and FILE, the output is the same.
	if r := runIn(t, root, "generate", "-o", "internal/flags", "flags.toml"); r.code != exitOK {
		t.Fatalf("generate -o: got %+v", r)
	}
	again, _ := os.ReadFile(filepath.Join(pkgDir, "flags_gen.go"))
	if !bytes.Equal(again, got) {
		t.Errorf("generate from another directory changed the output; diff:\n%s", codegen.Diff("first", got, "second", again))
	}
}

func TestGenerateUnchangedKeepsFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flags.toml": validTOML})
	if r := runIn(t, dir, "generate", "-pkg", "flags"); r.code != exitOK {
		t.Fatalf("generate: %+v", r)
	}
	path := filepath.Join(dir, "flags_gen.go")
	past := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if r := runIn(t, dir, "generate", "-pkg", "flags"); r.code != exitOK {
		t.Fatalf("generate again: %+v", r)
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(past) || !os.SameFile(before, after) {
		t.Errorf("generate rewrote an unchanged file: mtime %v, want %v", after.ModTime(), past)
	}

	// A change rewrites it.
	writeFiles(t, dir, map[string]string{"flags.toml": strings.Replace(validTOML, "rollout = 25", "rollout = 30", 1)})
	if r := runIn(t, dir, "generate", "-pkg", "flags"); r.code != exitOK {
		t.Fatalf("generate after a change: %+v", r)
	}
	if changed, _ := os.Stat(path); changed.ModTime().Equal(past) {
		t.Errorf("generate did not rewrite a changed file")
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"flags.toml", "flags_gen.go"}) {
		t.Errorf("directory holds %v, want flags.toml and flags_gen.go", got)
	}
}

func TestGenerateCheck(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flags.toml": validTOML})
	out := filepath.Join("gen", "flags")

	// Missing output.
	r := runIn(t, dir, "generate", "-check", "-o", out)
	// The command to run is the one -check ran, without -check.
	regen := "run flaggen generate -o " + out + "\n"
	if r.code != exitFail || !strings.Contains(r.stderr, filepath.Join(out, "flags_gen.go")+": missing; "+regen) {
		t.Errorf("-check with no output: got %+v, want exit 1 and \"missing; %s\"", r, regen)
	}
	if _, err := os.Stat(filepath.Join(dir, "gen")); err == nil {
		t.Errorf("-check created the output directory")
	}

	// Up to date.
	if r := runIn(t, dir, "generate", "-o", out); r.code != exitOK {
		t.Fatalf("generate: %+v", r)
	}
	if r := runIn(t, dir, "generate", "-check", "-o", out); r.code != exitOK || r.stderr != "" || r.stdout != "" {
		t.Errorf("-check of fresh output: got %+v, want exit 0 and no output", r)
	}

	// Stale: flags.toml changed.
	path := filepath.Join(dir, out, "flags_gen.go")
	before, _ := os.ReadFile(path)
	writeFiles(t, dir, map[string]string{"flags.toml": strings.Replace(validTOML, `owner = "payments"`, `owner = "checkout-team"`, 1)})
	r = runIn(t, dir, "generate", "-check", "-o", out)
	if r.code != exitFail {
		t.Errorf("-check of stale output: exit %d, want 1", r.code)
	}
	for _, want := range []string{
		filepath.Join(out, "flags_gen.go") + ": out of date; " + regen,
		`-			Owner:       "payments",`,
		`+			Owner:       "checkout-team",`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-check of stale output: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Errorf("-check wrote the file")
	}
	if lines := strings.Count(r.stderr, "\n"); lines > maxDiffLines+5 {
		t.Errorf("-check printed %d lines, want a short diff", lines)
	}

	// Invalid flags.toml: the errors, exit 1.
	writeFiles(t, dir, map[string]string{"flags.toml": invalidTOML})
	r = runIn(t, dir, "generate", "-check", "-o", out)
	if r.code != exitFail || !strings.HasPrefix(r.stderr, "flags.toml:") {
		t.Errorf("-check of an invalid file: got %+v, want exit 1 and its errors", r)
	}
}

func TestGenerateInvalidWritesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flags.toml": invalidTOML})
	r := runIn(t, dir, "generate", "-o", "out")
	if r.code != exitFail {
		t.Errorf("generate of an invalid file: exit %d, want 1", r.code)
	}
	if lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n"); len(lines) < 2 || !strings.HasPrefix(lines[0], "flags.toml:") || !strings.HasPrefix(lines[1], "flags.toml:") {
		t.Errorf("generate of an invalid file: stderr %q, want every error on its own line", r.stderr)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"flags.toml"}) {
		t.Errorf("generate of an invalid file wrote %v", got)
	}

	// An existing generated file is left as it was.
	writeFiles(t, dir, map[string]string{"out/flags_gen.go": "// old\npackage out\n"})
	if r := runIn(t, dir, "generate", "-o", "out"); r.code != exitFail {
		t.Errorf("exit %d, want 1", r.code)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "out", "flags_gen.go")); string(got) != "// old\npackage out\n" {
		t.Errorf("generate of an invalid file changed the existing output to:\n%s", got)
	}
	if got := listDir(t, filepath.Join(dir, "out")); !slices.Equal(got, []string{"flags_gen.go"}) {
		t.Errorf("output directory holds %v", got)
	}
}

func TestGeneratePackageName(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"flags.toml":         validTOML,
		"two/a.go":           "package a\n",
		"two/b.go":           "package b\n",
		"featureflags/.keep": "",
	})
	for _, tt := range []struct {
		args    []string
		code    int
		pkg     string // the package clause written, if code is 0
		message string // part of stderr, if code is not 0
	}{
		{[]string{"-o", "featureflags"}, exitOK, "featureflags", ""},
		{[]string{"-o", "new-dir"}, exitFail, "", `cannot name the package after the directory "new-dir": it is not a Go identifier; pass -pkg newdir`},
		{[]string{"-o", "new-dir", "-pkg", "flags"}, exitOK, "flags", ""},
		{[]string{"-o", "two"}, exitFail, "", "two packages, a (a.go) and b (b.go), so the package does not build: move the files of one away, or generate into another directory"},
		{[]string{"-o", "2fa"}, exitFail, "", `cannot name the package after the directory "2fa": it is not a Go identifier; pass -pkg NAME`},
		// b.go is another package: the output would not build.
		{[]string{"-o", "two", "-pkg", "a"}, exitFail, "", "two holds package b"},
	} {
		r := runIn(t, dir, append([]string{"generate"}, tt.args...)...)
		if r.code != tt.code {
			t.Errorf("generate %q: exit %d, want %d; stderr: %s", tt.args, r.code, tt.code, r.stderr)
			continue
		}
		if tt.code != exitOK {
			if !strings.Contains(r.stderr, tt.message) {
				t.Errorf("generate %q: stderr %q, want %q", tt.args, r.stderr, tt.message)
			}
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, tt.args[1], "flags_gen.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(got, []byte("\npackage "+tt.pkg+"\n")) {
			t.Errorf("generate %q: output lacks package %s", tt.args, tt.pkg)
		}
		if !bytes.Contains(got, []byte("\n// source: ../flags.toml\n")) {
			t.Errorf("generate %q: output lacks the source line ../flags.toml", tt.args)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new-dir", "flags_gen.go")); err != nil {
		t.Errorf("generate -o new-dir -pkg flags did not create the directory: %v", err)
	}
}

// TestGenerateDirFromFile: a [generate] table lets generate run from
// anywhere in the module and write the same bytes as go:generate in the
// package directory.
func TestGenerateDirFromFile(t *testing.T) {
	root := t.TempDir()
	src := "[generate]\ndir = \"internal/flags\"\npackage = \"feature\"\n\n" + validTOML
	writeFiles(t, root, map[string]string{"flags.toml": src, "sub/deeper/x.txt": ""})
	pkgDir := filepath.Join(root, "internal", "flags")

	if r := runIn(t, filepath.Join(root, "sub", "deeper"), "generate"); r.code != 0 {
		t.Fatalf("generate from a subdirectory: exit %d, stderr %q", r.code, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(pkgDir, "flags_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if want := wantGenerated(t, src, "feature", "../../flags.toml"); !bytes.Equal(got, want) {
		t.Errorf("generated file differs from codegen.Generate's output:\n%s", codegen.Diff("want", want, "got", got))
	}
	if r := runIn(t, pkgDir, "generate", "-check"); r.code != 0 {
		t.Errorf("generate -check in the package directory: exit %d, stderr %q", r.code, r.stderr)
	}
	// -o still wins over the file's dir.
	other := filepath.Join(root, "other")
	if r := runIn(t, root, "generate", "-o", other); r.code != 0 {
		t.Fatalf("generate -o: exit %d, stderr %q", r.code, r.stderr)
	}
	if names := listDir(t, other); !slices.Equal(names, []string{"flags_gen.go"}) {
		t.Errorf("-o dir holds %v, want [flags_gen.go]", names)
	}
}

// TestCheckHostileInput runs check on documents that used to crash the
// process (a nest of '[' overflowed the TOML decoder's stack) or take
// seconds and gigabytes (nested inline tables): each now gets one
// positioned error naming the limit, and exit 1.
func TestCheckHostileInput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"nest.toml":   "a = " + strings.Repeat("[", 1_200_000),
		"tables.toml": "a = " + strings.Repeat("{b = ", 8000) + "1" + strings.Repeat("}", 8000) + "\n",
		"large.toml":  strings.Repeat("# a comment line of 32 bytes...\n", 9<<20/32),
	})
	for _, tt := range []struct {
		file, want string
	}{
		{"nest.toml", "nest.toml:1:21: array nested more than 16 levels deep, past the depth limit: "},
		{"tables.toml", "tables.toml:1:81: key nested more than 16 levels deep, past the depth limit: "},
		{"large.toml", "large.toml:262145:1: the file goes on past the size limit of 8 MiB: "},
	} {
		r := runIn(t, dir, "check", tt.file)
		if r.code != exitFail || r.stdout != "" {
			t.Errorf("flaggen check %s: exit %d, stdout %q; want exit 1, no stdout", tt.file, r.code, r.stdout)
		}
		if !strings.HasPrefix(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("flaggen check %s: stderr %q, want one line starting %q", tt.file, r.stderr, tt.want)
		}
	}
}
