package fold

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Kind says what a function, method or constant is to a flag.
type Kind uint8

const (
	// None is the kind of everything else. Calling a function of this
	// kind has side effects, unless it is one of the few the engine
	// knows to be pure.
	None Kind = iota
	// Accessor is a function whose result is a flag's value, as
	// flags.NewSearch(ctx). Calling it has no side effects. The value of
	// a flag with named variants is of the same type as the flag's
	// [Constant]s, and compares with them.
	Accessor
	// Predicate is a method of a flag's value, without parameters, that
	// reports whether the value is Role.Variant: IsVariantA, Enabled.
	Predicate
	// Name is a method of a flag's value that returns its variant's
	// name: String.
	Name
	// Constant is a constant of a flag's value type, naming
	// Role.Variant.
	Constant
)

// A Role is what a function, method or constant stands for.
type Role struct {
	Kind Kind
	// Key is the flag's key; "" for a Predicate or Name of a value type
	// several flags share, which stands for the flag its receiver was
	// read from.
	Key string
	// Variant is the variant a Predicate tests for or a Constant names.
	Variant string
}

// A Folder makes the fixes of one type-checked package. Its exported
// fields are set before the first call of [Folder.Fold] and not changed
// after. A Folder is not safe for concurrent use.
type Folder struct {
	Fset *token.FileSet
	Info *types.Info
	// ReadFile returns the text of a file of the package, as
	// analysis.Pass.ReadFile does. A file it cannot read, or whose text
	// is not what Fset says, gets no fix; a nil ReadFile gives none.
	ReadFile func(filename string) ([]byte, error)
	// RoleOf says what a function, method or constant of the package or
	// its imports stands for. It is called with *types.Func and
	// *types.Const objects only.
	RoleOf func(types.Object) Role

	files map[*ast.File]*file // by syntax tree; nil: unreadable
}

// A Fix is the rewrite that folds one accessor call's value.
type Fix struct {
	file    *file
	edits   []edit
	deleted []posRange   // code the fix deletes
	locals  []*types.Var // local variables read in deleted code
}

// Fold returns the fix that folds the value of the accessor call at
// call, a cursor at an *ast.CallExpr, into the code around it, knowing
// that the call returns variant of flag key in every run; or nil when no
// fix is safe. The call may be the whole initializer of a local variable
// (whose every use is then folded), the operand of a condition, or part
// of an expression the fix can simplify; anywhere else there is no fix.
func (f *Folder) Fold(call inspector.Cursor, key, variant string) *Fix {
	ce, ok := call.Node().(*ast.CallExpr)
	if !ok || !f.allPure(ce.Args) {
		return nil
	}
	fileCur, ok := first(call.Enclosing((*ast.File)(nil)))
	if !ok {
		return nil
	}
	fi := f.file(fileCur.Node().(*ast.File))
	if fi == nil {
		return nil
	}
	fx := &fixer{f: f, fi: fi, ok: true, fix: &Fix{file: fi}}
	fx.src = source{key: key, variant: variant, call: ce}
	if decl, v := fx.varDecl(call); v != nil {
		fx.src.call, fx.src.v = nil, v
		fx.variable(decl, v)
	} else {
		fx.site(call)
	}
	if !fx.ok || len(fx.fix.edits) == 0 || !fx.finish() {
		return nil
	}
	return fx.fix
}

// Prune sets to nil each fix that would leave a local variable unread:
// one whose deleted code reads a variable that no code outside what the
// fixes of its file delete together reads. Nil elements are skipped.
func Prune(fixes []*Fix) {
	byFile := make(map[*file][]int)
	for i, fx := range fixes {
		if fx != nil {
			byFile[fx.file] = append(byFile[fx.file], i)
		}
	}
	for fi, idx := range byFile {
		var all []posRange
		for _, i := range idx {
			all = append(all, fixes[i].deleted...)
		}
		// unread: every read of v is in code the fixes delete.
		unread := func(v *types.Var) bool {
			return !slices.ContainsFunc(fi.reads[v], func(id *ast.Ident) bool { return !inAny(all, id.Pos()) })
		}
		for _, i := range idx {
			if slices.ContainsFunc(fixes[i].locals, unread) {
				fixes[i] = nil
			}
		}
	}
}

// TextEdits returns the fix's edits, disjoint and sorted by position.
func (fx *Fix) TextEdits() []analysis.TextEdit {
	var out []analysis.TextEdit
	for i, e := range fx.edits {
		if fx.nested(i) {
			continue
		}
		out = append(out, analysis.TextEdit{Pos: e.r.pos, End: e.r.end, NewText: fx.render(i)})
	}
	return out
}

// file is what fixes need of a file: its text and the uses of its
// local variables.
type file struct {
	syntax *ast.File
	tf     *token.File
	src    []byte
	// params holds the parameters and results of the file's functions,
	// implicit the objects of type switches; neither can be left unused.
	params   map[*types.Var]bool
	implicit map[types.Object]bool
	// reads lists the identifiers that read each local variable.
	reads map[*types.Var][]*ast.Ident
}

// file returns what fixes need of f, or nil when its text cannot be read.
func (f *Folder) file(syntax *ast.File) *file {
	if fi, ok := f.files[syntax]; ok {
		return fi
	}
	if f.files == nil {
		f.files = make(map[*ast.File]*file)
	}
	f.files[syntax] = nil
	tf := f.Fset.File(syntax.Pos())
	if tf == nil || f.ReadFile == nil {
		return nil
	}
	src, err := f.ReadFile(tf.Name())
	if err != nil || len(src) != tf.Size() {
		return nil
	}
	fi := &file{
		syntax:   syntax,
		tf:       tf,
		src:      src,
		params:   make(map[*types.Var]bool),
		implicit: make(map[types.Object]bool),
		reads:    make(map[*types.Var][]*ast.Ident),
	}
	info := f.Info
	fields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, fd := range fl.List {
			for _, name := range fd.Names {
				if v, ok := info.Defs[name].(*types.Var); ok {
					fi.params[v] = true
				}
			}
		}
	}
	writes := make(map[*ast.Ident]bool)
	ast.Inspect(syntax, func(n ast.Node) bool {
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
	f.files[syntax] = fi
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

// roleOf returns the role of obj: none but for functions and constants.
func (f *Folder) roleOf(obj types.Object) Role {
	switch obj.(type) {
	case *types.Func, *types.Const:
		if f.RoleOf != nil {
			return f.RoleOf(obj)
		}
	}
	return Role{}
}

// posRange is a half-open range of positions.
type posRange struct{ pos, end token.Pos }

func rangeOf(n ast.Node) posRange { return posRange{n.Pos(), n.End()} }

func (r posRange) contains(p token.Pos) bool { return r.pos <= p && p < r.end }

// inAny reports whether one of rs contains p.
func inAny(rs []posRange, p token.Pos) bool {
	for _, r := range rs {
		if r.contains(p) {
			return true
		}
	}
	return false
}
