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
// [ErrSyntax]) tells it apart. So does input beyond the limits below.
// [File.Flag] finds a flag by key in constant time.
//
// The TOML decoder does not report where keys are written, so the package
// scans the text once more for the position of every key and value.
//
// # Limits
//
// Parsing reads input that may come from outside the program — a live
// source feeds every instance of a fleet the same document — so no input
// may crash the process or cost more than time and memory in proportion to
// its size. Before the TOML decoder runs, one pass over the bytes checks
// three [Limits]:
//
//   - size: at most [DefaultMaxBytes] (8 MiB); 10,000 flags take about
//     1.5 MB;
//   - depth: a path of at most [DefaultMaxDepth] (16) parts, counting
//     every table name, dotted-key part and array element, where a valid
//     file needs 7 (flags.KEY.rules[0].when[0].values);
//   - key path: at most [DefaultMaxKeyBytes] (512) bytes of keys leading
//     to a key.
//
// The decoder recurses once per level of nesting, so that a deep enough
// nest overflows the stack (a fatal error no recover catches), and builds
// every key path in full, once per key, so that nests and long key paths
// cost it far more than their size. Input beyond a
// limit is refused, with one [Error] at the first byte past the limit that
// names the limit and what to do, and matches [ErrTooLarge], [ErrTooDeep]
// or [ErrKeyTooLong]:
//
//	flags.toml:1:21: array nested more than 16 levels deep, past the depth limit: …
//
// [Parse] and [Load] apply the defaults; a live source sets its own with
// [Limits.Parse] or [Limits.Load], which reads no more of a file than the
// size limit. The checks that follow decoding are linear too: "did you
// mean" hints spend a budget in proportion to the input, lists in
// messages are cut short, and variant names, which messages quote, are at
// most [MaxNameBytes] long.
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
// # Typed values
//
// A flag's variants may carry typed values ([Flag.Values]), which the
// generated code reads through a typed getter per value. The values
// table has one table per variant of named values, the same names and
// types for every variant:
//
//	[flags.pricing_page.values.control]
//	multiplier = 1.0
//	label = "Standard"
//	offer = { percent = 0, code = "" }
//
//	[flags.pricing_page.values.higher_price]
//	multiplier = 1.2
//	label = "Premium"
//	offer = { percent = 10, code = "SPRING" }
//
// or, for one value per variant named "value" ([ShorthandValue]), the
// shorthand values = { control = 1.0, higher_price = 1.2 }. A boolean
// flag's values are its variants off and on. The types ([ValueType]) are
// string, integer (int64), float (float64), boolean, and object: a table
// of fields of those scalar types, the same fields for every variant
// (the shorthand holds scalars only). An integer is read as a float when
// another variant writes a float for the same value or field; a value
// every variant writes as an integer is an integer. Value and field names
// are snake_case, and their Go names ([GoName]) must not clash with each
// other nor with the methods of the flag's generated type. Parse reports,
// at its position, a variant without values, a values table for an
// unknown variant, a value or field a variant lacks, and a type that
// differs between variants, naming both.
//
// # Go names
//
// [GoName] derives the Go name the generator uses for a flag or variant;
// go_name and variant_go_names override it. Parse reports every clash among
// the identifiers the generator would emit.
package spec
