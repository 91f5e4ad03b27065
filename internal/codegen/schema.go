package codegen

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/flaggen/flaggen/flagmeta"
)

// The schema literal's entries are written by reflection over
// flagmeta.Flag, so that every field the runtime adds to it reaches the
// compiled-in snapshot without a change here. Fields that hold their zero
// value are left out. A struct whose fields are all scalars or slices of
// scalars (a rollout's part) is written on one line.

// maxLeaves bounds the text of an entry's scalars that a template may
// hold. gofmt aligns a struct literal's keys only while each key and value
// fits on a line of a million bytes; an entry with more text than this is
// rendered and formatted on its own instead.
const maxLeaves = 1 << 18

// writeEntry writes info's element of the schema literal, each line
// indented by indent, without the comma that follows it.
func (g *generator) writeEntry(w *bytes.Buffer, info flagmeta.Flag, indent string) error {
	var shape strings.Builder
	var leaves []string
	size := 0
	walk(reflect.ValueOf(info), &shape, func(v reflect.Value) {
		leaves = append(leaves, leafText(v))
		size += len(leaves[len(leaves)-1])
	})
	if size > maxLeaves {
		src, err := g.renderEntry(info, func(v reflect.Value) jen.Code { return jen.Op(leafText(v)) })
		if err != nil {
			return err
		}
		w.Write(indentLines(src, indent))
		return nil
	}
	t, err := g.template("entry"+indent+shape.String(), func() ([]byte, error) {
		n := 0
		src, err := g.renderEntry(info, func(reflect.Value) jen.Code {
			n++
			return jen.Id(hole(n - 1))
		})
		return indentLines(src, indent), err
	})
	if err != nil {
		return err
	}
	t.fill(w, leaves)
	return nil
}

// renderEntry renders info's element of the schema literal, as writeEntry
// writes it, with leaf giving the code of each scalar.
func (g *generator) renderEntry(info flagmeta.Flag, leaf func(reflect.Value) jen.Code) ([]byte, error) {
	elem := jen.Custom(multiLine, fields(reflect.ValueOf(info), leaf)...)
	// Rendered as the element of a slice literal, whose first and last
	// lines are dropped; the element's lines lose the literal's indent.
	src, err := g.render(jen.Var().Id("_").Op("=").Index().Qual(metaPath, "Flag").Custom(multiLine, elem))
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(src), "\n"), "\n")
	var out bytes.Buffer
	for _, line := range lines[1 : len(lines)-1] {
		out.WriteString(strings.TrimPrefix(line, "\t"))
	}
	return bytes.TrimSuffix(out.Bytes(), []byte(",\n")), nil
}

// multiLine writes a composite literal's elements one a line.
var multiLine = jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}

// walk calls leaf for each scalar of the literal of the struct v, in the
// order fields writes them, and writes to shape what fixes the literal's
// layout: which fields it holds, how long its slices are.
func walk(v reflect.Value, shape *strings.Builder, leaf func(reflect.Value)) {
	switch {
	case v.Kind() == reflect.Struct:
		shape.WriteByte('{')
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !v.Field(i).IsZero() {
				shape.WriteString(strconv.Itoa(i))
				shape.WriteByte(':')
				walk(v.Field(i), shape, leaf)
			}
		}
		shape.WriteByte('}')
	case v.Kind() == reflect.Slice && !scalar(v.Type().Elem()):
		shape.WriteByte('[')
		for i := range v.Len() {
			walk(v.Index(i), shape, leaf)
		}
		shape.WriteByte(']')
	default: // a scalar, or a slice of them: one leaf, on one line
		shape.WriteByte('.')
		leaf(v)
	}
}

// scalar reports whether t is a string, boolean or number type.
func scalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// fields returns the fields of a literal of the struct v, in declaration
// order, leaving out those that hold their zero value; leaf gives the code
// of each scalar.
func fields(v reflect.Value, leaf func(reflect.Value) jen.Code) []jen.Code {
	var out []jen.Code
	t := v.Type()
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && !v.Field(i).IsZero() {
			out = append(out, jen.Id(f.Name).Op(":").Add(literal(v.Field(i), true, leaf)))
		}
	}
	return out
}

// literal returns a Go literal of v, a value made of strings, booleans,
// numbers and slices and structs of them. typed says whether a composite
// literal spells its type; the elements of a slice literal leave it out.
func literal(v reflect.Value, typed bool, leaf func(reflect.Value) jen.Code) jen.Code {
	switch v.Kind() {
	case reflect.Slice:
		if scalar(v.Type().Elem()) {
			return leaf(v)
		}
		elems := make([]jen.Code, v.Len())
		for i := range elems {
			elems[i] = literal(v.Index(i), false, leaf)
		}
		if v.Type().Elem().Kind() == reflect.Struct {
			return jen.Index().Add(typeName(v.Type().Elem())).Custom(multiLine, elems...)
		}
		return jen.Index().Add(typeName(v.Type().Elem())).Values(elems...)
	case reflect.Struct:
		opts := multiLine
		if flat(v.Type()) {
			opts = jen.Options{Open: "{", Close: "}", Separator: ","}
		}
		if typed {
			return typeName(v.Type()).Custom(opts, fields(v, leaf)...)
		}
		return jen.Custom(opts, fields(v, leaf)...)
	}
	return leaf(v)
}

// leafText returns the Go literal of v, a string, boolean or number, or a
// slice of them, which gofmt leaves on one line: []string{"a", "b"}.
func leafText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Slice:
		elems := make([]string, v.Len())
		for i := range elems {
			elems[i] = leafText(v.Index(i))
		}
		return "[]" + v.Type().Elem().Name() + "{" + strings.Join(elems, ", ") + "}"
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float32, reflect.Float64:
		// checkIdents refuses NaN and the infinities, which have no
		// literal.
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	panic(fmt.Sprintf("codegen: cannot write a literal of %s", v.Type()))
}

// flat reports whether a literal of the struct type t fits on one line:
// its fields are scalars or slices of scalars, as in a rollout's parts.
func flat(t reflect.Type) bool {
	for i := range t.NumField() {
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct || ft.Kind() == reflect.Slice {
			return false
		}
	}
	return true
}

// typeName returns the name of t, a predeclared type or a runtime type.
func typeName(t reflect.Type) *jen.Statement {
	if t.PkgPath() == "" {
		return jen.Id(t.Name())
	}
	return jen.Qual(metaPath, t.Name())
}
