package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/flaggen/flaggen/spec"
)

// A Set is the handle of a generated package's flags: its schema, its
// compiled-in snapshot, and the snapshot in force, which live sources swap
// atomically. Generated code exports one as Set; middleware is given it.
// A Set is safe for concurrent use.
type Set struct {
	schema   *Schema
	embedded *Snapshot
	current  atomic.Pointer[Snapshot]
	// warned is set once a lookup has found no evaluator, so that the
	// warning is logged once per set.
	warned atomic.Bool
}

// NewSet compiles source, the text of the file the schema was generated
// from, into a set whose embedded and current snapshot it is.
func NewSet(schema *Schema, source string) (*Set, error) {
	f, err := spec.Parse(schema.Name, []byte(source))
	if err != nil {
		return nil, err
	}
	snap, err := Compile(f, schema)
	if err != nil {
		return nil, err
	}
	s := &Set{schema: schema, embedded: snap}
	s.current.Store(snap)
	return s, nil
}

// MustNewSet is like [NewSet] but panics on error. Generated code calls it
// with the text it embeds, which the generator validated, so it fails only
// when the generated file was edited by hand.
func MustNewSet(schema *Schema, source string) *Set {
	s, err := NewSet(schema, source)
	if err != nil {
		panic(fmt.Sprintf("flaggen: the generated flag set does not compile; regenerate it: %v", err))
	}
	return s
}

// Schema returns the set's schema.
func (s *Set) Schema() *Schema { return s.schema }

// Snapshot returns the snapshot in force.
func (s *Set) Snapshot() *Snapshot { return s.current.Load() }

// Embedded returns the compiled-in snapshot.
func (s *Set) Embedded() *Snapshot { return s.embedded }

// Compile validates and compiles a flags.toml for this set, without
// putting it in force: a live source compiles an update, and stores it
// only if that succeeds.
func (s *Set) Compile(name string, src []byte) (*Snapshot, error) {
	f, err := spec.Parse(name, src)
	if err != nil {
		return nil, err
	}
	return Compile(f, s.schema)
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
// snapshot in force now. opts may be nil; it is kept, not copied.
func (s *Set) NewEvaluator(parent context.Context, subject Subject, opts *Options) *Evaluator {
	return s.newEvaluator(parent, s.current.Load(), subject, opts)
}

func (s *Set) newEvaluator(parent context.Context, snap *Snapshot, subject Subject, opts *Options) *Evaluator {
	ev := allocEvaluator(len(snap.flags))
	ev.Context, ev.set, ev.snap, ev.subject, ev.opts = parent, s, snap, subject, opts
	return ev
}

// Variant returns the number of the variant that ctx's request gets of
// flag number flag. Generated accessors call it; other code uses them, or
// [Set.Lookup] by key.
//
// A context without an evaluator for s gets the flag's default, and the
// first such lookup logs a warning (slog's default logger): middleware is
// missing, or a goroutine was handed a context that is not the request's.
func (s *Set) Variant(ctx context.Context, flag int) int {
	ev, ok := ctx.(*Evaluator)
	if !ok || ev.set != s {
		if ev = s.find(ctx); ev == nil {
			return s.missing(flag)
		}
	}
	return ev.variant(flag)
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
	if ev, _ := ctx.Value(EvaluatorKey).(*Evaluator); ev != nil && ev.set == s {
		return ev
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
// returns an evaluator that serves defaults, never nil, and reports the
// missing evaluator as [Set.Variant] does.
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

// Force returns a context whose evaluator serves variant for flag number
// flag, whatever the configuration says, kill switch included (a removed
// flag still serves its final variant). Other flags are served as before:
// by the evaluator in ctx, or defaults when there is none. The
// generated WithX test helpers call it. The new evaluator keeps the
// subject, snapshot, options and forced variants of the one in ctx, if
// any, and starts with an empty memo.
func (s *Set) Force(ctx context.Context, flag, variant int) context.Context {
	if ctx == nil {
		ctx = context.Background()
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
	x := ev.extra()
	x.forced = append(x.forced, forced{flag: flag, variant: variant, test: true})
	return ev
}
