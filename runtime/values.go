package runtime

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/runtime/internal/link"
)

// valueType is the type of a compiled value.
type valueType uint8

const (
	typeString valueType = iota + 1
	typeInt
	typeFloat
	typeBool
	typeObject
)

func parseValueType(s string) valueType {
	switch s {
	case "string":
		return typeString
	case "int":
		return typeInt
	case "float":
		return typeFloat
	case "bool":
		return typeBool
	case "object":
		return typeObject
	}
	return 0
}

// value is one compiled value of a flag: each variant's, by variant
// number, decoded once per snapshot.
type value struct {
	name string
	typ  valueType
	// fields are an object's field names, in the order of its
	// variantValue.fields.
	fields []string
	// byVariant is indexed by variant number.
	byVariant []variantValue
}

// variantValue is one variant's value, in the field of its type, and
// boxed once for ValueOf. An object's fields are in fields, in the order
// of value.fields.
type variantValue struct {
	box    any
	fields []variantValue
	link.Value
}

// compileValues decodes info's values, numbering variants as names does.
// A value that does not decode as its type (a hand-edited schema) is the
// type's zero value.
func compileValues(info *flagmeta.Flag, names []string) []value {
	if len(info.Values) == 0 {
		return nil
	}
	out := make([]value, 0, len(info.Values))
	for _, mv := range info.Values {
		v := value{name: mv.Name, typ: parseValueType(mv.Type), byVariant: make([]variantValue, len(names))}
		for _, f := range mv.Fields {
			v.fields = append(v.fields, f.Name)
		}
		for n, name := range names {
			raw := ""
			if i := slices.Index(info.Variants, name); i >= 0 && i < len(mv.ByVariant) {
				raw = mv.ByVariant[i]
			}
			v.byVariant[n] = decodeValue(v.typ, mv.Fields, raw)
		}
		out = append(out, v)
	}
	return out
}

func decodeValue(t valueType, fields []flagmeta.Field, raw string) variantValue {
	var vv variantValue
	switch t {
	case typeString:
		_ = json.Unmarshal([]byte(raw), &vv.S)
		vv.box = vv.S
	case typeInt:
		_ = json.Unmarshal([]byte(raw), &vv.I)
		vv.box = vv.I
	case typeFloat:
		_ = json.Unmarshal([]byte(raw), &vv.F)
		vv.box = vv.F
	case typeBool:
		_ = json.Unmarshal([]byte(raw), &vv.B)
		vv.box = vv.B
	case typeObject:
		var m map[string]json.RawMessage
		_ = json.Unmarshal([]byte(raw), &m)
		obj := make(map[string]any, len(fields))
		vv.fields = make([]variantValue, len(fields))
		for i, f := range fields {
			vv.fields[i] = decodeValue(parseValueType(f.Type), nil, string(m[f.Name]))
			obj[f.Name] = vv.fields[i].box
		}
		vv.box = obj
	}
	return vv
}

// value returns the compiled value named name, or nil.
func (f *flag) value(name string) *value {
	for i := range f.values {
		if f.values[i].name == name {
			return &f.values[i]
		}
	}
	return nil
}

// valueAt returns the compiled value named name, which the schema
// numbers n: f.values[n] unless a live update declared the values in
// another order.
func (f *flag) valueAt(n int, name string) *value {
	if n < len(f.values) && f.values[n].name == name {
		return &f.values[n]
	}
	return f.value(name)
}

// fieldAt returns the index in v.fields of the field named name, which
// the schema numbers n, or -1.
func (v *value) fieldAt(n int, name string) int {
	if n < len(v.fields) && v.fields[n] == name {
		return n
	}
	return slices.Index(v.fields, name)
}

// served returns the served variant's value name of the flag with the
// given key, if its type is t (any type when t is 0).
func (ev *Evaluator) served(key, name string, t valueType) (*variantValue, bool) {
	i, ok := ev.snap.byKey[key]
	if !ok {
		return nil, false
	}
	v := ev.snap.flags[i].value(name)
	if v == nil || (t != 0 && v.typ != t) {
		return nil, false
	}
	return &v.byVariant[ev.variant(i)], true
}

// ValueOf returns the value named name that the request's variant of the
// flag with the given key carries, evaluating the flag (and reporting
// the exposure) on first use: a string, int64, float64, bool, or for an
// object a map[string]any of its fields. The map is shared by every
// request of the snapshot and must not be modified. It reports false for
// an unknown flag or value. (An Evaluator is a context.Context, whose
// Value method it keeps.)
func (ev *Evaluator) ValueOf(key, name string) (any, bool) {
	vv, ok := ev.served(key, name, 0)
	if !ok {
		return nil, false
	}
	return vv.box, true
}

// Float returns the float value named name of the request's variant of
// the flag with the given key, as [Evaluator.ValueOf] does; it reports
// false when there is no such value or it is not a float. It does not
// allocate.
func (ev *Evaluator) Float(key, name string) (float64, bool) {
	vv, ok := ev.served(key, name, typeFloat)
	if !ok {
		return 0, false
	}
	return vv.F, true
}

// Int is [Evaluator.Float] for an integer value.
func (ev *Evaluator) Int(key, name string) (int64, bool) {
	vv, ok := ev.served(key, name, typeInt)
	if !ok {
		return 0, false
	}
	return vv.I, true
}

// String is [Evaluator.Float] for a string value.
func (ev *Evaluator) String(key, name string) (string, bool) {
	vv, ok := ev.served(key, name, typeString)
	if !ok {
		return "", false
	}
	return vv.S, true
}

// Bool is [Evaluator.Float] for a boolean value.
func (ev *Evaluator) Bool(key, name string) (bool, bool) {
	vv, ok := ev.served(key, name, typeBool)
	if !ok {
		return false, false
	}
	return vv.B, true
}

// Values returns the values that the request's variant of the flag with
// the given key carries, by name, as [Evaluator.ValueOf] returns them; nil
// for an unknown flag or one with no values. It evaluates the flag on
// first use. The map is built once per snapshot and shared by every
// request: it must not be modified.
func (ev *Evaluator) Values(key string) map[string]any {
	i, ok := ev.snap.byKey[key]
	if !ok || ev.snap.flags[i].valueMaps == nil {
		return nil
	}
	return ev.snap.flags[i].valueMaps[ev.variant(i)]
}

// valueMaps builds, for each of n variants, its values by name.
func valueMaps(values []value, n int) []map[string]any {
	if len(values) == 0 {
		return nil
	}
	out := make([]map[string]any, n)
	for v := range out {
		m := make(map[string]any, len(values))
		for j := range values {
			m[values[j].name] = values[j].byVariant[v].box
		}
		out[v] = m
	}
	return out
}

// servableValues returns why code generated with want's values cannot
// serve got's: a value added, removed, or of another type (an object's
// fields included); "" when it can. Values may change within their type.
func servableValues(want, got *flagmeta.Flag) string {
	kept := ": it keeps the declaration in force; keep the values and their types, or regenerate and deploy the code first"
	for _, g := range got.Values {
		i := slices.IndexFunc(want.Values, func(w flagmeta.Value) bool { return w.Name == g.Name })
		if i < 0 {
			return fmt.Sprintf("flag %q has value %q here but not in the generated code%s", got.Key, g.Name, kept)
		}
		w := want.Values[i]
		if w.Type != g.Type {
			return fmt.Sprintf("flag %q value %q is %s here but %s in the generated code%s", got.Key, g.Name, g.Type, w.Type, kept)
		}
		if !slices.Equal(fieldShape(w.Fields), fieldShape(g.Fields)) {
			return fmt.Sprintf("flag %q value %q has fields %s here but %s in the generated code%s", got.Key, g.Name, strings.Join(fieldShape(g.Fields), ", "), strings.Join(fieldShape(w.Fields), ", "), kept)
		}
	}
	for _, w := range want.Values {
		if !slices.ContainsFunc(got.Values, func(g flagmeta.Value) bool { return g.Name == w.Name }) {
			return fmt.Sprintf("flag %q lacks value %q here, which the generated code reads%s", got.Key, w.Name, kept)
		}
	}
	return ""
}

// fieldShape lists fields as "name type", sorted.
func fieldShape(fs []flagmeta.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name + " " + f.Type
	}
	slices.Sort(out)
	return out
}
