package live

import (
	"slices"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/flagmeta"
)

func TestDiffFlag(t *testing.T) {
	boolFlag := func(mod func(*flagmeta.Flag)) flagmeta.Flag {
		f := flagmeta.Flag{Key: "holiday", Bool: true, Variants: []string{"off", "on"}, Default: "off",
			Description: "Holiday answer.", Owner: "calendar-team", Expires: "2027-12-31",
			Rollout: []flagmeta.Part{{Variant: "on", Upper: 0}, {Variant: "off", Upper: 10000}}}
		if mod != nil {
			mod(&f)
		}
		return f
	}
	search := func(mod func(*flagmeta.Flag)) flagmeta.Flag {
		f := flagmeta.Flag{Key: "search", Variants: []string{"control", "variant_a", "variant_b"}, Default: "control",
			Rollout: []flagmeta.Part{{Variant: "control", Upper: 5000}, {Variant: "variant_a", Upper: 10000}, {Variant: "variant_b", Upper: 10000}},
			Rules:   []flagmeta.Rule{{Groups: []string{"employees"}, Serve: "variant_a"}}}
		if mod != nil {
			mod(&f)
		}
		return f
	}
	priced := func(mod func(*flagmeta.Flag)) flagmeta.Flag {
		f := flagmeta.Flag{Key: "pricing", Variants: []string{"control", "higher_price"}, Default: "control",
			Values: []flagmeta.Value{
				{Name: "multiplier", Type: "float", ByVariant: []string{"1", "1.2"}},
				{Name: "label", Type: "string", ByVariant: []string{`"Standard"`, `"Premium"`}},
			}}
		if mod != nil {
			mod(&f)
		}
		return f
	}
	tests := []struct {
		name     string
		old, new flagmeta.Flag
		want     []string
	}{
		{"same", boolFlag(nil), boolFlag(nil), nil},
		{"rollout", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Rollout[0].Upper = 2500 }),
			[]string{"rollout: 0% → 25% on"}},
		{"rollout fraction", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Rollout[0].Upper = 2550 }),
			[]string{"rollout: 0% → 25.5% on"}},
		{"rollout none", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Rollout = nil }),
			[]string{"rollout: 0% on → none"}},
		{"split", search(nil), search(func(f *flagmeta.Flag) {
			f.Rollout = []flagmeta.Part{{Variant: "control", Upper: 3400}, {Variant: "variant_a", Upper: 6700}, {Variant: "variant_b", Upper: 10000}}
		}), []string{"split: control 50% variant_a 50% variant_b 0% → control 34% variant_a 33% variant_b 33%"}},
		{"killed", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Killed = true }), []string{"killed: false → true"}},
		{"enabled", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Disabled = true }), []string{"enabled: true → false"}},
		{"default", search(nil), search(func(f *flagmeta.Flag) { f.Default = "variant_a" }), []string{"default: control → variant_a"}},
		{"metadata", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) {
			f.Owner, f.Expires, f.Description, f.GoName = "web-team", "2028-01-31", "Holiday.", "Holiday"
		}), []string{"go_name: none → Holiday", `description: "Holiday answer." → "Holiday."`, "owner: calendar-team → web-team", "expires: 2027-12-31 → 2028-01-31"}},
		{"deprecated", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Deprecated = "use x" }), []string{`deprecated: none → "use x"`}},
		{"removed", search(nil), search(func(f *flagmeta.Flag) { f.Removed, f.Final = "2026-10-01", "variant_a" }),
			[]string{"removed: no → serves variant_a from 2026-10-01"}},
		{"settled", search(nil), search(func(f *flagmeta.Flag) { f.Settled, f.SettledSince = "variant_a", "2026-09-01" }),
			[]string{"settled: no → variant_a since 2026-09-01"}},
		{"salt and bucket", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Salt, f.BucketBy = "h2", "account_id" }),
			[]string{"salt: holiday → h2", "bucket_by: id → account_id"}},
		{"salt equal to key", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Salt = "holiday" }), nil},
		{"variants and kind", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) { f.Bool, f.Variants = false, []string{"off", "on", "maybe"} }),
			[]string{"kind: boolean → variants", "variants: off, on → off, on, maybe", "split: 0% on → on 0% off 100%"}},
		{"schedule stage", boolFlag(func(f *flagmeta.Flag) {
			f.Schedule = []flagmeta.Stage{{Start: "2026-11-02T09:00:00Z", Percent: 100}, {Start: "2026-11-09T09:00:00Z", Percent: 500}}
		}), boolFlag(func(f *flagmeta.Flag) {
			f.Schedule = []flagmeta.Stage{{Start: "2026-11-02T09:00:00Z", Percent: 100}, {Start: "2026-11-10T09:00:00Z", Percent: 1000}}
		}), []string{"schedule stage 2: 5% from 2026-11-09T09:00:00Z → 10% from 2026-11-10T09:00:00Z"}},
		{"schedule added", boolFlag(nil), boolFlag(func(f *flagmeta.Flag) {
			f.Schedule = []flagmeta.Stage{{Start: "2026-11-02T09:00:00Z", Percent: 100}}
		}), []string{"schedule: none → 1% from 2026-11-02T09:00:00Z"}},
		{"rule added", search(nil), search(func(f *flagmeta.Flag) {
			f.Rules = append(f.Rules, flagmeta.Rule{Users: []string{"1", "2"}, When: []flagmeta.Condition{
				{Attribute: "country", Op: "in", Values: []string{"NL", "BE"}}, {Attribute: "age", Op: "gte", Number: 18}},
				Split: []flagmeta.Part{{Variant: "control", Upper: 5000}, {Variant: "variant_b", Upper: 10000}}})
		}), []string{"rules: 1 → 2", "rule 2: none → users 1, 2 when country in [NL, BE] and age gte 18 split control 50% variant_b 50%"}},
		{"rule changed", search(nil), search(func(f *flagmeta.Flag) {
			f.Rules = []flagmeta.Rule{{Groups: []string{"employees", "beta"}, Serve: "variant_b"}}
		}), []string{"rule 1: groups employees serve variant_a → groups employees, beta serve variant_b"}},
		{"rules removed", search(nil), search(func(f *flagmeta.Flag) { f.Rules = nil }),
			[]string{"rules: 1 → 0", "rule 1: groups employees serve variant_a → none"}},
		{"many users", search(nil), search(func(f *flagmeta.Flag) {
			f.Rules = []flagmeta.Rule{{Users: []string{"1", "2", "3", "4", "5", "6", "7"}, Serve: "variant_a"}}
		}), []string{"rule 1: groups employees serve variant_a → users 1, 2, 3, 4, 5 and 2 more serve variant_a"}},
		{"overrides", search(func(f *flagmeta.Flag) {
			f.Overrides = []flagmeta.Override{{Variant: "variant_a", Users: []string{"1", "2", "3"}}}
		}), search(func(f *flagmeta.Flag) {
			f.Overrides = []flagmeta.Override{{Variant: "variant_a", Users: []string{"1", "4"}}, {Variant: "variant_b", Users: []string{"9"}}}
		}), []string{"overrides variant_a: +4 -2, 3", "overrides variant_b: +9"}},
		{"overrides dropped", search(func(f *flagmeta.Flag) {
			f.Overrides = []flagmeta.Override{{Variant: "variant_a", Users: []string{"1"}}}
		}), search(nil), []string{"overrides variant_a: -1"}},
		{"reordered users are the same", search(func(f *flagmeta.Flag) {
			f.Overrides = []flagmeta.Override{{Variant: "variant_a", Users: []string{"1", "2"}}}
		}), search(func(f *flagmeta.Flag) {
			f.Overrides = []flagmeta.Override{{Variant: "variant_a", Users: []string{"2", "1"}}}
		}), nil},
		{"value changed", priced(nil), priced(func(f *flagmeta.Flag) { f.Values[0].ByVariant[0] = "1.1" }),
			[]string{"value multiplier: control 1 → 1.1"}},
		{"values changed in two variants", priced(nil), priced(func(f *flagmeta.Flag) {
			f.Values[1].ByVariant = []string{`"Std"`, `"Pro"`}
		}), []string{`value label: control "Standard" → "Std", higher_price "Premium" → "Pro"`}},
		{"value type changed", priced(nil), priced(func(f *flagmeta.Flag) {
			f.Values[0].Type = "int"
			f.Values[0].ByVariant = []string{"1", "2"}
		}), []string{"value multiplier: float → int"}},
		{"value added and removed", priced(nil), priced(func(f *flagmeta.Flag) {
			f.Values[1] = flagmeta.Value{Name: "offer", Type: "object", Fields: []flagmeta.Field{{Name: "percent", Type: "int"}},
				ByVariant: []string{`{"percent":0}`, `{"percent":10}`}}
		}), []string{"value label: string → none", "value offer: none → object { percent int }"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diffFlag(&tt.old, &tt.new)
			if !slices.Equal(got, tt.want) {
				t.Errorf("diffFlag:\ngot  %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
		})
	}
}
