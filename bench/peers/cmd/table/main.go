// Table turns the peer benchmarks' output into the comparison table: the
// median ns/op and allocs/op of each SDK in each scenario, and its ratio
// to the hand-written floor measured in the same run. It writes
// RESULTS.md and, when the README holds the markers
//
//	<!-- peers:begin -->
//	<!-- peers:end -->
//
// replaces what is between them with the same table. bench/peers/run
// measures and then runs it; run it alone to regenerate both files from
// a committed bench.txt without measuring again.
//
// Usage, from bench/peers:
//
//	go run ./cmd/table [-in bench.txt] [-results RESULTS.md] [-readme ../../README.md] [-gomod go.mod]
//
// The input is go test -bench output (several runs of the same
// benchmarks may follow each other; each value is the median of its
// runs) with the configuration lines that run adds to it: date, go,
// cpu-model, cores, rounds, load-start and load-end. -readme "" leaves the README
// alone.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "bench.txt", "the go test -bench output to read")
	results := fs.String("results", "RESULTS.md", "the Markdown file to write")
	readme := fs.String("readme", "../../README.md", `the README whose peers region to replace ("" for none)`)
	gomod := fs.String("gomod", "go.mod", "the go.mod that names the SDKs' versions")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "table: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if err := write(*in, *results, *readme, *gomod, stdout); err != nil {
		fmt.Fprintf(stderr, "table: %v\n", err)
		return 1
	}
	return 0
}

// write reads the benchmark output in and the versions in gomod, writes
// results, and updates readme's region if it has one.
func write(in, results, readme, gomod string, stdout io.Writer) error {
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	r, err := parse(src)
	if err != nil {
		return fmt.Errorf("%s: %v", in, err)
	}
	mod, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	if err := os.WriteFile(results, resultsFile(r, versions(mod)), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", results)
	if readme == "" {
		return nil
	}
	old, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	updated, err := replaceRegion(old, readmeRegion(r))
	if errors.Is(err, errNoMarkers) {
		fmt.Fprintf(stdout, "%s has no %s … %s region: left as it is\n", readme, beginMarker, endMarker)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %v", readme, err)
	}
	if bytes.Equal(old, updated) {
		fmt.Fprintf(stdout, "%s is up to date\n", readme)
		return nil
	}
	if err := os.WriteFile(readme, updated, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "updated the peers region of %s\n", readme)
	return nil
}

// scenarios are the benchmarks, in column order, with their headings.
var scenarios = []struct{ bench, heading string }{
	{"Rollout", "a: 25% rollout"},
	{"Split", "b: 50/25/25 split"},
	{"Rule", "c: group rule, else 10%"},
}

// floorRow is the row every ratio is to.
const floorRow = "floor"

// modules maps a row to the module its version is read from.
var modules = map[string]string{
	"LaunchDarkly":      "github.com/launchdarkly/go-server-sdk/v7",
	"GrowthBook":        "github.com/growthbook/growthbook-golang",
	"Unleash":           "github.com/Unleash/unleash-client-go/v4",
	"go-feature-flag":   "github.com/thomaspoignant/go-feature-flag",
	"OpenFeature+flagd": "github.com/open-feature/go-sdk-contrib/providers/flagd",
	"OpenFeature":       "github.com/open-feature/go-sdk",
}

// sample is one benchmark result line.
type sample struct {
	ns, allocs float64
}

// result is what parse finds: the configuration lines by key, the rows
// in the order they first appear, and the samples by row and scenario.
type result struct {
	config  map[string]string
	rows    []string
	samples map[string]map[string][]sample
}

// parse reads go test -bench -benchmem output. Lines that are neither a
// configuration line ("key: value") nor a benchmark line are skipped.
func parse(src []byte) (*result, error) {
	r := &result{config: map[string]string{}, samples: map[string]map[string][]sample{}}
	for _, line := range strings.Split(string(src), "\n") {
		if key, value, ok := strings.Cut(line, ": "); ok && !strings.ContainsAny(key, " \t") && key != "" {
			r.config[key] = strings.TrimSpace(value)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the GOMAXPROCS suffix
			}
		}
		scenario, row, ok := strings.Cut(name, "/")
		if !ok {
			continue
		}
		var s sample
		s.allocs = -1
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", f[0], err)
			}
			switch f[i+1] {
			case "ns/op":
				s.ns = v
			case "allocs/op":
				s.allocs = v
			}
		}
		if s.ns == 0 || s.allocs < 0 {
			return nil, fmt.Errorf("%s: want ns/op and allocs/op (go test -benchmem)", f[0])
		}
		if r.samples[row] == nil {
			r.samples[row] = map[string][]sample{}
			r.rows = append(r.rows, row)
		}
		r.samples[row][scenario] = append(r.samples[row][scenario], s)
	}
	if len(r.rows) == 0 {
		return nil, errors.New("no benchmark results")
	}
	if r.samples[floorRow] == nil {
		return nil, fmt.Errorf("no %s results to take ratios to", floorRow)
	}
	return r, nil
}

// median returns the medians of the ns/op and allocs/op of ss.
func median(ss []sample) (ns, allocs float64) {
	return mid(ss, func(s sample) float64 { return s.ns }), mid(ss, func(s sample) float64 { return s.allocs })
}

func mid(ss []sample, v func(sample) float64) float64 {
	xs := make([]float64, len(ss))
	for i, s := range ss {
		xs[i] = v(s)
	}
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// runs returns the fewest samples a measured cell has.
func (r *result) runs() int {
	n := -1
	for _, row := range r.rows {
		for _, sc := range scenarios {
			if k := len(r.samples[row][sc.bench]); k > 0 && (n < 0 || k < n) {
				n = k
			}
		}
	}
	return n
}

// table returns the Markdown table: a row per SDK, and for each scenario
// its median ns/op, allocs/op and ratio to the floor's median ns/op.
func (r *result) table() string {
	var b strings.Builder
	b.WriteString("| |")
	for _, sc := range scenarios {
		fmt.Fprintf(&b, " %s ns/op | allocs | × floor |", sc.heading)
	}
	b.WriteString("\n|---|")
	for range scenarios {
		b.WriteString("---:|---:|---:|")
	}
	b.WriteString("\n")
	for _, row := range r.rows {
		fmt.Fprintf(&b, "| %s |", row)
		for _, sc := range scenarios {
			ss := r.samples[row][sc.bench]
			if len(ss) == 0 {
				b.WriteString(" – | – | – |")
				continue
			}
			ns, allocs := median(ss)
			floorNs, _ := median(r.samples[floorRow][sc.bench])
			fmt.Fprintf(&b, " %s | %s | %s |", formatNs(ns), strconv.FormatFloat(allocs, 'f', -1, 64), formatRatio(ns/floorNs))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// formatNs writes ns with one decimal under 100, else as a whole number
// with thousands separators.
func formatNs(ns float64) string {
	if ns < 100 {
		return strconv.FormatFloat(ns, 'f', 1, 64)
	}
	return whole(ns)
}

// formatRatio writes x with one decimal under 10, else as a whole number.
func formatRatio(x float64) string {
	if x < 10 {
		return strconv.FormatFloat(x, 'f', 1, 64) + "×"
	}
	return whole(x) + "×"
}

// whole writes x rounded to a whole number, with thousands separators.
func whole(x float64) string {
	s := strconv.FormatFloat(x, 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// machine describes where and when the figures were measured, from the
// configuration lines of the input.
func (r *result) machine() string {
	get := func(key string) string {
		if v := r.config[key]; v != "" {
			return v
		}
		return "unknown"
	}
	cpu := r.config["cpu-model"] // from /proc/cpuinfo
	if cpu == "" {
		cpu = get("cpu") // go test's
	}
	return fmt.Sprintf("%s; %s, %s cores, %s/%s, %s; load average %s at the start, %s at the end; medians of %d runs",
		get("date"), cpu, get("cores"), get("goos"), get("goarch"), get("go"),
		get("load-start"), get("load-end"), r.runs())
}

// versions returns the version go.mod requires of each module, by path.
func versions(gomod []byte) map[string]string {
	v := map[string]string{}
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && strings.HasPrefix(f[1], "v") {
			v[f[0]] = f[1]
		}
	}
	return v
}

// resultsFile returns RESULTS.md.
func resultsFile(r *result, versions map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Code generated by bench/peers/cmd/table from bench.txt. DO NOT EDIT. -->\n\n")
	b.WriteString("# flaggen beside other feature-flag SDKs\n\n")
	fmt.Fprintf(&b, "Measured %s.\n\n", r.machine())
	b.WriteString("One evaluation of one flag for the next of 1,024 user ids, in process,\n")
	b.WriteString("each building the SDK's subject or context from the id (and, in c,\n")
	b.WriteString("the group) as a request does; see README.md for what each SDK is\n")
	b.WriteString("configured with. ns/op and allocs/op are medians; × floor is the\n")
	b.WriteString("ratio of the median ns/op to the hand-written floor's in the same\n")
	b.WriteString("scenario and run.\n\n")
	b.WriteString(r.table())
	b.WriteString("\n## Versions\n\n| row | module | version |\n|---|---|---|\n")
	b.WriteString("| flaggen | github.com/flaggen/flaggen | this checkout |\n")
	for _, row := range r.rows {
		paths := []string{modules[row]}
		if row == "OpenFeature+flagd" {
			paths = append([]string{modules["OpenFeature"]}, paths...)
		}
		for _, p := range paths {
			if p != "" {
				fmt.Fprintf(&b, "| %s | %s | %s |\n", row, p, versions[p])
			}
		}
	}
	b.WriteString("\nRegenerate with `bench/peers/run` (measures; 8 rounds take about 4 minutes) or\n")
	b.WriteString("`go run ./cmd/table` (from the committed bench.txt).\n")
	return b.Bytes()
}

// readmeRegion returns what goes between the README's markers.
func readmeRegion(r *result) string {
	var b strings.Builder
	b.WriteString("For comparison, [`bench/peers`](bench/peers) measures flaggen beside\n")
	b.WriteString("five other SDKs in one run, in process, on the same three scenarios and\n")
	b.WriteString("1,024 user ids, each evaluation building its subject or context as a\n")
	b.WriteString("request does, against a hand-written map + FNV-1a floor. flaggen's\n")
	b.WriteString("figure includes allocating the request's evaluator, which then serves\n")
	b.WriteString("every flag the request reads; the evaluation itself costs about the\n")
	b.WriteString("floor, as above.\n\n")
	b.WriteString(r.table())
	fmt.Fprintf(&b, "\nMeasured %s. [RESULTS.md](bench/peers/RESULTS.md) has the versions;\n", r.machine())
	b.WriteString("`bench/peers/run` measures again and rewrites this table.\n")
	return b.String()
}

const (
	beginMarker = "<!-- peers:begin -->"
	endMarker   = "<!-- peers:end -->"
)

// errNoMarkers says a README has no peers region.
var errNoMarkers = errors.New("no peers markers")

// replaceRegion returns readme with the lines between its markers
// replaced by region.
func replaceRegion(readme []byte, region string) ([]byte, error) {
	s := string(readme)
	i := strings.Index(s, beginMarker)
	j := strings.Index(s, endMarker)
	switch {
	case i < 0 && j < 0:
		return nil, errNoMarkers
	case i < 0 || j < 0 || j < i:
		return nil, fmt.Errorf("want %s before %s, each once", beginMarker, endMarker)
	case strings.Count(s, beginMarker) > 1 || strings.Count(s, endMarker) > 1:
		return nil, fmt.Errorf("want %s and %s once each", beginMarker, endMarker)
	}
	start := i + len(beginMarker)
	return []byte(s[:start] + "\n" + region + s[j:]), nil
}
