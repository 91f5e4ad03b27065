package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// A Set is the handle of a generated package's flags: its schema, its
// compiled-in snapshot, and the snapshot in force, which live sources swap
// atomically. Generated code exports one as Set; middleware is given it.
// A Set is safe for concurrent use.
type Set struct {
	schema   *flagmeta.Schema
	embedded *Snapshot
	current  atomic.Pointer[Snapshot]
	// warned is set once a lookup has found no evaluator, so that the
	// warning is logged once per set.
	warned atomic.Bool
}

// newSet returns a set whose compiled-in snapshot is built from the
// declarations schema carries, without parsing: generated code calls it
// (through package flagimpl) with the schema literal it holds, which the
// generator validated, so a program starts in time linear in its flags
// and never fails to. (A hand-edited literal that names a variant the
// flag lacks serves the flag's default there.)
func newSet(schema *flagmeta.Schema) *Set {
	snap := compileSchema(schema)
	s := &Set{schema: schema, embedded: snap}
	s.current.Store(snap)
	return s
}

// Schema returns the schema the set's generated code was built from: the
// flags it declares, their metadata and compiled-in declarations. It must
// not be modified.
func (s *Set) Schema() *flagmeta.Schema { return s.schema }

// Snapshot returns the snapshot in force.
func (s *Set) Snapshot() *Snapshot { return s.current.Load() }

// Embedded returns the compiled-in snapshot.
func (s *Set) Embedded() *Snapshot { return s.embedded }

// ErrEmpty is returned (wrapped) by [Set.Compile] for a document that
// declares no flags.
var ErrEmpty = errors.New("the document declares no flags")

// Compile validates a flags.toml (with spec.Parse's default limits) and
// compiles it for this set without putting it in force: a live source
// compiles an update, and stores it with [Set.Store] only if that
// succeeds. See [Set.CompileFile] for what takes effect.
func (s *Set) Compile(name string, src []byte) (*Snapshot, error) {
	f, err := spec.Parse(name, src)
	if err != nil {
		return nil, err
	}
	return s.CompileFile(f)
}

// CompileFile compiles a validated file for this set, as an update of the
// snapshot in force. Nothing of the set's flags is lost silently:
//
//   - a document that declares no flags is refused with [ErrEmpty] (an
//     emptied or truncated-to-nothing file must not switch every flag back);
//   - a flag of the generated code that the document does not declare
//     keeps its compiled-in declaration ([NoticeMissing]);
//   - a flag whose declaration the generated code cannot serve (another
//     kind, other variants) keeps the declaration in force now, killed
//     if the document kills it, the emergency stop ([NoticeKept]),
//     while every other flag of the document takes effect, so that a
//     rolling deploy can mix versions;
//   - a flag the generated code does not know is compiled for the
//     string-keyed lookup ([NoticeUnknown]).
//
// [Snapshot.Notices] reports each such flag, with its position and why.
// A document that fails validation is an error, and nothing of it is used.
//
// A flag whose *spec.Flag the snapshot in force was compiled from is not
// compiled again: a source that composes documents from one it parsed
// (changing a few flags, each a new *spec.Flag) pays for what changed.
// So a document must not be modified once it has been compiled.
func (s *Set) CompileFile(f *spec.File) (*Snapshot, error) {
	if f == nil {
		return nil, errors.New("flaggen: Set.CompileFile was given a nil *spec.File: pass the document spec.Parse returned, or call Set.Compile with the bytes")
	}
	if len(f.Flags) == 0 {
		return nil, fmt.Errorf("%s: %w: refusing an update that would serve every flag's compiled-in declaration; declare the flags", f.Name, ErrEmpty)
	}
	return compileUpdate(f, s.schema, s.current.Load(), s.embedded), nil
}

// Store puts snap in force for requests that begin from now on; requests
// under way keep the snapshot they began with. snap must have been
// compiled against the set's schema.
func (s *Set) Store(snap *Snapshot) error {
	if snap == nil || snap.schema != s.schema {
		return fmt.Errorf("flaggen: snapshot was not compiled for this set's schema; use Set.Compile")
	}
	s.current.Store(snap)
	return nil
}

// NewEvaluator returns the evaluator for one request: parent is the
// request's context, subject who the request is for. It serves from the
// snapshot in force now. opts may be nil; it is kept, not copied. A nil
// parent means context.Background().
func (s *Set) NewEvaluator(parent context.Context, subject Subject, opts *Options) *Evaluator {
	if parent == nil {
		parent = context.Background()
	}
	return s.newEvaluator(parent, s.current.Load(), subject, opts)
}

func (s *Set) newEvaluator(parent context.Context, snap *Snapshot, subject Subject, opts *Options) *Evaluator {
	ev := allocEvaluator(len(snap.flags))
	ev.Context, ev.set, ev.snap, ev.subject, ev.opts = parent, s, snap, subject, opts
	return ev
}

// Evaluator returns the evaluator for s in ctx, if there is one: for
// example, to tell whether a request has already been through middleware.
func (s *Set) Evaluator(ctx context.Context) (*Evaluator, bool) {
	ev := s.find(ctx)
	return ev, ev != nil
}

// find returns the nearest evaluator for s in ctx, or nil.
func (s *Set) find(ctx context.Context) *Evaluator {
	if ctx == nil {
		return nil
	}
	for c := ctx; ; {
		ev, _ := c.Value(contextKey{}).(*Evaluator)
		if ev == nil {
			break
		}
		if ev.set == s {
			return ev
		}
		c = ev.Context // an evaluator of another set: look past it
	}
	if ev, _ := ctx.Value(EvaluatorKey).(*Evaluator); ev != nil {
		if ev.set == s {
			return ev
		}
		// An evaluator of another set (two sets' middleware in one gin
		// engine): look past it, as above. Each step of this recursion
		// goes to an evaluator made before, so it ends, unless the
		// evaluator was made in a context that holds it under this key
		// (an adapter's doing): looking past it would find it again.
		// (Evaluators compare safely; contexts need not.)
		if next, _ := ev.Context.Value(EvaluatorKey).(*Evaluator); next != ev {
			return s.find(ev.Context)
		}
	}
	return nil
}

// missing serves the default of a flag looked up without an evaluator.
func (s *Set) missing(flag int) int {
	f := &s.current.Load().flags[flag]
	s.warnMissing(f.key)
	if f.fixed >= 0 {
		return f.fixed
	}
	return int(f.def)
}

// warnMissing logs, once per set, that a lookup found no evaluator.
func (s *Set) warnMissing(key string) {
	if !s.warned.Swap(true) {
		slog.Warn("flaggen: no evaluator in the context; serving defaults (is the middleware installed, and was the request's context passed on?)",
			"set", s.schema.Name, "flag", key)
	}
}

// FromContext returns the evaluator for s in ctx. When there is none it
// returns an evaluator that serves defaults, never nil, and logs a
// warning the first time, as generated accessors do.
func (s *Set) FromContext(ctx context.Context) *Evaluator {
	if ev := s.find(ctx); ev != nil {
		return ev
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ev := s.NewEvaluator(ctx, Subject{}, nil)
	ev.extra().inert = true
	s.warnMissing("")
	return ev
}

// Lookup returns the name of the variant that ctx's request gets of the
// flag with the given key, or "" for an unknown key: the string-keyed
// lookup beside the generated accessors, for templates and dynamic code.
func (s *Set) Lookup(ctx context.Context, key string) string {
	return s.FromContext(ctx).Lookup(key)
}
