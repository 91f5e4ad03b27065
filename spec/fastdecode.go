package spec

import (
	"bytes"
	"strconv"
	"time"
	"unicode/utf8"
)

// This file holds the fast path of parsing: a decoder for the plain TOML
// that flags.toml files are made of, which builds the decoded document
// and its position index in one pass. Parsing a large file is otherwise
// dominated by BurntSushi/toml, which lexes through a channel-like state
// machine and then scans the text a second time for positions.
//
// The fast decoder is conservative. It accepts only a subset of TOML that
// it checks completely, and gives up (returns ok false) on anything else,
// valid or not: then the full decoder and the position scanner run as
// before, and report any error. So it never accepts a document the full
// decoder rejects, nor decodes one differently; FuzzFastDecode checks both
// against BurntSushi/toml. Its subset:
//
//   - [table] and [[array of tables]] headers of bare keys, dotted;
//   - key = value pairs with a bare key, one per line;
//   - one-line basic strings without escapes, and one-line literal strings;
//   - decimal integers and floats without underscores, booleans, local
//     dates (2027-06-30) and offset date-times (2026-11-02T09:00:00Z);
//   - arrays (over several lines, with comments and a trailing comma), and
//     inline tables on one line;
//   - comments, blank lines, LF and CRLF line ends, valid UTF-8.
//
// Anything else (quoted or dotted keys in pairs, escapes, multi-line
// strings, local times, inf and nan, hex or underscored numbers, a byte
// order mark, a redefined table or key) goes the full way.

// fastLocalDate is the location a local date decodes into, as the full
// decoder's: named "date-local", at the local offset.
var fastLocalDate = func() *time.Location {
	_, off := time.Now().Zone()
	return time.FixedZone("date-local", off)
}()

// fastDecoder is the state of one fast decode.
type fastDecoder struct {
	cursor
	str   string
	ix    *index
	depth int
	// cur and curEntry are the table key/value pairs go into.
	cur      map[string]any
	curEntry *indexEntry
	// segs and offs are the segments of the header just read, and their
	// offsets.
	segs []string
	offs []int
}

// fastDecode decodes src, whose text is str, as toml.Decode into a
// map[string]any would, and indexes it as newIndex would. ok is false when
// src is outside the subset described above; raw and ix are then nil.
func fastDecode(filename string, src []byte, str string) (raw map[string]any, ix *index, ok bool) {
	if bomLen(src) > 0 || !utf8.Valid(src) {
		return nil, nil, false
	}
	ix = newIndexOf(filename, src)
	raw = make(map[string]any)
	d := &fastDecoder{
		cursor:   cursor{src: src},
		str:      str,
		ix:       ix,
		cur:      raw,
		curEntry: ix.root,
	}
	ix.root.table = raw
	if !d.document() {
		return nil, nil, false
	}
	return raw, ix, true
}

// document decodes the whole file.
func (d *fastDecoder) document() bool {
	for {
		if !d.blank() {
			return false
		}
		if d.eof() {
			return true
		}
		var ok bool
		if d.src[d.p] == '[' {
			ok = d.header()
		} else {
			ok = d.keyval(d.cur, d.curEntry)
		}
		if !ok || !d.endOfLine() {
			return false
		}
	}
}

// blank skips whitespace, line ends and comments.
func (d *fastDecoder) blank() bool {
	for {
		d.skipSpace()
		if !d.comment() {
			return false
		}
		switch d.at(d.p) {
		case '\n':
			d.p++
		case '\r':
			if d.at(d.p+1) != '\n' {
				return false
			}
			d.p += 2
		default:
			return true
		}
	}
}

// comment skips a comment, if one starts here, up to its line end; it
// reports false for a comment holding a control character, which TOML
// forbids.
func (d *fastDecoder) comment() bool {
	if d.at(d.p) != '#' {
		return true
	}
	end := len(d.src)
	if i := bytes.IndexByte(d.src[d.p:], '\n'); i >= 0 {
		end = d.p + i
		if end > d.p && d.src[end-1] == '\r' {
			end--
		}
	}
	for _, c := range d.src[d.p+1 : end] {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	d.p = end
	return true
}

// endOfLine skips the spaces and comment after a header or pair, and
// reports whether its line ends there.
func (d *fastDecoder) endOfLine() bool {
	d.skipSpace()
	if !d.comment() {
		return false
	}
	switch d.at(d.p) {
	case '\n':
		return true
	case '\r':
		return d.at(d.p+1) == '\n'
	}
	return d.eof()
}

// bareKey reads a bare key, and returns it and its offset.
func (d *fastDecoder) bareKey() (string, int, bool) {
	start := d.p
	for d.p < len(d.src) && isBareKeyChar(d.src[d.p]) {
		d.p++
	}
	return d.str[start:d.p], start, d.p > start
}

// header decodes a [table] or [[array of tables]] header, and makes its
// table the one that the following pairs go into.
func (d *fastDecoder) header() bool {
	start := d.p
	aot := d.at(d.p+1) == '['
	d.p++
	if aot {
		d.p++
	}
	d.segs, d.offs = d.segs[:0], d.offs[:0]
	for {
		d.skipSpace()
		seg, off, ok := d.bareKey()
		if !ok {
			return false
		}
		d.segs, d.offs = append(d.segs, seg), append(d.offs, off)
		d.skipSpace()
		if d.at(d.p) != '.' {
			break
		}
		d.p++
	}
	if d.at(d.p) != ']' || aot && d.at(d.p+1) != ']' {
		return false
	}
	d.p++
	if aot {
		d.p++
	}

	// Every segment but the last names a table, made implicitly if new,
	// or the last element of an array of tables; as newIndex indexes them.
	e, t := d.ix.root, d.ix.root.table
	last := len(d.segs) - 1
	for _, seg := range d.segs[:last] {
		child := d.ix.lookupStep(e, seg)
		if child == nil {
			m := make(map[string]any)
			t[seg] = m
			e = d.ix.addNew(e, seg, start, start, true)
			t, e.table = m, m
			continue
		}
		if !child.headed() {
			return false // a value, or an inline table: not extensible
		}
		e, t = d.ix.add(e, seg, start, start, true), child.table
		if e.aot > 0 {
			e = d.ix.add(e, strconv.Itoa(e.aot-1), start, start, true)
			t = e.table
		}
	}
	seg := d.segs[last]
	child := d.ix.lookupStep(e, seg)
	if child != nil && !child.headed() {
		return false
	}
	if !aot {
		var m map[string]any
		switch {
		case child == nil:
			m = make(map[string]any)
			t[seg] = m
			e = d.ix.addNew(e, seg, start, start, false)
		case !child.implicit:
			return false // defined twice, or an array of tables
		default:
			m = child.table
			e = d.ix.add(e, seg, start, start, false) // now explicit
		}
		e.table = m
		d.cur, d.curEntry = m, e
		return true
	}
	switch {
	case child == nil:
		t[seg] = []map[string]any(nil)
	case child.aot == 0:
		return false
	}
	e = d.ix.add(e, seg, start, start, false)
	elem := strconv.Itoa(e.aot)
	e.array = true
	e.aot++
	m := make(map[string]any)
	t[seg] = append(t[seg].([]map[string]any), m)
	e = d.ix.addNew(e, elem, start, start, false)
	e.table = m
	d.cur, d.curEntry = m, e
	return true
}

// keyval decodes key = value into m, the table whose index entry is e.
func (d *fastDecoder) keyval(m map[string]any, e *indexEntry) bool {
	key, off, ok := d.bareKey()
	if !ok {
		return false
	}
	d.skipSpace()
	if d.at(d.p) != '=' {
		return false // a dotted or quoted key, or no value
	}
	d.p++
	d.skipSpace()
	// e's children are m's keys: a key that has one is defined twice.
	if d.ix.lookupStep(e, key) != nil {
		return false
	}
	v, ok := d.value(d.ix.addNew(e, key, off, d.p, false))
	if !ok {
		return false
	}
	m[key] = v
	return true
}

// value decodes the value starting here, indexing what is inside arrays
// and inline tables under e.
func (d *fastDecoder) value(e *indexEntry) (any, bool) {
	switch c := d.at(d.p); c {
	case '"', '\'':
		return d.string(c)
	case '[', '{':
		if d.depth >= maxIndexDepth {
			return nil, false
		}
		d.depth++
		defer func() { d.depth-- }()
		if c == '[' {
			return d.array(e)
		}
		return d.inlineTable(e)
	}
	return d.scalar()
}

// string decodes a one-line string without escapes, quoted by q.
func (d *fastDecoder) string(q byte) (any, bool) {
	if d.at(d.p+1) == q && d.at(d.p+2) == q {
		return nil, false // multi-line
	}
	start := d.p + 1
	for i := start; i < len(d.src); i++ {
		switch c := d.src[i]; {
		case c == q:
			d.p = i + 1
			return d.str[start:i], true
		case c == '\\' && q == '"', c < 0x20 && c != '\t', c == 0x7f:
			return nil, false // an escape, a line end or a control character
		}
	}
	return nil, false
}

// array decodes an inline array, indexing its elements as children "0",
// "1", … of e.
func (d *fastDecoder) array(e *indexEntry) (any, bool) {
	d.p++ // '['
	e.array = true
	vals := make([]any, 0, 2)
	for i := 0; ; i++ {
		if !d.blank() {
			return nil, false
		}
		if d.at(d.p) == ']' {
			d.p++
			return vals, true
		}
		v, ok := d.value(d.ix.addNew(e, strconv.Itoa(i), d.p, d.p, false))
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
		if !d.blank() {
			return nil, false
		}
		switch d.at(d.p) {
		case ',':
			d.p++
		case ']':
			d.p++
			return vals, true
		default:
			return nil, false
		}
	}
}

// inlineTable decodes { k = v, … } on one line, indexing its keys under e.
func (d *fastDecoder) inlineTable(e *indexEntry) (any, bool) {
	d.p++ // '{'
	m := make(map[string]any)
	d.skipSpace()
	if d.at(d.p) == '}' {
		d.p++
		return m, true
	}
	for {
		d.skipSpace()
		if !d.keyval(m, e) {
			return nil, false
		}
		d.skipSpace()
		switch d.at(d.p) {
		case ',':
			d.p++
		case '}':
			d.p++
			return m, true
		default:
			return nil, false
		}
	}
}

// scalar decodes a boolean, a decimal integer or float, a local date or
// an offset date-time.
func (d *fastDecoder) scalar() (any, bool) {
	start := d.p
	for d.p < len(d.src) {
		switch d.src[d.p] {
		case ' ', '\t', '\r', '\n', ',', ']', '}', '#':
			goto end
		}
		d.p++
	}
end:
	tok := d.str[start:d.p]
	switch {
	case tok == "true":
		return true, true
	case tok == "false":
		return false, true
	case tok == "":
		return nil, false
	}
	if len(tok) >= 10 && tok[4] == '-' {
		return d.datetime(tok)
	}
	return decimal(tok)
}

// datetime decodes a local date, YYYY-MM-DD, or an offset date-time,
// YYYY-MM-DDTHH:MM:SS with optional fractional seconds and Z or ±HH:MM, as
// the full decoder does.
func (d *fastDecoder) datetime(tok string) (any, bool) {
	if !digitsAt(tok, 0, 4) || tok[4] != '-' || !digitsAt(tok, 5, 2) || tok[7] != '-' || !digitsAt(tok, 8, 2) {
		return nil, false
	}
	if len(tok) == 10 {
		// "1979-05-27 07:32:00" is one value, of a kind the fast path
		// leaves alone.
		if d.at(d.p) == ' ' && isASCIIDigit(d.at(d.p+1)) {
			return nil, false
		}
		t, err := time.ParseInLocation("2006-01-02", tok, fastLocalDate)
		return t, err == nil
	}
	if len(tok) < 20 || tok[10] != 'T' || !digitsAt(tok, 11, 2) || tok[13] != ':' || !digitsAt(tok, 14, 2) || tok[16] != ':' || !digitsAt(tok, 17, 2) {
		return nil, false
	}
	rest, ok := fraction(tok[19:])
	switch {
	case !ok:
		return nil, false
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && digitsAt(rest, 1, 2) && rest[3] == ':' && digitsAt(rest, 4, 2):
	default:
		return nil, false
	}
	t, err := time.ParseInLocation(time.RFC3339Nano, tok, time.Local)
	return t, err == nil
}

// digitsAt reports whether s[i:i+n] is n ASCII digits.
func digitsAt(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for _, c := range []byte(s[i : i+n]) {
		if !isASCIIDigit(c) {
			return false
		}
	}
	return true
}

// fraction returns s after the fraction it starts with, a '.' and digits,
// if any; ok is false for a '.' without digits.
func fraction(s string) (rest string, ok bool) {
	if s == "" || s[0] != '.' {
		return s, true
	}
	i := 1
	for i < len(s) && isASCIIDigit(s[i]) {
		i++
	}
	return s[i:], i > 1
}

// decimal decodes a decimal integer (an int64) or float (a float64)
// written without underscores, as TOML spells them: no leading zeros, and
// digits on both sides of a decimal point.
func decimal(tok string) (any, bool) {
	s := tok
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	n := 0
	for n < len(s) && isASCIIDigit(s[n]) {
		n++
	}
	if n == 0 || n > 1 && s[0] == '0' {
		return nil, false
	}
	if n == len(s) {
		i, err := strconv.ParseInt(tok, 10, 64)
		return i, err == nil
	}
	rest, ok := fraction(s[n:])
	if !ok {
		return nil, false
	}
	if rest != "" {
		if rest[0] != 'e' && rest[0] != 'E' {
			return nil, false
		}
		rest = rest[1:]
		if rest != "" && (rest[0] == '+' || rest[0] == '-') {
			rest = rest[1:]
		}
		if rest == "" || !digitsAt(rest, 0, len(rest)) {
			return nil, false
		}
	}
	f, err := strconv.ParseFloat(tok, 64)
	return f, err == nil
}
