module github.com/flaggen/flaggen/analyzer/golangci

go 1.26.0

require (
	github.com/flaggen/flaggen v0.0.0-00010101000000-000000000000
	github.com/golangci/plugin-module-register v0.1.2
	golang.org/x/tools v0.52.0
)

// Development from a checkout: build against the root module beside it.
// Builds of other modules ignore this replace, so a release tags the root
// module (vX.Y.Z) and this one (DIR/vX.Y.Z, DIR its directory) and sets
// the require above to the root's tagged version.
replace github.com/flaggen/flaggen => ../..
