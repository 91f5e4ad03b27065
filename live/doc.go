// Package live keeps a flag set's configuration up to date from outside
// the binary, without a restart: from a watched file here, from Redis
// across a fleet in a package of its own.
//
// A [Source] delivers documents (flags.toml text) to a [Feed], which
// compiles each against the set's generated code and puts it in force
// only if it compiles: a bad document never replaces a good one. What
// an update can and cannot change is the runtime's to decide (see
// runtime.Set.CompileFile): a flag the document lacks keeps its
// compiled-in declaration, a flag the code cannot serve as declared keeps
// the declaration in force, and each such flag is a runtime.Notice of
// the [Change].
//
// The feed reports what it does three ways: [Options.OnChange] hears of
// each new document put in force, with what changed flag by flag;
// [Options.OnError] hears of each document refused, each failure of
// the source and the start of each outage ([Feed.Unreachable]); and
// [Feed.Status] says, at any time, whether the source is
// [Ready], [Stale] or [Failing], which version is in force, and when it
// was last updated and checked — for logs ([Status.String]) and, since a
// Feed is an http.Handler, for a health endpoint ([Feed.ServeHTTP]: JSON,
// 200 while the flags can be trusted, 503 when stale or failing).
//
// The one call for a file is [WatchFile]:
//
//	feed := live.WatchFile(ctx, flags.Set, "/etc/myapp/flags.toml", live.Options{})
//	http.Handle("/healthz/flags", feed)
//
// It stops when ctx is done. The zero [Options] log through log/slog's
// default logger and parse with spec's default limits.
package live
