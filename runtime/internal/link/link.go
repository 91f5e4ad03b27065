// Package link connects package runtime to package flagimpl, the API of
// generated code, without exporting that API from runtime: runtime sets
// the hooks below when it is initialized, before any package that
// imports flagimpl is.
package link

import (
	"context"

	"github.com/flaggen/flaggen/flagmeta"
)

// Flags is what generated code evaluates a set through, by flag and
// variant number (see flagmeta.Flag.Number). Neither method panics on a
// number out of range.
type Flags interface {
	// Variant returns the number of the variant ctx's request gets of
	// flag number flag; 0, the default, for a flag number out of range.
	Variant(ctx context.Context, flag int) int
	// Force returns a context whose evaluator serves variant number
	// variant of flag number flag (see runtime's documentation of
	// forced variants); ctx itself for a flag number out of range.
	Force(ctx context.Context, flag, variant int) context.Context
	// Value returns the value number value (its index in the schema's
	// [flagmeta.Flag.Values]) that variant number variant of flag number
	// flag carries in the snapshot in force; for an object value, its
	// field number field (its index in [flagmeta.Value.Fields]), or the
	// value itself for a field < 0. It returns nil for a number out of
	// range, and does not allocate. The Value must not be modified.
	Value(flag, variant, value, field int) *Value
}

// Value is one scalar value, in the field of its type; the others are
// zero.
type Value struct {
	S string
	I int64
	F float64
	B bool
}

// NewSet returns a *runtime.Set whose compiled-in snapshot is built from
// schema, and the handle generated code evaluates it through. Package
// runtime sets it.
var NewSet func(schema *flagmeta.Schema) (set any, flags Flags)
