// Package ofprovider serves a flaggen flag set through OpenFeature
// (github.com/open-feature/go-sdk): code written against OpenFeature's
// client evaluates the same flags, with the same targeting, as the
// generated typed accessors.
//
//	p := ofprovider.New(flags.Set, ofprovider.Options{})
//	openfeature.SetProviderAndWait(p)
//	client := openfeature.NewClient("checkout")
//	on, err := client.BooleanValue(r.Context(), "new_checkout", false,
//		openfeature.NewEvaluationContext(userID, map[string]any{"groups": []string{"beta"}}))
//
// It is a nested module, so that only applications that use OpenFeature
// carry its SDK.
//
// # Evaluations
//
// Flags have variants; the variant served is the resolution's Variant,
// whatever the evaluation's type. A flag's variants may carry typed
// values (see package spec): an evaluation of a value's type returns the
// served variant's value.
//
//	evaluation  no values                   one value v              several values
//	----------  --------------------------  -----------------------  ------------------
//	Boolean     boolean flag: "on" → true,  a boolean: v; else as    as without values
//	            "off" → false; else         without values
//	            TYPE_MISMATCH
//	String      the variant's name          a string: v; else the    the variant's name
//	                                        variant's name
//	Int         TYPE_MISMATCH               an integer: v; else      TYPE_MISMATCH
//	                                        TYPE_MISMATCH
//	Float       TYPE_MISMATCH               a float: v; an integer:  TYPE_MISMATCH
//	                                        float64(v); else
//	                                        TYPE_MISMATCH
//	Object      TYPE_MISMATCH               an object: v; else       {name: value, …}
//	                                        {name: v}
//
// One value is the shorthand's, named "value", or a single named value.
//
// So a value of the evaluation's type takes precedence over what the flag
// answers without values: a flag whose only value is a string answers a
// String evaluation with it rather than with the variant's name, a
// boolean flag whose only value is a boolean answers with the value
// rather than on/off. A boolean flag keeps answering Boolean evaluations
// with on/off when its values are of another type.
//
// Numbers follow the SDK's types: an integer value (int64) answers a
// Float evaluation, converted (exactly, up to 2^53), since a float reads
// every integer; a float value is a TYPE_MISMATCH for an Int evaluation,
// which would lose its fraction: evaluate it as a float.
//
// With several values no single value answers a scalar evaluation: Int
// and Float are TYPE_MISMATCH, with a message naming the values, and
// Boolean and String answer as for a flag without values (on/off, the
// variant's name). The Object evaluation returns them all, by name.
//
// An Object evaluation returns a map[string]any whose values are string,
// int64, float64, bool, or for an object value a map[string]any of those.
// The maps are the caller's own, allocated by each Object evaluation;
// scalar evaluations do not allocate. A TYPE_MISMATCH's message names
// the types the flag can be evaluated as.
//
// A key the set does not know is FLAG_NOT_FOUND. A flag whose rollout,
// split or schedule needs the subject's bucket, evaluated with no
// targeting key and no evaluator in the context (see below), is
// TARGETING_KEY_MISSING: the provider would otherwise serve the default
// to everyone without a word. (A flag with bucket_by buckets by that
// attribute, not by the targeting key; without it the flag serves its
// default, reason DEFAULT.) On every error the SDK returns the caller's
// default value, with reason ERROR and a message naming the flag.
//
// # Reasons
//
//	flaggen (runtime.ReasonKind)          OpenFeature
//	------------------------------------  ---------------
//	a targeting rule (ReasonRule)         TARGETING_MATCH
//	a user override (ReasonUserOverride)  TARGETING_MATCH
//	a request override (ReasonOverride)   TARGETING_MATCH
//	rollout or split (ReasonRollout)      SPLIT
//	schedule (ReasonSchedule)             SPLIT
//	settled: one variant for everyone     STATIC
//	removed (ReasonRemoved)               STATIC
//	forced by a test (ReasonForced)       STATIC
//	switched off (ReasonOff)              DISABLED
//	killed (ReasonKilled)                 DISABLED
//	nothing applied (ReasonDefault)       DEFAULT
//	an error                              ERROR
//
// A request override (the signed browser cookie or the development
// header the middleware reads) pins one request to a variant, as a user
// override pins one user: both are targeting. A variant forced by a
// generated WithX test helper is fixed by code, not evaluated: STATIC.
// A settled flag (a 100% rollout, or a schedule past its last stage at
// 100%) serves its settled variant as STATIC rather than SPLIT.
//
// # Flag metadata
//
// Each resolution carries the flag's lifecycle as FlagMetadata, string
// values, each key present only when the flag sets it: "owner",
// "expires" (YYYY-MM-DD), "deprecated" (the message), "removed" (the
// date) and "settled" (the variant served to everyone). The map is shared
// by every resolution of the flag (the SDK copies it into the details it
// returns): a caller of the provider's methods must not modify it.
// Options.OmitFlagMetadata leaves it out, for an app that never reads it
// and would rather not pay for that copy on every call.
//
// # Evaluation context
//
// When the Go context passed to an evaluation already carries an
// evaluator for the set (middleware ran: the request's context is its
// runtime.Evaluator), the provider uses it and ignores the evaluation
// context: OpenFeature calls and the generated accessors then agree on
// every flag, a flag is evaluated once per request, and the exposure hook
// hears of it once.
//
// Otherwise each evaluation builds an evaluator from the evaluation
// context, with Options.Runtime (an exposure hook then hears of every
// evaluation):
//
//   - the targeting key is the subject's id, which rollouts bucket;
//   - the attribute named by Options.GroupsKey ("groups" by default) is
//     the subject's groups: a []string, a []any of strings, or a
//     comma-separated string;
//   - every other attribute of a scalar type (string, bool, integers,
//     floats, and named types of them) is a subject attribute, written as
//     fmt.Sprint writes it ("42", "1.5", "true"); a time.Time in RFC 3339.
//     Other values (maps, slices, structs) are left out: no condition can
//     compare them.
//
// A string attribute costs nothing to convert; building the subject
// allocates its attribute slice, and the evaluator one allocation more.
//
// # Events and lifecycle
//
// The provider implements the SDK's StateHandler and EventHandler.
// Registering it (openfeature.SetProviderAndWait) calls Init, which never
// fails, since the set's flags can always be served, and starts a poller
// that reads the live feed's status (Options.Feed, or Provider.Watch)
// every Options.PollInterval (1 s by default) and emits an event when it
// changes:
//
//	feed status         event
//	------------------  ------------------------------------
//	Starting, Ready     PROVIDER_READY (after STALE or ERROR)
//	Stale               PROVIDER_STALE
//	Failing             PROVIDER_ERROR, with the feed's error
//
// The SDK keeps evaluating in the STALE and ERROR states: the last good
// flags stay in force. Shutdown (openfeature.Shutdown, or replacing the
// provider) stops the poller; Init may start it again.
//
// Provider.LiveOptions wraps a live.Options for the set's feed: each
// document that changes flags emits PROVIDER_CONFIGURATION_CHANGED with
// the changed flags' keys in FlagChanges (and "version", "previous" in
// the event metadata), and each error the feed reports is read at once
// rather than at the next poll. The application passes the options to
// live.WatchFile or redisstore.Join, then tells the provider of the feed:
//
//	p := ofprovider.New(flags.Set, ofprovider.Options{})
//	feed := live.WatchFile(ctx, flags.Set, "/etc/myapp/flags.toml", p.LiveOptions(live.Options{}))
//	p.Watch(feed)
//	openfeature.SetProviderAndWait(p)
//
// Events are sent without blocking the feed, on a buffered channel that
// the SDK drains; should it ever be full, an event is dropped.
//
// # Performance
//
// Through the SDK's client, the SDK's own work (merging contexts, hooks,
// copying details) dominates an evaluation. BenchmarkBooleanValue
// measures the flaggen provider beside OpenFeature's in-memory provider,
// a constant provider (the SDK's floor) and the generated accessor: the
// flaggen provider costs about 1.2× the in-memory one, all of it the SDK
// copying the flag metadata map into each result, which the in-memory
// provider, returning none, does not pay (without it: 0.97×).
// BenchmarkProvider measures the provider alone: no allocation with the
// request's evaluator, one to build an evaluator from a targeting key,
// one more for attributes. BenchmarkValues measures typed values: an
// Int, Float or String evaluation of a value allocates nothing, an Object
// evaluation its maps. The generated accessor is two orders of
// magnitude cheaper than any call through the SDK: hot paths should use
// it.
package ofprovider
