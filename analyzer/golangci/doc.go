// Package golangci is the flaggen analyzer as a module plugin of
// golangci-lint v2: a golangci-lint built with it reports, beside its
// other linters, code that refers to feature flags that were removed,
// have expired or settled, are deprecated, or do not exist — the
// analyzer of package [github.com/flaggen/flaggen/analyzer], which
// flaggen vet runs.
//
// Importing the package registers the plugin, named flaggen, with
// golangci-lint's plugin registry; [New] is its constructor and
// [Settings] what .golangci.yml may set.
//
// # Building golangci-lint with the plugin
//
// golangci-lint custom builds a golangci-lint with module plugins from a
// .custom-gcl.yml beside .golangci.yml:
//
//	version: v2.15.0                # golangci-lint's
//	plugins:
//	  - module: github.com/flaggen/flaggen/analyzer/golangci
//	    version: latest             # or a tag: this module's are analyzer/golangci/vX.Y.Z
//
// and then
//
//	golangci-lint custom            # writes ./custom-gcl
//	./custom-gcl run ./...
//
// golangci-lint custom clones golangci-lint's repository with git.
// Where that cannot work, build the same program with the go command
// alone (see the section Without git).
//
// # Configuration
//
// .golangci.yml enables the linter and gives its settings:
//
//	version: "2"
//	linters:
//	  enable:
//	    - flaggen
//	  settings:
//	    custom:
//	      flaggen:
//	        type: module
//	        description: references to removed, expired, settled, deprecated and unknown feature flags
//	        settings:
//	          now: 2026-12-01
//	issues:
//	  max-same-issues: 0
//
// The one setting, now, is the date expiry and settling are judged as
// of, written YYYY-MM-DD: flaggen vet's -now. Without it the linter
// judges as of the day it runs (in UTC), so that a build starts failing
// on the day a flag expires; pin it in CI and move it forward on
// purpose. Any other key, a value that is not a string, and a string
// that is not a date stop golangci-lint with an error that names them.
//
// Every reference to a flag gets the same message, and golangci-lint
// shows at most three issues with the same text unless
// issues.max-same-issues is 0; and one issue per line unless
// issues.uniq-by-line is false.
//
// # What it reports
//
// The issues are the analyzer's diagnostics: the same positions and the
// same messages as flaggen vet -now with the same date prints, without
// the category, which golangci-lint does not show. flaggen vet also
// reports what only a run over the whole program can know — flags no
// package refers to (unused) and generated code that flags.toml would no
// longer generate (stale) — which the plugin does not.
//
// golangci-lint run --fix applies the analyzer's suggested fixes, the
// edits flaggen vet -fix makes, but leaves the imports that they leave
// unused: run goimports afterwards, or use flaggen vet -fix, which
// removes them.
//
// # Without git
//
// The program golangci-lint custom builds is golangci-lint's command
// with the plugin imported. A main package of your own that imports
// this package for its side effect and calls golangci-lint's command
// entry, commands.Execute, builds it with the module proxy alone:
//
//	package main
//
//	import (
//		"fmt"
//		"os"
//
//		_ "github.com/flaggen/flaggen/analyzer/golangci"
//		"github.com/golangci/golangci-lint/v2/pkg/commands"
//	)
//
//	func main() {
//		if err := commands.Execute(commands.BuildInfo{Version: "2.15.0"}); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//	}
//
// in a module that requires github.com/golangci/golangci-lint/v2 v2.15.0
// and this module; go build then writes the binary. This repository's
// cmd/golangci-lint-flaggen, a module of its own beside this package, is
// that program; its test checks that it reports what flaggen vet does.
package golangci
