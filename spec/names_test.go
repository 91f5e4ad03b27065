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
