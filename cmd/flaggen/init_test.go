package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/spec"
)

// initModule returns a temporary module directory holding go.mod, which
// declares module example.com/app and ends with extra.
func initModule(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"go.mod": "module example.com/app\n\ngo 1.26\n" + extra})
	return dir
}

// readAll returns the content of every regular file under dir, by
// slash-separated path relative to dir.
func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestInitWritesBothFiles(t *testing.T) {
	dir := initModule(t, "")
	sub := filepath.Join(dir, "cmd", "server")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	r := runIn(t, sub, "init") // from a subdirectory: the files go to the module's root
	if r.code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", r.code, r.stderr)
	}
	files := readAll(t, dir)
	toml, ok := files["flags.toml"]
	if !ok {
		t.Fatalf("no flags.toml at the module's root; files: %v", files)
	}
	gen, ok := files["internal/flags/gen.go"]
	if !ok {
		t.Fatalf("no internal/flags/gen.go; files: %v", files)
	}
	for _, w := range []string{"// Package flags ", "\npackage flags\n", "\n//go:generate go tool flaggen generate\n"} {
		if !strings.Contains(gen, w) {
			t.Errorf("gen.go lacks %q:\n%s", w, gen)
		}
	}
	if !strings.Contains(toml, "[generate]\ndir = \"internal/flags\"") || !strings.Contains(toml, "\npackage = \"flags\"") {
		t.Errorf("flags.toml lacks the [generate] table:\n%s", toml)
	}
	for _, w := range []string{
		"go get -tool github.com/flaggen/flaggen/cmd/flaggen\n",
		"go generate ./...\n",
		`"example.com/app/internal/flags"`,
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
}

func TestInitDirAndPkg(t *testing.T) {
	dir := initModule(t, "")
	r := runIn(t, dir, "init", "-dir", "pkg/feature-flags", "-pkg", "ff")
	if r.code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", r.code, r.stderr)
	}
	f, err := spec.Load(filepath.Join(dir, "flags.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Generate.Dir != "pkg/feature-flags" || f.Generate.Package != "ff" {
		t.Errorf("[generate] = %+v, want dir pkg/feature-flags, package ff", f.Generate)
	}
	gen, err := os.ReadFile(filepath.Join(dir, "pkg", "feature-flags", "gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(gen, []byte("\npackage ff\n")) {
		t.Errorf("gen.go:\n%s", gen)
	}

	// A DIR whose name is not a package name needs -pkg.
	dir = initModule(t, "")
	r = runIn(t, dir, "init", "-dir", "pkg/feature-flags")
	if want := `flaggen init: "feature-flags" is not a Go package name: pass -pkg featureflags` + "\n"; r.code != exitUsage || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, want)
	}
	for _, bad := range []string{"", "..", "../x", "/abs", "."} {
		r = runIn(t, dir, "init", "-dir", bad)
		if r.code != exitUsage {
			t.Errorf("-dir %q: exit %d, want 2; stderr %q", bad, r.code, r.stderr)
		}
	}
	if files := readAll(t, dir); len(files) != 1 {
		t.Errorf("refused inits wrote files: %v", files)
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	hints := map[string]string{
		"flags.toml":            "flags.toml already exists: declare flags in it, or move it away to start afresh",
		"internal/flags/gen.go": "gen.go already exists: pass -dir DIR to put the package elsewhere",
	}
	for _, existing := range []string{"", "flags.toml", "internal/flags/gen.go"} {
		t.Run(existing, func(t *testing.T) {
			dir := initModule(t, "")
			if existing == "" {
				if r := runIn(t, dir, "init"); r.code != exitOK {
					t.Fatalf("first init: exit %d; stderr:\n%s", r.code, r.stderr)
				}
			} else {
				writeFiles(t, dir, map[string]string{existing: "mine\n"})
			}
			before := readAll(t, dir)
			r := runIn(t, dir, "init")
			if r.code != exitFail {
				t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "wrote nothing") {
				t.Errorf("stderr %q does not say what exists and that nothing was written", r.stderr)
			}
			for name, hint := range hints {
				if (existing == "" || existing == name) && !strings.Contains(r.stderr, hint) {
					t.Errorf("stderr %q does not say %q", r.stderr, hint)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want none", r.stdout)
			}
			after := readAll(t, dir)
			if len(after) != len(before) {
				t.Errorf("files before: %v\nafter: %v", before, after)
			}
			for name, content := range before {
				if after[name] != content {
					t.Errorf("%s changed", name)
				}
			}
		})
	}
}

// TestInitNoModule: init writes nothing outside a module, or in one whose
// go.mod declares no module path.
func TestInitNoModule(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // in stderr
	}{
		{"no go.mod", nil, "no go.mod"},
		{"no module path", map[string]string{"go.mod": "go 1.26\n"}, "declares no module path: add a line module MODULE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			r := runIn(t, dir, "init")
			if r.code != exitFail || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %s", r.code, r.stderr, tc.want)
			}
			files := readAll(t, dir)
			for name := range tc.files {
				delete(files, name)
			}
			if len(files) != 0 {
				t.Errorf("wrote %v", files)
			}
		})
	}
}

// TestInitStarterValid: the starter declares a boolean flag and a flag
// with variants, and parses without errors, with every key commented.
func TestInitStarterValid(t *testing.T) {
	src := starterTOML("internal/flags", "flags", time.Now())
	f, err := spec.Parse("flags.toml", src)
	if err != nil {
		t.Fatalf("the starter does not validate: %v\n%s", err, src)
	}
	var boolean, variants bool
	for _, fl := range f.Flags {
		if fl.Bool {
			boolean = true
		} else {
			variants = true
		}
	}
	if !boolean || !variants {
		t.Errorf("the starter lacks a boolean flag (%v) or a flag with variants (%v)", boolean, variants)
	}
	if f.Generate.Dir != "internal/flags" || f.Generate.Package != "flags" {
		t.Errorf("[generate] = %+v", f.Generate)
	}
	// Every key of the flags carries a comment: on its line or the line above.
	lines := strings.Split(string(src), "\n")
	for i, line := range lines {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		if !strings.Contains(line, "#") && !strings.HasPrefix(lines[i-1], "#") && !strings.HasPrefix(lines[i-1], "[") {
			t.Errorf("line %d has no comment: %s", i+1, line)
		}
	}
}

// TestInitEndToEnd: init, then the generator, in a module that requires
// this one through a replace directive; a program reading both starter
// flags builds and vets.
func TestInitEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command; skipped in -short mode")
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
	dir := initModule(t, "\nrequire github.com/flaggen/flaggen v0.0.0\n\nreplace github.com/flaggen/flaggen => "+root+"\n")
	writeFiles(t, dir, map[string]string{"go.sum": string(goSum)})

	if r := runIn(t, dir, "init"); r.code != exitOK {
		t.Fatalf("init: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	// go generate runs this from internal/flags.
	if r := runIn(t, filepath.Join(dir, "internal", "flags"), "generate"); r.code != exitOK {
		t.Fatalf("generate: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "internal", "flags", "flags_gen.go")); err != nil {
		t.Fatal(err)
	}
	// From the module's root too, the same bytes: nothing is stale.
	if r := runIn(t, dir, "generate", "-check"); r.code != exitOK {
		t.Fatalf("generate -check: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"main.go": `package main

import (
	"fmt"
	"net/http"

	"example.com/app/internal/flags"
)

func handler(w http.ResponseWriter, r *http.Request) {
	if flags.NewDarkMode(r.Context()).Enabled() {
		fmt.Fprintln(w, "dark")
	}
	if flags.NewSearchRanking(r.Context()).IsVariantA() {
		fmt.Fprintln(w, "variant_a")
	}
}

func main() {
	http.HandleFunc("/", handler)
}
`})
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command(gocmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
