package spec

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a flags.toml file. Line and Col start at 1; Col
// counts bytes, as go/scanner does. The zero Pos means "no position".
type Pos struct {
	Filename string
	Line     int
	Col      int
}

// IsValid reports whether p names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as "file:line:col", dropping the parts it lacks.
func (p Pos) String() string {
	s := p.Filename
	if p.IsValid() {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d", p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	if s == "" {
		s = "-"
	}
	return s
}

// Before reports whether p comes before q in the file.
func (p Pos) Before(q Pos) bool {
	if p.Filename != q.Filename {
		return p.Filename < q.Filename
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// ErrSyntax is matched (with errors.Is) by an [ErrorList] that holds a TOML
// syntax error: the file could not be read as TOML at all.
var ErrSyntax = errors.New("toml syntax error")

// Error is one problem in a flags.toml file, at a position.
type Error struct {
	Pos Pos
	Msg string
	// kind is the sentinel e matches, if any: ErrSyntax, ErrTooLarge,
	// ErrTooDeep or ErrKeyTooLong.
	kind error
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Is reports whether e is of the kind target names: [ErrSyntax] for a
// TOML syntax error, [ErrTooLarge], [ErrTooDeep] or [ErrKeyTooLong] for
// input beyond [Limits].
func (e *Error) Is(target error) bool { return e.kind != nil && target == e.kind }

// ErrorList is every problem found in a file, sorted by position, as
// go/scanner.ErrorList is. Its Error method prints one per line.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As each [Error].
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Sort orders l by position, then message.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Pos != l[j].Pos {
			return l[i].Pos.Before(l[j].Pos)
		}
		return l[i].Msg < l[j].Msg
	})
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
