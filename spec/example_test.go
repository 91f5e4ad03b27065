package spec_test

import (
	"fmt"

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
