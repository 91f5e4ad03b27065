package runtime

// SupportPackageIsVersion2 is referenced by generated code, so that a
// package generated for another version of the runtime fails to compile
// instead of misbehaving. Version 2: the schema carries each flag's whole
// declaration and [NewSet] compiles it without parsing.
const SupportPackageIsVersion2 = true

// Schema describes the flags a generated package was built from: their
// keys, variants (whose order fixes the generated enum values), the
// metadata the stale-flag analyzer reads, and the declaration the
// compiled-in snapshot is built from. Generated code writes it as a plain
// composite literal; a flag's number is its index in Flags.
type Schema struct {
	// Name is the source file's name, e.g. "flags.toml".
	Name  string
	Flags []FlagInfo
}

// FlagInfo describes one flag of a [Schema]. Dates are written
// YYYY-MM-DD; empty strings mean "not set". The fields after SettledSince
// hold the flag's targeting as the generator validated it (see spec.Flag,
// whose fields they mirror); zero values mean "none".
type FlagInfo struct {
	Key    string
	GoName string
	Bool   bool
	// Variants are the variant names in declaration order; a boolean
	// flag's are "off", "on".
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
	Rollout []PartInfo
	// Schedule is a boolean flag's progressive rollout.
	Schedule []StageInfo
	// Rules are the targeting rules, in order.
	Rules []RuleInfo
	// Overrides pin user ids to variants.
	Overrides []OverrideInfo
}

// PartInfo is one range of a distribution: Variant gets the buckets below
// Upper, in hundredths of a percent (10000 is everyone), and at or above
// the previous part's Upper.
type PartInfo struct {
	Variant string
	Upper   int
}

// StageInfo is one stage of a progressive rollout: from Start (RFC 3339,
// with a zone offset) on, Percent hundredths of a percent get "on".
type StageInfo struct {
	Start   string
	Percent int
}

// RuleInfo is one targeting rule: it holds for a subject whose id is one
// of Users (when set), who is in one of Groups (when set) and for whom
// every condition of When holds. It serves Serve, or Split when Serve is
// "".
type RuleInfo struct {
	Users  []string
	Groups []string
	When   []ConditionInfo
	Serve  string
	Split  []PartInfo
}

// ConditionInfo compares the subject attribute Attribute using Op (a
// spec.Op): with Values for the string and semver operators, with Number
// for the numeric ones.
type ConditionInfo struct {
	Attribute string
	Op        string
	Values    []string
	Number    float64
}

// OverrideInfo pins the subjects whose ids are Users to Variant.
type OverrideInfo struct {
	Variant string
	Users   []string
}
