package spec

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	snakeCase   = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	variantName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	goIdent     = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

// initialisms are the words Go spells in capitals (the list golint used).
var initialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "dns": true,
	"eof": true, "guid": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "lhs": true, "qps": true, "ram": true, "rhs": true,
	"rpc": true, "sla": true, "smtp": true, "sql": true, "ssh": true, "tcp": true,
	"tls": true, "ttl": true, "udp": true, "ui": true, "uid": true, "uuid": true,
	"uri": true, "url": true, "utf8": true, "vm": true, "xml": true, "xmpp": true,
	"xsrf": true, "xss": true,
}

// GoName returns the UpperCamel Go name of a snake_case or SCREAMING_CASE
// name, spelling Go's initialisms in capitals: "user_id" → "UserID",
// "NOT_VISIBLE" → "NotVisible", "variant_a" → "VariantA".
func GoName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for name != "" {
		// The separators are one byte each.
		w := name
		if i := strings.IndexAny(name, "_-. "); i >= 0 {
			w, name = name[:i], name[i+1:]
		} else {
			name = ""
		}
		if w == "" {
			continue
		}
		if isInitialism(w) {
			for _, r := range w {
				b.WriteRune(unicode.ToUpper(r))
			}
			continue
		}
		// A word in capitals is written in lower case, but for its first
		// letter.
		upper := isUpperWord(w)
		r, n := utf8.DecodeRuneInString(w)
		if upper {
			r = unicode.ToLower(r)
		}
		b.WriteRune(unicode.ToUpper(r))
		if !upper {
			b.WriteString(w[n:])
			continue
		}
		for _, r := range w[n:] {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isInitialism reports whether w is an initialism, alone or followed by a
// version number: "id", "http2", "utf8", in any case.
func isInitialism(w string) bool {
	// ToLower returns a lower-case ASCII word, as flag keys are, as it is.
	lower := strings.ToLower(w)
	return initialisms[lower] || initialisms[strings.TrimRight(lower, "0123456789")]
}

// isUpperWord reports whether w has letters and all of them are capitals.
func isUpperWord(w string) bool {
	letters := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsUpper(r)
	}
	return letters
}

// snakeCaseOf suggests a snake_case spelling of a key: "NewCheckout" →
// "new_checkout", "new-checkout" → "new_checkout", "HTTPServer" →
// "http_server".
func snakeCaseOf(s string) string {
	var b strings.Builder
	rs := []rune(s)
	prevLower := false // the previous rune was a lower-case letter or a digit
	for i, r := range rs {
		switch {
		case unicode.IsUpper(r):
			// A word starts at an upper-case letter after a lower-case one,
			// and at the last capital of an acronym followed by a word:
			// "HTTPServer" → "http" + "server".
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || i > 0 && unicode.IsUpper(rs[i-1]) && nextLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if b.Len() == 0 && unicode.IsDigit(r) {
				b.WriteString("flag_")
			}
			b.WriteRune(r)
			prevLower = true
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			prevLower = false
		}
	}
	return strings.Trim(b.String(), "_")
}

// variantNameOf suggests a valid spelling of a variant name, keeping its
// case: "NOT-VISIBLE" → "NOT_VISIBLE", "50%" → "v50". It returns "" when
// it cannot keep the name's letters: for "", "%" or "Über".
func variantNameOf(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			return ""
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if b.Len() == 0 && unicode.IsDigit(r) {
				b.WriteByte('v')
			}
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return strings.TrimRight(b.String(), "_")
}
