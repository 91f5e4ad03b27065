package peers

import (
	"context"
	"testing"

	flagd "github.com/open-feature/go-sdk-contrib/providers/flagd/pkg"
	"github.com/open-feature/go-sdk/openfeature"
)

// openFeature is the OpenFeature SDK with the flagd provider in file mode
// (WithFileResolver): flagd's in-process evaluator reading a flagd flag
// definition file, without a flagd daemon. A request builds an
// openfeature.EvaluationContext for its user and evaluates through a
// client of the provider's domain.
type openFeature struct {
	client *openfeature.Client
}

// flagdDomain is the OpenFeature domain the provider is bound to.
const flagdDomain = "flaggen-peers"

func openFlagd(tb testing.TB) peer {
	provider, err := flagd.NewProvider(
		flagd.WithFileResolver(),
		flagd.WithOfflineFilePath("testdata/flagd.json"),
	)
	if err != nil {
		tb.Fatalf("flagd: %v", err)
	}
	if err := openfeature.SetNamedProviderAndWait(flagdDomain, provider); err != nil {
		tb.Fatalf("flagd: %v", err)
	}
	tb.Cleanup(openfeature.Shutdown)
	return openFeature{openfeature.NewClient(flagdDomain)}
}

func (p openFeature) rollout(id string) bool {
	on, _ := p.client.BooleanValue(context.Background(), "rollout", false, openfeature.NewEvaluationContext(id, nil))
	return on
}

func (p openFeature) split(id string) string {
	v, _ := p.client.StringValue(context.Background(), "split", "control", openfeature.NewEvaluationContext(id, nil))
	return v
}

func (p openFeature) rule(id, group string) bool {
	ec := openfeature.NewEvaluationContext(id, map[string]any{"group": group})
	on, _ := p.client.BooleanValue(context.Background(), "rule", false, ec)
	return on
}
