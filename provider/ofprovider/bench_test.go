package ofprovider_test

import (
	"context"
	"testing"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/provider/ofprovider"
	"github.com/flaggen/flaggen/runtime"
	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"
	"github.com/open-feature/go-sdk/openfeature/memprovider"
)

// constProvider is the floor of a call through the SDK's client: a
// provider that answers without looking anything up.
type constProvider struct{ openfeature.NoopProvider }

func (constProvider) Metadata() openfeature.Metadata { return openfeature.Metadata{Name: "const"} }

func (constProvider) BooleanEvaluation(context.Context, string, bool, openfeature.FlattenedContext) openfeature.BoolResolutionDetail {
	return openfeature.BoolResolutionDetail{Value: false, ProviderResolutionDetail: openfeature.ProviderResolutionDetail{Reason: openfeature.StaticReason, Variant: "off"}}
}

// benchClient returns a client of a fresh isolated API serving p.
func benchClient(b *testing.B, p openfeature.FeatureProvider) *openfeature.Client {
	b.Helper()
	api := isolated.NewAPI()
	b.Cleanup(func() { _ = api.Shutdown(context.Background()) })
	if err := api.SetProviderAndWait(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	return api.NewClient()
}

// BenchmarkBooleanValue reads the boolean flag holiday (off for
// everyone) of the generated package, for one user, through the SDK's
// client with the flaggen provider, with OpenFeature's in-memory
// provider, with the generated accessor, and by hand.
func BenchmarkBooleanValue(b *testing.B) {
	evalCtx := openfeature.NewEvaluationContext("user-1", nil)
	// The request's context, as middleware makes it.
	req := flags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: "user-1"}, nil)

	run := func(b *testing.B, ctx context.Context, c *openfeature.Client) {
		b.ReportAllocs()
		for b.Loop() {
			if v, err := c.BooleanValue(ctx, "holiday", true, evalCtx); v || err != nil {
				b.Fatal(v, err)
			}
		}
	}
	b.Run("flaggen", func(b *testing.B) {
		run(b, req, benchClient(b, ofprovider.New(flags.Set, ofprovider.Options{})))
	})
	b.Run("flaggen/no-evaluator", func(b *testing.B) {
		run(b, context.Background(), benchClient(b, ofprovider.New(flags.Set, ofprovider.Options{})))
	})
	b.Run("flaggen/omit-metadata", func(b *testing.B) {
		// The SDK copies a resolution's metadata map on every call; the
		// in-memory provider has none to copy.
		run(b, req, benchClient(b, ofprovider.New(flags.Set, ofprovider.Options{OmitFlagMetadata: true})))
	})
	b.Run("memprovider", func(b *testing.B) {
		mem := memprovider.NewInMemoryProvider(map[string]memprovider.InMemoryFlag{
			"holiday": {
				Key:            "holiday",
				State:          memprovider.Enabled,
				DefaultVariant: "off",
				Variants:       map[string]any{"on": true, "off": false},
			},
		})
		run(b, req, benchClient(b, mem))
	})
	b.Run("sdk-floor", func(b *testing.B) {
		run(b, req, benchClient(b, constProvider{}))
	})
	b.Run("accessor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if flags.NewHoliday(req).Enabled() {
				b.Fatal("holiday on")
			}
		}
	})
	b.Run("floor", func(b *testing.B) {
		// A bool looked up by key, as the least a string-keyed flag
		// read costs.
		m := map[string]bool{"holiday": false}
		b.ReportAllocs()
		for b.Loop() {
			if m["holiday"] {
				b.Fatal("holiday on")
			}
		}
	})
}

// BenchmarkProvider measures the provider's own work, called directly as
// the SDK calls it: with the request's evaluator in the context, with a
// targeting key (an evaluator per call), and with attributes to convert.
func BenchmarkProvider(b *testing.B) {
	p := ofprovider.New(flags.Set, ofprovider.Options{})
	req := flags.Set.NewEvaluator(context.Background(), runtime.Subject{ID: "user-1"}, nil)
	cases := []struct {
		name string
		ctx  context.Context
		flat openfeature.FlattenedContext
	}{
		{"request-evaluator", req, openfeature.FlattenedContext{}},
		{"targeting-key", context.Background(), openfeature.FlattenedContext{openfeature.TargetingKey: "user-1"}},
		{"attributes", context.Background(), openfeature.FlattenedContext{
			openfeature.TargetingKey: "user-1", "groups": []string{"beta"}, "country": "DE", "app_version": "2.3.0", "age": 42,
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := p.BooleanEvaluation(c.ctx, "new_checkout", false, c.flat); r.Reason == openfeature.ErrorReason {
					b.Fatal(r.ResolutionError)
				}
			}
		})
	}
}
