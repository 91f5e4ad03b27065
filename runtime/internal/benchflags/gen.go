// Package benchflags is generated from flags.toml for runtime's benchmarks.
package benchflags

//go:generate go run ../../../cmd/flaggen generate
