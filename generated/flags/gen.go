// Package flags is generated from the repository's flags.toml; the
// examples and tests use it. Regenerate with go generate.
package flags

//go:generate go run ../../cmd/flaggen generate
