// Package spec reads flags.toml, the file in which an application declares
// its feature flags, and validates it. It is the one parser of that file:
// the generator, the runtime's live sources and the analyzer all use it.
//
// # Parsing
//
// [Parse] and [Load] return a [File] whose flags are in declaration order,
// or an [ErrorList] with every problem at once, sorted by position and
// printed one per line as go/scanner prints them:
//
//	flags.toml:12:3: unknown key "serv" in rule 2 of flag "search": did you mean "serve"?
//
// Every message says what is wrong and what to write instead. Unknown keys
// are errors, so that a typo cannot silently switch targeting off. A TOML
// syntax error stops the parser and is reported alone; errors.Is(err,
// [ErrSyntax]) tells it apart.
//
// The TOML decoder does not report where keys are written, so the package
// scans the text once more for the position of every key and value.
//
// # The format
//
// The README documents every key with a commented example. In short, each
// flag is a table [flags.KEY] with a description, an owner and an expires
// date; either a list of variants and a default, or no variants for a
// boolean flag (variants "off" and "on"); and optionally a kill switch,
// an on/off switch, ordered targeting rules, a rollout or weighted split,
// a progressive schedule, per-user overrides, and lifecycle state
// (deprecated, removed).
//
// # Go names
//
// [GoName] derives the Go name the generator uses for a flag or variant;
// go_name and variant_go_names override it. Parse reports every clash among
// the identifiers the generator would emit.
package spec
