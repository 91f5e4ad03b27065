package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bench is two runs of two rows, with the configuration lines run adds
// and the noise go test prints.
const bench = `date: 2026-11-30 16:00 UTC
go: go1.26.8
cpu-model: Test CPU
cores: 2
load-start: 0.10 0.20 0.30
goos: linux
goarch: amd64
pkg: github.com/flaggen/flaggen/bench/peers
cpu: AMD EPYC
BenchmarkRollout/floor-2     	15601990	        20.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkRollout/LaunchDarkly-2  	  773548	       400 ns/op	       0 B/op	       0 allocs/op
BenchmarkSplit/floor-2     	15601990	        10.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkSplit/LaunchDarkly-2  	  773548	       12340 ns/op	       0 B/op	       3 allocs/op
PASS
BenchmarkRollout/floor-2     	15601990	        22.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkRollout/LaunchDarkly-2  	  773548	       600 ns/op	       0 B/op	       0 allocs/op
BenchmarkSplit/floor-2     	15601990	        10.00 ns/op	       0 B/op	       0 allocs/op
BenchmarkSplit/LaunchDarkly-2  	  773548	       12340 ns/op	       0 B/op	       3 allocs/op
BenchmarkSplit/LaunchDarkly-2  	  773548	       12340 ns/op	       0 B/op	       3 allocs/op
ok  	github.com/flaggen/flaggen/bench/peers	1.0s
load-end: 1.00 2.00 3.00
`

func TestTable(t *testing.T) {
	r, err := parse([]byte(bench))
	if err != nil {
		t.Fatal(err)
	}
	got := r.table()
	for _, want := range []string{
		"| floor | 21.0 | 0 | 1.0× | 10.0 | 0 | 1.0× | – | – | – |\n",
		"| LaunchDarkly | 500 | 0 | 24× | 12,340 | 3 | 1,234× | – | – | – |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q; got\n%s", want, got)
		}
	}
	m := r.machine()
	want := "2026-11-30 16:00 UTC; Test CPU, 2 cores, linux/amd64, go1.26.8; load average 0.10 0.20 0.30 at the start, 1.00 2.00 3.00 at the end; medians of 2 runs"
	if m != want {
		t.Errorf("machine() = %q, want %q", m, want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"empty", "PASS\n", "no benchmark results"},
		{"no floor", "BenchmarkRollout/x-2 1 5 ns/op 0 B/op 0 allocs/op\n", "no floor results"},
		{"no benchmem", "BenchmarkRollout/floor-2 1 5 ns/op\n", "want ns/op and allocs/op"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReplaceRegion(t *testing.T) {
	got, err := replaceRegion([]byte("a\n<!-- peers:begin -->\nold\n<!-- peers:end -->\nb\n"), "new\n")
	if want := "a\n<!-- peers:begin -->\nnew\n<!-- peers:end -->\nb\n"; err != nil || string(got) != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	if _, err := replaceRegion([]byte("no markers\n"), "x"); !errors.Is(err, errNoMarkers) {
		t.Errorf("without markers: got %v, want errNoMarkers", err)
	}
	if _, err := replaceRegion([]byte("<!-- peers:end -->\n<!-- peers:begin -->\n"), "x"); err == nil {
		t.Error("markers out of order: got no error")
	}
}

// TestRun writes RESULTS.md and a README's region from files, as run does.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	files := map[string]string{
		"bench.txt": bench,
		"go.mod":    "module x\n\nrequire (\n\tgithub.com/launchdarkly/go-server-sdk/v7 v7.1.2\n)\n",
		"README.md": "# x\n<!-- peers:begin -->\nold\n<!-- peers:end -->\n",
	}
	for name, s := range files {
		if err := os.WriteFile(path(name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	args := []string{"-in", path("bench.txt"), "-results", path("RESULTS.md"), "-readme", path("README.md"), "-gomod", path("go.mod")}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("run: exit %d, stderr %s", code, &stderr)
	}
	results, _ := os.ReadFile(path("RESULTS.md"))
	if !strings.Contains(string(results), "| LaunchDarkly | github.com/launchdarkly/go-server-sdk/v7 | v7.1.2 |") {
		t.Errorf("RESULTS.md lacks LaunchDarkly's version:\n%s", results)
	}
	readme, _ := os.ReadFile(path("README.md"))
	if strings.Contains(string(readme), "old") || !strings.Contains(string(readme), "| LaunchDarkly | 500 |") {
		t.Errorf("README.md region not replaced:\n%s", readme)
	}
	if code := run([]string{"extra"}, &stdout, &stderr); code != 2 {
		t.Errorf("run with an argument: exit %d, want 2", code)
	}
}
