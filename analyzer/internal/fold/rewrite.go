package fold

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"iter"
	"strings"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
)

// source is what a fix folds: the value of one accessor call, or of a
// variable holding it, known to be variant of flag key.
type source struct {
	key, variant string
	call         *ast.CallExpr
	v            *types.Var
}

// fixer builds one fix.
type fixer struct {
	f   *Folder
	fi  *file
	src source
	fix *Fix
	ok  bool
}

// first returns the first element of seq.
func first[T any](seq iter.Seq[T]) (T, bool) {
	for x := range seq {
		return x, true
	}
	var zero T
	return zero, false
}

// fail marks the fix as impossible.
func (fx *fixer) fail() { fx.ok = false }

// add adds an edit, once.
func (fx *fixer) add(e edit) {
	for _, old := range fx.fix.edits {
		if old.r == e.r {
			return
		}
	}
	fx.fix.edits = append(fx.fix.edits, e)
}

// varDecl reports whether the call at cur is the whole initializer of a
// single local variable declared by a statement in a statement list,
// "v := call" or "var v = call", or by the init statement of an if or
// switch statement, "if v := call; cond {".
func (fx *fixer) varDecl(cur inspector.Cursor) (inspector.Cursor, *types.Var) {
	for cur.ParentEdgeKind() == edge.ParenExpr_X {
		cur = cur.Parent()
	}
	var id *ast.Ident
	var stmt inspector.Cursor
	switch cur.ParentEdgeKind() {
	case edge.AssignStmt_Rhs:
		as := cur.Parent().Node().(*ast.AssignStmt)
		if as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return stmt, nil
		}
		id, _ = as.Lhs[0].(*ast.Ident)
		stmt = cur.Parent()
	case edge.ValueSpec_Values:
		vs := cur.Parent().Node().(*ast.ValueSpec)
		if len(vs.Names) != 1 || len(vs.Values) != 1 {
			return stmt, nil
		}
		gen := cur.Parent().Parent()
		if gd, ok := gen.Node().(*ast.GenDecl); !ok || len(gd.Specs) != 1 || gen.ParentEdgeKind() != edge.DeclStmt_Decl {
			return stmt, nil
		}
		id = vs.Names[0]
		stmt = gen.Parent()
	default:
		return stmt, nil
	}
	if id == nil {
		return stmt, nil
	}
	switch stmt.ParentEdgeKind() {
	case edge.IfStmt_Init, edge.SwitchStmt_Init:
		if _, ok := stmt.Node().(*ast.AssignStmt); !ok {
			return stmt, nil
		}
		if sw, ok := stmt.Parent().Node().(*ast.SwitchStmt); ok && sw.Tag == nil {
			return stmt, nil
		}
	default:
		if !inList(stmt) {
			return stmt, nil
		}
	}
	v, _ := fx.f.Info.Defs[id].(*types.Var)
	return stmt, v
}

// initDeclares reports whether init is the statement declaring the
// source variable: an init statement the fix deletes.
func (fx *fixer) initDeclares(init ast.Stmt) bool {
	as, ok := init.(*ast.AssignStmt)
	if !ok || fx.src.v == nil || len(as.Lhs) != 1 {
		return false
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	return ok && fx.f.Info.Defs[id] == fx.src.v
}

// inList reports whether the statement at cur is in a statement list.
func inList(cur inspector.Cursor) bool {
	switch cur.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
		return true
	}
	return false
}

// variable fixes every use of v, declared by the statement at decl, and
// deletes the declaration.
func (fx *fixer) variable(decl inspector.Cursor, v *types.Var) {
	// The function the variable lives in.
	body, ok := first(decl.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)))
	if !ok {
		fx.fail()
		return
	}
	info := fx.f.Info
	uses := 0
	for cur := range body.Preorder((*ast.Ident)(nil)) {
		id := cur.Node().(*ast.Ident)
		if info.Uses[id] != v {
			continue
		}
		uses++
		switch cur.ParentEdgeKind() {
		case edge.AssignStmt_Lhs, edge.IncDecStmt_X, edge.RangeStmt_Key, edge.RangeStmt_Value:
			fx.fail()
			return
		case edge.UnaryExpr_X:
			if cur.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
				fx.fail()
				return
			}
		}
		fx.site(cur)
		if !fx.ok {
			return
		}
	}
	if uses == 0 {
		fx.fail()
		return
	}
	switch p := decl.Parent().Node().(type) {
	case *ast.IfStmt: // "if v := call; cond" becomes "if cond"
		fx.add(edit{r: posRange{p.Init.Pos(), p.Cond.Pos()}})
	case *ast.SwitchStmt:
		fx.add(edit{r: posRange{p.Init.Pos(), p.Tag.Pos()}})
	default:
		fx.add(edit{r: fx.stmtLines(decl.Node())})
	}
}

// site fixes the code around the source's value at cur: the if or switch
// statement it decides, or the boolean expression it is part of.
func (fx *fixer) site(cur inspector.Cursor) {
	// Climb to the largest expression whose value the source decides.
	top := cur
	for decidesParent(top) {
		top = top.Parent()
	}
	e := top.Node().(ast.Expr)
	switch top.ParentEdgeKind() {
	case edge.IfStmt_Cond:
		fx.ifStmt(top.Parent())
		return
	case edge.SwitchStmt_Tag:
		fx.switchStmt(top.Parent())
		return
	case edge.ExprStmt_X, edge.GoStmt_Call, edge.DeferStmt_Call,
		// A constant here could duplicate another case or map key.
		edge.CaseClause_List, edge.KeyValueExpr_Key:
		fx.fail()
		return
	}
	v := fx.eval(e)
	switch v.kind {
	case vBool:
		fx.add(edit{r: rangeOf(e), frags: []frag{lit(fmt.Sprint(v.b))}})
	case vResidual:
		fx.add(edit{r: rangeOf(e), frags: v.frags})
	default:
		fx.fail()
	}
}

// decidesParent reports whether the value of the expression at cur
// decides that of its parent: a parenthesis, a method call of the value,
// !, &&, ||, == or !=.
func decidesParent(cur inspector.Cursor) bool {
	switch cur.ParentEdgeKind() {
	case edge.ParenExpr_X, edge.SelectorExpr_X, edge.CallExpr_Fun:
		return true
	case edge.UnaryExpr_X:
		return cur.Parent().Node().(*ast.UnaryExpr).Op == token.NOT
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		switch cur.Parent().Node().(*ast.BinaryExpr).Op {
		case token.LAND, token.LOR, token.EQL, token.NEQ:
			return true
		}
	}
	return false
}

// ifStmt fixes the if statement at cur, whose condition holds the source.
func (fx *fixer) ifStmt(cur inspector.Cursor) {
	ifs := cur.Node().(*ast.IfStmt)
	if ifs.Init != nil && !fx.initDeclares(ifs.Init) {
		fx.fail()
		return
	}
	v := fx.eval(ifs.Cond)
	switch v.kind {
	case vResidual:
		fx.add(edit{r: rangeOf(ifs.Cond), frags: v.frags})
		return
	case vBool:
	default:
		fx.fail()
		return
	}
	elsePos := cur.ParentEdgeKind() == edge.IfStmt_Else
	if !elsePos && !inList(cur) {
		fx.fail()
		return
	}
	if v.b {
		if elsePos {
			fx.add(edit{r: rangeOf(ifs), frags: []frag{orig(rangeOf(ifs.Body))}})
		} else {
			fx.inline(cur, ifs.Body.List, fx.f.Info.Scopes[ifs.Body], blockInside(ifs.Body))
		}
		return
	}
	switch els := ifs.Else.(type) {
	case nil:
		if elsePos {
			parent := cur.Parent().Node().(*ast.IfStmt)
			fx.add(edit{r: posRange{parent.Body.End(), ifs.End()}})
		} else {
			fx.add(edit{r: fx.stmtLines(ifs)})
		}
	case *ast.BlockStmt:
		if elsePos {
			fx.add(edit{r: rangeOf(ifs), frags: []frag{orig(rangeOf(els))}})
		} else {
			fx.inline(cur, els.List, fx.f.Info.Scopes[els], blockInside(els))
		}
	case *ast.IfStmt:
		fx.add(edit{r: rangeOf(ifs), frags: []frag{orig(rangeOf(els))}})
	default:
		fx.fail()
	}
}

// blockInside is the range between a block's braces.
func blockInside(b *ast.BlockStmt) posRange { return posRange{b.Lbrace + 1, b.Rbrace} }

// inline replaces the statement at cur, in a statement list, with the
// statements in body (the range inside a block or case clause, whose
// scope is scope). When they declare a name that the list uses or
// declares too, they keep a block of their own.
//
// When the statements end in a return, panic, goto, break or continue,
// the statements after the one at cur are dead, and are deleted too.
func (fx *fixer) inline(cur inspector.Cursor, stmts []ast.Stmt, scope *types.Scope, body posRange) {
	stmt := cur.Node().(ast.Stmt)
	body = fx.trim(body)
	if body.pos >= body.end {
		fx.add(edit{r: fx.stmtLines(stmt)})
		return
	}
	inside := frag{r: body, trim: true}
	r := rangeOf(stmt)
	if fx.terminates(stmts) {
		// The statements after stmt never run: they go too.
		if last := lastSibling(cur); last != stmt {
			r.end = last.End()
		}
	}
	// The statements move out by the difference of their indentation and
	// stmt's, as gofmt would indent them there: one tab less, or none in a
	// block of their own. Where either does not start its line, they keep
	// theirs.
	outer, okOuter := fx.indentOf(stmt.Pos())
	first := body.pos // the first statement's, not a comment after the brace
	if len(stmts) > 0 {
		first = stmts[0].Pos()
	}
	inner, okInner := fx.indentOf(first)
	depth := 0 // the tabs inner has beyond outer
	if okOuter && okInner && strings.HasPrefix(inner, outer) && strings.Trim(inner[len(outer):], "\t") == "" {
		depth = len(inner) - len(outer)
	}
	if fx.clashes(cur, scope) {
		open, closing := "{\n", "\n}"
		if depth > 0 {
			open, closing = "{\n"+outer+"\t", "\n"+outer+"}"
			inside.dedent = depth - 1
		}
		fx.add(edit{r: r, frags: []frag{lit(open), inside, lit(closing)}})
		return
	}
	inside.dedent = depth
	fx.add(edit{r: r, frags: []frag{inside}})
}

// indentOf returns the white space that starts the line holding p, and
// whether nothing else comes before p on its line.
func (fx *fixer) indentOf(p token.Pos) (string, bool) {
	src, off := fx.fi.src, int(p)-fx.fi.tf.Base()
	start := off
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	line := string(src[start:off])
	return line, strings.Trim(line, " \t") == ""
}

// terminates reports whether a list of statements ends in a return,
// goto, break, continue or call of panic.
func (fx *fixer) terminates(stmts []ast.Stmt) bool {
	if len(stmts) == 0 {
		return false
	}
	switch s := stmts[len(stmts)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok != token.FALLTHROUGH
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := ast.Unparen(call.Fun).(*ast.Ident)
		if !ok {
			return false
		}
		b, ok := fx.f.Info.Uses[id].(*types.Builtin)
		return ok && b.Name() == "panic"
	}
	return false
}

// lastSibling returns the last statement of the list holding the
// statement at cur.
func lastSibling(cur inspector.Cursor) ast.Stmt {
	switch list := cur.Parent().Node().(type) {
	case *ast.BlockStmt:
		return list.List[len(list.List)-1]
	case *ast.CaseClause:
		return list.Body[len(list.Body)-1]
	case *ast.CommClause:
		return list.Body[len(list.Body)-1]
	}
	return cur.Node().(ast.Stmt)
}

// clashes reports whether a name declared in scope, moved into the
// statement list holding the statement at cur, would clash with or
// shadow a name of the list, or come into scope at a label after cur, to
// which a goto before it would then jump over its declaration.
func (fx *fixer) clashes(cur inspector.Cursor, scope *types.Scope) bool {
	if scope == nil {
		return true
	}
	names := scope.Names()
	if len(names) == 0 {
		return false
	}
	info := fx.f.Info
	list := cur.Parent()
	for sib, ok := cur.NextSibling(); ok; sib, ok = sib.NextSibling() {
		if _, ok := sib.Node().(*ast.LabeledStmt); ok {
			return true
		}
	}
	outer := info.Scopes[list.Node()]
	if outer == nil {
		// A function body shares the function's scope.
		switch fn := list.Parent().Node().(type) {
		case *ast.FuncDecl:
			outer = info.Scopes[fn.Type]
		case *ast.FuncLit:
			outer = info.Scopes[fn.Type]
		}
	}
	if outer == nil {
		return true
	}
	stmt := cur.Node()
	for _, name := range names {
		if outer.Lookup(name) != nil {
			return true
		}
		for id := range list.Preorder((*ast.Ident)(nil)) {
			n := id.Node()
			if n.Pos() >= stmt.Pos() && n.End() <= stmt.End() {
				continue
			}
			if n.(*ast.Ident).Name == name {
				return true
			}
		}
	}
	return false
}

// switchStmt fixes the switch statement at cur, whose tag is the source's
// variant (or state): only the case that matches is kept.
func (fx *fixer) switchStmt(cur inspector.Cursor) {
	sw := cur.Node().(*ast.SwitchStmt)
	if (sw.Init != nil && !fx.initDeclares(sw.Init)) || !inList(cur) {
		fx.fail()
		return
	}
	tag := fx.eval(sw.Tag)
	if !tag.isVariant() && tag.kind != vBool {
		fx.fail()
		return
	}
	var chosen, deflt *ast.CaseClause
	var next token.Pos // where the chosen clause's text ends
	for i, stmt := range sw.Body.List {
		cc := stmt.(*ast.CaseClause)
		end := sw.Body.Rbrace
		if i+1 < len(sw.Body.List) {
			end = sw.Body.List[i+1].Pos()
		}
		if cc.List == nil {
			deflt = cc
			if chosen == nil {
				next = end
			}
			continue
		}
		for _, e := range cc.List {
			v := fx.eval(e)
			var match bool
			switch {
			case tag.isVariant() && v.isVariant() && v.key == tag.key:
				match = v.variant == tag.variant
			case tag.kind == vBool && v.kind == vBool:
				match = v.b == tag.b
			case tag.kind == vBool && v.kind == vOpaque:
				b, ok := boolConst(fx.f.Info, e)
				if !ok {
					fx.fail()
					return
				}
				match = b == tag.b
			default:
				fx.fail()
				return
			}
			if match && chosen == nil {
				chosen, next = cc, end
			}
		}
	}
	if chosen == nil {
		chosen = deflt
	}
	if chosen == nil {
		fx.add(edit{r: fx.stmtLines(sw)})
		return
	}
	if breaksOut(chosen.Body) {
		fx.fail()
		return
	}
	fx.inline(cur, chosen.Body, fx.f.Info.Scopes[chosen], posRange{chosen.Colon + 1, next})
}

// boolConst returns the value of a constant boolean expression.
func boolConst(info *types.Info, e ast.Expr) (bool, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Bool {
		return false, false
	}
	return constant.BoolVal(tv.Value), true
}

// breaksOut reports whether statements of a case clause leave the switch
// with an unlabeled break or fall through: inlined, they would mean
// something else.
func breaksOut(stmts []ast.Stmt) bool {
	found := false
	visit := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BranchStmt:
			if (n.Tok == token.BREAK && n.Label == nil) || n.Tok == token.FALLTHROUGH {
				found = true
			}
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.FuncLit:
			return false // a break inside belongs to them
		}
		return !found
	}
	for _, s := range stmts {
		ast.Inspect(s, visit)
	}
	return found
}

// trim shrinks r to exclude leading and trailing white space.
func (fx *fixer) trim(r posRange) posRange {
	src, base := fx.fi.src, fx.fi.tf.Base()
	p, e := int(r.pos)-base, int(r.end)-base
	for p < e && isSpace(src[p]) {
		p++
	}
	for e > p && isSpace(src[e-1]) {
		e--
	}
	return posRange{token.Pos(p + base), token.Pos(e + base)}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// stmtLines returns the range of stmt, widened to its whole lines when
// nothing else shares them, so deleting it leaves no blank line.
func (fx *fixer) stmtLines(stmt ast.Node) posRange {
	src, base := fx.fi.src, fx.fi.tf.Base()
	indent, startsLine := fx.indentOf(stmt.Pos())
	lp, e := int(stmt.Pos())-base-len(indent), int(stmt.End())-base
	le := e
	for le < len(src) && (src[le] == ' ' || src[le] == '\t' || src[le] == '\r') {
		le++
	}
	if startsLine && (le == len(src) || src[le] == '\n') {
		if le < len(src) {
			le++
		}
		return posRange{token.Pos(lp + base), token.Pos(le + base)}
	}
	if startsLine && le > e && bytes.HasPrefix(src[le:], []byte("//")) {
		// A comment ends the line: it stays, where the statement began.
		return posRange{stmt.Pos(), token.Pos(le + base)}
	}
	return rangeOf(stmt)
}
