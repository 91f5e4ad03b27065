package ofprovider

import (
	"context"
	"fmt"
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

// BooleanEvaluation resolves a boolean flag: true for "on", false for
// "off". A flag with named variants is a TYPE_MISMATCH.
func (p *Provider) BooleanEvaluation(ctx context.Context, flag string, defaultValue bool, flatCtx openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	r := p.resolve(ctx, flag, flatCtx, kindBool)
	if r.Reason == openfeature.ErrorReason {
		return openfeature.BoolResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
	}
	return openfeature.BoolResolutionDetail{Value: r.Variant == "on", ProviderResolutionDetail: r}
}

// StringEvaluation resolves any flag to the name of the variant served:
// "on" or "off" for a boolean flag.
func (p *Provider) StringEvaluation(ctx context.Context, flag string, defaultValue string, flatCtx openfeature.FlattenedContext) openfeature.StringResolutionDetail {
	r := p.resolve(ctx, flag, flatCtx, kindString)
	if r.Reason == openfeature.ErrorReason {
		return openfeature.StringResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
	}
	return openfeature.StringResolutionDetail{Value: r.Variant, ProviderResolutionDetail: r}
}

// FloatEvaluation answers TYPE_MISMATCH for every flag flaggen declares
// today (FLAG_NOT_FOUND for an unknown key): no variant carries a number
// yet.
func (p *Provider) FloatEvaluation(ctx context.Context, flag string, defaultValue float64, flatCtx openfeature.FlattenedContext) openfeature.FloatResolutionDetail {
	r := p.resolve(ctx, flag, flatCtx, kindFloat)
	return openfeature.FloatResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
}

// IntEvaluation answers TYPE_MISMATCH for every flag flaggen declares
// today (FLAG_NOT_FOUND for an unknown key): no variant carries a number
// yet.
func (p *Provider) IntEvaluation(ctx context.Context, flag string, defaultValue int64, flatCtx openfeature.FlattenedContext) openfeature.IntResolutionDetail {
	r := p.resolve(ctx, flag, flatCtx, kindInt)
	return openfeature.IntResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
}

// ObjectEvaluation answers TYPE_MISMATCH for every flag flaggen declares
// today (FLAG_NOT_FOUND for an unknown key): no variant carries an
// object yet.
func (p *Provider) ObjectEvaluation(ctx context.Context, flag string, defaultValue any, flatCtx openfeature.FlattenedContext) openfeature.InterfaceResolutionDetail {
	r := p.resolve(ctx, flag, flatCtx, kindObject)
	return openfeature.InterfaceResolutionDetail{Value: defaultValue, ProviderResolutionDetail: r}
}

// kind is the type an evaluation asks for.
type kind uint8

const (
	kindBool kind = iota
	kindString
	kindInt
	kindFloat
	kindObject
)

func (k kind) String() string {
	return [...]string{"boolean", "string", "integer", "float", "object"}[k]
}

// resolve evaluates flag for an evaluation of kind k. Its Reason is
// ErrorReason exactly when it failed; the variant is then "".
func (p *Provider) resolve(ctx context.Context, flag string, flat openfeature.FlattenedContext, k kind) openfeature.ProviderResolutionDetail {
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
		return failed(openfeature.NewFlagNotFoundResolutionError(fmt.Sprintf("flag %q not found", flag)))
	}
	if !info.serves(k) {
		return failed(openfeature.NewTypeMismatchResolutionError(info.mismatch(k)))
	}
	variant, why, _ := ev.Explain(flag)
	if why.Kind == runtime.ReasonDefault && !fromCtx && subject.ID == "" && info.bucketed && p.needsBucket(ctx, subject, flag) {
		return failed(openfeature.NewTargetingKeyMissingResolutionError(
			fmt.Sprintf("flag %q is decided by a user's bucket: the evaluation context needs a targeting key", flag)))
	}
	return openfeature.ProviderResolutionDetail{
		Reason:       info.reason(why, variant, p.now),
		Variant:      variant,
		FlagMetadata: info.meta,
	}
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
	_, why, _ := p.set.NewEvaluator(ctx, s, p.probeOpts).Explain(flag)
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
	info := &flagInfo{key: f.Key, bool: f.Bool, settled: f.Settled, meta: openfeature.FlagMetadata{}}
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
	info.bucketed = f.BucketBy == "" && (len(f.Rollout) > 0 || len(f.Schedule) > 0)
	for _, r := range f.Rules {
		if len(r.Split) > 0 && f.BucketBy == "" {
			info.bucketed = true
		}
	}
	if f.Settled != "" && len(f.Schedule) > 0 {
		if t, err := time.Parse(time.RFC3339, f.Schedule[len(f.Schedule)-1].Start); err == nil {
			info.settledFrom = t
		}
	}
	return info
}

// serves reports whether an evaluation of kind k can be answered from
// the flag. Typed variant values will add the kinds of their values.
func (f *flagInfo) serves(k kind) bool {
	switch k {
	case kindString:
		return true
	case kindBool:
		return f.bool
	}
	return false
}

func (f *flagInfo) mismatch(k kind) string {
	if k == kindBool {
		return fmt.Sprintf("flag %q has named variants, not on and off: evaluate it as a string", f.key)
	}
	as := "a string"
	if f.bool {
		as = "a boolean or a string"
	}
	return fmt.Sprintf("flag %q has no %s value: evaluate it as %s", f.key, k, as)
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
