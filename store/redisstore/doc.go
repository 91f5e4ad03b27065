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
//	{NS}:state          hash: version, doc, dochash, ops (JSON), updated, by
//	{NS}:audit          stream: one entry per write (who, when, what, before → after, version)
//	{NS}:events         pub/sub channel: the new version, after each write
//	{NS}:instance:ID    string with a TTL: an instance's heartbeat (JSON)
//	{NS}:schema:HASH    string with a TTL: the flags and variants a running code declares (JSON)
//	{NS}:exposures      hash: the fleet's exposure counts, by "FLAG\x00VARIANT"
//	{NS}:exposures:flushed:RUN  string with a TTL: the last batch of counts a Source's run added
//
// {NS}:state's version is a decimal count of writes (absent: 0, nothing
// pushed); dochash is the SHA-256 of doc in hex; ops is [Ops] as JSON;
// updated is RFC 3339 with nanoseconds, UTC. An audit entry has the
// fields version, time (RFC 3339), by, action, flag ("" for a push),
// before, after and, for a push, changes: the JSON of its
// []live.FlagChange, which [Store.History] and [Store.Stale] read to know
// which flags a push changed. {NS}:schema:HASH is a JSON list of
// {"key", "bool", "variants"}, HASH the SHA-256 of that JSON
// ([Store.RegisterSchema]); it expires a day after the last heartbeat
// that names it, and an instance registers it again when the store
// lost it.
//
// {NS}:exposures counts exposures fleet-wide ([Store.Exposures], which the
// dashboard draws beside the configured weights): each instance whose
// [Source] has Exposures adds, with each heartbeat, what it counted since
// the last, with one Lua script that HINCRBYs each field by its delta
// and records the batch's number under {NS}:exposures:flushed:RUN (RUN is
// random per Run, the key lives an hour): a batch sent again, its reply
// lost, is not counted twice. A user that may not write adds none.
//
// # Writes
//
// Every write reads the state, computes the next one and its audit
// entry, and writes both with one Lua script that first checks that the
// version is still the one it read (compare-and-set), then HSETs the
// state, XADDs the entry and PUBLISHes the new version: all or nothing,
// in order. A writer that finds the version changed reads again and
// retries, up to ten times with a growing random pause, then returns
// [ErrConflict]. A write that finds the state already as asked (killing
// a killed flag, pushing the document in force) writes nothing: no
// version, no audit entry ([Result.NoChange]); the log records changes
// only.
//
// # Instances
//
// An instance follows the store with [Join] (or a [Source] given to
// live.Run): it applies each version pushed on {NS}:events, resyncs on every
// (re)subscription and on an interval (pub/sub drops what is published
// while a client is disconnected), keeps serving what it has through an
// outage (the feed's status turns stale) and catches up by itself, and
// heartbeats what it serves, so that [Store.Instances] shows version skew.
//
// # The dashboard
//
// [Store.Dashboard] is the store as package dashboard's Fleet: the page's
// kill, rollout, split… go through the same writes as the CLI's, their
// values read by the same [ParsePercent], [ParseSplit] and
// [ParseSchedule]; its audit trail is [Store.History], its instances
// [Store.Instances], and its fleet-wide exposure counts {NS}:exposures.
package redisstore
