package ofprovider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/runtime"
	"github.com/open-feature/go-sdk/openfeature"
)

// Name is the provider's name, as Provider.Metadata reports it and as
// its events carry it.
const Name = "flaggen"

// The keys of the flag metadata a resolution carries; a key is present
// only when the flag sets it.
const (
	MetaOwner      = "owner"      // the owning team
	MetaExpires    = "expires"    // YYYY-MM-DD
	MetaDeprecated = "deprecated" // the deprecation message
	MetaRemoved    = "removed"    // the removal date, YYYY-MM-DD
	MetaSettled    = "settled"    // the variant a settled flag serves to everyone
)

// DefaultGroupsKey is the evaluation context attribute that holds the
// subject's groups when Options.GroupsKey is empty.
const DefaultGroupsKey = "groups"

// DefaultPollInterval is how often the provider reads its feed's status
// when Options.PollInterval is zero.
const DefaultPollInterval = time.Second

// Options configure a Provider. The zero value works.
type Options struct {
	// GroupsKey names the evaluation context attribute that holds the
	// subject's groups: a []string, a []any of strings, or a
	// comma-separated string. Empty means DefaultGroupsKey.
	GroupsKey string
	// Runtime configures the evaluators the provider builds for
	// evaluations whose context carries none (an exposure hook, a clock
	// for schedules). Nil means defaults. It must not be changed after
	// New.
	Runtime *runtime.Options
	// Feed, when not nil, is the live source whose status the provider
	// reports as events while it is initialized (see Provider.Watch).
	Feed *live.Feed
	// PollInterval is how often the feed's status is read; zero means
	// DefaultPollInterval.
	PollInterval time.Duration
	// Hooks are the provider hooks (OpenFeature's provider hook
	// mechanism) that Provider.Hooks returns; none by default.
	Hooks []openfeature.Hook
	// OmitFlagMetadata leaves the flag metadata (see "Flag metadata" in
	// the package documentation) out of every resolution. The SDK copies
	// a resolution's metadata map on every evaluation, even for
	// BooleanValue and the other calls that return only the value: an
	// app that never reads EvaluationDetails.FlagMetadata saves that
	// copy, about a fifth of a call (see BenchmarkBooleanValue).
	OmitFlagMetadata bool
}

// A Provider is an OpenFeature provider that serves a flaggen Set. It is
// safe for concurrent use.
type Provider struct {
	set       *runtime.Set
	groupsKey string
	evalOpts  *runtime.Options
	probeOpts *runtime.Options // evalOpts without the exposure hook
	interval  time.Duration
	hooks     []openfeature.Hook
	noMeta    bool // Options.OmitFlagMetadata

	// table describes the flags of the snapshot evaluated last.
	table atomic.Pointer[flagTable]

	feed   atomic.Pointer[live.Feed]
	events chan openfeature.Event

	mu       sync.Mutex    // guards the fields below
	stop     chan struct{} // closed by Shutdown; nil while not initialized
	done     chan struct{} // closed when the poller has stopped
	reported live.State    // the state last reported: Ready, Stale or Failing
}

// Interfaces the SDK looks for.
var (
	_ openfeature.FeatureProvider = (*Provider)(nil)
	_ openfeature.StateHandler    = (*Provider)(nil)
	_ openfeature.EventHandler    = (*Provider)(nil)
)

// eventBuffer is the capacity of the event channel. The SDK drains it
// continuously once the provider is registered; an event sent while it
// is full is dropped rather than blocking a live source.
const eventBuffer = 64

// New returns a provider serving set. It panics on a nil set, a mistake
// in the program that would otherwise surface at the first evaluation.
func New(set *runtime.Set, opts Options) *Provider {
	if set == nil {
		panic("ofprovider: New with a nil set")
	}
	p := &Provider{
		set:       set,
		groupsKey: opts.GroupsKey,
		evalOpts:  opts.Runtime,
		interval:  opts.PollInterval,
		hooks:     opts.Hooks,
		noMeta:    opts.OmitFlagMetadata,
		events:    make(chan openfeature.Event, eventBuffer),
		reported:  live.Ready,
	}
	if p.groupsKey == "" {
		p.groupsKey = DefaultGroupsKey
	}
	if p.interval <= 0 {
		p.interval = DefaultPollInterval
	}
	if opts.Runtime != nil && opts.Runtime.Clock != nil {
		p.probeOpts = &runtime.Options{Clock: opts.Runtime.Clock}
	}
	if opts.Feed != nil {
		p.feed.Store(opts.Feed)
	}
	return p
}

// Metadata returns the provider's name, "flaggen".
func (p *Provider) Metadata() openfeature.Metadata {
	return openfeature.Metadata{Name: Name}
}

// Hooks returns Options.Hooks.
func (p *Provider) Hooks() []openfeature.Hook { return p.hooks }

// BooleanEvaluation resolves a flag whose only value is a boolean to
// that value, and any other boolean flag to true for "on", false for
// "off". Other flags are a TYPE_MISMATCH.
func (p *Provider) BooleanEvaluation(ctx context.Context, flag string, defaultValue bool, flatCtx openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	r, ev, info := p.resolve(ctx, flag, flatCtx, kindBool)
	if r.Reason == openfeature.ErrorReason {
		return openfeature.BoolResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
	}
	if info.single == kindBool {
		v, ok := ev.Bool(flag, info.value)
		if !ok {
			return openfeature.BoolResolutionDetail{Value: defaultValue, ProviderResolutionDetail: info.lost()}
		}
		return openfeature.BoolResolutionDetail{Value: v, ProviderResolutionDetail: r}
	}
	return openfeature.BoolResolutionDetail{Value: r.Variant == "on", ProviderResolutionDetail: r}
}

// StringEvaluation resolves a flag whose only value is a string to that
// value, and any other flag to the name of the variant served: "on" or
// "off" for a boolean flag.
func (p *Provider) StringEvaluation(ctx context.Context, flag string, defaultValue string, flatCtx openfeature.FlattenedContext) openfeature.StringResolutionDetail {
	r, ev, info := p.resolve(ctx, flag, flatCtx, kindString)
	if r.Reason == openfeature.ErrorReason {
		return openfeature.StringResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
	}
	if info.single == kindString {
		v, ok := ev.String(flag, info.value)
		if !ok {
			return openfeature.StringResolutionDetail{Value: defaultValue, ProviderResolutionDetail: info.lost()}
		}
		return openfeature.StringResolutionDetail{Value: v, ProviderResolutionDetail: r}
	}
	return openfeature.StringResolutionDetail{Value: r.Variant, ProviderResolutionDetail: r}
}

// FloatEvaluation resolves a flag whose only value is a float, or an
// integer (converted), to the served variant's value. Other flags are a
// TYPE_MISMATCH, an unknown key FLAG_NOT_FOUND.
func (p *Provider) FloatEvaluation(ctx context.Context, flag string, defaultValue float64, flatCtx openfeature.FlattenedContext) openfeature.FloatResolutionDetail {
	r, ev, info := p.resolve(ctx, flag, flatCtx, kindFloat)
	if r.Reason == openfeature.ErrorReason {
		return openfeature.FloatResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
	}
	var v float64
	var ok bool
	if info.single == kindInt {
		var i int64
		i, ok = ev.Int(flag, info.value)
		v = float64(i)
	} else {
		v, ok = ev.Float(flag, info.value)
	}
	if !ok {
		return openfeature.FloatResolutionDetail{Value: defaultValue, ProviderResolutionDetail: info.lost()}
	}
	return openfeature.FloatResolutionDetail{Value: v, ProviderResolutionDetail: r}
}

// IntEvaluation resolves a flag whose only value is an integer to the
// served variant's value. Other flags (a float value included) are a
// TYPE_MISMATCH, an unknown key FLAG_NOT_FOUND.
func (p *Provider) IntEvaluation(ctx context.Context, flag string, defaultValue int64, flatCtx openfeature.FlattenedContext) openfeature.IntResolutionDetail {
	r, ev, info := p.resolve(ctx, flag, flatCtx, kindInt)
	if r.Reason == openfeature.ErrorReason {
		return openfeature.IntResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
	}
	v, ok := ev.Int(flag, info.value)
	if !ok {
		return openfeature.IntResolutionDetail{Value: defaultValue, ProviderResolutionDetail: info.lost()}
	}
	return openfeature.IntResolutionDetail{Value: v, ProviderResolutionDetail: r}
}

// ObjectEvaluation resolves a flag with values to a map[string]any: the
// served variant's object when the flag's only value is an object, else
// its values by name (one entry for a single scalar value). The map, and
// every object in it, is the caller's own. A flag without values is a
// TYPE_MISMATCH, an unknown key FLAG_NOT_FOUND.
func (p *Provider) ObjectEvaluation(ctx context.Context, flag string, defaultValue any, flatCtx openfeature.FlattenedContext) openfeature.InterfaceResolutionDetail {
	r, ev, info := p.resolve(ctx, flag, flatCtx, kindObject)
	if r.Reason == openfeature.ErrorReason {
		return openfeature.InterfaceResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
	}
	var out map[string]any
	if info.value != "" {
		v, ok := ev.ValueOf(flag, info.value)
		if !ok {
			return openfeature.InterfaceResolutionDetail{Value: defaultValue, ProviderResolutionDetail: info.lost()}
		}
		if obj, isObj := v.(map[string]any); isObj && info.single == kindObject {
			out = maps.Clone(obj)
		} else {
			out = map[string]any{info.value: v}
		}
	} else {
		// The snapshot's own map, shared by every request: the caller
		// gets a copy, and copies of the objects in it.
		values := ev.Values(flag)
		if values == nil {
			return openfeature.InterfaceResolutionDetail{Value: defaultValue, ProviderResolutionDetail: info.lost()}
		}
		out = make(map[string]any, len(values))
		for name, v := range values {
			if obj, isObj := v.(map[string]any); isObj {
				v = maps.Clone(obj)
			}
			out[name] = v
		}
	}
	return openfeature.InterfaceResolutionDetail{Value: out, ProviderResolutionDetail: r}
}

// kind is the type an evaluation asks for.
type kind uint8

const (
	kindBool kind = iota
	kindString
	kindInt
	kindFloat
	kindObject
	kindNone // no evaluation: a flag without a single value
)

func (k kind) String() string {
	return [...]string{"boolean", "string", "integer", "float", "object", "none"}[k]
}

// article is k with its indefinite article: "an integer".
func (k kind) article() string {
	return [...]string{"a boolean", "a string", "an integer", "a float", "an object", "no value"}[k]
}

// resolve evaluates flag for an evaluation of kind k, and returns the
// evaluator, which has evaluated the flag, and the flag's description.
// Its Reason is ErrorReason exactly when it failed; the variant is then
// "", and the evaluator and description may be nil.
func (p *Provider) resolve(ctx context.Context, flag string, flat openfeature.FlattenedContext, k kind) (openfeature.ProviderResolutionDetail, *runtime.Evaluator, *flagInfo) {
	if ctx == nil {
		ctx = context.Background()
	}
	ev, fromCtx := p.set.Evaluator(ctx)
	var subject runtime.Subject
	if !fromCtx {
		subject = p.subject(flat)
		ev = p.set.NewEvaluator(ctx, subject, p.evalOpts)
	}
	info := p.info(ev.Snapshot(), flag)
	if info == nil {
		return failed(openfeature.NewFlagNotFoundResolutionError(fmt.Sprintf("flag %q not found", flag))), nil, nil
	}
	if !info.serves(k) {
		return failed(openfeature.NewTypeMismatchResolutionError(info.mismatch(k))), nil, nil
	}
	x, _ := ev.Explain(flag)
	variant, why := x.Variant, x.Reason
	if why.Kind == runtime.ReasonDefault && !fromCtx && subject.ID == "" && info.bucketed && p.needsBucket(ctx, subject, flag) {
		return failed(openfeature.NewTargetingKeyMissingResolutionError(
			fmt.Sprintf("flag %q is decided by a user's bucket: the evaluation context needs a targeting key", flag))), nil, nil
	}
	d := openfeature.ProviderResolutionDetail{
		Reason:  info.reason(why, variant, p.now),
		Variant: variant,
	}
	if !p.noMeta {
		d.FlagMetadata = info.meta
	}
	return d, ev, info
}

func failed(err openfeature.ResolutionError) openfeature.ProviderResolutionDetail {
	return openfeature.ProviderResolutionDetail{ResolutionError: err, Reason: openfeature.ErrorReason}
}

// needsBucket reports whether a subject with an id would have been
// decided otherwise than by default: whether the flag's rollout, split or
// schedule needed the targeting key that the subject lacks. It asks a
// second evaluator, with a stand-in id and no exposure hook, so only
// evaluations that already fell to the default pay for it.
func (p *Provider) needsBucket(ctx context.Context, s runtime.Subject, flag string) bool {
	s.ID = "\x00ofprovider-probe"
	x, _ := p.set.NewEvaluator(ctx, s, p.probeOpts).Explain(flag)
	why := x.Reason
	return why.Kind != runtime.ReasonDefault
}

// now is the time settled schedules are judged at.
func (p *Provider) now() time.Time {
	if p.evalOpts != nil && p.evalOpts.Clock != nil {
		return p.evalOpts.Clock()
	}
	return time.Now()
}

// A flagTable describes the flags of one snapshot for the provider.
type flagTable struct {
	snap  *runtime.Snapshot
	flags map[string]*flagInfo
}

// flagInfo is what the provider needs of a flag beyond its evaluation.
type flagInfo struct {
	key  string
	bool bool
	// values names the flag's values, in declaration order; value is
	// the only one, and single its kind, when there is exactly one
	// (value "" and single kindNone otherwise).
	values []string
	value  string
	single kind
	// meta is shared by every resolution of the flag: the SDK copies it
	// into the evaluation details it returns.
	meta openfeature.FlagMetadata
	// bucketed: a rollout, split or schedule may need the subject's id.
	bucketed bool
	// settled is the variant a settled flag serves to everyone, from
	// settledFrom on (zero: always).
	settled     string
	settledFrom time.Time
}

// info returns the description of flag in snap, or nil when snap has no
// such flag. The table of the snapshot in force is built once and kept.
func (p *Provider) info(snap *runtime.Snapshot, flag string) *flagInfo {
	if t := p.table.Load(); t != nil && t.snap == snap {
		return t.flags[flag]
	}
	if snap != p.set.Snapshot() {
		// A request that began before a live update: describe the one
		// flag, and keep the table of the snapshot in force.
		f, ok := snap.Flag(flag)
		if !ok {
			return nil
		}
		return describe(&f)
	}
	keys := snap.Keys()
	t := &flagTable{snap: snap, flags: make(map[string]*flagInfo, len(keys))}
	for _, k := range keys {
		if f, ok := snap.Flag(k); ok {
			t.flags[k] = describe(&f)
		}
	}
	p.table.Store(t)
	return t.flags[flag]
}

func describe(f *flagmeta.Flag) *flagInfo {
	info := &flagInfo{key: f.Key, bool: f.Bool, settled: f.Settled, meta: openfeature.FlagMetadata{}, single: kindNone}
	for _, v := range f.Values {
		info.values = append(info.values, v.Name)
	}
	if len(f.Values) == 1 {
		info.value, info.single = f.Values[0].Name, valueKind(f.Values[0].Type)
	}
	for _, kv := range [...]struct{ k, v string }{
		{MetaOwner, f.Owner},
		{MetaExpires, f.Expires},
		{MetaDeprecated, f.Deprecated},
		{MetaRemoved, f.Removed},
		{MetaSettled, f.Settled},
	} {
		if kv.v != "" {
			info.meta[kv.k] = kv.v
		}
	}
	info.bucketed = f.BucketBy == "" && (len(f.Rollout) > 0 || len(f.Schedule) > 0 ||
		slices.ContainsFunc(f.Rules, func(r flagmeta.Rule) bool { return len(r.Split) > 0 }))
	if f.Settled != "" && len(f.Schedule) > 0 {
		if t, err := time.Parse(time.RFC3339, f.Schedule[len(f.Schedule)-1].Start); err == nil {
			info.settledFrom = t
		}
	}
	return info
}

// valueKind is the kind of evaluation that reads a value of type t (a
// flagmeta.Value's Type); kindNone for a type it does not know.
func valueKind(t string) kind {
	switch t {
	case "bool":
		return kindBool
	case "string":
		return kindString
	case "int":
		return kindInt
	case "float":
		return kindFloat
	case "object":
		return kindObject
	}
	return kindNone
}

// serves reports whether an evaluation of kind k can be answered from
// the flag (see the package documentation's table).
func (f *flagInfo) serves(k kind) bool {
	switch k {
	case kindString:
		return true
	case kindBool:
		return f.bool || f.single == kindBool
	case kindInt:
		return f.single == kindInt
	case kindFloat:
		return f.single == kindFloat || f.single == kindInt
	case kindObject:
		return len(f.values) > 0
	}
	return false
}

// mismatch explains why an evaluation of kind k is a TYPE_MISMATCH, and
// names the kinds the flag serves.
func (f *flagInfo) mismatch(k kind) string {
	var as []string
	for _, s := range [...]kind{kindBool, kindInt, kindFloat, kindString, kindObject} {
		if f.serves(s) {
			as = append(as, s.article())
		}
	}
	serves := as[len(as)-1]
	if len(as) > 1 {
		serves = strings.Join(as[:len(as)-1], ", ") + " or " + serves
	}
	switch {
	case len(f.values) > 1:
		return fmt.Sprintf("flag %q has %d values (%s), not one %s value: evaluate it as %s", f.key, len(f.values), strings.Join(f.values, ", "), k, serves)
	case len(f.values) == 1:
		return fmt.Sprintf("flag %q has one value, %q, %s, not %s: evaluate it as %s", f.key, f.value, f.single.article(), k.article(), serves)
	case k == kindBool:
		return fmt.Sprintf("flag %q has named variants, not on and off: evaluate it as %s", f.key, serves)
	}
	return fmt.Sprintf("flag %q has no %s value: evaluate it as %s", f.key, k, serves)
}

// lost is the error of a value that the flag's description promises
// but the evaluator does not find: a flag whose values changed type
// between the description and the evaluation, which the runtime does
// not allow.
func (f *flagInfo) lost() openfeature.ProviderResolutionDetail {
	return failed(openfeature.NewGeneralResolutionError(fmt.Sprintf("flag %q: its value is missing from the snapshot evaluated", f.key)))
}

// reason maps flaggen's reason for serving variant to OpenFeature's (see
// the package documentation's table).
func (f *flagInfo) reason(r runtime.Reason, variant string, now func() time.Time) openfeature.Reason {
	switch r.Kind {
	case runtime.ReasonRule, runtime.ReasonUserOverride, runtime.ReasonOverride:
		return openfeature.TargetingMatchReason
	case runtime.ReasonRollout, runtime.ReasonSchedule:
		if f.settled != "" && variant == f.settled && (f.settledFrom.IsZero() || !now().Before(f.settledFrom)) {
			return openfeature.StaticReason
		}
		return openfeature.SplitReason
	case runtime.ReasonOff, runtime.ReasonKilled:
		return openfeature.DisabledReason
	case runtime.ReasonRemoved, runtime.ReasonForced:
		return openfeature.StaticReason
	case runtime.ReasonDefault:
		return openfeature.DefaultReason
	}
	return openfeature.UnknownReason
}
