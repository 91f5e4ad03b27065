package flagimpl_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

// testFlags declares a flag whose default is not its first variant, and
// boolean flags whose default is on and off.
const testFlags = `
[flags.search]
description = "d"
owner = "o"
expires = 2030-01-01
variants = ["control", "variant_a", "variant_b"]
default = "variant_a"
[[flags.search.rules]]
groups = ["employees"]
serve = "variant_b"

[flags.new_checkout]
go_name = "Checkout"
description = "d"
owner = "o"
expires = 2030-01-01
default = "on"

[flags.holiday]
description = "d"
owner = "o"
expires = 2030-01-01
`

// The flag numbers, as a generated package would write them.
const (
	searchFlag = iota
	checkoutFlag
	holidayFlag
)

// testPackage stands for the generated package: the types below are its
// flags' value types, as the generator would declare them.
type testPackage struct{}

// Search is the value type of the flag "search": variant_a, its default,
// is 0, then control 1 and variant_b 2.
type Search uint8

// Checkout has the Go name of a boolean flag, which has no named variants.
type Checkout uint8

// Other is the name of no flag.
type Other uint16

func newFlags(t *testing.T) (*flagimpl.Flags, *flagmeta.Schema) {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(testFlags))
	if err != nil {
		t.Fatal(err)
	}
	schema := f.Meta()
	return flagimpl.New[testPackage](schema), schema
}

func TestNewSet(t *testing.T) {
	fl, schema := newFlags(t)
	set := fl.Set()
	if set == nil || set != fl.Set() {
		t.Fatalf("Set() = %p then %p, want one set", set, fl.Set())
	}
	if set.Schema() != schema {
		t.Errorf("Set().Schema() is not the schema given to New")
	}
	ev := set.NewEvaluator(context.Background(), runtime.Subject{ID: "1", Groups: []string{"employees"}}, nil)
	if got := set.Lookup(ev, "search"); got != "variant_b" {
		t.Errorf("employees get search=%s, want variant_b", got)
	}
	if got := fl.Variant(ev, searchFlag); got != 2 {
		t.Errorf("employees get search number %d, want 2 (variant_b)", got)
	}
}

func TestVariantAndForce(t *testing.T) {
	fl, _ := newFlags(t)
	ctx := context.Background()
	// With no evaluator every flag serves its default: number 0.
	for n := range 3 {
		if got := fl.Variant(ctx, n); got != 0 {
			t.Errorf("Variant(flag %d) = %d, want 0", n, got)
		}
	}
	for _, c := range []struct {
		variant int
		want    string
		num     int
	}{
		{0, "variant_a", 0}, {1, "control", 1}, {2, "variant_b", 2},
		// Not a variant: the default.
		{3, "variant_a", 0}, {-1, "variant_a", 0}, {256, "variant_a", 0},
	} {
		forced := fl.Force(ctx, searchFlag, c.variant)
		if got := fl.Set().Lookup(forced, "search"); got != c.want {
			t.Errorf("Force(search, %d): Lookup = %s, want %s", c.variant, got, c.want)
		}
		if got := fl.Variant(forced, searchFlag); got != c.num {
			t.Errorf("Force(search, %d): Variant = %d, want %d", c.variant, got, c.num)
		}
	}
	for _, n := range []int{-1, 3, 1 << 30} {
		if got := fl.Variant(ctx, n); got != 0 {
			t.Errorf("Variant(flag %d) = %d, want 0", n, got)
		}
		if got := fl.Force(ctx, n, 1); got != ctx {
			t.Errorf("Force(flag %d) returned a new context, want ctx", n)
		}
		if got := fl.ForceBool(ctx, n, true); got != ctx {
			t.Errorf("ForceBool(flag %d) returned a new context, want ctx", n)
		}
	}
}

func TestForceBool(t *testing.T) {
	fl, _ := newFlags(t)
	for _, c := range []struct {
		flag int
		key  string
		on   bool
		num  int // the number generated code reads
	}{
		{checkoutFlag, "new_checkout", true, 0}, // default on: on is 0
		{checkoutFlag, "new_checkout", false, 1},
		{holidayFlag, "holiday", true, 1}, // default off: on is 1
		{holidayFlag, "holiday", false, 0},
	} {
		ctx := fl.ForceBool(context.Background(), c.flag, c.on)
		if got, want := fl.Set().Lookup(ctx, c.key), flagimpl.OnOff(c.on); got != want {
			t.Errorf("ForceBool(%s, %v): Lookup = %s, want %s", c.key, c.on, got, want)
		}
		if got := fl.Variant(ctx, c.flag); got != c.num {
			t.Errorf("ForceBool(%s, %v): Variant = %d, want %d", c.key, c.on, got, c.num)
		}
	}
	// ForceBool on a flag with named variants forces its default.
	ctx := fl.ForceBool(context.Background(), searchFlag, true)
	if got := fl.Set().Lookup(ctx, "search"); got != "variant_a" {
		t.Errorf("ForceBool(search, true): Lookup = %s, want variant_a", got)
	}
}

func TestName(t *testing.T) {
	fl, _ := newFlags(t)
	for _, c := range []struct {
		flag, v int
		typ     string
		want    string
	}{
		{searchFlag, 0, "Search", "variant_a"},
		{searchFlag, 1, "Search", "control"},
		{searchFlag, 2, "Search", "variant_b"},
		{searchFlag, 9, "Search", "Search(9)"},
		{searchFlag, -1, "Search", "Search(-1)"},
		{checkoutFlag, 0, "Checkout", "on"},
		{checkoutFlag, 1, "Checkout", "off"},
		{holidayFlag, 1, "Holiday", "on"},
		{7, 0, "Gone", "Gone(0)"},
		{-1, 0, "Gone", "Gone(0)"},
	} {
		if got := fl.Name(c.flag, c.v, c.typ); got != c.want {
			t.Errorf("Name(%d, %d, %q) = %q, want %q", c.flag, c.v, c.typ, got, c.want)
		}
	}
}

func TestOnOff(t *testing.T) {
	if got := flagimpl.OnOff(true); got != "on" {
		t.Errorf("OnOff(true) = %q", got)
	}
	if got := flagimpl.OnOff(false); got != "off" {
		t.Errorf("OnOff(false) = %q", got)
	}
}

func TestParse(t *testing.T) {
	fl, _ := newFlags(t)
	for name, want := range map[string]Search{"variant_a": 0, "control": 1, "variant_b": 2} {
		got, err := flagimpl.Parse[Search](fl, name)
		if err != nil || got != want {
			t.Errorf("Parse[Search](%q) = %d, %v; want %d", name, got, err, want)
		}
		if s := fl.Name(searchFlag, int(got), "Search"); s != name {
			t.Errorf("Name of Parse[Search](%q) = %q", name, s)
		}
	}
	_, err := flagimpl.Parse[Search](fl, "variant_c")
	if err == nil || !strings.Contains(err.Error(), `"variant_c"`) || !strings.Contains(err.Error(), `"search"`) ||
		!strings.Contains(err.Error(), "control, variant_a, variant_b") {
		t.Errorf("Parse[Search](variant_c): error %v, want one naming the variant, the flag and the choices", err)
	}
	for _, c := range []struct {
		parse func() error
		typ   string
	}{
		{func() error { _, err := flagimpl.Parse[Checkout](fl, "on"); return err }, "flagimpl_test.Checkout"},
		{func() error { _, err := flagimpl.Parse[Other](fl, "x"); return err }, "flagimpl_test.Other"},
		{func() error { _, err := flagimpl.Parse[flags.Search](fl, "control"); return err }, "flags.Search"},
		{func() error { _, err := flagimpl.Parse[uint8](fl, "control"); return err }, "uint8"},
	} {
		err := c.parse()
		if err == nil || !strings.Contains(err.Error(), c.typ) || !strings.Contains(err.Error(), "flagimpl_test") {
			t.Errorf("Parse[%s]: error %v, want one naming the type and the package", c.typ, err)
		}
	}
}

func TestVariants(t *testing.T) {
	fl, _ := newFlags(t)
	// Declaration order, numbered default first.
	if got, want := flagimpl.Variants[Search](fl), []Search{1, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("Variants[Search]() = %v, want %v", got, want)
	}
	got := flagimpl.Variants[Search](fl)
	got[0] = 9
	if again := flagimpl.Variants[Search](fl); again[0] != 1 {
		t.Errorf("Variants returned a slice it keeps: %v", again)
	}
	if got := flagimpl.Variants[Checkout](fl); got != nil {
		t.Errorf("Variants[Checkout]() = %v, want nil (a boolean flag)", got)
	}
	if got := flagimpl.Variants[flags.Search](fl); got != nil {
		t.Errorf("Variants[flags.Search]() = %v, want nil (another package's type)", got)
	}
	if got := flagimpl.Variants[Other](fl); got != nil {
		t.Errorf("Variants[Other]() = %v, want nil", got)
	}
}

// TestParseConcurrent runs the first Parse and Variants calls, which
// build the index of value types, from several goroutines (see -race).
func TestParseConcurrent(t *testing.T) {
	fl, _ := newFlags(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if v, err := flagimpl.Parse[Search](fl, "variant_b"); err != nil || v != 2 {
				t.Errorf("Parse[Search](variant_b) = %d, %v", v, err)
			}
			if got := flagimpl.Variants[Search](fl); len(got) != 3 {
				t.Errorf("Variants[Search]() = %v", got)
			}
		})
	}
	wg.Wait()
}

// valueFlags declares values of every type on a flag whose default is
// not its first variant, and on a boolean flag.
const valueFlags = `
[flags.pricing]
description = "d"
owner = "o"
expires = 2030-01-01
variants = ["control", "higher"]
default = "higher"

[flags.pricing.values.control]
multiplier = 1
label = "Standard"
count = 3
free = false
offer = { percent = 0, code = "", rate = 0.5, on = false }

[flags.pricing.values.higher]
multiplier = 1.2
label = "Premium"
count = 7
free = true
offer = { percent = 10, code = "SPRING", rate = 1.5, on = true }

[flags.dark]
description = "d"
owner = "o"
expires = 2030-01-01
values = { off = "light", on = "dark" }
`

// The values' and fields' numbers, as a generated package would write
// them.
const (
	multiplierValue = iota
	labelValue
	countValue
	freeValue
	offerValue
)

func TestValues(t *testing.T) {
	f, err := spec.Parse("flags.toml", []byte(valueFlags))
	if err != nil {
		t.Fatal(err)
	}
	fl := flagimpl.New[testPackage](f.Meta())
	// Variant 0 is the default, higher; 1 is control.
	if got := fl.Float(0, 0, multiplierValue); got != 1.2 {
		t.Errorf("Float(higher multiplier) = %v, want 1.2", got)
	}
	if got := fl.Float(0, 1, multiplierValue); got != 1 {
		t.Errorf("Float(control multiplier) = %v, want 1", got)
	}
	if got := fl.String(0, 1, labelValue); got != "Standard" {
		t.Errorf("String(control label) = %q, want Standard", got)
	}
	if got := fl.Int(0, 0, countValue); got != 7 {
		t.Errorf("Int(higher count) = %v, want 7", got)
	}
	if got := fl.Bool(0, 0, freeValue); !got {
		t.Errorf("Bool(higher free) = false, want true")
	}
	if p, c, r, on := fl.FieldInt(0, 0, offerValue, 0), fl.FieldString(0, 0, offerValue, 1), fl.FieldFloat(0, 0, offerValue, 2), fl.FieldBool(0, 0, offerValue, 3); p != 10 || c != "SPRING" || r != 1.5 || !on {
		t.Errorf("higher offer fields = %v %q %v %v, want 10 SPRING 1.5 true", p, c, r, on)
	}
	if got := fl.String(1, flagimpl.Number(true), 0); got != "dark" {
		t.Errorf("String(dark on) = %q, want dark", got)
	}
	if got := fl.String(1, flagimpl.Number(false), 0); got != "light" {
		t.Errorf("String(dark off) = %q, want light", got)
	}
	// Numbers out of range, and values of another type, are zero values.
	for _, c := range [][3]int{{-1, 0, 0}, {2, 0, 0}, {0, -1, 0}, {0, 2, 0}, {0, 0, -1}, {0, 0, 5}} {
		if got := fl.Float(c[0], c[1], c[2]); got != 0 {
			t.Errorf("Float%v = %v, want 0", c, got)
		}
		if got := fl.FieldString(c[0], c[1], offerValue, 1); c[2] == 0 && (c[0] != 0 || c[1] < 0 || c[1] > 1) && got != "" {
			t.Errorf("FieldString(%d, %d) = %q, want \"\"", c[0], c[1], got)
		}
	}
	if got := fl.Float(0, 0, labelValue); got != 0 {
		t.Errorf("Float of a string value = %v, want 0", got)
	}
	for _, field := range []int{-1, 4} {
		if got := fl.FieldInt(0, 0, offerValue, field); got != 0 {
			t.Errorf("FieldInt(field %d) = %v, want 0", field, got)
		}
	}
	if got := fl.FieldInt(0, 0, multiplierValue, 0); got != 0 {
		t.Errorf("FieldInt of a scalar value = %v, want 0", got)
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = fl.FieldString(0, 0, offerValue, 1) + fl.String(0, 1, labelValue) }); allocs != 0 {
		t.Errorf("getters allocate %v times, want 0", allocs)
	}

	// A live update that changes the values, and declares them and the
	// object's fields in another order: the getters read the snapshot in
	// force, by the generated numbers.
	live := strings.Replace(valueFlags, "multiplier = 1.2\nlabel = \"Premium\"", "label = \"Premium+\"\nmultiplier = 1.3", 1)
	live = strings.Replace(live, "multiplier = 1\nlabel = \"Standard\"", "label = \"Standard\"\nmultiplier = 1", 1)
	live = strings.Replace(live, `offer = { percent = 10, code = "SPRING", rate = 1.5, on = true }`, `offer = { code = "SUMMER", percent = 20, rate = 1.5, on = true }`, 1)
	live = strings.Replace(live, `offer = { percent = 0, code = "", rate = 0.5, on = false }`, `offer = { code = "", percent = 0, rate = 0.5, on = false }`, 1)
	snap, err := fl.Set().Compile("live.toml", []byte(live))
	if err != nil {
		t.Fatal(err)
	}
	if n := snap.Notices(); len(n) != 0 {
		t.Fatalf("notices: %v", n)
	}
	if err := fl.Set().Store(snap); err != nil {
		t.Fatal(err)
	}
	if m, l, p, c := fl.Float(0, 0, multiplierValue), fl.String(0, 0, labelValue), fl.FieldInt(0, 0, offerValue, 0), fl.FieldString(0, 0, offerValue, 1); m != 1.3 || l != "Premium+" || p != 20 || c != "SUMMER" {
		t.Errorf("after the update: %v %q %v %q, want 1.3 Premium+ 20 SUMMER", m, l, p, c)
	}
}
