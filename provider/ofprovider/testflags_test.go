package ofprovider_test

import (
	"reflect"
	"testing"

	"github.com/flaggen/flaggen/provider/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
)

// specTestFlags writes, in flags.toml, the flags the OpenFeature
// specification's evaluation tests use (its Gherkin suites and test flag
// set: a boolean, string, integer, float and object flag, their zero
// values, a disabled flag and a targeted flag), with flaggen's
// snake_case keys and value names for theirs.
const specTestFlags = `
[flags.boolean_flag]
description = "A boolean flag on by default."
owner = "spec"
expires = 2030-01-01
default = "on"

[flags.string_flag]
description = "A string flag."
owner = "spec"
expires = 2030-01-01
variants = ["greeting", "parting"]
default = "greeting"
values = { greeting = "hi", parting = "bye" }

[flags.integer_flag]
description = "An integer flag."
owner = "spec"
expires = 2030-01-01
variants = ["one", "ten"]
default = "ten"
values = { one = 1, ten = 10 }

[flags.float_flag]
description = "A float flag."
owner = "spec"
expires = 2030-01-01
variants = ["tenth", "half"]
default = "half"
values = { tenth = 0.1, half = 0.5 }

[flags.object_flag]
description = "An object flag."
owner = "spec"
expires = 2030-01-01
variants = ["empty", "template"]
default = "template"
[flags.object_flag.values.empty]
value = { show_images = false, title = "", images_per_page = 0 }
[flags.object_flag.values.template]
value = { show_images = true, title = "Check out these pics!", images_per_page = 100 }

[flags.boolean_zero_flag]
description = "A boolean flag whose value is its zero."
owner = "spec"
expires = 2030-01-01

[flags.string_zero_flag]
description = "A string flag whose value is its zero."
owner = "spec"
expires = 2030-01-01
variants = ["zero", "some"]
default = "zero"
values = { zero = "", some = "x" }

[flags.integer_zero_flag]
description = "An integer flag whose value is its zero."
owner = "spec"
expires = 2030-01-01
variants = ["zero", "some"]
default = "zero"
values = { zero = 0, some = 1 }

[flags.float_zero_flag]
description = "A float flag whose value is its zero."
owner = "spec"
expires = 2030-01-01
variants = ["zero", "some"]
default = "zero"
values = { zero = 0.0, some = 0.1 }

[flags.disabled_flag]
description = "A flag that is off: it serves its default."
owner = "spec"
expires = 2030-01-01
variants = ["greeting", "parting"]
default = "parting"
enabled = false
values = { greeting = "hi", parting = "bye" }

[flags.context_aware]
description = "A targeted flag: who the caller is decides."
owner = "spec"
expires = 2030-01-01
variants = ["internal", "external"]
default = "external"
values = { internal = "INTERNAL", external = "EXTERNAL" }
[[flags.context_aware.rules]]
when = [
  { attribute = "fn", op = "equals", value = "Sulisław" },
  { attribute = "ln", op = "equals", value = "Świętopełk" },
  { attribute = "age", op = "equals", value = "29" },
  { attribute = "customer", op = "equals", value = "false" },
]
serve = "internal"
`

// TestSpecTestFlags evaluates the OpenFeature specification's test flags,
// written in flags.toml, through the SDK's client, with the values and
// reasons its evaluation suite expects.
func TestSpecTestFlags(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(compile(t, specTestFlags), ofprovider.Options{}))
	ctx := t.Context()
	anyone := openfeature.NewEvaluationContext("user-1", nil)

	if d, err := c.BooleanValueDetails(ctx, "boolean_flag", false, anyone); err != nil || !d.Value || d.Variant != "on" || d.Reason != openfeature.DefaultReason {
		t.Errorf("boolean_flag: %+v, %v; want true, variant on, DEFAULT", d, err)
	}
	if d, err := c.StringValueDetails(ctx, "string_flag", "bye", anyone); err != nil || d.Value != "hi" || d.Variant != "greeting" {
		t.Errorf("string_flag: %+v, %v; want hi (greeting)", d, err)
	}
	if d, err := c.IntValueDetails(ctx, "integer_flag", 1, anyone); err != nil || d.Value != 10 || d.Variant != "ten" {
		t.Errorf("integer_flag: %+v, %v; want 10 (ten)", d, err)
	}
	if d, err := c.FloatValueDetails(ctx, "float_flag", 0.1, anyone); err != nil || d.Value != 0.5 || d.Variant != "half" {
		t.Errorf("float_flag: %+v, %v; want 0.5 (half)", d, err)
	}
	want := map[string]any{"show_images": true, "title": "Check out these pics!", "images_per_page": int64(100)}
	if d, err := c.ObjectValueDetails(ctx, "object_flag", map[string]any{}, anyone); err != nil || !reflect.DeepEqual(d.Value, want) || d.Variant != "template" {
		t.Errorf("object_flag: %+v, %v; want %v (template)", d, err, want)
	}

	// Zero values are values, not errors or defaults of the caller.
	if d, err := c.BooleanValueDetails(ctx, "boolean_zero_flag", true, anyone); err != nil || d.Value || d.Variant != "off" {
		t.Errorf("boolean_zero_flag: %+v, %v; want false", d, err)
	}
	if d, err := c.StringValueDetails(ctx, "string_zero_flag", "hi", anyone); err != nil || d.Value != "" || d.Variant != "zero" {
		t.Errorf("string_zero_flag: %+v, %v; want \"\"", d, err)
	}
	if d, err := c.IntValueDetails(ctx, "integer_zero_flag", 1, anyone); err != nil || d.Value != 0 || d.Variant != "zero" {
		t.Errorf("integer_zero_flag: %+v, %v; want 0", d, err)
	}
	if d, err := c.FloatValueDetails(ctx, "float_zero_flag", 0.1, anyone); err != nil || d.Value != 0 || d.Variant != "zero" {
		t.Errorf("float_zero_flag: %+v, %v; want 0.0", d, err)
	}

	// A disabled flag serves its default, with reason DISABLED.
	if d, err := c.StringValueDetails(ctx, "disabled_flag", "fallback", anyone); err != nil || d.Value != "bye" || d.Reason != openfeature.DisabledReason {
		t.Errorf("disabled_flag: %+v, %v; want bye, DISABLED", d, err)
	}

	// A targeted flag: the rule matches the spec's caller, not others.
	sulislaw := openfeature.NewEvaluationContext("user-2", map[string]any{"fn": "Sulisław", "ln": "Świętopełk", "age": 29, "customer": false})
	if d, err := c.StringValueDetails(ctx, "context_aware", "fallback", sulislaw); err != nil || d.Value != "INTERNAL" || d.Reason != openfeature.TargetingMatchReason {
		t.Errorf("context_aware for the spec's caller: %+v, %v; want INTERNAL, TARGETING_MATCH", d, err)
	}
	if d, err := c.StringValueDetails(ctx, "context_aware", "fallback", anyone); err != nil || d.Value != "EXTERNAL" || d.Reason != openfeature.DefaultReason {
		t.Errorf("context_aware for another caller: %+v, %v; want EXTERNAL, DEFAULT", d, err)
	}

	// A flag of another type, and one that does not exist.
	if d, _ := c.IntValueDetails(ctx, "string_flag", 13, anyone); d.Value != 13 || d.ErrorCode != openfeature.TypeMismatchCode {
		t.Errorf("string_flag as an integer: %+v; want 13, TYPE_MISMATCH", d)
	}
	if d, _ := c.StringValueDetails(ctx, "missing_flag", "uh-oh", anyone); d.Value != "uh-oh" || d.ErrorCode != openfeature.FlagNotFoundCode {
		t.Errorf("missing_flag: %+v; want uh-oh, FLAG_NOT_FOUND", d)
	}
}
