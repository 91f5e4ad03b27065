// Flaggen turns a flags.toml, the declaration of an application's feature
// flags, into a Go package of typed accessors, and checks flags.toml files.
//
// Install it as a tool of your module:
//
//	go get -tool github.com/flaggen/flaggen/cmd/flaggen
//
// and put a go:generate line in the package that is to hold the flags,
// for example internal/flags/flags.go:
//
//	//go:generate go tool flaggen generate
//
// Then go generate ./... writes internal/flags/flags_gen.go from the
// nearest flags.toml above it.
//
// Usage:
//
//	flaggen generate [-o DIR] [-pkg NAME] [-check] [FILE]
//	flaggen check [FILE]
//	flaggen help [COMMAND]
//
// FILE is the flags.toml to read. It defaults to the nearest file named
// flags.toml in the current directory or one of its parents.
//
// # generate
//
// Generate validates FILE and writes the Go package it declares into DIR
// (default ".") as one file, flags_gen.go. For a flag search with the
// variants control and variant_a, and a boolean flag new_checkout, code
// that imports the package reads:
//
//	if flags.NewSearch(ctx).IsVariantA() { … }
//	if flags.NewCheckout(ctx).Enabled() { … }
//
// The flags:
//
//	-o DIR
//		the directory to write into; it is created if need be. It
//		defaults to the dir of FILE's [generate] table, relative to
//		FILE, and to the current directory without one.
//	-pkg NAME
//		the package name. It defaults to the package of FILE's
//		[generate] table, then to the package of the other,
//		non-generated Go files in DIR, and to DIR's name when there are
//		none.
//
// A [generate] table in flags.toml lets the command run from anywhere in
// the module and write the same bytes as go:generate in the package:
//
//	[generate]
//	dir = "internal/flags"
//	package = "flags"
//	-check
//		write nothing; report, with a short diff, each file that
//		generate would change, and exit 1 if there is one. Run it in CI
//		to catch generated code that is out of date.
//
// The file's header names FILE relative to DIR. Generate replaces a file
// atomically (it writes a temporary file in DIR and renames it), so a
// reader never sees a partial file, and it leaves a file whose content
// would not change alone, keeping its modification time. When FILE has
// errors, generate writes nothing.
//
// # check
//
// Check validates FILE and prints nothing when it is valid.
//
// # Errors and exit status
//
// Every problem in FILE is printed to standard error, one per line, as
//
//	flags.toml:12:3: message
//
// with the file named as it was given (or found, relative to the current
// directory). Flaggen exits 0 on success, 1 when FILE has errors, when
// -check finds stale output or when it cannot read or write a file, and 2
// on a usage error.
package main
