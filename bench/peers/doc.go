// Package peers measures flaggen beside other feature-flag SDKs
// (LaunchDarkly, GrowthBook, Unleash, go-feature-flag, OpenFeature with
// flagd) and a hand-written floor, in process, on the same three
// scenarios and 1,024 user ids. Everything is in its tests:
// BenchmarkRollout, BenchmarkSplit and BenchmarkRule, and TestScenarios,
// which checks that every SDK serves the configured shares. The run
// script beside this file measures and writes RESULTS.md; README.md says
// what each SDK is configured with.
package peers
