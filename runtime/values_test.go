package runtime

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// pricing declares typed values; its default is not its first variant,
// so the values are numbered as the variants are.
const pricing = `
[flags.pricing]` + meta + `
variants = ["higher_price", "control"]
default = "control"
[flags.pricing.values.control]
multiplier = 1
label = "Standard"
seats = 5
trial = false
offer = { percent = 0, code = "" }
[flags.pricing.values.higher_price]
multiplier = 1.2
label = "Premium"
seats = 10
trial = true
offer = { percent = 10, code = "SPRING" }
[flags.pricing.overrides]
higher_price = ["vip"]
[[flags.pricing.rules]]
groups = ["staff"]
serve = "higher_price"

[flags.dark]` + meta + `
values = { off = "light", on = "dark" }
`

func TestValuesThroughEvaluation(t *testing.T) {
	set := mustSet(t, pricing)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		subject Subject
		mult    float64
		label   string
		seats   int64
		trial   bool
		code    string
	}{
		{"default", Subject{ID: "u"}, 1, "Standard", 5, false, ""},
		{"user override", Subject{ID: "vip"}, 1.2, "Premium", 10, true, "SPRING"},
		{"rule", Subject{ID: "u", Groups: []string{"staff"}}, 1.2, "Premium", 10, true, "SPRING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := set.NewEvaluator(ctx, tc.subject, nil)
			if got, ok := ev.Float("pricing", "multiplier"); !ok || got != tc.mult {
				t.Errorf("Float = %v, %v; want %v", got, ok, tc.mult)
			}
			if got, ok := ev.String("pricing", "label"); !ok || got != tc.label {
				t.Errorf("String = %q, %v; want %q", got, ok, tc.label)
			}
			if got, ok := ev.Int("pricing", "seats"); !ok || got != tc.seats {
				t.Errorf("Int = %v, %v; want %v", got, ok, tc.seats)
			}
			if got, ok := ev.Bool("pricing", "trial"); !ok || got != tc.trial {
				t.Errorf("Bool = %v, %v; want %v", got, ok, tc.trial)
			}
			got, ok := ev.ValueOf("pricing", "offer")
			if m, _ := got.(map[string]any); !ok || m["code"] != tc.code {
				t.Errorf("ValueOf(offer) = %v, %v; want code %q", got, ok, tc.code)
			}
		})
	}
	ev := set.NewEvaluator(ctx, Subject{ID: "u"}, nil)
	if got, want := ev.Values("pricing"), map[string]any{"multiplier": 1.0, "label": "Standard", "seats": int64(5), "trial": false,
		"offer": map[string]any{"percent": int64(0), "code": ""}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Values = %v, want %v", got, want)
	}
	if got, ok := ev.String("dark", "value"); !ok || got != "light" {
		t.Errorf("dark = %q, %v; want light", got, ok)
	}
	// Wrong type, unknown value, unknown flag.
	if _, ok := ev.Float("pricing", "seats"); ok {
		t.Error("Float of an int value reports ok")
	}
	if _, ok := ev.ValueOf("pricing", "nope"); ok {
		t.Error("ValueOf of an unknown value reports ok")
	}
	if _, ok := ev.Int("nope", "seats"); ok {
		t.Error("Int of an unknown flag reports ok")
	}
	// A request override serves its variant's values.
	ev = set.NewEvaluator(ctx, Subject{ID: "u"}, nil)
	ev.Override("pricing", "higher_price")
	if got, _ := ev.Float("pricing", "multiplier"); got != 1.2 {
		t.Errorf("overridden multiplier = %v, want 1.2", got)
	}
}

func TestValuesExposeOnce(t *testing.T) {
	set := mustSet(t, pricing)
	n := 0
	ev := set.NewEvaluator(context.Background(), Subject{ID: "u"}, &Options{Exposure: func(context.Context, Exposure) { n++ }})
	ev.Float("pricing", "multiplier")
	ev.String("pricing", "label")
	ev.Lookup("pricing")
	if n != 1 {
		t.Errorf("%d exposures, want 1", n)
	}
}

func TestValueReadersDoNotAllocate(t *testing.T) {
	set := mustSet(t, pricing)
	ev := set.NewEvaluator(context.Background(), Subject{ID: "u"}, nil)
	for name, read := range map[string]func(){
		"Float":   func() { ev.Float("pricing", "multiplier") },
		"Int":     func() { ev.Int("pricing", "seats") },
		"String":  func() { ev.String("pricing", "label") },
		"Bool":    func() { ev.Bool("pricing", "trial") },
		"ValueOf": func() { ev.ValueOf("pricing", "offer") },
		"Values":  func() { ev.Values("pricing") },
		"Explain": func() { ev.Explain("pricing") },
	} {
		if a := testing.AllocsPerRun(100, read); a != 0 {
			t.Errorf("%s allocates %v times a call, want 0", name, a)
		}
	}
}

func TestValuesLiveUpdate(t *testing.T) {
	set := mustSet(t, pricing)
	// Within its type: takes effect.
	changed := strings.Replace(pricing, "multiplier = 1\n", "multiplier = 1.1\n", 1)
	snap, err := set.Compile("live.toml", []byte(changed))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Notices()) != 0 {
		t.Fatalf("notices: %v", snap.Notices())
	}
	set.Store(snap)
	if got, _ := set.NewEvaluator(context.Background(), Subject{ID: "u"}, nil).Float("pricing", "multiplier"); got != 1.1 {
		t.Errorf("multiplier = %v, want 1.1 (took effect)", got)
	}
	// Of another type, or another set of values: kept, naming the value.
	both := func(pairs ...string) string {
		src := changed
		for i := 0; i < len(pairs); i += 2 {
			src = strings.Replace(src, pairs[i], pairs[i+1], 1)
		}
		return src
	}
	for _, tc := range []struct{ name, src, msg string }{
		{"type", both("seats = 5\n", "seats = 5.5\n"), `flag "pricing" value "seats" is float here but int in the generated code`},
		{"added", both("trial = false\n", "trial = false\nextra = 1\n", "trial = true\n", "trial = true\nextra = 2\n"),
			`flag "pricing" has value "extra" here but not in the generated code`},
		{"removed", both("label = \"Standard\"\n", "", "label = \"Premium\"\n", ""), `flag "pricing" lacks value "label" here`},
		{"fields", both(`code = "" }`, `code = "", extra = 1 }`, `code = "SPRING" }`, `code = "SPRING", extra = 2 }`),
			`flag "pricing" value "offer" has fields code string, extra int, percent int here but code string, percent int`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, err := set.Compile("live.toml", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			ns := snap.Notices()
			if len(ns) != 1 || ns[0].Kind != NoticeKept || !strings.Contains(ns[0].Msg, tc.msg) {
				t.Fatalf("notices %v, want one kept: %s", ns, tc.msg)
			}
			set.Store(snap)
			if got, _ := set.NewEvaluator(context.Background(), Subject{ID: "u"}, nil).Float("pricing", "multiplier"); got != 1.1 {
				t.Errorf("multiplier = %v, want 1.1 (the declaration in force, kept)", got)
			}
		})
	}
}

// TestExplainValues: Explain says the variant, the reason and the
// variant's values, for a flag with values; no values for one without.
func TestExplainValues(t *testing.T) {
	set := mustSet(t, pricing+`
[flags.plain]`+meta)
	staff := set.NewEvaluator(context.Background(), Subject{ID: "u", Groups: []string{"staff"}}, nil)
	x, ok := staff.Explain("pricing")
	if !ok || x.Variant != "higher_price" || x.Reason.Kind != ReasonRule || x.Values["label"] != "Premium" || x.Values["seats"] != int64(10) {
		t.Errorf("Explain(pricing) for staff = %+v, %v; want higher_price by rule 1 with its values", x, ok)
	}
	other := set.NewEvaluator(context.Background(), Subject{ID: "u"}, nil)
	if x, _ := other.Explain("pricing"); x.Variant != "control" || x.Values["label"] != "Standard" {
		t.Errorf("Explain(pricing) for another = %+v; want control's values", x)
	}
	if x, ok := other.Explain("plain"); !ok || x.Values != nil {
		t.Errorf("Explain(plain) = %+v, %v; want no values", x, ok)
	}
	if _, ok := other.Explain("nope"); ok {
		t.Error("Explain(nope) reports a flag")
	}
}
