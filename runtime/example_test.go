package runtime_test

import (
	"context"
	"fmt"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/runtime"
)

// An evaluator decides, once per request, which variant each flag serves
// and why. A Set comes from a generated package: here the repository's
// own, generated/flags, whose flags.toml splits "search" 50/25/25 by user
// id and serves variant_a to employees. Its typed accessors, such as
// flags.NewSearch(ctx), read the same evaluator.
func Example() {
	for _, subject := range []runtime.Subject{
		{ID: "42"},
		{ID: "7", Groups: []string{"employees"}},
		{ID: "user-0"},
		{},
	} {
		ev := flags.Set.NewEvaluator(context.Background(), subject, nil)
		if subject.ID == "42" {
			ev.Override("search", "variant_b") // as a signed cookie would
		}
		x, _ := ev.Explain("search")
		fmt.Printf("%-8q %s (%s), NewSearch: %v\n", subject.ID, x.Variant, x.Reason, flags.NewSearch(ev))
	}
	fmt.Println(runtime.Bucket("search", "user-0"))
	// Output:
	// "42"     variant_b (override), NewSearch: variant_b
	// "7"      variant_a (rule 1), NewSearch: variant_a
	// "user-0" control (rollout), NewSearch: control
	// ""       control (default), NewSearch: control
	// 3452
}
