package codegen

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// The contract between generated code and its readers (package flagmeta)
// is checked here against the generator: TestContract reads the
// directives of generated files as a reader would and checks them against
// the flags.toml they came from and against the declarations they sit on;
// TestEndToEnd runs, for each package it builds, a program written from
// the directives alone (contractMain), so that what a directive says an
// identifier stands for is what the identifier does.

// contractFlag is what the directives of a generated file say of one flag.
type contractFlag struct {
	typ, accessor, helper, str string
	alias                      string            // the type typ is an alias of, if it is one
	is                         map[string]string // method → variant
	consts                     map[string]string // constant → variant
	values                     map[string]string // constant → its value, as written
	getters                    map[string]string // method → the value it returns
	objects                    map[string]string // struct type → the value it holds
}

// contractDecls is what a generated file declares, read through its
// directives.
type contractDecls struct {
	version int
	flags   map[string]*contractFlag // by key
	// boolType is the shared state type of the plain boolean flags, and
	// boolOn and boolString its methods that the booltype, boolon and
	// boolstring directives mark; "" when absent.
	boolType, boolOn, boolString string
}

// readContract reads the directives of a generated file. It reports, as
// errors, a directive that does not parse, a declaration with more than
// one, and an exported declaration (or method) with none, except Set,
// Parse and Variants.
func readContract(src []byte) (*contractDecls, []error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "flags_gen.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, []error{err}
	}
	c := &contractDecls{flags: map[string]*contractFlag{}}
	var errs []error
	flag := func(key string) *contractFlag {
		if c.flags[key] == nil {
			c.flags[key] = &contractFlag{is: map[string]string{}, consts: map[string]string{}, values: map[string]string{},
				getters: map[string]string{}, objects: map[string]string{}}
		}
		return c.flags[key]
	}
	// directive returns the one directive of doc; exported says whether
	// the declaration must have one.
	directive := func(doc *ast.CommentGroup, name string, exported bool) (flagmeta.Directive, bool) {
		var found []flagmeta.Directive
		if doc != nil {
			for _, cm := range doc.List {
				d, ok, err := flagmeta.ParseDirective(cm.Text)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %s: %v", fset.Position(cm.Pos()), name, err))
				}
				if ok && err == nil {
					found = append(found, d)
				}
			}
		}
		switch {
		case len(found) > 1:
			errs = append(errs, fmt.Errorf("%s has %d directives, want 1", name, len(found)))
		case len(found) == 0 && exported:
			errs = append(errs, fmt.Errorf("%s is exported and has no directive", name))
		case len(found) == 1:
			return found[0], true
		}
		return flagmeta.Directive{}, false
	}
	unexpected := func(name string, d flagmeta.Directive) {
		errs = append(errs, fmt.Errorf("%s carries %s, which does not fit it", name, d))
	}
	for _, decl := range file.Decls {
		switch decl := decl.(type) {
		case *ast.FuncDecl:
			name := decl.Name.Name
			if decl.Recv != nil {
				recv := decl.Recv.List[0].Type.(*ast.Ident).Name
				name = recv + "." + name
			}
			d, ok := directive(decl.Doc, name, token.IsExported(decl.Name.Name) && decl.Name.Name != "Parse" && decl.Name.Name != "Variants")
			if !ok {
				continue
			}
			switch d.Role {
			case flagmeta.RoleBoolOn, flagmeta.RoleBoolString:
				if decl.Recv == nil || decl.Recv.List[0].Type.(*ast.Ident).Name != c.boolType {
					unexpected(name, d)
				} else if d.Role == flagmeta.RoleBoolOn {
					c.boolOn = decl.Name.Name
				} else {
					c.boolString = decl.Name.Name
				}
				continue
			}
			fl := flag(d.Key)
			switch {
			case decl.Recv == nil && d.Role == flagmeta.RoleAccessor:
				fl.accessor = name
			case decl.Recv == nil && d.Role == flagmeta.RoleHelper:
				fl.helper = name
			case decl.Recv != nil && d.Role == flagmeta.RoleIs:
				fl.is[decl.Name.Name] = d.Variant
			case decl.Recv != nil && d.Role == flagmeta.RoleString:
				fl.str = decl.Name.Name
			case decl.Recv != nil && d.Role == flagmeta.RoleValue:
				fl.getters[decl.Name.Name] = d.Value
			default:
				unexpected(name, d)
			}
		case *ast.GenDecl:
			for _, s := range decl.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					doc := s.Doc
					if doc == nil {
						doc = decl.Doc
					}
					d, ok := directive(doc, s.Name.Name, s.Name.IsExported())
					if !ok {
						continue
					}
					switch d.Role {
					case flagmeta.RoleBoolType:
						c.boolType = s.Name.Name
					case flagmeta.RoleType:
						flag(d.Key).typ = s.Name.Name
						if id, ok := s.Type.(*ast.Ident); ok && s.Assign.IsValid() {
							flag(d.Key).alias = id.Name
						}
					case flagmeta.RoleObject:
						flag(d.Key).objects[s.Name.Name] = d.Value
					default:
						unexpected(s.Name.Name, d)
					}
				case *ast.ValueSpec:
					doc := s.Doc
					if doc == nil && len(decl.Specs) == 1 {
						doc = decl.Doc
					}
					name := s.Names[0].Name
					d, ok := directive(doc, name, s.Names[0].IsExported() && name != "Set")
					if !ok {
						continue
					}
					switch {
					case decl.Tok == token.VAR && d.Role == flagmeta.RoleSchema:
						c.version = d.Version
					case decl.Tok == token.CONST && d.Role == flagmeta.RoleVariant:
						fl := flag(d.Key)
						fl.consts[name] = d.Variant
						if len(s.Values) == 1 {
							fl.values[name] = types(s.Type) + " = " + exprText(s.Values[0])
						}
					default:
						unexpected(name, d)
					}
				}
			}
		}
	}
	return c, errs
}

func types(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return fmt.Sprintf("%T", e)
}

func exprText(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		return lit.Value
	}
	return fmt.Sprintf("%T", e)
}

// checkContract checks what the directives of f's generated file say
// against f.
func checkContract(f *spec.File, c *contractDecls) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(f.Flags) > 0 && c.version != flagmeta.Version {
		bad("schema directive states version %d, want flagmeta.Version %d", c.version, flagmeta.Version)
	}
	meta := f.Meta()
	for i, fl := range f.Flags {
		m := &meta.Flags[i]
		cf := c.flags[fl.Key]
		if cf == nil {
			bad("flag %q: no directives", fl.Key)
			continue
		}
		plain := fl.Bool && len(fl.Values) == 0
		want := map[string]string{"type": fl.GoName, "accessor": "New" + fl.GoName, "helper": "With" + fl.GoName, "string": "String", "alias": ""}
		if plain {
			// An alias of the shared state type, whose methods stand for it.
			want["string"], want["alias"] = "", spec.BoolFlagType
		}
		got := map[string]string{"type": cf.typ, "accessor": cf.accessor, "helper": cf.helper, "string": cf.str, "alias": cf.alias}
		for role, w := range want {
			if got[role] != w {
				bad("flag %q: the %s directive is on %q, want %q", fl.Key, role, got[role], w)
			}
		}
		wantIs := map[string]string{}
		wantConsts := map[string]string{}
		if fl.Bool {
			if !plain {
				wantIs["Enabled"] = spec.On
			}
		} else {
			for _, v := range fl.Variants {
				wantIs["Is"+v.GoName] = v.Name
				c := fl.GoName + v.GoName
				wantConsts[c] = v.Name
				if got, want := cf.values[c], fmt.Sprintf("%s = %d", fl.GoName, m.Number(v.Name)); got != want {
					bad("flag %q: constant %s is %q, want %q (flagmeta.Flag.Number)", fl.Key, c, got, want)
				}
			}
		}
		if !mapsEqual(cf.is, wantIs) {
			bad("flag %q: is directives %v, want %v", fl.Key, cf.is, wantIs)
		}
		if !mapsEqual(cf.consts, wantConsts) {
			bad("flag %q: variant directives %v, want %v", fl.Key, cf.consts, wantConsts)
		}
		wantGetters := map[string]string{}
		wantObjects := map[string]string{}
		for _, v := range fl.Values {
			wantGetters[v.GoName] = v.Name
			if v.Type == spec.TypeObject {
				wantObjects[fl.GoName+v.GoName] = v.Name
			}
		}
		if !mapsEqual(cf.getters, wantGetters) {
			bad("flag %q: value directives %v, want %v", fl.Key, cf.getters, wantGetters)
		}
		if !mapsEqual(cf.objects, wantObjects) {
			bad("flag %q: object directives %v, want %v", fl.Key, cf.objects, wantObjects)
		}
	}
	want := [3]string{}
	if slices.ContainsFunc(f.Flags, func(fl *spec.Flag) bool { return fl.Bool && len(fl.Values) == 0 }) {
		want = [3]string{spec.BoolFlagType, "Enabled", "String"}
	}
	if got := [3]string{c.boolType, c.boolOn, c.boolString}; got != want {
		bad("booltype, boolon and boolstring directives on %q, want %q", got, want)
	}
	for key := range c.flags {
		if !slices.ContainsFunc(f.Flags, func(fl *spec.Flag) bool { return fl.Key == key }) {
			bad("directives name flag %q, which flags.toml does not declare", key)
		}
	}
	return errs
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestContract checks the directives of every golden case's generated
// file, and of a file of many flags of every shape.
func TestContract(t *testing.T) {
	for name, f := range specCases(t) {
		files, err := Generate(f, Options{Package: "flags"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c, errs := readContract(files[FileName])
		if c != nil {
			errs = append(errs, checkContract(f, c)...)
		}
		for _, err := range errs {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestContractCatchesDrift checks that the checks fail on generated code
// that breaks the contract.
func TestContractCatchesDrift(t *testing.T) {
	checkDriftCaught(t, `
[flags.search]
description = "d"
owner = "o"
expires = 2027-01-01
variants = ["a", "b"]
default = "b"
values = { a = 1, b = 2 }
`, map[string][2]string{
		"numbering":         {"SearchB Search = 0", "SearchB Search = 1"},
		"missing directive": {"//flaggen:helper search\n", ""},
		"wrong variant":     {"//flaggen:is search a\n", "//flaggen:is search b\n"},
		"unknown role":      {"//flaggen:string search", "//flaggen:name search"},
		"version":           {"//flaggen:schema 5", "//flaggen:schema 4"},
		"wrong value":       {"//flaggen:value search value", "//flaggen:value search other"},
		"value as is":       {"//flaggen:value search value", "//flaggen:is search a"},
	})
}

// TestContractCatchesBoolDrift: the checks fail on drift in the shared
// boolean state type's directives, and on a plain boolean flag whose type
// is not an alias of it.
func TestContractCatchesBoolDrift(t *testing.T) {
	checkDriftCaught(t, `
[flags.dark_mode]
description = "d"
owner = "o"
expires = 2027-01-01
`, map[string][2]string{
		"boolon on String": {"//flaggen:boolstring", "//flaggen:boolon"},
		"no booltype":      {"//flaggen:booltype\n", ""},
		"not an alias":     {"type DarkMode = BoolFlag", "type DarkMode BoolFlag"},
		"boolon on a func": {"//flaggen:helper dark_mode", "//flaggen:boolon"},
	})
}

// checkDriftCaught generates the package of the flags.toml text src and,
// for each named edit (the first occurrence of edit[0] replaced by
// edit[1]), checks that reading or checking the contract of the edited
// file reports an error.
func checkDriftCaught(t *testing.T, src string, edits map[string][2]string) {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(f, Options{Package: "flags"})
	if err != nil {
		t.Fatal(err)
	}
	gen := string(files[FileName])
	for name, edit := range edits {
		if !strings.Contains(gen, edit[0]) {
			t.Fatalf("%s: generated code lacks %q", name, edit[0])
		}
		c, errs := readContract([]byte(strings.Replace(gen, edit[0], edit[1], 1)))
		if c != nil {
			errs = append(errs, checkContract(f, c)...)
		}
		if len(errs) == 0 {
			t.Errorf("%s: no error", name)
		}
	}
}

// contractMain returns the body of a main function, written from the
// directives of a generated package's source and nothing else, that
// forces each variant of each flag with its helper and prints what the
// accessor's value says of itself through its string and predicate
// methods and, as JSON, what its value getters return; the same of each
// value type's zero value; and the output
// the directives promise. f gives what the directives do not: which
// flags are removed (they serve their final variant, forced or not) and
// each flag's default.
func contractMain(f *spec.File, src []byte) (body, want string, err error) {
	c, errs := readContract(src)
	if len(errs) > 0 {
		return "", "", errs[0]
	}
	var b, w strings.Builder
	b.WriteString("\tctx := context.Background()\n\t_, _ = ctx, fmt.Sprint(flags.Set)\n")
	b.WriteString("\tjs := func(x any) string { b, err := json.Marshal(x); if err != nil { return err.Error() }; return string(b) }\n\t_ = js\n")
	meta := f.Meta()
	for i := range meta.Flags {
		m := &meta.Flags[i]
		cf := c.flags[m.Key]
		// A plain boolean flag's type is an alias of the shared state
		// type, whose methods its directives mark; its zero value is off.
		str, is, zero := cf.str, cf.is, m.Default
		if cf.alias != "" && cf.alias == c.boolType {
			str, is, zero = c.boolString, map[string]string{c.boolOn: spec.On}, spec.Off
		}
		preds := make([]string, 0, len(is))
		for p := range is {
			preds = append(preds, p)
		}
		sort.Strings(preds)
		getters := make([]string, 0, len(cf.getters))
		for g := range cf.getters {
			getters = append(getters, g)
		}
		sort.Strings(getters)
		// values prints the getters of v, and writes what the directives
		// say they return for the variant served.
		values := func(v, served string) {
			for _, g := range getters {
				fmt.Fprintf(&b, ", js(%s.%s())", v, g)
				fmt.Fprintf(&w, " %s", declaredJSON(m, cf.getters[g], served))
			}
		}
		line := func(arg, variant string) {
			fmt.Fprintf(&b, "\t{\n\t\tv := flags.%s(flags.%s(ctx, %s))\n\t\tfmt.Println(%q, v.%s()", cf.accessor, cf.helper, arg, m.Key, str)
			served := variant
			if m.Removed != "" {
				served = m.Final
			}
			fmt.Fprintf(&w, "%s %s", m.Key, served)
			for _, p := range preds {
				fmt.Fprintf(&b, ", v.%s()", p)
				fmt.Fprintf(&w, " %t", is[p] == served)
			}
			values("v", served)
			b.WriteString(")\n\t}\n")
			w.WriteString("\n")
		}
		if m.Bool {
			line("true", spec.On)
			line("false", spec.Off)
		} else {
			consts := make([]string, 0, len(cf.consts))
			for k := range cf.consts {
				consts = append(consts, k)
			}
			sort.Strings(consts)
			for _, k := range consts {
				line("flags."+k, cf.consts[k])
			}
		}
		fmt.Fprintf(&b, "\t{\n\t\tvar z flags.%s\n\t\tfmt.Println(%q, z.%s()", cf.typ, m.Key+" zero", str)
		fmt.Fprintf(&w, "%s zero %s", m.Key, zero)
		values("z", zero)
		b.WriteString(")\n\t}\n")
		w.WriteString("\n")
	}
	return b.String(), w.String(), nil
}

// declaredJSON returns, as encoding/json writes the getter's result, the
// value named name that m declares for its variant named variant (the
// JSON of flagmeta.Value.ByVariant, an object's fields keyed by their Go
// names in declaration order); or a note that m declares no such value.
func declaredJSON(m *flagmeta.Flag, name, variant string) string {
	i := slices.IndexFunc(m.Values, func(v flagmeta.Value) bool { return v.Name == name })
	j := slices.Index(m.Variants, variant)
	if i < 0 || j < 0 || j >= len(m.Values[i].ByVariant) {
		return fmt.Sprintf("<no value %q of variant %q>", name, variant)
	}
	v := m.Values[i]
	raw := v.ByVariant[j]
	if v.Type != "object" {
		return scalarJSON(v.Type, []byte(raw))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return err.Error()
	}
	parts := make([]string, len(v.Fields))
	for k, f := range v.Fields {
		key, _ := json.Marshal(f.GoName)
		parts[k] = string(key) + ":" + scalarJSON(f.Type, obj[f.Name])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// scalarJSON decodes raw as a value of type typ and encodes it again, as
// encoding/json encodes the Go value a getter returns.
func scalarJSON(typ string, raw []byte) string {
	var x any
	switch typ {
	case "string":
		x = new(string)
	case "int":
		x = new(int64)
	case "float":
		x = new(float64)
	case "bool":
		x = new(bool)
	default:
		return "<type " + typ + ">"
	}
	if err := json.Unmarshal(raw, x); err != nil {
		return err.Error()
	}
	out, err := json.Marshal(x)
	if err != nil {
		return err.Error()
	}
	return string(out)
}
