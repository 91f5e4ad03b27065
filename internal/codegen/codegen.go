// Package codegen turns a validated flags.toml ([spec.File]) into the Go
// source of a package of typed feature-flag accessors.
//
// [Generate] is a pure function: it reads nothing and writes nothing, so
// the flaggen command uses it both to write files and to check that
// committed files are up to date.
//
// # The generated package
//
// For a flag with Go name G the package declares:
//
//   - G, the value type a request sees: for a flag with named variants an
//     unsigned integer type with one constant per variant, one Is…
//     predicate per variant and String, whose zero value is the default
//     (0, see flagmeta.Flag.Number); for a boolean flag with values a
//     struct with Enabled and String, whose zero value is the default
//     too; for a boolean flag without values an alias of the package's
//     BoolFlag (declared once, with Enabled and String), whose zero value
//     is off;
//   - NewG(ctx), which asks the package's [runtime.Set] for the variant
//     served to ctx's request;
//   - WithG(ctx, v), a test helper that forces a variant on a context;
//   - for a flag whose variants carry values, one getter method of G per
//     value, which returns the variant's value in the snapshot in force,
//     and for an object value the struct type it returns.
//
// Each of them carries the directive (package flagmeta) that says which
// flag and variant (or value) it stands for. The package also holds Set
// (the flag set, for middleware and live sources), the generic Parse and
// Variants (if a flag has named variants), and a schema literal that
// describes every flag: its owner, expiry and lifecycle state, which the
// analyzer reads from Go code, and its whole declaration, which Set
// compiles into the compiled-in snapshot without parsing flags.toml at
// program start.
// The code calls the runtime through package runtime/flagimpl.
//
// [runtime.Set]: https://pkg.go.dev/github.com/flaggen/flaggen/runtime#Set
package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"math"
	"path"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// FileName is the name of the file Generate returns.
const FileName = "flags_gen.go"

// The import paths of the packages generated code uses: the runtime's
// user API (Set), the API for generated code, and the contract's types.
const (
	runtimePath = "github.com/flaggen/flaggen/runtime"
	implPath    = "github.com/flaggen/flaggen/runtime/flagimpl"
	metaPath    = "github.com/flaggen/flaggen/flagmeta"
)

// Options configures Generate. The zero value means defaults, except that
// Package is required.
type Options struct {
	// Package is the Go package name of the generated file.
	Package string
	// Source is the path of the flags.toml to print in the header's
	// "// source:" line, relative to the generated file's directory and
	// slash-separated, e.g. "../../flags.toml". It defaults to the base
	// name of the spec's file.
	Source string
}

// Generate returns the Go source generated from f, keyed by file name.
// It returns one file, [FileName], formatted as gofmt formats it.
//
// The output depends only on f and opts: the same input gives the same
// bytes on every machine and every day. It names the source file by its
// base name (path.Base of f.Name), so where the generator runs from does
// not change it.
func Generate(f *spec.File, opts Options) (map[string][]byte, error) {
	if err := checkInput(f, opts); err != nil {
		return nil, err
	}
	g := newGenerator(f, opts)
	src, err := g.file()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{FileName: src}, nil
}

// checkInput reports an error if Generate cannot generate code from f
// with opts.
func checkInput(f *spec.File, opts Options) error {
	if f == nil {
		return errors.New("codegen: nil spec file")
	}
	if !token.IsIdentifier(opts.Package) || opts.Package == "_" {
		return fmt.Errorf("codegen: package name %q is not a Go identifier", opts.Package)
	}
	return checkIdents(f)
}

// The unexported names the generated file declares beside the flags' API.
// Each starts with "flaggen", so that it does not clash with a name of the
// package's other files; the flaggen command checks that it does not.
const (
	// schemaVar is the schema literal, which a //flaggen:schema
	// directive marks.
	schemaVar = "flaggenSchema"
	// flagsVar is the package's flagimpl.Flags, which the flags' code
	// calls.
	flagsVar = "flaggenFlags"
	// pkgType is a type of the package, for flagimpl.New.
	pkgType = "flaggenPackage"
)

// boolType is the exported state type the plain boolean flags of a
// package share (flagmeta's contract, version 5); spec reserves its name.
const boolType = spec.BoolFlagType

// generator holds the state of one Generate call.
type generator struct {
	spec   *spec.File
	pkg    string // package name, also the prefix of generated error messages
	name   string // base name of the flags.toml, e.g. "flags.toml"
	source string // the header's source path

	mu    sync.Mutex           // guards tmpls
	tmpls map[string]*template // by shape: the templates made so far
}

func newGenerator(f *spec.File, opts Options) *generator {
	name := path.Base(strings.ReplaceAll(f.Name, `\`, "/"))
	if name == "." || name == "/" {
		name = "flags.toml"
	}
	src := opts.Source
	if src == "" {
		src = name
	}
	return &generator{spec: f, pkg: opts.Package, name: oneLine(name), source: oneLine(src),
		tmpls: make(map[string]*template)}
}

// newFile returns a jennifer file of the generated package, with the
// import names the generated code uses.
func (g *generator) newFile() *jen.File {
	f := jen.NewFile(g.pkg)
	for _, p := range []string{runtimePath, implPath, metaPath} {
		if name := path.Base(p); g.pkg == name {
			// Legal Go, but runtime.Set in package runtime would read
			// as a name of the package itself.
			f.ImportAlias(p, "flaggen"+name)
		} else {
			f.ImportName(p, name)
		}
	}
	return f
}

// render renders code, a list of top-level declarations, formatted.
func (g *generator) render(code ...jen.Code) ([]byte, error) {
	var buf bytes.Buffer
	// A jennifer file of its own, so that pieces render in parallel; the
	// head imports what the pieces qualify. go/format formats a doc
	// comment only if it starts a line, and it prefixes a fragment with a
	// package clause on the fragment's first line: hence the leading
	// newline.
	err := jen.CustomFunc(jen.Options{Open: "\n", Separator: "\n"}, func(grp *jen.Group) {
		for _, c := range code {
			grp.Add(c)
		}
	}).RenderWithFile(&buf, g.newFile())
	if err != nil {
		return nil, err
	}
	// go/format keeps a fragment's leading newline and drops its final one.
	return append(bytes.TrimLeft(buf.Bytes(), "\n"), '\n'), nil
}

// template returns the template of the given shape, rendering its source
// with render the first time.
func (g *generator) template(shape string, render func() ([]byte, error)) (*template, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := g.tmpls[shape]; t != nil {
		return t, nil
	}
	src, err := render()
	if err != nil {
		return nil, err
	}
	t, err := parseTemplate(src)
	if err != nil {
		return nil, err
	}
	g.tmpls[shape] = t
	return t, nil
}

// chunkSize is the number of flags a goroutine writes at a time.
const chunkSize = 256

// file renders the whole generated file: the head (see [generator.head])
// with the flags' schema entries, their constants' guard lines and their
// declarations filled in. Those are written by goroutines, chunkSize flags
// each, from templates (see [template]).
func (g *generator) file() ([]byte, error) {
	head, err := g.head()
	if err != nil {
		return nil, fmt.Errorf("codegen: %v", err)
	}
	// The head's holes, in order: the schema's entries, the guard's lines
	// (if any flag has variants), the flags' declarations (if any). Each
	// chunk writes its part of each already indented as the hole is.
	indent := make(map[int]string)
	for _, h := range head.holes {
		indent[h.value] = h.indent
	}
	flags := g.spec.Flags
	infos := g.spec.Meta().Flags
	nchunks := (len(flags) + chunkSize - 1) / chunkSize
	type chunk struct {
		parts [3]bytes.Buffer // entries, guard lines, declarations
		err   error
	}
	chunks := make([]chunk, nchunks)
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, goruntime.GOMAXPROCS(0)))
	for i := range chunks {
		lo, hi := i*chunkSize, min((i+1)*chunkSize, len(flags))
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := &chunks[i]
			// What a flag's code takes, about; growing the buffers costs
			// more than a guess that is too large.
			c.parts[0].Grow((hi - lo) * 512)
			c.parts[2].Grow((hi - lo) * 3 << 10)
			for n := lo; n < hi; n++ {
				if err := g.writeFlag(&c.parts, indent, n, flags[n], infos[n]); err != nil {
					c.err = err
					return
				}
			}
		}()
	}
	wg.Wait()
	var errs []error
	size := 0
	for i := range chunks {
		errs = append(errs, chunks[i].err)
		for j := range chunks[i].parts {
			size += chunks[i].parts[j].Len()
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("codegen: %v", err)
	}

	var out bytes.Buffer
	out.Grow(size + 16<<10)
	for i, h := range head.holes {
		// The part brings the indentation of its first line.
		out.WriteString(strings.TrimRight(head.text[i], "\t"))
		// What each part's last flag wrote after it, which the template
		// has: the comma after the last entry; the newline after the last
		// guard line, the blank line after the last flag's declarations.
		trim := [3]string{",\n", "\n", "\n\n"}[h.value]
		last := -1
		for j := range chunks {
			if chunks[j].parts[h.value].Len() > 0 {
				last = j
			}
		}
		for j := range chunks {
			b := chunks[j].parts[h.value].Bytes()
			if j == last {
				b = bytes.TrimSuffix(b, []byte(trim))
			}
			out.Write(b)
		}
	}
	out.WriteString(head.text[len(head.text)-1])
	return out.Bytes(), nil
}

// writeFlag writes flag number n's schema entry (followed by ",\n") to
// parts[0] and its declarations (followed by a blank line) to parts[2],
// each line indented by indent[part]; parts[1] is unused.
func (g *generator) writeFlag(parts *[3]bytes.Buffer, indent map[int]string, n int, fl *spec.Flag, info flagmeta.Flag) error {
	if err := g.writeEntry(&parts[0], info, indent[0]); err != nil {
		return err
	}
	parts[0].WriteString(",\n")

	t, err := g.flagTemplate(fl, indent[2])
	if err != nil {
		return err
	}
	t.fill(&parts[2], flagValues(fl, n, g.name))
	parts[2].WriteString("\n") // a blank line before the next flag's
	return nil
}

// flagTemplate returns the template of the declarations of flags of fl's
// shape, each line indented by indent, which is the same for every flag
// of one generator.
func (g *generator) flagTemplate(fl *spec.Flag, indent string) (*template, error) {
	return g.template(shapeOf(fl), func() ([]byte, error) {
		src, err := g.render(flagDecls(holeCode(fl))...)
		return indentLines(src, indent), err
	})
}

// indentLines returns src with indent before each line that is not
// empty.
func indentLines(src []byte, indent string) []byte {
	if indent == "" {
		return src
	}
	var b bytes.Buffer
	for line := range bytes.Lines(src) {
		if len(bytes.TrimSpace(line)) > 0 {
			b.WriteString(indent)
		}
		b.Write(line)
	}
	return b.Bytes()
}

// head returns the template of the file around the flags: the header,
// the package comment, the imports, the version guard, Set and the
// handle it is reached through, the generic Parse and Variants (if any
// flag has named variants), the schema literal with a hole for its
// entries, and a hole for the flags' declarations.
func (g *generator) head() (*template, error) {
	var variants, plain bool
	for _, fl := range g.spec.Flags {
		variants = variants || !fl.Bool
		plain = plain || plainBool(fl)
	}

	f := g.newFile()
	f.HeaderComment("// Code generated by flaggen. DO NOT EDIT.")
	f.HeaderComment("// source: " + g.source)
	for _, line := range g.packageDoc() {
		f.PackageComment(line)
	}

	f.Comment(fmt.Sprintf("// This file needs a runtime that speaks generated-code version %d;", flagmeta.Version))
	f.Comment("// a compile error here means the runtime and this file are out of step.")
	f.Const().Id("_").Op("=").Qual(implPath, fmt.Sprintf("SupportPackageIsVersion%d", flagmeta.Version))
	f.Line()

	f.Add(comment(doc("Set is the flag set declared in %s, with the snapshot compiled from it as the default. Give it to middleware, which evaluates it per request; live sources swap its snapshot. It is safe for concurrent use.", g.name)))
	f.Var().Id("Set").Op("*").Qual(runtimePath, "Set").Op("=").Id(flagsVar).Dot("Set").Call()
	f.Line()
	f.Comment("// " + flagsVar + " is the handle the flags' code evaluates Set through.")
	f.Var().Id(flagsVar).Op("=").Qual(implPath, "New").Types(jen.Id(pkgType)).Call(jen.Id(schemaVar))
	f.Line()
	f.Comment("// " + pkgType + " tells flagimpl which package this is.")
	f.Type().Id(pkgType).Struct()
	f.Line()

	if variants {
		example := g.exampleVariant()
		f.Add(comment(doc("Parse returns the variant named s, as %s writes it, of the flag whose type is V: for example, %s.", g.name, example[0])))
		f.Func().Id("Parse").Types(jen.Id("V").Qual(implPath, "Variant")).Params(jen.Id("s").String()).Params(jen.Id("V"), jen.Error()).Block(
			jen.Return(jen.Qual(implPath, "Parse").Types(jen.Id("V")).Call(jen.Id(flagsVar), jen.Id("s"))),
		)
		f.Line()
		f.Add(comment(doc("Variants returns a new slice of the variants of the flag whose type is V, in declaration order: for example, %s.", example[1])))
		f.Func().Id("Variants").Types(jen.Id("V").Qual(implPath, "Variant")).Params().Index().Id("V").Block(
			jen.Return(jen.Qual(implPath, "Variants").Types(jen.Id("V")).Call(jen.Id(flagsVar))),
		)
		f.Line()
	}

	if plain {
		g.boolTypeDecls(f)
	}

	f.Comment("// " + schemaVar + " declares the flags, in declaration order; a flag's index")
	f.Comment("// is its number. Set compiles it, and the flaggen analyzer reads it, so")
	f.Comment("// it stays a plain composite literal of literals.")
	f.Comment("//")
	f.Comment(flagmeta.Directive{Role: flagmeta.RoleSchema, Version: flagmeta.Version}.String())
	var entries []jen.Code
	if len(g.spec.Flags) > 0 {
		entries = append(entries, jen.Id(hole(0)))
	}
	f.Var().Id(schemaVar).Op("=").Op("&").Qual(metaPath, "Schema").Custom(
		jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true},
		jen.Id("Name").Op(":").Lit(g.name),
		jen.Id("Flags").Op(":").Index().Qual(metaPath, "Flag").Custom(
			jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, entries...),
	)
	f.Line()

	if len(g.spec.Flags) > 0 {
		f.Comment(hole(2))
		// The flags' declarations, rendered apart, use context.
		if err := jen.Qual("context", "Context").RenderWithFile(io.Discard, f); err != nil {
			return nil, err
		}
	}

	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, err
	}
	src, err := groupImports(buf.Bytes())
	if err != nil {
		return nil, err
	}
	return parseTemplate(src)
}

// boolTypeDecls declares boolType, the state type of the plain boolean
// flags, and its methods, in f.
func (g *generator) boolTypeDecls(f *jen.File) {
	withDirective := func(text string, r flagmeta.Role) *jen.Statement {
		return linesComment(commentText(text) + directive(flagmeta.Directive{Role: r}))
	}
	f.Add(withDirective(doc("%s is the state of a boolean flag without values that a request sees: the type of each such flag of the package (an alias of it). Its zero value is off.", boolType), flagmeta.RoleBoolType))
	f.Type().Id(boolType).Struct(jen.Id("on").Bool())
	f.Line()
	f.Add(withDirective(doc("Enabled reports whether the flag that s was read from is on."), flagmeta.RoleBoolOn))
	f.Func().Params(jen.Id("s").Id(boolType)).Id("Enabled").Params().Bool().Block(jen.Return(jen.Id("s").Dot("on")))
	f.Line()
	f.Add(withDirective(`String returns "on" or "off".`, flagmeta.RoleBoolString))
	f.Func().Params(jen.Id("s").Id(boolType)).Id("String").Params().String().Block(jen.Return(jen.Qual(implPath, "OnOff").Call(jen.Id("s").Dot("on"))))
	f.Line()
}

// exampleVariant returns calls of Parse and Variants on the first flag
// with named variants, for their doc comments.
func (g *generator) exampleVariant() [2]string {
	for _, fl := range g.spec.Flags {
		if !fl.Bool {
			return [2]string{
				fmt.Sprintf("Parse[%s](%q)", fl.GoName, fl.Variants[len(fl.Variants)-1].Name),
				fmt.Sprintf("Variants[%s]()", fl.GoName),
			}
		}
	}
	return [2]string{}
}

// groupImports puts the standard library's imports first and the others
// after a blank line, as goimports does; jennifer sorts them all
// together. The result is formatted.
func groupImports(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	for _, decl := range file.Decls {
		d, ok := decl.(*ast.GenDecl)
		if !ok || d.Tok != token.IMPORT || !d.Lparen.IsValid() {
			continue
		}
		var std, other []string
		for _, s := range d.Specs {
			s := s.(*ast.ImportSpec)
			line := s.Path.Value
			if s.Name != nil {
				line = s.Name.Name + " " + line
			}
			p, _ := strconv.Unquote(s.Path.Value)
			if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
				other = append(other, line)
			} else {
				std = append(std, line)
			}
		}
		var b bytes.Buffer
		b.WriteString("import (\n")
		for _, group := range [][]string{std, other} {
			if len(group) == 0 {
				continue
			}
			if b.Len() > len("import (\n") {
				b.WriteByte('\n')
			}
			for _, line := range group {
				b.WriteString("\t" + line + "\n")
			}
		}
		b.WriteString(")")
		start, end := fset.Position(d.Pos()).Offset, fset.Position(d.End()).Offset
		out := slices.Concat(src[:start], b.Bytes(), src[end:])
		return format.Source(out)
	}
	return src, nil
}

// packageDoc is the package comment, one comment line per element.
func (g *generator) packageDoc() []string {
	name := g.name
	first := g.exampleFlag()
	lines := []string{
		fmt.Sprintf("// Package %s holds the typed feature flags declared in %s.", g.pkg, name),
		"//",
		"// Each flag has a NewX(ctx) function that returns the variant the",
		"// request on ctx sees, as the evaluator that middleware put on ctx",
		"// decides; with no evaluator, NewX returns the flag's default.",
	}
	if first != "" {
		lines = append(lines, "//", "// For example:", "//", "//\t"+first)
	}
	lines = append(lines,
		"//",
		"// Give [Set] to middleware to evaluate flags per request; live",
		"// sources swap the snapshot it holds. In unit tests, WithX(ctx, v)",
		"// forces a variant without middleware.",
		"//",
		fmt.Sprintf("// Edit %s and run flaggen generate to change this package.", name),
	)
	return lines
}

// exampleFlag returns one line of Go that reads the first flag, for the
// package comment, or "" if there are no flags.
func (g *generator) exampleFlag() string {
	if len(g.spec.Flags) == 0 {
		return ""
	}
	fl := g.spec.Flags[0]
	if fl.Bool {
		return fmt.Sprintf("if %s.New%s(ctx).Enabled() { … }", g.pkg, fl.GoName)
	}
	v := fl.Variants[len(fl.Variants)-1]
	return fmt.Sprintf("if %s.New%s(ctx).Is%s() { … }", g.pkg, fl.GoName, v.GoName)
}

// checkIdents reports an error if the identifiers Generate would declare
// for f are not valid or clash. spec.Parse reports the same clashes with
// better messages; this check keeps Generate from writing code that does
// not compile when it is given a File that did not come from spec.Parse.
func checkIdents(f *spec.File) error {
	var errs []error
	for _, fl := range f.Flags {
		owner := fmt.Sprintf("flag %q", fl.Key)
		if len(fl.Variants) == 0 {
			errs = append(errs, fmt.Errorf("%s: %s has no variants", fl.Pos, owner))
			continue
		}
		if fl.Default < 0 || fl.Default >= len(fl.Variants) {
			errs = append(errs, fmt.Errorf("%s: %s: default variant %d out of range", fl.Pos, owner, fl.Default))
		}
		if fl.Removed != nil && (fl.Removed.Variant < 0 || fl.Removed.Variant >= len(fl.Variants)) {
			errs = append(errs, fmt.Errorf("%s: %s: removed variant %d out of range", fl.Pos, owner, fl.Removed.Variant))
		}
		if !token.IsExported(fl.GoName) || !token.IsIdentifier(fl.GoName) {
			errs = append(errs, fmt.Errorf("%s: %s: Go name %q is not an exported Go identifier", fl.Pos, owner, fl.GoName))
		}
		if fl.Bool && (len(fl.Variants) != 2 || fl.VariantIndex(spec.Off) != 0 || fl.VariantIndex(spec.On) != 1) {
			// As spec.Parse writes them; either may be the default.
			errs = append(errs, fmt.Errorf("%s: boolean %s must have the variants off and on, in that order", fl.Pos, owner))
		}
		for _, r := range fl.Rules {
			for _, w := range r.When {
				if math.IsNaN(w.Number) || math.IsInf(w.Number, 0) {
					errs = append(errs, fmt.Errorf("%s: %s: condition on %q compares with %v, which has no Go literal", r.Pos, owner, w.Attribute, w.Number))
				}
			}
		}
		for _, v := range fl.Variants {
			if !fl.Bool && (!token.IsExported(v.GoName) || !token.IsIdentifier(v.GoName)) {
				errs = append(errs, fmt.Errorf("%s: %s variant %q: Go name %q is not an exported Go identifier", v.Pos, owner, v.Name, v.GoName))
			}
		}
	}
	if len(errs) == 0 {
		// Clashes among the identifiers, as the validator reports them.
		for _, e := range spec.CheckNames(f) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("codegen: %w", errors.Join(errs...))
	}
	return nil
}
