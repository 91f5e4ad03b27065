// Package peerflags is generated from flags.toml: flaggen's side of the
// peer comparison.
package peerflags

//go:generate go tool flaggen generate
