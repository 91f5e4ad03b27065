package spec_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flaggen/flaggen/spec"
)

func ExampleParse() {
	src := []byte(`[flags.search]
description = "Ranking experiment."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a"]
default = "control"
split = { control = 50, variant_a = 40 }

[[flags.search.rules]]
groups = ["employees"]
serv = "variant_a"
`)
	_, err := spec.Parse("flags.toml", src)
	fmt.Println(err)
	// Output:
	// flags.toml:7:9: split weights sum to 90, not 100: adjust them so they add up to 100
	// flags.toml:11:1: unknown key "serv" in rule 1 of flag "search": did you mean "serve"?
}

func ExampleGoName() {
	for _, name := range []string{"new_checkout", "user_id", "NOT_VISIBLE", "variant_a"} {
		fmt.Println(name, "→", spec.GoName(name))
	}
	// Output:
	// new_checkout → NewCheckout
	// user_id → UserID
	// NOT_VISIBLE → NotVisible
	// variant_a → VariantA
}

func ExampleLimits_Parse() {
	// A live source reads at most 64 KiB; nesting is checked as ever.
	lim := spec.Limits{MaxBytes: 64 << 10}
	_, err := lim.Parse("live.toml", make([]byte, 100<<10))
	fmt.Println(errors.Is(err, spec.ErrTooLarge))
	_, err = lim.Parse("live.toml", []byte("flags = "+strings.Repeat("[", 100)))
	fmt.Println(err)
	// Output:
	// true
	// live.toml:1:25: array nested more than 16 levels deep, past the depth limit: a valid flags.toml needs at most 7 (flags.KEY.rules[0].when[0].values); close the arrays and tables left open, or flatten this
}
