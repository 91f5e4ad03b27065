package peers

import (
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/Unleash/unleash-client-go/v4"
	ucontext "github.com/Unleash/unleash-client-go/v4/context"
)

// errOffline is what every HTTP request of the Unleash client gets.
var errOffline = errors.New("the peer benchmarks make no network requests")

// offline is an http.RoundTripper that sends nothing and fails every
// request with errOffline.
type offline struct{}

func (offline) RoundTrip(*http.Request) (*http.Response, error) { return nil, errOffline }

// unleashPeer is the Unleash client bootstrapped from a features JSON file
// (BootstrapStorage). The client requires a server URL and fetches from it
// at start; its HTTP client here fails every request without sending it,
// metrics and registration are off, and the backup file goes to a
// temporary directory, so it keeps serving the bootstrapped features. A
// request builds a context.Context with its user id (and, for the rule,
// a group property).
type unleashPeer struct {
	client *unleash.Client
}

func openUnleash(tb testing.TB) peer {
	f, err := os.Open("testdata/unleash.json")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	client, err := unleash.NewClient(
		unleash.WithAppName("flaggen-peers"),
		unleash.WithUrl("http://unleash.invalid/api/"),
		unleash.WithHttpClient(&http.Client{Transport: offline{}}),
		unleash.WithDisableMetrics(true),
		unleash.WithBackupPath(tb.TempDir()),
		unleash.WithStorage(&unleash.BootstrapStorage{Reader: f}),
	)
	if err != nil {
		tb.Fatalf("Unleash: %v", err)
	}
	tb.Cleanup(func() { client.Close() })
	if len(client.ListFeatures()) != 3 {
		tb.Fatalf("Unleash: got %d features from the bootstrap file, want 3", len(client.ListFeatures()))
	}
	return unleashPeer{client}
}

func (p unleashPeer) rollout(id string) bool {
	return p.client.IsEnabled("rollout", unleash.WithContext(ucontext.Context{UserId: id}))
}

func (p unleashPeer) split(id string) string {
	return p.client.GetVariant("split", unleash.WithVariantContext(ucontext.Context{UserId: id})).Name
}

func (p unleashPeer) rule(id, group string) bool {
	ctx := ucontext.Context{UserId: id, Properties: map[string]string{"group": group}}
	return p.client.IsEnabled("rule", unleash.WithContext(ctx))
}
