package peers

import (
	"testing"
	"time"

	ffclient "github.com/thomaspoignant/go-feature-flag"
	"github.com/thomaspoignant/go-feature-flag/ffcontext"
	"github.com/thomaspoignant/go-feature-flag/retriever/fileretriever"
)

// goFeatureFlag is the go-feature-flag module used as a library (not its
// relay proxy): a client of its own (ffclient.New, not the package-level
// one) reading the flags from a JSON file (fileretriever), polling it
// hourly, with no data exporter and no notifier. A request builds an
// evaluation context for its user.
type goFeatureFlag struct {
	client *ffclient.GoFeatureFlag
}

func openGoFeatureFlag(tb testing.TB) peer {
	client, err := ffclient.New(ffclient.Config{
		PollingInterval:       time.Hour,
		Retriever:             &fileretriever.Retriever{Path: "testdata/go-feature-flag.json"},
		FileFormat:            "json",
		DisableNotifierOnInit: true,
	})
	if err != nil {
		tb.Fatalf("go-feature-flag: %v", err)
	}
	tb.Cleanup(client.Close)
	return goFeatureFlag{client}
}

func (p goFeatureFlag) rollout(id string) bool {
	on, _ := p.client.BoolVariation("rollout", ffcontext.NewEvaluationContext(id), false)
	return on
}

func (p goFeatureFlag) split(id string) string {
	v, _ := p.client.StringVariation("split", ffcontext.NewEvaluationContext(id), "control")
	return v
}

func (p goFeatureFlag) rule(id, group string) bool {
	ctx := ffcontext.NewEvaluationContextBuilder(id).AddCustom("group", group).Build()
	on, _ := p.client.BoolVariation("rule", ctx, false)
	return on
}
