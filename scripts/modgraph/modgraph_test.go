// Package modgraph checks the promise of the module layout: an app that
// uses flaggen's net/http middleware and a generated flag package carries
// none of the dependencies of the nested adapter modules (gin and what it
// pulls in) in its module graph, so a vulnerability scanner run on such an
// app reports none of them.
//
// The test writes an app module in a temporary directory that requires the
// root module through a replace to this checkout, runs go mod tidy and go
// mod graph in it, and fails naming every module of the list that the
// graph holds. It needs the go command and the root module's dependencies
// in the module cache (or GOPROXY to fetch them); go.sum is copied from
// the root module, so a warm cache needs no network.
package modgraph

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// heavy are module paths (or prefixes of them) that an app of only the
// root module must not carry: the gin adapter's dependencies, the Redis
// store's and the OpenFeature provider's.
var heavy = []string{
	"github.com/gin-gonic/gin",
	"github.com/quic-go/quic-go",
	"go.mongodb.org/mongo-driver",
	"github.com/bytedance/sonic",
	"github.com/redis/go-redis",
	"github.com/open-feature/go-sdk",
}

// TestAppGraphHasNoAdapterDependencies is the check of issue 8's "Done
// when": an app module that imports only middleware and a generated
// package has no gin, quic-go or mongo-driver anywhere in go mod graph.
func TestAppGraphHasNoAdapterDependencies(t *testing.T) {
	t.Parallel()
	graph := appGraph(t, nil, `import (
	_ "github.com/flaggen/flaggen/generated/flags"
	_ "github.com/flaggen/flaggen/middleware"
)`)
	if !strings.Contains(graph, "github.com/BurntSushi/toml@") {
		t.Fatalf("go mod graph does not list github.com/BurntSushi/toml, which the root module requires; is this the graph of an app of flaggen?\n%s", graph)
	}
	for _, m := range heavy {
		if lines := linesWith(graph, m); len(lines) > 0 {
			t.Errorf("the module graph of an app that imports only middleware and generated/flags holds %s:\n\t%s", m, strings.Join(lines, "\n\t"))
		}
	}
}

// TestAdapterGraphHasGin shows that the check above can fail: an app that
// imports the gin adapter does carry gin and quic-go.
func TestAdapterGraphHasGin(t *testing.T) {
	t.Parallel()
	graph := appGraph(t, []string{"middleware/ginflags"}, `import _ "github.com/flaggen/flaggen/middleware/ginflags"`)
	for _, m := range []string{"github.com/gin-gonic/gin", "github.com/quic-go/quic-go"} {
		if len(linesWith(graph, m)) == 0 {
			t.Errorf("the module graph of an app that imports middleware/ginflags does not hold %s; the check cannot see what it looks for\n%s", m, graph)
		}
	}
}

// appGraph writes an app module whose main.go has the given import block,
// requiring the root module and the nested modules in dirs (relative to the
// repository root), each replaced by its directory in this checkout; it
// runs go mod tidy and returns the output of go mod graph.
func appGraph(t *testing.T, dirs []string, imports string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var mod strings.Builder
	mod.WriteString("module example.com/app\n\ngo 1.26.0\n\n")
	for _, d := range append([]string{"."}, dirs...) {
		path := "github.com/flaggen/flaggen"
		if d != "." {
			path += "/" + d
		}
		mod.WriteString("require " + path + " v0.0.0-00010101000000-000000000000\n")
		mod.WriteString("replace " + path + " => " + filepath.Join(root, d) + "\n")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), mod.String())
	write(t, filepath.Join(dir, "main.go"), "package main\n\n"+imports+"\n\nfunc main() {}\n")
	// The root's go.sum holds the sums of its whole graph; a nested
	// module's adds its own. With them tidy verifies nothing online.
	var sum []byte
	for _, d := range append([]string{"."}, dirs...) {
		b, err := os.ReadFile(filepath.Join(root, d, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		sum = append(sum, b...)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir = dir
		// GOWORK=off: a go.work of the developer's must not add modules.
		// GOFLAGS=-mod=mod: let tidy and graph update go.mod and go.sum.
		// GOPROXY and GOMODCACHE come from the environment.
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return string(out)
	}
	run("mod", "tidy")
	return run("mod", "graph")
}

// linesWith returns the lines of graph that name module m (m itself or a
// module path below it, at any version).
func linesWith(graph, m string) []string {
	var lines []string
	for line := range strings.Lines(graph) {
		for _, f := range strings.Fields(line) {
			if f == m || strings.HasPrefix(f, m+"@") || strings.HasPrefix(f, m+"/") {
				lines = append(lines, strings.TrimSpace(line))
				break
			}
		}
	}
	return lines
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
