package spec

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// ValueType is the type of a [Value] (or of a [Field] of an object value).
type ValueType uint8

// The types a value may have. An object is a table of fields of the
// scalar types, the same fields for every variant.
const (
	TypeString ValueType = iota + 1
	TypeInt
	TypeFloat
	TypeBool
	TypeObject
)

var valueTypeNames = [...]string{TypeString: "string", TypeInt: "int", TypeFloat: "float", TypeBool: "bool", TypeObject: "object"}

// String returns the type's name as package flagmeta writes it: "string",
// "int", "float", "bool" or "object".
func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) && valueTypeNames[t] != "" {
		return valueTypeNames[t]
	}
	return "ValueType(" + strconv.Itoa(int(t)) + ")"
}

// article names t for messages: "a string", "an integer", …
func (t ValueType) article() string {
	switch t {
	case TypeString:
		return "a string"
	case TypeInt:
		return "an integer"
	case TypeFloat:
		return "a float"
	case TypeBool:
		return "a boolean"
	case TypeObject:
		return "a table"
	}
	return t.String()
}

// Value is one named value that every variant of a flag carries.
type Value struct {
	Pos Pos
	// Name is the value's snake_case name; the shorthand
	// values = { variant = … } names its one value "value".
	Name string
	// GoName is the UpperCamel form of Name ("unit_price" → "UnitPrice").
	GoName string
	Type   ValueType
	// Fields are an object's fields, in the order the first variant
	// writes them; nil for a scalar.
	Fields []*Field
	// ByVariant holds each variant's value, indexed like Flag.Variants: a
	// string, int64, float64, bool, or for an object a map[string]any of
	// field name to such a scalar.
	ByVariant []any
}

// Field is one field of an object [Value].
type Field struct {
	Pos    Pos
	Name   string
	GoName string
	Type   ValueType
}

// ShorthandValue is the name of the one value the shorthand
// values = { variant = … } declares.
const ShorthandValue = "value"

// scalarType returns the type of a decoded scalar, or 0.
func scalarType(v any) ValueType {
	switch v.(type) {
	case string:
		return TypeString
	case int64:
		return TypeInt
	case float64:
		return TypeFloat
	case bool:
		return TypeBool
	}
	return 0
}

// nonFinite reports whether v is a float that is NaN or infinite, which
// no value or field may be.
func nonFinite(v any) bool {
	f, ok := v.(float64)
	return ok && (math.IsNaN(f) || math.IsInf(f, 0))
}

// values reads the values table of fl: either one table per variant of
// named values, or the shorthand of one scalar per variant.
func (p *parser) values(path []string, fl *Flag, v any) {
	vpath := p.at(path, "values")
	example := fmt.Sprintf("[flags.%s.values.%s] with multiplier = 1.0", fl.Key, fl.Variants[0].Name)
	m, ok := v.(map[string]any)
	if !ok {
		p.wrongType(vpath, v, "a table of variant = values", example)
		return
	}
	tables, scalars := 0, 0
	for _, e := range m {
		if _, ok := e.(map[string]any); ok {
			tables++
		} else {
			scalars++
		}
	}
	if tables > 0 && scalars > 0 {
		p.errorf(p.keyPos(vpath...), "values of flag %q mixes tables and single values: give every variant a table of named values (%s), or every variant one value (values = { %s = 1.0, … })", fl.Key, example, fl.Variants[0].Name)
		return
	}
	shorthand := scalars > 0
	perVariant := make([]map[string]any, len(fl.Variants))
	good := true
	for _, name := range p.orderedKeys(vpath, m) {
		i := fl.VariantIndex(name)
		if i < 0 {
			p.unknownVariant(p.at(vpath, name), fl, name, true)
			good = false
			continue
		}
		if shorthand {
			perVariant[i] = map[string]any{ShorthandValue: m[name]}
		} else {
			perVariant[i] = m[name].(map[string]any)
		}
	}
	// Where a variant's value is written: the shorthand has no name key.
	at := func(variant int, name string) []string {
		if shorthand {
			return p.at(vpath, fl.Variants[variant].Name)
		}
		return p.at(vpath, fl.Variants[variant].Name, name)
	}
	for i, vals := range perVariant {
		if vals == nil {
			write := fmt.Sprintf("[flags.%s.values.%s]", fl.Key, fl.Variants[i].Name)
			if shorthand {
				write = fmt.Sprintf("%s = … in values", fl.Variants[i].Name)
			}
			p.errorf(p.keyPos(vpath...), "variant %q of flag %q has no values: every variant carries every value; add %s", fl.Variants[i].Name, fl.Key, write)
			good = false
		}
	}
	if !good {
		return
	}
	// The value names, in the order the variants first write them.
	names := []string{ShorthandValue}
	if !shorthand {
		names = nil
		for i, vals := range perVariant {
			for _, n := range p.orderedKeys(p.at(vpath, fl.Variants[i].Name), vals) {
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
	}
	goNames := map[string]string{}
	// The methods the generated type of a flag has already.
	methods := map[string]bool{"String": true}
	if fl.Bool {
		methods["Enabled"] = true
	} else {
		for _, v := range fl.Variants {
			methods["Is"+v.GoName] = true
		}
	}
	for _, name := range names {
		first := -1 // the first variant that has the value
		for i := range perVariant {
			if _, ok := perVariant[i][name]; ok {
				first = i
				break
			}
		}
		val := &Value{Pos: p.keyPos(at(first, name)...), Name: name, GoName: GoName(name), ByVariant: make([]any, len(fl.Variants))}
		if shorthand {
			val.Pos = p.keyPos(vpath...)
		}
		ok := true
		if !snakeCase.MatchString(name) {
			p.errorf(val.Pos, "value name %q is not snake_case: write %q", name, orExample(snakeCaseOf(name), "unit_price"))
			ok = false
		} else if methods[val.GoName] {
			p.errorf(val.Pos, "value %q of flag %q has the Go name %s, which the flag's generated type has as a method already: rename the value", name, fl.Key, val.GoName)
			ok = false
		} else if prev, dup := goNames[val.GoName]; dup {
			p.errorf(val.Pos, "values %q and %q of flag %q both have the Go name %s: rename one", prev, name, fl.Key, val.GoName)
			ok = false
		} else {
			goNames[val.GoName] = name
		}
		for i := range perVariant {
			raw, has := perVariant[i][name]
			if !has {
				p.errorf(p.keyPos(p.at(vpath, fl.Variants[i].Name)...), "variant %q of flag %q has no value %q (variant %q has it): add %s = …", fl.Variants[i].Name, fl.Key, name, fl.Variants[first].Name, name)
				ok = false
				continue
			}
			if !p.value(at(i, name), fl, val, i, first, raw) {
				ok = false
			}
		}
		if ok {
			val.settle()
			fl.Values = append(fl.Values, val)
		}
	}
}

func orExample(s, example string) string {
	if snakeCase.MatchString(s) {
		return s
	}
	return example
}

// value reads variant i's value raw of val, at path; first is the first
// variant that has val, which sets its type and fields.
func (p *parser) value(path []string, fl *Flag, val *Value, i, first int, raw any) bool {
	name := fl.Variants[i].Name
	obj, isObj := raw.(map[string]any)
	t := scalarType(raw)
	if isObj {
		t = TypeObject
	}
	if t == 0 {
		p.errorf(p.valuePos(path...), "value %q of variant %q is %s: a value is a string, an integer, a float, a boolean or a table of those, e.g. %s = 1.0", val.Name, name, typeName(raw), val.Name)
		return false
	}
	if nonFinite(raw) {
		p.errorf(p.valuePos(path...), "value %q of variant %q is %v, not a finite number: write one, e.g. %s = 1.0", val.Name, name, raw, val.Name)
		return false
	}
	if !p.sameType(path, fl, &val.Type, t, fmt.Sprintf("value %q", val.Name), i, first) {
		return false
	}
	if !isObj {
		val.ByVariant[i] = raw
		return true
	}
	good := true
	out := make(map[string]any, len(obj))
	keys := p.orderedKeys(path, obj)
	if i == first {
		for _, k := range keys {
			f := &Field{Pos: p.keyPos(p.at(path, k)...), Name: k, GoName: GoName(k)}
			if !snakeCase.MatchString(k) {
				p.errorf(f.Pos, "field name %q of value %q is not snake_case: write %q", k, val.Name, orExample(snakeCaseOf(k), "percent"))
				good = false
			}
			for _, g := range val.Fields {
				if g.GoName == f.GoName {
					p.errorf(f.Pos, "fields %q and %q of value %q both have the Go name %s: rename one", g.Name, k, val.Name, f.GoName)
					good = false
				}
			}
			val.Fields = append(val.Fields, f)
		}
		if len(keys) == 0 {
			p.errorf(p.valuePos(path...), "value %q of variant %q is an empty table: give it fields, e.g. %s = { percent = 10 }", val.Name, name, val.Name)
			good = false
		}
	}
	for _, k := range keys {
		if !slices.ContainsFunc(val.Fields, func(f *Field) bool { return f.Name == k }) {
			p.errorf(p.keyPos(p.at(path, k)...), "value %q of variant %q has field %q, which variant %q's lacks: give every variant the same fields", val.Name, name, k, fl.Variants[first].Name)
			good = false
		}
	}
	for _, f := range val.Fields {
		fv, ok := obj[f.Name]
		if !ok {
			p.errorf(p.valuePos(path...), "value %q of variant %q has no field %q: add %s = …", val.Name, name, f.Name, f.Name)
			good = false
			continue
		}
		ft := scalarType(fv)
		if ft == 0 {
			p.errorf(p.valuePos(p.at(path, f.Name)...), "field %q of value %q is %s: a field is a string, an integer, a float or a boolean", f.Name, val.Name, typeName(fv))
			good = false
			continue
		}
		if nonFinite(fv) {
			p.errorf(p.valuePos(p.at(path, f.Name)...), "field %q of value %q is %v, not a finite number: write one, e.g. %s = 1.0", f.Name, val.Name, fv, f.Name)
			good = false
			continue
		}
		if !p.sameType(p.at(path, f.Name), fl, &f.Type, ft, fmt.Sprintf("field %q of value %q", f.Name, val.Name), i, first) {
			good = false
			continue
		}
		out[f.Name] = fv
	}
	val.ByVariant[i] = out
	return good
}

// sameType merges the type t that variant i writes for what into *have,
// the type of the variants before it; an integer where another variant
// writes a float makes the value a float. It reports a disagreement at
// path.
func (p *parser) sameType(path []string, fl *Flag, have *ValueType, t ValueType, what string, i, first int) bool {
	switch {
	case *have == 0 || *have == t:
		*have = t
	case *have == TypeFloat && t == TypeInt:
	case *have == TypeInt && t == TypeFloat:
		*have = TypeFloat
	default:
		p.errorf(p.valuePos(path...), "%s is %s for variant %q but %s for variant %q: give every variant the same type", what, t.article(), fl.Variants[i].Name, have.article(), fl.Variants[first].Name)
		return false
	}
	return true
}

// settle converts the integers of a float value (or field) to float64.
func (val *Value) settle() {
	for i, v := range val.ByVariant {
		switch v := v.(type) {
		case int64:
			if val.Type == TypeFloat {
				val.ByVariant[i] = float64(v)
			}
		case map[string]any:
			for _, f := range val.Fields {
				if n, ok := v[f.Name].(int64); ok && f.Type == TypeFloat {
					v[f.Name] = float64(n)
				}
			}
		}
	}
}
