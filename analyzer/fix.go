package analyzer

// Suggested fixes: a reference to a flag that serves one variant to
// everyone (removed, settled, or expired and settled) is replaced by that
// variant's code path. The engine that makes the fixes is package fold;
// what the analyzer adds is which calls it folds, to which variant, and
// what the generated objects stand for.

import (
	"fmt"
	"go/types"

	"github.com/flaggen/flaggen/analyzer/internal/fold"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// fixCall returns the fix for a reference to info by the accessor call at
// call, or nil; [fold.Folder.Fold] gives none where call is not a call.
func (c *checker) fixCall(call inspector.Cursor, info *FlagInfo) *suggestedFix {
	variant, ok := finalVariant(info, c.today)
	if !ok {
		return nil
	}
	if c.folder == nil {
		c.folder = &fold.Folder{
			Fset:     c.pass.Fset,
			Info:     c.pass.TypesInfo,
			ReadFile: c.pass.ReadFile,
			RoleOf:   c.roleOf,
		}
	}
	fx := c.folder.Fold(call, info.Key, variant)
	if fx == nil {
		return nil
	}
	return &suggestedFix{message: fmt.Sprintf("Remove flag %q, keeping %s", info.Key, variant), fix: fx}
}

// suggestedFix is the fix of one finding, before the fixes of the
// package are pruned together.
type suggestedFix struct {
	message string
	fix     *fold.Fix
}

// roleOf says what a function, method or constant stands for to the fold
// engine: the generated accessors, value methods and variant constants
// by their facts. Test helpers and wrappers are functions like any other,
// whose calls may have side effects.
func (c *checker) roleOf(obj types.Object) fold.Role {
	f := c.fact(obj)
	if f == nil {
		return fold.Role{}
	}
	r := fold.Role{Key: f.Key, Variant: f.Variant}
	switch f.Role {
	case roleAccessor:
		r.Kind = fold.Accessor
	case rolePredicate:
		r.Kind = fold.Predicate
	case roleString:
		r.Kind = fold.Name
	case roleVariant:
		r.Kind = fold.Constant
	default:
		return fold.Role{}
	}
	return r
}

// suggestedFixes prunes the fixes of the findings together, and attaches
// those left to their diagnostics.
func (c *checker) suggestedFixes() {
	var fixes []*fold.Fix
	var owners []*finding
	for _, fd := range c.findings {
		if fd.fix != nil {
			fixes = append(fixes, fd.fix.fix)
			owners = append(owners, fd)
		}
	}
	fold.Prune(fixes)
	for i, fx := range fixes {
		if fx == nil {
			continue
		}
		owners[i].diag.SuggestedFixes = []analysis.SuggestedFix{{
			Message:   owners[i].fix.message,
			TextEdits: fx.TextEdits(),
		}}
	}
}
