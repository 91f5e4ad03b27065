package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flaggen/flaggen/spec"
)

// flagCode is what the declarations of one flag are made of besides their
// shape: the flag's Go name, its variants' Go names, its number and its
// doc comments, in the order flagDecls uses them. In a template each is a
// hole (holeCode); flagValues returns the text that fills them.
type flagCode struct {
	boolean  bool
	goName   string
	variants []string // the variants' Go names; none for a boolean flag
	num      string
	docs     []jen.Code
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
	if fl.Bool {
		return "bool"
	}
	return fmt.Sprintf("variants %d", len(fl.Variants))
}

// holeCode returns the flagCode of fl's shape with a hole for each part:
// the Go name is hole 0, the variants' Go names follow, then the number,
// then the doc comments, in the order of flagValues.
func holeCode(fl *spec.Flag) *flagCode {
	c := &flagCode{boolean: fl.Bool, goName: hole(0)}
	n := 1
	if !fl.Bool {
		for range fl.Variants {
			c.variants = append(c.variants, hole(n))
			n++
		}
	}
	c.num = hole(n)
	n++
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

// flagDocs returns the doc comments of fl's declarations, in the order
// flagDecls uses them; source is the name of the flags.toml.
func flagDocs(fl *spec.Flag, source string) []flagDoc {
	about := aboutFlag(fl)
	deprecated := deprecation(fl)
	top := func(text ...string) flagDoc { return flagDoc{text: commentText(text...), top: true} }
	newDoc := func(what string) flagDoc {
		summary := doc("New%s returns %s of the flag %q served to ctx's request, as the evaluator that middleware put on ctx decides. With no evaluator on ctx it returns the default, %s.",
			fl.GoName, what, fl.Key, variantName(fl, fl.Default))
		if r := fl.Removed; r != nil {
			summary = doc("New%s returns %s of the flag %q served to ctx's request: %s, since the flag was removed.",
				fl.GoName, what, fl.Key, variantName(fl, r.Variant))
		}
		d := top(summary, "", about, "", deprecated)
		// The directive that marks NewX for the analyzer.
		d.text += "\n//\n//flaggen:flag " + oneLine(fl.Key)
		return d
	}

	number := top(doc("%s%s is the number of the flag %q.", flagConstPrefix, fl.GoName, fl.Key))
	if fl.Bool {
		return []flagDoc{
			number,
			top(doc("%s is the state of the boolean flag %q that a request sees.", fl.GoName, fl.Key), "", about, "", deprecated),
			newDoc("the state"),
			top(doc("Enabled reports whether the flag %q is on.", fl.Key)),
			top(`String returns "on" or "off".`),
			top(doc("With%s returns a copy of ctx on which New%s serves on or off, for unit tests that need a state without middleware.", fl.GoName, fl.GoName),
				"", removedForce(fl), "", deprecated),
		}
	}

	enum := fl.GoName + "Variant"
	docs := []flagDoc{number, top(doc("%s is a variant of the flag %q.", enum, fl.Key), "", about, "", deprecated)}
	for i, v := range fl.Variants {
		text := doc("%s is the variant %q of the flag %q.", variantConst(fl, i), v.Name, fl.Key)
		if i == fl.Default {
			text = doc("%s is the variant %q of the flag %q, its default.", variantConst(fl, i), v.Name, fl.Key)
		}
		docs = append(docs, flagDoc{text: commentText(text)})
	}
	docs = append(docs,
		top(doc("String returns the variant's name as %s writes it, e.g. %q.", source, fl.Variants[0].Name)),
		top(doc("Valid reports whether v is one of the variants of the flag %q.", fl.Key)),
		top(doc("All%ss returns a new slice of the variants of the flag %q, in declaration order.", enum, fl.Key), "", deprecated),
		top(doc("Parse%s returns the variant of the flag %q named s, as %s writes it.", enum, fl.Key, source), "", deprecated),
		top(doc("%s is the variant of the flag %q that a request sees.", fl.GoName, fl.Key), "", about, "", deprecated),
		newDoc("the variant"),
		top("Variant returns the variant f holds."),
	)
	for _, v := range fl.Variants {
		docs = append(docs, top(doc("Is%s reports whether f is the variant %q.", v.GoName, v.Name)))
	}
	return append(docs,
		top("String returns the name of the variant f holds."),
		top(doc("With%s returns a copy of ctx on which New%s serves v, for unit tests that need a variant without middleware.", fl.GoName, fl.GoName),
			"", removedForce(fl), "", deprecated),
	)
}

// flagDecls returns the top-level declarations of a flag: its number, and
// the API of a boolean flag or of a flag with named variants.
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
	num := flagConstPrefix + c.goName
	decls := []jen.Code{doc(jen.Const().Id(num).Op("=").Id(c.num))}

	if c.boolean {
		recv := func() *jen.Statement { return jen.Params(jen.Id("f").Id(c.goName)) }
		return append(decls,
			doc(jen.Type().Id(c.goName).Struct(jen.Id("on").Bool())),
			doc(jen.Func().Id("New"+c.goName).Params(jen.Id("ctx").Add(ctx())).Id(c.goName).Block(
				jen.Return(jen.Id(c.goName).Values(
					jen.Id("Set").Dot("Variant").Call(jen.Id("ctx"), jen.Id(num)).Op("==").Lit(boolOn))),
			)),
			doc(jen.Func().Add(recv()).Id("Enabled").Params().Bool().Block(
				jen.Return(jen.Id("f").Dot("on")),
			)),
			doc(jen.Func().Add(recv()).Id("String").Params().String().Block(
				jen.Return(jen.Id(onOffFunc).Call(jen.Id("f").Dot("on"))),
			)),
			doc(jen.Func().Id("With"+c.goName).Params(jen.Id("ctx").Add(ctx()), jen.Id("on").Bool()).Add(ctx()).Block(
				jen.Return(jen.Id(forceBoolFunc).Call(jen.Id("ctx"), jen.Id(num), jen.Id("on"))),
			)),
		)
	}

	enum := c.goName + "Variant"
	constant := func(i int) *jen.Statement { return jen.Id(c.goName + c.variants[i]) }
	recv := func() *jen.Statement { return jen.Params(jen.Id("f").Id(c.goName)) }
	kind := jen.Uint8()
	if len(c.variants) > 256 {
		kind = jen.Uint16()
	}

	decls = append(decls, doc(jen.Type().Id(enum).Add(kind)))
	consts := make([]jen.Code, len(c.variants))
	all := make([]jen.Code, len(c.variants))
	for i := range c.variants {
		spec := constant(i)
		if i == 0 {
			spec.Id(enum).Op("=").Iota()
		}
		consts[i], all[i] = doc(spec), constant(i)
	}
	decls = append(decls,
		jen.Const().Defs(consts...),
		doc(jen.Func().Params(jen.Id("v").Id(enum)).Id("String").Params().String().Block(
			jen.Return(jen.Id(variantNameFunc).Call(jen.Id(num), jen.Int().Call(jen.Id("v")), jen.Lit(enum))),
		)),
		doc(jen.Func().Params(jen.Id("v").Id(enum)).Id("Valid").Params().Bool().Block(
			jen.Return(jen.Id("v").Op("<=").Add(constant(len(c.variants)-1))),
		)),
		doc(jen.Func().Id("All"+enum+"s").Params().Index().Id(enum).Block(
			jen.Return(jen.Index().Id(enum).Values(all...)),
		)),
		doc(jen.Func().Id("Parse"+enum).Params(jen.Id("s").String()).Params(jen.Id(enum), jen.Error()).Block(
			jen.List(jen.Id("v"), jen.Err()).Op(":=").Id(parseVariantFunc).Call(jen.Id(num), jen.Id("s")),
			jen.Return(jen.Id(enum).Call(jen.Id("v")), jen.Err()),
		)),
		doc(jen.Type().Id(c.goName).Struct(jen.Id("v").Id(enum))),
		doc(jen.Func().Id("New"+c.goName).Params(jen.Id("ctx").Add(ctx())).Id(c.goName).Block(
			jen.Return(jen.Id(c.goName).Values(jen.Id(enum).Call(
				jen.Id("Set").Dot("Variant").Call(jen.Id("ctx"), jen.Id(num))))),
		)),
		doc(jen.Func().Add(recv()).Id("Variant").Params().Id(enum).Block(
			jen.Return(jen.Id("f").Dot("v")),
		)),
	)
	for i, v := range c.variants {
		decls = append(decls, doc(jen.Func().Add(recv()).Id("Is"+v).Params().Bool().Block(
			jen.Return(jen.Id("f").Dot("v").Op("==").Add(constant(i))),
		)))
	}
	return append(decls,
		doc(jen.Func().Add(recv()).Id("String").Params().String().Block(
			jen.Return(jen.Id("f").Dot("v").Dot("String").Call()),
		)),
		doc(jen.Func().Id("With"+c.goName).Params(jen.Id("ctx").Add(ctx()), jen.Id("v").Id(enum)).Add(ctx()).Block(
			jen.Return(jen.Id("Set").Dot("Force").Call(jen.Id("ctx"), jen.Id(num), jen.Int().Call(jen.Id("v")))),
		)),
	)
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
