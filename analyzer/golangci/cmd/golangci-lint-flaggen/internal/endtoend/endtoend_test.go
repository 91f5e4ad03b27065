package endtoend

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/imports"
	"golang.org/x/tools/txtar"
)

// The end-to-end test builds golangci-lint-flaggen and cmd/flaggen,
// writes the module of testdata/app.txtar, and checks that golangci-lint-flaggen
// run reports exactly what flaggen vet does, at the same positions, as
// of the same date.

// now is the date both commands judge as of, the setting of the
// module's .golangci.yml: search was removed on 2026-10-01, new_checkout
// expired on 2029-12-15, dark_mode is live. It lies years ahead, so that
// golangci-lint reports new_checkout only if the setting reaches the
// analyzer.
const now = "2030-01-01"

func TestSameFindingsAsFlaggenVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds golangci-lint with the plugin (minutes, cold); skipped with -short")
	}
	root := repoRoot(t)
	app, err := txtar.ParseFile(filepath.Join("testdata", "app.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	golangciYML := string(fileOf(t, app, ".golangci.yml"))
	if !strings.Contains(golangciYML, "now: "+now+"\n") {
		t.Fatalf("testdata/app.txtar: .golangci.yml does not set now: %s", now)
	}
	bin := t.TempDir()
	gcl, flaggen := filepath.Join(bin, "golangci-lint-flaggen"), filepath.Join(bin, "flaggen")
	build(t, map[string]target{
		gcl:     {filepath.Join("..", ".."), "."},
		flaggen: {root, "./cmd/flaggen"},
	})

	dir := filepath.Join(t.TempDir(), "app")
	writeModule(t, app, root, dir)
	run(t, dir, flaggen, "generate")
	run(t, dir, "go", "mod", "tidy")

	want := wantLines(app)
	if len(want) != 7 {
		t.Fatalf("the module marks %d lines with // want, want 7", len(want))
	}
	vet := flaggenVet(t, flaggen, dir)
	lint := golangciLint(t, gcl, dir)

	var vetLines, lintText []string
	for _, f := range vet {
		vetLines = append(vetLines, f.pos.fileLine()+" "+f.category)
	}
	slices.Sort(vetLines)
	if !slices.Equal(vetLines, want) {
		t.Errorf("flaggen vet -now %s reports\n\t%s\nwant (the // want comments)\n\t%s", now, strings.Join(vetLines, "\n\t"), strings.Join(want, "\n\t"))
	}
	for _, f := range lint {
		lintText = append(lintText, f.String())
	}
	vetText := make([]string, len(vet))
	for i, f := range vet {
		vetText[i] = f.String()
	}
	slices.Sort(vetText)
	slices.Sort(lintText)
	t.Logf("golangci-lint-flaggen run:\n\t%s", strings.Join(lintText, "\n\t"))
	if !slices.Equal(lintText, vetText) {
		t.Errorf("golangci-lint-flaggen run reports\n\t%s\nflaggen vet -now %s reports\n\t%s", strings.Join(lintText, "\n\t"), now, strings.Join(vetText, "\n\t"))
	}

	// The fixes: golangci-lint run --fix makes the edits flaggen vet -fix
	// makes, but leaves the imports they make unused; with those
	// removed, as goimports does, the code is the same.
	vetDir, lintDir := filepath.Join(filepath.Dir(dir), "vet-fix"), filepath.Join(filepath.Dir(dir), "lint-fix")
	copyTree(t, dir, vetDir)
	copyTree(t, dir, lintDir)
	if _, stderr, code := runCode(t, vetDir, flaggen, "vet", "-fix", "-now", now, "./..."); code != 1 || !strings.Contains(stderr, "fixed 4 findings") {
		t.Errorf("flaggen vet -fix: exit %d, stderr:\n%s\nwant exit 1 (expired findings have no fix) and 4 fixes", code, stderr)
	}
	run(t, vetDir, "go", "build", "./...")
	if stdout, stderr, code := runCode(t, lintDir, gcl, "run", "--fix", "./..."); code != 1 {
		t.Errorf("golangci-lint-flaggen run --fix: exit %d, want 1 (expired findings have no fix)\n%s%s", code, stdout, stderr)
	}
	for _, f := range app.Files {
		name := f.Name
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		orig := readFile(t, filepath.Join(dir, name))
		vetFixed := readFile(t, filepath.Join(vetDir, name))
		lintFixed, err := imports.Process(name, readFile(t, filepath.Join(lintDir, name)), nil)
		if err != nil {
			t.Fatalf("%s after golangci-lint-flaggen run --fix: %v", name, err)
		}
		changed, removed := !bytes.Equal(vetFixed, orig), strings.Contains(string(orig), "// want removed")
		if changed != removed {
			t.Errorf("%s: flaggen vet -fix changed it: %v; want a change exactly where a removed flag is used", name, changed)
		}
		if !bytes.Equal(lintFixed, vetFixed) {
			t.Errorf("%s: golangci-lint-flaggen run --fix, then goimports, gives\n%s\nflaggen vet -fix gives\n%s", name, lintFixed, vetFixed)
		}
	}

	// A misspelt setting stops golangci-lint with a message naming it.
	if err := os.WriteFile(filepath.Join(dir, ".golangci.yml"), []byte(strings.Replace(golangciYML, "now:", "nwo:", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCode(t, dir, gcl, "run", "./...")
	if code == 0 || !strings.Contains(stderr, `unknown setting "nwo"`) || !strings.Contains(stderr, "now (") {
		t.Errorf("golangci-lint-flaggen run with setting nwo: exit %d, stderr:\n%s\nwant a failure naming nwo and the settings there are", code, stderr)
	}
}

// A pos is a position in a Go file: its path relative to the module,
// slash-separated, line and column.
type pos struct {
	file      string
	line, col int
}

func (p pos) fileLine() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

// A finding is what either command reports; golangci-lint does not
// give the category.
type finding struct {
	pos      pos
	message  string
	category string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", f.pos.file, f.pos.line, f.pos.col, f.message)
}

var (
	wantRE = regexp.MustCompile(`// want (\w+)$`)
	posnRE = regexp.MustCompile(`^(.+):(\d+):(\d+)$`) // flaggen vet's file:line:col
)

// wantLines returns "file:line category" for each line of the
// archive's files marked with a // want comment, sorted.
func wantLines(a *txtar.Archive) []string {
	var out []string
	for _, f := range a.Files {
		for i, line := range strings.Split(string(f.Data), "\n") {
			if m := wantRE.FindStringSubmatch(line); m != nil {
				out = append(out, fmt.Sprintf("%s:%d %s", f.Name, i+1, m[1]))
			}
		}
	}
	slices.Sort(out)
	return out
}

// flaggenVet runs flaggen vet -json -now now in dir and returns its
// findings.
func flaggenVet(t *testing.T, flaggen, dir string) []finding {
	t.Helper()
	out, stderr, code := runCode(t, dir, flaggen, "vet", "-json", "-now", now, "./...")
	if code != 1 {
		t.Fatalf("flaggen vet: exit %d, want 1 (findings):\n%s%s", code, out, stderr)
	}
	var found []struct{ Posn, Message, Category string }
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		t.Fatalf("flaggen vet -json: %v\n%s", err, out)
	}
	var fs []finding
	for _, f := range found {
		m := posnRE.FindStringSubmatch(f.Posn)
		if m == nil {
			t.Fatalf("flaggen vet: position %q is not file:line:col", f.Posn)
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		fs = append(fs, finding{pos{relPath(dir, m[1]), line, col}, f.Message, f.Category})
	}
	return fs
}

// golangciLint runs golangci-lint-flaggen run with JSON output in dir
// and returns the findings of the flaggen linter; it fails the test if
// another linter reports.
func golangciLint(t *testing.T, gcl, dir string) []finding {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	stdout, stderr, code := runCode(t, dir, gcl, "run", "--output.json.path="+report, "./...")
	if code != 1 {
		t.Fatalf("golangci-lint-flaggen run: exit %d, want 1 (issues):\n%s%s", code, stdout, stderr)
	}
	out, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct {
				Filename     string
				Line, Column int
			}
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("golangci-lint-flaggen run --output.json.path: %v\n%s", err, out)
	}
	var fs []finding
	for _, is := range res.Issues {
		if is.FromLinter != "flaggen" {
			t.Errorf("golangci-lint-flaggen run: an issue from %s: %s", is.FromLinter, is.Text)
			continue
		}
		fs = append(fs, finding{pos{relPath(dir, is.Pos.Filename), is.Pos.Line, is.Pos.Column}, is.Text, ""})
	}
	return fs
}

// relPath returns name relative to dir, slash-separated.
func relPath(dir, name string) string {
	if filepath.IsAbs(name) {
		if rel, err := filepath.Rel(dir, name); err == nil {
			name = rel
		}
	}
	return filepath.ToSlash(name)
}

// A target is a command to build: the directory to run go build in and
// the package.
type target struct{ dir, pkg string }

// build builds the commands, by output path, at the same time, and logs
// how long each took.
func build(t *testing.T, cmds map[string]target) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 0, len(cmds))
	var mu sync.Mutex
	for out, tg := range cmds {
		wg.Go(func() {
			start := time.Now()
			cmd := exec.Command("go", "build", "-o", out, tg.pkg)
			cmd.Dir = tg.dir
			cmd.Env = append(os.Environ(), goEnv...)
			output, err := cmd.CombinedOutput()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("go build %s in %s: %v\n%s", tg.pkg, tg.dir, err, output))
				return
			}
			t.Logf("go build -o %s: %v", filepath.Base(out), time.Since(start).Round(time.Millisecond))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// repoRoot returns the root of this repository.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return root
}

// goEnv is added to the environment of every command the test runs:
// each module builds on its own go.mod, as it is, with the local
// toolchain.
var goEnv = []string{"GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly"}

// writeModule writes the module of archive a into dir, with root, the
// repository's directory, for ROOT in its go.mod.
func writeModule(t *testing.T, a *txtar.Archive, root, dir string) {
	t.Helper()
	for i, f := range a.Files {
		if f.Name == "go.mod" {
			a.Files[i].Data = bytes.ReplaceAll(f.Data, []byte("ROOT"), []byte(root))
		}
	}
	fsys, err := txtar.FS(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
}

// fileOf returns the content of the file name of archive a.
func fileOf(t *testing.T, a *txtar.Archive, name string) []byte {
	t.Helper()
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("the archive has no file %s", name)
	return nil
}

// copyTree copies the directory tree src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// readFile returns the content of the file name.
func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// run runs the command bin with args in dir and fails the test if it
// fails.
func run(t *testing.T, dir, bin string, args ...string) {
	t.Helper()
	if stdout, stderr, code := runCode(t, dir, bin, args...); code != 0 {
		t.Fatalf("%s %s: exit %d\n%s%s", filepath.Base(bin), strings.Join(args, " "), code, stdout, stderr)
	}
}

// runCode runs the command bin with args in dir and returns its stdout,
// its stderr and its exit code.
func runCode(t *testing.T, dir, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(goEnv, "GOLANGCI_LINT_CACHE="+filepath.Join(filepath.Dir(dir), "golangci-lint-cache"))...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s %s: %v", filepath.Base(bin), strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}
