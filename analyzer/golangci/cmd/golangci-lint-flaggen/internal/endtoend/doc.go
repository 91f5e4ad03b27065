// Package endtoend holds the end-to-end test of golangci-lint-flaggen,
// the command two directories up: it builds the command and
// cmd/flaggen, lints the module of testdata/app.txtar with both, and
// compares their findings and fixes. It has no code of its own. It is a
// package apart from the command so that its test binary, which CI
// builds with -race, does not link golangci-lint: compiling
// golangci-lint's packages again with -race takes minutes, and the test
// runs golangci-lint as a command anyway.
package endtoend
