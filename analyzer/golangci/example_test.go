package golangci_test

import (
	"fmt"

	"github.com/flaggen/flaggen/analyzer/golangci"
)

// golangci-lint calls New with the settings of .golangci.yml, and runs
// the analyzers of the plugin it returns.
func ExampleNew() {
	p, err := golangci.New(map[string]any{"now": "2026-12-01"})
	if err != nil {
		panic(err)
	}
	analyzers, err := p.BuildAnalyzers()
	if err != nil {
		panic(err)
	}
	for _, a := range analyzers {
		fmt.Println(a.Name, "as of", a.Flags.Lookup("now").Value)
	}

	_, err = golangci.New(map[string]any{"nwo": "2026-12-01"})
	fmt.Println(err)
	// Output:
	// flaggen as of 2026-12-01
	// unknown setting "nwo"; the settings are: now (the date to judge expiry as of, YYYY-MM-DD)
}
