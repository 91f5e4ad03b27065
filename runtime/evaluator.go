package runtime

import (
	"context"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/flaggen/flaggen/internal/semver"
	"github.com/flaggen/flaggen/spec"
)

// Subject is who a request is for: the user (or anonymous visitor) id that
// percentage rollouts bucket, the groups rules match, and attributes for
// attribute conditions and bucket_by.
type Subject struct {
	ID     string
	Groups []string
	Attrs  []Attr
	// Visitor says that ID is an anonymous visitor's, such as the id the
	// middleware keeps in its visitor cookie, and not a user's: it buckets
	// rollouts and splits as any id does, but matches no users rule and
	// no per-user override. A visitor chooses the id in their cookie, so
	// one who wrote a user's id there would otherwise be served what that
	// user is.
	Visitor bool
}

// user returns the id of the user the subject is, or "" for a request
// with no user: no id, or a visitor's.
func (s *Subject) user() string {
	if s.Visitor {
		return ""
	}
	return s.ID
}

// Attr is one subject attribute.
type Attr struct {
	Key, Value string
}

// Attr returns the value of the attribute key.
func (s *Subject) Attr(key string) (string, bool) {
	for i := range s.Attrs {
		if s.Attrs[i].Key == key {
			return s.Attrs[i].Value, true
		}
	}
	return "", false
}

// ReasonKind says why a request got a variant.
type ReasonKind uint8

// The reasons, in evaluation order.
const (
	// ReasonDefault: nothing targeted the request, or there was no subject
	// to bucket, or no evaluator in the context.
	ReasonDefault ReasonKind = iota
	// ReasonRemoved: the flag is removed and serves its final variant.
	ReasonRemoved
	// ReasonForced: a test forced the variant (the generated WithX helpers).
	ReasonForced
	// ReasonKilled: the kill switch is on.
	ReasonKilled
	// ReasonOverride: a request override (signed browser cookie, dev header).
	ReasonOverride
	// ReasonUserOverride: the subject's id is listed in the flag's overrides.
	ReasonUserOverride
	// ReasonOff: the flag is switched off (enabled = false).
	ReasonOff
	// ReasonRule: a targeting rule matched; Reason.Rule says which.
	ReasonRule
	// ReasonRollout: the subject's bucket in the rollout or split.
	ReasonRollout
	// ReasonSchedule: the subject's bucket against the scheduled percentage.
	ReasonSchedule
)

var reasonNames = [...]string{"default", "removed", "forced", "killed", "override", "user override", "off", "rule", "rollout", "schedule"}

func (k ReasonKind) String() string {
	if int(k) < len(reasonNames) {
		return reasonNames[k]
	}
	return "ReasonKind(" + strconv.Itoa(int(k)) + ")"
}

// Reason says why a request got a variant. Rule numbers rules from 1, in
// file order; it is 0 unless Kind is [ReasonRule].
type Reason struct {
	Kind ReasonKind
	Rule int
}

// String returns e.g. "rollout" or "rule 2".
func (r Reason) String() string {
	if r.Kind == ReasonRule {
		return "rule " + strconv.Itoa(r.Rule)
	}
	return r.Kind.String()
}

// Exposure reports that a request was served a variant of a flag. It is
// reported once per request per flag, when the flag is first evaluated.
type Exposure struct {
	Flag    string
	Variant string
	Reason  Reason
	// Subject is the subject's id.
	Subject string
}

// Options configure evaluators. The zero value (or a nil *Options) means
// defaults. Options are shared by the evaluators given them, and must not
// be changed afterwards.
type Options struct {
	// Exposure, if not nil, is called once per request per flag, with the
	// request's evaluator as ctx, when the flag is first evaluated. It runs
	// on the evaluating goroutine and should be quick.
	Exposure func(ctx context.Context, e Exposure)
	// Clock returns the time progressive schedules are judged at; nil
	// means time.Now. An evaluator reads it at most once.
	Clock func() time.Time
}

// memo state layout: bit 31 set once evaluated; bits 0–7 the variant;
// 8–11 the reason kind; 12–30 the rule number, or ruleOverflow when it
// does not fit (Explain then evaluates again to find it).
const (
	evaluated    = 1 << 31
	ruleOverflow = 1<<19 - 1
)

func pack(variant int, r Reason) uint32 {
	return evaluated | uint32(variant)&0xff | uint32(r.Kind)&0xf<<8 | uint32(min(r.Rule, ruleOverflow))<<12
}

func unpack(st uint32) (variant int, r Reason) {
	return int(st & 0xff), Reason{Kind: ReasonKind(st >> 8 & 0xf), Rule: int(st >> 12 & ruleOverflow)}
}

// An Evaluator decides the variants one request sees. It is the request's
// context: it wraps its parent context, and middleware passes it down as
// the request context, so finding it costs one type assertion.
//
// It holds the subject, the snapshot in force when the request began and
// a memo: each flag is evaluated once per evaluator, and later calls
// return the same variant even if the set's snapshot is swapped meanwhile.
// An Evaluator is safe for concurrent use by the request's goroutines; a
// flag evaluated by several at once is still reported to the exposure hook
// once, and all of them see the same variant.
type Evaluator struct {
	context.Context // the parent

	set     *Set
	snap    *Snapshot
	subject Subject
	opts    *Options
	// rare holds what few requests need; nil for most.
	rare *rare
	// memo has a slot per flag of snap (see pack) when the set is small;
	// otherwise table holds the flags read. Either lives in the same
	// allocation as the evaluator (see allocEvaluator).
	memo  []atomic.Uint32
	table *memoTable
	// now caches the clock, in Unix nanoseconds; 0 until first read.
	now atomic.Int64
}

// rare is the part of an evaluator that most requests do without, kept
// out of line so that the evaluator every request allocates stays small.
// It is set before the evaluator is shared, and read-only after.
type rare struct {
	// forced holds test-forced variants and request overrides.
	forced []forced
	// inert evaluators serve defaults: they stand in for a missing one.
	inert bool
}

// forcedVariant returns the variant forced for flag number flag by a test
// (test) or by a request override (!test). The newest entry wins: an
// inner WithX beats an outer one. x may be nil.
func (x *rare) forcedVariant(flag int, test bool) (int, bool) {
	if x == nil {
		return 0, false
	}
	for j := len(x.forced) - 1; j >= 0; j-- {
		if o := x.forced[j]; o.flag == flag && o.test == test {
			return o.variant, true
		}
	}
	return 0, false
}

// extra returns ev's rare part, creating it.
func (ev *Evaluator) extra() *rare {
	if ev.rare == nil {
		ev.rare = new(rare)
	}
	return ev.rare
}

type forced struct {
	flag, variant int
	test          bool // forced by a test: beats the kill switch
}

// contextKey is the key under which an Evaluator answers Value.
type contextKey struct{}

// EvaluatorKey is a string key under which adapters for frameworks whose
// contexts only answer string keys (gin's *gin.Context without
// ContextWithFallback answers from c.Keys) store the request's
// *Evaluator. Lookups try it after the typed key.
const EvaluatorKey = "github.com/flaggen/flaggen/runtime.Evaluator"

// Value returns the evaluator itself for the runtime's key and otherwise
// asks the parent context.
func (ev *Evaluator) Value(key any) any {
	if _, ok := key.(contextKey); ok {
		return ev
	}
	return ev.Context.Value(key)
}

// Subject returns the request's subject.
func (ev *Evaluator) Subject() Subject { return ev.subject }

// Snapshot returns the snapshot the evaluator serves from.
func (ev *Evaluator) Snapshot() *Snapshot { return ev.snap }

// Override makes the evaluator serve variant for the flag with the given
// key, as a request override: after the kill switch, before everything
// else. It reports false, and changes nothing, when the current snapshot
// has no such flag or variant. Call it before the evaluator is shared.
func (ev *Evaluator) Override(key, variant string) bool {
	i, ok := ev.snap.byKey[key]
	if !ok {
		return false
	}
	v := slices.Index(ev.snap.flags[i].variants, variant)
	if v < 0 {
		return false
	}
	x := ev.extra()
	x.forced = append(x.forced, forced{flag: i, variant: v})
	return true
}

// variant returns the variant of flag number i, evaluating it on first use.
func (ev *Evaluator) variant(i int) int {
	if st := ev.load(i); st != 0 {
		return int(st & 0xff)
	}
	// The common first read: a rollout or split by the subject's id,
	// and nothing else that could apply (see flag.plain), for a request
	// with no overrides, no exposure hook and a slot per flag. This is
	// what evaluateOnce does for it, without its calls.
	if f := &ev.snap.flags[i]; f.plain && ev.rare == nil && ev.table == nil && ev.subject.ID != "" &&
		(ev.opts == nil || ev.opts.Exposure == nil) {
		v := distVariant(f.dist, bucketFrom(f.seed, ev.subject.ID))
		if ev.memo[i].CompareAndSwap(0, pack(v, Reason{Kind: ReasonRollout})) {
			return v
		}
		return int(ev.memo[i].Load() & 0xff)
	}
	v, _ := ev.evaluateOnce(i)
	return v
}

// An Explanation says which variant of a flag a request gets, why, and
// what values that variant carries.
type Explanation struct {
	Variant string
	Reason  Reason
	// Values are the variant's values by name, as [Evaluator.Values]
	// returns them (shared: do not modify); nil for a flag without values.
	Values map[string]any
}

// Explain says which variant of the flag with the given key the request
// gets, why, and with what values, evaluating (and reporting the
// exposure) on first use. It reports false for an unknown key. It does
// not allocate.
func (ev *Evaluator) Explain(key string) (Explanation, bool) {
	i, ok := ev.snap.byKey[key]
	if !ok {
		return Explanation{}, false
	}
	st := ev.load(i)
	if st == 0 {
		ev.evaluateOnce(i)
		st = ev.load(i)
	}
	v, r := unpack(st)
	if r.Kind == ReasonRule && r.Rule == ruleOverflow {
		// Too large for the memo: evaluation is deterministic for the
		// evaluator (its clock is read once), so ask it again.
		_, r = ev.evaluate(i)
	}
	f := &ev.snap.flags[i]
	x := Explanation{Variant: f.variants[v], Reason: r}
	if f.valueMaps != nil {
		x.Values = f.valueMaps[v]
	}
	return x, true
}

// Lookup returns the name of the variant the request gets of the flag
// with the given key, or "" when the snapshot has no such flag. It is the
// string-keyed twin of the generated accessors, for templates and dynamic
// code.
func (ev *Evaluator) Lookup(key string) string {
	i, ok := ev.snap.byKey[key]
	if !ok {
		return ""
	}
	return ev.snap.flags[i].variants[ev.variant(i)]
}

// Is reports whether the request gets the named variant of the flag: the
// template form of gatekeeper's ff('MY_NEW_FEATURE', 'VISIBLE'). A flag
// the snapshot lacks is no variant, not even "".
func (ev *Evaluator) Is(key, variant string) bool {
	v := ev.Lookup(key)
	return v != "" && v == variant
}

// evaluateOnce evaluates flag i and records it in the memo; when another
// goroutine recorded it first, that result wins and is returned.
func (ev *Evaluator) evaluateOnce(i int) (int, Reason) {
	v, r := ev.evaluate(i)
	if !ev.record(i, pack(v, r)) {
		return unpack(ev.load(i))
	}
	if ev.opts != nil && ev.opts.Exposure != nil {
		f := &ev.snap.flags[i]
		ev.opts.Exposure(ev, Exposure{Flag: f.key, Variant: f.variants[v], Reason: r, Subject: ev.subject.ID})
	}
	return v, r
}

// evaluate decides flag i: removed → forced by a test → kill switch →
// request override → per-user override → off → rules in order → schedule
// or rollout/split → default.
func (ev *Evaluator) evaluate(i int) (int, Reason) {
	f := &ev.snap.flags[i]
	def := int(f.def)
	if f.fixed >= 0 {
		return f.fixed, Reason{Kind: ReasonRemoved}
	}
	x := ev.rare
	if v, ok := x.forcedVariant(i, true); ok {
		return v, Reason{Kind: ReasonForced}
	}
	if x != nil && x.inert {
		return def, Reason{Kind: ReasonDefault}
	}
	if f.killed {
		return def, Reason{Kind: ReasonKilled}
	}
	if v, ok := x.forcedVariant(i, false); ok {
		return v, Reason{Kind: ReasonOverride}
	}
	if u := ev.subject.user(); f.users != nil && u != "" {
		if v, ok := f.users[u]; ok {
			return int(v), Reason{Kind: ReasonUserOverride}
		}
	}
	if f.off {
		return def, Reason{Kind: ReasonOff}
	}
	for n := range f.rules {
		r := &f.rules[n]
		if !ev.matches(r) {
			continue
		}
		if r.serve >= 0 {
			return r.serve, Reason{Kind: ReasonRule, Rule: n + 1}
		}
		if v, ok := ev.pick(f, r.split); ok {
			return v, Reason{Kind: ReasonRule, Rule: n + 1}
		}
		return def, Reason{Kind: ReasonDefault}
	}
	if f.schedule != nil {
		upper := ev.scheduled(f.schedule)
		if upper >= Buckets || upper == 0 {
			return f.boolVariant(upper > 0), Reason{Kind: ReasonSchedule}
		}
		key, ok := ev.bucketKey(f)
		if !ok {
			return def, Reason{Kind: ReasonDefault}
		}
		return f.boolVariant(bucketFrom(f.seed, key) < upper), Reason{Kind: ReasonSchedule}
	}
	if f.dist != nil {
		if v, ok := ev.pick(f, f.dist); ok {
			return v, Reason{Kind: ReasonRollout}
		}
	}
	return def, Reason{Kind: ReasonDefault}
}

// boolVariant is the number of a boolean flag's on or off: its variants
// are numbered 0 and 1, the default first.
func (f *flag) boolVariant(on bool) int {
	if on {
		return int(f.on)
	}
	return 1 - int(f.on)
}

// pick returns the variant of d for the subject's bucket. A distribution
// that gives everything to one variant needs no bucket; otherwise a
// subject with no bucketing key gets nothing.
func (ev *Evaluator) pick(f *flag, d []part) (int, bool) {
	if d[0].upper >= Buckets {
		return int(d[0].variant), true
	}
	key, ok := ev.bucketKey(f)
	if !ok {
		return 0, false
	}
	return distVariant(d, bucketFrom(f.seed, key)), true
}

// distVariant returns the variant of d for bucket b: that of the first
// part whose upper is above b, or of the last part. As uppers never
// decrease, it is the part numbered by how many parts before the last b
// is at or above; counting, which compiles without branches, costs less
// than a search whose exit a random bucket makes unpredictable.
func distVariant(d []part, b int) int {
	n := 0
	for _, p := range d[:len(d)-1] {
		if b >= int(p.upper) {
			n++
		}
	}
	return int(d[n].variant)
}

func (ev *Evaluator) bucketKey(f *flag) (string, bool) {
	if f.bucketBy == "" {
		return ev.subject.ID, ev.subject.ID != ""
	}
	v, ok := ev.subject.Attr(f.bucketBy)
	return v, ok && v != ""
}

// scheduled returns the percentage (in buckets) in force: the last stage
// that has started, or 0 before the first.
func (ev *Evaluator) scheduled(stages []stage) int {
	now := ev.clock()
	upper := 0
	for _, s := range stages {
		if s.start > now {
			break
		}
		upper = int(s.upper)
	}
	return upper
}

// clock returns the evaluator's time, reading the clock on first use.
func (ev *Evaluator) clock() int64 {
	if t := ev.now.Load(); t != 0 {
		return t
	}
	var t time.Time
	if ev.opts != nil && ev.opts.Clock != nil {
		t = ev.opts.Clock()
	} else {
		t = time.Now()
	}
	n := unixNano(t)
	if n == 0 {
		n = 1 // 0 means unread: the epoch itself is read as 1 ns after it
	}
	ev.now.CompareAndSwap(0, n)
	return ev.now.Load()
}

// matches reports whether every condition of r holds for the subject.
func (ev *Evaluator) matches(r *rule) bool {
	s := &ev.subject
	if r.users != nil {
		// The empty id is every request without a user, never a user:
		// such a request fails a users rule without a map lookup.
		u := s.user()
		if u == "" {
			return false
		}
		if _, ok := r.users[u]; !ok {
			return false
		}
	}
	if r.groups != nil && !anyShared(r.groups, s.Groups) {
		return false
	}
	for i := range r.when {
		if !r.when[i].holds(s) {
			return false
		}
	}
	return true
}

func anyShared(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// decimal reports whether s is written as a decimal number: an optional
// sign, digits with at most one point among them, and an optional
// exponent (18, -2.5, .5, 1e3). strconv.ParseFloat takes more (Inf, NaN,
// hexadecimal, underscores after a base prefix) that no attribute means
// as a number, and allocates its error for what it refuses.
func decimal(s string) bool {
	i, digits, point := 0, 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
mantissa:
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			break mantissa
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

// holds reports whether the subject's attribute satisfies c. A missing
// attribute satisfies nothing; so does a value that does not parse as the
// operator's kind (a number, a version).
func (c *condition) holds(s *Subject) bool {
	v, ok := s.Attr(c.attr)
	if !ok {
		return false
	}
	switch c.op {
	case spec.OpEquals:
		return v == c.values[0]
	case spec.OpNotEquals:
		return v != c.values[0]
	case spec.OpIn:
		return slices.Contains(c.values, v)
	case spec.OpNotIn:
		return !slices.Contains(c.values, v)
	case spec.OpLT, spec.OpLTE, spec.OpGT, spec.OpGTE:
		if !decimal(v) {
			return false
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false // out of range
		}
		switch c.op {
		case spec.OpLT:
			return n < c.number
		case spec.OpLTE:
			return n <= c.number
		case spec.OpGT:
			return n > c.number
		}
		return n >= c.number
	}
	ver, ok := semver.Parse(v)
	if !ok {
		return false
	}
	cmp := semver.Compare(ver, c.ver)
	switch c.op {
	case spec.OpSemverEq:
		return cmp == 0
	case spec.OpSemverLT:
		return cmp < 0
	case spec.OpSemverLTE:
		return cmp <= 0
	case spec.OpSemverGT:
		return cmp > 0
	}
	return cmp >= 0
}
