package peers

import (
	"math"
	"strconv"
	"testing"
)

// A peer answers the three scenarios for one SDK the way a request handler
// would: each call builds the SDK's own subject (user, context, attributes)
// from the request's user id and group, then evaluates one flag through
// the SDK's public API. Implementations are safe for use by one goroutine.
type peer interface {
	// rollout evaluates scenario a, a 25% boolean rollout.
	rollout(id string) bool
	// split evaluates scenario b, the 50/25/25 split over control,
	// variant_a and variant_b, and returns the variant's name.
	split(id string) string
	// rule evaluates scenario c: on for the group beta, else a 10%
	// rollout.
	rule(id, group string) bool
}

// An sdk is one row of the comparison: its name in benchmark names and
// RESULTS.md, and how to set it up. open fails tb when the SDK does not
// start, and registers with tb.Cleanup whatever has to be closed.
type sdk struct {
	name string
	open func(tb testing.TB) peer
}

// sdks are the rows, the floor first.
var sdks = []sdk{
	{"floor", openFloor},
	{"flaggen", openFlaggen},
	{"LaunchDarkly", openLaunchDarkly},
	{"GrowthBook", openGrowthBook},
	{"Unleash", openUnleash},
	{"go-feature-flag", openGoFeatureFlag},
	{"OpenFeature+flagd", openFlagd},
}

// ids are the 1,024 user ids every scenario of every SDK cycles through.
var ids = func() []string {
	s := make([]string, 1024)
	for i := range s {
		s[i] = "user-" + strconv.Itoa(i)
	}
	return s
}()

// otherGroup is the group of the requests that scenario c's rule does not
// match, so that they go on to its rollout.
const otherGroup = "staff"

// tolerance is how far, in percentage points, a share of the 1,024 ids
// may be from its configured percentage. Each SDK hashes differently; 6
// points is more than four standard deviations of a 25% share of 1,024
// (1.35 points) and still far from what a misconfigured flag serves
// (0 or 100%).
const tolerance = 6.0

// TestScenarios checks that every SDK evaluates what the benchmarks mean
// it to: for the 1,024 ids, shares near the configured percentages, and
// the beta group always on. A flag an SDK failed to load would serve its
// default to everyone and fail here.
func TestScenarios(t *testing.T) {
	for _, s := range sdks {
		t.Run(s.name, func(t *testing.T) {
			p := s.open(t)
			var rollout, rule, beta int
			split := map[string]int{}
			for _, id := range ids {
				if p.rollout(id) {
					rollout++
				}
				split[p.split(id)]++
				if p.rule(id, otherGroup) {
					rule++
				}
				if p.rule(id, "beta") {
					beta++
				}
			}
			t.Logf("rollout %d, split %v, rule %d (beta %d) of %d ids", rollout, split, rule, beta, len(ids))
			checkShare(t, "rollout: on", rollout, 25)
			checkShare(t, "split: control", split["control"], 50)
			checkShare(t, "split: variant_a", split["variant_a"], 25)
			checkShare(t, "split: variant_b", split["variant_b"], 25)
			if n := split["control"] + split["variant_a"] + split["variant_b"]; n != len(ids) {
				t.Errorf("split: got %d known variants of %d (%v), want all", n, len(ids), split)
			}
			checkShare(t, "rule, group "+otherGroup+": on", rule, 10)
			if beta != len(ids) {
				t.Errorf("rule, group beta: got %d of %d on, want all", beta, len(ids))
			}
		})
	}
}

// checkShare fails t when n of the ids is not within tolerance of want
// percent.
func checkShare(t *testing.T, what string, n int, want float64) {
	t.Helper()
	got := 100 * float64(n) / float64(len(ids))
	if math.Abs(got-want) > tolerance {
		t.Errorf("%s: got %.1f%% (%d of %d), want %.0f%% ± %.0f", what, got, n, len(ids), want, tolerance)
	}
}
