package spec

import (
	"reflect"
	"strings"
	"testing"
)

const pricingTOML = `[flags.pricing_page]
description = "d"
owner = "o"
expires = 2027-01-01
variants = ["control", "higher_price"]
default = "control"

[flags.pricing_page.values.control]
multiplier = 1
label = "Standard"
offer = { percent = 0, code = "" }

[flags.pricing_page.values.higher_price]
multiplier = 1.2
label = "Premium"
offer = { percent = 10, code = "SPRING" }
`

// head is a flag's required keys, then rest.
func head(key, rest string) string {
	return "[flags." + key + "]\ndescription = \"d\"\nowner = \"o\"\nexpires = 2027-01-01\n" + rest
}

func TestValues(t *testing.T) {
	f, err := Parse("flags.toml", []byte(pricingTOML))
	if err != nil {
		t.Fatal(err)
	}
	vals := f.Flags[0].Values
	if len(vals) != 3 {
		t.Fatalf("got %d values, want 3", len(vals))
	}
	m, l, o := vals[0], vals[1], vals[2]
	if m.Name != "multiplier" || m.GoName != "Multiplier" || m.Type != TypeFloat || !reflect.DeepEqual(m.ByVariant, []any{1.0, 1.2}) {
		t.Errorf("multiplier: got %+v", *m)
	}
	if m.Pos.Line != 9 || m.Pos.Col != 1 {
		t.Errorf("multiplier at %v, want 9:1", m.Pos)
	}
	if l.Type != TypeString || !reflect.DeepEqual(l.ByVariant, []any{"Standard", "Premium"}) {
		t.Errorf("label: got %+v", *l)
	}
	if o.Type != TypeObject || len(o.Fields) != 2 || o.Fields[0].Name != "percent" || o.Fields[0].Type != TypeInt || o.Fields[1].Type != TypeString {
		t.Errorf("offer: got %+v", *o)
	}
	if want := []any{map[string]any{"percent": int64(0), "code": ""}, map[string]any{"percent": int64(10), "code": "SPRING"}}; !reflect.DeepEqual(o.ByVariant, want) {
		t.Errorf("offer: got %v, want %v", o.ByVariant, want)
	}
	meta := f.Flags[0].Meta().Values
	if got, want := meta[0].ByVariant, []string{"1", "1.2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("meta multiplier: got %q, want %q", got, want)
	}
	if got, want := meta[2].ByVariant[1], `{"code":"SPRING","percent":10}`; got != want {
		t.Errorf("meta offer: got %s, want %s", got, want)
	}
	if meta[2].Type != "object" || meta[2].Fields[0].Type != "int" || meta[2].Fields[0].GoName != "Percent" {
		t.Errorf("meta offer: got %+v", meta[2])
	}
}

func TestValuesShorthand(t *testing.T) {
	f, err := Parse("flags.toml", []byte(head("dark", `values = { on = true, off = false }`)+"\n"+head("limit", `variants = ["low", "high"]
default = "low"
values = { low = 10, high = 1000 }
`)))
	if err != nil {
		t.Fatal(err)
	}
	v := f.Flag("dark").Values[0]
	if v.Name != "value" || v.Type != TypeBool || !reflect.DeepEqual(v.ByVariant, []any{false, true}) {
		t.Errorf("dark: got %+v", *v)
	}
	v = f.Flag("limit").Values[0]
	if v.Type != TypeInt || !reflect.DeepEqual(v.ByVariant, []any{int64(10), int64(1000)}) {
		t.Errorf("limit: got %+v", *v)
	}
}

func TestValuesErrors(t *testing.T) {
	two := "variants = [\"a\", \"b\"]\ndefault = \"a\"\n"
	cases := []struct {
		name, src string
		want      []string
	}{
		{"missing variant", head("f", two+"values.a = { x = 1 }\n"), []string{
			`flags.toml:7:1: variant "b" of flag "f" has no values: every variant carries every value; add [flags.f.values.b]`}},
		{"unknown variant", head("f", two+"values.a = { x = 1 }\nvalues.b = { x = 1 }\nvalues.c = { x = 1 }\n"), []string{
			`flags.toml:9:8: "c" is not a variant of flag "f": write one of a, b`}},
		{"missing value", head("f", two+"values.a = { x = 1, y = 2 }\nvalues.b = { x = 1 }\n"), []string{
			`flags.toml:8:8: variant "b" of flag "f" has no value "y" (variant "a" has it): add y = …`}},
		{"type mismatch", head("f", two+"values.a = { x = 1 }\nvalues.b = { x = \"1\" }\n"), []string{
			`flags.toml:8:18: value "x" is a string for variant "b" but an integer for variant "a": give every variant the same type`}},
		{"int and float make a float", head("f", two+"values.a = { x = 1 }\nvalues.b = { x = 1.5 }\n"), nil},
		{"not snake_case", head("f", two+"values.a = { unitPrice = 1 }\nvalues.b = { unitPrice = 1 }\n"), []string{
			`flags.toml:7:14: value name "unitPrice" is not snake_case: write "unit_price"`}},
		{"Go names clash", head("f", two+"values.a = { a_1 = 1, a1 = 2 }\nvalues.b = { a_1 = 1, a1 = 2 }\n"), []string{
			`flags.toml:7:23: values "a_1" and "a1" of flag "f" both have the Go name A1: rename one`}},
		{"Go name of a method", head("f", two+"values.a = { is_a = 1 }\nvalues.b = { is_a = 1 }\n"), []string{
			`flags.toml:7:14: value "is_a" of flag "f" has the Go name IsA, which the flag's generated type has as a method already: rename the value`}},
		{"array", head("f", two+"values = { a = [1], b = [2] }\n"), []string{
			`flags.toml:7:16: value "value" of variant "a" is an array: a value is a string, an integer, a float, a boolean or a table of those, e.g. value = 1.0`,
			`flags.toml:7:25: value "value" of variant "b" is an array: a value is a string, an integer, a float, a boolean or a table of those, e.g. value = 1.0`}},
		{"mixed forms", head("f", two+"values = { a = 1, b = { x = 1 } }\n"), []string{
			`flags.toml:7:1: values of flag "f" mixes tables and single values: give every variant a table of named values ([flags.f.values.a] with multiplier = 1.0), or every variant one value (values = { a = 1.0, … })`}},
		{"object fields differ", head("f", two+"values.a = { o = { p = 1 } }\nvalues.b = { o = { p = 1, q = 2 } }\n"), []string{
			`flags.toml:8:27: value "o" of variant "b" has field "q", which variant "a"'s lacks: give every variant the same fields`}},
		{"object field missing", head("f", two+"values.a = { o = { p = 1, q = 2 } }\nvalues.b = { o = { p = 1 } }\n"), []string{
			`flags.toml:8:18: value "o" of variant "b" has no field "q": add q = …`}},
		{"object field types differ", head("f", two+"values.a = { o = { p = 1 } }\nvalues.b = { o = { p = true } }\n"), []string{
			`flags.toml:8:24: field "p" of value "o" is a boolean for variant "b" but an integer for variant "a": give every variant the same type`}},
		{"nested object", head("f", two+"values.a = { o = { p = { q = 1 } } }\nvalues.b = { o = { p = { q = 1 } } }\n"), []string{
			`flags.toml:7:24: field "p" of value "o" is a table: a field is a string, an integer, a float or a boolean`,
			`flags.toml:8:24: field "p" of value "o" is a table: a field is a string, an integer, a float or a boolean`}},
		{"not finite", head("f", two+"values = { a = nan, b = 1.0 }\n"), []string{
			`flags.toml:7:16: value "value" of variant "a" is NaN, not a finite number: write one, e.g. value = 1.0`}},
		{"field not finite", head("f", two+"values.a = { o = { p = inf } }\nvalues.b = { o = { p = 1.0 } }\n"), []string{
			`flags.toml:7:24: field "p" of value "o" is +Inf, not a finite number: write one, e.g. p = 1.0`}},
		{"not a table", head("f", two+"values = 1\n"), []string{
			`flags.toml:7:10: values is an integer; it must be a table of variant = values, e.g. [flags.f.values.a] with multiplier = 1.0`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("flags.toml", []byte(tc.src))
			var got []string
			if err != nil {
				for _, e := range err.(ErrorList) {
					got = append(got, e.Error())
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n%s\nwant:\n%s\nsource:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"), tc.src)
			}
		})
	}
}

// TestObjectTypeNameClash: an object value's struct type, the flag's Go
// name then the value's, must not clash with another generated name.
func TestObjectTypeNameClash(t *testing.T) {
	// A flag whose type is PricingPageOffer, declared after the value.
	src := pricingTOML + "\n" + head("pricing_page_offer", "variants = [\"a\", \"b\"]\ndefault = \"a\"\n")
	_, err := Parse("flags.toml", []byte(src))
	want := `flags.toml:18:1: Go name PricingPageOffer of flag "pricing_page_offer" clashes with PricingPageOffer of flag "pricing_page" value "offer" (11:1): set go_name = "…" on flag "pricing_page_offer" to choose another name`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Parse: got %v, want an error containing\n%s", err, want)
	}
	// A constant of the flag's own variants: variant "offer" is
	// PricingPageOffer too.
	src = head("pricing_page", "variants = [\"control\", \"offer\"]\ndefault = \"control\"\n") +
		"[flags.pricing_page.values.control]\noffer = { percent = 0 }\n" +
		"[flags.pricing_page.values.offer]\noffer = { percent = 10 }\n"
	_, err = Parse("flags.toml", []byte(src))
	want = `Go name PricingPageOffer of flag "pricing_page" value "offer" clashes with PricingPageOffer of flag "pricing_page" variant "offer"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Parse: got %v, want an error containing\n%s", err, want)
	}
	if errs := CheckNames(&File{Name: "flags.toml"}); len(errs) != 0 {
		t.Errorf("CheckNames of an empty file: %v", errs)
	}
}
