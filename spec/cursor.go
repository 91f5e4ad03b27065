package spec

import "bytes"

// cursor reads a TOML document byte by byte: what the two scanners of this
// package, the limit check and the position index, have in common. Every
// method that moves it moves it forward, and never past the end.
type cursor struct {
	src []byte
	p   int // offset of the next unread byte
}

// at returns the byte at offset i, or 0 past the end. Callers never treat
// 0 as meaningful, so a NUL in the input is simply not matched.
func (c *cursor) at(i int) byte {
	if i < len(c.src) {
		return c.src[i]
	}
	return 0
}

func (c *cursor) eof() bool { return c.p >= len(c.src) }

// skipSpace skips spaces and tabs.
func (c *cursor) skipSpace() {
	for c.p < len(c.src) && (c.src[c.p] == ' ' || c.src[c.p] == '\t') {
		c.p++
	}
}

// skipComment skips a comment up to, not including, its end of line.
func (c *cursor) skipComment() {
	if c.at(c.p) != '#' {
		return
	}
	if i := bytes.IndexByte(c.src[c.p:], '\n'); i >= 0 {
		c.p += i
	} else {
		c.p = len(c.src)
	}
}

// skipString skips a string of any of the four kinds, starting at its
// opening quote. It reports whether a one-line basic string holds escapes
// and whether the string ends; a one-line string that does not stops
// before the end of its line.
func (c *cursor) skipString() (escaped, ok bool) {
	q := c.src[c.p]
	if c.at(c.p+1) == q && c.at(c.p+2) == q {
		return false, c.skipMultiline(q)
	}
	c.p++
	for c.p < len(c.src) {
		switch b := c.src[c.p]; {
		case b == q:
			c.p++
			return escaped, true
		case b == '\n':
			return escaped, false
		case b == '\\' && q == '"':
			escaped = true
			c.p = min(c.p+2, len(c.src))
		default:
			c.p++
		}
	}
	return escaped, false
}

// skipMultiline skips a multi-line string, newlines included: basic when q
// is a double quote, literal when q is a single quote. Up to two quotes may
// come right before the closing three, so a run of three or more quotes
// ends the string after the whole run. In a basic string a backslash
// escapes the next byte.
func (c *cursor) skipMultiline(q byte) bool {
	c.p += 3
	for c.p < len(c.src) {
		switch b := c.src[c.p]; {
		case b == '\\' && q == '"':
			c.p = min(c.p+2, len(c.src))
		case b == q:
			n := 0
			for c.at(c.p) == q {
				c.p++
				n++
			}
			if n >= 3 {
				return true
			}
		default:
			c.p++
		}
	}
	return false
}

// skipKeyPart skips one part of a possibly dotted key, quoted or bare.
// It reports whether a quoted part holds escapes, and whether the part is
// well formed: a string that ends, or at least one bare-key byte.
func (c *cursor) skipKeyPart() (escaped, ok bool) {
	if q := c.at(c.p); q == '"' || q == '\'' {
		return c.skipString()
	}
	start := c.p
	for c.p < len(c.src) && isBareKeyChar(c.src[c.p]) {
		c.p++
	}
	return false, c.p > start
}

func isBareKeyChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || isASCIIDigit(c) || c == '_' || c == '-'
}

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }
