package codegen

import (
	"bytes"
	"fmt"
	doccomment "go/doc/comment"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A template is formatted Go source with holes. jennifer renders the code
// of one shape (a boolean flag; a flag of three variants; a schema entry
// with these fields) once, with a placeholder identifier where each name,
// number, literal or doc comment goes; go/format formats it; and each
// flag of that shape fills the holes with its own text. go/format's cost
// is that of parsing and printing what it formats: formatting each shape
// once instead of each flag keeps generation at 10,000 flags (megabytes of
// Go) within a second.
//
// Filling a hole changes nothing that gofmt decides, as long as what
// fills it is a name, a literal or a doc comment: gofmt breaks no lines;
// it aligns the columns of keys and names, which a template fixes (a
// struct literal's field names) or which stand alone in their column; and
// it rewrites doc comments, which holes are filled with in gofmt's form
// (see gofmtDoc). A value long enough to change gofmt's alignment
// decisions is rendered without a template (see maxLeaves). The tests
// check that every output is gofmt-clean.
type template struct {
	text  []string // text[i] comes before hole i; the last element ends the template
	holes []tmplHole
}

// tmplHole is one hole of a template.
type tmplHole struct {
	value   int    // the index of the value that fills it
	indent  string // the tabs that start the hole's line, written before each further line of the value
	comment bool   // the hole is a comment, "// flaggenHoleNX", that the value replaces
}

// holePrefix starts every placeholder; the generated code has no other
// identifier that starts with it.
const holePrefix = "flaggenHole"

// hole returns the placeholder of the value numbered i: an identifier, or,
// in a comment (jen.Comment(hole(i))), a comment that the value, a whole
// comment, replaces.
func hole(i int) string { return holePrefix + strconv.Itoa(i) + "X" }

// parseTemplate returns the template of src, formatted Go source with
// placeholders.
func parseTemplate(src []byte) (*template, error) {
	s := string(src)
	t := &template{}
	for {
		i := strings.Index(s, holePrefix)
		if i < 0 {
			break
		}
		j := i + len(holePrefix)
		k := j
		for k < len(s) && '0' <= s[k] && s[k] <= '9' {
			k++
		}
		if k == j || k == len(s) || s[k] != 'X' {
			return nil, fmt.Errorf("malformed placeholder in template: %q", s[i:min(len(s), i+40)])
		}
		n, err := strconv.Atoi(s[j:k])
		if err != nil {
			return nil, err
		}
		// In a comment, the value is the whole comment.
		before, comment := strings.CutSuffix(s[:i], "// ")
		line := before[strings.LastIndexByte(before, '\n')+1:]
		indent := line[:len(line)-len(strings.TrimLeft(line, "\t"))]
		t.text = append(t.text, before)
		t.holes = append(t.holes, tmplHole{value: n, indent: indent, comment: comment})
		s = s[k+1:]
	}
	t.text = append(t.text, s)
	return t, nil
}

// fill writes the template with its holes filled by vals.
func (t *template) fill(w *bytes.Buffer, vals []string) {
	for i, h := range t.holes {
		w.WriteString(t.text[i])
		writeIndented(w, vals[h.value], h.indent)
	}
	w.WriteString(t.text[len(t.text)-1])
}

// source returns the template with its placeholders: Go source.
func (t *template) source() []byte {
	var b bytes.Buffer
	for i, h := range t.holes {
		b.WriteString(t.text[i])
		if h.comment {
			b.WriteString("// ")
		}
		b.WriteString(hole(h.value))
	}
	b.WriteString(t.text[len(t.text)-1])
	return b.Bytes()
}

// writeIndented writes s, with indent before each of its lines after the
// first that is not empty.
func writeIndented(w *bytes.Buffer, s, indent string) {
	if indent == "" || !strings.Contains(s, "\n") {
		w.WriteString(s)
		return
	}
	for first := true; ; first = false {
		line, rest, more := strings.Cut(s, "\n")
		if !first && line != "" {
			w.WriteString(indent)
		}
		w.WriteString(line)
		if !more {
			return
		}
		w.WriteByte('\n')
		s = rest
	}
}

// gofmtDoc returns a doc comment, lines each "//…" joined by newlines,
// as gofmt prints a doc comment: go/printer reformats a top-level
// declaration's doc comment with go/doc/comment, as this does, but the
// comments of a template are placeholders, so the text that fills them
// must be in that form already. A comment that gofmt would leave as it
// is, as most generated ones are, is returned without parsing it.
func gofmtDoc(doc string) string {
	if plainDoc(doc) {
		return doc
	}
	// What go/printer's formatDocComment does with a "//" comment.
	var text strings.Builder
	var directives []string
	for line := range strings.SplitSeq(doc, "\n") {
		after := strings.TrimPrefix(line, "//")
		if isDirective(after) {
			directives = append(directives, line)
			continue
		}
		text.WriteString(strings.TrimPrefix(after, " "))
		text.WriteString("\n")
	}
	if text.Len() == 0 {
		return doc
	}
	var p doccomment.Parser
	var pr doccomment.Printer
	out := strings.Split(strings.TrimSuffix(string(pr.Comment(p.Parse(text.String()))), "\n"), "\n")
	for i, line := range out {
		switch {
		case line == "":
			out[i] = "//"
		case strings.HasPrefix(line, "\t"):
			out[i] = "//" + line
		default:
			out[i] = "// " + line
		}
	}
	if len(directives) > 0 {
		out = append(out, "//")
		out = append(out, directives...)
	}
	return strings.Join(out, "\n")
}

// plainDoc reports whether gofmt leaves the doc comment as it is:
// paragraphs of unindented text, none of which could be a heading, a
// list, a code block or a link definition, nor holds two backquotes or
// two single quotes in a row (which go/doc/comment makes curly quotes),
// separated by single "//" lines, with any directives at the end after a
// "//" line.
func plainDoc(doc string) bool {
	paraLen := 0 // lines in the paragraph so far
	var last string
	endPara := func() bool {
		ok := paraLen != 1 || !mayBeHeading(last)
		paraLen = 0
		return ok
	}
	prev := ""
	for rest, more := doc, true; more; {
		var line string
		line, rest, more = strings.Cut(rest, "\n")
		after, ok := strings.CutPrefix(line, "//")
		switch {
		case !ok:
			return false
		case after == "":
			if paraLen == 0 || !endPara() {
				return false // a leading or doubled blank line
			}
		case isDirective(after):
			// Directives end the comment, after a blank line.
			if paraLen != 0 || prev != "//" {
				return false
			}
			for more {
				line, rest, more = strings.Cut(rest, "\n")
				if after, ok := strings.CutPrefix(line, "//"); !ok || !isDirective(after) {
					return false
				}
			}
			return true
		default:
			text, ok := strings.CutPrefix(after, " ")
			if !ok || text == "" || strings.TrimRightFunc(text, unicode.IsSpace) != text {
				return false
			}
			switch text[0] {
			case ' ', '\t', '#', '[':
				return false
			}
			// go/doc/comment turns two backquotes or two single quotes into
			// a curly quote.
			if strings.Contains(text, "``") || strings.Contains(text, "''") {
				return false
			}
			paraLen++
			last = text
		}
		prev = line
	}
	return paraLen > 0 && endPara()
}

// mayBeHeading reports whether a one-line paragraph could be read as a
// heading: it starts with an upper-case letter and ends with a letter or
// digit (go/doc/comment's old-style headings).
func mayBeHeading(line string) bool {
	first, _ := utf8.DecodeRuneInString(line)
	last, _ := utf8.DecodeLastRuneInString(line)
	return unicode.IsUpper(first) && (unicode.IsLetter(last) || unicode.IsDigit(last))
}

// isDirective reports whether c, a "//" comment without its slashes, is a
// directive such as "go:generate" or "flaggen:flag", as go/printer
// decides.
func isDirective(c string) bool {
	if strings.HasPrefix(c, "line ") || strings.HasPrefix(c, "extern ") || strings.HasPrefix(c, "export ") {
		return true
	}
	colon := strings.Index(c, ":")
	if colon <= 0 || colon+1 >= len(c) {
		return false
	}
	for i := 0; i <= colon+1; i++ {
		if i == colon {
			continue
		}
		if b := c[i]; !('a' <= b && b <= 'z' || '0' <= b && b <= '9') {
			return false
		}
	}
	return true
}
