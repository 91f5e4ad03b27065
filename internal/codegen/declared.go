package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"

	"github.com/flaggen/flaggen/spec"
)

// Decls lists what the file Generate writes declares in its package's
// scope, which no other file of the package may declare: the names of its
// imports, constants, variables, types and functions, and the fields and
// methods of its types. The flaggen command checks a package's other
// files against it before it writes.
type Decls struct {
	// Names holds the package-level names, and the names of the imports.
	Names map[string]bool
	// Members holds, for each type the file declares, the names of its
	// fields and methods.
	Members map[string]map[string]bool
	// Aliases maps each type alias the file declares to the type it
	// stands for, whose fields and methods it has (see [Decls.Member]).
	Aliases map[string]string
}

// Member reports whether the file declares a field or method name of the
// type typ, or of the type the alias typ stands for.
func (d *Decls) Member(typ, name string) bool {
	if t, ok := d.Aliases[typ]; ok {
		typ = t
	}
	return d.Members[typ][name]
}

// Declared returns what the file that Generate(f, opts) returns declares.
// It costs a fraction of Generate: it reads the declarations of the
// templates Generate fills, not the generated source.
func Declared(f *spec.File, opts Options) (*Decls, error) {
	if err := checkInput(f, opts); err != nil {
		return nil, err
	}
	g := newGenerator(f, opts)
	d := &Decls{Names: make(map[string]bool), Members: make(map[string]map[string]bool), Aliases: make(map[string]string)}
	head, err := g.head()
	if err != nil {
		return nil, fmt.Errorf("codegen: %v", err)
	}
	decls, err := templateDecls(head)
	if err != nil {
		return nil, fmt.Errorf("codegen: %v", err)
	}
	d.add(decls, nil)
	byShape := make(map[string][]declName)
	for n, fl := range f.Flags {
		shape := shapeOf(fl)
		decls, ok := byShape[shape]
		if !ok {
			t, err := g.flagTemplate(fl, "")
			if err == nil {
				decls, err = templateDecls(t)
			}
			if err != nil {
				return nil, fmt.Errorf("codegen: %v", err)
			}
			byShape[shape] = decls
		}
		d.add(decls, flagNames(fl, n))
		if plainBool(fl) {
			d.Aliases[fl.GoName] = boolType
		}
	}
	return d, nil
}

// declName is a name a template declares, with the holes of the
// template in it.
type declName struct {
	name *template
	// typ is the type whose field or method it is; nil for a package-level
	// name.
	typ *template
}

// add adds the names decls declares, with their holes filled from vals.
func (d *Decls) add(decls []declName, vals []string) {
	var b bytes.Buffer
	fill := func(t *template) string {
		b.Reset()
		t.fill(&b, vals)
		return b.String()
	}
	for _, dn := range decls {
		if dn.typ == nil {
			d.Names[fill(dn.name)] = true
			continue
		}
		typ := fill(dn.typ)
		if d.Members[typ] == nil {
			d.Members[typ] = make(map[string]bool)
		}
		d.Members[typ][fill(dn.name)] = true
	}
}

// templateDecls returns the names the source of t declares: its imports'
// names, its package-level names, and the fields and methods of its
// types.
func templateDecls(t *template) ([]declName, error) {
	src := t.source()
	if !bytes.HasPrefix(src, []byte("// Code generated")) {
		// Declarations, without a package clause.
		src = append([]byte("package p\n"), src...)
	}
	file, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var decls []declName
	var errs []error
	add := func(name, typ string) {
		dn := declName{}
		var err error
		dn.name, err = parseTemplate([]byte(name))
		errs = append(errs, err)
		if typ != "" {
			dn.typ, err = parseTemplate([]byte(typ))
			errs = append(errs, err)
		}
		decls = append(decls, dn)
	}
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := path.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name != "_" {
			add(name, "")
		}
	}
	ForEachDecl(file, true, func(id *ast.Ident, typ string) { add(id.Name, typ) })
	return decls, errors.Join(errs...)
}

// ForEachDecl calls fn for each name that file declares in its package's
// scope, with typ "", and for each method of a type it declares, with typ
// the type's name, whether the receiver is a pointer or not (the methods
// of generic types are not reported). With fields set it also calls fn for the
// fields of the struct types file declares, with typ the type's name. It
// skips the blank identifier, and imports, whose names are the file's
// own. Declared and the flaggen command's check of a package's other
// files both read declarations with it.
func ForEachDecl(file *ast.File, fields bool, fn func(id *ast.Ident, typ string)) {
	call := func(id *ast.Ident, typ string) {
		if id.Name != "_" {
			fn(id, typ)
		}
	}
	for _, decl := range file.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			if decl.Recv == nil {
				call(decl.Name, "")
				continue
			}
			typ := decl.Recv.List[0].Type
			if star, ok := typ.(*ast.StarExpr); ok {
				typ = star.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				call(decl.Name, id.Name)
			}
		case *ast.GenDecl:
			for _, s := range decl.Specs {
				switch s := s.(type) {
				case *ast.ValueSpec:
					for _, id := range s.Names {
						call(id, "")
					}
				case *ast.TypeSpec:
					call(s.Name, "")
					if st, ok := s.Type.(*ast.StructType); ok && fields {
						for _, field := range st.Fields.List {
							for _, id := range field.Names {
								call(id, s.Name.Name)
							}
						}
					}
				}
			}
		}
	}
}

// flagNames returns the values of the holes of flag number n's template
// that are not doc comments: its Go name, its variants' Go names in the
// order of their numbers, and its own number (see holeCode).
func flagNames(fl *spec.Flag, n int) []string {
	vals := []string{fl.GoName}
	if !fl.Bool {
		for _, i := range byNumber(fl) {
			vals = append(vals, fl.Variants[i].GoName)
		}
	}
	vals = append(vals, strconv.Itoa(n))
	for _, v := range fl.Values {
		vals = append(vals, v.GoName)
		for _, f := range v.Fields {
			vals = append(vals, f.GoName)
		}
	}
	return vals
}
