package fold

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"

	"golang.org/x/tools/go/types/typeutil"
)

// Values of expressions, as far as the source decides them.
type valueKind uint8

const (
	vUnknown  valueKind = iota // depends on the source in a way not understood
	vOpaque                    // does not depend on the source: kept as written
	vFlag                      // the source's value
	vEnum                      // a constant of a flag's value type
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

// isVariant reports whether v is a known variant of flag v.key: a
// constant of the flag's value type, or the source's value, which is
// of that type too when the flag has named variants. (A boolean flag has
// no constants, so its value compares with none.)
func (v value) isVariant() bool { return v.kind == vFlag || v.kind == vEnum }

// eval evaluates e, knowing the source's value.
func (fx *fixer) eval(e ast.Expr) value {
	info := fx.f.Info
	if r, ok := fx.constant(e); ok {
		return value{kind: vEnum, key: r.Key, variant: r.Variant}
	}
	if !fx.containsSource(e) {
		return value{kind: vOpaque, frags: []frag{orig(rangeOf(e))}, prec: precOf(e), pure: fx.f.isPure(e)}
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
		m := fx.f.roleOf(info.Uses[sel.Sel])
		if m.Kind == None {
			break
		}
		x := fx.eval(sel.X)
		// A role without a key (the shared boolean state type's
		// methods) stands for whichever flag x was read from.
		if x.kind != vFlag || m.Key != "" && x.key != m.Key {
			break
		}
		switch m.Kind {
		case Predicate:
			return value{kind: vBool, b: m.Variant == x.variant}
		case Name:
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
			case x.isVariant() && y.isVariant() && x.key == y.key:
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

// constant returns the role of the variant constant e names, if it
// names one: an identifier or a qualified identifier.
func (fx *fixer) constant(e ast.Expr) (Role, bool) {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return Role{}, false
	}
	c, ok := fx.f.Info.Uses[id].(*types.Const)
	if !ok {
		return Role{}, false
	}
	r := fx.f.roleOf(c)
	return r, r.Kind == Constant
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
			if fx.src.v != nil && fx.f.Info.Uses[n] == fx.src.v {
				found = true
			}
		}
		return !found
	})
	return found
}

// pureFunc reports whether a function, by its full name, is known to
// have no side effects.
func pureFunc(name string) bool {
	switch name {
	case "(*net/http.Request).Context", "context.Background", "context.TODO",
		// t.Context() of a *testing.T, B or F, which share the method.
		"(*testing.common).Context":
		return true
	}
	return false
}

// pureBuiltin reports whether a built-in function has no side effects.
func pureBuiltin(name string) bool {
	switch name {
	case "len", "cap", "min", "max", "real", "imag", "complex", "new", "make":
		return true
	}
	return false
}

// allPure reports whether every expression is free of side effects.
func (f *Folder) allPure(es []ast.Expr) bool {
	for _, e := range es {
		if !f.isPure(e) {
			return false
		}
	}
	return true
}

// isPure reports whether evaluating e has no side effects: it makes no
// calls (but conversions, pure built-ins, accessors and the methods of
// their values, and a few known functions) and receives from no channel.
func (f *Folder) isPure(e ast.Expr) bool {
	pure := true
	info := f.Info
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
				if !pureBuiltin(fn.Name()) {
					pure = false
				}
			case *types.Func:
				switch f.roleOf(fn).Kind {
				case Accessor, Predicate, Name:
					// Accessors and the methods of their values.
				default:
					if !pureFunc(fn.FullName()) {
						pure = false
					}
				}
			default:
				pure = false
			}
		}
		return pure
	})
	return pure
}
