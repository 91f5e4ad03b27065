package flagmeta

// A Schema describes the flags of a generated package: metadata for the
// analyzer and tools, and each flag's declaration for the runtime. A
// flag's number is its index in Flags.
type Schema struct {
	// Name is the source file's name, e.g. "flags.toml".
	Name  string
	Flags []Flag
}

// A Flag describes one flag. Dates are written YYYY-MM-DD; empty strings
// mean "not set". The fields after SettledSince hold the flag's
// targeting as the generator validated it (see spec.Flag, whose fields
// they mirror); zero values mean "none".
type Flag struct {
	Key    string
	GoName string
	Bool   bool
	// Variants are the variant names in declaration order; a boolean
	// flag's are "off", "on". [Flag.Number] gives the number generated
	// code uses for each.
	Variants    []string
	Default     string
	Description string
	Owner       string
	Expires     string
	// Deprecated is the deprecation message.
	Deprecated string
	// Removed is the date the flag was removed; it then serves Final.
	Removed string
	Final   string
	// Settled is the variant a settled flag serves to everyone, from
	// SettledSince (when known) on.
	Settled      string
	SettledSince string

	// Disabled is enabled = false: targeting is off.
	Disabled bool
	// Killed is the kill switch.
	Killed bool
	// Salt is the bucketing salt when it is not the key.
	Salt string
	// BucketBy names the subject attribute to bucket by; "" buckets by id.
	BucketBy string
	// Rollout is the top-level rollout or split.
	Rollout []Part
	// Schedule is a boolean flag's progressive rollout.
	Schedule []Stage
	// Rules are the targeting rules, in order.
	Rules []Rule
	// Overrides pin user ids to variants.
	Overrides []Override
	// Values are the typed values every variant carries, in declaration
	// order; nil when none.
	Values []Value
}

// A Value is one typed value that every variant of a flag carries. Type
// is "string", "int" (int64), "float" (float64), "bool" or "object" (a
// JSON object of Fields). ByVariant holds each variant's value as JSON,
// indexed like Flag.Variants: a float is written as the shortest decimal
// that reads back the same, so 1.0 is "1".
type Value struct {
	Name      string
	GoName    string
	Type      string
	Fields    []Field
	ByVariant []string
}

// A Field is one field of an object [Value]; its Type is one of the
// scalar types.
type Field struct {
	Name   string
	GoName string
	Type   string
}

// A Part is one range of a distribution: Variant gets the buckets below
// Upper, in hundredths of a percent (10000 is everyone), and at or above
// the previous part's Upper.
type Part struct {
	Variant string
	Upper   int
}

// A Stage is one stage of a progressive rollout: from Start (RFC 3339,
// with a zone offset) on, Percent hundredths of a percent get "on".
type Stage struct {
	Start   string
	Percent int
}

// A Rule is one targeting rule: it holds for a subject whose id is one of
// Users (when set), who is in one of Groups (when set) and for whom every
// condition of When holds. It serves Serve, or Split when Serve is "".
type Rule struct {
	Users  []string
	Groups []string
	When   []Condition
	Serve  string
	Split  []Part
}

// A Condition compares the subject attribute Attribute using Op (a
// spec.Op): with Values for the string and semver operators, with Number
// for the numeric ones.
type Condition struct {
	Attribute string
	Op        string
	Values    []string
	Number    float64
}

// An Override pins the subjects whose ids are Users to Variant.
type Override struct {
	Variant string
	Users   []string
}

// Number returns the number generated code gives f's variant named v, or
// -1 if f has no such variant. The default is 0, so that the zero value
// of a generated value type is the default; the other variants follow in
// declaration order. A default that is not one of the variants (a
// hand-edited schema) counts as absent: the variants are then numbered in
// declaration order.
func (f *Flag) Number(v string) int {
	def := f.defaultIndex()
	for i, name := range f.Variants {
		if name != v {
			continue
		}
		switch {
		case def < 0 || i > def:
			return i
		case i == def:
			return 0
		default:
			return i + 1
		}
	}
	return -1
}

// Numbered returns f's variant names indexed by [Flag.Number]: the
// default first, then the others in declaration order. It returns a new
// slice.
func (f *Flag) Numbered() []string {
	out := make([]string, 0, len(f.Variants))
	def := f.defaultIndex()
	if def >= 0 {
		out = append(out, f.Variants[def])
	}
	for i, name := range f.Variants {
		if i != def {
			out = append(out, name)
		}
	}
	return out
}

// defaultIndex returns the index of f's default in Variants, or -1.
func (f *Flag) defaultIndex() int {
	for i, name := range f.Variants {
		if name == f.Default {
			return i
		}
	}
	return -1
}

// Name returns the name of f's variant numbered n (see [Flag.Number]),
// and whether f has one.
func (f *Flag) Name(n int) (string, bool) {
	if n < 0 || n >= len(f.Variants) {
		return "", false
	}
	def := f.defaultIndex()
	switch {
	case def < 0 || n > def:
		return f.Variants[n], true
	case n == 0:
		return f.Variants[def], true
	default:
		return f.Variants[n-1], true
	}
}
