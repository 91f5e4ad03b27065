package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// applyFixes applies the first suggested fix of each finding that has
// one, and returns the findings left (those without a fix, or whose fix
// could not be applied) and the number fixed. pkgs maps import paths to
// the loaded packages, whose names (and, for dot imports, exported names)
// tell which imports a fix leaves unused, to remove them.
//
// Fixes are taken in the order of findings. A fix is skipped when one of
// its edits overlaps an edit of a fix already taken (identical edits, as
// a file checked both as p and as p [p.test] produces, count once), or
// when it would edit a generated file. Every edited file is formatted
// before anything is written; if one does not parse after the edits,
// nothing is written.
func applyFixes(findings []finding, pkgs map[string]*types.Package, stderr io.Writer) ([]finding, int, error) {
	byFile := map[string][]edit{} // the edits taken, by file
	generated := map[string]bool{}
	var left []finding
	fixed, conflicts, inGenerated := 0, 0, 0
	for _, f := range findings {
		if len(f.fixes) == 0 {
			left = append(left, f)
			continue
		}
		fx := f.fixes[0]
		if slices.ContainsFunc(fx.Edits, func(e edit) bool { return isGeneratedFile(generated, e.File) }) {
			inGenerated++
			left = append(left, f)
			continue
		}
		if slices.ContainsFunc(fx.Edits, func(e edit) bool {
			return slices.ContainsFunc(byFile[e.File], func(taken edit) bool { return overlap(e, taken) })
		}) {
			conflicts++
			left = append(left, f)
			continue
		}
		for _, e := range fx.Edits {
			if !slices.Contains(byFile[e.File], e) {
				byFile[e.File] = append(byFile[e.File], e)
			}
		}
		fixed++
	}

	files := make([]string, 0, len(byFile))
	for name := range byFile {
		files = append(files, name)
	}
	slices.Sort(files)
	out := make(map[string][]byte, len(files))
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return findings, 0, err
		}
		fixedSrc, err := applyEdits(name, src, byFile[name], pkgs)
		if err != nil {
			return findings, 0, fmt.Errorf("the fixes to %s do not give valid Go, so no file was changed: %v", name, err)
		}
		out[name] = fixedSrc
	}
	for _, name := range files {
		if err := writeFileAtomic(name, out[name]); err != nil {
			return left, fixed, err
		}
	}
	if inGenerated > 0 {
		fmt.Fprintf(stderr, "flaggen vet: skipped %d %s that would edit generated files\n", inGenerated, plural(inGenerated, "fix", "fixes"))
	}
	if conflicts > 0 {
		fmt.Fprintf(stderr, "flaggen vet: skipped %d overlapping %s; run flaggen vet -fix again\n", conflicts, plural(conflicts, "fix", "fixes"))
	}
	return left, fixed, nil
}

// overlap reports whether edits a and b, not identical, replace the same
// bytes of a file, or one inserts text at the start, end or inside of the
// other, where the order of the two would be ambiguous. Two replacements
// that merely meet, as the deletions of two adjacent statements do, do
// not overlap: applied together they replace the two ranges.
func overlap(a, b edit) bool {
	if a.File != b.File || a == b {
		return false
	}
	if a.Start == a.End || b.Start == b.End {
		return a.Start <= b.End && b.Start <= a.End
	}
	return a.Start < b.End && b.Start < a.End
}

// isGeneratedFile reports whether the Go file name is generated, caching
// the answer in cache.
func isGeneratedFile(cache map[string]bool, name string) bool {
	gen, ok := cache[name]
	if !ok {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly|parser.ParseComments)
		gen = err == nil && ast.IsGenerated(f)
		cache[name] = gen
	}
	return gen
}

// applyEdits returns src with edits applied, the imports it no longer uses
// removed, and formatted. pkgs is as for applyFixes.
func applyEdits(name string, src []byte, edits []edit, pkgs map[string]*types.Package) ([]byte, error) {
	edits = slices.Clone(edits)
	slices.SortFunc(edits, func(a, b edit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return a.End - b.End
	})
	var buf bytes.Buffer
	last := 0
	for _, e := range edits {
		if e.Start < last || e.End > len(src) || e.Start > e.End {
			return nil, fmt.Errorf("edit [%d, %d) out of order or out of range", e.Start, e.End)
		}
		buf.Write(src[last:e.Start])
		buf.WriteString(e.New)
		last = e.End
	}
	buf.Write(src[last:])

	fset := token.NewFileSet()
	before, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	after, err := parser.ParseFile(fset, name, buf.Bytes(), parser.ParseComments)
	if err != nil {
		return nil, err
	}
	// An import that the original file used and the fixed file no longer
	// uses was used only by code the fixes deleted.
	usedBefore, usedAfter := usedNames(before), usedNames(after)
	for _, spec := range slices.Clone(after.Imports) {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		var was, is bool // whether before and after use the import
		if spec.Name != nil && spec.Name.Name == "." {
			// The file uses the package's exported names unqualified.
			p := pkgs[path]
			if p == nil {
				continue
			}
			was, is = dotUses(before, p), dotUses(after, p)
		} else {
			local := importName(spec, path, pkgs)
			if local == "" {
				continue
			}
			was, is = usedBefore[local], usedAfter[local]
		}
		if !was || is {
			continue
		}
		if spec.Name != nil {
			astutil.DeleteNamedImport(fset, after, spec.Name.Name, path)
		} else {
			astutil.DeleteImport(fset, after, path)
		}
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, after); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// importName returns the name by which a file refers to the package an
// import spec imports, or "" for blank, dot and cgo imports and packages
// whose name is not known.
func importName(spec *ast.ImportSpec, path string, pkgs map[string]*types.Package) string {
	if spec.Name != nil {
		if n := spec.Name.Name; n != "_" && n != "." {
			return n
		}
		return ""
	}
	if path == "C" {
		return ""
	}
	if p, ok := pkgs[path]; ok {
		return p.Name()
	}
	// Not loaded: guess the last element; a wrong guess is harmless, as
	// the file did not use that name before either.
	return path[strings.LastIndex(path, "/")+1:]
}

// usedNames returns the identifiers that qualify a selector expression
// (x in x.Sel) in f and that the parser could not resolve to a
// declaration in the file: the names of imported packages that f uses.
func usedNames(f *ast.File) map[string]bool {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
				used[id.Name] = true
			}
		}
		return true
	})
	return used
}

// dotUses reports whether f, parsed with object resolution, uses an
// exported name of pkg unqualified, as a dot import of pkg lets it: an
// identifier of its declarations that the parser could not resolve to a
// declaration in the file and that is not the selector of a selector
// expression. A name that another file of the package declares counts
// too, which errs on the side of keeping the import.
func dotUses(f *ast.File, pkg *types.Package) bool {
	used := false
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		if used {
			return false
		}
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, visit)
			return false
		case *ast.Ident:
			if n.Obj == nil && token.IsExported(n.Name) && pkg.Scope().Lookup(n.Name) != nil {
				used = true
			}
		}
		return !used
	}
	for _, d := range f.Decls {
		ast.Inspect(d, visit)
	}
	return used
}
