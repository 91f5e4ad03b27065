package fold

import (
	"bytes"
	"go/ast"
	"go/scanner"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// A fix is a set of edits, each replacing a range of the file with
// fragments: literal text, or ranges of the original text (with the fix's
// edits inside them applied in turn, so edits may nest). The code that a
// fix deletes is checked afterwards: it may not hold labels, nor the last
// read of a local variable.

// frag is a fragment of an edit's new text: text, or when r is set, the
// original text in r with nested edits applied.
type frag struct {
	text string
	r    posRange
	trim bool // trim white space off the rendered text of r
	// dedent is the number of tabs to take off the start of each line of
	// the rendered text of r after its first, but for lines that start
	// inside a raw string literal.
	dedent int
}

func lit(s string) frag         { return frag{text: s} }
func orig(r posRange) frag      { return frag{r: r} }
func (f frag) isOriginal() bool { return f.r.pos.IsValid() }

// edit replaces r with frags.
type edit struct {
	r     posRange
	frags []frag
}

// finish computes what the fix deletes and checks it: no labels, no
// branch statements with labels.
func (fx *fixer) finish() bool {
	f := fx.fix
	slices.SortFunc(f.edits, func(a, b edit) int {
		if a.r.pos != b.r.pos {
			return int(a.r.pos - b.r.pos)
		}
		return int(b.r.end - a.r.end)
	})
	// Edits must nest or be disjoint, but for deletions, which may
	// overlap the code kept around them by white space.
	for i := range f.edits {
		for j := i + 1; j < len(f.edits); j++ {
			a, b := f.edits[i], f.edits[j]
			straddle := b.r.pos < a.r.end && b.r.end > a.r.end
			if straddle && (len(a.frags) > 0 && len(b.frags) > 0 || !f.nested(i) && !f.nested(j)) {
				return false
			}
		}
	}
	for _, e := range f.edits {
		f.deleted = append(f.deleted, subtract(e.r, e.frags)...)
	}
	deleted := func(p token.Pos) bool { return inAny(f.deleted, p) }
	info := fx.f.Info
	ok := true
	seen := make(map[*types.Var]bool)
	ast.Inspect(fx.fi.syntax, func(n ast.Node) bool {
		if n == nil || !ok {
			return false
		}
		// Skip subtrees outside every deleted range.
		overlaps := false
		for _, r := range f.deleted {
			if n.Pos() < r.end && r.pos < n.End() {
				overlaps = true
				break
			}
		}
		if !overlaps {
			return false
		}
		if !deleted(n.Pos()) {
			return true
		}
		switch n := n.(type) {
		case *ast.LabeledStmt:
			ok = false
		case *ast.BranchStmt:
			if n.Label != nil {
				ok = false
			}
		case *ast.Ident:
			v, isVar := info.Uses[n].(*types.Var)
			if !isVar || v.IsField() || fx.fi.params[v] || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
				break
			}
			if fx.fi.implicit[v] {
				ok = false
				break
			}
			if !deleted(v.Pos()) && !seen[v] {
				seen[v] = true
				f.locals = append(f.locals, v)
			}
		}
		return ok
	})
	return ok
}

// subtract returns r without the original ranges among frags.
func subtract(r posRange, frags []frag) []posRange {
	var keep []posRange
	for _, f := range frags {
		if f.isOriginal() {
			keep = append(keep, f.r)
		}
	}
	slices.SortFunc(keep, func(a, b posRange) int { return int(a.pos - b.pos) })
	var out []posRange
	p := r.pos
	for _, k := range keep {
		if k.pos > p {
			out = append(out, posRange{p, k.pos})
		}
		p = max(p, k.end)
	}
	if p < r.end {
		out = append(out, posRange{p, r.end})
	}
	return out
}

// nested reports whether edit i lies inside another edit.
func (f *Fix) nested(i int) bool {
	r := f.edits[i].r
	for j, e := range f.edits {
		if j != i && e.r.pos <= r.pos && r.end <= e.r.end && e.r != r {
			return true
		}
	}
	return false
}

// render returns the new text of edit i.
func (f *Fix) render(i int) []byte {
	var buf bytes.Buffer
	f.renderEdit(&buf, i, map[int]bool{i: true})
	return buf.Bytes()
}

// renderEdit writes the new text of edit i; stack holds i and the edits
// being rendered around it.
func (f *Fix) renderEdit(buf *bytes.Buffer, i int, stack map[int]bool) {
	for _, fr := range f.edits[i].frags {
		if !fr.isOriginal() {
			buf.WriteString(fr.text)
			continue
		}
		if fr.trim || fr.dedent > 0 {
			var b bytes.Buffer
			f.renderRange(&b, fr.r, stack)
			text := b.Bytes()
			if fr.trim {
				text = bytes.TrimSpace(text)
			}
			buf.Write(dedent(text, fr.dedent))
			continue
		}
		f.renderRange(buf, fr.r, stack)
	}
}

// renderRange writes the original text of r with the outermost edits
// that overlap it applied. A deletion may overlap r only in part (it
// took in the white space around its statement): it is clipped to r.
func (f *Fix) renderRange(buf *bytes.Buffer, r posRange, stack map[int]bool) {
	var inner []int
	for j, e := range f.edits {
		if !stack[j] && e.r.pos < r.end && r.pos < e.r.end {
			inner = append(inner, j)
		}
	}
	// Keep the outermost: those inside no other.
	outer := inner[:0:0]
	for _, j := range inner {
		rj := f.edits[j].r
		contained := false
		for _, k := range inner {
			rk := f.edits[k].r
			if k != j && rk.pos <= rj.pos && rj.end <= rk.end && (rk != rj || k < j) {
				contained = true
				break
			}
		}
		if !contained {
			outer = append(outer, j)
		}
	}
	base := f.file.tf.Base()
	p := r.pos
	for _, j := range outer { // edits are sorted by position
		e := f.edits[j]
		pos, end := max(e.r.pos, p), min(e.r.end, r.end)
		if pos > end {
			continue
		}
		buf.Write(f.file.src[int(p)-base : int(pos)-base])
		stack[j] = true
		f.renderEdit(buf, j, stack)
		delete(stack, j)
		p = end
	}
	buf.Write(f.file.src[int(p)-base : int(r.end)-base])
}

// dedent returns text, Go statements, with up to n tabs taken off the
// start of each line after the first, but for the lines that start
// inside a raw string literal, whose text is not indentation. (gofmt
// indents a block comment's lines as the code around it.)
func dedent(text []byte, n int) []byte {
	if n <= 0 || !bytes.Contains(text, []byte("\n")) {
		return text
	}
	// The spans of raw string literals.
	var keep []posRange
	fset := token.NewFileSet()
	tf := fset.AddFile("", -1, len(text))
	var sc scanner.Scanner
	sc.Init(tf, text, func(token.Position, string) {}, 0)
	for {
		pos, tok, s := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.STRING && strings.HasPrefix(s, "`") {
			off := token.Pos(tf.Offset(pos))
			keep = append(keep, posRange{off, off + token.Pos(len(s))})
		}
	}
	var out bytes.Buffer
	out.Grow(len(text))
	for i := 0; i < len(text); i++ {
		out.WriteByte(text[i])
		if text[i] != '\n' || inAny(keep, token.Pos(i)) {
			continue
		}
		for k := 0; k < n && i+1 < len(text) && text[i+1] == '\t'; k++ {
			i++
		}
	}
	return out.Bytes()
}
