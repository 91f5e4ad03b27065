package peers

import (
	"testing"
	"time"

	"github.com/launchdarkly/go-sdk-common/v3/ldcontext"
	ld "github.com/launchdarkly/go-server-sdk/v7"
	"github.com/launchdarkly/go-server-sdk/v7/ldcomponents"
	"github.com/launchdarkly/go-server-sdk/v7/ldfiledata"
)

// launchDarkly is the server-side SDK reading its flags from a file
// (ldfiledata) instead of LaunchDarkly's service, with analytics events,
// diagnostics and logging off: nothing is sent anywhere. A request builds
// an ldcontext.Context for its user.
type launchDarkly struct {
	client *ld.LDClient
}

func openLaunchDarkly(tb testing.TB) peer {
	config := ld.Config{
		DataSource:       ldfiledata.DataSource().FilePaths("testdata/launchdarkly.json"),
		Events:           ldcomponents.NoEvents(),
		DiagnosticOptOut: true,
		Logging:          ldcomponents.NoLogging(),
	}
	// The SDK key is sent only to LaunchDarkly's service, which this
	// configuration never reaches.
	client, err := ld.MakeCustomClient("sdk-key-unused", config, 5*time.Second)
	if err != nil {
		tb.Fatalf("LaunchDarkly: %v", err)
	}
	tb.Cleanup(func() { client.Close() })
	if !client.Initialized() {
		tb.Fatal("LaunchDarkly: the file data source did not initialize")
	}
	return launchDarkly{client}
}

func (p launchDarkly) rollout(id string) bool {
	on, _ := p.client.BoolVariation("rollout", ldcontext.New(id), false)
	return on
}

func (p launchDarkly) split(id string) string {
	v, _ := p.client.StringVariation("split", ldcontext.New(id), "control")
	return v
}

func (p launchDarkly) rule(id, group string) bool {
	on, _ := p.client.BoolVariation("rule", ldcontext.NewBuilder(id).SetString("group", group).Build(), false)
	return on
}
