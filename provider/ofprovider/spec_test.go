package ofprovider_test

// One test for each requirement of the OpenFeature specification
// (https://openfeature.dev/specification) that the provider meets, named
// by its section number. Requirements on the SDK itself are the SDK's.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/provider/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
)

// Compile-time checks of 2.2.1, 2.2.2.1 and 2.2.8.1: the provider has a
// typed method for each type, taking a key, a default and a context,
// returning generic resolution details.
var (
	_ func(context.Context, string, bool, openfeature.FlattenedContext) openfeature.GenericResolutionDetail[bool]       = (*ofprovider.Provider)(nil).BooleanEvaluation
	_ func(context.Context, string, string, openfeature.FlattenedContext) openfeature.GenericResolutionDetail[string]   = (*ofprovider.Provider)(nil).StringEvaluation
	_ func(context.Context, string, int64, openfeature.FlattenedContext) openfeature.GenericResolutionDetail[int64]     = (*ofprovider.Provider)(nil).IntEvaluation
	_ func(context.Context, string, float64, openfeature.FlattenedContext) openfeature.GenericResolutionDetail[float64] = (*ofprovider.Provider)(nil).FloatEvaluation
	_ func(context.Context, string, any, openfeature.FlattenedContext) openfeature.GenericResolutionDetail[any]         = (*ofprovider.Provider)(nil).ObjectEvaluation
)

// TestSpec_2_1_1_MetadataName registers the provider as the global
// default, as an application does, and reads its name back. It sets the
// SDK's global state, so it does not run in parallel.
func TestSpec_2_1_1_MetadataName(t *testing.T) {
	p := ofprovider.New(newSet(t), ofprovider.Options{})
	if err := openfeature.SetProviderAndWait(p); err != nil {
		t.Fatal(err)
	}
	defer openfeature.Shutdown()
	if got := openfeature.ProviderMetadata().Name; got != "flaggen" {
		t.Errorf("provider name %q, want flaggen", got)
	}
	c := openfeature.NewClient("spec-2.1.1")
	if v, err := c.BooleanValue(t.Context(), "gone", false, openfeature.EvaluationContext{}); err != nil || !v {
		t.Errorf("through the global API: %v, %v", v, err)
	}
}

func TestSpec_2_2_1_ResolveWithKeyDefaultAndContext(t *testing.T) {
	t.Parallel()
	p := ofprovider.New(newSet(t), ofprovider.Options{})
	r := p.BooleanEvaluation(t.Context(), "ruled", false, openfeature.FlattenedContext{openfeature.TargetingKey: "1", "groups": "beta"})
	if !r.Value || r.Reason != openfeature.TargetingMatchReason {
		t.Errorf("got %+v, want true by a rule", r)
	}
	r = p.BooleanEvaluation(t.Context(), "ruled", true, nil) // the context is optional
	if r.Value || r.Reason != openfeature.DefaultReason {
		t.Errorf("without a context: %+v, want off, DEFAULT", r)
	}
}

func TestSpec_2_2_2_1_TypedResolution(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	ctx, ec := t.Context(), user("1", nil)
	if v, err := c.BooleanValue(ctx, "gone", false, ec); err != nil || !v {
		t.Errorf("boolean: %v, %v", v, err)
	}
	if v, err := c.StringValue(ctx, "search", "", user("7", nil)); err != nil || v != "variant_b" {
		t.Errorf("string: %q, %v", v, err)
	}
	// Numbers and structures resolve from a flag's values; a flag without
	// values is a TYPE_MISMATCH.
	if _, err := c.IntValue(ctx, "search", 0, ec); err == nil {
		t.Error("integer: no error")
	}
	if _, err := c.FloatValue(ctx, "search", 0, ec); err == nil {
		t.Error("float: no error")
	}
	if _, err := c.ObjectValue(ctx, "search", nil, ec); err == nil {
		t.Error("object: no error")
	}
	vc, _ := newClient(t, ofprovider.New(newValueSet(t), ofprovider.Options{}))
	if v, err := vc.IntValue(ctx, "cart", 0, ec); err != nil || v != 3 {
		t.Errorf("integer: %d, %v", v, err)
	}
	if v, err := vc.FloatValue(ctx, "ratio", 0, ec); err != nil || v != 0.5 {
		t.Errorf("float: %v, %v", v, err)
	}
	if v, err := vc.ObjectValue(ctx, "offer", nil, ec); err != nil || v.(map[string]any)["percent"] != int64(0) {
		t.Errorf("object: %v, %v", v, err)
	}
}

// normal evaluates search for user 7 (a user override) through a client.
func normal(t *testing.T) openfeature.StringEvaluationDetails {
	t.Helper()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	d, err := c.StringValueDetails(t.Context(), "search", "x", user("7", nil))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// abnormal evaluates search as a boolean: a TYPE_MISMATCH.
func abnormal(t *testing.T) (openfeature.BooleanEvaluationDetails, error) {
	t.Helper()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	return c.BooleanValueDetails(t.Context(), "search", true, user("7", nil))
}

func TestSpec_2_2_3_ValueInNormalExecution(t *testing.T) {
	t.Parallel()
	if d := normal(t); d.Value != "variant_b" {
		t.Errorf("value %q, want variant_b", d.Value)
	}
}

func TestSpec_2_2_4_Variant(t *testing.T) {
	t.Parallel()
	if d := normal(t); d.Variant != "variant_b" {
		t.Errorf("variant %q, want variant_b", d.Variant)
	}
}

func TestSpec_2_2_5_Reason(t *testing.T) {
	t.Parallel()
	if d := normal(t); d.Reason != openfeature.TargetingMatchReason {
		t.Errorf("reason %q, want TARGETING_MATCH", d.Reason)
	}
}

func TestSpec_2_2_6_NoErrorCodeInNormalExecution(t *testing.T) {
	t.Parallel()
	if d := normal(t); d.ErrorCode != "" {
		t.Errorf("error code %q", d.ErrorCode)
	}
}

func TestSpec_2_2_7_ErrorCodeInAbnormalExecution(t *testing.T) {
	t.Parallel()
	d, err := abnormal(t)
	var re openfeature.ResolutionError
	if err == nil || !errors.As(err, &re) && !strings.Contains(err.Error(), string(openfeature.TypeMismatchCode)) {
		t.Errorf("err = %v, want a TYPE_MISMATCH error", err)
	}
	if d.ErrorCode != openfeature.TypeMismatchCode || d.Value != true {
		t.Errorf("got %+v, want TYPE_MISMATCH and the default", d)
	}
}

func TestSpec_2_2_9_FlagMetadata(t *testing.T) {
	t.Parallel()
	d := normal(t)
	if owner, err := d.FlagMetadata.GetString("owner"); err != nil || owner != "search-team" {
		t.Errorf("owner %q, %v", owner, err)
	}
	if exp, err := d.FlagMetadata.GetString("expires"); err != nil || exp != "2027-03-31" {
		t.Errorf("expires %q, %v", exp, err)
	}
}

func TestSpec_2_2_10_FlagMetadataValues(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	d, err := c.BooleanValueDetails(t.Context(), "gone", false, user("1", nil))
	if err != nil || len(d.FlagMetadata) == 0 {
		t.Fatalf("%+v, %v", d, err)
	}
	for k, v := range d.FlagMetadata {
		switch v.(type) {
		case bool, string, int64, float64:
		default:
			t.Errorf("metadata %s is a %T", k, v)
		}
	}
}

func TestSpec_2_3_1_ProviderHooks(t *testing.T) {
	t.Parallel()
	h := &recorder{}
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{Hooks: []openfeature.Hook{h}}))
	if _, err := c.BooleanValue(t.Context(), "gone", false, user("1", nil)); err != nil {
		t.Fatal(err)
	}
	if got := h.String(); got != "before after(on STATIC) finally" {
		t.Errorf("provider hook saw %q", got)
	}
}

func TestSpec_2_3_2_NoErrorMessageInNormalExecution(t *testing.T) {
	t.Parallel()
	if d := normal(t); d.ErrorMessage != "" {
		t.Errorf("error message %q", d.ErrorMessage)
	}
}

func TestSpec_2_3_3_ErrorMessageInAbnormalExecution(t *testing.T) {
	t.Parallel()
	d, _ := abnormal(t)
	if !strings.Contains(d.ErrorMessage, `"search"`) {
		t.Errorf("error message %q, want one naming the flag", d.ErrorMessage)
	}
}

func TestSpec_2_4_1_Initialize(t *testing.T) {
	t.Parallel()
	var sh openfeature.StateHandler = ofprovider.New(newSet(t), ofprovider.Options{})
	if err := sh.Init(openfeature.NewEvaluationContext("global", nil)); err != nil {
		t.Fatal(err)
	}
	sh.Shutdown()
}

func TestSpec_2_5_1_Shutdown(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	feed := live.NewFeed(set, "flags.toml", live.Options{Logger: discard})
	p := ofprovider.New(set, ofprovider.Options{Feed: feed, PollInterval: time.Millisecond})
	c, api := newClient(t, p)
	if err := api.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The poller has stopped: a stale feed is not reported.
	feed.Unreachable(errors.New("down"))
	time.Sleep(20 * time.Millisecond)
	select {
	case e := <-p.EventChannel():
		t.Errorf("event after shutdown: %+v", e)
	default:
	}
	_ = c
}

// TestSpec_2_5_2_ShutdownRevertsToUninitialized: after Shutdown the
// provider is as New left it (the Go SDK keeps the state itself), and
// can be initialized again.
func TestSpec_2_5_2_ShutdownRevertsToUninitialized(t *testing.T) {
	t.Parallel()
	p := ofprovider.New(newSet(t), ofprovider.Options{})
	_, api := newClient(t, p)
	if err := api.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := api.SetProviderAndWait(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if v, err := api.NewClient().BooleanValue(t.Context(), "gone", false, user("1", nil)); err != nil || !v {
		t.Errorf("after re-initialization: %v, %v", v, err)
	}
}

func TestSpec_5_1_1_ProviderEvents(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	p := ofprovider.New(set, ofprovider.Options{PollInterval: time.Millisecond})
	feed := live.NewFeed(set, "flags.toml", p.LiveOptions(live.Options{Logger: discard}))
	p.Watch(feed)
	if err := p.Init(openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown()
	recv := func() openfeature.Event {
		t.Helper()
		select {
		case e := <-p.EventChannel():
			if e.ProviderName != "flaggen" {
				t.Errorf("event from %q", e.ProviderName)
			}
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no event")
		}
		panic("unreachable")
	}
	if _, err := feed.Apply("flags.toml", []byte(strings.Replace(testFlags, "killed = true", "killed = false", 1)), ""); err != nil {
		t.Fatal(err)
	}
	if e := recv(); e.EventType != openfeature.ProviderConfigChange {
		t.Errorf("after a change: %s", e.EventType)
	}
	feed.Fail(errors.New("cannot read"))
	if e := recv(); e.EventType != openfeature.ProviderError {
		t.Errorf("after a failure: %s", e.EventType)
	}
	feed.Unreachable(errors.New("down"))
	feed.Checked()
	// A document ends the failure: READY, or a configuration change
	// (which the SDK takes for READY).
	if _, err := feed.Apply("flags.toml", []byte(testFlags), ""); err != nil {
		t.Fatal(err)
	}
	if e := recv(); e.EventType != openfeature.ProviderConfigChange && e.EventType != openfeature.ProviderReady {
		t.Errorf("after a good document: %s", e.EventType)
	}
	feed.Unreachable(errors.New("down"))
	for {
		if e := recv(); e.EventType == openfeature.ProviderStale {
			break
		}
	}
}

func TestSpec_5_1_4_ErrorEventMessage(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	p := ofprovider.New(set, ofprovider.Options{})
	feed := live.NewFeed(set, "flags.toml", p.LiveOptions(live.Options{Logger: discard}))
	p.Watch(feed)
	if err := p.Init(openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown()
	feed.Fail(errors.New("permission denied"))
	e := <-p.EventChannel()
	if e.EventType != openfeature.ProviderError || !strings.Contains(e.Message, "permission denied") {
		t.Errorf("%s %q, want PROVIDER_ERROR with the error", e.EventType, e.Message)
	}
}

func TestSpec_5_2_3_EventProviderName(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	p := ofprovider.New(set, ofprovider.Options{})
	c, _ := newClient(t, p)
	got := make(chan string, 1)
	h := func(d openfeature.EventDetails) { got <- d.ProviderName }
	c.AddHandler(openfeature.ProviderConfigChange, &h)
	feed := live.NewFeed(set, "flags.toml", p.LiveOptions(live.Options{Logger: discard}))
	if _, err := feed.Apply("flags.toml", []byte(strings.Replace(testFlags, "killed = true", "killed = false", 1)), ""); err != nil {
		t.Fatal(err)
	}
	select {
	case name := <-got:
		if name != "flaggen" {
			t.Errorf("provider name %q", name)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
}

func TestSpec_5_3_1_ReadyAfterInitialize(t *testing.T) {
	t.Parallel()
	ready := make(chan struct{}, 1)
	h := func(openfeature.EventDetails) { ready <- struct{}{} }
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	c.AddHandler(openfeature.ProviderReady, &h) // attached after: runs at once (5.3.3)
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		t.Fatal("PROVIDER_READY handler did not run")
	}
}
