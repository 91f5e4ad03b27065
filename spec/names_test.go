package spec

import "testing"

func TestGoName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"user_id", "UserID"},
		{"NOT_VISIBLE", "NotVisible"},
		{"VISIBLE", "Visible"},
		{"variant_a", "VariantA"},
		{"new_checkout", "NewCheckout"},
		{"api_url", "APIURL"},
		{"v2_search", "V2Search"},
		{"search_v2", "SearchV2"},
		{"http2", "HTTP2"}, // as Go spells it: http.Transport.ForceAttemptHTTP2
		{"utf8_name", "UTF8Name"},
		{"tls13", "TLS13"},
		{"id", "ID"},
		{"ID", "ID"},
		{"user_ID", "UserID"},
		{"Url", "URL"},
		{"identity", "Identity"}, // "id" only as a whole word
		{"control", "Control"},
		{"a", "A"},
		{"a__b", "AB"},
		{"_leading_and_trailing_", "LeadingAndTrailing"},
		{"kebab-case.dotted name", "KebabCaseDottedName"},
		{"alreadyCamel", "AlreadyCamel"},
		{"HTTPServer", "HTTPServer"},
		{"2fa", "2fa"},
		{"", ""},
	} {
		if got := GoName(c.in); got != c.want {
			t.Errorf("GoName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSnakeCaseOf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"NewCheckout", "new_checkout"},
		{"newCheckout", "new_checkout"},
		{"new-checkout", "new_checkout"},
		{"new checkout", "new_checkout"},
		{"NEW_CHECKOUT", "new_checkout"},
		{"new__checkout", "new_checkout"},
		{"-new-checkout-", "new_checkout"},
		{"HTTPServer", "http_server"},
		{"myAPIKey", "my_api_key"},
		{"APIURL", "apiurl"},
		{"v2Search", "v2_search"},
		{"2fa", "flag_2fa"},
		{"new_checkout", "new_checkout"},
		{"a", "a"},
		{"", ""},
		{"---", ""},
	} {
		if got := snakeCaseOf(c.in); got != c.want {
			t.Errorf("snakeCaseOf(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestVariantNameOf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"NOT-VISIBLE", "NOT_VISIBLE"},
		{"not visible", "not_visible"},
		{"b-c", "b_c"},
		{"50%", "v50"},
		{"1b", "v1b"},
		{"-a-", "a"},
		{"a__b", "a_b"},
		{"Über", ""},
		{"", ""},
		{"%", ""},
	} {
		if got := variantNameOf(c.in); got != c.want {
			t.Errorf("variantNameOf(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	ops := opNames()
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
		{"", []string{"a"}, ""},
	} {
		if got := suggest(c.word, c.candidates); got != c.want {
			t.Errorf("suggest(%q, %v) = %q, want %q", c.word, c.candidates, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
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
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := editDistance(c.b, c.a); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d (symmetry)", c.b, c.a, got, c.want)
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
