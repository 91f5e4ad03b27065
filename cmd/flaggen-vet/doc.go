// Flaggen-vet runs the flaggen analyzer (package
// [github.com/flaggen/flaggen/analyzer]) under go vet and go fix: it
// reports code that refers to removed, expired, settled, deprecated or
// unknown flags, and offers fixes that keep the winning branch.
//
// Pin it as a tool of your module, next to flaggen:
//
//	go get -tool github.com/flaggen/flaggen/cmd/flaggen-vet
//
// which adds this line to go.mod:
//
//	tool github.com/flaggen/flaggen/cmd/flaggen-vet
//
// go tool -n flaggen-vet builds it (once; it is cached) and prints its
// path, which is what go vet's -vettool and go fix's -fixtool take:
//
//	go vet -vettool=$(go tool -n flaggen-vet) ./...
//	go vet -vettool=$(go tool -n flaggen-vet) -flaggen.now=2026-12-01 ./...
//	go vet -vettool=$(go tool -n flaggen-vet) -fix ./...        # apply the fixes
//	go vet -vettool=$(go tool -n flaggen-vet) -fix -diff ./...  # print them as a diff
//	go fix -fixtool=$(go tool -n flaggen-vet) ./...              # apply the fixes
//
// Or install it (go install github.com/flaggen/flaggen/cmd/flaggen-vet)
// and pass -vettool=$(go env GOPATH)/bin/flaggen-vet. It speaks only the
// go vet protocol: run on its own, as in go tool flaggen-vet ./..., it
// fails. For a standalone run, use flaggen vet, which also reports unused
// flags and stale generated code.
//
// # Flags under each driver
//
// flaggen-vet is built with unitchecker, which prefixes the analyzer's
// flags with its name, flaggen:
//
//	                             flaggen vet         go vet -vettool / go fix -fixtool
//	judge expiry as of a date    -now 2026-12-01     -flaggen.now=2026-12-01
//	JSON output                  -json               -json
//	apply the suggested fixes    -fix                -fix (go vet); go fix applies them
//	print the fixes as a diff    (none)              -fix -diff (go vet); -diff (go fix)
//	compare with a flags.toml    -config FILE        (none: reads only Go code)
//	unused flags, stale code     reported            not reported
//
// Without -now (-flaggen.now), the analyzer judges as of today, in UTC.
//
// # Caching
//
// go vet caches each package's results, keyed on its Go sources, its
// dependencies' results and the vet flags. Everything the analyzer knows
// about a flag is in the generated Go package, so editing flags.toml and
// running flaggen generate changes the results; editing flags.toml alone
// does not (flaggen vet reports that as stale generated code). A result
// computed without -flaggen.now is reused on a later day until the code
// changes, so a flag's expiry is only noticed then: pass a date, pinned
// in CI (-flaggen.now=2026-12-01) or today's (-flaggen.now=$(date -u +%F)).
package main
