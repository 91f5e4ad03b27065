package codegen

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/flaggen/flaggen/spec"
)

// comment returns a // comment made of text, with no final newline, as
// commentText writes it.
func comment(text ...string) *jen.Statement {
	return linesComment(commentText(text...))
}

// linesComment returns the comment text, lines each "//…", as jennifer
// code, with no final newline.
func linesComment(text string) *jen.Statement {
	s := jen.Null()
	if text == "" {
		return s
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			s.Line()
		}
		s.Comment(line)
	}
	return s
}

// commentText returns the lines of a // comment made of text, joined by
// newlines. Each element of text may hold several lines; an empty element
// separates paragraphs. Runs of empty lines collapse into one, and empty
// lines at either end are dropped, so callers can pass optional
// paragraphs as "".
//
// Every line is a // line comment (never /* */), so text may hold "*/",
// backquotes or any Unicode; characters a Go source file may not contain
// are replaced.
func commentText(text ...string) string {
	var b strings.Builder
	started, blank := false, false
	for _, t := range text {
		if t == "" {
			blank = started
			continue
		}
		for {
			line, rest, more := strings.Cut(t, "\n")
			line = strings.TrimRightFunc(clean(line), unicode.IsSpace)
			if line == "" {
				blank = started
			} else {
				if started {
					b.WriteByte('\n')
					if blank {
						b.WriteString("//\n")
					}
				}
				started, blank = true, false
				b.WriteString("// ")
				b.WriteString(line)
			}
			if !more {
				break
			}
			t = rest
		}
	}
	return b.String()
}

// clean replaces the characters a Go comment or source file cannot hold:
// invalid UTF-8, control characters other than tab, and the byte order
// mark. Carriage returns are dropped.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return -1
		case r == '\t':
			return r
		case r < ' ', r == 0x7f, r == '\uFEFF':
			return '\uFFFD'
		}
		return r
	}, s)
}

// doc formats a paragraph of a doc comment and wraps it into lines.
func doc(format string, args ...any) string {
	return wrap(oneLine(fmt.Sprintf(format, args...)))
}

// wrapWidth is the width doc wraps paragraphs to, not counting "// ".
const wrapWidth = 72

// wrap breaks a one-line paragraph into lines of at most wrapWidth bytes
// where it can, between words.
func wrap(s string) string {
	if len(s) <= wrapWidth && isOneLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/wrapWidth)
	n := 0
	for i, w := range strings.Fields(s) {
		switch {
		case i == 0:
		case n+1+len(w) > wrapWidth:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// oneLine returns s cleaned and with every run of white space, newlines
// included, turned into one space.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	return strings.Join(strings.Fields(clean(s)), " ")
}

// isClean reports whether clean(s) is s.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < ' ' && b != '\t' || b == 0x7f || b >= utf8.RuneSelf {
			return isCleanSlow(s)
		}
	}
	return true
}

// isCleanSlow is isClean for strings that are not all printable ASCII.
func isCleanSlow(s string) bool {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		case r == '\r', r == 0x7f, r == '\uFEFF':
			return false
		case r < ' ' && r != '\t':
			return false
		}
	}
	return true
}

// isOneLine reports whether oneLine(s) is s: printable ASCII words
// separated by single spaces.
func isOneLine(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		case b < ' ' || b >= 0x7f:
			return false
		}
	}
	return true
}

// aboutFlag returns the paragraphs every doc comment of fl shares: its
// description, its owner and expiry, and whether it has settled.
func aboutFlag(fl *spec.Flag) string {
	var paras []string
	if d := strings.TrimSpace(fl.Description); d != "" {
		paras = append(paras, d)
	}
	var meta []string
	if o := oneLine(fl.Owner); o != "" {
		meta = append(meta, sentence("Owner: "+o))
	}
	if !fl.Expires.IsZero() {
		meta = append(meta, "Expires: "+fl.Expires.String()+".")
	}
	if len(meta) > 0 {
		paras = append(paras, wrap(strings.Join(meta, " ")))
	}
	if v, since, ok := fl.Settled(); ok {
		s := "Settled: every request gets " + variantName(fl, v)
		if !since.IsZero() {
			s = "Settled: from " + since.String() + ", every request gets " + variantName(fl, v)
		}
		paras = append(paras, wrap(s+"; remove the flag and keep that code path."))
	}
	return strings.Join(paras, "\n\n")
}

// deprecation returns the "Deprecated:" paragraph of a deprecated or
// removed flag, or "".
func deprecation(fl *spec.Flag) string {
	if r := fl.Removed; r != nil {
		return doc("Deprecated: removed on %s; every request gets %s. Delete the code that reads it.",
			r.Date, variantName(fl, r.Variant))
	}
	if m := oneLine(fl.Deprecated); m != "" {
		return wrap(sentence("Deprecated: " + m))
	}
	return ""
}

// sentence returns s with a final period unless it already ends a
// sentence.
func sentence(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(".!?…", r) {
		return s
	}
	return s + "."
}
