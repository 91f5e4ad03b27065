package spec

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
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
//
// The scanner costs time in proportion to the document and allocates
// little: segments are substrings of the document's text.

// maxIndexDepth bounds the nesting of arrays and inline tables the scanner
// follows, so that hostile input cannot exhaust the stack. [Limits] keeps
// input far shallower before it gets here; deeper input is treated as
// malformed.
const maxIndexDepth = 1000

// index maps the key paths of a TOML document to where they are written.
// The zero of its methods' results (and a nil *index) mean "not written".
//
// It is a tree: each entry lists its children in a chain, and an entry
// with many children (the table of all flags) also maps their segments to
// them. Segments are substrings of the document's text, so that indexing a
// key allocates nothing of its own.
type index struct {
	filename string
	// lines holds the byte offset at which each line starts; lines[0] is 0.
	lines []int
	root  *indexEntry
	// free is where new entries come from, so that they are allocated in
	// blocks rather than one by one.
	free []indexEntry
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
	seg string // the last segment of the entry's path
	// first and last are the first and last child, in first-written order;
	// next is the entry's next sibling.
	first, last, next *indexEntry
	// n counts the children; once there are wideEntry of them, kids maps
	// their segments to them.
	n    int
	kids map[string]*indexEntry
	// table is the fast decoder's (fastdecode.go): the decoded map of a
	// table that a header names or implies; nil for anything else (an
	// array of tables has aot set, and its elements have theirs).
	table map[string]any
}

// headed reports whether the fast decoder made e for a header: a table
// that a header names or implies, or an array of tables. A header may
// extend such an entry, and no other.
func (e *indexEntry) headed() bool { return e.table != nil || e.aot > 0 }

// wideEntry is the number of children from which an entry finds them by a
// map rather than by walking their chain.
const wideEntry = 8

// newIndex scans src, which BurntSushi/toml has already parsed without
// error, and indexes every key, table and array element in it; str is src
// as a string, which key segments are taken from. It never panics and
// always terminates: on malformed input it stops at the first thing it
// does not understand and returns what it has indexed so far.
func newIndex(filename string, src []byte, str string) *index {
	ix := newIndexOf(filename, src)
	s := &indexScanner{cursor: cursor{src: src}, str: str, ix: ix, table: ix.root}
	// Skip a byte order mark as the decoder does. Columns on line 1 still
	// count the mark's bytes.
	s.p = bomLen(src)
	s.document()
	return ix
}

// newIndexOf returns an index of src with its lines and root, and no
// entries yet.
func newIndexOf(filename string, src []byte) *index {
	ix := &index{
		filename: filename,
		lines:    make([]int, 1, 1+bytes.Count(src, []byte{'\n'})),
	}
	for i, c := range src {
		if c == '\n' {
			ix.lines = append(ix.lines, i+1)
		}
	}
	ix.root = ix.newEntry()
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
	if e == nil || e.first == nil {
		return nil
	}
	n := 0
	for c := e.first; c != nil; c = c.next {
		n++
	}
	segs := make([]string, 0, n)
	for c := e.first; c != nil; c = c.next {
		segs = append(segs, c.seg)
	}
	return segs
}

func (ix *index) lookup(path []string) *indexEntry {
	if ix == nil {
		return nil
	}
	e := ix.root
	for _, seg := range path {
		if e = ix.lookupStep(e, seg); e == nil {
			return nil
		}
	}
	return e
}

// lookupStep returns the child seg of e, or nil.
func (ix *index) lookupStep(e *indexEntry, seg string) *indexEntry {
	if e.kids != nil {
		return e.kids[seg]
	}
	for c := e.first; c != nil; c = c.next {
		if c.seg == seg {
			return c
		}
	}
	return nil
}

// pos converts a byte offset into a position.
func (ix *index) pos(off int) Pos {
	// line is the number of lines starting at or before off: 1-based.
	line := sort.Search(len(ix.lines), func(i int) bool { return ix.lines[i] > off })
	return Pos{Filename: ix.filename, Line: line, Col: off - ix.lines[line-1] + 1}
}

func (ix *index) newEntry() *indexEntry {
	if len(ix.free) == 0 {
		ix.free = make([]indexEntry, 256)
	}
	e := &ix.free[0]
	ix.free = ix.free[1:]
	return e
}

// add records the child seg of parent with the given offsets and returns
// its entry. A path already indexed keeps its first offsets, unless it was
// implicit and this is an explicit definition.
func (ix *index) add(parent *indexEntry, seg string, key, val int, implicit bool) *indexEntry {
	if e := ix.lookupStep(parent, seg); e != nil {
		if e.implicit && !implicit {
			e.key, e.val, e.implicit = key, val, false
		}
		return e
	}
	return ix.addNew(parent, seg, key, val, implicit)
}

// addNew is add for a seg that parent does not have yet.
func (ix *index) addNew(parent *indexEntry, seg string, key, val int, implicit bool) *indexEntry {
	e := ix.newEntry()
	e.key, e.val, e.implicit, e.seg = key, val, implicit, seg
	if parent.last == nil {
		parent.first = e
	} else {
		parent.last.next = e
	}
	parent.last = e
	parent.n++
	switch {
	case parent.kids != nil:
		parent.kids[seg] = e
	case parent.n == wideEntry:
		parent.kids = make(map[string]*indexEntry, 2*wideEntry)
		for c := parent.first; c != nil; c = c.next {
			parent.kids[c.seg] = c
		}
	}
	return e
}

// indexScanner walks the source once, adding to ix as it goes. Every
// method that reads something returns false if the input is malformed
// there; the caller then gives up. Each loop either consumes at least one
// byte per iteration or returns, so scanning always terminates.
type indexScanner struct {
	cursor
	str   string // src as a string
	depth int    // current nesting of arrays and inline tables
	ix    *index
	// table is the table that top-level key/value pairs go into.
	table *indexEntry
	// segs and offs are the segments of the last key read and their
	// offsets, reused from key to key.
	segs []string
	offs []int
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
			if !s.key() {
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
			s.header(start, aot)
		} else if !s.key() || !s.keyval(s.table) {
			return
		}
		if !s.endOfLine() {
			return
		}
	}
}

// header indexes a [table] or [[array of tables]] header written at start
// with the key segments just read, and makes the table that the following
// key/value pairs belong to the current one.
func (s *indexScanner) header(start int, aot bool) {
	// A header names arrays of tables without their indices: [[a.b]] then
	// [[a.b.c]] means c inside the last element of a.b so far. Resolve
	// every segment but the last to that element. Tables not yet indexed
	// are implied by the header, at its position.
	e := s.ix.root
	last := len(s.segs) - 1
	for _, seg := range s.segs[:last] {
		e = s.ix.add(e, seg, start, start, true)
		if e.aot > 0 {
			e = s.ix.add(e, strconv.Itoa(e.aot-1), start, start, true)
		}
	}
	e = s.ix.add(e, s.segs[last], start, start, false)
	if aot {
		elem := strconv.Itoa(e.aot)
		e.array = true
		e.aot++
		e = s.ix.add(e, elem, start, start, false)
	}
	s.table = e
}

// key scans a possibly dotted key into s.segs, its unquoted segments, and
// s.offs, the offset of each. It stops before the whitespace following the
// key.
func (s *indexScanner) key() bool {
	s.segs, s.offs = s.segs[:0], s.offs[:0]
	for {
		s.skipSpace()
		start := s.p
		escaped, ok := s.skipKeyPart()
		if !ok {
			return false
		}
		seg := s.str[start:s.p]
		if q := seg[0]; q == '"' || q == '\'' {
			seg = seg[1 : len(seg)-1]
			if escaped {
				seg = unescape(seg)
			}
		}
		s.segs = append(s.segs, seg)
		s.offs = append(s.offs, start)
		s.skipSpace()
		if s.at(s.p) != '.' {
			return true
		}
		s.p++
	}
}

// keyval scans "= value" after the key just read, indexing it relative to
// the table t.
func (s *indexScanner) keyval(t *indexEntry) bool {
	s.skipSpace()
	if s.at(s.p) != '=' {
		return false
	}
	s.p++
	s.skipSpace()
	// Every segment of a dotted key is a table (implicit parents) but the
	// last; each is positioned at its own segment.
	last := len(s.segs) - 1
	for i, seg := range s.segs[:last] {
		t = s.ix.add(t, seg, s.offs[i], s.offs[i], true)
	}
	return s.value(s.ix.add(t, s.segs[last], s.offs[last], s.p, false))
}

// value scans the value of e, indexing what is inside arrays and inline
// tables. It consumes at least one byte or returns false.
func (s *indexScanner) value(e *indexEntry) bool {
	switch s.at(s.p) {
	case '"', '\'':
		_, ok := s.skipString()
		return ok
	case '[', '{':
		if s.depth >= maxIndexDepth {
			return false
		}
		s.depth++
		defer func() { s.depth-- }()
		if s.src[s.p] == '[' {
			return s.array(e)
		}
		return s.inlineTable(e)
	}
	return s.bareValue()
}

// array scans an inline array, indexing its elements as children "0", "1",
// … of e. Newlines and comments may appear between elements, and a
// trailing comma before ']' is allowed.
func (s *indexScanner) array(e *indexEntry) bool {
	s.p++ // '['
	e.array = true
	for i := 0; ; i++ {
		s.skipBlank()
		if s.at(s.p) == ']' {
			s.p++
			return true
		}
		if s.eof() {
			return false
		}
		if !s.value(s.ix.add(e, strconv.Itoa(i), s.p, s.p, false)) {
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

// inlineTable scans { k = v, … }, indexing its keys under e. Newlines,
// comments and a trailing comma are accepted as TOML 1.1 allows.
func (s *indexScanner) inlineTable(e *indexEntry) bool {
	s.p++ // '{'
	for {
		s.skipBlank()
		if s.at(s.p) == '}' {
			s.p++
			return true
		}
		if !s.key() || !s.keyval(e) {
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

// unescape returns the text of the body of a one-line basic string.
// Unknown or truncated escapes are kept as written rather than rejected:
// the input is known to be valid, and the result only matters for keys.
func unescape(body string) string {
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		i++
		if c != '\\' || i == len(body) {
			b.WriteByte(c)
			continue
		}
		c = body[i]
		i++
		switch c {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e': // TOML 1.1
			b.WriteByte(0x1b)
		case '"', '\\':
			b.WriteByte(c)
		case 'x', 'u', 'U': // \xHH (TOML 1.1), \uHHHH, \UHHHHHHHH: a code point
			n := 2
			switch c {
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
			if i+n <= len(body) {
				if v, err := strconv.ParseUint(body[i:i+n], 16, 32); err == nil {
					i += n
					b.WriteRune(rune(v))
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

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
