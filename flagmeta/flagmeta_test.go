package flagmeta

import (
	"slices"
	"strings"
	"testing"
)

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		variants []string
		def      string
		want     []string // by number
	}{
		{[]string{"off", "on"}, "off", []string{"off", "on"}},
		{[]string{"off", "on"}, "on", []string{"on", "off"}},
		{[]string{"a", "b", "c"}, "a", []string{"a", "b", "c"}},
		{[]string{"a", "b", "c"}, "b", []string{"b", "a", "c"}},
		{[]string{"a", "b", "c"}, "c", []string{"c", "a", "b"}},
		{[]string{"a", "b", "c"}, "nope", []string{"a", "b", "c"}},
	} {
		f := &Flag{Variants: tc.variants, Default: tc.def}
		if got := f.Numbered(); !slices.Equal(got, tc.want) {
			t.Errorf("%v default %s: Numbered = %v, want %v", tc.variants, tc.def, got, tc.want)
		}
		for n, v := range tc.want {
			if got := f.Number(v); got != n {
				t.Errorf("%v default %s: Number(%s) = %d, want %d", tc.variants, tc.def, v, got, n)
			}
			if got, ok := f.Name(n); !ok || got != v {
				t.Errorf("%v default %s: Name(%d) = %q, %v; want %q", tc.variants, tc.def, n, got, ok, v)
			}
		}
		for _, n := range []int{-1, len(tc.want)} {
			if got, ok := f.Name(n); ok {
				t.Errorf("Name(%d) = %q, true; want false", n, got)
			}
		}
		if got := f.Number("missing"); got != -1 {
			t.Errorf("Number(missing) = %d, want -1", got)
		}
	}
}

func TestDirectiveRoundTrip(t *testing.T) {
	for _, d := range []Directive{
		{Role: RoleSchema, Version: Version},
		{Role: RoleType, Key: "search"},
		{Role: RoleAccessor, Key: "new_checkout"},
		{Role: RoleHelper, Key: "search"},
		{Role: RoleString, Key: "search"},
		{Role: RoleVariant, Key: "search", Variant: "variant_a"},
		{Role: RoleIs, Key: "new_checkout", Variant: "on"},
		{Role: RoleIs, Key: "odd key", Variant: `say "hi"`},
		{Role: RoleVariant, Key: "k", Variant: ""},
		{Role: RoleValue, Key: "pricing_page", Value: "multiplier"},
		{Role: RoleObject, Key: "pricing_page", Value: "offer"},
		{Role: RoleValue, Key: "odd key", Value: "a b"},
		{Role: RoleBoolType},
		{Role: RoleBoolOn},
		{Role: RoleBoolString},
	} {
		s := d.String()
		got, ok, err := ParseDirective(s)
		if !ok || err != nil || got != d {
			t.Errorf("ParseDirective(%q) = %+v, %v, %v; want %+v", s, got, ok, err, d)
		}
	}
	if got := (Directive{Role: RoleIs, Key: "search", Variant: "variant_a"}).String(); got != "//flaggen:is search variant_a" {
		t.Errorf("String = %q", got)
	}
	if got := (Directive{Role: RoleValue, Key: "pricing_page", Value: "multiplier"}).String(); got != "//flaggen:value pricing_page multiplier" {
		t.Errorf("String = %q", got)
	}
	if got := (Directive{Role: RoleObject, Key: "pricing_page", Value: "offer"}).String(); got != "//flaggen:object pricing_page offer" {
		t.Errorf("String = %q", got)
	}
}

func TestParseDirectiveErrors(t *testing.T) {
	for _, c := range []string{"// flaggen:type x", "//go:generate flaggen", "//flaggen", "// Package flags"} {
		if _, ok, err := ParseDirective(c); ok || err != nil {
			t.Errorf("ParseDirective(%q): ok %v, err %v; want not a directive", c, ok, err)
		}
	}
	for c, want := range map[string]string{
		"//flaggen:flag search":          "unknown flaggen directive",
		"//flaggen:is search":            "takes 2 argument(s), not 1",
		"//flaggen:type a b":             "takes 1 argument(s), not 2",
		"//flaggen:value pricing_page":   "takes 2 argument(s), not 1",
		"//flaggen:object a b c":         "takes 2 argument(s), not 3",
		"//flaggen:boolon search":        "takes 0 argument(s), not 1",
		"//flaggen:schema three":         "positive number",
		`//flaggen:variant search "oops`: "malformed quoted",
	} {
		_, ok, err := ParseDirective(c)
		if !ok || err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDirective(%q): ok %v, err %v; want an error containing %q", c, ok, err, want)
		}
	}
}

// FuzzParseDirective: no comment crashes the parser, and a directive it
// accepts prints as a comment that parses back to itself.
func FuzzParseDirective(f *testing.F) {
	for _, s := range []string{
		"//flaggen:is search variant_a", "//flaggen:schema 3", `//flaggen:variant k "a b"`,
		"//flaggen:", "//flaggen:type", `//flaggen:is "`, "// Package flags", "//flaggen:accessor \t k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok, err := ParseDirective(s)
		if !ok || err != nil {
			return
		}
		back, ok, err := ParseDirective(d.String())
		if !ok || err != nil || back != d {
			t.Fatalf("ParseDirective(%q) = %+v, whose String %q parses to %+v, %v, %v", s, d, d.String(), back, ok, err)
		}
	})
}
