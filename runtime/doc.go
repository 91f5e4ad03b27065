// Package runtime decides which variant of each feature flag a request
// sees. Generated packages (see cmd/flaggen) sit on top of it; most code
// only ever calls their typed accessors, such as flags.NewSearch(ctx).
//
// # Sets and snapshots
//
// A [Set] is the handle a generated package exports for its flags. It
// holds the schema the code was generated from ([Set.Schema], a
// flagmeta.Schema) and the [Snapshot] in force: a compiled, immutable
// configuration whose flags are numbered as the generated code numbers
// them, so an accessor indexes an array rather than looking up a map.
// Generated code builds its set, and reads it by those numbers, through
// package runtime/flagimpl, which is for generated code only. The
// compiled-in snapshot is built from the declarations the generated
// schema literal carries, without parsing, so a program starts in time
// linear in its flags and cannot fail to. Live sources compile updates with [Set.Compile] (or
// [Set.CompileFile], for a document parsed with a source's own limits)
// and put them in force with [Set.Store]. A bad update never gets that
// far: it fails to compile and the last good snapshot stays.
//
// # Live updates
//
// An update is compiled against the generated code, flag by flag, and
// nothing of the set is lost silently:
//
//   - a document that declares no flags is refused ([ErrEmpty]);
//   - a document that fails validation is refused whole;
//   - a flag the code declares and the update lacks (a truncated file)
//     keeps its compiled-in declaration;
//   - a flag whose declaration the code cannot serve (another kind, other
//     variants) keeps the declaration in force, while every other flag of
//     the update takes effect, so a rolling deploy can mix versions;
//   - a flag the code does not declare is served by key only.
//
// Each of the last three is a [Notice] of the compiled snapshot
// ([Snapshot.Notices]), with the flag's position and what to do.
//
// # Evaluators
//
// Middleware gives each request an [Evaluator] ([Set.NewEvaluator]) that
// holds who the request is for (a [Subject]), the snapshot in force when
// the request began, request overrides and a memo. The evaluator is itself
// the request's context.Context, wrapping the request's own, so finding it
// costs a type assertion. Each flag is evaluated once per request: later
// calls, from any goroutine, return the same variant even if the snapshot
// is swapped meanwhile, and [Options.Exposure] hears of the flag once.
//
// A context without an evaluator gets every flag's default and never
// panics; the first such lookup logs a warning through log/slog.
//
// # Evaluation order
//
// For a flag, the first step that applies decides:
//
//  1. removed: a removed flag serves its final variant;
//  2. forced: a variant forced by a test (the generated WithX helpers);
//  3. killed: the kill switch serves the default to everyone;
//  4. override: a request override (a signed browser cookie, or the
//     development header), see [Evaluator.Override];
//  5. user override: the subject's id is listed under a variant;
//  6. off: a flag with enabled = false serves the default;
//  7. rules, in file order: the first whose conditions all hold serves
//     its variant or its split;
//  8. schedule: the subject's bucket against the percentage in force;
//  9. rollout or split: the subject's bucket;
//  10. default.
//
// "Off" sits after the overrides so that a team can preview a flag that is
// not live yet; "killed" sits before them because it is the emergency stop.
// A rollout or split that needs a bucket serves the default to a subject
// with no id (or no bucket_by attribute); one that gives a single variant
// 100% needs no bucket.
//
// # Bucketing
//
// [Bucket] documents the hash: FNV-1a 32 over salt + "." + key, finished
// with MurmurHash3's fmix32, modulo 10000. A rollout of N% serves on to
// buckets below N×100, so raising N keeps everyone who had the feature; a
// split lays its variants out in declaration order. A schedule and a
// rollout on the same flag are refused by the validator; a schedule uses
// the same bucket a rollout would.
//
// # Typed values
//
// Each snapshot decodes the typed values a flag's variants carry (see
// package spec) once, by variant number. [Evaluator.ValueOf] returns the
// served variant's value as a string, int64, float64, bool or, for an
// object, a map[string]any shared by every request (it must not be
// modified); [Evaluator.Float], [Evaluator.Int], [Evaluator.String] and
// [Evaluator.Bool] read a value of their type without allocating, and
// [Evaluator.Values] returns them all. Each evaluates the flag on first
// use and reports the exposure, as Lookup does. (The Evaluator is a
// context.Context, so the any-typed reader is ValueOf, not Value.) A live
// update may change a value within its type; one that changes a value's
// type or the set of values is kept ([NoticeKept]).
//
// # Concurrency
//
// Sets, snapshots and evaluators are safe for concurrent use. Options and
// subjects given to an evaluator must not be changed afterwards.
package runtime
