// Package fold rewrites Go code that reads a feature flag whose value is
// known: it folds the value into the conditions that test it and deletes
// the branches they can no longer take. The flaggen analyzer uses it for
// the suggested fixes of references to removed and settled flags.
//
// # Use
//
// A [Folder] holds what the engine needs of one type-checked package: its
// positions, type information, a way to read a file's text, and
// [Folder.RoleOf], which says what each function, method and constant
// stands for — a flag's accessor, a method of its value, a constant of its
// value type naming a variant ([Role], [Kind]). [Folder.Fold] takes the
// cursor of an accessor call and the variant it always returns, and gives
// the [Fix] that keeps that variant's code, or nil. Once every fix of a package is
// made, [Prune] drops those that, applied together, would leave a local
// variable unread; [Fix.TextEdits] gives the edits of those that remain.
//
// # What is folded
//
// Starting at the call, the engine climbs the largest expression whose
// value the call decides — through parentheses, method calls of the value
// ([Predicate], [Name]), !, &&, || and comparisons of variants, the value
// of a flag with named variants being itself one of its [Constant]s — and
// rewrites what holds it:
//
//	if cond { A } else { B }    the branch that runs, inlined; an else-if
//	                            chain keeps its other branches
//	switch value { … }          the statements of the matching case, or
//	                            default; value is the call, or a
//	                            variable holding it
//	x && y, x || y, !x, ==, !=  simplified, the rest of the expression kept
//	v := call                   every use of v folded, v's declaration deleted
//	any other expression        its value: true, false or the variant's name
//
// # When there is no fix
//
// A fix is made only where it keeps the program's meaning and lets it
// compile. Code it deletes that used to run has no side effects: it calls
// nothing but accessors and their methods, conversions, pure built-ins,
// context.Background, context.TODO, (*net/http.Request).Context and a
// test's t.Context(), and receives from no channel; the accessor's
// arguments are such code too. Deleted code holds no label nor labelled
// branch, and is not the last reader of a local variable (within the fix,
// and with [Prune], among all fixes of a file). Statements moved out of a
// block keep their braces when their names would clash with the enclosing
// block's, or when a label follows them there (a goto to it would jump
// over their declarations). A switch case that breaks or falls through is
// not inlined, an if or switch whose init statement is not the
// declaration of the value is left alone, and a value used as a case or
// map key, stored, passed, or assigned to is not folded. When in doubt,
// there is no fix.
package fold
