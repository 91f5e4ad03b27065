package ofprovider_test

import (
	"context"
	"fmt"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/provider/ofprovider"
	"github.com/flaggen/flaggen/runtime"
	"github.com/open-feature/go-sdk/openfeature"
)

// An application that evaluated its flags with OpenFeature's in-memory
// provider switches to the generated flag set by registering this
// provider instead; its evaluation calls do not change.
func Example() {
	if err := openfeature.SetProviderAndWait(ofprovider.New(flags.Set, ofprovider.Options{})); err != nil {
		panic(err)
	}
	defer openfeature.Shutdown()
	client := openfeature.NewClient("example")

	// User 1 is listed under VISIBLE in my_new_feature's overrides.
	ec := openfeature.NewEvaluationContext("1", map[string]any{"groups": []string{"employees"}})
	d, _ := client.StringValueDetails(context.Background(), "my_new_feature", "NOT_VISIBLE", ec)
	fmt.Println(d.Value, d.Reason, d.FlagMetadata["owner"])

	// In a handler behind the middleware, the request's evaluator
	// decides, as it does for the typed accessors.
	req := flags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: "2"}, nil)
	v, _ := client.StringValue(req, "my_new_feature", "NOT_VISIBLE", openfeature.EvaluationContext{})
	fmt.Println(v, flags.NewMyNewFeature(req).IsVisible())

	// Integers are not served until variants carry typed values.
	_, err := client.IntValue(context.Background(), "search", 0, ec)
	fmt.Println(err != nil)
	// Output:
	// VISIBLE TARGETING_MATCH web-team
	// VISIBLE true
	// true
}
