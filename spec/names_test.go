package spec

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

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

// goNameReference is GoName as first written, plainly and with an
// allocation or two a word; GoName must agree with it.
func goNameReference(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ' ' }) {
		if isUpperWord(w) {
			w = strings.ToLower(w)
		}
		lw := strings.ToLower(w)
		if initialisms[lw] || initialisms[strings.TrimRight(lw, "0123456789")] {
			b.WriteString(strings.ToUpper(w))
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

func TestGoNameMatchesReference(t *testing.T) {
	// Pieces of names: separators, initialisms, digits, letters whose case
	// mapping changes their length or is irregular.
	pieces := []string{"_", "-", ".", " ", "id", "ID", "Id", "http", "HTTP", "utf8", "2", "0",
		"a", "B", "new", "CHECKOUT", "İ", "ı", "ǅ", "ß", "é", "Ω", "ﬃ", "x", strings.Repeat("9", 40)}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		name := b.String()
		if got, want := GoName(name), goNameReference(name); got != want {
			t.Errorf("GoName(%q) = %q, want %q", name, got, want)
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
