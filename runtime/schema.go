package runtime

import (
	"context"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/runtime/internal/link"
)

// Generated code reaches a Set through package flagimpl, by flag and
// variant numbers; those numbers are not part of this package's API.
func init() {
	link.NewSet = func(schema *flagmeta.Schema) (any, link.Flags) {
		s := newSet(schema)
		return s, (*generated)(s)
	}
}

// generated is the handle generated code evaluates a set through (see
// package flagimpl).
type generated Set

// Variant returns the number of the variant that ctx's request gets of
// flag number flag, or 0 (the default) for a number the schema lacks.
//
// A context without an evaluator for the set gets the flag's default,
// and the first such lookup logs a warning (slog's default logger):
// middleware is missing, or a goroutine was handed a context that is not
// the request's.
func (g *generated) Variant(ctx context.Context, flag int) int {
	s := (*Set)(g)
	if uint(flag) >= uint(len(s.schema.Flags)) {
		return 0
	}
	ev, ok := ctx.(*Evaluator)
	if !ok || ev.set != s {
		if ev = s.find(ctx); ev == nil {
			return s.missing(flag)
		}
	}
	return ev.variant(flag)
}

// Value returns value number value of variant number variant of flag
// number flag, numbered as the schema numbers them, in the snapshot in
// force; for an object, its field number field when field >= 0. Numbers
// out of range give nil. It does not allocate.
func (g *generated) Value(flag, variant, value, field int) *link.Value {
	s := (*Set)(g)
	if uint(flag) >= uint(len(s.schema.Flags)) {
		return nil
	}
	want := s.schema.Flags[flag].Values
	if uint(value) >= uint(len(want)) {
		return nil
	}
	v := s.current.Load().flags[flag].valueAt(value, want[value].Name)
	if v == nil || uint(variant) >= uint(len(v.byVariant)) {
		return nil
	}
	vv := &v.byVariant[variant]
	if field >= 0 {
		fields := want[value].Fields
		if field >= len(fields) {
			return nil
		}
		j := v.fieldAt(field, fields[field].Name)
		if j < 0 || j >= len(vv.fields) {
			return nil
		}
		vv = &vv.fields[j]
	}
	return &vv.Value
}

// Force returns a context whose evaluator serves variant for flag number
// flag, whatever the configuration says, kill switch included (a removed
// flag still serves its final variant). Other flags are served as before:
// by the evaluator in ctx, or defaults when there is none. A variant
// number the flag does not have forces its default; a flag number the
// schema lacks returns ctx. The new evaluator keeps the subject,
// snapshot, options and forced variants of the one in ctx, if any, and
// starts with an empty memo.
func (g *generated) Force(ctx context.Context, flag, variant int) context.Context {
	s := (*Set)(g)
	if ctx == nil {
		ctx = context.Background()
	}
	if uint(flag) >= uint(len(s.schema.Flags)) {
		return ctx
	}
	var ev *Evaluator
	if parent := s.find(ctx); parent != nil {
		ev = s.newEvaluator(ctx, parent.snap, parent.subject, parent.opts)
		if parent.rare != nil {
			x := ev.extra()
			x.inert = parent.rare.inert
			x.forced = append(x.forced, parent.rare.forced...)
		}
	} else {
		// Like a context without an evaluator, but for the forced flag.
		ev = s.NewEvaluator(ctx, Subject{}, nil)
		ev.extra().inert = true
	}
	if f := &ev.snap.flags[flag]; variant < 0 || variant >= len(f.variants) {
		// Not a variant of the flag (a conversion such as Search(99)):
		// serve the default, as for any value the code cannot name,
		// rather than a number nothing can print.
		variant = int(f.def)
	}
	x := ev.extra()
	x.forced = append(x.forced, forced{flag: flag, variant: variant, test: true})
	return ev
}
