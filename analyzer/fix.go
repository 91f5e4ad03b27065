package analyzer

// Suggested fixes: a reference to a flag that serves one variant to
// everyone (removed, settled, or expired and settled) is replaced by that
// variant's code path.
//
// A fix is a set of edits, each replacing a range of the file with
// fragments: literal text, or ranges of the original text (with the fix's
// edits inside them applied in turn, so edits may nest). The code that a
// fix deletes is checked afterwards: it may not hold labels, nor the last
// read of a local variable.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"iter"
	"slices"
	"strconv"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// frag is a fragment of an edit's new text: text, or when r is set, the
// original text in r with nested edits applied.
type frag struct {
	text string
	r    posRange
	trim bool // trim white space off the rendered text of r
}

func lit(s string) frag         { return frag{text: s} }
func orig(r posRange) frag      { return frag{r: r} }
func (f frag) isOriginal() bool { return f.r.pos.IsValid() }

// edit replaces r with frags.
type edit struct {
	r     posRange
	frags []frag
}

// fix is the suggested fix of one finding.
type fix struct {
	message string
	file    *fileInfo
	edits   []edit
	deleted []posRange   // code the fix deletes
	locals  []*types.Var // local variables read in deleted code
}

// fileInfo is what fixes need of a file: its text and the uses of its
// local variables.
type fileInfo struct {
	file *ast.File
	tf   *token.File
	src  []byte
	// params holds the parameters and results of the file's functions,
	// implicit the objects of type switches; neither can be left unused.
	params   map[*types.Var]bool
	implicit map[types.Object]bool
	// reads lists the identifiers that read each local variable.
	reads map[*types.Var][]*ast.Ident
}

// source is what a fix folds: the value of one accessor call, or of a
// variable holding it, known to be variant of flag key.
type source struct {
	key, variant string
	call         *ast.CallExpr
	v            *types.Var
}

// fixer builds the fix of one finding.
type fixer struct {
	c   *checker
	fi  *fileInfo
	src *source
	fix *fix
	ok  bool
}

// fileInfo returns the fix information of file, or nil when its text
// cannot be read.
func (c *checker) fileInfo(file *ast.File) *fileInfo {
	if c.files == nil {
		c.files = make(map[*ast.File]*fileInfo)
	}
	if fi, ok := c.files[file]; ok {
		return fi
	}
	c.files[file] = nil
	tf := c.pass.Fset.File(file.Pos())
	if tf == nil || c.pass.ReadFile == nil {
		return nil
	}
	src, err := c.pass.ReadFile(tf.Name())
	if err != nil || len(src) != tf.Size() {
		return nil
	}
	fi := &fileInfo{
		file:     file,
		tf:       tf,
		src:      src,
		params:   make(map[*types.Var]bool),
		implicit: make(map[types.Object]bool),
		reads:    make(map[*types.Var][]*ast.Ident),
	}
	info := c.pass.TypesInfo
	fields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, name := range f.Names {
				if v, ok := info.Defs[name].(*types.Var); ok {
					fi.params[v] = true
				}
			}
		}
	}
	writes := make(map[*ast.Ident]bool)
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			fields(n.Recv)
		case *ast.FuncType:
			fields(n.Params)
			fields(n.Results)
		case *ast.CaseClause:
			if obj := info.Implicits[n]; obj != nil {
				fi.implicit[obj] = true
			}
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				markIdents(lhs, writes)
			}
		case *ast.IncDecStmt:
			markIdents(n.X, writes)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				markIdents(n.Key, writes)
				markIdents(n.Value, writes)
			}
		case *ast.Ident:
			if v, ok := info.Uses[n].(*types.Var); ok && !v.IsField() && !writes[n] {
				fi.reads[v] = append(fi.reads[v], n)
			}
		}
		return true
	})
	c.files[file] = fi
	return fi
}

// markIdents adds the identifiers in e to set.
func markIdents(e ast.Expr, set map[*ast.Ident]bool) {
	if e == nil {
		return
	}
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			set[id] = true
		}
		return true
	})
}

// fixCall returns the fix for a reference to info by the accessor call at
// cur, or nil.
func (c *checker) fixCall(file *ast.File, cur inspector.Cursor, call *ast.CallExpr, info *FlagInfo) *fix {
	variant, ok := finalVariant(info, c.today)
	if !ok || !c.allPure(call.Args) {
		return nil
	}
	fi := c.fileInfo(file)
	if fi == nil {
		return nil
	}
	fx := &fixer{c: c, fi: fi, ok: true}
	fx.src = &source{key: info.Key, variant: variant, call: call}
	fx.fix = &fix{
		message: fmt.Sprintf("Remove flag %q, keeping %s", info.Key, variant),
		file:    fi,
	}
	if decl, v := fx.varDecl(cur); v != nil {
		fx.src.call, fx.src.v = nil, v
		fx.variable(decl, v)
	} else {
		fx.site(cur)
	}
	if !fx.ok || len(fx.fix.edits) == 0 || !fx.finish() {
		return nil
	}
	return fx.fix
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
	v, _ := fx.c.pass.TypesInfo.Defs[id].(*types.Var)
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
	return ok && fx.c.pass.TypesInfo.Defs[id] == fx.src.v
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
	info := fx.c.pass.TypesInfo
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
	for {
		k := top.ParentEdgeKind()
		p := top.Parent().Node()
		switch {
		case k == edge.ParenExpr_X, k == edge.SelectorExpr_X, k == edge.CallExpr_Fun:
		case k == edge.UnaryExpr_X && p.(*ast.UnaryExpr).Op == token.NOT:
		case (k == edge.BinaryExpr_X || k == edge.BinaryExpr_Y) && isLogicOrEq(p.(*ast.BinaryExpr).Op):
		default:
			goto climbed
		}
		top = top.Parent()
	}
climbed:
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

func isLogicOrEq(op token.Token) bool {
	return op == token.LAND || op == token.LOR || op == token.EQL || op == token.NEQ
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
			fx.inline(cur, ifs.Body.List, fx.c.pass.TypesInfo.Scopes[ifs.Body], blockInside(ifs.Body))
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
			fx.inline(cur, els.List, fx.c.pass.TypesInfo.Scopes[els], blockInside(els))
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
	if fx.clashes(cur, scope) {
		fx.add(edit{r: r, frags: []frag{lit("{\n"), inside, lit("\n}")}})
		return
	}
	fx.add(edit{r: r, frags: []frag{inside}})
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
		b, ok := fx.c.pass.TypesInfo.Uses[id].(*types.Builtin)
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
// shadow a name of the list.
func (fx *fixer) clashes(cur inspector.Cursor, scope *types.Scope) bool {
	if scope == nil {
		return true
	}
	names := scope.Names()
	if len(names) == 0 {
		return false
	}
	info := fx.c.pass.TypesInfo
	list := cur.Parent()
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
	if tag.kind != vEnum && tag.kind != vBool {
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
			case tag.kind == vEnum && v.kind == vEnum && v.key == tag.key:
				match = v.variant == tag.variant
			case tag.kind == vBool && v.kind == vBool:
				match = v.b == tag.b
			case tag.kind == vBool && v.kind == vOpaque:
				b, ok := boolConst(fx.c.pass.TypesInfo, e)
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
	fx.inline(cur, chosen.Body, fx.c.pass.TypesInfo.Scopes[chosen], posRange{chosen.Colon + 1, next})
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
	p, e := int(stmt.Pos())-base, int(stmt.End())-base
	lp := p
	for lp > 0 && (src[lp-1] == ' ' || src[lp-1] == '\t') {
		lp--
	}
	le := e
	for le < len(src) && (src[le] == ' ' || src[le] == '\t' || src[le] == '\r') {
		le++
	}
	if (lp == 0 || src[lp-1] == '\n') && (le == len(src) || src[le] == '\n') {
		if le < len(src) {
			le++
		}
		return posRange{token.Pos(lp + base), token.Pos(le + base)}
	}
	return rangeOf(stmt)
}

// Values of expressions, as far as the source decides them.
type valueKind uint8

const (
	vUnknown  valueKind = iota // depends on the source in a way not understood
	vOpaque                    // does not depend on the source: kept as written
	vFlag                      // the source's value
	vEnum                      // a variant of a flag's enum
	vBool                      // a known boolean
	vResidual                  // an expression to keep in place of the original
)

type value struct {
	kind         valueKind
	key, variant string // vFlag, vEnum
	b            bool   // vBool
	frags        []frag // vOpaque, vResidual: the text
	prec         int    // vOpaque, vResidual: the precedence of its operator
	pure         bool   // vOpaque, vResidual: free of side effects
}

// eval evaluates e, knowing the source's value.
func (fx *fixer) eval(e ast.Expr) value {
	info := fx.c.pass.TypesInfo
	if f := fx.constFact(e); f != nil {
		return value{kind: vEnum, key: f.Key, variant: f.Variant}
	}
	if !fx.containsSource(e) {
		return value{kind: vOpaque, frags: []frag{orig(rangeOf(e))}, prec: precOf(e), pure: fx.c.isPure(e)}
	}
	switch e := e.(type) {
	case *ast.Ident:
		return value{kind: vFlag, key: fx.src.key, variant: fx.src.variant}
	case *ast.ParenExpr:
		x := fx.eval(e.X)
		if x.kind == vResidual && x.prec < token.UnaryPrec {
			x.frags = parens(x.frags)
			x.prec = token.HighestPrec
		}
		return x
	case *ast.CallExpr:
		if e == fx.src.call {
			return value{kind: vFlag, key: fx.src.key, variant: fx.src.variant}
		}
		sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr)
		if !ok || len(e.Args) != 0 {
			break
		}
		m := fx.c.fact(info.Uses[sel.Sel])
		if m == nil {
			break
		}
		x := fx.eval(sel.X)
		if x.kind != vFlag || x.key != m.Key {
			break
		}
		switch m.Role {
		case rolePredicate:
			return value{kind: vBool, b: m.Variant == x.variant}
		case roleGetter:
			return value{kind: vEnum, key: x.key, variant: x.variant}
		case roleString:
			return value{kind: vResidual, frags: []frag{lit(strconv.Quote(x.variant))}, prec: token.HighestPrec, pure: true}
		}
	case *ast.UnaryExpr:
		if e.Op != token.NOT {
			break
		}
		x := fx.eval(e.X)
		switch x.kind {
		case vBool:
			return value{kind: vBool, b: !x.b}
		case vResidual:
			return value{kind: vResidual, frags: append([]frag{lit("!")}, wrap(x, token.UnaryPrec)...), prec: token.UnaryPrec, pure: x.pure}
		}
	case *ast.BinaryExpr:
		x, y := fx.eval(e.X), fx.eval(e.Y)
		if x.kind == vUnknown || y.kind == vUnknown {
			break
		}
		switch e.Op {
		case token.LAND, token.LOR:
			return logic(e.Op, x, y)
		case token.EQL, token.NEQ:
			eq, ok := false, false
			switch {
			case x.kind == vEnum && y.kind == vEnum && x.key == y.key:
				eq, ok = x.variant == y.variant, true
			case x.kind == vBool && y.kind == vBool:
				eq, ok = x.b == y.b, true
			}
			if ok {
				return value{kind: vBool, b: eq == (e.Op == token.EQL)}
			}
		}
	}
	return value{kind: vUnknown}
}

// logic simplifies x && y or x || y where one side may be known. An
// operand is dropped only if it is not evaluated (short circuit) or has
// no side effects.
func logic(op token.Token, x, y value) value {
	absorbing := op == token.LOR // true absorbs ||, false absorbs &&
	residual := func(v value) value {
		if v.kind == vOpaque {
			v.kind = vResidual
		}
		return v
	}
	switch {
	case x.kind == vBool && y.kind == vBool:
		if op == token.LAND {
			return value{kind: vBool, b: x.b && y.b}
		}
		return value{kind: vBool, b: x.b || y.b}
	case x.kind == vBool:
		if x.b == absorbing {
			return value{kind: vBool, b: absorbing} // y is never evaluated
		}
		return residual(y)
	case y.kind == vBool:
		if y.b == absorbing {
			if !x.pure {
				return value{kind: vUnknown}
			}
			return value{kind: vBool, b: absorbing}
		}
		return residual(x)
	case (x.kind == vOpaque || x.kind == vResidual) && (y.kind == vOpaque || y.kind == vResidual):
		prec := op.Precedence()
		frags := append(wrap(x, prec), lit(" "+op.String()+" "))
		frags = append(frags, wrap(y, prec)...)
		return value{kind: vResidual, frags: frags, prec: prec, pure: x.pure && y.pure}
	}
	return value{kind: vUnknown}
}

// wrap returns v's text, in parentheses if its operator binds less
// tightly than prec.
func wrap(v value, prec int) []frag {
	if v.prec < prec {
		return parens(v.frags)
	}
	return v.frags
}

func parens(frags []frag) []frag {
	return slices.Concat([]frag{lit("(")}, frags, []frag{lit(")")})
}

// precOf is the precedence of e's outermost operator.
func precOf(e ast.Expr) int {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		return e.Op.Precedence()
	case *ast.UnaryExpr, *ast.StarExpr:
		return token.UnaryPrec
	}
	return token.HighestPrec
}

// constFact returns the fact of the variant constant e names, or nil.
func (fx *fixer) constFact(e ast.Expr) *flagObject {
	c, ok := constOf(fx.c.pass.TypesInfo, e)
	if !ok {
		return nil
	}
	if f := fx.c.fact(c); f != nil && f.Role == roleVariant {
		return f
	}
	return nil
}

// containsSource reports whether e holds the source call or a use of the
// source variable.
func (fx *fixer) containsSource(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if n == fx.src.call {
				found = true
			}
		case *ast.Ident:
			if fx.src.v != nil && fx.c.pass.TypesInfo.Uses[n] == fx.src.v {
				found = true
			}
		}
		return !found
	})
	return found
}

// pureFuncs are functions known to have no side effects.
var pureFuncs = map[string]bool{
	"(*net/http.Request).Context": true,
	"context.Background":          true,
	"context.TODO":                true,
}

// pureBuiltins are the built-in functions without side effects.
var pureBuiltins = map[string]bool{
	"len": true, "cap": true, "min": true, "max": true, "real": true, "imag": true,
	"complex": true, "new": true, "make": true,
}

// allPure reports whether every expression is free of side effects.
func (c *checker) allPure(es []ast.Expr) bool {
	for _, e := range es {
		if !c.isPure(e) {
			return false
		}
	}
	return true
}

// isPure reports whether evaluating e has no side effects: it makes no
// calls (but conversions, pure built-ins, generated accessors and their
// methods, and a few known functions) and receives from no channel.
func (c *checker) isPure(e ast.Expr) bool {
	pure := true
	info := c.pass.TypesInfo
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // creating a closure runs nothing
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				pure = false
			}
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() {
				break // a conversion
			}
			switch fn := typeutil.Callee(info, n).(type) {
			case *types.Builtin:
				if !pureBuiltins[fn.Name()] {
					pure = false
				}
			case *types.Func:
				if f := c.fact(fn); f != nil && f.Role != roleHelper && f.Role != roleWrapper {
					break // generated accessors and value methods
				}
				if !pureFuncs[fn.FullName()] {
					pure = false
				}
			default:
				pure = false
			}
		}
		return pure
	})
	return pure
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
			if b.r.pos < a.r.end && b.r.end > a.r.end && len(a.frags) > 0 && len(b.frags) > 0 {
				return false
			}
			if b.r.pos < a.r.end && b.r.end > a.r.end && !f.nested(i) && !f.nested(j) {
				return false
			}
		}
	}
	for _, e := range f.edits {
		f.deleted = append(f.deleted, subtract(e.r, e.frags)...)
	}
	deleted := func(p token.Pos) bool {
		for _, r := range f.deleted {
			if r.contains(p) {
				return true
			}
		}
		return false
	}
	info := fx.c.pass.TypesInfo
	ok := true
	seen := make(map[*types.Var]bool)
	ast.Inspect(fx.fi.file, func(n ast.Node) bool {
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

// pruneFixes drops the fixes that would leave a local variable unread,
// counting the code that all fixes of the file delete together.
func (c *checker) pruneFixes() {
	byFile := make(map[*fileInfo][]*finding)
	for _, fd := range c.findings {
		if fd.fix != nil {
			byFile[fd.fix.file] = append(byFile[fd.fix.file], fd)
		}
	}
	for fi, fds := range byFile {
		var all []posRange
		for _, fd := range fds {
			all = append(all, fd.fix.deleted...)
		}
		deleted := func(p token.Pos) bool {
			for _, r := range all {
				if r.contains(p) {
					return true
				}
			}
			return false
		}
		for _, fd := range fds {
			for _, v := range fd.fix.locals {
				read := false
				for _, id := range fi.reads[v] {
					if !deleted(id.Pos()) {
						read = true
						break
					}
				}
				if !read {
					fd.fix = nil
					break
				}
			}
		}
	}
}

// textEdits returns the fix's edits that are not inside another, with
// their new text.
func (f *fix) textEdits() []analysis.TextEdit {
	var out []analysis.TextEdit
	for i, e := range f.edits {
		if f.nested(i) {
			continue
		}
		var buf bytes.Buffer
		f.render(&buf, i, map[int]bool{i: true})
		out = append(out, analysis.TextEdit{Pos: e.r.pos, End: e.r.end, NewText: buf.Bytes()})
	}
	return out
}

// nested reports whether edit i lies inside another edit.
func (f *fix) nested(i int) bool {
	r := f.edits[i].r
	for j, e := range f.edits {
		if j != i && e.r.pos <= r.pos && r.end <= e.r.end && e.r != r {
			return true
		}
	}
	return false
}

// render writes the new text of edit i; stack holds i and the edits
// being rendered around it.
func (f *fix) render(buf *bytes.Buffer, i int, stack map[int]bool) {
	for _, fr := range f.edits[i].frags {
		if !fr.isOriginal() {
			buf.WriteString(fr.text)
			continue
		}
		if fr.trim {
			var b bytes.Buffer
			f.renderRange(&b, fr.r, stack)
			buf.Write(bytes.TrimSpace(b.Bytes()))
			continue
		}
		f.renderRange(buf, fr.r, stack)
	}
}

// renderRange writes the original text of r with the outermost edits
// that overlap it applied. A deletion may overlap r only in part (it
// took in the white space around its statement): it is clipped to r.
func (f *fix) renderRange(buf *bytes.Buffer, r posRange, stack map[int]bool) {
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
		f.render(buf, j, stack)
		delete(stack, j)
		p = end
	}
	buf.Write(f.file.src[int(p)-base : int(r.end)-base])
}
