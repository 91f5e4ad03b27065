package ofprovider

import (
	"time"

	"github.com/flaggen/flaggen/live"
	"github.com/open-feature/go-sdk/openfeature"
)

// Init starts reporting the feed's status (Options.Feed, or the one given
// to Watch), if there is one: every Options.PollInterval it reads the
// status and emits an event when it changes. It never fails: the set's
// flags, compiled in or live, can always be served. The evaluation
// context is not used. After Shutdown, Init may be called again.
func (p *Provider) Init(openfeature.EvaluationContext) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		return nil
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	p.reported = live.Ready
	go p.poll(p.stop, p.done)
	return nil
}

// Shutdown stops reporting the feed's status and waits for the poller to
// end. The provider can be initialized again.
func (p *Provider) Shutdown() {
	p.mu.Lock()
	stop, done := p.stop, p.done
	p.stop, p.done = nil, nil
	p.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-done
}

// EventChannel returns the channel of the provider's events, which the
// SDK drains: PROVIDER_CONFIGURATION_CHANGED from LiveOptions' OnChange,
// and PROVIDER_STALE, PROVIDER_ERROR and PROVIDER_READY from the feed's
// status.
func (p *Provider) EventChannel() <-chan openfeature.Event { return p.events }

// Watch makes the provider report feed's status, as Options.Feed does:
// for the usual order, in which the feed is started with the options
// that LiveOptions returns, after the provider exists. It takes effect at
// the next poll.
func (p *Provider) Watch(feed *live.Feed) { p.feed.Store(feed) }

// LiveOptions returns base with OnChange and OnError wrapped, for the
// feed of the provider's set (live.WatchFile, redisstore.Join): each
// document that changes flags emits PROVIDER_CONFIGURATION_CHANGED with
// the keys of the flags it changed, after base.OnChange has run; each
// error makes the provider read the feed's status at once, after
// base.OnError has run, rather than at the next poll.
func (p *Provider) LiveOptions(base live.Options) live.Options {
	opts := base
	onChange, onError := base.OnChange, base.OnError
	opts.OnChange = func(c live.Change) {
		if onChange != nil {
			onChange(c)
		}
		if !c.Changed() {
			return
		}
		keys := make([]string, len(c.Flags))
		for i, f := range c.Flags {
			keys[i] = f.Key
		}
		// The SDK takes a configuration change for READY: so does the
		// provider, which reports a stale or failing status again if it
		// still is.
		p.mu.Lock()
		defer p.mu.Unlock()
		p.reported = live.Ready
		p.emit(openfeature.ProviderConfigChange, openfeature.ProviderEventDetails{
			Message:       "flaggen: flags changed, version " + c.Version,
			FlagChanges:   keys,
			EventMetadata: map[string]any{"version": c.Version, "previous": c.Previous},
		})
	}
	opts.OnError = func(err error) {
		if onError != nil {
			onError(err)
		}
		p.check()
	}
	return opts
}

// poll reads the feed's status every interval until stop is closed.
func (p *Provider) poll(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.check()
		}
	}
}

// check reads the feed's status and, while the provider is initialized,
// emits an event if the state it maps to is not the one reported last:
// Starting and Ready are READY, Stale is STALE, Failing is ERROR.
func (p *Provider) check() {
	feed := p.feed.Load()
	if feed == nil {
		return
	}
	st := feed.Status()
	state := st.State
	if state == live.Starting {
		state = live.Ready
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop == nil || state == p.reported {
		return
	}
	p.reported = state
	d := openfeature.ProviderEventDetails{
		Message:       "flaggen: " + st.String(),
		EventMetadata: map[string]any{"source": st.Source, "version": st.Version},
	}
	switch state {
	case live.Ready:
		p.emit(openfeature.ProviderReady, d)
	case live.Stale:
		p.emit(openfeature.ProviderStale, d)
	case live.Failing:
		d.ErrorCode = openfeature.GeneralCode
		p.emit(openfeature.ProviderError, d)
	}
}

// emit sends an event without blocking; see eventBuffer.
func (p *Provider) emit(t openfeature.EventType, d openfeature.ProviderEventDetails) {
	select {
	case p.events <- openfeature.Event{ProviderName: Name, EventType: t, ProviderEventDetails: d}:
	default:
	}
}
