package ofprovider_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/provider/ofprovider"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"
)

// testFlags has a flag for each of flaggen's reasons.
const testFlags = `
[flags.plain]
description = "No targeting: off for everyone by default."
owner = "team-a"
expires = 2027-01-31

[flags.ruled]
description = "On for the beta group and for pro plans."
owner = "team-a"
expires = 2027-01-31
[[flags.ruled.rules]]
groups = ["beta"]
serve = "on"
[[flags.ruled.rules]]
when = [{ attribute = "plan", op = "equals", value = "pro" }]
serve = "on"

[flags.ramp]
description = "Half of the users."
owner = "team-a"
expires = 2027-01-31
rollout = 50

[flags.by_account]
description = "Half of the accounts."
owner = "team-a"
expires = 2027-01-31
rollout = 50
bucket_by = "account"

[flags.ramp_schedule]
description = "A schedule half-way."
owner = "team-a"
expires = 2027-01-31
[[flags.ramp_schedule.schedule]]
start = 2020-01-01T00:00:00Z
percent = 50

[flags.switched_off]
description = "Switched off."
owner = "team-a"
expires = 2027-01-31
enabled = false
rollout = 100

[flags.killed]
description = "Killed."
owner = "team-a"
expires = 2027-01-31
killed = true
rollout = 100

[flags.gone]
description = "Removed."
owner = "team-a"
expires = 2027-01-31
deprecated = "use plain"
removed = { date = 2026-01-01, serve = "on" }

[flags.done]
description = "Settled: on for everyone."
owner = "team-a"
expires = 2027-01-31
rollout = 100

[flags.search]
description = "Ranking experiment."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 50, variant_a = 25, variant_b = 25 }
[[flags.search.rules]]
groups = ["employees"]
serve = "variant_a"
[flags.search.overrides]
variant_b = ["7"]
`

type testPackage struct{}

var discard = slog.New(slog.DiscardHandler)

// newSet returns a fresh set compiled from testFlags.
func newSet(t testing.TB) *runtime.Set {
	t.Helper()
	return compile(t, testFlags)
}

// compile returns a fresh set compiled from src, a flags.toml.
func compile(t testing.TB, src string) *runtime.Set {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return flagimpl.New[testPackage](f.Meta()).Set()
}

// newClient registers p with a fresh isolated API, waits until it is
// ready, and returns a client and the API.
func newClient(t testing.TB, p openfeature.FeatureProvider) (*openfeature.Client, *openfeature.EvaluationAPI) {
	t.Helper()
	api := isolated.NewAPI()
	t.Cleanup(func() { _ = api.Shutdown(context.Background()) })
	if err := api.SetProviderAndWait(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	return api.NewClient(), api
}

func user(id string, attrs map[string]any) openfeature.EvaluationContext {
	return openfeature.NewEvaluationContext(id, attrs)
}

func TestBoolean(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	tests := []struct {
		name    string
		flag    string
		ec      openfeature.EvaluationContext
		def     bool
		want    bool
		reason  openfeature.Reason
		variant string
		code    openfeature.ErrorCode
	}{
		{"default", "plain", user("1", nil), true, false, openfeature.DefaultReason, "off", ""},
		{"rule by group", "ruled", user("1", map[string]any{"groups": []string{"beta"}}), false, true, openfeature.TargetingMatchReason, "on", ""},
		{"rule by group, []any", "ruled", user("1", map[string]any{"groups": []any{"x", "beta"}}), false, true, openfeature.TargetingMatchReason, "on", ""},
		{"rule by group, comma-separated", "ruled", user("1", map[string]any{"groups": "x, beta"}), false, true, openfeature.TargetingMatchReason, "on", ""},
		{"rule by attribute", "ruled", user("1", map[string]any{"plan": "pro"}), false, true, openfeature.TargetingMatchReason, "on", ""},
		{"rule without targeting key", "ruled", openfeature.NewTargetlessEvaluationContext(map[string]any{"groups": "beta"}), false, true, openfeature.TargetingMatchReason, "on", ""},
		{"no rule", "ruled", user("1", map[string]any{"plan": "free"}), true, false, openfeature.DefaultReason, "off", ""},
		{"rollout", "ramp", user("1", nil), true, rampOn("1"), openfeature.SplitReason, onOff(rampOn("1")), ""},
		{"schedule", "ramp_schedule", user("1", nil), true, scheduleOn("1"), openfeature.SplitReason, onOff(scheduleOn("1")), ""},
		{"off", "switched_off", user("1", nil), true, false, openfeature.DisabledReason, "off", ""},
		{"killed", "killed", user("1", nil), true, false, openfeature.DisabledReason, "off", ""},
		{"removed", "gone", user("1", nil), false, true, openfeature.StaticReason, "on", ""},
		{"settled", "done", user("1", nil), false, true, openfeature.StaticReason, "on", ""},
		{"settled without targeting key", "done", openfeature.EvaluationContext{}, false, true, openfeature.StaticReason, "on", ""},
		{"unknown flag", "nope", user("1", nil), true, true, openfeature.ErrorReason, "", openfeature.FlagNotFoundCode},
		{"variants", "search", user("1", nil), true, true, openfeature.ErrorReason, "", openfeature.TypeMismatchCode},
		{"rollout without targeting key", "ramp", openfeature.EvaluationContext{}, true, true, openfeature.ErrorReason, "", openfeature.TargetingKeyMissingCode},
		{"schedule without targeting key", "ramp_schedule", openfeature.EvaluationContext{}, true, true, openfeature.ErrorReason, "", openfeature.TargetingKeyMissingCode},
		// bucket_by buckets by an attribute, not the targeting key: a
		// missing attribute serves the default.
		{"bucket_by without the attribute", "by_account", openfeature.EvaluationContext{}, true, false, openfeature.DefaultReason, "off", ""},
		{"bucket_by", "by_account", openfeature.NewTargetlessEvaluationContext(map[string]any{"account": 12}), true, accountOn("12"), openfeature.SplitReason, onOff(accountOn("12")), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.BooleanValueDetails(t.Context(), tt.flag, tt.def, tt.ec)
			if (err != nil) != (tt.code != "") {
				t.Errorf("err = %v, want code %q", err, tt.code)
			}
			if got.Value != tt.want || got.Reason != tt.reason || got.Variant != tt.variant || got.ErrorCode != tt.code {
				t.Errorf("got value %v, reason %s, variant %q, code %q; want %v, %s, %q, %q",
					got.Value, got.Reason, got.Variant, got.ErrorCode, tt.want, tt.reason, tt.variant, tt.code)
			}
			if tt.code != "" && got.ErrorMessage == "" {
				t.Errorf("error %s without a message", tt.code)
			}
		})
	}
}

// rampOn, scheduleOn and accountOn compute, with the documented bucket,
// whether a subject gets on in the 50% flags.
func rampOn(id string) bool     { return runtime.Bucket("ramp", id) < 5000 }
func scheduleOn(id string) bool { return runtime.Bucket("ramp_schedule", id) < 5000 }
func accountOn(a string) bool   { return runtime.Bucket("by_account", a) < 5000 }

func onOff(on bool) string { return flagimpl.OnOff(on) }

func TestString(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	tests := []struct {
		name   string
		flag   string
		ec     openfeature.EvaluationContext
		want   string
		reason openfeature.Reason
		code   openfeature.ErrorCode
	}{
		{"split", "search", user("1", nil), splitOf("1"), openfeature.SplitReason, ""},
		{"rule", "search", user("1", map[string]any{"groups": []string{"employees"}}), "variant_a", openfeature.TargetingMatchReason, ""},
		{"user override", "search", user("7", nil), "variant_b", openfeature.TargetingMatchReason, ""},
		{"split without targeting key", "search", openfeature.EvaluationContext{}, "fallback", openfeature.ErrorReason, openfeature.TargetingKeyMissingCode},
		{"boolean flag", "gone", user("1", nil), "on", openfeature.StaticReason, ""},
		{"unknown flag", "nope", user("1", nil), "fallback", openfeature.ErrorReason, openfeature.FlagNotFoundCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.StringValueDetails(t.Context(), tt.flag, "fallback", tt.ec)
			if (err != nil) != (tt.code != "") {
				t.Errorf("err = %v, want code %q", err, tt.code)
			}
			if got.Value != tt.want || got.Reason != tt.reason || got.ErrorCode != tt.code {
				t.Errorf("got %q, %s, %q; want %q, %s, %q", got.Value, got.Reason, got.ErrorCode, tt.want, tt.reason, tt.code)
			}
			if tt.code == "" && got.Variant != got.Value {
				t.Errorf("variant %q, value %q: want the variant's name as the value", got.Variant, got.Value)
			}
		})
	}
}

// splitOf is the variant of search that id gets from the 50/25/25 split.
func splitOf(id string) string {
	switch b := runtime.Bucket("search", id); {
	case b < 5000:
		return "control"
	case b < 7500:
		return "variant_a"
	default:
		return "variant_b"
	}
}

// TestNumbersAndObjects: a flag without values has no number nor object
// to serve, so int, float and object evaluations are TYPE_MISMATCH, and an
// unknown key FLAG_NOT_FOUND. (TestValues covers flags with values.)
func TestNumbersAndObjects(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	ctx, ec := t.Context(), user("1", nil)
	for _, flag := range []string{"plain", "search"} {
		i, err := c.IntValueDetails(ctx, flag, 42, ec)
		if err == nil || i.Value != 42 || i.ErrorCode != openfeature.TypeMismatchCode || i.Reason != openfeature.ErrorReason {
			t.Errorf("IntValueDetails(%s) = %+v, %v; want 42 and TYPE_MISMATCH", flag, i, err)
		}
		f, err := c.FloatValueDetails(ctx, flag, 1.5, ec)
		if err == nil || f.Value != 1.5 || f.ErrorCode != openfeature.TypeMismatchCode {
			t.Errorf("FloatValueDetails(%s) = %+v, %v; want 1.5 and TYPE_MISMATCH", flag, f, err)
		}
		o, err := c.ObjectValueDetails(ctx, flag, "obj", ec)
		if err == nil || o.Value != "obj" || o.ErrorCode != openfeature.TypeMismatchCode {
			t.Errorf("ObjectValueDetails(%s) = %+v, %v; want obj and TYPE_MISMATCH", flag, o, err)
		}
	}
	i, err := c.IntValueDetails(ctx, "nope", 42, ec)
	if err == nil || i.Value != 42 || i.ErrorCode != openfeature.FlagNotFoundCode {
		t.Errorf("IntValueDetails(nope) = %+v, %v; want FLAG_NOT_FOUND", i, err)
	}
}

func TestMetadata(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{}))
	tests := []struct {
		flag string
		want map[string]string
	}{
		{"plain", map[string]string{"owner": "team-a", "expires": "2027-01-31"}},
		{"gone", map[string]string{"owner": "team-a", "expires": "2027-01-31", "deprecated": "use plain", "removed": "2026-01-01"}},
		{"done", map[string]string{"owner": "team-a", "expires": "2027-01-31", "settled": "on"}},
	}
	for _, tt := range tests {
		d, err := c.BooleanValueDetails(t.Context(), tt.flag, false, user("1", nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.FlagMetadata) != len(tt.want) {
			t.Errorf("%s: metadata %v, want %v", tt.flag, d.FlagMetadata, tt.want)
		}
		for k, v := range tt.want {
			if got, err := d.FlagMetadata.GetString(k); err != nil || got != v {
				t.Errorf("%s: metadata %s = %q, %v; want %q", tt.flag, k, got, err, v)
			}
		}
	}
}

// TestOmitFlagMetadata: with Options.OmitFlagMetadata, resolutions carry
// no metadata, and evaluate as before.
func TestOmitFlagMetadata(t *testing.T) {
	t.Parallel()
	p := ofprovider.New(newSet(t), ofprovider.Options{OmitFlagMetadata: true})
	c, _ := newClient(t, p)
	d, err := c.BooleanValueDetails(t.Context(), "gone", false, user("1", nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.FlagMetadata) != 0 {
		t.Errorf("metadata %v, want none", d.FlagMetadata)
	}
	if r := p.BooleanEvaluation(t.Context(), "plain", false, openfeature.FlattenedContext{openfeature.TargetingKey: "1"}); r.FlagMetadata != nil || r.Reason == openfeature.ErrorReason {
		t.Errorf("BooleanEvaluation(plain) = %+v; want a resolution without metadata", r)
	}
}

// TestRequestEvaluator: when the Go context carries the request's
// evaluator (middleware ran), the provider uses it: an OpenFeature call
// and the typed accessor agree, its subject wins over the evaluation
// context, and the exposure hook hears of the flag once.
func TestRequestEvaluator(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	var mu sync.Mutex
	exposures := map[string]int{}
	opts := &runtime.Options{Exposure: func(_ context.Context, e runtime.Exposure) {
		mu.Lock()
		exposures[e.Flag]++
		mu.Unlock()
	}}
	c, _ := newClient(t, ofprovider.New(set, ofprovider.Options{Runtime: opts}))
	req := set.NewEvaluator(t.Context(), runtime.Subject{ID: "7"}, opts)
	want := req.Lookup("search") // first evaluation: exposure
	for range 3 {
		got, err := c.StringValueDetails(req, "search", "x", user("1", map[string]any{"groups": "employees"}))
		if err != nil {
			t.Fatal(err)
		}
		if got.Value != want || got.Value != "variant_b" || got.Reason != openfeature.TargetingMatchReason {
			t.Errorf("got %q (%s), want %q, the request's (user override of 7)", got.Value, got.Reason, want)
		}
	}
	// A rollout needs no targeting key in the evaluation context: the
	// request's subject has an id.
	if d, err := c.BooleanValueDetails(req, "ramp", false, openfeature.EvaluationContext{}); err != nil || d.Value != rampOn("7") {
		t.Errorf("ramp = %+v, %v; want %v", d, err, rampOn("7"))
	}
	mu.Lock()
	if exposures["search"] != 1 || exposures["ramp"] != 1 {
		t.Errorf("exposures %v, want search and ramp once each", exposures)
	}
	mu.Unlock()

	// Without an evaluator in the context, every call is a new
	// evaluation, heard of each time.
	for range 2 {
		if _, err := c.StringValue(t.Context(), "search", "x", user("1", nil)); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if exposures["search"] != 3 {
		t.Errorf("search exposures %d, want 3", exposures["search"])
	}
}

// TestForcedAndOverride: a test-forced variant is STATIC; a request
// override TARGETING_MATCH.
func TestForcedAndOverride(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	c, _ := newClient(t, ofprovider.New(set, ofprovider.Options{}))
	req := set.NewEvaluator(t.Context(), runtime.Subject{ID: "1"}, nil)
	if !req.Override("search", "variant_b") {
		t.Fatal("Override refused")
	}
	d, _ := c.StringValueDetails(req, "search", "x", openfeature.EvaluationContext{})
	if d.Value != "variant_b" || d.Reason != openfeature.TargetingMatchReason {
		t.Errorf("override: %q, %s; want variant_b, TARGETING_MATCH", d.Value, d.Reason)
	}
}

// TestHooks: a hook of the API, the client and the invocation, and a
// provider hook, see before, after and finally around an evaluation,
// and error on a failed one.
func TestHooks(t *testing.T) {
	t.Parallel()
	providerHook := &recorder{}
	c, api := newClient(t, ofprovider.New(newSet(t), ofprovider.Options{Hooks: []openfeature.Hook{providerHook}}))
	apiHook, clientHook, callHook := &recorder{}, &recorder{}, &recorder{}
	api.AddHooks(apiHook)
	c.AddHooks(clientHook)
	if _, err := c.BooleanValue(t.Context(), "gone", false, user("1", nil), openfeature.WithHooks(callHook)); err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]*recorder{"api": apiHook, "client": clientHook, "invocation": callHook, "provider": providerHook} {
		if got := h.String(); got != "before after(on STATIC) finally" {
			t.Errorf("%s hook saw %q", name, got)
		}
		h.reset()
	}
	c.BooleanValue(t.Context(), "search", false, user("1", nil), openfeature.WithHooks(callHook))
	if got := callHook.String(); got != "before error(TYPE_MISMATCH) finally" {
		t.Errorf("failed evaluation: hook saw %q", got)
	}
}

// recorder is a hook that writes down what it sees.
type recorder struct {
	openfeature.UnimplementedHook
	mu  sync.Mutex
	log []string
}

func (r *recorder) add(s string) { r.mu.Lock(); r.log = append(r.log, s); r.mu.Unlock() }

func (r *recorder) reset() { r.mu.Lock(); r.log = nil; r.mu.Unlock() }

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.log, " ")
}

func (r *recorder) Before(context.Context, openfeature.HookContext, openfeature.HookHints) (*openfeature.EvaluationContext, error) {
	r.add("before")
	return nil, nil
}

func (r *recorder) After(_ context.Context, _ openfeature.HookContext, d openfeature.InterfaceEvaluationDetails, _ openfeature.HookHints) error {
	r.add("after(" + d.Variant + " " + string(d.Reason) + ")")
	return nil
}

func (r *recorder) Error(_ context.Context, _ openfeature.HookContext, err error, _ openfeature.HookHints) {
	code := "?"
	for _, c := range []openfeature.ErrorCode{openfeature.TypeMismatchCode, openfeature.FlagNotFoundCode, openfeature.TargetingKeyMissingCode} {
		if strings.Contains(err.Error(), string(c)) {
			code = string(c)
		}
	}
	r.add("error(" + code + ")")
}

func (r *recorder) Finally(context.Context, openfeature.HookContext, openfeature.InterfaceEvaluationDetails, openfeature.HookHints) {
	r.add("finally")
}

// TestLiveChange: a document applied to the feed whose options came from
// LiveOptions emits PROVIDER_CONFIGURATION_CHANGED with the changed keys,
// after the application's own OnChange, and evaluations see the change.
func TestLiveChange(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	p := ofprovider.New(set, ofprovider.Options{})
	c, _ := newClient(t, p)
	changed := make(chan openfeature.EventDetails, 4)
	handler := func(d openfeature.EventDetails) { changed <- d }
	c.AddHandler(openfeature.ProviderConfigChange, &handler)

	var appHeard []string
	feed := live.NewFeed(set, "test", p.LiveOptions(live.Options{
		OnChange: func(ch live.Change) {
			for _, f := range ch.Flags {
				appHeard = append(appHeard, f.Key)
			}
		},
		Logger: discard,
	}))
	doc := strings.Replace(testFlags, "rollout = 50\n\n[flags.by_account]", "rollout = 100\n\n[flags.by_account]", 1)
	doc = strings.Replace(doc, "killed = true", "killed = false", 1)
	if _, err := feed.Apply("flags.toml", []byte(doc), "v2"); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-changed:
		if d.ProviderName != "flaggen" || !slices.Equal(d.FlagChanges, []string{"ramp", "killed"}) {
			t.Errorf("event from %q with changes %v, want flaggen with [ramp killed]", d.ProviderName, d.FlagChanges)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no PROVIDER_CONFIGURATION_CHANGED")
	}
	if !slices.Equal(appHeard, []string{"ramp", "killed"}) {
		t.Errorf("the application's OnChange heard %v", appHeard)
	}
	if d, _ := c.BooleanValueDetails(t.Context(), "killed", false, user("1", nil)); !d.Value || d.Reason != openfeature.StaticReason {
		t.Errorf("killed after the update: %v %s, want true STATIC (settled)", d.Value, d.Reason)
	}
	// A document that changes no flag emits nothing.
	if _, err := feed.Apply("flags.toml", []byte("# comment\n"+doc), "v3"); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-changed:
		t.Errorf("unexpected event %+v", d)
	case <-time.After(100 * time.Millisecond):
	}
}
