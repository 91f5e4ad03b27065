package peers

import (
	"context"
	"os"
	"testing"

	gb "github.com/growthbook/growthbook-golang"
)

// growthBook is the SDK with its features given as JSON (WithJsonFeatures)
// and no data source, so it starts no background fetch; no tracking
// callback or plugin is set. A request makes a child client with its
// user's attributes (Client.WithAttributes, the README's way) and
// evaluates through it.
type growthBook struct {
	client *gb.Client
}

func openGrowthBook(tb testing.TB) peer {
	features, err := os.ReadFile("testdata/growthbook.json")
	if err != nil {
		tb.Fatal(err)
	}
	client, err := gb.NewClient(context.Background(), gb.WithJsonFeatures(string(features)))
	if err != nil {
		tb.Fatalf("GrowthBook: %v", err)
	}
	tb.Cleanup(func() { client.Close() })
	return growthBook{client}
}

// eval evaluates key for a child client with attrs.
func (p growthBook) eval(key string, attrs gb.Attributes) any {
	child, err := p.client.WithAttributes(attrs)
	if err != nil {
		return nil
	}
	return child.EvalFeature(context.Background(), key).Value
}

func (p growthBook) rollout(id string) bool {
	on, _ := p.eval("rollout", gb.Attributes{"id": id}).(bool)
	return on
}

func (p growthBook) split(id string) string {
	v, _ := p.eval("split", gb.Attributes{"id": id}).(string)
	return v
}

func (p growthBook) rule(id, group string) bool {
	on, _ := p.eval("rule", gb.Attributes{"id": id, "group": group}).(bool)
	return on
}
