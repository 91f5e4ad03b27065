package codegen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"
)

// TestDeclared checks Declared against the declarations of the file
// Generate writes.
func TestDeclared(t *testing.T) {
	for name, f := range specCases(t) {
		for _, pkg := range []string{"flags", "runtime"} {
			opts := Options{Package: pkg}
			out, err := Generate(f, opts)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := parseTemplate(out[FileName])
			if err != nil {
				t.Fatal(err)
			}
			decls, err := templateDecls(tmpl)
			if err != nil {
				t.Fatal(err)
			}
			want := &Decls{Names: make(map[string]bool), Members: make(map[string]map[string]bool), Aliases: make(map[string]string)}
			want.add(decls, nil)
			file, err := parser.ParseFile(token.NewFileSet(), FileName, out[FileName], parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, decl := range file.Decls {
				if gd, ok := decl.(*ast.GenDecl); ok {
					for _, spec := range gd.Specs {
						if ts, ok := spec.(*ast.TypeSpec); ok && ts.Assign.IsValid() {
							want.Aliases[ts.Name.Name] = ts.Type.(*ast.Ident).Name
						}
					}
				}
			}

			got, err := Declared(f, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, package %s: Declared:\ngot  %v\nwant %v", name, pkg, got, want)
			}
			if !got.Names["Set"] || !got.Names["flaggenSchema"] || !got.Names["context"] && len(f.Flags) > 0 {
				t.Errorf("%s: Declared lacks Set, flaggenSchema or context: %v", name, got.Names)
			}
		}
	}
}
