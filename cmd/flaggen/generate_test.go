package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGenerateIntoOtherPackage: a directory whose Go files are another
// package gets no generated file, and an error that names that package,
// the file, and what to write instead.
func TestGenerateIntoOtherPackage(t *testing.T) {
	for _, tt := range []struct {
		name  string
		toml  string   // flags.toml
		args  []string // after "generate"
		files map[string]string
		want  []string // parts of stderr; none for success
	}{{
		name:  "package key",
		toml:  "[generate]\ndir = \"pkg\"\npackage = \"flags\"\n\n" + validTOML,
		files: map[string]string{"pkg/server.go": "package server\n"},
		want:  []string{"pkg/server.go:1:9: ", "holds package server", "cannot be package flags", `set package = "server" under [generate] in flags.toml`},
	}, {
		name:  "-pkg",
		toml:  validTOML,
		args:  []string{"-o", "pkg", "-pkg", "flags"},
		files: map[string]string{"pkg/a.go": "// Package server serves.\npackage server\n", "pkg/b.go": "package server\n"},
		want:  []string{"pkg/a.go:2:9: ", "holds package server", "pass -pkg server"},
	}, {
		name:  "-check",
		toml:  validTOML,
		args:  []string{"-o", "pkg", "-pkg", "flags", "-check"},
		files: map[string]string{"pkg/server.go": "package server\n"},
		want:  []string{"holds package server"},
	}, {
		name:  "internal test file",
		toml:  validTOML,
		args:  []string{"-o", "pkg", "-pkg", "flags"},
		files: map[string]string{"pkg/server_test.go": "package server\n"},
		want:  []string{"pkg/server_test.go:1:9: ", "holds package server"},
	}, {
		name: "external tests and other builds are fine",
		toml: validTOML,
		args: []string{"-o", "pkg", "-pkg", "flags"},
		files: map[string]string{
			"pkg/flags_test.go": "package flags_test\n",
			"pkg/tool.go":       "//go:build ignore\n\npackage main\n",
			"pkg/gen.go":        "package flags\n\n//go:generate flaggen generate\n",
		},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			writeFiles(t, dir, map[string]string{"flags.toml": tt.toml})
			before := listDir(t, filepath.Join(dir, "pkg"))
			r := runIn(t, dir, append([]string{"generate"}, tt.args...)...)
			if len(tt.want) == 0 {
				if r.code != exitOK {
					t.Fatalf("exit %d, want 0; stderr:\n%s", r.code, r.stderr)
				}
				return
			}
			wantFailure(t, r, tt.want)
			if after := listDir(t, filepath.Join(dir, "pkg")); !slices.Equal(after, before) {
				t.Errorf("the directory held %v and now holds %v: generate wrote something", before, after)
			}
		})
	}
}

// TestGenerateIntoFile: a DIR that is a file is an error that says so and
// what to write, whether -o or [generate] names it.
func TestGenerateIntoFile(t *testing.T) {
	for _, tt := range []struct {
		name, toml string
		args       []string
		want       string
	}{
		{"-o", validTOML, []string{"-o", "pkg", "-pkg", "flags"}, "flaggen generate: -o pkg is a file, not a directory: name the directory to write flags_gen.go into\n"},
		{"[generate]", "[generate]\ndir = \"pkg\"\npackage = \"flags\"\n\n" + validTOML, nil, `flaggen generate: pkg (dir = "pkg" under [generate] in flags.toml) is a file, not a directory: name the directory to write flags_gen.go into` + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"flags.toml": tt.toml, "pkg": "not a directory\n"})
			r := runIn(t, dir, append([]string{"generate"}, tt.args...)...)
			if r.code != exitFail || r.stderr != tt.want {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

// TestGenerateOverDirectory: a directory called flags_gen.go is said to
// be in the way, not left to a failing rename of a temporary file.
func TestGenerateOverDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"flags.toml": validTOML, "pkg/flags_gen.go/keep": ""})
	r := runIn(t, dir, "generate", "-o", "pkg", "-pkg", "flags")
	wantFailure(t, r, []string{"pkg/flags_gen.go: a directory, where generate would write its file: rename it, or generate into another directory with -o DIR\n"})
	if got := listDir(t, filepath.Join(dir, "pkg")); !slices.Equal(got, []string{"flags_gen.go"}) {
		t.Errorf("pkg holds %v, want only flags_gen.go (no temporary file)", got)
	}
}

// wantFailure checks that r exited 1 and that its standard error, with
// slashes for separators, holds each of want.
func wantFailure(t *testing.T, r result, want []string) {
	t.Helper()
	if r.code != exitFail {
		t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(filepath.ToSlash(r.stderr), w) {
			t.Errorf("stderr %q lacks %q", r.stderr, w)
		}
	}
}

// TestGenerateKeepsOthersFile: a flags_gen.go that flaggen did not write
// (hand-written, or another tool's output) is not overwritten, whatever
// package it is in; generate says so and what to do, and -check says so
// too. A file flaggen wrote is replaced.
func TestGenerateKeepsOthersFile(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		old  string // pkg/flags_gen.go
		want []string
	}{{
		name: "hand-written, another package",
		args: []string{"-o", "pkg", "-pkg", "flags"},
		old:  "package other\n\n// Important is hand-written.\nfunc Important() {}\n",
		want: []string{"pkg/flags_gen.go:1:1: ", "not written by flaggen", "// Code generated by flaggen. DO NOT EDIT.", "rename it", "-o DIR"},
	}, {
		name: "hand-written, same package",
		args: []string{"-o", "pkg", "-pkg", "flags"},
		old:  "package flags\n\nfunc Important() {}\n",
		want: []string{"pkg/flags_gen.go:1:1: ", "not written by flaggen"},
	}, {
		name: "another generator's",
		args: []string{"-o", "pkg", "-pkg", "flags"},
		old:  "// Code generated by stringer; DO NOT EDIT.\n\npackage flags\n",
		want: []string{"pkg/flags_gen.go:1:1: ", "not written by flaggen"},
	}, {
		name: "-check",
		args: []string{"-o", "pkg", "-pkg", "flags", "-check"},
		old:  "package flags\n\nfunc Important() {}\n",
		want: []string{"pkg/flags_gen.go:1:1: ", "not written by flaggen"},
	}, {
		name: "flaggen's own, stale",
		args: []string{"-o", "pkg", "-pkg", "flags"},
		old:  "// Code generated by flaggen. DO NOT EDIT.\n// source: ../flags.toml\n\npackage flags\n",
	}, {
		name: "flaggen's own, CRLF line ends",
		args: []string{"-o", "pkg", "-pkg", "flags"},
		old:  "// Code generated by flaggen. DO NOT EDIT.\r\n// source: ../flags.toml\r\n\r\npackage flags\r\n",
	}} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"flags.toml": validTOML, "pkg/flags_gen.go": tt.old})
			r := runIn(t, dir, append([]string{"generate"}, tt.args...)...)
			got, err := os.ReadFile(filepath.Join(dir, "pkg", "flags_gen.go"))
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.want) == 0 {
				if r.code != exitOK {
					t.Fatalf("exit %d, want 0; stderr:\n%s", r.code, r.stderr)
				}
				if !strings.HasPrefix(string(got), "// Code generated by flaggen. DO NOT EDIT.\n") || string(got) == tt.old {
					t.Errorf("flags_gen.go was not regenerated:\n%s", got)
				}
				return
			}
			wantFailure(t, r, tt.want)
			if string(got) != tt.old {
				t.Errorf("generate overwrote a flags_gen.go it did not write; it now holds:\n%s", got)
			}
		})
	}
}

// clashTOML declares a flag of each kind, so that the generated file
// declares types, methods, enum constants and helpers.
const clashTOML = `[generate]
dir = "flags"
package = "flags"

` + validTOML

// TestGenerateNameClash: a name that another file of the package declares
// and the generated file declares too is reported at its position, and
// nothing is written.
func TestGenerateNameClash(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"flags.toml": clashTOML,
		"flags/mine.go": `package flags

import "strconv"

var flaggenSchema = strconv.Itoa(1)

func NewSearch() {}

type SearchControl struct{}

func (Search) IsControl() bool { return false }

func (c *Checkout) on() {}

var context = 1
`,
	})
	r := runIn(t, dir, "generate")
	if r.code != exitFail {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	want := []string{
		"flags/mine.go:5:5: name flaggenSchema is declared by flaggen's generated code (flags_gen.go); rename it",
		"flags/mine.go:7:6: name NewSearch is declared by flaggen's generated code (flags_gen.go); rename it",
		"flags/mine.go:9:6: name SearchControl is declared by flaggen's generated code (flags_gen.go); rename it",
		"flags/mine.go:11:15: method Search.IsControl is declared by flaggen's generated code (flags_gen.go); rename it",
		"flags/mine.go:13:20: method Checkout.on is declared by flaggen's generated code (flags_gen.go); rename it",
		"flags/mine.go:15:5: name context is declared by flaggen's generated code (flags_gen.go); rename it",
	}
	if got := strings.Split(strings.TrimSuffix(filepath.ToSlash(r.stderr), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := os.Stat(filepath.Join(dir, "flags", "flags_gen.go")); err == nil {
		t.Error("generate wrote flags_gen.go despite the clashes")
	}
}

// TestGenerateBesideUserNames: the names a package's own files commonly
// use, which flaggen's generated code once declared too (source, schema,
// flagSearch), no longer clash: the package builds.
func TestGenerateBesideUserNames(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped with -short")
	}
	dir := t.TempDir()
	writeModule(t, dir, "example.com/clash")
	writeFiles(t, dir, map[string]string{
		"flags.toml": clashTOML,
		"flags/mine.go": `package flags

// The user's own names, in the generated package.
const source = "mine"

var schema = map[string]int{}

const flagSearch = 7

func (s Search) Label() string { return "search: " + s.String() + source }
`,
	})
	if r := runIn(t, dir, "generate"); r.code != exitOK {
		t.Fatalf("generate: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	goCmd(t, dir, "vet", "./flags")
}
