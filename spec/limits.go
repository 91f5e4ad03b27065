package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// The limits [Parse] applies when [Limits] leaves them zero. No real
// flags.toml comes near them: 10,000 flags take about 1.5 MB, the deepest
// path in a valid file has 7 parts (flags.KEY.rules[0].when[0].values),
// and flag keys and variant names are short.
const (
	// DefaultMaxBytes is the largest file accepted: 8 MiB.
	DefaultMaxBytes = 8 << 20
	// DefaultMaxDepth is the most parts the path of a table, key, array
	// or inline table may have. Every table name, dotted-key part and
	// array element on the way counts one: [[flags.KEY.rules]] opens
	// flags.KEY.rules[0], 4 parts; a when key in it is a fifth.
	DefaultMaxDepth = 16
	// DefaultMaxKeyBytes is the longest key path, in bytes: the keys of
	// the headers, inline tables and dotted keys that lead to a key, the
	// key itself included, as written (quotes included), added up.
	DefaultMaxKeyBytes = 512
)

// Sentinel errors for input beyond [Limits], matched with errors.Is on
// the error [Parse] returns. Input beyond a limit is refused before it is
// decoded; the [ErrorList] holds that one error, at the first byte past
// the limit.
var (
	// ErrTooLarge: the file is longer than Limits.MaxBytes.
	ErrTooLarge = errors.New("flags file too large")
	// ErrTooDeep: a value is nested deeper than Limits.MaxDepth.
	ErrTooDeep = errors.New("flags file nested too deep")
	// ErrKeyTooLong: a key path is longer than Limits.MaxKeyBytes.
	ErrKeyTooLong = errors.New("flags file key too long")
)

// Limits bounds the input [Limits.Parse] accepts, so that no document can
// crash the process or cost more than time and memory in proportion to its
// size. They are checked by a single pass over the bytes before the TOML
// decoder runs: the decoder recurses once per level of nesting (a deep
// enough nest overflows the stack, which no recover can catch) and spends
// time and memory in proportion to the depth and length of every key path
// it builds.
//
// The zero Limits means the defaults, [DefaultMaxBytes], [DefaultMaxDepth]
// and [DefaultMaxKeyBytes]; so does a zero or negative field. A live
// source sets MaxBytes to what it is prepared to read and decode: decoding
// allocates up to several hundred times the size of the document. Raising
// MaxDepth or MaxKeyBytes gives hostile input more of the decoder's
// per-level cost and is not needed for any valid file; a MaxDepth above
// 1,000 counts as 1,000, as deeper nesting is never safe to decode.
//
// A Limits is a plain value, safe for concurrent use.
type Limits struct {
	MaxBytes    int // the largest document, in bytes
	MaxDepth    int // the most parts of a path, as DefaultMaxDepth counts them
	MaxKeyBytes int // the longest key path, as DefaultMaxKeyBytes counts it
}

// withDefaults returns l with its zero or negative fields set to the
// defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	l.MaxDepth = min(l.MaxDepth, maxIndexDepth)
	if l.MaxKeyBytes <= 0 {
		l.MaxKeyBytes = DefaultMaxKeyBytes
	}
	return l
}

// Load reads and parses the flags.toml at path within l, reading no more
// of the file than l allows. Positions in errors name the file as path is
// written.
func (l Limits) Load(path string) (*File, error) {
	src, err := l.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return l.Parse(path, src)
}

// ReadFile reads the file at path, or, if it is longer than l.MaxBytes,
// its first MaxBytes+1 bytes: enough for Parse to refuse it as too large
// ([ErrTooLarge]) without holding all of a huge file in memory. Sources
// that hash or keep what they read before parsing it read with it.
func (l Limits) ReadFile(path string) ([]byte, error) {
	l = l.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, int64(l.MaxBytes)+1))
}

// Parse parses and validates src, a flags.toml named name in messages, as
// the package-level [Parse] does, within l.
func (l Limits) Parse(name string, src []byte) (*File, error) {
	l = l.withDefaults()
	if e := l.check(name, src); e != nil {
		return nil, ErrorList{e}
	}
	return parse(name, src)
}

// check reports the first place where src goes beyond l, or nil. It reads
// src once, allocates nothing while src is within l, and stops at the
// first limit exceeded.
func (l Limits) check(name string, src []byte) *Error {
	if len(src) > l.MaxBytes {
		return &Error{Pos: offsetPos(name, src, l.MaxBytes), kind: ErrTooLarge,
			Msg: fmt.Sprintf("the file goes on past the size limit of %s: a flags.toml of 10,000 flags is about 1.5 MB, so check that this is the right file; "+
				"a program reading it can raise spec.Limits.MaxBytes", byteSize(l.MaxBytes))}
	}
	s := limitScanner{cursor: cursor{src: src}, lim: l}
	s.scan()
	if s.err == nil {
		return nil
	}
	e := &Error{Pos: offsetPos(name, src, s.errOff), kind: s.err}
	if s.err == ErrKeyTooLong {
		e.Msg = fmt.Sprintf("key path goes past the length limit of %d bytes: flag keys and variant names are short snake_case names; shorten the keys leading here", l.MaxKeyBytes)
	} else {
		e.Msg = fmt.Sprintf("%s nested more than %d levels deep, past the depth limit: a valid flags.toml needs at most 7 (flags.KEY.rules[0].when[0].values); close the arrays and tables left open, or flatten this", s.errWhat, l.MaxDepth)
	}
	return e
}

// byteSize formats n bytes for a message: in MiB or KiB when it is a whole
// number of them.
func byteSize(n int) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// offsetPos returns the position of byte offset off in src; off may be
// len(src), just past the end. Columns count bytes, a byte-order mark
// included, as everywhere in this package.
func offsetPos(name string, src []byte, off int) Pos {
	off = min(max(off, 0), len(src))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return Pos{Filename: name, Line: bytes.Count(src[:off], []byte{'\n'}) + 1, Col: off - start + 1}
}

// bomLen is the length of the byte-order mark that src starts with, as
// the decoder skips it: UTF-8's, or UTF-16's (which it reads over too).
func bomLen(src []byte) int {
	switch {
	case bytes.HasPrefix(src, []byte("\xef\xbb\xbf")):
		return 3
	case bytes.HasPrefix(src, []byte("\xff\xfe")), bytes.HasPrefix(src, []byte("\xfe\xff")):
		return 2
	}
	return 0
}

// limitScanner finds where a document first goes beyond its limits. It is
// not a TOML parser: it follows only what decides nesting and key paths —
// strings (four kinds), comments, headers, keys and the brackets of arrays
// and inline tables — and does so exactly as the decoder's lexer does for
// every prefix of the input that the lexer accepts, so it never counts less
// than the decoder would build. Past a point the lexer would reject, it
// may count anything: the decoder stops there anyway.
type limitScanner struct {
	cursor
	lim Limits

	// table is the path of the table that key/value pairs at the top
	// level go into: the last header's.
	table path
	// value is the path of the value that the last key names: where a '['
	// or '{' after it opens.
	value path

	err     error  // ErrTooDeep or ErrKeyTooLong, once found
	errOff  int    // where the limit is first exceeded
	errWhat string // what goes past it: "key", "table", "array" or "inline table"
}

// path is how deep a place in the document is: its levels (table names,
// key parts, array elements) and the bytes of its key parts.
type path struct{ depth, keyBytes int }

// openValue is an array or inline table open at the scanner's offset.
type openValue struct {
	table bool // '{' rather than '['
	path  path // the path of the array or table itself
}

// scan reads the whole of s.src, or up to the first limit exceeded. Each
// step consumes at least one byte.
func (s *limitScanner) scan() {
	// open holds the arrays and inline tables open at p, innermost last.
	// A local, so that buf, enough for a real file, stays on the stack.
	var buf [16]openValue
	open := buf[:0]
	s.p = bomLen(s.src)
	// wantKey is set where a key may start: at the start of a top-level
	// line, and after '{' or ',' in an inline table.
	wantKey := true
	for s.p < len(s.src) && s.err == nil {
		c := s.src[s.p]
		switch {
		case c == ' ' || c == '\t':
			s.p++
		case c == '\n' || c == '\r':
			s.p++
			if len(open) == 0 {
				wantKey = true
			}
		case c == '#':
			s.skipComment()
		case wantKey && c == '[' && len(open) == 0:
			s.header()
			wantKey = false
		case wantKey && (c == '"' || c == '\'' || isBareKeyChar(c)):
			base := s.table
			if n := len(open); n > 0 {
				base = open[n-1].path
			}
			s.value = s.key(base, "key")
			wantKey = false
		case c == '"' || c == '\'':
			s.skipString()
			wantKey = false
		case c == '[' || c == '{':
			v := s.value
			if n := len(open); n > 0 && !open[n-1].table {
				v = open[n-1].path
				v.depth++ // an element of the array
			}
			if v.depth > s.lim.MaxDepth {
				what := "array"
				if c == '{' {
					what = "inline table"
				}
				s.fail(ErrTooDeep, s.p, what)
				return
			}
			open = append(open, openValue{table: c == '{', path: v})
			s.p++
			wantKey = c == '{'
		case c == ']' || c == '}':
			// A bracket that closes nothing, or the wrong thing, is a
			// syntax error the decoder stops at.
			if n := len(open); n > 0 {
				open = open[:n-1]
			}
			s.p++
			wantKey = false
		case c == ',':
			s.p++
			n := len(open)
			wantKey = n > 0 && open[n-1].table
		default:
			// A byte of a number, date, boolean or '=', or one the
			// decoder rejects.
			s.p++
			wantKey = false
		}
	}
}

func (s *limitScanner) fail(err error, off int, what string) {
	if s.err == nil {
		s.err, s.errOff, s.errWhat = err, off, what
	}
}

// header reads a [table] or [[array of tables]] header up to its last key
// part, and makes its path the table's. The closing brackets are left to
// scan, which finds no array open and ignores them.
func (s *limitScanner) header() {
	start := s.p
	s.p++
	aot := s.at(s.p) == '['
	if aot {
		s.p++
	}
	s.skipSpace()
	s.table = s.key(path{}, "table")
	if aot { // the element of the array is one more level
		s.table.depth++
		if s.table.depth > s.lim.MaxDepth {
			s.fail(ErrTooDeep, start, "table")
		}
	}
}

// key reads a possibly dotted key whose parts go below base, and returns
// the path it names; what names it in an error, "key" or "table" (in a
// header). It consumes at least one byte when the next is a quote or a
// bare-key byte.
func (s *limitScanner) key(base path, what string) path {
	k := base
	for {
		s.skipSpace()
		start := s.p
		// An empty part (a.=1) is an error the decoder reports after
		// counting it: so count it too.
		s.skipKeyPart()
		k.depth++
		k.keyBytes += s.p - start
		switch {
		case k.depth > s.lim.MaxDepth:
			s.fail(ErrTooDeep, start, what)
		case k.keyBytes > s.lim.MaxKeyBytes:
			s.fail(ErrKeyTooLong, start, what)
		}
		s.skipSpace()
		if s.err != nil || s.p >= len(s.src) || s.src[s.p] != '.' {
			return k
		}
		s.p++
	}
}
