package runtime_test

import (
	"context"
	"fmt"

	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// An evaluator decides, once per request, which variant each flag serves
// and why. Generated accessors (flags.NewSearch(ctx)) do the same through
// the set's compile-time flag numbers.
func Example() {
	src := `[flags.search]
description = "Ranking experiment."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }

[[flags.search.rules]]
groups = ["employees"]
serve = "variant_a"

[flags.search.overrides]
variant_b = ["42"]
`
	f, err := spec.Parse("flags.toml", []byte(src))
	if err != nil {
		panic(err)
	}
	set := runtime.NewSet(runtime.SchemaOf(f))
	for _, subject := range []runtime.Subject{
		{ID: "42"},
		{ID: "7", Groups: []string{"employees"}},
		{ID: "user-0"},
		{},
	} {
		ev := set.NewEvaluator(context.Background(), subject, nil)
		variant, reason, _ := ev.Explain("search")
		fmt.Printf("%-7q %s (%s)\n", subject.ID, variant, reason)
	}
	fmt.Println(runtime.Bucket("search", "user-0"))
	// Output:
	// "42"    variant_b (user override)
	// "7"     variant_a (rule 1)
	// "user-0" control (rollout)
	// ""      control (default)
	// 3452
}
