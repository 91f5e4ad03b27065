package spec

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file builds an index from TOML key paths to the places in the source
// where they are written. BurntSushi/toml decodes a document but does not
// say where its keys are, so after it has parsed a file without error the
// validator scans the same bytes again with the small scanner below. The
// scanner only has to find keys and the starts of values; it does not
// check or convert values.
//
// A path is a sequence of key segments as TOML means them (unquoted and
// unescaped), with an array element written as its decimal index:
//
//	[flags.search]          → flags, search
//	"a.b".'c' = 1           → a.b, c
//	[[flags.search.rules]]  → flags, search, rules, 0   (then 1, 2, …)
//	variants = ["a", "b"]   → variants, 0  and  variants, 1
//	when = [{ op = "in" }]  → when, 0, op

// maxIndexDepth bounds the nesting of arrays and inline tables the scanner
// follows, so that hostile input cannot exhaust the stack. Real files never
// come near it; deeper input is treated as malformed.
const maxIndexDepth = 1000

// index maps the key paths of a TOML document to where they are written.
// The zero of its methods' results (and a nil *index) mean "not written".
type index struct {
	filename string
	// lines holds the byte offset at which each line starts; lines[0] is 0.
	lines   []int
	entries map[string]*indexEntry // by pathKey
}

// indexEntry is one indexed path: a key, a table or an array element.
type indexEntry struct {
	key, val int // byte offsets of the key and of the value's first byte
	// implicit is set for a table that so far exists only because a longer
	// header or dotted key mentions it. A header that later defines the
	// table explicitly moves key and val to itself.
	implicit bool
	// array is set for an array, inline or of tables: its children are
	// element indices.
	array bool
	// aot counts the [[header]] elements of an array of tables; zero for
	// anything else.
	aot int
	// children are the direct child segments, in first-written order.
	children []string
}

// buildIndex scans src, which BurntSushi/toml has already parsed without
// error, and indexes every key, table and array element in it. It never
// panics and always terminates: on malformed input it stops at the first
// thing it does not understand and returns what it has indexed so far.
func buildIndex(filename string, src []byte) *index {
	ix := &index{
		filename: filename,
		lines:    []int{0},
		entries:  map[string]*indexEntry{"": {}}, // the root table
	}
	for i, c := range src {
		if c == '\n' {
			ix.lines = append(ix.lines, i+1)
		}
	}
	s := &indexScanner{src: src, ix: ix}
	// Skip a byte order mark as the decoder does. Columns on line 1 still
	// count the mark's bytes.
	s.p = bomLen(src)
	s.document()
	return ix
}

// key returns the position of the key at path. For a [table] or an
// [[array]] element it is the header's first '['; for a dotted key it is the
// segment's own first byte (its opening quote, if quoted); for an element
// of an inline array it is the element's first byte. The root (an empty
// path) has no position.
func (ix *index) key(path ...string) (Pos, bool) {
	e := ix.lookup(path)
	if e == nil || len(path) == 0 {
		return Pos{}, false
	}
	return ix.pos(e.key), true
}

// value returns the position of the first byte of the value at path: the
// '[' or '{' of an inline array or table. For a table written as a header,
// or implied by a header or dotted key, it is the same as key.
func (ix *index) value(path ...string) (Pos, bool) {
	e := ix.lookup(path)
	if e == nil || len(path) == 0 {
		return Pos{}, false
	}
	return ix.pos(e.val), true
}

// children returns the direct child segments of the table, array or array
// element at path, in the order they are first written, without
// duplicates. With no path it lists the top-level keys. Array elements are
// listed as "0", "1", …. The result is a fresh slice.
func (ix *index) children(path ...string) []string {
	e := ix.lookup(path)
	if e == nil || len(e.children) == 0 {
		return nil
	}
	return append([]string(nil), e.children...)
}

func (ix *index) lookup(path []string) *indexEntry {
	if ix == nil {
		return nil
	}
	return ix.entries[pathKey(path)]
}

// pos converts a byte offset into a position.
func (ix *index) pos(off int) Pos {
	// line is the number of lines starting at or before off: 1-based.
	line := sort.Search(len(ix.lines), func(i int) bool { return ix.lines[i] > off })
	return Pos{Filename: ix.filename, Line: line, Col: off - ix.lines[line-1] + 1}
}

// add records path with the given offsets and returns its entry. Parents
// not yet indexed are added as implicit tables at the same offsets. A path
// already indexed keeps its first offsets, unless it was implicit and this
// is an explicit definition.
func (ix *index) add(path []string, key, val int, implicit bool) *indexEntry {
	k := pathKey(path)
	if e := ix.entries[k]; e != nil {
		if e.implicit && !implicit {
			e.key, e.val, e.implicit = key, val, false
		}
		return e
	}
	parent := ix.lookup(path[:len(path)-1])
	if parent == nil {
		parent = ix.add(path[:len(path)-1], key, val, true)
	}
	parent.children = append(parent.children, path[len(path)-1])
	e := &indexEntry{key: key, val: val, implicit: implicit}
	ix.entries[k] = e
	return e
}

// pathKey encodes a path as a map key. Each segment is length-prefixed, so
// no choice of segment text can make two paths collide.
func pathKey(path []string) string {
	var b strings.Builder
	for _, seg := range path {
		b.WriteString(strconv.Itoa(len(seg)))
		b.WriteByte(':')
		b.WriteString(seg)
	}
	return b.String()
}

// join returns a new slice holding path followed by segs, so that paths
// stored or passed on never share a backing array.
func joinPath(path []string, segs ...string) []string {
	out := make([]string, 0, len(path)+len(segs))
	return append(append(out, path...), segs...)
}

// indexScanner walks the source once, adding to ix as it goes. Every
// method that reads something returns false if the input is malformed
// there; the caller then gives up. Each loop either consumes at least one
// byte per iteration or returns, so scanning always terminates.
type indexScanner struct {
	src   []byte
	p     int // offset of the next unread byte
	depth int // current nesting of arrays and inline tables
	ix    *index
}

// at returns the byte at offset i, or 0 past the end. Callers never treat
// 0 as meaningful, so a NUL in the input is simply not matched.
func (s *indexScanner) at(i int) byte {
	if i < len(s.src) {
		return s.src[i]
	}
	return 0
}

func (s *indexScanner) eof() bool { return s.p >= len(s.src) }

// skipSpace skips spaces and tabs.
func (s *indexScanner) skipSpace() {
	for !s.eof() && (s.src[s.p] == ' ' || s.src[s.p] == '\t') {
		s.p++
	}
}

// skipComment skips a comment up to, not including, its end of line.
func (s *indexScanner) skipComment() {
	if s.at(s.p) != '#' {
		return
	}
	for !s.eof() && s.src[s.p] != '\n' {
		s.p++
	}
}

// skipBlank skips whitespace, newlines (LF or CRLF) and comments.
func (s *indexScanner) skipBlank() {
	for {
		s.skipSpace()
		s.skipComment()
		if c := s.at(s.p); c != '\n' && c != '\r' {
			return
		}
		s.p++
	}
}

// endOfLine skips trailing whitespace and a comment after a key/value pair
// or header, and reports whether the line really ends there.
func (s *indexScanner) endOfLine() bool {
	s.skipSpace()
	s.skipComment()
	c := s.at(s.p)
	return s.eof() || c == '\n' || c == '\r'
}

// document scans the whole file: headers and key/value pairs, each on its
// own line.
func (s *indexScanner) document() {
	var table []string // path of the table that key/value pairs go into
	for {
		s.skipBlank()
		if s.eof() {
			return
		}
		if s.src[s.p] == '[' {
			start := s.p
			aot := s.at(s.p+1) == '[' // "[[" is always an array of tables here
			s.p++
			if aot {
				s.p++
			}
			s.skipSpace()
			segs, _, ok := s.key()
			if !ok {
				return
			}
			s.skipSpace()
			if s.at(s.p) != ']' || aot && s.at(s.p+1) != ']' {
				return
			}
			s.p++
			if aot {
				s.p++
			}
			table = s.header(segs, start, aot)
		} else {
			segs, offs, ok := s.key()
			if !ok || !s.keyval(table, segs, offs) {
				return
			}
		}
		if !s.endOfLine() {
			return
		}
	}
}

// header indexes a [table] or [[array of tables]] header written at start
// with key segments segs, and returns the path of the table that the
// following key/value pairs belong to.
func (s *indexScanner) header(segs []string, start int, aot bool) []string {
	// A header names arrays of tables without their indices: [[a.b]] then
	// [[a.b.c]] means c inside the last element of a.b so far. Resolve
	// every segment but the last to that element.
	var path []string
	for i, seg := range segs {
		path = joinPath(path, seg)
		if i == len(segs)-1 {
			break
		}
		if e := s.ix.lookup(path); e != nil && e.aot > 0 {
			path = joinPath(path, strconv.Itoa(e.aot-1))
		}
	}
	e := s.ix.add(path, start, start, false)
	if !aot {
		return path
	}
	elem := joinPath(path, strconv.Itoa(e.aot))
	e.array = true
	e.aot++
	s.ix.add(elem, start, start, false)
	return elem
}

// key scans a possibly dotted key, returning its unquoted segments and the
// offset of each. It stops before the whitespace following the key.
func (s *indexScanner) key() (segs []string, offs []int, ok bool) {
	for {
		s.skipSpace()
		start := s.p
		var seg string
		switch s.at(s.p) {
		case '"':
			if seg, ok = s.basicString(); !ok {
				return nil, nil, false
			}
		case '\'':
			if seg, ok = s.literalString(); !ok {
				return nil, nil, false
			}
		default:
			for !s.eof() && isBareKeyChar(s.src[s.p]) {
				s.p++
			}
			if s.p == start {
				return nil, nil, false
			}
			seg = string(s.src[start:s.p])
		}
		segs = append(segs, seg)
		offs = append(offs, start)
		s.skipSpace()
		if s.at(s.p) != '.' {
			return segs, offs, true
		}
		s.p++
	}
}

// keyval scans "= value" after a key with segments segs at offsets offs,
// indexing it relative to the table at base.
func (s *indexScanner) keyval(base, segs []string, offs []int) bool {
	s.skipSpace()
	if s.at(s.p) != '=' {
		return false
	}
	s.p++
	s.skipSpace()
	// Every segment of a dotted key is a table (implicit parents) but the
	// last; each is positioned at its own segment.
	path := base
	for i, seg := range segs[:len(segs)-1] {
		path = joinPath(path, seg)
		s.ix.add(path, offs[i], offs[i], true)
	}
	path = joinPath(path, segs[len(segs)-1])
	s.ix.add(path, offs[len(offs)-1], s.p, false)
	return s.value(path)
}

// value scans the value at path, indexing what is inside arrays and
// inline tables. It consumes at least one byte or returns false.
func (s *indexScanner) value(path []string) bool {
	switch s.at(s.p) {
	case '"', '\'':
		return s.skipString()
	case '[', '{':
		if s.depth >= maxIndexDepth {
			return false
		}
		s.depth++
		defer func() { s.depth-- }()
		if s.src[s.p] == '[' {
			return s.array(path)
		}
		return s.inlineTable(path)
	}
	return s.bareValue()
}

// array scans an inline array, indexing its elements as path, "0", ….
// Newlines and comments may appear between elements, and a trailing comma
// before ']' is allowed.
func (s *indexScanner) array(path []string) bool {
	s.p++ // '['
	// The caller has indexed path already; the check only guards the nil.
	if e := s.ix.lookup(path); e != nil {
		e.array = true
	}
	for i := 0; ; i++ {
		s.skipBlank()
		if s.at(s.p) == ']' {
			s.p++
			return true
		}
		if s.eof() {
			return false
		}
		elem := joinPath(path, strconv.Itoa(i))
		s.ix.add(elem, s.p, s.p, false)
		if !s.value(elem) {
			return false
		}
		s.skipBlank()
		switch s.at(s.p) {
		case ',':
			s.p++
		case ']':
			s.p++
			return true
		default:
			return false
		}
	}
}

// inlineTable scans { k = v, … }, indexing its keys under path. Newlines,
// comments and a trailing comma are accepted as TOML 1.1 allows.
func (s *indexScanner) inlineTable(path []string) bool {
	s.p++ // '{'
	for {
		s.skipBlank()
		if s.at(s.p) == '}' {
			s.p++
			return true
		}
		segs, offs, ok := s.key()
		if !ok || !s.keyval(path, segs, offs) {
			return false
		}
		s.skipBlank()
		switch s.at(s.p) {
		case ',':
			s.p++
		case '}':
			s.p++
			return true
		default:
			return false
		}
	}
}

// bareValue skips a number, boolean, inf/nan or date/time. A date followed
// by a space and a time ("1979-05-27 07:32:00") is one value.
func (s *indexScanner) bareValue() bool {
	start := s.p
	s.skipBare()
	if s.p == start {
		return false
	}
	if isLocalDate(s.src[start:s.p]) && s.at(s.p) == ' ' &&
		isASCIIDigit(s.at(s.p+1)) && isASCIIDigit(s.at(s.p+2)) && s.at(s.p+3) == ':' {
		s.p++
		s.skipBare()
	}
	return true
}

// skipBare skips up to whatever ends a bare value.
func (s *indexScanner) skipBare() {
	for !s.eof() {
		switch s.src[s.p] {
		case ' ', '\t', '\r', '\n', ',', ']', '}', '#':
			return
		}
		s.p++
	}
}

// skipString skips a string value in any of the four forms.
func (s *indexScanner) skipString() bool {
	q := s.src[s.p]
	if s.at(s.p+1) == q && s.at(s.p+2) == q {
		return s.skipMultiline(q)
	}
	var ok bool
	if q == '"' {
		_, ok = s.basicString()
	} else {
		_, ok = s.literalString()
	}
	return ok
}

// skipMultiline skips a multi-line string, newlines included: basic when q
// is a double quote, literal when q is a single quote. Up to two quotes may
// come right before the closing three, so a run of three or more quotes
// ends the string after the whole run. In a basic string a backslash
// escapes the next byte.
func (s *indexScanner) skipMultiline(q byte) bool {
	s.p += 3
	for !s.eof() {
		switch c := s.src[s.p]; {
		case c == '\\' && q == '"':
			s.p = min(s.p+2, len(s.src))
		case c == q:
			n := 0
			for s.at(s.p) == q {
				s.p++
				n++
			}
			if n >= 3 {
				return true
			}
		default:
			s.p++
		}
	}
	return false
}

// basicString scans a one-line "…" string and returns its unescaped text.
// Unknown or truncated escapes are kept as written rather than rejected:
// the input is known to be valid, and the result only matters for keys.
func (s *indexScanner) basicString() (string, bool) {
	s.p++ // '"'
	var b []byte
	for !s.eof() {
		c := s.src[s.p]
		switch c {
		case '"':
			s.p++
			return string(b), true
		case '\n':
			return "", false
		case '\\':
			b = s.escape(b)
		default:
			b = append(b, c)
			s.p++
		}
	}
	return "", false
}

// escape appends the meaning of the escape sequence at s.p to b and moves
// past it, consuming at least one byte.
func (s *indexScanner) escape(b []byte) []byte {
	s.p++ // '\\'
	if s.eof() {
		return append(b, '\\')
	}
	c := s.src[s.p]
	s.p++
	switch c {
	case 'b':
		return append(b, '\b')
	case 't':
		return append(b, '\t')
	case 'n':
		return append(b, '\n')
	case 'f':
		return append(b, '\f')
	case 'r':
		return append(b, '\r')
	case 'e': // TOML 1.1
		return append(b, 0x1b)
	case '"', '\\':
		return append(b, c)
	case 'x', 'u', 'U': // \xHH (TOML 1.1), \uHHHH, \UHHHHHHHH: a code point
		n := 2
		switch c {
		case 'u':
			n = 4
		case 'U':
			n = 8
		}
		if s.p+n <= len(s.src) {
			if v, err := strconv.ParseUint(string(s.src[s.p:s.p+n]), 16, 32); err == nil {
				s.p += n
				return utf8.AppendRune(b, rune(v))
			}
		}
	}
	return append(b, '\\', c)
}

// literalString scans a one-line '…' string and returns its text.
func (s *indexScanner) literalString() (string, bool) {
	s.p++ // '\''
	start := s.p
	for !s.eof() {
		switch s.src[s.p] {
		case '\'':
			s.p++
			return string(s.src[start : s.p-1]), true
		case '\n':
			return "", false
		}
		s.p++
	}
	return "", false
}

func isBareKeyChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || isASCIIDigit(c) || c == '_' || c == '-'
}

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }

// isLocalDate reports whether b is exactly a full date, YYYY-MM-DD.
func isLocalDate(b []byte) bool {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return false
	}
	for i, c := range b {
		if i != 4 && i != 7 && !isASCIIDigit(c) {
			return false
		}
	}
	return true
}
