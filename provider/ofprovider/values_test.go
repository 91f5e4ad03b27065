package ofprovider_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/flaggen/flaggen/provider/ofprovider"
	"github.com/flaggen/flaggen/runtime"
	"github.com/open-feature/go-sdk/openfeature"
)

// valueFlags has a flag for each shape of values. Every flag serves its
// second variant to the group "beta" and its first otherwise.
const valueFlags = `
[flags.limit]
description = "A boolean flag with an integer value (the shorthand)."
owner = "team-a"
expires = 2027-01-31
values = { off = 10, on = 100 }
[[flags.limit.rules]]
groups = ["beta"]
serve = "on"

[flags.speed]
description = "A boolean flag with a string value."
owner = "team-a"
expires = 2027-01-31
values = { off = "slow", on = "fast" }
[[flags.speed.rules]]
groups = ["beta"]
serve = "on"

[flags.ratio]
description = "A float value."
owner = "team-a"
expires = 2027-01-31
variants = ["low", "high"]
default = "low"
values = { low = 0.5, high = 1.25 }
[[flags.ratio.rules]]
groups = ["beta"]
serve = "high"

[flags.dark]
description = "A boolean value."
owner = "team-a"
expires = 2027-01-31
variants = ["light", "dark"]
default = "light"
values = { light = false, dark = true }
[[flags.dark.rules]]
groups = ["beta"]
serve = "dark"

[flags.title]
description = "A string value."
owner = "team-a"
expires = 2027-01-31
variants = ["plain", "bold"]
default = "plain"
values = { plain = "Checkout", bold = "CHECKOUT NOW" }
[[flags.title.rules]]
groups = ["beta"]
serve = "bold"

[flags.cart]
description = "One named integer value."
owner = "team-a"
expires = 2027-01-31
variants = ["small", "large"]
default = "small"
[flags.cart.values.small]
max_items = 3
[flags.cart.values.large]
max_items = 30
[[flags.cart.rules]]
groups = ["beta"]
serve = "large"

[flags.offer]
description = "One named object value."
owner = "team-a"
expires = 2027-01-31
variants = ["none", "spring"]
default = "none"
[flags.offer.values.none]
offer = { percent = 0, code = "" }
[flags.offer.values.spring]
offer = { percent = 10, code = "SPRING" }
[[flags.offer.rules]]
groups = ["beta"]
serve = "spring"

[flags.pricing]
description = "Several values."
owner = "team-a"
expires = 2027-01-31
variants = ["control", "higher_price"]
default = "control"
[flags.pricing.values.control]
multiplier = 1.0
label = "Standard"
offer = { percent = 0, code = "" }
[flags.pricing.values.higher_price]
multiplier = 1.2
label = "Premium"
offer = { percent = 10, code = "SPRING" }
[[flags.pricing.rules]]
groups = ["beta"]
serve = "higher_price"

[flags.pricing_bool]
description = "A boolean flag with several values."
owner = "team-a"
expires = 2027-01-31
[flags.pricing_bool.values.off]
multiplier = 1.0
label = "Standard"
[flags.pricing_bool.values.on]
multiplier = 1.2
label = "Premium"
[[flags.pricing_bool.rules]]
groups = ["beta"]
serve = "on"
`

// newValueSet returns a fresh set compiled from valueFlags.
func newValueSet(t testing.TB) *runtime.Set {
	t.Helper()
	return compile(t, valueFlags)
}

var (
	nobody = user("1", nil)
	beta   = user("1", map[string]any{"groups": []string{"beta"}})
)

// outcome is what one evaluation through the client should give.
type outcome struct {
	value   any
	variant string
	code    openfeature.ErrorCode
	message string // a substring of the error message
}

func checkOutcome(t *testing.T, what string, value any, d openfeature.EvaluationDetails, err error, want outcome) {
	t.Helper()
	if (err != nil) != (want.code != "") {
		t.Errorf("%s: err = %v, want code %q", what, err, want.code)
	}
	if !reflect.DeepEqual(value, want.value) || d.Variant != want.variant || d.ErrorCode != want.code {
		t.Errorf("%s = %#v, variant %q, code %q; want %#v, %q, %q", what, value, d.Variant, d.ErrorCode, want.value, want.variant, want.code)
	}
	if want.code == "" && d.Reason != openfeature.DefaultReason && d.Reason != openfeature.TargetingMatchReason {
		t.Errorf("%s: reason %s", what, d.Reason)
	}
	if !strings.Contains(d.ErrorMessage, want.message) {
		t.Errorf("%s: message %q, want it to contain %q", what, d.ErrorMessage, want.message)
	}
}

func TestValues(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newValueSet(t), ofprovider.Options{}))
	ctx := t.Context()
	const (
		defBool  = true
		defStr   = "fallback"
		defInt   = int64(-1)
		defFloat = -1.5
	)
	defObj := "obj"
	mismatch := func(msg string) outcome { return outcome{code: openfeature.TypeMismatchCode, message: msg} }
	type evals struct {
		boolean, str, integer, float, object outcome
	}
	tests := []struct {
		name string
		flag string
		ec   openfeature.EvaluationContext
		want evals
	}{
		{"int shorthand on a boolean flag", "limit", beta, evals{
			boolean: outcome{value: true, variant: "on"},
			str:     outcome{value: "on", variant: "on"},
			integer: outcome{value: int64(100), variant: "on"},
			float:   outcome{value: 100.0, variant: "on"}, // an integer converts
			object:  outcome{value: map[string]any{"value": int64(100)}, variant: "on"},
		}},
		{"int shorthand, default", "limit", nobody, evals{
			boolean: outcome{value: false, variant: "off"},
			str:     outcome{value: "off", variant: "off"},
			integer: outcome{value: int64(10), variant: "off"},
			float:   outcome{value: 10.0, variant: "off"},
			object:  outcome{value: map[string]any{"value": int64(10)}, variant: "off"},
		}},
		{"string value on a boolean flag", "speed", beta, evals{
			boolean: outcome{value: true, variant: "on"},
			str:     outcome{value: "fast", variant: "on"}, // the value wins over the variant's name
			integer: mismatch(`flag "speed" has one value, "value", a string, not an integer: evaluate it as a boolean, a string or an object`),
			float:   mismatch(`not a float`),
			object:  outcome{value: map[string]any{"value": "fast"}, variant: "on"},
		}},
		{"float value", "ratio", beta, evals{
			boolean: mismatch(`flag "ratio" has one value, "value", a float, not a boolean: evaluate it as a float, a string or an object`),
			str:     outcome{value: "high", variant: "high"},
			integer: mismatch(`a float, not an integer`),
			float:   outcome{value: 1.25, variant: "high"},
			object:  outcome{value: map[string]any{"value": 1.25}, variant: "high"},
		}},
		{"boolean value", "dark", beta, evals{
			boolean: outcome{value: true, variant: "dark"},
			str:     outcome{value: "dark", variant: "dark"},
			integer: mismatch(`a boolean, not an integer`),
			float:   mismatch(`a boolean, not a float`),
			object:  outcome{value: map[string]any{"value": true}, variant: "dark"},
		}},
		{"boolean value, default", "dark", nobody, evals{
			boolean: outcome{value: false, variant: "light"},
			str:     outcome{value: "light", variant: "light"},
			integer: mismatch(`a boolean, not an integer`),
			float:   mismatch(`a boolean, not a float`),
			object:  outcome{value: map[string]any{"value": false}, variant: "light"},
		}},
		{"string value", "title", beta, evals{
			boolean: mismatch(`a string, not a boolean`),
			str:     outcome{value: "CHECKOUT NOW", variant: "bold"},
			integer: mismatch(`a string, not an integer`),
			float:   mismatch(`a string, not a float`),
			object:  outcome{value: map[string]any{"value": "CHECKOUT NOW"}, variant: "bold"},
		}},
		{"one named integer value", "cart", beta, evals{
			boolean: mismatch(`flag "cart" has one value, "max_items", an integer, not a boolean`),
			str:     outcome{value: "large", variant: "large"},
			integer: outcome{value: int64(30), variant: "large"},
			float:   outcome{value: 30.0, variant: "large"},
			object:  outcome{value: map[string]any{"max_items": int64(30)}, variant: "large"},
		}},
		{"one named object value", "offer", beta, evals{
			boolean: mismatch(`an object, not a boolean`),
			str:     outcome{value: "spring", variant: "spring"},
			integer: mismatch(`an object, not an integer: evaluate it as a string or an object`),
			float:   mismatch(`an object, not a float`),
			object:  outcome{value: map[string]any{"percent": int64(10), "code": "SPRING"}, variant: "spring"},
		}},
		{"several values", "pricing", beta, evals{
			boolean: mismatch(`flag "pricing" has 3 values (multiplier, label, offer), not one boolean value: evaluate it as a string or an object`),
			str:     outcome{value: "higher_price", variant: "higher_price"},
			integer: mismatch(`flag "pricing" has 3 values (multiplier, label, offer), not one integer value`),
			float:   mismatch(`not one float value`),
			object: outcome{value: map[string]any{
				"multiplier": 1.2,
				"label":      "Premium",
				"offer":      map[string]any{"percent": int64(10), "code": "SPRING"},
			}, variant: "higher_price"},
		}},
		{"several values, default", "pricing", nobody, evals{
			boolean: mismatch(`not one boolean value`),
			str:     outcome{value: "control", variant: "control"},
			integer: mismatch(`not one integer value`),
			float:   mismatch(`not one float value`),
			object: outcome{value: map[string]any{
				"multiplier": 1.0,
				"label":      "Standard",
				"offer":      map[string]any{"percent": int64(0), "code": ""},
			}, variant: "control"},
		}},
		{"several values on a boolean flag", "pricing_bool", beta, evals{
			boolean: outcome{value: true, variant: "on"},
			str:     outcome{value: "on", variant: "on"},
			integer: mismatch(`flag "pricing_bool" has 2 values (multiplier, label), not one integer value: evaluate it as a boolean, a string or an object`),
			float:   mismatch(`not one float value`),
			object:  outcome{value: map[string]any{"multiplier": 1.2, "label": "Premium"}, variant: "on"},
		}},
	}
	// An error returns the caller's default.
	or := func(o outcome, def any) outcome {
		if o.code != "" {
			o.value = def
		}
		return o
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := c.BooleanValueDetails(ctx, tt.flag, defBool, tt.ec)
			checkOutcome(t, "boolean", b.Value, b.EvaluationDetails, err, or(tt.want.boolean, defBool))
			s, err := c.StringValueDetails(ctx, tt.flag, defStr, tt.ec)
			checkOutcome(t, "string", s.Value, s.EvaluationDetails, err, or(tt.want.str, defStr))
			i, err := c.IntValueDetails(ctx, tt.flag, defInt, tt.ec)
			checkOutcome(t, "integer", i.Value, i.EvaluationDetails, err, or(tt.want.integer, defInt))
			f, err := c.FloatValueDetails(ctx, tt.flag, defFloat, tt.ec)
			checkOutcome(t, "float", f.Value, f.EvaluationDetails, err, or(tt.want.float, defFloat))
			o, err := c.ObjectValueDetails(ctx, tt.flag, defObj, tt.ec)
			checkOutcome(t, "object", o.Value, o.EvaluationDetails, err, or(tt.want.object, defObj))
		})
	}
}

// TestValuesObjectIsTheCallers: the maps an object evaluation returns
// are the caller's own: changing one changes no later evaluation.
func TestValuesObjectIsTheCallers(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newValueSet(t), ofprovider.Options{}))
	ctx := t.Context()
	for _, flag := range []string{"offer", "pricing", "limit"} {
		first, err := c.ObjectValue(ctx, flag, nil, beta)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := c.ObjectValue(ctx, flag, nil, beta)
		m := first.(map[string]any)
		for k, v := range m {
			if obj, ok := v.(map[string]any); ok {
				obj["code"] = "MINE"
			}
			m[k] = "changed"
		}
		m["added"] = true
		if got, _ := c.ObjectValue(ctx, flag, nil, beta); !reflect.DeepEqual(got, want) {
			t.Errorf("%s after changing an earlier result: %#v, want %#v", flag, got, want)
		}
	}
}

// TestValuesObjectIsTheCallersConcurrently: the maps the provider
// returns, called as the SDK calls it, are the caller's own, even while
// other goroutines evaluate the same flag (go test -race).
func TestValuesObjectIsTheCallersConcurrently(t *testing.T) {
	t.Parallel()
	p := ofprovider.New(newValueSet(t), ofprovider.Options{})
	flat := openfeature.FlattenedContext{openfeature.TargetingKey: "1", "groups": []string{"beta"}}
	for _, flag := range []string{"offer", "pricing", "limit"} {
		want := p.ObjectEvaluation(t.Context(), flag, nil, flat).Value
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 50 {
					m := p.ObjectEvaluation(t.Context(), flag, nil, flat).Value.(map[string]any)
					for k, v := range m {
						if obj, ok := v.(map[string]any); ok {
							obj["code"] = "MINE"
						}
						m[k] = "changed"
					}
				}
			})
		}
		wg.Wait()
		if got := p.ObjectEvaluation(t.Context(), flag, nil, flat).Value; !reflect.DeepEqual(got, want) {
			t.Errorf("%s after changing earlier results: %#v, want %#v", flag, got, want)
		}
	}
}

// TestValuesRequestEvaluator: with the request's evaluator in the
// context, a value is that evaluator's, for the variant it serves.
func TestValuesRequestEvaluator(t *testing.T) {
	t.Parallel()
	set := newValueSet(t)
	c, _ := newClient(t, ofprovider.New(set, ofprovider.Options{}))
	ev := set.NewEvaluator(t.Context(), runtime.Subject{ID: "9", Groups: []string{"beta"}}, nil)
	// The evaluation context says nobody; the request's evaluator wins.
	if v, err := c.IntValue(ev, "cart", 0, nobody); err != nil || v != 30 {
		t.Errorf("IntValue(cart) = %d, %v; want 30", v, err)
	}
	if v, err := c.FloatValue(ev, "ratio", 0, nobody); err != nil || v != 1.25 {
		t.Errorf("FloatValue(ratio) = %v, %v; want 1.25", v, err)
	}
}

// BenchmarkValues measures the provider's typed evaluations of values,
// called directly with the request's evaluator: a scalar allocates
// nothing, an object evaluation its maps.
func BenchmarkValues(b *testing.B) {
	set := newValueSet(b)
	p := ofprovider.New(set, ofprovider.Options{})
	req := set.NewEvaluator(b.Context(), runtime.Subject{ID: "user-1", Groups: []string{"beta"}}, nil)
	flat := openfeature.FlattenedContext{}
	b.Run("int", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := p.IntEvaluation(req, "cart", 0, flat); r.Value != 30 {
				b.Fatal(r)
			}
		}
	})
	b.Run("float-of-int", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := p.FloatEvaluation(req, "limit", 0, flat); r.Value != 100 {
				b.Fatal(r)
			}
		}
	})
	b.Run("string", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := p.StringEvaluation(req, "title", "", flat); r.Value != "CHECKOUT NOW" {
				b.Fatal(r)
			}
		}
	})
	b.Run("object", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r := p.ObjectEvaluation(req, "pricing", nil, flat); r.Reason == openfeature.ErrorReason {
				b.Fatal(r.ResolutionError)
			}
		}
	})
}
