package redisstore

import (
	"context"
	"time"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// A Source follows a store for one instance: a live.Source.
type Source struct {
	Store *Store
	// Resync is how often the state is read even with no message; zero
	// means 30 seconds. Every (re)subscription resyncs too.
	Resync time.Duration
	// Heartbeat is how often the instance reports what it serves; zero
	// means 5 seconds (the report lives three times as long).
	Heartbeat time.Duration
	// Instance names the instance; "" means host-pid.
	Instance string
	// Backup is a file that keeps the last state applied, for a cold
	// start while Redis is down; "" keeps none.
	Backup string
	// Limits bound the document; zero means spec's defaults.
	Limits spec.Limits
}

// Run follows the store until ctx is done. See live.Source.
func (s *Source) Run(ctx context.Context, f *live.Feed) error { panic("TODO") }

// String names the source: the store.
func (s *Source) String() string { return s.Store.String() }

// Join connects to the Redis at url and follows namespace ns for set,
// until ctx is done: the one call an app makes to join a fleet. Only a
// malformed URL is an error; a Redis that is down leaves the compiled-in
// flags in force, the feed's status stale, and is followed once it is up.
func Join(ctx context.Context, set *runtime.Set, url, ns string, opts live.Options) (*live.Feed, error) {
	panic("TODO")
}
