package spec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// File is a parsed and validated flags.toml.
type File struct {
	// Name is the file name used in positions, e.g. "flags.toml".
	Name string
	// Source is the file's text, exactly as read.
	Source []byte
	// Flags are the declared flags, in the order the file declares them.
	Flags []*Flag
	// Generate is the optional [generate] table.
	Generate Generate

	// byKey indexes Flags by key, for Flag; indexed is Flags as it was
	// when byKey was built. Both are nil in a File not made by Parse.
	byKey   map[string]int
	indexed []*Flag
}

// Generate says where the package generated from a file lives, so that
// flaggen generate can be run from anywhere in the module.
type Generate struct {
	// Dir is the package's directory, relative to the file's, slash
	// separated; "" when not set.
	Dir string
	// Package is the package's name; "" when not set.
	Package string
}

// Flag returns the flag with the given key, or nil. In a File made by
// [Parse] it takes constant time, from an index of Flags that Parse
// builds. A File built by hand, or whose Flags has been replaced or
// resized since, is searched in order instead. (The index does not see a
// key that a flag assigned to an element of Flags, or a Key changed in
// place, brings in: change Flags as a whole instead.)
func (f *File) Flag(key string) *Flag {
	if f.byKey != nil && len(f.Flags) == len(f.indexed) && (len(f.Flags) == 0 || &f.Flags[0] == &f.indexed[0]) {
		i, ok := f.byKey[key]
		if !ok {
			return nil
		}
		if f.Flags[i].Key == key {
			return f.Flags[i]
		}
	}
	for _, fl := range f.Flags {
		if fl.Key == key {
			return fl
		}
	}
	return nil
}

// indexFlags builds the index Flag uses.
func (f *File) indexFlags() {
	f.byKey = make(map[string]int, len(f.Flags))
	for i, fl := range f.Flags {
		if _, dup := f.byKey[fl.Key]; !dup {
			f.byKey[fl.Key] = i
		}
	}
	f.indexed = f.Flags
}

// MaxVariants is the most variants a flag may have (the runtime keeps a
// variant in a byte).
const MaxVariants = 255

// MaxNameBytes is the longest variant name, in bytes. Messages quote
// variant names wherever a flag refers to them, so their length bounds the
// cost of reporting every problem.
const MaxNameBytes = 64

// Boolean flags have exactly these two variants, in this order.
const (
	Off = "off"
	On  = "on"
)

// Flag is one declared flag.
type Flag struct {
	Pos Pos
	// Key is the flag's snake_case key, e.g. "new_checkout".
	Key string
	// GoName is the Go name of the flag: the go_name key, or the UpperCamel
	// form of Key ("new_checkout" → "NewCheckout").
	GoName      string
	Description string
	Owner       string
	// Expires is the date by which the flag should be gone from the code.
	Expires Date
	// Bool is true for a boolean flag, whose Variants are [Off, On].
	Bool     bool
	Variants []*Variant
	// Default is the index in Variants of the variant served when the flag
	// is off or killed, when no targeting matches, and when there is no
	// subject to bucket.
	Default int
	// Enabled is the on/off switch (key "enabled", default true). An
	// enabled=false flag serves Default to everyone but explicit overrides.
	Enabled bool
	// Killed is the kill switch: Default to everyone, before any override.
	Killed bool
	// Salt prefixes the bucketing key; it defaults to Key.
	Salt string
	// BucketBy names the subject attribute to bucket by; "" buckets by the
	// subject's id.
	BucketBy string
	// Rollout is the top-level distribution: a boolean rollout or a
	// weighted split; nil when the flag has neither.
	Rollout Distribution
	// Schedule is a progressive rollout of a boolean flag; its percentage in
	// force is a pure function of the clock.
	Schedule []*Stage
	Rules    []*Rule
	// Overrides pin user ids to variants (gatekeeper's overrides).
	Overrides []*Override
	// Deprecated is the deprecation message, or "".
	Deprecated string
	// Removed is set when the flag is removed: it serves Removed.Variant to
	// everyone until no code refers to it.
	Removed *Removal
	// Values are the typed values every variant carries (see [Value]), in
	// the order the file first writes them; nil when none.
	Values []*Value
}

// VariantIndex returns the index of the named variant, or -1.
func (f *Flag) VariantIndex(name string) int {
	for i, v := range f.Variants {
		if v.Name == name {
			return i
		}
	}
	return -1
}

// Variant is one named variant of a flag.
type Variant struct {
	Pos  Pos
	Name string
	// GoName is the variant's Go name: its go_name, or the UpperCamel form
	// of Name ("NOT_VISIBLE" → "NotVisible").
	GoName string
}

// Date is a calendar date with no time of day or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD, or "" when d is zero.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// Percent is a percentage between 0 and 100 with a resolution of 0.01,
// stored in basis points (hundredths of a percent): 25.5% is 2550.
type Percent int

// Whole is 100%.
const Whole Percent = 10000

// PercentOf converts a float percentage to basis points.
func PercentOf(p float64) Percent { return Percent(math.Round(p * 100)) }

// Float returns p as a percentage, e.g. 25.5.
func (p Percent) Float() float64 { return float64(p) / 100 }

// String returns p as flags.toml and the fleet commands write it, with
// as many decimals as it needs: "25%", "25.5%", "0.01%".
func (p Percent) String() string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	s := strconv.Itoa(int(p / 100))
	if r := int(p % 100); r != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", r), "0")
	}
	return sign + s + "%"
}

// Distribution assigns buckets to variants: variant Parts[i].Variant gets
// the buckets below Parts[i].Upper (and at or above Parts[i-1].Upper).
// The last part's Upper is [Whole]. A boolean rollout of N% is
// [{On, N}, {Off, Whole}], so raising N keeps everyone who had On; a split
// lays its variants out in declaration order.
type Distribution []Part

// Part is one range of a [Distribution].
type Part struct {
	Variant int // index into Flag.Variants
	Upper   Percent
}

// Single reports the variant that gets every bucket, if there is one.
func (d Distribution) Single() (variant int, ok bool) {
	v := -1
	lower := Percent(0)
	for _, p := range d {
		if p.Upper > lower {
			if v >= 0 && v != p.Variant {
				return -1, false
			}
			v = p.Variant
		}
		lower = p.Upper
	}
	return v, v >= 0
}

// Stage is one step of a progressive rollout: from Start on, Percent of
// subjects get On.
type Stage struct {
	Pos     Pos
	Start   time.Time
	Percent Percent
}

// Rule is a targeting rule. Its conditions all hold for a subject (users
// and groups match any of their entries); the first rule that holds serves
// its variant or its split.
type Rule struct {
	Pos    Pos
	Users  []string
	Groups []string
	When   []*Condition
	// Serve is the index of the variant the rule serves, or -1 when it
	// serves Split.
	Serve int
	Split Distribution
}

// Op is an attribute comparison.
type Op string

// The operators a condition may use.
const (
	OpEquals    Op = "equals"
	OpNotEquals Op = "not_equals"
	OpIn        Op = "in"
	OpNotIn     Op = "not_in"
	OpLT        Op = "lt"
	OpLTE       Op = "lte"
	OpGT        Op = "gt"
	OpGTE       Op = "gte"
	OpSemverEq  Op = "semver_eq"
	OpSemverLT  Op = "semver_lt"
	OpSemverLTE Op = "semver_lte"
	OpSemverGT  Op = "semver_gt"
	OpSemverGTE Op = "semver_gte"
)

// Ops lists every operator, in documentation order.
var Ops = []Op{OpEquals, OpNotEquals, OpIn, OpNotIn, OpLT, OpLTE, OpGT, OpGTE,
	OpSemverEq, OpSemverLT, OpSemverLTE, OpSemverGT, OpSemverGTE}

// Numeric reports whether o compares numbers.
func (o Op) Numeric() bool { return o == OpLT || o == OpLTE || o == OpGT || o == OpGTE }

// Semver reports whether o compares semantic versions.
func (o Op) Semver() bool {
	return o == OpSemverEq || o == OpSemverLT || o == OpSemverLTE || o == OpSemverGT || o == OpSemverGTE
}

// Condition compares one subject attribute. A subject that lacks the
// attribute fails every condition on it, not_in and not_equals included.
type Condition struct {
	Pos       Pos
	Attribute string
	Op        Op
	// Values holds the operand: one string for equals, not_equals and the
	// semver operators, the list for in and not_in.
	Values []string
	// Number is the operand of the numeric operators.
	Number float64
}

// Override pins user ids to one variant.
type Override struct {
	Pos     Pos
	Variant int
	Users   []string
}

// Removal records that a flag was removed.
type Removal struct {
	Pos  Pos
	Date Date
	// Variant is the index of the variant the flag keeps serving.
	Variant int
}

// Settled reports whether f serves one variant to everyone, with no rules
// or overrides, not killed: a 100% rollout, a split with one variant at
// 100%, or a schedule whose last stage is at 100% (then since is that
// stage's date). A flag that only serves its default is not settled.
func (f *Flag) Settled() (variant int, since Date, ok bool) {
	if f.Removed != nil || f.Killed || !f.Enabled || len(f.Rules) > 0 || len(f.Overrides) > 0 {
		return -1, Date{}, false
	}
	if len(f.Schedule) > 0 {
		last := f.Schedule[len(f.Schedule)-1]
		if last.Percent == Whole {
			on := f.VariantIndex(On)
			t := last.Start.UTC()
			return on, Date{t.Year(), t.Month(), t.Day()}, on != f.Default
		}
		return -1, Date{}, false
	}
	v, ok := f.Rollout.Single()
	if !ok || v == f.Default {
		return -1, Date{}, false
	}
	return v, Date{}, true
}
