package spec

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// boolFlagTOML returns a valid boolean flag [flags.key] on lines 1–4,
// followed by extra, one element a line, from line 5 on.
func boolFlagTOML(key string, extra ...string) string {
	return parseTestLines(append([]string{
		"[flags." + key + "]",
		`description = "d"`,
		`owner = "o"`,
		"expires = 2027-01-01",
	}, extra...)...)
}

// variantFlagTOML is boolFlagTOML with variants "control" and "treatment"
// on line 5 (their names start at columns 13 and 24) and default "control"
// on line 6; extra follows from line 7 on.
func variantFlagTOML(key string, extra ...string) string {
	return boolFlagTOML(key, append([]string{
		`variants = ["control", "treatment"]`,
		`default = "control"`,
	}, extra...)...)
}

func parseTestLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

type parseErrorCase struct {
	name   string
	src    string
	want   []string // every error line, in order
	syntax bool     // the error is a TOML syntax error
}

var parseErrorCases = []parseErrorCase{
	// TOML syntax: reported alone, with a position, matching ErrSyntax.
	{
		name:   "syntax error stops validation",
		src:    "[flags.f]\nenabled = yes\n", // and no description, owner, expires
		want:   []string{`flags.toml:2:11: invalid TOML: expected value but found "yes" instead`},
		syntax: true,
	},
	{
		name:   "syntax error at the start of a line",
		src:    boolFlagTOML("f", "?"),
		want:   []string{`flags.toml:5:1: invalid TOML: expected '.' or '=', but got '?' instead`},
		syntax: true,
	},
	{
		name:   "unterminated table header",
		src:    "[flags.f",
		want:   []string{`flags.toml:1:8: invalid TOML: expected '.' or ']' to end table name, but got the end of the file instead`},
		syntax: true,
	},
	{
		name:   "table header cut off by the end of the line",
		src:    "[flags.abcdefghijkl\n",
		want:   []string{`flags.toml:1:20: invalid TOML: expected '.' or ']' to end table name, but got the end of the line instead`},
		syntax: true,
	},
	{
		name:   "table header cut off by the end of a line before another",
		src:    "[flags.abcdefghijkl\n[flags.x]\n",
		want:   []string{`flags.toml:1:20: invalid TOML: expected '.' or ']' to end table name, but got the end of the line instead`},
		syntax: true,
	},
	{
		name:   "array-of-tables header cut off by the end of a CRLF line",
		src:    "[[flags.ab\r\n",
		want:   []string{`flags.toml:1:11: invalid TOML: expected '.' or ']' to end table name, but got the end of the line instead`},
		syntax: true,
	},
	{
		name:   "syntax error after a byte-order mark",
		src:    "\ufeffa = yes\n",
		want:   []string{`flags.toml:1:8: invalid TOML: expected value but found "yes" instead`},
		syntax: true,
	},
	{
		name:   "syntax error on line 2 after a byte-order mark",
		src:    "\ufeffa = 1\nb = yes\n",
		want:   []string{`flags.toml:2:5: invalid TOML: expected value but found "yes" instead`},
		syntax: true,
	},
	{
		name:   "control character",
		src:    "a = 1\nb = \"x\x01\"\n",
		want:   []string{`flags.toml:2:7: invalid TOML: TOML files cannot contain control characters: '0x01'`},
		syntax: true,
	},
	{
		name:   "control character first",
		src:    "\x7f",
		want:   []string{`flags.toml:1:1: invalid TOML: TOML files cannot contain control characters: '0x7f'`},
		syntax: true,
	},
	{
		name:   "carriage return without a line feed",
		src:    "a = 1\r",
		want:   []string{`flags.toml:1:6: invalid TOML: TOML files cannot contain control characters: '0x0d'`},
		syntax: true,
	},
	{
		name:   "invalid UTF-8",
		src:    "# ok\na = \"\xff\"\n",
		want:   []string{`flags.toml:2:6: invalid TOML: invalid UTF-8 byte: 0xff`},
		syntax: true,
	},
	{
		name:   "invalid UTF-8 after a byte-order mark",
		src:    "\ufeffa = \"\xff\"\n",
		want:   []string{`flags.toml:1:9: invalid TOML: invalid UTF-8 byte: 0xff`},
		syntax: true,
	},
	{
		name:   "duplicate flag",
		src:    boolFlagTOML("f") + boolFlagTOML("f"),
		want:   []string{`flags.toml:5:2: duplicate flag "f": a flag is declared once; merge the two tables or rename one`},
		syntax: true,
	},
	{
		name:   "duplicate flag after another",
		src:    boolFlagTOML("f") + boolFlagTOML("g") + boolFlagTOML("f"),
		want:   []string{`flags.toml:9:2: duplicate flag "f": a flag is declared once; merge the two tables or rename one`},
		syntax: true,
	},
	{
		name:   "duplicate flag with a quoted key",
		src:    boolFlagTOML(`"a.b"`) + boolFlagTOML(`"a.b"`),
		want:   []string{`flags.toml:5:2: duplicate flag "a.b": a flag is declared once; merge the two tables or rename one`},
		syntax: true,
	},
	{
		name:   "duplicate key",
		src:    boolFlagTOML("f", `owner = "p"`),
		want:   []string{`flags.toml:5:1: duplicate key "flags.f.owner": a key is set once per table; delete one of them`},
		syntax: true,
	},

	// Unknown keys, with suggestions.
	{
		name: "unknown top-level key",
		src:  "x = 1\n" + boolFlagTOML("f"),
		want: []string{`flags.toml:1:1: unknown key "x" in the top level: the keys are flags, generate`},
	},
	{
		name: "misspelt flags table",
		src:  "[flag.f]\n",
		want: []string{`flags.toml:1:1: unknown key "flag" in the top level: did you mean "flags"?`},
	},
	{
		name: "unknown key in a flag",
		src:  boolFlagTOML("f", `descripton = "x"`),
		want: []string{`flags.toml:5:1: unknown key "descripton" in flag "f": did you mean "description"?`},
	},
	{
		name: "unknown key in a flag without a suggestion",
		src:  boolFlagTOML("f", "bogus = 1"),
		want: []string{`flags.toml:5:1: unknown key "bogus" in flag "f": the keys are description, owner, expires, go_name, variants, variant_go_names, default, enabled, killed, salt, bucket_by, rollout, split, schedule, rules, overrides, deprecated, removed, values`},
	},
	{
		name: "unknown key in the second of three rules",
		src: variantFlagTOML("f",
			"[[flags.f.rules]]", // 7
			`users = ["1"]`,
			`serve = "treatment"`,
			"[[flags.f.rules]]", // 10
			`groups = ["beta"]`,
			`  serv = "treatment"`, // 12
			"[[flags.f.rules]]",
			`users = ["2"]`,
			`serve = "treatment"`,
		),
		want: []string{
			`flags.toml:12:3: unknown key "serv" in rule 2 of flag "f": did you mean "serve"?`,
		},
	},
	{
		name: "unknown key in a condition",
		src: variantFlagTOML("f",
			"[[flags.f.rules]]",
			`when = [{ attribute = "country", op = "in", values = ["DE"], vaule = 1 }]`,
			`serve = "treatment"`),
		want: []string{`flags.toml:8:62: unknown key "vaule" in a when condition: did you mean "value"?`},
	},
	{
		name: "unknown key in a schedule stage",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-01T00:00:00Z",
			"percent = 5",
			"[[flags.f.schedule]]", // 8
			"start = 2026-01-02T00:00:00Z",
			"percent = 10",
			"precent_ = 1"),
		want: []string{`flags.toml:11:1: unknown key "precent_" in schedule stage 2 of flag "f": did you mean "percent"?`},
	},
	{
		name: "unknown key in a schedule stage without a suggestion",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-01T00:00:00Z",
			"percent = 5",
			"pct = 2"),
		want: []string{`flags.toml:8:1: unknown key "pct" in schedule stage 1 of flag "f": the keys are start, percent`},
	},
	{
		name: "unknown key in removed",
		src:  boolFlagTOML("f", `removed = { date = 2026-01-01, serve = "off", srve = "on" }`),
		want: []string{`flags.toml:5:47: unknown key "srve" in removed: did you mean "serve"?`},
	},

	// Flag keys and Go names.
	{
		name: "flag key in UpperCamel",
		src:  boolFlagTOML("NewCheckout"),
		want: []string{`flags.toml:1:1: flag key "NewCheckout" is not snake_case: write [flags.new_checkout]`},
	},
	{
		name: "flag key in kebab-case",
		src:  boolFlagTOML("new-checkout"),
		want: []string{`flags.toml:1:1: flag key "new-checkout" is not snake_case: write [flags.new_checkout]`},
	},
	{
		name: "flag key starting with a digit",
		src:  boolFlagTOML("2fa"),
		want: []string{`flags.toml:1:1: flag key "2fa" is not snake_case: write [flags.flag_2fa]`},
	},
	{
		name: "flag key with no snake_case spelling",
		src:  boolFlagTOML(`"Über"`),
		want: []string{`flags.toml:1:1: flag key "Über" is not snake_case: use lower-case ASCII letters, digits and underscores, starting with a letter, e.g. [flags.new_checkout]`},
	},
	{
		name: "empty flag key",
		src:  boolFlagTOML(`""`),
		want: []string{`flags.toml:1:1: flag key "" is not snake_case: use lower-case ASCII letters, digits and underscores, starting with a letter, e.g. [flags.new_checkout]`},
	},
	{
		name: "variant constant clashes with a later flag",
		src: parseTestLines(
			"[flags.search]",
			`description = "d"`,
			`owner = "o"`,
			"expires = 2027-01-01",
			`variants = ["a", "variant_b"]`, // SearchA, SearchVariantB
			`default = "a"`,
			"[flags.search_variant]", // 7
			`description = "d"`,
			`owner = "o"`,
			"expires = 2027-01-01",
			`variants = ["a", "b"]`, // 11: SearchVariantB again
			`default = "a"`,
		),
		want: []string{
			`flags.toml:11:18: Go name SearchVariantB of flag "search_variant" variant "b" clashes with SearchVariantB of flag "search" variant "variant_b" (5:18): set go_name = "…" on flag "search_variant" to choose another name, or variant_go_names = { b = "…" }`,
		},
	},
	{
		name: "flag named like the package's functions",
		src:  boolFlagTOML("parse") + boolFlagTOML("variants"),
		want: []string{
			`flags.toml:1:1: Go name Parse of flag "parse" clashes with Parse of the package's Parse function: set go_name = "…" on flag "parse" to choose another name`,
			`flags.toml:5:1: Go name Variants of flag "variants" clashes with Variants of the package's Variants function: set go_name = "…" on flag "variants" to choose another name`,
		},
	},
	{
		name: "flag named like another flag's constructor",
		src:  boolFlagTOML("search") + boolFlagTOML("new_search"),
		want: []string{`flags.toml:5:1: Go name NewSearch of flag "new_search" clashes with NewSearch of flag "search" (1:1): set go_name = "…" on flag "new_search" to choose another name`},
	},
	{
		name: "go_name resolves a clash",
		src:  boolFlagTOML("search") + boolFlagTOML("new_search", `go_name = "FreshSearch"`) + boolFlagTOML("fresh_search", `go_name = "Fresh"`),
		want: nil,
	},
	{
		name: "go_name causes a clash",
		src:  boolFlagTOML("checkout") + boolFlagTOML("new_checkout", `go_name = "Checkout"`),
		want: []string{
			`flags.toml:5:1: Go name Checkout of flag "new_checkout" clashes with Checkout of flag "checkout" (1:1): set go_name = "…" on flag "new_checkout" to choose another name`,
			`flags.toml:5:1: Go name NewCheckout of flag "new_checkout" clashes with NewCheckout of flag "checkout" (1:1): set go_name = "…" on flag "new_checkout" to choose another name`,
			`flags.toml:5:1: Go name WithCheckout of flag "new_checkout" clashes with WithCheckout of flag "checkout" (1:1): set go_name = "…" on flag "new_checkout" to choose another name`,
		},
	},
	{
		name: "flag whose Go name is Set",
		src:  boolFlagTOML("set"),
		want: []string{`flags.toml:1:1: Go name Set of flag "set" clashes with Set of the package's flag set: set go_name = "…" on flag "set" to choose another name`},
	},
	{
		name: "go_name Set",
		src:  boolFlagTOML("settings", `go_name = "Set"`),
		want: []string{`flags.toml:1:1: Go name Set of flag "settings" clashes with Set of the package's flag set: set go_name = "…" on flag "settings" to choose another name`},
	},
	{
		name: "two variants with the same Go name",
		src:  boolFlagTOML("f", `variants = ["VISIBLE", "visible"]`, `default = "visible"`),
		want: []string{`flags.toml:5:24: variants "VISIBLE" and "visible" of flag "f" both have the Go name Visible: set variant_go_names = { visible = "…" }`},
	},
	{
		name: "variant_go_names resolves a variant clash",
		src:  boolFlagTOML("f", `variants = ["VISIBLE", "visible"]`, `default = "visible"`, `variant_go_names = { visible = "Shown" }`),
		want: nil,
	},
	{
		name: "go_name not capitalised",
		src:  boolFlagTOML("f", `go_name = "lower"`),
		want: []string{`flags.toml:5:11: go_name "lower" is not an exported Go identifier: write letters and digits starting with a capital, e.g. "Lower"`},
	},
	{
		name: "go_name with an underscore",
		src:  boolFlagTOML("f", `go_name = "Has_Under"`),
		want: []string{`flags.toml:5:11: go_name "Has_Under" is not an exported Go identifier: write letters and digits starting with a capital, e.g. "HasUnder"`},
	},

	// Variants and default.
	{
		name: "no variants",
		src:  boolFlagTOML("f", "variants = []"),
		want: []string{`flags.toml:5:12: flag "f" lists no variants: list at least two, or delete variants for a boolean flag`},
	},
	{
		name: "one variant",
		src:  boolFlagTOML("f", `variants = ["a"]`, `default = "a"`),
		want: []string{`flags.toml:5:12: flag "f" lists only one variant: list at least two, or delete variants for a boolean flag`},
	},
	{
		name: "variant listed twice",
		src:  boolFlagTOML("f", `variants = ["a", "b", "a"]`, `default = "a"`),
		want: []string{`flags.toml:5:23: variant "a" is listed twice: delete the second`},
	},
	{
		name: "variant listed twice hides no other error",
		src:  boolFlagTOML("f", `variants = ["a", "b", "a"]`, `default = "c"`, "split = { a = 50, b = 40 }"),
		want: []string{
			`flags.toml:5:23: variant "a" is listed twice: delete the second`,
			`flags.toml:6:11: "c" is not a variant of flag "f": write one of a, b`,
			`flags.toml:7:9: split weights sum to 90, not 100: adjust them so they add up to 100`,
		},
	},
	{
		name: "variant listed twice and no other",
		src:  boolFlagTOML("f", `variants = ["a", "a"]`, `default = "a"`),
		want: []string{
			`flags.toml:5:12: flag "f" lists only one distinct variant: list at least two, or delete variants for a boolean flag`,
			`flags.toml:5:18: variant "a" is listed twice: delete the second`,
		},
	},
	{
		name: "variant name too long",
		src:  boolFlagTOML("f", `variants = ["a", "`+strings.Repeat("b", MaxNameBytes+1)+`"]`, `default = "a"`),
		want: []string{`flags.toml:5:18: variant "` + strings.Repeat("b", MaxNameBytes/2) + `"… is 65 bytes long: a variant name has at most 64; shorten it`},
	},
	{
		name: "variant name as long as allowed",
		src:  boolFlagTOML("f", `variants = ["a", "`+strings.Repeat("b", MaxNameBytes)+`"]`, `default = "a"`),
	},
	{
		name: "unknown variant of a flag with many variants",
		src: boolFlagTOML("f",
			`variants = ["v00", "v01", "v02", "v03", "v04", "v05", "v06", "v07", "v08", "v09", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21"]`,
			`default = "zzzz"`),
		want: []string{`flags.toml:6:11: "zzzz" is not a variant of flag "f": write one of v00, v01, v02, v03, v04, v05, v06, v07, v08, v09, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, … (22 in all)`},
	},
	{
		name: "variant name with a dash",
		src:  boolFlagTOML("f", `variants = ["a", "NOT-VISIBLE"]`, `default = "a"`),
		want: []string{`flags.toml:5:18: variant "NOT-VISIBLE" is not a name: use ASCII letters, digits and underscores, starting with a letter, e.g. "NOT_VISIBLE"`},
	},
	{
		name: "every bad variant name",
		src:  boolFlagTOML("f", `variants = ["a", "b-c", "a", "d e", "b-c"]`, "rollout = 50"),
		want: []string{
			`flags.toml:5:18: variant "b-c" is not a name: use ASCII letters, digits and underscores, starting with a letter, e.g. "b_c"`,
			`flags.toml:5:25: variant "a" is listed twice: delete the second`,
			`flags.toml:5:30: variant "d e" is not a name: use ASCII letters, digits and underscores, starting with a letter, e.g. "d_e"`,
			`flags.toml:5:37: variant "b-c" is listed twice: delete the second`,
		},
	},
	{
		name: "variant name starting with a digit",
		src:  boolFlagTOML("f", `variants = ["a", "50%"]`, `default = "a"`),
		want: []string{`flags.toml:5:18: variant "50%" is not a name: use ASCII letters, digits and underscores, starting with a letter, e.g. "v50"`},
	},
	{
		name: "empty variant name",
		src:  boolFlagTOML("f", `variants = ["a", ""]`, `default = "a"`),
		want: []string{`flags.toml:5:18: variant "" is not a name: use ASCII letters, digits and underscores, starting with a letter, e.g. "treatment"`},
	},
	{
		name: "variants not an array",
		src:  boolFlagTOML("f", `variants = "a"`),
		want: []string{`flags.toml:5:12: variants is a string; it must be an array of strings, e.g. variants = ["control", "treatment"]`},
	},
	{
		name: "variant not a string",
		src:  boolFlagTOML("f", `variants = ["a", 1]`),
		want: []string{`flags.toml:5:18: variants[1] is an integer; variants holds strings, e.g. variants = ["control", "treatment"]`},
	},
	{
		name: "default missing",
		src:  boolFlagTOML("f", `variants = ["control", "treatment"]`),
		want: []string{`flags.toml:1:1: flag "f" has no default: add default = "control", the variant served when the flag is off or nothing matches`},
	},
	{
		name: "default not a variant",
		src:  boolFlagTOML("f", `variants = ["control", "treatment"]`, `default = "contrl"`),
		want: []string{`flags.toml:6:11: "contrl" is not a variant of flag "f": did you mean "control"?`},
	},
	{
		name: "default of a boolean flag not a variant",
		src:  boolFlagTOML("f", `default = "x"`),
		want: []string{`flags.toml:5:11: "x" is not a variant of flag "f": write one of off, on`},
	},
	{
		name: "default not a string",
		src:  boolFlagTOML("f", `variants = ["control", "treatment"]`, `default = 1`),
		want: []string{`flags.toml:6:11: default is an integer; it must be a variant name, e.g. default = "treatment"`},
	},
	{
		name: "variant_go_names names an unknown variant",
		src:  variantFlagTOML("f", `variant_go_names = { treatmnt = "T" }`),
		want: []string{`flags.toml:7:22: "treatmnt" is not a variant of flag "f": did you mean "treatment"?`},
	},
	{
		name: "variant_go_names names an unknown variant without a suggestion",
		src:  variantFlagTOML("f", `variant_go_names = { x = "X" }`),
		want: []string{`flags.toml:7:22: "x" is not a variant of flag "f": write one of control, treatment`},
	},
	{
		name: "variant_go_names with an invalid identifier",
		src:  variantFlagTOML("f", `variant_go_names = { control = "base" }`),
		want: []string{`flags.toml:7:32: Go name of variant "control" must be an exported Go identifier, e.g. control = "Control"`},
	},
	{
		name: "variant_go_names with a number",
		src:  variantFlagTOML("f", `variant_go_names = { control = 1 }`),
		want: []string{`flags.toml:7:32: Go name of variant "control" must be an exported Go identifier, e.g. control = "Control"`},
	},
	{
		name: "variant_go_names not a table",
		src:  variantFlagTOML("f", `variant_go_names = 1`),
		want: []string{`flags.toml:7:20: variant_go_names is an integer; it must be a table of variant = "GoName", e.g. variant_go_names = { variant_a = "Alpha" }`},
	},

	// Rollout, split and schedule.
	{
		name: "split weights do not sum to 100",
		src:  variantFlagTOML("f", "split = { control = 50, treatment = 40 }"),
		want: []string{`flags.toml:7:9: split weights sum to 90, not 100: adjust them so they add up to 100`},
	},
	{
		name: "split weights sum to 99.99",
		src:  boolFlagTOML("f", "split = { off = 33.33, on = 66.66 }"),
		want: []string{`flags.toml:5:9: split weights sum to 99.99, not 100: adjust them so they add up to 100`},
	},
	{
		name: "split names an unknown variant",
		src:  variantFlagTOML("f", "split = { control = 50, treatmnet = 50 }"),
		want: []string{`flags.toml:7:25: "treatmnet" is not a variant of flag "f": did you mean "treatment"?`},
	},
	{
		name: "split weight outside 0–100",
		src:  variantFlagTOML("f", "split = { control = 150, treatment = -50 }"),
		want: []string{
			`flags.toml:7:21: control = 150 is outside 0–100: write a percentage between 0 and 100`,
			`flags.toml:7:38: treatment = -50 is outside 0–100: write a percentage between 0 and 100`,
		},
	},
	{
		name: "split weight finer than 0.01",
		src:  variantFlagTOML("f", "split = { control = 49.995, treatment = 50.005 }"),
		want: []string{
			`flags.toml:7:21: control = 49.995 is finer than 0.01%: round it to two decimals`,
			`flags.toml:7:41: treatment = 50.005 is finer than 0.01%: round it to two decimals`,
		},
	},
	{
		name: "split not a table",
		src:  variantFlagTOML("f", "split = 1"),
		want: []string{`flags.toml:7:9: split is an integer; it must be a table of variant = percent, e.g. split = { control = 50, treatment = 50 }`},
	},
	{
		name: "rollout above 100",
		src:  boolFlagTOML("f", "rollout = 101"),
		want: []string{`flags.toml:5:11: rollout = 101 is outside 0–100: write a percentage between 0 and 100`},
	},
	{
		name: "rollout below 0",
		src:  boolFlagTOML("f", "rollout = -0.5"),
		want: []string{`flags.toml:5:11: rollout = -0.5 is outside 0–100: write a percentage between 0 and 100`},
	},
	{
		name: "rollout nan",
		src:  boolFlagTOML("f", "rollout = nan"),
		want: []string{`flags.toml:5:11: rollout = NaN is outside 0–100: write a percentage between 0 and 100`},
	},
	{
		name: "rollout inf",
		src:  boolFlagTOML("f", "rollout = inf"),
		want: []string{`flags.toml:5:11: rollout = +Inf is outside 0–100: write a percentage between 0 and 100`},
	},
	{
		name: "rollout finer than 0.01",
		src:  boolFlagTOML("f", "rollout = 12.345"),
		want: []string{`flags.toml:5:11: rollout = 12.345 is finer than 0.01%: round it to two decimals`},
	},
	{
		name: "rollout as a string",
		src:  boolFlagTOML("f", `rollout = "50"`),
		want: []string{`flags.toml:5:11: rollout is a string; it must be a percentage between 0 and 100, e.g. rollout = 25`},
	},
	{
		name: "rollout on a variant flag",
		src:  variantFlagTOML("f", "rollout = 50"),
		want: []string{`flags.toml:7:1: rollout is for boolean flags; flag "f" has variants, so write split = { control = 50, treatment = 50 }`},
	},
	{
		name: "rollout and split",
		src:  boolFlagTOML("f", "rollout = 50", "split = { off = 50, on = 50 }"),
		want: []string{`flags.toml:6:1: flag "f" has both rollout and split: keep one`},
	},
	{
		name: "rollout and schedule",
		src: boolFlagTOML("f", "rollout = 50",
			"[[flags.f.schedule]]",
			"start = 2026-01-01T00:00:00Z",
			"percent = 5"),
		want: []string{`flags.toml:6:1: flag "f" has both rollout and schedule: a schedule sets the percentage over time, so delete rollout (or the schedule)`},
	},
	{
		name: "split and schedule",
		src: boolFlagTOML("f", "split = { off = 50, on = 50 }",
			"[[flags.f.schedule]]",
			"start = 2026-01-01T00:00:00Z",
			"percent = 5"),
		want: []string{`flags.toml:6:1: flag "f" has both split and schedule: a schedule ramps a boolean flag; delete one`},
	},
	{
		name: "schedule on a variant flag",
		src: variantFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-01T00:00:00Z",
			"percent = 5"),
		want: []string{`flags.toml:7:1: schedule is for boolean flags; flag "f" has variants: ramp it with split, or delete the schedule`},
	},
	{
		name: "schedule stages at the same time",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-02T00:00:00Z",
			"percent = 5",
			"[[flags.f.schedule]]",
			"start = 2026-01-02T01:00:00+01:00",
			"percent = 10"),
		want: []string{`flags.toml:9:9: schedule stage 2 starts at 2026-01-02T01:00:00+01:00, not after stage 1 (2026-01-02T00:00:00Z): list stages in time order`},
	},
	{
		name: "schedule stage earlier than the one before",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-02T00:00:00Z",
			"percent = 5",
			"[[flags.f.schedule]]",
			"start = 2026-01-01T00:00:00Z",
			"percent = 10"),
		want: []string{`flags.toml:9:9: schedule stage 2 starts at 2026-01-01T00:00:00Z, not after stage 1 (2026-01-02T00:00:00Z): list stages in time order`},
	},
	{
		name: "schedule order is checked against the last good stage",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]", // 5: stage 1 has no percent
			"start = 2026-01-05T00:00:00Z",
			"[[flags.f.schedule]]", // 7: stage 2
			"start = 2026-01-03T00:00:00Z",
			"percent = 5",
			"[[flags.f.schedule]]", // 10: stage 3
			"start = 2026-01-02T00:00:00Z",
			"percent = 10"),
		want: []string{
			`flags.toml:5:1: schedule stage 1 has no percent: add percent = 5`,
			`flags.toml:11:9: schedule stage 3 starts at 2026-01-02T00:00:00Z, not after stage 2 (2026-01-03T00:00:00Z): list stages in time order`,
		},
	},
	{
		name: "schedule stage with a local date-time",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-02T09:30:00",
			"percent = 5"),
		want: []string{`flags.toml:6:9: start has no zone offset, so instances in different zones would disagree: append Z or an offset, e.g. 2026-01-02T09:30:00Z`},
	},
	{
		name: "schedule stage with a date",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-02",
			"percent = 5"),
		want: []string{`flags.toml:6:9: start is a date; it must be a date-time with a zone offset, e.g. start = 2026-11-02T09:00:00Z`},
	},
	{
		name: "schedule stage with a time",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 09:00:00",
			"percent = 5"),
		want: []string{`flags.toml:6:9: start is a time; it must be a date-time with a zone offset, e.g. start = 2026-11-02T09:00:00Z`},
	},
	{
		name: "schedule stage with a quoted start",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			`start = "2026-01-02T00:00:00Z"`,
			"percent = 5"),
		want: []string{`flags.toml:6:9: start is a string; it must be a date-time with a zone offset, e.g. start = 2026-11-02T09:00:00Z`},
	},
	{
		name: "schedule stage missing start",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"percent = 5"),
		want: []string{`flags.toml:5:1: schedule stage 1 has no start: add start = 2026-11-02T09:00:00Z`},
	},
	{
		name: "schedule stage missing percent",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-02T00:00:00Z"),
		want: []string{`flags.toml:5:1: schedule stage 1 has no percent: add percent = 5`},
	},
	{
		name: "schedule percent above 100",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-02T00:00:00Z",
			"percent = 100.01"),
		want: []string{`flags.toml:7:11: percent = 100.01 is outside 0–100: write a percentage between 0 and 100`},
	},
	{
		name: "schedule percent finer than 0.01",
		src: boolFlagTOML("f",
			"[[flags.f.schedule]]",
			"start = 2026-01-02T00:00:00Z",
			"percent = 0.001"),
		want: []string{`flags.toml:7:11: percent = 0.001 is finer than 0.01%: round it to two decimals`},
	},
	{
		name: "schedule not an array of tables",
		src:  boolFlagTOML("f", "schedule = 1"),
		want: []string{`flags.toml:5:12: schedule is an integer; it must be an array of tables, e.g. [[flags.f.schedule]]`},
	},
	{
		name: "generate dir outside the file's directory",
		src:  "[generate]\ndir = \"../x\"\npackage = \"1x\"\nout = 1\n",
		want: []string{
			`flags.toml:2:7: dir "../x" must be a directory inside the one holding this file, written relative to it, e.g. dir = "internal/flags"`,
			`flags.toml:3:11: package "1x" is not a Go package name: write a lowercase identifier, e.g. package = "flags"`,
			`flags.toml:4:1: unknown key "out" in [generate]: the keys are dir, package`,
		},
	},
	{
		name: "too many variants",
		src: boolFlagTOML("f", func() string {
			names := make([]string, 256)
			for i := range names {
				names[i] = fmt.Sprintf("%q", fmt.Sprintf("v%d", i))
			}
			return "variants = [" + strings.Join(names, ", ") + "]"
		}(), `default = "v0"`),
		want: []string{`flags.toml:5:12: flag "f" lists 256 variants: a flag may have at most 255; split it into several flags`},
	},
	{
		name: "empty schedule",
		src:  boolFlagTOML("f", "schedule = []"),
		want: []string{`flags.toml:5:12: schedule has no stages: add [[flags.f.schedule]] tables with start and percent, or delete it`},
	},
	{
		name: "variant_go_names on a boolean flag",
		src:  boolFlagTOML("f", `variant_go_names = { on = "Yes" }`),
		want: []string{`flags.toml:5:1: variant_go_names is for flags with variants; a boolean flag has no variant enum: delete it`},
	},
	{
		name: "numeric condition with nan",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "age", op = "gt", value = nan }]`, `serve = "on"`),
		want: []string{`flags.toml:6:49: value = NaN is not a finite number: write one, e.g. value = 10`},
	},
	{
		name: "a misspelt outcome is reported alone",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `grups = ["beta"]`, `serv = "on"`),
		want: []string{
			`flags.toml:6:1: unknown key "grups" in rule 1 of flag "f": did you mean "groups"?`,
			`flags.toml:7:1: unknown key "serv" in rule 1 of flag "f": did you mean "serve"?`,
		},
	},
	{
		name: "schedule stage not a table",
		src:  boolFlagTOML("f", "schedule = [1]"),
		want: []string{`flags.toml:5:13: schedule[0] is an integer; write tables, e.g. [[flags.f.schedule]]`},
	},

	// Rules.
	{
		name: "rule with no condition",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `serve = "on"`),
		want: []string{`flags.toml:5:1: rule 1 of flag "f" has no condition, so it would match everyone: add users, groups or when (or move its serve to the flag's default or rollout)`},
	},
	{
		name: "rule with only empty conditions",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", "users = []", "when = []", `serve = "on"`),
		want: []string{`flags.toml:5:1: rule 1 of flag "f" has no condition, so it would match everyone: add users, groups or when (or move its serve to the flag's default or rollout)`},
	},
	{
		name: "rule with no serve",
		src:  variantFlagTOML("f", "[[flags.f.rules]]", `users = ["1"]`),
		want: []string{`flags.toml:7:1: rule 1 of flag "f" serves nothing: add serve = "treatment" (or a split)`},
	},
	{
		name: "rule with two outcomes",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `users = ["1"]`, `serve = "on"`, "rollout = 50"),
		want: []string{`flags.toml:5:1: rule 1 of flag "f" has more than one of serve, split and rollout: keep one`},
	},
	{
		name: "rule serves an unknown variant",
		src:  variantFlagTOML("f", "[[flags.f.rules]]", `users = ["1"]`, `serve = "Treatment "`),
		want: []string{`flags.toml:9:9: "Treatment " is not a variant of flag "f": did you mean "treatment"?`},
	},
	{
		name: "rule split does not sum to 100",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `groups = ["g"]`, "split = { off = 50, on = 40 }"),
		want: []string{`flags.toml:7:9: split weights sum to 90, not 100: adjust them so they add up to 100`},
	},
	{
		name: "rule rollout on a variant flag",
		src:  variantFlagTOML("f", "[[flags.f.rules]]", `groups = ["g"]`, "rollout = 30"),
		want: []string{`flags.toml:9:1: rollout is for boolean flags; flag "f" has variants, so write split = { control = 50, treatment = 50 }`},
	},
	{
		name: "rules not an array of tables",
		src:  boolFlagTOML("f", "rules = 1"),
		want: []string{`flags.toml:5:9: rules is an integer; it must be an array of tables, e.g. [[flags.f.rules]]`},
	},
	{
		name: "rule not a table",
		src:  boolFlagTOML("f", "rules = [1]"),
		want: []string{`flags.toml:5:10: rules[0] is an integer; write tables, e.g. [[flags.f.rules]]`},
	},
	{
		name: "users as a string",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `users = "42"`, `serve = "on"`),
		want: []string{`flags.toml:6:9: users is a string; it must be an array of strings, e.g. users = ["42"]`},
	},
	{
		name: "users as numbers",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `users = [42]`, `serve = "on"`),
		want: []string{`flags.toml:6:10: users[0] is an integer; users holds strings, e.g. users = ["42"]`},
	},
	{
		name: "groups as numbers",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `groups = ["a", 7]`, `serve = "on"`),
		want: []string{`flags.toml:6:16: groups[1] is an integer; groups holds strings, e.g. groups = ["beta"]`},
	},
	{
		name: "an empty user id, which would match every request without a subject",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `users = ["42", ""]`, `serve = "on"`),
		want: []string{`flags.toml:6:16: users[1] is an empty user id, which every request without a subject has: write the id, e.g. users = ["42"]`},
	},
	{
		name: "an empty group name",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `groups = [""]`, `serve = "on"`),
		want: []string{`flags.toml:6:11: groups[0] is an empty group name: write the group name, e.g. groups = ["beta"]`},
	},
	{
		name: "a user id with spaces around it",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `users = [" 42"]`, `serve = "on"`),
		want: []string{`flags.toml:6:10: users[0] " 42" has spaces around it, which no user id has (they are compared exactly, and the middleware trims them): write "42"`},
	},
	{
		name: "a group name with spaces around it",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", "groups = [\"beta\t\"]", `serve = "on"`),
		want: []string{`flags.toml:6:11: groups[0] "beta\t" has spaces around it, which no group name has (they are compared exactly, and the middleware trims them): write "beta"`},
	},
	{
		name: "an empty user id in overrides",
		src:  boolFlagTOML("f", `overrides = { on = ["7", ""] }`),
		want: []string{`flags.toml:5:26: on[1] is an empty user id, which every request without a subject has: write the id, e.g. on = ["42"]`},
	},

	// Conditions.
	{
		name: "unknown operator with a suggestion",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "v", op = "semver_ge", value = "1.0.0" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:33: unknown operator "semver_ge": did you mean "semver_gte"?`},
	},
	{
		name: "unknown operator without a suggestion",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "v", op = "bogus", value = "x" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:33: unknown operator "bogus": use one of equals, not_equals, in, not_in, lt, lte, gt, gte, semver_eq, semver_lt, semver_lte, semver_gt, semver_gte`},
	},
	{
		name: "in without values",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "country", op = "in" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:9: condition on "country" has no values: add values = ["DE", "AT"] (op "in" compares against a list)`},
	},
	{
		name: "not_in with value",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "country", op = "not_in", value = "DE" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:49: op "not_in" compares against a list: write values = ["DE", "AT"] instead of value`},
	},
	{
		name: "equals with values",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "country", op = "equals", values = ["DE"] }]`, `serve = "on"`),
		want: []string{`flags.toml:6:49: op "equals" compares against one value: write value = "DE" instead of values, or op = "in" to compare against a list`},
	},
	{
		name: "not_equals with values",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "plan", op = "not_equals", values = ["free"] }]`, `serve = "on"`),
		want: []string{`flags.toml:6:50: op "not_equals" compares against one value: write value = "DE" instead of values, or op = "not_in" to compare against a list`},
	},
	{
		name: "gt with values",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "age", op = "gt", values = [1] }]`, `serve = "on"`),
		want: []string{`flags.toml:6:41: op "gt" compares against one value: write value = 10 instead of values`},
	},
	{
		name: "equals without value",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "country", op = "equals" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:9: condition on "country" has no value: add value = "DE"`},
	},
	{
		name: "semver op without value",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "app", op = "semver_lt" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:9: condition on "app" has no value: add value = "2.3.0"`},
	},
	{
		name: "numeric op with a string",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "age", op = "gte", value = "18" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:50: value is a string; it must be a number, e.g. value = 10`},
	},
	{
		name: "equals with a number",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "country", op = "equals", value = 49 }]`, `serve = "on"`),
		want: []string{`flags.toml:6:57: value is an integer; it must be a string, e.g. value = "DE"`},
	},
	{
		name: "malformed semver",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "app", op = "semver_gte", value = "1.x" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:57: value "1.x" is not a semantic version: write MAJOR.MINOR.PATCH, e.g. "2.3.0"`},
	},
	{
		name: "missing attribute",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ op = "equals", value = "x" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:9: condition has no attribute: add attribute = "country" (the subject attribute to compare)`},
	},
	{
		name: "empty attribute",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "", op = "equals", value = "x" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:23: attribute is empty; write attribute = "country", or delete the key`},
	},
	{
		name: "missing op",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "v", value = "x" }]`, `serve = "on"`),
		want: []string{`flags.toml:6:9: condition on "v" has no op: add op = "equals" (or one of equals, not_equals, in, not_in, lt, lte, gt, gte, semver_eq, semver_lt, semver_lte, semver_gt, semver_gte)`},
	},
	{
		name: "empty values list",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "v", op = "in", values = [] }]`, `serve = "on"`),
		want: []string{`flags.toml:6:48: values is empty, so the condition never holds: list at least one value`},
	},
	{
		name: "values as numbers",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `when = [{ attribute = "v", op = "in", values = [1] }]`, `serve = "on"`),
		want: []string{`flags.toml:6:49: values[0] is an integer; values holds strings, e.g. values = ["DE", "AT"]`},
	},
	{
		name: "when not an array",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `groups = ["g"]`, "when = 1", `serve = "on"`),
		want: []string{`flags.toml:7:8: when is an integer; it must be an array of tables, e.g. when = [{ attribute = "country", op = "in", values = ["DE"] }]`},
	},
	{
		name: "condition not a table",
		src:  boolFlagTOML("f", "[[flags.f.rules]]", `groups = ["g"]`, "when = [1]", `serve = "on"`),
		want: []string{`flags.toml:7:9: when[0] is an integer; write tables, e.g. when = [{ attribute = "country", op = "in", values = ["DE"] }]`},
	},
	{
		name: "second condition of a multi-line when",
		src: boolFlagTOML("f", "[[flags.f.rules]]",
			"when = [",
			`  { attribute = "country", op = "in", values = ["DE"] },`,
			`  { attribute = "app", op = "semver_gte", value = "two" },`, // 8
			"]",
			`serve = "on"`),
		want: []string{`flags.toml:8:51: value "two" is not a semantic version: write MAJOR.MINOR.PATCH, e.g. "2.3.0"`},
	},

	// Description, owner, expires.
	{
		name: "missing description",
		src:  parseTestLines("[flags.f]", `owner = "o"`, "expires = 2027-01-01"),
		want: []string{`flags.toml:1:1: flag "f" has no description: add description = "what the flag changes"`},
	},
	{
		name: "missing owner",
		src:  parseTestLines("[flags.f]", `description = "d"`, "expires = 2027-01-01"),
		want: []string{`flags.toml:1:1: flag "f" has no owner: add owner = "team-or-person" so stale-flag reports reach someone`},
	},
	{
		name: "missing expires",
		src:  parseTestLines("[flags.f]", `description = "d"`, `owner = "o"`),
		// The suggestion is three months after parseTestNow.
		want: []string{`flags.toml:1:1: flag "f" has no expires: add expires = 2026-04-20, the date by which it should be gone from the code`},
	},
	{
		name: "empty description",
		src:  parseTestLines("[flags.f]", `description = "  "`, `owner = "o"`, "expires = 2027-01-01"),
		want: []string{`flags.toml:2:15: description is empty; write description = "what the flag changes", or delete the key`},
	},
	{
		name: "description not a string",
		src:  parseTestLines("[flags.f]", `description = 1`, `owner = "o"`, "expires = 2027-01-01"),
		want: []string{`flags.toml:2:15: description is an integer; it must be a string, e.g. description = "what the flag changes"`},
	},
	{
		name: "expires as a string",
		src:  parseTestLines("[flags.f]", `description = "d"`, `owner = "o"`, `expires = "2027-01-01"`),
		want: []string{`flags.toml:4:11: expires is the string "2027-01-01"; write a TOML date without quotes, e.g. expires = 2027-03-31`},
	},
	{
		name: "expires as a date-time",
		src:  parseTestLines("[flags.f]", `description = "d"`, `owner = "o"`, `expires = 2027-01-01T00:00:00Z`),
		want: []string{`flags.toml:4:11: expires is a date-time; it must be a date with no time of day, e.g. expires = 2027-03-31`},
	},
	{
		name: "expires as a local date-time",
		src:  parseTestLines("[flags.f]", `description = "d"`, `owner = "o"`, `expires = 2027-01-01 10:00:00`),
		want: []string{`flags.toml:4:11: expires is a local date-time; it must be a date with no time of day, e.g. expires = 2027-03-31`},
	},

	// Other keys of the wrong type.
	{
		name: "enabled as a string",
		src:  boolFlagTOML("f", `enabled = "yes"`),
		want: []string{`flags.toml:5:11: enabled is a string; it must be true or false, e.g. enabled = false`},
	},
	{
		name: "killed as a number",
		src:  boolFlagTOML("f", `killed = 1`),
		want: []string{`flags.toml:5:10: killed is an integer; it must be true or false, e.g. killed = true`},
	},
	{
		name: "empty salt",
		src:  boolFlagTOML("f", `salt = ""`),
		want: []string{`flags.toml:5:8: salt is empty; write salt = "f-2", or delete the key`},
	},
	{
		name: "bucket_by as a number",
		src:  boolFlagTOML("f", `bucket_by = 1`),
		want: []string{`flags.toml:5:13: bucket_by is an integer; it must be a string, e.g. bucket_by = "account_id"`},
	},
	{
		name: "empty deprecated",
		src:  boolFlagTOML("f", `deprecated = ""`),
		want: []string{`flags.toml:5:14: deprecated is empty; write deprecated = "use new_search instead", or delete the key`},
	},
	{
		name: "flags not a table",
		src:  "flags = 1\n",
		want: []string{`flags.toml:1:9: flags is an integer; it must be a table of flags, e.g. [flags.my_flag]`},
	},
	{
		name: "flag not a table",
		src:  "[flags]\nf = 1\n",
		want: []string{`flags.toml:2:5: flag "f" is an integer; it must be a table, e.g. [flags.f]`},
	},

	// Overrides.
	{
		name: "override of an unknown variant",
		src:  variantFlagTOML("f", "[flags.f.overrides]", `treatmnt = ["1"]`),
		want: []string{`flags.toml:8:1: "treatmnt" is not a variant of flag "f": did you mean "treatment"?`},
	},
	{
		name: "user overridden to two variants",
		src:  variantFlagTOML("f", "[flags.f.overrides]", `control = ["1", "2"]`, `treatment = ["3", "2"]`),
		want: []string{`flags.toml:9:19: user "2" is overridden to both "control" and "treatment": keep one`},
	},
	{
		name: "override not a list",
		src:  variantFlagTOML("f", "[flags.f.overrides]", `treatment = "1"`),
		want: []string{`flags.toml:8:13: treatment is a string; it must be an array of strings, e.g. treatment = ["42"]`},
	},
	{
		name: "overrides not a table",
		src:  boolFlagTOML("f", "overrides = 1"),
		want: []string{`flags.toml:5:13: overrides is an integer; it must be a table of variant = [user ids], e.g. overrides = { on = ["42"] }`},
	},

	// Removed.
	{
		name: "removed without serve",
		src:  boolFlagTOML("f", "removed = { date = 2026-01-01 }"),
		want: []string{`flags.toml:5:1: removed needs the date and the variant the flag keeps serving: write removed = { date = 2026-10-01, serve = "off" }`},
	},
	{
		name: "removed without date",
		src:  variantFlagTOML("f", "[flags.f.removed]", `serve = "treatment"`),
		want: []string{`flags.toml:7:1: removed needs the date and the variant the flag keeps serving: write removed = { date = 2026-10-01, serve = "control" }`},
	},
	{
		name: "removed serving an unknown variant",
		src:  variantFlagTOML("f", `removed = { date = 2026-01-01, serve = "treatmen" }`),
		want: []string{`flags.toml:7:40: "treatmen" is not a variant of flag "f": did you mean "treatment"?`},
	},
	{
		name: "removed with a quoted date",
		src:  boolFlagTOML("f", `removed = { date = "2026-01-01", serve = "on" }`),
		want: []string{`flags.toml:5:20: date is the string "2026-01-01"; write a TOML date without quotes, e.g. date = 2027-03-31`},
	},
	{
		name: "removed not a table",
		src:  boolFlagTOML("f", "removed = 1"),
		want: []string{`flags.toml:5:11: removed is an integer; it must be a table, e.g. removed = { date = 2026-10-01, serve = "off" }`},
	},

	// Several errors at once.
	{
		name: "several errors come back sorted",
		src: parseTestLines(
			"[flags.Bad]",
			"owner = 1",
			`expires = "2027-01-01"`,
			"rollout = 200",
			"bogus = 1",
			"[[flags.Bad.rules]]", // 6
			`serve = "maybe"`,
			"[flags.good]", // 8
			`description = "d"`,
			`owner = "o"`,
			"expires = 2027-01-01",
			`variants = ["a", "a"]`,
		),
		want: []string{
			`flags.toml:1:1: flag "Bad" has no description: add description = "what the flag changes"`,
			`flags.toml:1:1: flag key "Bad" is not snake_case: write [flags.bad]`,
			`flags.toml:2:9: owner is an integer; it must be a string, e.g. owner = "team-or-person"`,
			`flags.toml:3:11: expires is the string "2027-01-01"; write a TOML date without quotes, e.g. expires = 2027-03-31`,
			`flags.toml:4:11: rollout = 200 is outside 0–100: write a percentage between 0 and 100`,
			`flags.toml:5:1: unknown key "bogus" in flag "Bad": the keys are description, owner, expires, go_name, variants, variant_go_names, default, enabled, killed, salt, bucket_by, rollout, split, schedule, rules, overrides, deprecated, removed, values`,
			`flags.toml:6:1: rule 1 of flag "Bad" has no condition, so it would match everyone: add users, groups or when (or move its serve to the flag's default or rollout)`,
			`flags.toml:7:9: "maybe" is not a variant of flag "Bad": write one of off, on`,
			`flags.toml:12:12: flag "good" lists only one distinct variant: list at least two, or delete variants for a boolean flag`,
			`flags.toml:12:18: variant "a" is listed twice: delete the second`,
		},
	},
	{
		name: "byte-order mark",
		src:  "\ufeff" + boolFlagTOML("F", "rollout = 300"),
		want: []string{
			`flags.toml:1:4: flag key "F" is not snake_case: write [flags.f]`,
			`flags.toml:5:11: rollout = 300 is outside 0–100: write a percentage between 0 and 100`,
		},
	},
	{
		name: "inline flags table",
		src:  `flags = { f = { description = "d", owner = "o", expires = 2027-01-01, rollout = 300 } }` + "\n",
		want: []string{`flags.toml:1:81: rollout = 300 is outside 0–100: write a percentage between 0 and 100`},
	},
	{
		name: "CRLF line endings",
		src:  strings.ReplaceAll(boolFlagTOML("f", "rollout = 300", "bogus = 1"), "\n", "\r\n"),
		want: []string{
			`flags.toml:5:11: rollout = 300 is outside 0–100: write a percentage between 0 and 100`,
			`flags.toml:6:1: unknown key "bogus" in flag "f": the keys are description, owner, expires, go_name, variants, variant_go_names, default, enabled, killed, salt, bucket_by, rollout, split, schedule, rules, overrides, deprecated, removed, values`,
		},
	},
}

// parseTestNow is the clock of the parser in tests.
var parseTestNow = time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)

func TestParseErrors(t *testing.T) {
	defer func(old func() time.Time) { now = old }(now)
	now = func() time.Time { return parseTestNow }
	seen := map[string]bool{}
	for _, tc := range parseErrorCases {
		if seen[tc.name] {
			t.Errorf("two cases are named %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("flags.toml", []byte(tc.src))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Parse failed:\n%v\nsource:\n%s", err, tc.src)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded, want:\n%s\nsource:\n%s", strings.Join(tc.want, "\n"), tc.src)
			}
			if f != nil {
				t.Errorf("Parse returned a file with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("errors:\n%s\nwant:\n%s\nsource:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"), tc.src)
			}
			if err.Error() != strings.Join(got, "\n") {
				t.Errorf("Error() = %q, want the errors one per line", err.Error())
			}
			if is := errors.Is(err, ErrSyntax); is != tc.syntax {
				t.Errorf("errors.Is(err, ErrSyntax) = %v, want %v", is, tc.syntax)
			}
			if tc.syntax && len(list) != 1 {
				t.Errorf("a syntax error came with %d others", len(list)-1)
			}
			checkErrorList(t, []byte(tc.src), list)
		})
	}
}

// checkErrorList checks what every error list Parse returns must satisfy:
// each error is in the file, at a byte on a line (or just past its end),
// sorted, with a message that does not start with a capital (but for "Go
// name" or a key from src) and has no final period.
func checkErrorList(t *testing.T, src []byte, list ErrorList) {
	t.Helper()
	if len(list) == 0 {
		t.Errorf("empty ErrorList")
	}
	lines := strings.Split(string(src), "\n")
	for i, e := range list {
		if e.Pos.Filename != "flags.toml" || !e.Pos.IsValid() || e.Pos.Col < 1 {
			t.Errorf("error %q has position %#v", e.Msg, e.Pos)
			continue
		}
		if e.Pos.Line > len(lines) {
			t.Errorf("error %q is on line %d of %d", e, e.Pos.Line, len(lines))
		} else if n := len(lines[e.Pos.Line-1]); e.Pos.Col > n+1 {
			t.Errorf("error %q is at column %d of a line of %d bytes", e, e.Pos.Col, n)
		}
		if e.Msg == "" || strings.HasSuffix(e.Msg, ".") {
			t.Errorf("message %q is empty or ends in a period", e.Msg)
		}
		// A message may start with a key from the file, written as it is.
		first, _, _ := strings.Cut(e.Msg, " ")
		first, _, _ = strings.Cut(first, "[")
		if r, _ := utf8.DecodeRuneInString(e.Msg); unicode.IsUpper(r) && first != "Go" && !strings.Contains(string(src), first) {
			t.Errorf("message %q does not start in lower case", e.Msg)
		}
		if i > 0 && e.Pos.Before(list[i-1].Pos) {
			t.Errorf("errors out of order: %q after %q", e, list[i-1])
		}
	}
}

func TestErrorList(t *testing.T) {
	for _, c := range []struct {
		pos  Pos
		want string
	}{
		{Pos{"flags.toml", 3, 7}, "flags.toml:3:7"},
		{Pos{"flags.toml", 3, 0}, "flags.toml:3"},
		{Pos{"flags.toml", 0, 0}, "flags.toml"},
		{Pos{"", 3, 7}, "3:7"},
		{Pos{}, "-"},
	} {
		if got := c.pos.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.pos, got, c.want)
		}
	}
	var empty ErrorList
	if empty.Err() != nil || empty.Error() != "no errors" {
		t.Errorf("empty ErrorList: Err() = %v, Error() = %q", empty.Err(), empty.Error())
	}
	l := ErrorList{
		{Pos: Pos{"b.toml", 1, 1}, Msg: "z"},
		{Pos: Pos{"a.toml", 2, 1}, Msg: "y"},
		{Pos: Pos{"a.toml", 1, 5}, Msg: "x"},
		{Pos: Pos{"a.toml", 1, 2}, Msg: "w"},
		{Pos: Pos{"a.toml", 1, 2}, Msg: "v"},
	}
	l.Sort()
	want := "a.toml:1:2: v\na.toml:1:2: w\na.toml:1:5: x\na.toml:2:1: y\nb.toml:1:1: z"
	if err := l.Err(); err == nil || err.Error() != want {
		t.Errorf("sorted list:\n%v\nwant:\n%s", err, want)
	}
	if errors.Is(l, ErrSyntax) {
		t.Errorf("a list without syntax errors matches ErrSyntax")
	}
}

func TestSplitKey(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"flags", []string{"flags"}},
		{"flags.f", []string{"flags", "f"}},
		{"flags.f.rules.x", []string{"flags", "f", "rules", "x"}},
		{`flags."a.b"`, []string{"flags", "a.b"}},
		{`flags."my flag".owner`, []string{"flags", "my flag", "owner"}},
		{`flags."a\"b"`, []string{"flags", `a"b`}},
		{`flags.""`, []string{"flags", ""}},
		{`"unterminated`, []string{`"unterminated`}},
	} {
		if got := splitKey(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseSyntaxErrorIsMatchable(t *testing.T) {
	_, err := Parse("flags.toml", []byte("[flags.f]\nenabled = yes\n"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v, *Error) failed", err)
	}
	if !errors.Is(e, ErrSyntax) {
		t.Errorf("the *Error does not match ErrSyntax")
	}
	_, err = Parse("flags.toml", []byte(boolFlagTOML("f", "rollout = 200")))
	if err == nil || errors.Is(err, ErrSyntax) {
		t.Errorf("validation error %v matches ErrSyntax", err)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "[flags]\n"} {
		f, err := Parse("flags.toml", []byte(src))
		if err != nil || f == nil || len(f.Flags) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want an empty file", src, f, err)
		}
	}
}

func TestLoad(t *testing.T) {
	f, err := Load("../flags.toml")
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "../flags.toml" || f.Flags[0].Pos.Filename != "../flags.toml" {
		t.Errorf("Load named the file %q, its first flag %v", f.Name, f.Flags[0].Pos)
	}
	if _, err := Load("testdata/no-such-file.toml"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestParseRepoFlags(t *testing.T) {
	src, err := os.ReadFile("../flags.toml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("flags.toml", src)
	if err != nil {
		t.Fatalf("../flags.toml:\n%v", err)
	}
	if f.Name != "flags.toml" || string(f.Source) != string(src) {
		t.Errorf("Name = %q, Source of %d bytes; want flags.toml and the file", f.Name, len(f.Source))
	}

	// atPos is where the n-th occurrence of needle starts, plus off bytes:
	// the file is the repository's own and may change, so positions are
	// found in its text rather than written down.
	atPos := func(needle string, n, off int) Pos {
		i := -1
		for range n + 1 {
			j := strings.Index(string(src[i+1:]), needle)
			if j < 0 {
				t.Fatalf("%q occurs fewer than %d times in flags.toml", needle, n+1)
			}
			i += j + 1
		}
		i += off
		line := 1 + strings.Count(string(src[:i]), "\n")
		return Pos{"flags.toml", line, i - strings.LastIndex(string(src[:i]), "\n")}
	}
	at := func(needle string, n, off int) string { return atPos(needle, n, off).String() }
	stage := func(n int) int { return atPos("[[flags.new_checkout.schedule]]", n, 0).Line }

	var keys, goNames []string
	for _, fl := range f.Flags {
		keys = append(keys, fl.Key)
		goNames = append(goNames, fl.GoName)
	}
	if want := []string{"search", "new_checkout", "holiday", "my_new_feature"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("flags %v, want %v", keys, want)
	}
	if want := []string{"Search", "Checkout", "Holiday", "MyNewFeature"}; !reflect.DeepEqual(goNames, want) {
		t.Errorf("Go names %v, want %v", goNames, want)
	}
	search, checkout, holiday, feature := f.Flags[0], f.Flags[1], f.Flags[2], f.Flags[3]
	if f.Flag("holiday") != holiday || f.Flag("nope") != nil {
		t.Errorf("File.Flag does not find flags by key")
	}

	// Common fields, and where each flag is declared.
	for _, c := range []struct {
		fl          *Flag
		pos         string
		owner       string
		expires     Date
		bool        bool
		def         int
		variants    []string
		variantsGo  []string
		description string
	}{
		{search, at("[flags.search]", 0, 0), "search-team", Date{2027, 3, 31}, false, 0,
			[]string{"control", "variant_a", "variant_b"}, []string{"Control", "VariantA", "VariantB"},
			"Ranking experiment for search results."},
		{checkout, at("[flags.new_checkout]", 0, 0), "payments", Date{2027, 2, 26}, true, 0,
			[]string{"off", "on"}, []string{"Off", "On"}, "New checkout flow replacing the legacy form."},
		{holiday, at("[flags.holiday]", 0, 0), "calendar-team", Date{2027, 12, 31}, true, 0,
			[]string{"off", "on"}, []string{"Off", "On"}, "Serve the special-day answer from the calendar API."},
		{feature, at("[flags.my_new_feature]", 0, 0), "web-team", Date{2027, 6, 30}, false, 1,
			[]string{"VISIBLE", "NOT_VISIBLE"}, []string{"Visible", "NotVisible"},
			"The new feature, shown to the team before launch."},
	} {
		fl := c.fl
		if fl.Pos.String() != c.pos {
			t.Errorf("%s: Pos %v, want %s", fl.Key, fl.Pos, c.pos)
		}
		if fl.Owner != c.owner || fl.Expires != c.expires || fl.Description != c.description {
			t.Errorf("%s: owner %q, expires %v, description %q; want %q, %v, %q",
				fl.Key, fl.Owner, fl.Expires, fl.Description, c.owner, c.expires, c.description)
		}
		if fl.Bool != c.bool || fl.Default != c.def {
			t.Errorf("%s: Bool %v, Default %d; want %v, %d", fl.Key, fl.Bool, fl.Default, c.bool, c.def)
		}
		var names, goNames []string
		for _, v := range fl.Variants {
			names = append(names, v.Name)
			goNames = append(goNames, v.GoName)
		}
		if !reflect.DeepEqual(names, c.variants) || !reflect.DeepEqual(goNames, c.variantsGo) {
			t.Errorf("%s: variants %v (Go %v), want %v (Go %v)", fl.Key, names, goNames, c.variants, c.variantsGo)
		}
		if !fl.Enabled || fl.Killed || fl.Salt != fl.Key || fl.BucketBy != "" || fl.Deprecated != "" || fl.Removed != nil {
			t.Errorf("%s: Enabled %v, Killed %v, Salt %q, BucketBy %q, Deprecated %q, Removed %v; want the defaults",
				fl.Key, fl.Enabled, fl.Killed, fl.Salt, fl.BucketBy, fl.Deprecated, fl.Removed)
		}
	}
	if p, want := feature.Variants[1].Pos.String(), at(`"NOT_VISIBLE"]`, 0, 0); p != want {
		t.Errorf("variant NOT_VISIBLE at %s, want %s", p, want)
	}

	// search: a 50/25/25 split, employees get variant_a.
	if want := (Distribution{{0, 5000}, {1, 7500}, {2, Whole}}); !reflect.DeepEqual(search.Rollout, want) {
		t.Errorf("search split %v, want %v", search.Rollout, want)
	}
	if len(search.Rules) != 1 {
		t.Fatalf("search has %d rules, want 1", len(search.Rules))
	}
	r := search.Rules[0]
	if r.Pos.String() != at("[[flags.search.rules]]", 0, 0) || !reflect.DeepEqual(r.Groups, []string{"employees"}) ||
		r.Users != nil || r.When != nil || r.Serve != search.VariantIndex("variant_a") || r.Split != nil {
		t.Errorf("search rule %+v, want employees served variant_a", r)
	}

	// new_checkout: beta gets it, then a five-stage schedule.
	if checkout.Rollout != nil || len(checkout.Rules) != 1 {
		t.Fatalf("new_checkout: rollout %v, %d rules", checkout.Rollout, len(checkout.Rules))
	}
	if r := checkout.Rules[0]; !reflect.DeepEqual(r.Groups, []string{"beta"}) || r.Serve != 1 {
		t.Errorf("new_checkout rule %+v, want beta served on", r)
	}
	wantStages := []struct {
		line    int
		start   string
		percent Percent
	}{
		{stage(0), "2026-11-02T09:00:00Z", 100},
		{stage(1), "2026-11-09T09:00:00Z", 500},
		{stage(2), "2026-11-16T09:00:00Z", 2500},
		{stage(3), "2026-11-30T09:00:00Z", 5000},
		{stage(4), "2026-12-14T09:00:00Z", Whole},
	}
	if len(checkout.Schedule) != len(wantStages) {
		t.Fatalf("new_checkout has %d stages, want %d", len(checkout.Schedule), len(wantStages))
	}
	for i, w := range wantStages {
		st := checkout.Schedule[i]
		if st.Start.Format(time.RFC3339) != w.start || st.Percent != w.percent || st.Pos.Line != w.line {
			t.Errorf("stage %d: %v %d at line %d, want %s %d at line %d",
				i+1, st.Start.Format(time.RFC3339), st.Percent, st.Pos.Line, w.start, w.percent, w.line)
		}
	}

	// holiday: a 0% rollout.
	if want := (Distribution{{1, 0}, {0, Whole}}); !reflect.DeepEqual(holiday.Rollout, want) {
		t.Errorf("holiday rollout %v, want %v", holiday.Rollout, want)
	}

	// my_new_feature: users 1, 2 and 3 see VISIBLE.
	wantOverrides := []*Override{{Pos: atPos("VISIBLE = [", 0, 0), Variant: 0, Users: []string{"1", "2", "3"}}}
	if !reflect.DeepEqual(feature.Overrides, wantOverrides) {
		t.Errorf("overrides %+v, want %+v", feature.Overrides[0], wantOverrides[0])
	}

	for _, fl := range f.Flags {
		checkParsedFlag(t, fl)
		if _, _, ok := fl.Settled(); ok {
			t.Errorf("%s is settled", fl.Key)
		}
	}
}

func TestParseValues(t *testing.T) {
	src := variantFlagTOML("f",
		`go_name = "Feature"`,
		`variant_go_names = { treatment = "New" }`,
		"enabled = false",
		"killed = true",
		`salt = "f-2"`,
		`bucket_by = "account_id"`,
		`deprecated = "use g"`,
		`split = { control = 0, treatment = 100 }`,
		"[[flags.f.rules]]",
		`users = ["1"]`,
		`groups = ["beta"]`,
		`when = [`,
		`  { attribute = "country", op = "not_in", values = ["DE", "AT"] },`,
		`  { attribute = "age", op = "gte", value = 18.5 },`,
		`  { attribute = "plan", op = "not_equals", value = "free" },`,
		`  { attribute = "app", op = "semver_lt", value = "v2.3.0-beta.1" },`,
		`]`,
		`split = { control = 12.5, treatment = 87.5 }`,
		"[flags.f.removed]",
		"date = 2026-10-01",
		`serve = "treatment"`,
		"[flags.f.overrides]",
		`treatment = ["7"]`,
		`control = ["8", "9"]`,
	)
	f, err := Parse("flags.toml", []byte(src))
	if err != nil {
		t.Fatalf("%v\nsource:\n%s", err, src)
	}
	fl := f.Flags[0]
	checkParsedFlag(t, fl)
	if fl.GoName != "Feature" || fl.Variants[1].GoName != "New" || fl.Variants[0].GoName != "Control" {
		t.Errorf("Go names %s, %s, %s", fl.GoName, fl.Variants[0].GoName, fl.Variants[1].GoName)
	}
	if fl.Enabled || !fl.Killed || fl.Salt != "f-2" || fl.BucketBy != "account_id" || fl.Deprecated != "use g" {
		t.Errorf("flag %+v", fl)
	}
	if want := (Distribution{{1, Whole}}); !reflect.DeepEqual(fl.Rollout, want) {
		t.Errorf("split %v, want %v", fl.Rollout, want)
	}
	r := fl.Rules[0]
	if !reflect.DeepEqual(r.Users, []string{"1"}) || !reflect.DeepEqual(r.Groups, []string{"beta"}) || r.Serve != -1 {
		t.Errorf("rule %+v", r)
	}
	if want := (Distribution{{0, 1250}, {1, Whole}}); !reflect.DeepEqual(r.Split, want) {
		t.Errorf("rule split %v, want %v", r.Split, want)
	}
	wantWhen := []*Condition{
		{Pos: Pos{"flags.toml", 19, 3}, Attribute: "country", Op: OpNotIn, Values: []string{"DE", "AT"}},
		{Pos: Pos{"flags.toml", 20, 3}, Attribute: "age", Op: OpGTE, Number: 18.5},
		{Pos: Pos{"flags.toml", 21, 3}, Attribute: "plan", Op: OpNotEquals, Values: []string{"free"}},
		{Pos: Pos{"flags.toml", 22, 3}, Attribute: "app", Op: OpSemverLT, Values: []string{"v2.3.0-beta.1"}},
	}
	if !reflect.DeepEqual(r.When, wantWhen) {
		for i, c := range r.When {
			t.Errorf("condition %d: %+v", i, c)
		}
	}
	if want := (&Removal{Pos: Pos{"flags.toml", 25, 1}, Date: Date{2026, 10, 1}, Variant: 1}); !reflect.DeepEqual(fl.Removed, want) {
		t.Errorf("removed %+v, want %+v", fl.Removed, want)
	}
	// Overrides come in file order.
	wantOverrides := []*Override{
		{Pos: Pos{"flags.toml", 29, 1}, Variant: 1, Users: []string{"7"}},
		{Pos: Pos{"flags.toml", 30, 1}, Variant: 0, Users: []string{"8", "9"}},
	}
	if !reflect.DeepEqual(fl.Overrides, wantOverrides) {
		t.Errorf("overrides %+v %+v", fl.Overrides[0], fl.Overrides[1])
	}
}

func TestSettled(t *testing.T) {
	schedule := func(last string, percent int) []string {
		return []string{
			"[[flags.f.schedule]]", "start = 2026-11-02T09:00:00Z", "percent = 5",
			"[[flags.f.schedule]]", "start = " + last, fmt.Sprintf("percent = %d", percent),
		}
	}
	for _, c := range []struct {
		name    string
		src     string
		variant int
		since   Date
		ok      bool
	}{
		{"100% rollout", boolFlagTOML("f", "rollout = 100"), 1, Date{}, true},
		{"100% rollout with a float", boolFlagTOML("f", "rollout = 100.0"), 1, Date{}, true},
		{"partial rollout", boolFlagTOML("f", "rollout = 99.99"), -1, Date{}, false},
		{"0% rollout serves the default", boolFlagTOML("f", "rollout = 0"), -1, Date{}, false},
		{"100% rollout on the default", boolFlagTOML("f", `default = "on"`, "rollout = 100"), -1, Date{}, false},
		{"0% rollout with default on", boolFlagTOML("f", `default = "on"`, "rollout = 0"), 0, Date{}, true},
		{"no rollout", boolFlagTOML("f"), -1, Date{}, false},
		{"schedule ending at 100%", boolFlagTOML("f", schedule("2026-12-14T09:00:00Z", 100)...), 1, Date{2026, 12, 14}, true},
		{"schedule ending at 100% in another zone", boolFlagTOML("f", schedule("2026-12-14T23:30:00-05:00", 100)...), 1, Date{2026, 12, 15}, true},
		{"schedule ending at 50%", boolFlagTOML("f", schedule("2026-12-14T09:00:00Z", 50)...), -1, Date{}, false},
		{"schedule ending at 100% on the default", boolFlagTOML("f", append([]string{`default = "on"`}, schedule("2026-12-14T09:00:00Z", 100)...)...), -1, Date{}, false},
		{"split all on one variant", variantFlagTOML("f", "split = { control = 0, treatment = 100 }"), 1, Date{}, true},
		{"split all on the default", variantFlagTOML("f", "split = { control = 100, treatment = 0 }"), -1, Date{}, false},
		{"even split", variantFlagTOML("f", "split = { control = 50, treatment = 50 }"), -1, Date{}, false},
		{"rules", boolFlagTOML("f", "rollout = 100", "[[flags.f.rules]]", `users = ["1"]`, `serve = "off"`), -1, Date{}, false},
		{"overrides", boolFlagTOML("f", "rollout = 100", "overrides = { off = [\"1\"] }"), -1, Date{}, false},
		{"killed", boolFlagTOML("f", "rollout = 100", "killed = true"), -1, Date{}, false},
		{"disabled", boolFlagTOML("f", "rollout = 100", "enabled = false"), -1, Date{}, false},
		{"removed", boolFlagTOML("f", "rollout = 100", `removed = { date = 2026-01-01, serve = "on" }`), -1, Date{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("flags.toml", []byte(c.src))
			if err != nil {
				t.Fatalf("%v\nsource:\n%s", err, c.src)
			}
			v, since, ok := f.Flags[0].Settled()
			if ok != c.ok || (ok && (v != c.variant || since != c.since)) {
				t.Errorf("Settled() = %d, %v, %v; want %d, %v, %v", v, since, ok, c.variant, c.since, c.ok)
			}
		})
	}
}

func TestDistributionSingle(t *testing.T) {
	for _, c := range []struct {
		d       Distribution
		variant int
		ok      bool
	}{
		{nil, -1, false},
		{Distribution{{1, Whole}}, 1, true},
		{Distribution{{1, 0}, {0, Whole}}, 0, true},         // a 0% rollout
		{Distribution{{1, Whole}, {0, Whole}}, 1, true},     // a 100% rollout
		{Distribution{{1, 1}, {0, Whole}}, -1, false},       // a 0.01% rollout
		{Distribution{{0, 5000}, {1, Whole}}, -1, false},    // an even split
		{Distribution{{2, 5000}, {2, Whole}}, 2, true},      // one variant in two parts
		{Distribution{{0, 0}, {1, 0}, {2, Whole}}, 2, true}, // empty parts first
		{Distribution{{0, 0}}, -1, false},                   // nothing gets any bucket
	} {
		v, ok := c.d.Single()
		if v != c.variant || ok != c.ok {
			t.Errorf("%v.Single() = %d, %v; want %d, %v", c.d, v, ok, c.variant, c.ok)
		}
	}
}

func TestPercentAndDate(t *testing.T) {
	if p := PercentOf(25.5); p != 2550 || p.Float() != 25.5 {
		t.Errorf("PercentOf(25.5) = %d (%v)", p, p.Float())
	}
	if p := PercentOf(33.33); p != 3333 {
		t.Errorf("PercentOf(33.33) = %d", p)
	}
	d := Date{2027, 3, 31}
	if d.String() != "2027-03-31" || (Date{}).String() != "" || !(Date{}).IsZero() || d.IsZero() {
		t.Errorf("Date String/IsZero wrong")
	}
	for _, c := range []struct {
		a, b Date
		want bool
	}{
		{Date{2026, 12, 31}, Date{2027, 1, 1}, true},
		{Date{2027, 1, 31}, Date{2027, 2, 1}, true},
		{Date{2027, 2, 1}, Date{2027, 2, 2}, true},
		{Date{2027, 2, 2}, Date{2027, 2, 2}, false},
		{Date{2027, 2, 3}, Date{2027, 2, 2}, false},
	} {
		if got := c.a.Before(c.b); got != c.want {
			t.Errorf("%v.Before(%v) = %v", c.a, c.b, got)
		}
	}
}

// parseFuzzSeeds are inputs FuzzParse starts from, and ones it found.
var parseFuzzSeeds = []string{
	boolFlagTOML("f", "rollout = 50"),
	variantFlagTOML("f", "split = { control = 50, treatment = 50 }", "[[flags.f.rules]]",
		`when = [{ attribute = "app", op = "semver_gte", value = "2.3.0" }]`, `serve = "treatment"`),
	boolFlagTOML("f", "[[flags.f.schedule]]", "start = 2026-11-02T09:00:00Z", "percent = 5"),
	variantFlagTOML("f", "[flags.f.overrides]", `treatment = ["1"]`, `removed = { date = 2026-01-01, serve = "x" }`),
	`flags = { f = { variants = ["a", "b"], default = "a" } }`,
	"[flags.f]\nenabled = yes\n",
	"\ufeff[flags.f]\n",
	// Found by FuzzParse.
	"\x7f",             // the decoder's offset for a control character is -1
	"   [flags]\nA=[]", // a message starting with a capital from the file
	// A bad variant name after a good one left a one-variant flag.
	"[flags.0]\nvariants=[\"A\",\"0\"]\nrollout=0",
	// Unterminated strings, and brackets in strings and comments.
	"[flags.f]\ndescription = \"d\nowner = [[[[[[[[[[[[[[[[[[[[\n",
	"[flags.f]\ndescription = \"\"\"[[[[[[[[[[[[[[[[[[[[\n{{{{{{{{{{{{{{{{\"\"\"\nowner = 'o' # [[[[[[[[[[[[[[[[[\nexpires = 2027-01-01\n",
	"[flags.f]\ndescription = '''\n]]]]]]]]]]'''''\nowner = \"o\"\nexpires = 2027-01-01\nrollout = 5\n",
	"[flags.f]\ndescription = \"\"\"unterminated [[[[[[[[[[",
	// A variant listed twice, and a default that is none of them.
	"[flags.f]\ndescription = \"d\"\nowner = \"o\"\nexpires = 2027-01-01\nvariants = [\"a\", \"b\", \"a\"]\ndefault = \"c\"\noverrides = { c = [\"1\"], a = [\"1\"] }\n",
}

func FuzzParse(f *testing.F) {
	if src, err := os.ReadFile("../flags.toml"); err == nil {
		f.Add(src)
	}
	for _, c := range parseErrorCases {
		f.Add([]byte(c.src))
	}
	for _, s := range parseFuzzSeeds {
		f.Add([]byte(s))
	}
	// Input the decoder alone could not survive, or only at great cost.
	for _, tc := range limitCases {
		if len(tc.src) < 64<<10 && tc.lim == (Limits{}) {
			f.Add([]byte(tc.src))
		}
	}
	for _, s := range limitFuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("flags.toml", src)
		if err != nil {
			if file != nil {
				t.Errorf("Parse returned a file and an error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			checkErrorList(t, src, list)
			if (errors.Is(err, ErrTooDeep) || errors.Is(err, ErrKeyTooLong) || errors.Is(err, ErrSyntax)) && len(list) != 1 {
				t.Errorf("a syntax or limit error came with %d others", len(list)-1)
			}
			return
		}
		for _, fl := range file.Flags {
			checkParsedFlag(t, fl)
			if got := file.Flag(fl.Key); got != fl {
				t.Errorf("Flag(%q) = %v, want %v", fl.Key, got, fl)
			}
		}
	})
}

// checkParsedFlag checks invariants of a flag Parse accepted.
func checkParsedFlag(t *testing.T, fl *Flag) {
	t.Helper()
	if len(fl.Variants) < 2 || fl.Default < 0 || fl.Default >= len(fl.Variants) || fl.GoName == "" || !fl.Pos.IsValid() {
		t.Errorf("flag %q: %d variants, default %d, Go name %q, at %v", fl.Key, len(fl.Variants), fl.Default, fl.GoName, fl.Pos)
		return
	}
	inRange := func(i int) bool { return 0 <= i && i < len(fl.Variants) }
	checkDist := func(d Distribution) {
		for i, p := range d {
			if !inRange(p.Variant) || p.Upper < 0 || p.Upper > Whole || i > 0 && p.Upper < d[i-1].Upper {
				t.Errorf("flag %q: bad distribution %v", fl.Key, d)
			}
		}
		if len(d) > 0 && d[len(d)-1].Upper != Whole {
			t.Errorf("flag %q: distribution %v does not end at 100%%", fl.Key, d)
		}
	}
	checkDist(fl.Rollout)
	for _, r := range fl.Rules {
		if (r.Serve >= 0) == (r.Split != nil) || r.Serve >= 0 && !inRange(r.Serve) {
			t.Errorf("flag %q: rule serves %d and split %v", fl.Key, r.Serve, r.Split)
		}
		if len(r.Users)+len(r.Groups)+len(r.When) == 0 {
			t.Errorf("flag %q: rule with no condition", fl.Key)
		}
		checkDist(r.Split)
	}
	for i, st := range fl.Schedule {
		if !fl.Bool || st.Percent < 0 || st.Percent > Whole || i > 0 && !fl.Schedule[i-1].Start.Before(st.Start) {
			t.Errorf("flag %q: bad schedule stage %d: %+v", fl.Key, i+1, st)
		}
	}
	for _, o := range fl.Overrides {
		if !inRange(o.Variant) {
			t.Errorf("flag %q: override of variant %d", fl.Key, o.Variant)
		}
	}
	if fl.Removed != nil && !inRange(fl.Removed.Variant) {
		t.Errorf("flag %q: removed serving variant %d", fl.Key, fl.Removed.Variant)
	}
}

func TestGenerateTable(t *testing.T) {
	f, err := Parse("flags.toml", []byte("[generate]\ndir = \"./generated//flags/\"\npackage = \"flags\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Generate{Dir: "generated/flags", Package: "flags"}); f.Generate != want {
		t.Errorf("Generate = %+v, want %+v", f.Generate, want)
	}
}

// TestREADMEExamples keeps the README honest: every TOML block in it that
// declares flags must parse.
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for rest := string(readme); ; {
		_, after, ok := strings.Cut(rest, "```toml\n")
		if !ok {
			break
		}
		block, tail, _ := strings.Cut(after, "```")
		rest = tail
		if !strings.Contains(block, "[flags.") {
			continue
		}
		blocks++
		if _, err := Parse("README.md", []byte(block)); err != nil {
			t.Errorf("README example %d does not parse:\n%v\n%s", blocks, err, block)
		}
	}
	if blocks == 0 {
		t.Error("the README has no TOML example declaring flags")
	}
}

// TestHintBudget checks that "did you mean" hints stop when their budget
// is spent, and that candidates too far in length cost nothing.
func TestHintBudget(t *testing.T) {
	p := &parser{hintCost: 100}
	if got := p.closest("serv", ruleKeys); got != "" || p.hintCost != 100 {
		t.Errorf("over budget: closest = %q, budget left %d; want no hint and the budget kept", got, p.hintCost)
	}
	p.hintCost = 1000
	if got := p.closest("serv", ruleKeys); got != "serve" || p.hintCost >= 1000 {
		t.Errorf("within budget: closest = %q, budget left %d; want \"serve\" for less", got, p.hintCost)
	}
	long := strings.Repeat("x", 1<<20)
	p.hintCost = 1000
	if got := p.closest(long, ruleKeys); got != "" || p.hintCost != 1000 {
		t.Errorf("a word far longer than every candidate: closest = %q, budget left %d", got, p.hintCost)
	}
	if got := p.closest("x", []string{long}); got != "" || p.hintCost != 1000 {
		t.Errorf("a candidate far longer than the word: closest = %q, budget left %d", got, p.hintCost)
	}
}
