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
			if r.code != exitFail {
				t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(filepath.ToSlash(r.stderr), w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
			if after := listDir(t, filepath.Join(dir, "pkg")); !slices.Equal(after, before) {
				t.Errorf("the directory held %v and now holds %v: generate wrote something", before, after)
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
