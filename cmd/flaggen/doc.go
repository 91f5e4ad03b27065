// Flaggen turns a flags.toml, the declaration of an application's feature
// flags, into a Go package of typed accessors, and checks flags.toml files.
//
// In a module that does not use it yet, flaggen init writes a starter
// flags.toml and the package file holding the go:generate line:
//
//	go run github.com/flaggen/flaggen/cmd/flaggen@latest init
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
//	flaggen init [-dir DIR] [-pkg NAME]
//	flaggen generate [-o DIR] [-pkg NAME] [-check] [FILE]
//	flaggen check [FILE]
//	flaggen schema
//	flaggen vet [-config FILE] [-now DATE] [-json] [-fix] [-allow-unused KEYS] [packages]
//	flaggen help [COMMAND]
//
// and, to operate a fleet's live flags in Redis (see the fleet section below):
//
//	flaggen push [-dry-run] [-force] [FILE]
//	flaggen kill FLAG | unkill FLAG | enable FLAG | disable FLAG
//	flaggen rollout FLAG PERCENT
//	flaggen split FLAG VARIANT=WEIGHT,…
//	flaggen schedule FLAG PERCENT@WHEN…
//	flaggen status
//	flaggen history [-n N] [FLAG]
//	flaggen stale -for AGE
//
// FILE is the flags.toml to read. It defaults to the nearest file named
// flags.toml in the current directory or one of its parents.
//
// # init
//
// Init writes, in the module holding the current directory (the nearest
// go.mod in it or its parents), a commented starter flags.toml at the
// module's root, with a boolean flag, a flag with variants and a
// [generate] table, and DIR/gen.go: package NAME with the line
//
//	//go:generate go tool flaggen generate
//
// DIR, relative to the module's root, defaults to internal/flags; NAME
// defaults to DIR's last element. It then prints the next two commands,
// go get -tool github.com/flaggen/flaggen/cmd/flaggen and go generate
// ./..., after which handlers read the flags. Init overwrites nothing:
// when either file exists it writes neither and exits 1.
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
// # schema
//
// Schema prints the JSON Schema (draft-07) of flags.toml, for editors that
// validate TOML against one (Taplo, Even Better TOML): completion, hover
// text, and unknown keys, operators and flag keys flagged as you type.
// Write it next to flags.toml and name it in the file's first line:
//
//	flaggen schema > flags.schema.json
//	#:schema ./flags.schema.json
//
// What JSON Schema cannot say (split weights summing to 100, a default
// naming a declared variant, …) stays check's.
//
// # vet
//
// Vet loads the packages (default ./...), with their tests, and runs the
// flaggen analyzer (package [github.com/flaggen/flaggen/analyzer]) on
// them, as go vet -vettool would, plus two checks that need the whole
// program or the flags.toml file, which go vet cannot give an analyzer:
//
//   - unused: a flag declared in a generated flag package of the module
//     that no loaded package refers to (reported at its flags.toml line);
//   - stale: a generated flag package that flaggen generate, run on the
//     flags.toml named in its "// source:" header, would change.
//
// It prints one finding per line, sorted by position, to standard output:
//
//	app/search.go:48:7: flag "search" was removed on 2026-10-01 (owner search-team); this reference always gets variant_a: delete it (removed)
//	flags.toml:62:1: flag "holiday" is declared but no loaded package refers to it (owner calendar-team) (unused)
//	generated/flags/flags_gen.go:1:1: generated code is stale: run flaggen generate (stale)
//
// The category in parentheses is one of removed, expired, settled,
// deprecated and unknown (from the analyzer), unused, stale, or config (a
// flags.toml that does not validate; its errors are listed).
//
// The flags:
//
//	-now DATE
//		check expiry and schedules as of DATE (YYYY-MM-DD) instead of
//		today. CI should pin it, so that a build does not start failing
//		on the day a flag expires: flaggen vet -now 2026-12-01 ./...
//	-config FILE
//		compare each generated flag package with FILE instead of the
//		flags.toml its header names.
//	-json
//		print a JSON array of {"posn", "message", "category", "fixes"}
//		objects instead of lines; fixes holds the suggested edits as
//		{"message", "edits": [{"filename", "start", "end", "new"}]},
//		with byte offsets.
//	-fix
//		apply the first suggested fix of each finding (removed, expired
//		with a final variant, settled), then report the findings left.
//		Generated files are never edited; a fix that overlaps another is
//		left for the next run.
//	-allow-unused KEYS
//		do not report the flags with these comma-separated keys as
//		unused: for a flag that only non-Go code uses, such as an
//		html/template calling ff or flag from middleware.FuncMap.
//
// The same analyzer runs under go vet and go fix through the flaggen-vet
// command ([github.com/flaggen/flaggen/cmd/flaggen-vet]); there its flag is
// spelled -flaggen.now.
//
// # fleet
//
// The commands push, kill, unkill, enable, disable, rollout, split,
// schedule, status, history and stale operate the live flags a fleet of
// instances follows in Redis (package
// [github.com/flaggen/flaggen/store/redisstore]). This module does not
// require a Redis client: flaggen runs the flaggen-fleet command from
// PATH with the same arguments, standard input, output and error, and
// exits with its status. Install it with
//
//	go install github.com/flaggen/flaggen/store/redisstore/cmd/flaggen-fleet@latest
//
// or, from a checkout, cd store/redisstore && go install ./cmd/flaggen-fleet.
// Without it, these commands say so and exit 1. flaggen help push (or
// any of them) prints its manual; for example:
//
//	flaggen push                       # the nearest flags.toml; prints what it changes
//	flaggen kill search                # search serves its default everywhere, now
//	flaggen schedule new_checkout 1%@now 5%@+2h 25%@+1d 100%@2026-12-01T09:00:00Z
//	flaggen history search
//	flaggen stale -for 30d             # exit 1 when a flag has served one variant to all for 30 days
//
// They read the Redis from -redis URL or FLAGGEN_REDIS (default
// redis://127.0.0.1:6379/0), the namespace from -namespace or
// FLAGGEN_NAMESPACE, and name who acts in the audit log with -by (default
// $USER@hostname); -json prints the result as JSON.
//
// # Errors and exit status
//
// Every problem in FILE is printed to standard error, one per line, as
//
//	flags.toml:12:3: message
//
// with the file named as it was given (or found, relative to the current
// directory). Flaggen exits 0 on success, 1 when FILE has errors, when
// -check finds stale output, when vet finds something or when it cannot
// read or write a file, 2 on a usage error, and 3 when vet cannot load or
// type-check the packages (its errors are printed to standard error). The
// fleet commands exit as flaggen-fleet does: 0 on success, 1 when Redis
// cannot be reached, refuses the credentials, another write won the race
// or the document does not validate (and when stale finds a flag), 2 on
// a usage error; and 1 when flaggen-fleet is not installed.
package main
