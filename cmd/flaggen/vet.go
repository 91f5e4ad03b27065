package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/flaggen/flaggen/analyzer"
	"github.com/flaggen/flaggen/internal/codegen"
	"github.com/flaggen/flaggen/internal/suggest"
	"github.com/flaggen/flaggen/spec"
)

// Categories of the findings flaggen vet adds to the analyzer's.
const (
	categoryUnused = "unused" // a declared flag that no loaded package refers to
	categoryStale  = "stale"  // generated code that its flags.toml would not generate
	categoryConfig = "config" // a flags.toml that does not parse or validate
)

const vetUsage = `usage: flaggen vet [-config FILE] [-now DATE] [-json] [-fix] [-allow-unused KEYS] [packages]

Vet loads the packages (default ./...) with their tests and reports code
that refers to removed, expired, settled, deprecated or unknown flags,
flags that no loaded package refers to (unused), and generated flag
packages that their flags.toml would no longer generate (stale). It
prints one finding per line, sorted, as

	file:line:col: message (category)

and exits 0 when there is none, 1 when there is one, 2 on a usage error
and 3 when the packages cannot be loaded or type-checked.

Flags:
`

// vetOptions are the flags of flaggen vet.
type vetOptions struct {
	config      string // -config
	now         string // -now
	json        bool   // -json
	fix         bool   // -fix
	allowUnused string // -allow-unused
}

// vetFlags returns the flag set of flaggen vet, writing its messages to
// out, and the options it sets.
func vetFlags(out io.Writer) (*flag.FlagSet, *vetOptions) {
	opts := &vetOptions{}
	fs := flag.NewFlagSet("vet", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&opts.config, "config", "", "compare generated flag packages with `FILE` instead of the flags.toml named in their header")
	fs.StringVar(&opts.now, "now", "", "check expiry as of `DATE` (YYYY-MM-DD) instead of today; pin it in CI")
	fs.BoolVar(&opts.json, "json", false, "print the findings as a JSON array")
	fs.BoolVar(&opts.fix, "fix", false, "apply each finding's first suggested fix, then report the findings left")
	fs.StringVar(&opts.allowUnused, "allow-unused", "", "do not report the flags with these comma-separated `KEYS` as unused (for flags that only templates or other non-Go code use)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), vetUsage)
		fs.PrintDefaults()
	}
	return fs, opts
}

// loadMode is what flaggen vet loads: syntax and types for every package,
// dependencies included, as the checker needs to compute facts.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedTypes | packages.NeedTypesSizes |
	packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule

// runVet runs flaggen vet: it loads the packages, runs the analyzer on
// them and their dependencies, adds the whole-program checks, applies the
// fixes with -fix, and prints the findings left to stdout.
func runVet(args []string, stdout, stderr io.Writer) int {
	fs, opts := vetFlags(stderr)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if code := misplacedFlags(fs, "vet", "the packages", args, stderr); code >= 0 {
		return code
	}
	var cfg analyzer.Config
	if opts.now != "" {
		now, err := time.Parse(time.DateOnly, opts.now)
		if err != nil {
			fmt.Fprintf(stderr, "flaggen vet: -now %q is not a date: write YYYY-MM-DD, e.g. -now 2026-12-01\n", opts.now)
			return exitUsage
		}
		cfg.Now = now
	}
	if opts.config != "" {
		const name = "name the flags.toml to compare the generated packages with"
		switch fi, err := os.Stat(opts.config); {
		case errors.Is(err, os.ErrNotExist):
			fmt.Fprintf(stderr, "flaggen vet: -config %s: no such file: %s\n", opts.config, name)
			return exitUsage
		case err == nil && fi.IsDir():
			fmt.Fprintf(stderr, "flaggen vet: -config %s: a directory: %s\n", opts.config, name)
			return exitUsage
		}
	}
	a := analyzer.New(cfg)
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}

	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "flaggen: %v\n", err)
		return exitLoad
	}
	pkgs, err := packages.Load(&packages.Config{Mode: loadMode, Tests: true}, patterns...)
	if err != nil {
		fmt.Fprintf(stderr, "flaggen vet: %v\n", err)
		return exitLoad
	}
	if n := printLoadErrors(stderr, pkgs); n > 0 {
		fmt.Fprintf(stderr, "flaggen vet: %d %s loading the packages; fix them first\n", n, plural(n, "error", "errors"))
		return exitLoad
	}
	if len(pkgs) == 0 {
		fmt.Fprintf(stderr, "flaggen vet: no packages match %s\n", strings.Join(patterns, " "))
		return exitLoad
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		fmt.Fprintf(stderr, "flaggen vet: %v\n", err)
		return exitLoad
	}
	code := exitOK
	for act := range graph.All() {
		if act.Err != nil {
			fmt.Fprintf(stderr, "flaggen vet: %s: %v\n", act.Package.PkgPath, act.Err)
			code = exitLoad
		}
	}
	if code != exitOK {
		return code
	}

	v := &vetter{analyzer: a, config: opts.config, allowUnused: map[string]bool{}}
	for key := range strings.SplitSeq(opts.allowUnused, ",") {
		if key = strings.TrimSpace(key); key != "" {
			v.allowUnused[key] = true
		}
	}
	v.collect(graph)
	v.wholeProgram(graph)
	for _, line := range v.badAllowed {
		fmt.Fprintf(stderr, "flaggen vet: %s\n", line)
		code = exitFail
	}
	findings := v.sorted()
	if opts.fix {
		var fixed int
		if findings, fixed, err = applyFixes(findings, importedPackages(pkgs), stderr); err != nil {
			fmt.Fprintf(stderr, "flaggen vet: %v\n", err)
			code = exitFail
		}
		if fixed > 0 {
			fmt.Fprintf(stderr, "flaggen vet: fixed %d %s\n", fixed, plural(fixed, "finding", "findings"))
		}
	}
	if err := printFindings(stdout, wd, findings, opts.json); err != nil {
		fmt.Fprintf(stderr, "flaggen: %v\n", err)
		return exitFail
	}
	if len(findings) > 0 {
		code = exitFail
	}
	return code
}

// printLoadErrors prints the errors of pkgs and their dependencies, each
// once, and returns how many there were.
func printLoadErrors(w io.Writer, pkgs []*packages.Package) int {
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(pkg *packages.Package) {
		for _, err := range pkg.Errors {
			if msg := err.Error(); !seen[msg] {
				seen[msg] = true
				fmt.Fprintln(w, msg)
			}
		}
	})
	return len(seen)
}

// importedPackages returns the type of each loaded package, by path.
func importedPackages(pkgs []*packages.Package) map[string]*types.Package {
	out := map[string]*types.Package{}
	packages.Visit(pkgs, nil, func(pkg *packages.Package) {
		if pkg.Types != nil {
			out[pkg.PkgPath] = pkg.Types
		} else {
			out[pkg.PkgPath] = types.NewPackage(pkg.PkgPath, pkg.Name)
		}
	})
	return out
}

// A finding is one line of flaggen vet's report.
type finding struct {
	posn     token.Position // Filename is absolute, or as the driver knows it
	message  string
	category string
	fixes    []fix // the analyzer's suggested fixes, resolved to file offsets
}

// A fix is a suggested fix whose edits are resolved to byte offsets.
type fix struct {
	Message string `json:"message"`
	Edits   []edit `json:"edits"`
}

// An edit replaces the bytes [Start, End) of File with New.
type edit struct {
	File  string `json:"filename"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	New   string `json:"new"`
}

// vetter gathers the findings of one flaggen vet run.
type vetter struct {
	analyzer    *analysis.Analyzer // the run's analyzer, configured by -now
	config      string             // -config
	allowUnused map[string]bool    // -allow-unused
	badAllowed  []string           // what is wrong with -allow-unused's keys, one line each
	findings    []finding
	seen        map[string]bool // "posn\x00category\x00message" of each finding, for files checked twice (p and p [p.test])
}

func (v *vetter) add(f finding) {
	key := f.posn.String() + "\x00" + f.category + "\x00" + f.message
	if v.seen == nil {
		v.seen = map[string]bool{}
	}
	if v.seen[key] {
		return
	}
	v.seen[key] = true
	v.findings = append(v.findings, f)
}

// collect adds the diagnostics of the root actions of graph.
func (v *vetter) collect(graph *checker.Graph) {
	for _, act := range graph.Roots {
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			f := finding{posn: fset.Position(d.Pos), message: d.Message, category: d.Category}
			for _, sf := range d.SuggestedFixes {
				fx := fix{Message: sf.Message}
				for _, e := range sf.TextEdits {
					end := e.End
					if !end.IsValid() {
						end = e.Pos
					}
					start, stop := fset.Position(e.Pos), fset.Position(end)
					fx.Edits = append(fx.Edits, edit{File: start.Filename, Start: start.Offset, End: stop.Offset, New: string(e.NewText)})
				}
				f.fixes = append(f.fixes, fx)
			}
			v.add(f)
		}
	}
}

// sorted returns the findings sorted by file, line, column, category and
// message.
func (v *vetter) sorted() []finding {
	out := slices.Clone(v.findings)
	slices.SortFunc(out, func(a, b finding) int {
		if c := strings.Compare(a.posn.Filename, b.posn.Filename); c != 0 {
			return c
		}
		if c := a.posn.Line - b.posn.Line; c != 0 {
			return c
		}
		if c := a.posn.Column - b.posn.Column; c != 0 {
			return c
		}
		if c := strings.Compare(a.category, b.category); c != 0 {
			return c
		}
		return strings.Compare(a.message, b.message)
	})
	return out
}

// flagPackage is a generated flag package of the main module(s) found in
// the loaded graph.
type flagPackage struct {
	pkg   *packages.Package
	flags analyzer.PackageFlags
}

// wholeProgram adds the checks that need every loaded package at once:
// unused flags and stale generated code.
func (v *vetter) wholeProgram(graph *checker.Graph) {
	var flagPkgs []*flagPackage
	byPath := map[string]*flagPackage{}
	refs := map[string]bool{} // keys of the flags some package refers to
	for act := range graph.All() {
		if act.Analyzer != v.analyzer || act.Package.Types == nil {
			continue
		}
		pkg := act.Package
		var pf analyzer.PackageFlags
		if act.PackageFact(pkg.Types, &pf) && inMainModule(pkg) {
			// A package with tests appears twice, as p and p [p.test];
			// keep the plain one when there is one.
			if prev, ok := byPath[pkg.PkgPath]; !ok {
				fp := &flagPackage{pkg: pkg, flags: pf}
				byPath[pkg.PkgPath] = fp
				flagPkgs = append(flagPkgs, fp)
			} else if pkg.ID == pkg.PkgPath {
				prev.pkg, prev.flags = pkg, pf
			}
		}
		// References are keyed by flag key alone: a reference to a key
		// counts for every generated package that declares it.
		var r analyzer.References
		if act.PackageFact(pkg.Types, &r) {
			for _, k := range r.Keys {
				refs[k] = true
			}
		}
	}
	slices.SortFunc(flagPkgs, func(a, b *flagPackage) int { return strings.Compare(a.pkg.PkgPath, b.pkg.PkgPath) })
	v.badAllowed = v.unknownAllowed(flagPkgs)
	for _, fp := range flagPkgs {
		file, fileName := generatedFile(fp.pkg)
		src := v.checkStale(fp, fileName)
		v.checkUnused(fp, file, src, refs)
	}
}

// unknownAllowed returns a line for each key of -allow-unused that no
// flag of flagPkgs has, sorted, with the key it may be a typo of. It
// returns none when there is no flag package: then no flag is reported
// unused either. With no -allow-unused, it does not list the flags.
func (v *vetter) unknownAllowed(flagPkgs []*flagPackage) []string {
	if len(flagPkgs) == 0 || len(v.allowUnused) == 0 {
		return nil
	}
	var keys []string
	declared := map[string]bool{}
	for _, fp := range flagPkgs {
		for _, fl := range fp.flags.Flags {
			if !declared[fl.Key] {
				declared[fl.Key] = true
				keys = append(keys, fl.Key)
			}
		}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(v.allowUnused)) {
		if declared[k] {
			continue
		}
		msg := fmt.Sprintf("-allow-unused names %q, which no loaded flag package declares", k)
		if s := suggest.Closest(k, keys); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += ": drop it"
		}
		out = append(out, msg)
	}
	return out
}

// inMainModule reports whether pkg belongs to a module being worked on, as
// opposed to a dependency, whose flags are not ours to judge.
func inMainModule(pkg *packages.Package) bool {
	return pkg.Module == nil || pkg.Module.Main
}

// generatedFile returns the file of pkg that flaggen generated, and its
// name, or nil and "".
func generatedFile(pkg *packages.Package) (*ast.File, string) {
	for _, f := range pkg.Syntax {
		if !ast.IsGenerated(f) || len(f.Comments) == 0 ||
			!strings.Contains(f.Comments[0].Text(), "Code generated by flaggen.") {
			continue
		}
		return f, pkg.Fset.File(f.FileStart).Name()
	}
	return nil, ""
}

// checkStale reports the generated file of fp if codegen, run on its
// flags.toml, would write something else. It returns the parsed flags.toml,
// or nil if it cannot be read or is invalid (which it reports too).
func (v *vetter) checkStale(fp *flagPackage, fileName string) *spec.File {
	if fileName == "" {
		return nil
	}
	at := token.Position{Filename: fileName, Line: 1, Column: 1}
	file := v.config
	if file == "" {
		if fp.flags.Source == "" {
			v.add(finding{posn: at, category: categoryStale,
				message: "generated code names no source flags.toml: run flaggen generate, or pass -config FILE"})
			return nil
		}
		file = filepath.Join(filepath.Dir(fileName), filepath.FromSlash(fp.flags.Source))
	}
	// Load reads no more of the file than the size limit allows; its
	// problems come as an ErrorList, anything else is the file's read.
	f, err := spec.Load(file)
	var list spec.ErrorList
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			v.add(finding{posn: tomlPos(e.Pos), category: categoryConfig, message: e.Msg})
		}
		return nil
	case err != nil:
		v.add(finding{posn: at, category: categoryStale,
			message: fmt.Sprintf("cannot read the flags.toml it was generated from: %v; pass -config FILE", err)})
		return nil
	}
	if v.config != "" && fp.flags.Source != "" {
		// Compare contents: the generated code names the file it was
		// generated from, which -config may call otherwise.
		f.Name = path.Base(fp.flags.Source)
	}
	files, err := codegen.Generate(f, codegen.Options{Package: fp.pkg.Name, Source: fp.flags.Source})
	if err != nil {
		v.add(finding{posn: at, category: categoryConfig, message: err.Error()})
		return f
	}
	old, err := os.ReadFile(fileName)
	if err != nil || !bytes.Equal(old, files[codegen.FileName]) {
		v.add(finding{posn: at, category: categoryStale, message: "generated code is stale: run flaggen generate"})
	}
	return f
}

// checkUnused reports each flag of fp that no loaded package refers to, at
// its declaration in flags.toml (src), or else at its accessor in the
// generated file.
func (v *vetter) checkUnused(fp *flagPackage, file *ast.File, src *spec.File, refs map[string]bool) {
	for _, fl := range fp.flags.Flags {
		if refs[fl.Key] || v.allowUnused[fl.Key] {
			continue
		}
		var posn token.Position
		if src != nil {
			if sf := src.Flag(fl.Key); sf != nil && sf.Pos.IsValid() {
				posn = tomlPos(sf.Pos)
			}
		}
		if !posn.IsValid() {
			posn = accessorPos(fp.pkg, file, "New"+fl.GoName)
		}
		var msg string
		if fl.Removed != "" {
			msg = fmt.Sprintf("flag %q was removed on %s and no loaded package refers to it: delete it from flags.toml", fl.Key, fl.Removed)
		} else {
			msg = fmt.Sprintf("flag %q is declared but no loaded package refers to it (owner %s)", fl.Key, fl.Owner)
		}
		v.add(finding{posn: posn, category: categoryUnused, message: msg})
	}
}

// accessorPos returns the position of the function name in file, or of
// file's package clause when file declares no such function.
func accessorPos(pkg *packages.Package, file *ast.File, name string) token.Position {
	if file == nil {
		return token.Position{}
	}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
			return pkg.Fset.Position(fd.Name.Pos())
		}
	}
	return pkg.Fset.Position(file.Package)
}

// tomlPos converts a flags.toml position.
func tomlPos(p spec.Pos) token.Position {
	name := p.Filename
	if abs, err := filepath.Abs(name); err == nil {
		name = abs
	}
	return token.Position{Filename: name, Line: p.Line, Column: p.Col}
}

// relName returns name relative to the directory wd when it lies inside
// it, else name.
func relName(wd, name string) string {
	if rel, err := filepath.Rel(wd, name); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return name
}

// printFindings prints findings as text lines or as a JSON array, naming
// files relative to wd.
func printFindings(w io.Writer, wd string, findings []finding, asJSON bool) error {
	posn := func(p token.Position) string {
		p.Filename = relName(wd, p.Filename)
		return p.String()
	}
	if !asJSON {
		var buf bytes.Buffer
		for _, f := range findings {
			fmt.Fprintf(&buf, "%s: %s (%s)\n", posn(f.posn), f.message, f.category)
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
	out := make([]jsonFinding, 0, len(findings))
	for _, f := range findings {
		out = append(out, jsonFinding{posn(f.posn), f.message, f.category, f.fixes})
	}
	data, err := json.MarshalIndent(out, "", "\t")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// jsonFinding is one element of flaggen vet -json's output.
type jsonFinding struct {
	Posn     string `json:"posn"`
	Message  string `json:"message"`
	Category string `json:"category"`
	Fixes    []fix  `json:"fixes,omitempty"`
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
