package ofprovider_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/provider/ofprovider"
	"github.com/open-feature/go-sdk/openfeature"
)

// events registers a handler for each of the status events on c and
// returns the channel they all write to.
func events(c *openfeature.Client) <-chan openfeature.EventDetails {
	ch := make(chan openfeature.EventDetails, 16)
	for _, t := range []openfeature.EventType{openfeature.ProviderReady, openfeature.ProviderStale, openfeature.ProviderError} {
		h := func(d openfeature.EventDetails) {
			d.EventMetadata = map[string]any{"type": string(t)}
			ch <- d
		}
		c.AddHandler(t, &h)
	}
	return ch
}

// next returns the next event on ch, and its type.
func next(t *testing.T, ch <-chan openfeature.EventDetails) (openfeature.EventType, openfeature.EventDetails) {
	t.Helper()
	select {
	case d := <-ch:
		return openfeature.EventType(d.EventMetadata["type"].(string)), d
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	panic("unreachable")
}

// TestStatusEvents: the feed's status, read by the poller Init starts
// and at once on each error that LiveOptions' OnError hears, turns into
// PROVIDER_ERROR, PROVIDER_STALE and PROVIDER_READY, and the client's
// state follows.
func TestStatusEvents(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	p := ofprovider.New(set, ofprovider.Options{PollInterval: 10 * time.Millisecond})
	feed := live.NewFeed(set, "flags.toml", p.LiveOptions(live.Options{Logger: discard}))
	p.Watch(feed)
	c, _ := newClient(t, p)
	ch := events(c)
	if typ, _ := next(t, ch); typ != openfeature.ProviderReady { // the SDK's, after Init
		t.Fatalf("first event %s, want PROVIDER_READY", typ)
	}

	// A refused document: the feed is failing.
	if _, err := feed.Apply("flags.toml", []byte("[flags.x]\nnope = 1\n"), ""); err == nil {
		t.Fatal("bad document applied")
	}
	typ, d := next(t, ch)
	if typ != openfeature.ProviderError || d.ProviderName != "flaggen" || !strings.Contains(d.Message, "failing") || !strings.Contains(d.Message, "unknown key") {
		t.Errorf("got %s from %q: %q, want PROVIDER_ERROR from flaggen with the error", typ, d.ProviderName, d.Message)
	}
	if s := c.State(); s != openfeature.ErrorState {
		t.Errorf("state %s, want ERROR", s)
	}
	// Evaluations go on, from the flags in force.
	if v, err := c.BooleanValue(t.Context(), "gone", false, user("1", nil)); err != nil || !v {
		t.Errorf("evaluation while failing: %v, %v", v, err)
	}

	// A good document: ready again.
	if _, err := feed.Apply("flags.toml", []byte(testFlags), ""); err != nil {
		t.Fatal(err)
	}
	if typ, _ := next(t, ch); typ != openfeature.ProviderReady {
		t.Errorf("after a good document: %s, want PROVIDER_READY", typ)
	}

	// The source cannot be reached: stale, until it is checked.
	feed.Unreachable(errors.New("store down"))
	if typ, d := next(t, ch); typ != openfeature.ProviderStale || !strings.Contains(d.Message, "stale") {
		t.Errorf("unreachable: %s %q, want PROVIDER_STALE", typ, d.Message)
	}
	if s := c.State(); s != openfeature.StaleState {
		t.Errorf("state %s, want STALE", s)
	}
	feed.Checked()
	if typ, _ := next(t, ch); typ != openfeature.ProviderReady {
		t.Errorf("checked: %s, want PROVIDER_READY", typ)
	}
	if s := c.State(); s != openfeature.ReadyState {
		t.Errorf("state %s, want READY", s)
	}
}

// TestShutdown: Shutdown stops the poller (no event after it), and Init
// starts it again.
func TestShutdown(t *testing.T) {
	t.Parallel()
	set := newSet(t)
	feed := live.NewFeed(set, "flags.toml", live.Options{Logger: discard})
	p := ofprovider.New(set, ofprovider.Options{Feed: feed, PollInterval: 5 * time.Millisecond})
	if err := p.Init(openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	p.Shutdown()
	p.Shutdown() // twice is fine
	feed.Unreachable(errors.New("down"))
	select {
	case e := <-p.EventChannel():
		t.Fatalf("event after Shutdown: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
	if err := p.Init(openfeature.EvaluationContext{}); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown()
	select {
	case e := <-p.EventChannel():
		if e.EventType != openfeature.ProviderStale {
			t.Errorf("after Init again: %s, want PROVIDER_STALE", e.EventType)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event after Init again")
	}
}
