// Golangci-lint-flaggen is golangci-lint v2 with the flaggen plugin
// (package github.com/flaggen/flaggen/analyzer/golangci) built in: the
// program golangci-lint custom builds from a .custom-gcl.yml that names
// the plugin, built with the go command alone. golangci-lint custom
// clones golangci-lint's repository with git; this command needs only
// the module proxy.
//
// Build it from a checkout:
//
//	cd analyzer/golangci/cmd/golangci-lint-flaggen && go build
//
// Its usage is golangci-lint's, with the flaggen linter enabled and
// configured in .golangci.yml as the plugin's package documentation
// describes:
//
//	golangci-lint-flaggen run ./...
//	golangci-lint-flaggen version    # the golangci-lint and plugin built in
//
// Its golangci-lint is the version its go.mod requires, v2.15.0. It is
// a module of its own so that the plugin's module requires no more than
// the plugin needs: golangci-lint custom adds the plugin's module to
// golangci-lint's own build, where each of its requirements could raise
// a dependency's version.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/golangci/golangci-lint/v2/pkg/commands"
	"github.com/golangci/golangci-lint/v2/pkg/exitcodes"

	_ "github.com/flaggen/flaggen/analyzer/golangci" // registers the flaggen plugin
)

func main() {
	if err := commands.Execute(buildInfo()); err != nil {
		fmt.Fprintf(os.Stderr, "golangci-lint-flaggen: %v\n", err)
		os.Exit(exitcodes.Failure)
	}
}

// buildInfo is what golangci-lint-flaggen version prints: the versions
// of golangci-lint and of the plugin built in, and the Go that built
// them.
func buildInfo() commands.BuildInfo {
	info := commands.BuildInfo{Version: "(unknown)", Commit: "(unknown)", Date: "(unknown)", GoVersion: "(unknown)"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	info.GoVersion = bi.GoVersion
	versions := map[string]string{}
	for _, m := range bi.Deps {
		versions[m.Path] = m.Version
		if m.Replace != nil {
			versions[m.Path] = "(devel, " + m.Replace.Path + ")"
		}
	}
	info.Version = fmt.Sprintf("%s with the flaggen plugin %s",
		strings.TrimPrefix(versions["github.com/golangci/golangci-lint/v2"], "v"),
		versions["github.com/flaggen/flaggen/analyzer/golangci"])
	return info
}
