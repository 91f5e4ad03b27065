package suggest

import "testing"

func TestClosest(t *testing.T) {
	// The key and operator lists of flags.toml, the validator's candidates.
	flagKeys := []string{"description", "owner", "expires", "go_name", "variants", "variant_go_names",
		"default", "enabled", "killed", "salt", "bucket_by", "rollout", "split", "schedule", "rules",
		"overrides", "deprecated", "removed"}
	ruleKeys := []string{"users", "groups", "when", "serve", "split", "rollout"}
	conditionKeys := []string{"attribute", "op", "value", "values"}
	ops := []string{"equals", "not_equals", "in", "not_in", "lt", "lte", "gt", "gte",
		"semver_eq", "semver_lt", "semver_lte", "semver_gt", "semver_gte"}
	// The analyzer's candidates: flag keys.
	keys := []string{"search", "new_checkout", "holiday", "my_new_feature", "ab"}
	for _, c := range []struct {
		word       string
		candidates []string
		want       string
	}{
		{"descripton", flagKeys, "description"},
		{"owenr", flagKeys, "owner"},
		{"Expires", flagKeys, "expires"},
		{"variant", flagKeys, "variants"},
		{"rollouts", flagKeys, "rollout"},
		{"bogus", flagKeys, ""},
		{"serv", ruleKeys, "serve"},
		{"vaule", conditionKeys, "value"},
		{"flag", []string{"flags"}, "flags"},
		{"x", []string{"flags"}, ""},
		// Equally close, the candidate holding every typed letter wins.
		{"semver_ge", ops, "semver_gte"},
		{"semver_le", ops, "semver_lte"},
		{"ge", ops, "gte"},
		{"semver_gt", ops, "semver_gt"},
		{"notin", ops, "not_in"},
		{"not_equal", ops, "not_equals"},
		{"equal", ops, "equals"},
		// Case is ignored, the candidate is returned as written.
		{"visible", []string{"VISIBLE", "NOT_VISIBLE"}, "VISIBLE"},
		{"contrl", []string{"control", "treatment"}, "control"},
		// A one-letter word is not a typo of another one-letter word.
		{"c", []string{"a", "b"}, ""},
		{"a", []string{"a", "b"}, "a"},
		{"ab", []string{"a", "b"}, "a"},
		{"anything", nil, ""},
		{"serch", keys, "search"},
		{"Search", keys, "search"},
		{"holidy", keys, "holiday"},
		{"new_chekcout", keys, "new_checkout"},
		{"MY_NEW_FEATURE", keys, "my_new_feature"},
		{"newcheckout", keys, "new_checkout"},
		{"checkout", keys, "new_checkout"},
		{"xyz", keys, ""},
		{"", []string{"a"}, ""},
	} {
		if got := Closest(c.word, c.candidates); got != c.want {
			t.Errorf("Closest(%q, %v) = %q, want %q", c.word, c.candidates, got, c.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"abc", "abc", 0},
		{"kitten", "sitting", 3},
		{"flaw", "lawn", 2},
		{"serve", "srve", 1},
		{"ab", "ba", 2}, // no transpositions
		{"Abc", "abc", 1},
		{"é", "e", 2}, // bytes, not runes
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Distance(c.b, c.a); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetry)", c.b, c.a, got, c.want)
		}
	}
}

func TestIsSubsequence(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"", "abc", true},
		{"ge", "gte", true},
		{"ge", "gt", false},
		{"abc", "ab", false},
		{"ba", "ab", false},
	} {
		if got := isSubsequence(c.a, c.b); got != c.want {
			t.Errorf("isSubsequence(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
