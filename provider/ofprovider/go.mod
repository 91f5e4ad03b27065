module github.com/flaggen/flaggen/provider/ofprovider

go 1.26.0

require (
	github.com/flaggen/flaggen v0.0.0-00010101000000-000000000000
	github.com/open-feature/go-sdk v1.20.0
)

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	go.uber.org/mock v0.6.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

// Development from a checkout: build against the root module beside it.
// Builds of other modules ignore this replace, so a release tags the root
// module (vX.Y.Z) and this one (DIR/vX.Y.Z, DIR its directory) and sets
// the require above to the root's tagged version.
replace github.com/flaggen/flaggen => ../..
