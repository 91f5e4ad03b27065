package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// flagCode is what the declarations of one flag are made of besides their
// shape: the flag's Go name, its variants' Go names, its number and the
// text of its doc comments (directives included), in the order flagDecls
// uses them. In a template each is a hole (holeCode); flagValues returns
// the text that fills them.
type flagCode struct {
	boolean  bool
	defOn    bool // a boolean flag whose default is on
	goName   string
	variants []string // the variants' Go names, by number; none for a boolean flag
	num      string
	values   []valueCode // the flag's values, in declaration order
	docs     []jen.Code
}

// valueCode is what the getter of one of a flag's values is made of: its
// Go name and type, and an object's fields.
type valueCode struct {
	goName string
	typ    spec.ValueType
	fields []fieldCode
}

// fieldCode is one field of an object value's struct type.
type fieldCode struct {
	goName string
	typ    spec.ValueType
}

// A flagDoc is one doc comment of a flag's declarations.
type flagDoc struct {
	text string // lines, each "//…", joined by newlines
	// top is set for the doc comment of a top-level declaration, which
	// gofmt reformats; the others are the comments of constants in a
	// const block.
	top bool
}

// shapeOf returns the shape of fl's declarations: what fixes their
// template.
func shapeOf(fl *spec.Flag) string {
	var s string
	switch {
	case isDefOn(fl):
		s = "bool on"
	case fl.Bool:
		s = "bool off"
	default:
		s = fmt.Sprintf("variants %d", len(fl.Variants))
	}
	if len(fl.Values) == 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s)
	b.WriteString(" values")
	for _, v := range fl.Values {
		b.WriteString(" " + v.Type.String())
		if v.Type == spec.TypeObject {
			b.WriteString("(")
			for i, f := range v.Fields {
				if i > 0 {
					b.WriteString(",")
				}
				b.WriteString(f.Type.String())
			}
			b.WriteString(")")
		}
	}
	return b.String()
}

// plainBool reports whether fl is a boolean flag without values, whose
// value type is an alias of the package's shared boolType.
func plainBool(fl *spec.Flag) bool { return fl.Bool && len(fl.Values) == 0 }

// isDefOn reports whether fl is a boolean flag whose default is on.
func isDefOn(fl *spec.Flag) bool { return fl.Bool && fl.Default == fl.VariantIndex(spec.On) }

// holeCode returns the flagCode of fl's shape with a hole for each part:
// the Go name is hole 0, the variants' Go names follow by number, then
// the flag's number, then the doc comments, in the order of flagValues.
func holeCode(fl *spec.Flag) *flagCode {
	c := &flagCode{boolean: fl.Bool, defOn: isDefOn(fl), goName: hole(0)}
	n := 1
	if !fl.Bool {
		for range fl.Variants {
			c.variants = append(c.variants, hole(n))
			n++
		}
	}
	c.num = hole(n)
	n++
	for _, v := range fl.Values {
		vc := valueCode{goName: hole(n), typ: v.Type}
		n++
		for _, f := range v.Fields {
			vc.fields = append(vc.fields, fieldCode{goName: hole(n), typ: f.Type})
			n++
		}
		c.values = append(c.values, vc)
	}
	for range flagDocs(fl, "") {
		c.docs = append(c.docs, jen.Comment(hole(n)))
		n++
	}
	return c
}

// flagValues returns the text that fills the holes of the template of
// flag number num, fl (see holeCode).
func flagValues(fl *spec.Flag, num int, source string) []string {
	vals := flagNames(fl, num)
	for _, d := range flagDocs(fl, source) {
		text := d.text
		if d.top {
			text = gofmtDoc(text)
		}
		vals = append(vals, text)
	}
	return vals
}

// byNumber returns the indexes of fl's variants in the order of their
// numbers: the default first.
func byNumber(fl *spec.Flag) []int {
	out := make([]int, 0, len(fl.Variants))
	out = append(out, fl.Default)
	for i := range fl.Variants {
		if i != fl.Default {
			out = append(out, i)
		}
	}
	return out
}

// directive returns the //flaggen: directive of a declaration, as the
// last lines of its doc comment.
func directive(d flagmeta.Directive) string { return "\n//\n" + oneLine(d.String()) }

// flagDocs returns the doc comments of fl's declarations, in the order
// flagDecls uses them; source is the name of the flags.toml.
func flagDocs(fl *spec.Flag, source string) []flagDoc {
	about := aboutFlag(fl)
	deprecated := deprecation(fl)
	key := fl.Key
	top := func(d flagmeta.Directive, text ...string) flagDoc {
		return flagDoc{text: commentText(text...) + directive(d), top: true}
	}
	def := variantName(fl, fl.Default)
	newDoc := func(what string) flagDoc {
		summary := doc("New%s returns %s of the flag %q served to ctx's request, as the evaluator that middleware put on ctx decides. With no evaluator on ctx it returns the default, %s.",
			fl.GoName, what, key, def)
		if r := fl.Removed; r != nil {
			summary = doc("New%s returns %s of the flag %q served to ctx's request: %s, since the flag was removed.",
				fl.GoName, what, key, variantName(fl, r.Variant))
		}
		return top(flagmeta.Directive{Role: flagmeta.RoleAccessor, Key: key}, summary, "", about, "", deprecated)
	}
	withDoc := func(what string) flagDoc {
		return top(flagmeta.Directive{Role: flagmeta.RoleHelper, Key: key},
			doc("With%s returns a copy of ctx on which New%s serves %s, for unit tests that need a variant without middleware.", fl.GoName, fl.GoName, what),
			"", removedForce(fl), "", deprecated)
	}
	typeDirective := flagmeta.Directive{Role: flagmeta.RoleType, Key: key}
	stringDirective := flagmeta.Directive{Role: flagmeta.RoleString, Key: key}
	if plainBool(fl) {
		return []flagDoc{
			top(typeDirective, doc("%s is the state of the boolean flag %q that a request sees, a %s: Enabled reports whether it is on.", fl.GoName, key, boolType), "", about, "", deprecated),
			newDoc("the state"),
			withDoc("on or off"),
		}
	}
	if fl.Bool {
		return append([]flagDoc{
			top(typeDirective, doc("%s is the state of the boolean flag %q that a request sees. Its zero value is the default, %s.", fl.GoName, key, def), "", about, "", deprecated),
			newDoc("the state"),
			top(flagmeta.Directive{Role: flagmeta.RoleIs, Key: key, Variant: spec.On}, doc("Enabled reports whether the flag %q is on.", key)),
			top(stringDirective, `String returns "on" or "off".`),
			withDoc("on or off"),
		}, valueDocs(fl, "f", "the state")...)
	}

	docs := []flagDoc{top(typeDirective, doc("%s is the variant of the flag %q that a request sees. Its zero value is the default, %s.", fl.GoName, key, variantConst(fl, fl.Default)), "", about, "", deprecated)}
	for _, i := range byNumber(fl) {
		v := fl.Variants[i]
		text := doc("%s is the variant %q of the flag %q.", variantConst(fl, i), v.Name, key)
		if i == fl.Default {
			text = doc("%s is the variant %q of the flag %q, its default.", variantConst(fl, i), v.Name, key)
		}
		docs = append(docs, flagDoc{text: commentText(text) + directive(flagmeta.Directive{Role: flagmeta.RoleVariant, Key: key, Variant: v.Name})})
	}
	docs = append(docs, newDoc("the variant"))
	for _, i := range byNumber(fl) {
		v := fl.Variants[i]
		docs = append(docs, top(flagmeta.Directive{Role: flagmeta.RoleIs, Key: key, Variant: v.Name}, doc("Is%s reports whether v is the variant %q.", v.GoName, v.Name)))
	}
	docs = append(docs,
		top(stringDirective, doc("String returns the variant's name as %s writes it, e.g. %q.", source, def)),
		withDoc("v"),
	)
	return append(docs, valueDocs(fl, "v", "the variant")...)
}

// valueDocs returns the doc comments of the declarations of fl's values,
// in the order valueDecls uses them: for each value, an object's fields
// and its struct type, then the getter. recv is the getters' receiver,
// what the variant it stands for.
func valueDocs(fl *spec.Flag, recv, what string) []flagDoc {
	var docs []flagDoc
	key := fl.Key
	for _, v := range fl.Values {
		typ := v.Type.String()
		if v.Type == spec.TypeObject {
			obj := fl.GoName + v.GoName
			// The fields' first: valueDecls builds them before the type.
			for _, f := range v.Fields {
				docs = append(docs, flagDoc{text: commentText(doc("%s is the field %q.", f.GoName, f.Name))})
			}
			docs = append(docs, flagDoc{top: true, text: commentText(
				doc("%s is the value %q of the flag %q, as %s returns it: the same fields for every variant.", obj, v.Name, key, v.GoName),
			) + directive(flagmeta.Directive{Role: flagmeta.RoleObject, Key: key, Value: v.Name})})
			typ = "a " + obj
		}
		docs = append(docs, flagDoc{top: true, text: commentText(
			doc("%s returns the value %q (%s) that %s %s carries, as the snapshot in force declares it.", v.GoName, v.Name, typ, what, recv),
		) + directive(flagmeta.Directive{Role: flagmeta.RoleValue, Key: key, Value: v.Name})})
	}
	return docs
}

// flagDecls returns the top-level declarations of a flag: the API of a
// boolean flag or of a flag with named variants.
func flagDecls(c *flagCode) []jen.Code {
	next := 0
	// doc returns decl after its doc comment. Not jen.Add(d).Line().Add(decl):
	// jennifer puts a space between a statement's tokens, and go/format
	// formats a doc comment only if the declaration starts its own line.
	doc := func(decl *jen.Statement) jen.Code {
		d := c.docs[next]
		next++
		return jen.Custom(jen.Options{Separator: "\n"}, d, decl)
	}
	ctx := func() *jen.Statement { return jen.Qual("context", "Context") }
	variant := jen.Id(flagsVar).Dot("Variant").Call(jen.Id("ctx"), jen.Id(c.num))
	// withBool is a boolean flag's test helper, whatever its type.
	withBool := func() jen.Code {
		return doc(jen.Func().Id("With"+c.goName).Params(jen.Id("ctx").Add(ctx()), jen.Id("on").Bool()).Add(ctx()).Block(
			jen.Return(jen.Id(flagsVar).Dot("ForceBool").Call(jen.Id("ctx"), jen.Id(c.num), jen.Id("on"))),
		))
	}

	if c.boolean && len(c.values) == 0 {
		// A plain boolean flag: an alias of the shared state type, whose
		// field says whether the flag is on. Variant 0 is the default.
		on := variant.Clone().Op("!=").Lit(0)
		if c.defOn {
			on = variant.Clone().Op("==").Lit(0)
		}
		return []jen.Code{
			doc(jen.Type().Id(c.goName).Op("=").Id(boolType)),
			doc(jen.Func().Id("New" + c.goName).Params(jen.Id("ctx").Add(ctx())).Id(c.goName).Block(
				jen.Return(jen.Id(c.goName).Values(on)),
			)),
			withBool(),
		}
	}
	if c.boolean {
		field, enabled := "on", jen.Id("f").Dot("on")
		if c.defOn {
			field, enabled = "off", jen.Op("!").Id("f").Dot("off")
		}
		recv := func() *jen.Statement { return jen.Params(jen.Id("f").Id(c.goName)) }
		number := func() *jen.Statement { return jen.Qual(implPath, "Number").Call(jen.Id("f").Dot(field)) }
		return append([]jen.Code{
			doc(jen.Type().Id(c.goName).Struct(jen.Id(field).Bool())),
			doc(jen.Func().Id("New" + c.goName).Params(jen.Id("ctx").Add(ctx())).Id(c.goName).Block(
				// The field holds "not the default": variant 1.
				jen.Return(jen.Id(c.goName).Values(variant.Op("!=").Lit(0))),
			)),
			doc(jen.Func().Add(recv()).Id("Enabled").Params().Bool().Block(
				jen.Return(enabled),
			)),
			doc(jen.Func().Add(recv()).Id("String").Params().String().Block(
				jen.Return(jen.Qual(implPath, "OnOff").Call(enabled.Clone())),
			)),
			withBool(),
		}, valueDecls(c, doc, recv, number)...)
	}

	constant := func(i int) *jen.Statement { return jen.Id(c.goName + c.variants[i]) }
	recv := func() *jen.Statement { return jen.Params(jen.Id("v").Id(c.goName)) }
	kind := jen.Uint8()
	if len(c.variants) > 256 {
		kind = jen.Uint16()
	}
	decls := []jen.Code{doc(jen.Type().Id(c.goName).Add(kind))}
	consts := make([]jen.Code, len(c.variants))
	for i := range c.variants {
		consts[i] = doc(constant(i).Id(c.goName).Op("=").Lit(i))
	}
	decls = append(decls,
		jen.Const().Defs(consts...),
		doc(jen.Func().Id("New"+c.goName).Params(jen.Id("ctx").Add(ctx())).Id(c.goName).Block(
			jen.Return(jen.Id(c.goName).Call(variant)),
		)),
	)
	for i, v := range c.variants {
		decls = append(decls, doc(jen.Func().Add(recv()).Id("Is"+v).Params().Bool().Block(
			jen.Return(jen.Id("v").Op("==").Add(constant(i))),
		)))
	}
	decls = append(decls,
		doc(jen.Func().Add(recv()).Id("String").Params().String().Block(
			jen.Return(jen.Id(flagsVar).Dot("Name").Call(jen.Id(c.num), jen.Int().Call(jen.Id("v")), jen.Lit(c.goName))),
		)),
		doc(jen.Func().Id("With"+c.goName).Params(jen.Id("ctx").Add(ctx()), jen.Id("v").Id(c.goName)).Add(ctx()).Block(
			jen.Return(jen.Id(flagsVar).Dot("Force").Call(jen.Id("ctx"), jen.Id(c.num), jen.Int().Call(jen.Id("v")))),
		)),
	)
	number := func() *jen.Statement { return jen.Int().Call(jen.Id("v")) }
	return append(decls, valueDecls(c, doc, recv, number)...)
}

// scalars gives, for each scalar value type, the Go type of its getter's
// result and the name of the flagimpl.Flags method that reads it (with
// "Field" before it for an object's field).
var scalars = map[spec.ValueType]struct {
	goType func() *jen.Statement
	getter string
}{
	spec.TypeString: {jen.String, "String"},
	spec.TypeInt:    {jen.Int64, "Int"},
	spec.TypeFloat:  {jen.Float64, "Float"},
	spec.TypeBool:   {jen.Bool, "Bool"},
}

// valueDecls returns the declarations of c's values: for an object value
// its struct type, and for each value its getter, a method of the flag's
// type with receiver recv that reads the value of the variant number
// number through the package's flagimpl.Flags.
func valueDecls(c *flagCode, doc func(*jen.Statement) jen.Code, recv, number func() *jen.Statement) []jen.Code {
	var decls []jen.Code
	for i, v := range c.values {
		if v.typ != spec.TypeObject {
			decls = append(decls, doc(jen.Func().Add(recv()).Id(v.goName).Params().Add(scalars[v.typ].goType()).Block(
				jen.Return(jen.Id(flagsVar).Dot(scalars[v.typ].getter).Call(jen.Id(c.num), number(), jen.Lit(i))),
			)))
			continue
		}
		obj := c.goName + v.goName
		// One field a section, each with its doc comment: gofmt aligns
		// the types of adjacent fields, and the fields' names are holes.
		fields := make([]jen.Code, 0, 2*len(v.fields))
		for j, f := range v.fields {
			if j > 0 {
				fields = append(fields, jen.Line())
			}
			fields = append(fields, doc(jen.Id(f.goName).Add(scalars[f.typ].goType())))
		}
		decls = append(decls, doc(jen.Type().Id(obj).Struct(fields...)))
		// Assignments, not a keyed literal, whose values gofmt would
		// align after the keys.
		body := []jen.Code{jen.Var().Id("o").Id(obj), jen.Id("n").Op(":=").Add(number())}
		for j, f := range v.fields {
			body = append(body, jen.Id("o").Dot(f.goName).Op("=").Id(flagsVar).Dot("Field"+scalars[f.typ].getter).Call(jen.Id(c.num), jen.Id("n"), jen.Lit(i), jen.Lit(j)))
		}
		body = append(body, jen.Return(jen.Id("o")))
		decls = append(decls, doc(jen.Func().Add(recv()).Id(v.goName).Params().Id(obj).Block(body...)))
	}
	return decls
}

// removedForce notes, for WithX of a removed flag, that forcing it
// changes nothing; it returns "" for other flags.
func removedForce(fl *spec.Flag) string {
	if fl.Removed == nil {
		return ""
	}
	return doc("The flag was removed, so New%s serves %s whatever With%s asks for.",
		fl.GoName, variantName(fl, fl.Removed.Variant), fl.GoName)
}

// variantConst is the name of the enum constant of fl's variant i.
func variantConst(fl *spec.Flag, i int) string { return fl.GoName + fl.Variants[i].GoName }

// variantName is the name of fl's variant i, or "" if i is out of range.
func variantName(fl *spec.Flag, i int) string {
	if i < 0 || i >= len(fl.Variants) {
		return ""
	}
	return fl.Variants[i].Name
}

// escapePercent escapes s for use in a format string.
func escapePercent(s string) string { return strings.ReplaceAll(s, "%", "%%") }
