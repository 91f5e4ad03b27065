package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/internal/codegen"
)

// The end-to-end test of the vet drivers works on a copy of this
// repository's example scenarios (examples/internal/app/app.go: the code
// that reads the flags, without the servers around it, which need the
// examples module's own requirements), generated package and flags.toml,
// as module e2eModule, which requires this repository through a replace
// directive.
const e2eModule = "example.com/flagapp"

// e2eNow is the date the end-to-end test judges as of: new_checkout has
// expired, no other flag has. One date throughout lets go vet reuse its
// results for the packages that did not change.
const e2eNow = "2027-03-01"

// appTest is a test added to the copy's examples/internal/app. It refers
// to the new_checkout flag in a test file, so the fixes reach test files
// too, and it checks that the flow the fixed Checkout serves is the one
// the flag says.
const appTest = `package app_test

import (
	"context"
	"testing"

	"example.com/flagapp/examples/internal/app"
	"example.com/flagapp/generated/flags"
)

func TestCheckoutFlow(t *testing.T) {
	ctx := context.Background()
	want := "legacy"
	if flags.NewCheckout(ctx).Enabled() {
		want = "new"
	}
	if got := app.Checkout(ctx)["checkout"]; got != want {
		t.Errorf("Checkout()[checkout] = %v, want %v", got, want)
	}
}
`

func TestVetEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds flaggen-vet and a copy of the examples; skipped with -short")
	}
	root := repoRoot(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "app")
	copyExamples(t, root, dir)
	writeFiles(t, dir, map[string]string{"examples/internal/app/app_test.go": appTest})
	// The copy pins flaggen-vet with a tool directive, as the README says
	// an application should, and finds it with go tool -n.
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"go.mod": string(gomod) + "\ntool github.com/flaggen/flaggen/cmd/flaggen-vet\n"})
	tool := strings.TrimSpace(goCmd(t, dir, "tool", "-n", "flaggen-vet"))
	if !filepath.IsAbs(tool) {
		t.Fatalf("go tool -n flaggen-vet printed %q, want the path of the command", tool)
	}
	flaggen := buildFlaggen(t)

	// 1. As of e2eNow, new_checkout has expired: both drivers list every
	// reference to it. flaggen vet also reports my_new_feature, which
	// only an html/template refers to, as unused.
	checkout := refLines(t, dir, "flags.NewCheckout(")
	if len(checkout) == 0 {
		t.Fatal("the examples no longer call flags.NewCheckout; update the test")
	}
	nowFlag := "-flaggen.now=" + e2eNow
	got := goVet(t, dir, tool, nowFlag)
	if lines := linesOf(got, "new_checkout"); !slices.Equal(lines, checkout) || len(got) != len(checkout) {
		t.Errorf("go vet %s: reports at %q, want one about new_checkout at each call %q", nowFlag, got, checkout)
	}
	if msgs := messagesOf(got, "new_checkout"); len(msgs) == 0 || !strings.Contains(msgs[0], "payments") || !strings.Contains(msgs[0], "2027-02-26") {
		t.Errorf("go vet: the expiry message %q does not name the owner (payments) and the date (2027-02-26)", msgs)
	}
	fv := vetJSON(t, flaggen, dir, "-now", e2eNow)
	if lines := jsonLines(fv, "expired"); !slices.Equal(lines, checkout) {
		t.Errorf("flaggen vet -now %s: expired findings at %q, want %q", e2eNow, lines, checkout)
	}
	unused := fmt.Sprintf("flags.toml:%d", tomlLine(t, dir, "[flags.my_new_feature]"))
	if lines := jsonLines(fv, categoryUnused); !slices.Equal(lines, []string{unused}) {
		t.Errorf("flaggen vet -now %s: unused findings at %q, want %q (my_new_feature)", e2eNow, lines, unused)
	}
	if len(fv) != len(checkout)+1 {
		t.Errorf("flaggen vet -now %s: %d findings, want %d:\n%+v", e2eNow, len(fv), len(checkout)+1, fv)
	}

	// 2. Mark new_checkout removed, serving on, and regenerate: both
	// drivers list every reference, and the copy still builds and passes
	// its tests. The if statements of the app and of the test file have
	// fixes; the analyzer decides which other shapes do.
	removeCheckout(t, dir)
	if r := runIn(t, dir, "generate"); r.code != exitOK {
		t.Fatalf("flaggen generate in the copy: %+v", r)
	}
	goCmd(t, dir, "build", "./...")
	removed := refLines(t, dir, "flags.NewCheckout(")
	if len(removed) < 2 {
		t.Fatalf("the copy calls flags.NewCheckout at %q; want the app and its test", removed)
	}
	got = goVet(t, dir, tool, nowFlag)
	if lines := linesOf(got, `"new_checkout"`); !containsAll(lines, removed) {
		t.Errorf("go vet after removing new_checkout: reports at %q, want one at each call %q\nall: %q", lines, removed, got)
	}
	fv = vetJSON(t, flaggen, dir, "-now", e2eNow)
	if lines := jsonLines(fv, "removed"); !containsAll(lines, removed) {
		t.Errorf("flaggen vet after removing new_checkout: removed findings at %q, want one at each call %q", lines, removed)
	}
	fixable, unfixable := map[string]bool{}, map[string]bool{}
	for _, f := range fv {
		switch {
		case f.Category == categoryStale:
			t.Errorf("flaggen vet: generated code reported stale after flaggen generate: %+v", f)
		case f.Category == "removed" && len(f.Fixes) > 0:
			fixable[posnLine(f.Posn)] = true
		case f.Category == "removed":
			unfixable[posnLine(f.Posn)] = true
			t.Logf("no fix offered for %s: %s", f.Posn, f.Message)
		}
	}
	for _, stmt := range []string{"if flags.NewCheckout(ctx).Enabled() {"} {
		if lines := refLines(t, dir, stmt); len(lines) != 2 || !fixable[lines[0]] || !fixable[lines[1]] {
			t.Errorf("flaggen vet offers no fix for the if statements at %q; fixable: %v", lines, fixable)
		}
	}
	if failed := failingTests(t, dir); len(failed) > 0 {
		t.Errorf("tests fail in the copy before the fixes: %v", failed)
	}

	// 3. flags.toml edited without regenerating: flaggen vet says the
	// generated code is stale.
	tomlPath := filepath.Join(dir, "flags.toml")
	fresh, err := os.ReadFile(tomlPath)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"flags.toml": strings.Replace(string(fresh), `owner = "calendar-team"`, `owner = "platform"`, 1)})
	staleLine := filepath.Join("generated", "flags", "flags_gen.go") + ":1:1: generated code is stale: run flaggen generate (stale)\n"
	if r := runBin(t, flaggen, dir, "vet", "-now", e2eNow, "./generated/..."); r.code != exitFail || !strings.Contains(r.stdout, staleLine) {
		t.Errorf("flaggen vet after editing flags.toml: exit %d, stdout:\n%s\nwant exit 1 and %q", r.code, r.stdout, staleLine)
	}
	writeFiles(t, dir, map[string]string{"flags.toml": string(fresh)})

	// 4. Apply the fixes, once with go vet -fix and once with flaggen vet
	// -fix, each on its own copy. Every finding that had a fix is gone and
	// only those without one are left; the copy builds, vets and passes
	// its tests.
	goVetDir, flaggenDir := filepath.Join(tmp, "govet"), filepath.Join(tmp, "flaggenvet")
	copyTree(t, dir, goVetDir)
	copyTree(t, dir, flaggenDir)
	goCmd(t, goVetDir, "vet", "-vettool="+tool, nowFlag, "-fix", "./...")
	if r := runBin(t, flaggen, flaggenDir, "vet", "-now", e2eNow, "-fix"); r.code != exitFail || !strings.Contains(r.stderr, fmt.Sprintf("fixed %d finding", len(fixable))) {
		t.Errorf("flaggen vet -fix: exit %d, want 1 (findings without fixes are left), and a count of %d fixes\nstdout:\n%s\nstderr: %s", r.code, len(fixable), r.stdout, r.stderr)
	}
	for _, d := range []string{goVetDir, flaggenDir} {
		name := filepath.Base(d)
		left := 0
		removedUnused := false
		for _, f := range vetJSON(t, flaggen, d, "-now", e2eNow) {
			switch f.Category {
			case "removed":
				left++
				if len(f.Fixes) > 0 || !unfixable[posnLine(f.Posn)] {
					t.Errorf("%s: after the fixes: %s: %s (fixes: %d); want only the findings that had no fix", name, f.Posn, f.Message, len(f.Fixes))
				}
			case categoryUnused:
				removedUnused = removedUnused || strings.Contains(f.Message, `flag "new_checkout" was removed on 2026-10-01 and no loaded package refers to it`)
			}
		}
		if left == 0 && !removedUnused {
			t.Errorf("%s: no reference to new_checkout is left, but flaggen vet does not say so", name)
		}
		goCmd(t, d, "build", "./...")
		goCmd(t, d, "vet", "./...")
		if failed := failingTests(t, d); len(failed) > 0 {
			t.Errorf("%s: tests fail after the fixes: %v", name, failed)
		}
	}
	for _, name := range []string{"examples/internal/app/app.go", "examples/internal/app/app_test.go"} {
		a, _ := os.ReadFile(filepath.Join(goVetDir, name))
		b, _ := os.ReadFile(filepath.Join(flaggenDir, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: go vet -fix and flaggen vet -fix disagree; diff:\n%s", name, codegen.Diff("go vet -fix", a, "flaggen vet -fix", b))
		}
	}
	fixedTest, _ := os.ReadFile(filepath.Join(flaggenDir, "examples/internal/app/app_test.go"))
	if bytes.Contains(fixedTest, []byte("flags.")) || bytes.Contains(fixedTest, []byte("/generated/flags")) {
		t.Errorf("app_test.go after the fixes still refers to the flags package:\n%s", fixedTest)
	}
}

// failingTests runs go test -json ./... in dir and returns the tests
// that fail, as "package.TestName".
func failingTests(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out, _ := goRun(dir, "test", "-count=1", "-json", "./...")
	failed := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		var ev struct{ Action, Package, Test string }
		if json.Unmarshal([]byte(line), &ev) != nil || ev.Action != "fail" {
			continue
		}
		if ev.Test == "" && !strings.Contains(out, `"Package":"`+ev.Package+`","Test":`) {
			t.Fatalf("go test: package %s failed to build or run:\n%s", ev.Package, out)
		}
		if ev.Test != "" && !strings.Contains(ev.Test, "/") {
			failed[ev.Package+"."+ev.Test] = true
		}
	}
	return failed
}

// posnLine returns "file:line" of a "file:line:col" position.
func posnLine(posn string) string {
	parts := strings.Split(posn, ":")
	if len(parts) < 3 {
		return posn
	}
	return filepath.ToSlash(strings.Join(parts[:len(parts)-1], ":"))
}

// buildFlaggen builds cmd/flaggen and returns the command's path. Tests
// run flaggen vet as a command rather than in the test process, where
// go test -race would make its type-checking of every package several
// times slower.
func buildFlaggen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "flaggen")
	goCmd(t, repoRoot(t), "build", "-o", bin, "./cmd/flaggen")
	return bin
}

// runBin runs the flaggen command bin with args in dir.
func runBin(t *testing.T, bin, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), goEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return result{exit.ExitCode(), stdout.String(), stderr.String()}
	case err != nil:
		t.Fatalf("flaggen %s: %v", strings.Join(args, " "), err)
	}
	return result{0, stdout.String(), stderr.String()}
}

// repoRoot returns the root of this repository.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return root
}

// goCmd runs the go command in dir and fails the test if it fails.
func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := goRun(dir, args...)
	if err != nil {
		t.Fatalf("in %s: go %s: %v\n%s", dir, strings.Join(args, " "), err, out)
	}
	return out
}

// goEnv is added to the environment of the commands tests run: the
// temporary modules are used as they are, with the local toolchain.
var goEnv = []string{"GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly"}

// goRun runs the go command in dir and returns its combined output.
func goRun(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), goEnv...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// writeModule writes go.mod and go.sum for a module named path in dir
// that requires this repository (replaced by its directory) and the same
// versions of everything else, so that it builds without the network.
func writeModule(t *testing.T, dir, path string) {
	t.Helper()
	root := repoRoot(t)
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go .*$`).Find(mod)
	rest := mod[bytes.Index(mod, []byte("\nrequire"))+1:]
	gomod := fmt.Sprintf("module %s\n\n%s\n\nrequire github.com/flaggen/flaggen v0.0.0\n\nreplace github.com/flaggen/flaggen => %s\n\n%s",
		path, goLine, root, rest)
	writeFiles(t, dir, map[string]string{"go.mod": gomod, "go.sum": string(sum)})
}

// copyExamples copies the repository's examples, generated package and
// flags.toml into dir as module e2eModule.
func copyExamples(t *testing.T, root, dir string) {
	t.Helper()
	for _, name := range []string{"examples/internal/app/app.go", "generated", "flags.toml"} {
		copyTree(t, filepath.Join(root, name), filepath.Join(dir, name))
	}
	writeModule(t, dir, e2eModule)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, sub := range []string{"examples/", "generated/"} {
			src = bytes.ReplaceAll(src, []byte(`"github.com/flaggen/flaggen/`+sub), []byte(`"`+e2eModule+"/"+sub))
		}
		return os.WriteFile(path, src, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the directory tree (or the file) src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// removeCheckout marks the new_checkout flag removed, serving on, in
// dir's flags.toml.
func removeCheckout(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "flags.toml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const key = "[flags.new_checkout]\n"
	if bytes.Count(src, []byte(key)) != 1 {
		t.Fatal("flags.toml no longer has the new_checkout flag; update the test")
	}
	src = bytes.Replace(src, []byte(key), []byte(key+`removed = { date = 2026-10-01, serve = "on" }`+"\n"), 1)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
}

// refLines returns "file:line" (file relative to dir, slash-separated)
// for each line of the non-generated Go files in dir that contains s,
// sorted.
func refLines(t *testing.T, dir, s string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_gen.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, s) && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				out = append(out, fmt.Sprintf("%s:%d", filepath.ToSlash(rel), i+1))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// A vetLine is one diagnostic go vet printed.
type vetLine struct {
	file string // relative to the module's directory, slash-separated
	line int
	msg  string
}

func (l vetLine) String() string { return fmt.Sprintf("%s:%d: %s", l.file, l.line, l.msg) }

var diagRE = regexp.MustCompile(`^(.+\.go):(\d+):(\d+): (.*)$`)

// goVet runs go vet -vettool=tool args ./... in dir and returns what it
// reports, each diagnostic once (a file can be vetted as p and p [p.test]).
func goVet(t *testing.T, dir, tool string, args ...string) []vetLine {
	t.Helper()
	out, err := goRun(dir, append(append([]string{"vet", "-vettool=" + tool}, args...), "./...")...)
	lines := parseVet(dir, out)
	if err != nil && len(lines) == 0 {
		t.Fatalf("go vet -vettool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if err == nil && len(lines) > 0 {
		t.Errorf("go vet reported %d diagnostics but exited 0", len(lines))
	}
	return lines
}

func parseVet(dir, out string) []vetLine {
	var lines []vetLine
	seen := map[string]bool{}
	for _, s := range strings.Split(out, "\n") {
		m := diagRE.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		file := m[1]
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if rel, err := filepath.Rel(dir, file); err == nil {
			file = filepath.ToSlash(rel)
		}
		n, _ := strconv.Atoi(m[2])
		l := vetLine{file, n, m[4]}
		if !seen[l.String()] {
			seen[l.String()] = true
			lines = append(lines, l)
		}
	}
	return lines
}

// linesOf returns "file:line" of the lines whose message contains s,
// sorted and without duplicates.
func linesOf(lines []vetLine, s string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l.msg, s) {
			out = append(out, fmt.Sprintf("%s:%d", l.file, l.line))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// messagesOf returns the messages that contain s.
func messagesOf(lines []vetLine, s string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l.msg, s) {
			out = append(out, l.msg)
		}
	}
	return out
}

// vetJSON runs flaggen vet -json args in dir with the flaggen command
// and returns its findings.
func vetJSON(t *testing.T, flaggen, dir string, args ...string) []jsonFinding {
	t.Helper()
	r := runBin(t, flaggen, dir, append([]string{"vet", "-json"}, args...)...)
	if r.code != exitOK && r.code != exitFail {
		t.Fatalf("flaggen vet -json %q: exit %d\n%s", args, r.code, r.stderr)
	}
	var out []jsonFinding
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("flaggen vet -json %q: %v\n%s", args, err, r.stdout)
	}
	return out
}

// jsonLines returns "file:line" of the findings in category, sorted and
// without duplicates.
func jsonLines(findings []jsonFinding, category string) []string {
	var out []string
	for _, f := range findings {
		if f.Category != category {
			continue
		}
		out = append(out, posnLine(f.Posn))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// containsAll reports whether every element of want is in got.
func containsAll(got, want []string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

// tomlLine returns the number of the line of dir's flags.toml that is s.
func tomlLine(t *testing.T, dir, s string) int {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(dir, "flags.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(src), "\n") {
		if line == s {
			return i + 1
		}
	}
	t.Fatalf("flags.toml has no line %q", s)
	return 0
}
