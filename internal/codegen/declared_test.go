package codegen

import (
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
			want := &Decls{Names: make(map[string]bool), Members: make(map[string]map[string]bool)}
			want.add(decls, nil)

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
