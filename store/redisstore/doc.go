// Package redisstore keeps a fleet's live flags in Redis: a versioned
// document (the flags.toml pushed, typically by CI after a merge) with
// operations on top (kill, enable, rollout, split, schedule), each write a
// compare-and-set on the version with its audit entry in the same step;
// and the [Source] every instance runs to follow it, on the live-update
// machinery of package live.
//
// # The model
//
// Declarations live in git: flags.toml, generated code, reviewed and
// deployed like code. The store holds what the fleet serves now: the
// document last pushed, and the operations an operator applied since,
// kept apart from it so that a push never silently undoes one (a killed
// flag stays killed through a push; dropping a flag that an operation
// holds needs PushOptions.Force). Every write goes through the same
// validator, and instances compile what they read with the live-update
// semantics of runtime.Set.CompileFile.
//
// # Keys
//
// Under a namespace NS (default "flaggen"; one per app and environment,
// e.g. "shop:prod"), a Redis holds:
//
//	NS:state            hash: version, doc, dochash, ops (JSON), updated, by
//	NS:audit            stream: one entry per write (who, when, what, before → after, version)
//	NS:events           pub/sub channel: the new version, after each write
//	NS:instance:ID      string with a TTL: an instance's heartbeat (JSON)
//	NS:schema:HASH      string: the flags and variants a running code declares (JSON)
//
// # Instances
//
// An instance follows the store with [Join] (or a [Source] given to
// live.Run): it applies each version pushed on NS:events, resyncs on every
// (re)subscription and on an interval (pub/sub drops what is published
// while a client is disconnected), keeps serving what it has through an
// outage (the feed's status turns stale) and catches up by itself, and
// heartbeats what it serves, so that [Store.Instances] shows version skew.
package redisstore
