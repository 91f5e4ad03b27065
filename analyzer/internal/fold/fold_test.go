package fold_test

import (
	"bytes"
	"errors"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/flaggen/flaggen/analyzer/internal/fold"
	"github.com/flaggen/flaggen/internal/codegen"
)

// flagsSrc declares, beside the code under test, two flags the way a
// generated package would: x, a boolean flag (off, on), and y, with the
// variants a, b and c, whose value type Y has a constant for each. roles
// says what each of its objects stands for.
const flagsSrc = `package p

type X struct{ on bool }

func NewX() X              { return X{} }
func NewXAt(n int) X       { return X{} }
func WithX() int           { return 0 }
func (x X) Enabled() bool  { return x.on }
func (x X) String() string { return "off" }

type Y uint8

const (
	YA Y = iota
	YB
	YC
)

func NewY() Y              { return YA }
func (y Y) IsA() bool      { return y == YA }
func (y Y) IsB() bool      { return y == YB }
func (y Y) IsC() bool      { return y == YC }
func (y Y) String() string { return "a" }

func a()           {}
func b()           {}
func c()           {}
func effect() bool { return true }
func count() int   { return 1 }
func use(any)      {}
`

var roles = map[string]fold.Role{
	"NewX":      {Kind: fold.Accessor, Key: "x"},
	"NewXAt":    {Kind: fold.Accessor, Key: "x"},
	"X.Enabled": {Kind: fold.Predicate, Key: "x", Variant: "on"},
	"X.String":  {Kind: fold.Name, Key: "x"},
	"NewY":      {Kind: fold.Accessor, Key: "y"},
	"Y.IsA":     {Kind: fold.Predicate, Key: "y", Variant: "a"},
	"Y.IsB":     {Kind: fold.Predicate, Key: "y", Variant: "b"},
	"Y.IsC":     {Kind: fold.Predicate, Key: "y", Variant: "c"},
	"Y.String":  {Kind: fold.Name, Key: "y"},
	"YA":        {Kind: fold.Constant, Key: "y", Variant: "a"},
	"YB":        {Kind: fold.Constant, Key: "y", Variant: "b"},
	"YC":        {Kind: fold.Constant, Key: "y", Variant: "c"},
	// WithX, like a generated test helper, is a function like any other.
}

// roleOf looks obj up in roles, by name, or Type.Method for a method.
func roleOf(obj types.Object) fold.Role {
	name := obj.Name()
	if fn, ok := obj.(*types.Func); ok {
		if recv := fn.Signature().Recv(); recv != nil {
			name = recv.Type().(*types.Named).Obj().Name() + "." + name
		}
	}
	return roles[name]
}

// pkg is the code under test, type-checked beside flagsSrc.
type pkg struct {
	fset   *token.FileSet
	info   *types.Info
	file   *ast.File // p.go
	src    []byte    // of p.go
	folder *fold.Folder
}

func check(t *testing.T, src string) *pkg {
	t.Helper()
	p := &pkg{fset: token.NewFileSet(), src: []byte(src)}
	p.info = &types.Info{
		Types:      make(map[ast.Expr]types.TypeAndValue),
		Defs:       make(map[*ast.Ident]types.Object),
		Uses:       make(map[*ast.Ident]types.Object),
		Implicits:  make(map[ast.Node]types.Object),
		Scopes:     make(map[ast.Node]*types.Scope),
		Selections: make(map[*ast.SelectorExpr]*types.Selection),
	}
	var err error
	if p.file, err = typeCheck(p.fset, src, p.info); err != nil {
		t.Fatal(err)
	}
	p.folder = &fold.Folder{
		Fset: p.fset,
		Info: p.info,
		ReadFile: func(name string) ([]byte, error) {
			if name != "p.go" {
				return nil, errors.New("not the file under test")
			}
			return p.src, nil
		},
		RoleOf: roleOf,
	}
	return p
}

// typeCheck parses src as p.go, package p beside flagsSrc, and
// type-checks the two, recording in info; the error holds every problem.
func typeCheck(fset *token.FileSet, src string, info *types.Info) (*ast.File, error) {
	flags, err := parser.ParseFile(fset, "flags.go", flagsSrc, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	file, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var errs []error
	conf := types.Config{Error: func(err error) { errs = append(errs, err) }}
	conf.Check("p", fset, []*ast.File{flags, file}, info)
	return file, errors.Join(errs...)
}

// foldAll folds every call of an accessor of a flag in values, written
// "key=variant …", prunes the fixes, and returns the source with them
// applied and formatted, or "" when no fix is left.
func (p *pkg) foldAll(t *testing.T, values string) string {
	t.Helper()
	variants := make(map[string]string)
	for kv := range strings.FieldsSeq(values) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("values %q: want key=variant pairs", values)
		}
		variants[k] = v
	}
	var fixes []*fold.Fix
	for cur := range inspector.New([]*ast.File{p.file}).Root().Preorder((*ast.CallExpr)(nil)) {
		fn, ok := typeutil.Callee(p.info, cur.Node().(*ast.CallExpr)).(*types.Func)
		if !ok {
			continue
		}
		r := roleOf(fn)
		if variant, ok := variants[r.Key]; ok && r.Kind == fold.Accessor {
			fixes = append(fixes, p.folder.Fold(cur, r.Key, variant))
		}
	}
	fold.Prune(fixes)
	var edits []analysis.TextEdit
	for _, fx := range fixes {
		if fx != nil {
			edits = append(edits, fx.TextEdits()...)
		}
	}
	if len(edits) == 0 {
		return ""
	}
	return p.apply(t, edits)
}

// apply returns the source with edits applied and formatted.
func (p *pkg) apply(t *testing.T, edits []analysis.TextEdit) string {
	t.Helper()
	slices.SortFunc(edits, func(a, b analysis.TextEdit) int { return int(a.Pos - b.Pos) })
	base := p.fset.File(p.file.Pos()).Base()
	var buf bytes.Buffer
	last := 0
	for _, e := range edits {
		start, end := int(e.Pos)-base, int(e.End)-base
		if start < last {
			t.Fatalf("edits overlap at offset %d", start)
		}
		buf.Write(p.src[last:start])
		buf.Write(e.NewText)
		last = end
	}
	buf.Write(p.src[last:])
	out, err := format.Source(buf.Bytes())
	if err != nil {
		t.Fatalf("the fixed code does not parse: %v\n%s", err, buf.Bytes())
	}
	if !bytes.Equal(out, buf.Bytes()) {
		// A driver that applies the edits as they are (gopls's quick
		// fix) leaves them so.
		t.Errorf("the edits leave code that gofmt would change; diff (-edited +gofmt):\n%s", codegen.Diff("edited", buf.Bytes(), "gofmt", out))
	}
	return string(out)
}

// elseIfChain holds a flag in the middle of a chain of ifs.
const elseIfChain = `func f(e bool) {
	if e {
		a()
	} else if NewY().IsB() {
		b()
	} else {
		c()
	}
}`

func TestFold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		values string // "key=variant …": each flag and the variant it always serves
		src    string // the body of package p, after "package p"
		want   string // the body after the fixes; "" for no fix
	}{
		{
			name:   "if true",
			values: "x=on",
			src: `func f() {
	if NewX().Enabled() {
		a()
		b()
	} else {
		c()
	}
}`,
			want: `func f() {
	a()
	b()
}`,
		},
		{
			name:   "if false, else kept",
			values: "x=off",
			src: `func f() {
	if NewX().Enabled() {
		a()
	} else {
		// c runs.
		c()
	}
}`,
			want: `func f() {
	// c runs.
	c()
}`,
		},
		{
			name:   "if false, no else",
			values: "x=off",
			src: `func f() {
	a()
	if NewX().Enabled() {
		b()
	}
	c()
}`,
			want: `func f() {
	a()
	c()
}`,
		},
		{
			name:   "else if false",
			values: "y=a",
			src:    elseIfChain,
			want: `func f(e bool) {
	if e {
		a()
	} else {
		c()
	}
}`,
		},
		{
			name:   "else if true",
			values: "y=b",
			src:    elseIfChain,
			want: `func f(e bool) {
	if e {
		a()
	} else {
		b()
	}
}`,
		},
		{
			name:   "head of a chain, false",
			values: "y=a",
			src: `func f(e bool) {
	if NewY().IsC() {
		a()
	} else if e {
		b()
	}
}`,
			want: `func f(e bool) {
	if e {
		b()
	}
}`,
		},
		{
			name:   "head of a chain, true: the other conditions never ran",
			values: "x=on",
			src: `func f() {
	if NewX().Enabled() {
		a()
	} else if effect() {
		b()
	}
}`,
			want: `func f() {
	a()
}`,
		},
		{
			name:   "not, and",
			values: "x=off",
			src: `func f(e bool) {
	if !NewX().Enabled() && e {
		a()
	}
}`,
			want: `func f(e bool) {
	if e {
		a()
	}
}`,
		},
		{
			name:   "or, short circuit: effect never ran",
			values: "x=on",
			src: `func f() {
	if NewX().Enabled() || effect() {
		a()
	}
}`,
			want: `func f() {
	a()
}`,
		},
		{
			name:   "pure operands go with the branch",
			values: "x=off",
			src: `func f(e bool, s []int) {
	if e && len(s) > 0 && NewX().Enabled() {
		a()
	}
	b()
}`,
			want: `func f(e bool, s []int) {
	b()
}`,
		},
		{
			name:   "residual expression keeps its parentheses",
			values: "y=a",
			src: `func f(e, g, h bool) {
	if (e || NewY().IsB()) && !(g && h) {
		a()
	}
}`,
			want: `func f(e, g, h bool) {
	if e && !(g && h) {
		a()
	}
}`,
		},
		{
			name:   "return of a residual",
			values: "x=on",
			src: `func f(e bool) bool {
	return !(e && NewX().Enabled())
}`,
			want: `func f(e bool) bool {
	return !e
}`,
		},
		{
			name:   "comparison with a variant constant",
			values: "y=b",
			src: `func f() {
	if NewY() == YB {
		a()
	}
	if YA != NewY() {
		b()
	}
	if NewY() == YC {
		c()
	}
}`,
			want: `func f() {
	a()
	b()
}`,
		},
		{
			name:   "switch: the matching case",
			values: "y=b",
			src: `func f() {
	switch NewY() {
	case YA:
		a()
	case YB, YC:
		// b or c
		b()
		c()
	default:
		panic("unreachable")
	}
}`,
			want: `func f() {
	// b or c
	b()
	c()
}`,
		},
		{
			name:   "switch: default, or nothing",
			values: "y=c",
			src: `func f() {
	switch NewY() {
	case YA:
		a()
	default:
		b()
	}
	switch NewY() {
	case YB:
		a()
	}
	c()
}`,
			want: `func f() {
	b()
	c()
}`,
		},
		{
			name:   "variable compared and switched on",
			values: "y=b",
			src: `func f() {
	v := NewY()
	if v == YB {
		a()
	}
	switch v {
	case YA:
		b()
	case YB:
		c()
	}
}`,
			want: `func f() {
	a()
	c()
}`,
		},
		{
			name:   "switch on a predicate",
			values: "x=off",
			src: `func f() {
	switch NewX().Enabled() {
	case true:
		a()
	case false:
		b()
	}
}`,
			want: `func f() {
	b()
}`,
		},
		{
			name:   "variable: every use folded, its declaration deleted",
			values: "y=a",
			src: `func f() {
	v := NewY()
	a()
	if v.IsA() {
		b()
		if v.IsC() {
			c()
		}
	}
	use(v.String())
}`,
			want: `func f() {
	a()
	b()
	use("a")
}`,
		},
		{
			name:   "var declaration",
			values: "x=on",
			src: `func f() bool {
	var on = NewX()
	return on.Enabled() && effect()
}`,
			want: `func f() bool {
	return effect()
}`,
		},
		{
			name:   "init statement that declares the value",
			values: "y=a",
			src: `func f(e bool) {
	if v := NewY(); e && !v.IsB() {
		a()
	}
	switch v := NewY(); v {
	case YA:
		b()
	}
}`,
			want: `func f(e bool) {
	if e {
		a()
	}
	b()
}`,
		},
		{
			name:   "values of other expressions",
			values: "y=c",
			src: `func f() (bool, string) {
	return NewY().IsC(), NewY().String()
}`,
			want: `func f() (bool, string) {
	return true, "c"
}`,
		},
		{
			name:   "names that would clash keep their block",
			values: "x=on",
			src: `func f() int {
	if NewX().Enabled() {
		n := count()
		use(n)
	}
	n := count()
	return n
}`,
			want: `func f() int {
	{
		n := count()
		use(n)
	}
	n := count()
	return n
}`,
		},
		{
			name:   "a goto that would jump over the declarations keeps their block",
			values: "x=on",
			src: `func f(e bool) {
	if e {
		goto done
	}
	if NewX().Enabled() {
		n := count()
		use(n)
	}
done:
	a()
}`,
			want: `func f(e bool) {
	if e {
		goto done
	}
	{
		n := count()
		use(n)
	}
done:
	a()
}`,
		},
		{
			name:   "moved lines lose a tab, but for those of a raw string",
			values: "x=on",
			src: `func f() {
	if NewX().Enabled() {
		use(` + "`a\n\t\tb`" + `)
		/* c
		d */
		a()
	}
}`,
			want: `func f() {
	use(` + "`a\n\t\tb`" + `)
	/* c
	d */
	a()
}`,
		},
		{
			name:   "a comment after the brace moves with the statements",
			values: "x=on y=a",
			src: `func f() {
	if NewX().Enabled() { // why
		a()
	}
	v := NewY() // the variant
	if v.IsA() { // and why
		n := count()
		use(n)
	}
	n := count()
	use(n)
}`,
			want: `func f() {
	// why
	a()
	// the variant
	{
		// and why
		n := count()
		use(n)
	}
	n := count()
	use(n)
}`,
		},
		{
			name:   "statements after a return are dead",
			values: "x=on",
			src: `func f() int {
	if NewX().Enabled() {
		a()
		return 1
	}
	b()
	return 2
}`,
			want: `func f() int {
	a()
	return 1
}`,
		},
		{
			name:   "statements after a continue are dead",
			values: "y=a",
			src: `func f() {
	for {
		switch NewY() {
		case YA:
			continue
		}
		a()
	}
}`,
			want: `func f() {
	for {
		continue
	}
}`,
		},
		{
			name:   "in a case clause",
			values: "x=off",
			src: `func f(n int) {
	switch n {
	case 1:
		if NewX().Enabled() {
			a()
		}
		b()
	}
}`,
			want: `func f(n int) {
	switch n {
	case 1:
		b()
	}
}`,
		},
		{
			name:   "two flags, two fixes",
			values: "x=on y=b",
			src: `func f() {
	if NewX().Enabled() {
		a()
	}
	if NewY().IsA() {
		b()
	}
}`,
			want: `func f() {
	a()
}`,
		},

		{
			name:   "else if false, no else",
			values: "y=a",
			src: `func f(e bool) {
	if e {
		a()
	} else if NewY().IsB() {
		b()
	}
}`,
			want: `func f(e bool) {
	if e {
		a()
	}
}`,
		},
		{
			name:   "a residual under ! keeps its parentheses",
			values: "x=off",
			src: `func f(e, g bool) {
	if !(e || g || NewX().Enabled()) {
		a()
	}
}`,
			want: `func f(e, g bool) {
	if !(e || g) {
		a()
	}
}`,
		},
		{
			name:   "conversions, pure built-ins and closures have no effects",
			values: "x=off",
			src: `func f(e bool, s []int) {
	if bool(e) && cap(s) > 0 && func() bool { return effect() } != nil && NewX().Enabled() {
		a()
	}
}`,
			want: `func f(e bool, s []int) {
}`,
		},
		{
			name:   "statements after a panic are dead, in a case clause",
			values: "x=on",
			src: `func f(n int) {
	switch n {
	case 1:
		if NewX().Enabled() {
			panic("on")
		}
		a()
	}
}`,
			want: `func f(n int) {
	switch n {
	case 1:
		panic("on")
	}
}`,
		},
		{
			name:   "in a function literal",
			values: "x=on",
			src: `func f() func() {
	return func() {
		if NewX().Enabled() {
			n := count()
			use(n)
		}
	}
}`,
			want: `func f() func() {
	return func() {
		n := count()
		use(n)
	}
}`,
		},

		// No fix.
		{
			name:   "a side effect before the value",
			values: "x=off",
			src: `func f() {
	if effect() && NewX().Enabled() {
		a()
	}
}`,
		},
		{
			name:   "a side effect after a true value",
			values: "x=on",
			src: `func f() {
	if effect() || NewX().Enabled() {
		a()
	}
}`,
		},
		{
			name:   "the accessor's argument has a side effect",
			values: "x=on",
			src: `func f() {
	if NewXAt(count()).Enabled() {
		a()
	}
}`,
		},
		{
			name:   "a test helper is a call with effects",
			values: "x=off",
			src: `func f() {
	if WithX() > 0 && NewX().Enabled() {
		a()
	}
}`,
		},
		{
			name:   "the deleted branch holds the last read of a variable",
			values: "x=off",
			src: `func f() {
	n := 1
	if NewX().Enabled() {
		use(n)
	}
}`,
		},
		{
			name:   "the deleted condition holds the last read of a variable",
			values: "x=on",
			src: `func f() {
	n := 1
	if NewXAt(n).Enabled() {
		a()
	}
}`,
		},
		{
			name:   "two fixes that together delete every read of a variable",
			values: "x=off y=a",
			src: `func f() {
	n := 1
	if NewX().Enabled() {
		use(n)
	}
	if NewY().IsB() {
		use(n)
	}
}`,
		},
		{
			name:   "a label in deleted code",
			values: "x=off",
			src: `func f() {
	if NewX().Enabled() {
	loop:
		for {
			break loop
		}
	}
}`,
		},
		{
			name:   "a case that breaks out of the switch",
			values: "y=a",
			src: `func f(e bool) {
	switch NewY() {
	case YA:
		if e {
			break
		}
		a()
	}
}`,
		},
		{
			name:   "an init statement of its own",
			values: "x=on",
			src: `func f() {
	if ok := effect(); NewX().Enabled() && ok {
		a()
	}
}`,
		},
		{
			name:   "the value escapes",
			values: "y=a",
			src: `func f() {
	use(NewY())
	v := NewY()
	use(v)
	w := NewY()
	w = NewY()
	_ = w.IsA()
	isA := NewY().IsA
	_ = isA()
	NewY().IsA()
}`,
		},
		{
			name:   "compared with a value that is not a constant",
			values: "y=a",
			src: `func f(w Y) {
	if NewY() == w {
		a()
	}
	switch NewY() {
	case w:
		b()
	}
}`,
		},
		{
			name:   "a built-in with effects",
			values: "x=off",
			src: `func f(s []int) {
	if copy(s, s) > 0 && NewX().Enabled() {
		a()
	}
}`,
		},
		{
			name:   "a receive",
			values: "x=off",
			src: `func f(ch chan bool) {
	if <-ch && NewX().Enabled() {
		a()
	}
}`,
		},
		{
			name:   "a call of a function value",
			values: "x=off",
			src: `func f(g func() bool) {
	if g() && NewX().Enabled() {
		a()
	}
}`,
		},
		{
			name:   "the only use of a type switch's variable",
			values: "x=off",
			src: `func f(i any) {
	switch v := i.(type) {
	case int:
		if NewX().Enabled() {
			use(v)
		}
	}
}`,
		},
		{
			name:   "a case that falls through",
			values: "y=a",
			src: `func f() {
	switch NewY() {
	case YA:
		a()
		fallthrough
	case YB:
		b()
	}
}`,
		},
		{
			name:   "a switch with an init statement of its own",
			values: "y=a",
			src: `func f() {
	switch n := count(); NewY() {
	case YA:
		use(n)
	}
}`,
		},
		{
			name:   "the variable's address is taken",
			values: "y=a",
			src: `func f() {
	v := NewY()
	use(&v)
	if v.IsA() {
		a()
	}
}`,
		},
		{
			name:   "a case expression",
			values: "x=on",
			src: `func f() {
	switch {
	case NewX().Enabled():
		a()
	}
}`,
		},
		{
			name:   "a map key",
			values: "x=on",
			src: `func f() map[bool]int {
	return map[bool]int{NewX().Enabled(): 1, true: 2}
}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			const header = "package p\n\n"
			p := check(t, header+tc.src+"\n")
			got := p.foldAll(t, tc.values)
			want := ""
			if tc.want != "" {
				b, err := format.Source([]byte(header + tc.want + "\n"))
				if err != nil {
					t.Fatal(err)
				}
				want = string(b)
			}
			if got != "" {
				compiles(t, got)
			}
			if got != want {
				if want == "" {
					t.Errorf("got a fix, want none:\n%s", got)
				} else {
					t.Errorf("diff (-want +got):\n%s", codegen.Diff("want", []byte(want), "got", []byte(got)))
				}
			}
		})
	}
}

// compiles reports an error if src, package p beside flagsSrc, does not
// type-check: a fix must leave code that compiles.
func compiles(t *testing.T, src string) {
	t.Helper()
	if _, err := typeCheck(token.NewFileSet(), src, nil); err != nil {
		t.Errorf("the fixed code does not compile: %v\n%s", err, src)
	}
}

// TestUnreadable checks that a file whose text cannot be read, or is not
// the text that was parsed, gets no fix.
func TestUnreadable(t *testing.T) {
	t.Parallel()
	const src = "package p\n\nfunc f() {\n\tif NewX().Enabled() {\n\t\ta()\n\t}\n}\n"
	for name, readFile := range map[string]func(string) ([]byte, error){
		"nil":        nil,
		"error":      func(string) ([]byte, error) { return nil, errors.New("gone") },
		"other text": func(string) ([]byte, error) { return []byte("package p\n"), nil },
	} {
		p := check(t, src)
		p.folder.ReadFile = readFile
		if got := p.foldAll(t, "x=on"); got != "" {
			t.Errorf("ReadFile %s: got a fix:\n%s", name, got)
		}
	}
	if got := check(t, src).foldAll(t, "x=on"); got == "" {
		t.Error("got no fix with the file readable")
	}
}

// TestFoldNotACall checks that Fold wants the cursor of a call.
func TestFoldNotACall(t *testing.T) {
	t.Parallel()
	p := check(t, "package p\n\nvar v = NewX()\n")
	root := inspector.New([]*ast.File{p.file}).Root()
	for cur := range root.Preorder((*ast.Ident)(nil)) {
		if fx := p.folder.Fold(cur, "x", "on"); fx != nil {
			t.Errorf("Fold at identifier %s: got a fix", cur.Node().(*ast.Ident).Name)
		}
	}
}
