package redisstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flaggen/flaggen/spec"
)

// docName names a document read from the store in errors and positions.
const docName = "flags.toml"

// docHash returns the SHA-256 of doc, in hex: State.DocHash, and the
// HASH of {NS}:schema:HASH.
func docHash(doc []byte) string {
	sum := sha256.Sum256(doc)
	return hex.EncodeToString(sum[:])
}

// compose returns st composed, and the document parsed it composed it
// from. parsed is st's document, parsed (nil, or another document's:
// st.Doc is parsed again); prev is an earlier composition of the same
// parsed document (or nil), whose flags out reuses where they come out
// the same, so that runtime.Set.CompileFile compiles only what changed.
//
// Operations are applied to parsed, never to prev: an operation
// missing from st is then missing from out, even when prev had it (a
// Redis that lost its last writes goes back to fewer operations).
func compose(st State, limits spec.Limits, parsed, prev *spec.File) (out, doc *spec.File, err error) {
	if st.Version == 0 {
		return nil, nil, ErrEmpty
	}
	if parsed == nil || docHash(parsed.Source) != st.DocHash {
		if got := docHash(st.Doc); got != st.DocHash {
			return nil, nil, fmt.Errorf("%w: the store's document (v%d) has SHA-256 %.12s, not the %.12s its state records: push it again", ErrInvalid, st.Version, got, st.DocHash)
		}
		f, err := limits.Parse(docName, st.Doc)
		if err != nil {
			return nil, nil, invalid(err)
		}
		parsed, prev = f, nil
	}
	if prev != nil && !sameSource(prev, parsed) {
		prev = nil
	}
	out = &spec.File{Name: parsed.Name, Source: parsed.Source, Generate: parsed.Generate, Flags: slices.Clone(parsed.Flags)}
	var errs []error
	for i, fl := range out.Flags {
		if op, ok := st.Ops[fl.Key]; ok {
			nf, err := applyOp(fl, op)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if !sameServing(nf, fl) {
				out.Flags[i] = nf
			}
		}
		if prev != nil && out.Flags[i] != prev.Flags[i] && prev.Flags[i].Key == fl.Key && sameServing(out.Flags[i], prev.Flags[i]) {
			out.Flags[i] = prev.Flags[i]
		}
	}
	if len(errs) > 0 {
		return nil, nil, invalid(errors.Join(errs...))
	}
	return out, parsed, nil
}

// sameSource reports whether a and b were made from one parse: they
// share its Source and have as many flags.
func sameSource(a, b *spec.File) bool {
	return len(a.Flags) == len(b.Flags) && len(a.Source) == len(b.Source) &&
		(len(a.Source) == 0 || &a.Source[0] == &b.Source[0])
}

// applyOp returns a copy of fl with op applied, or why op does not apply
// to fl: a rollout or schedule of a flag with variants, a split of a
// boolean flag, a split naming a variant fl lacks or not summing to 100%,
// a percentage out of range, a schedule out of time order.
func applyOp(fl *spec.Flag, op Op) (*spec.Flag, error) {
	c := *fl
	if op.Killed != nil {
		c.Killed = *op.Killed
	}
	if op.Enabled != nil {
		c.Enabled = *op.Enabled
	}
	if op.Rollout != nil && op.Schedule != nil {
		return nil, fmt.Errorf("%s: flag %q: an operation sets both a rollout and a schedule; set one", fl.Pos, fl.Key)
	}
	if op.Rollout != nil {
		d, err := rolloutOf(fl, *op.Rollout)
		if err != nil {
			return nil, err
		}
		c.Rollout, c.Schedule = d, nil
	}
	if op.Split != nil {
		d, err := splitOf(fl, op.Split)
		if err != nil {
			return nil, err
		}
		c.Rollout, c.Schedule = d, nil
	}
	if op.Schedule != nil {
		stages, err := scheduleOf(fl, op.Schedule)
		if err != nil {
			return nil, err
		}
		c.Schedule, c.Rollout = stages, nil
	}
	return &c, nil
}

func rolloutOf(fl *spec.Flag, pct int) (spec.Distribution, error) {
	if !fl.Bool {
		return nil, fmt.Errorf("%s: flag %q has variants (%s), so a rollout does not apply: set a split", fl.Pos, fl.Key, variantNames(fl))
	}
	if pct < 0 || pct > int(spec.Whole) {
		return nil, fmt.Errorf("flag %q: rollout %s is out of range: write a percentage from 0 to 100", fl.Key, spec.Percent(pct).String())
	}
	return spec.Distribution{{Variant: fl.VariantIndex(spec.On), Upper: spec.Percent(pct)}, {Variant: fl.VariantIndex(spec.Off), Upper: spec.Whole}}, nil
}

func splitOf(fl *spec.Flag, weights map[string]int) (spec.Distribution, error) {
	if fl.Bool {
		return nil, fmt.Errorf("%s: flag %q is boolean, so a split does not apply: set a rollout", fl.Pos, fl.Key)
	}
	w := make([]int, len(fl.Variants))
	sum := 0
	for _, name := range sortedKeys(weights) {
		i := fl.VariantIndex(name)
		if i < 0 {
			return nil, fmt.Errorf("%s: flag %q has no variant %q: split among %s", fl.Pos, fl.Key, name, variantNames(fl))
		}
		if weights[name] < 0 || weights[name] > int(spec.Whole) {
			return nil, fmt.Errorf("flag %q: weight %s of %q is out of range: write a percentage from 0 to 100", fl.Key, spec.Percent(weights[name]).String(), name)
		}
		w[i] = weights[name]
		sum += weights[name]
	}
	if sum != int(spec.Whole) {
		return nil, fmt.Errorf("flag %q: split weights sum to %s, not 100%%: adjust them so they add up to 100", fl.Key, spec.Percent(sum).String())
	}
	var d spec.Distribution
	upper := 0
	for i, x := range w {
		if x == 0 {
			continue
		}
		upper += x
		d = append(d, spec.Part{Variant: i, Upper: spec.Percent(upper)})
	}
	return d, nil
}

func scheduleOf(fl *spec.Flag, stages []Stage) ([]*spec.Stage, error) {
	if !fl.Bool {
		return nil, fmt.Errorf("%s: flag %q has variants (%s), so a schedule does not apply: set a split", fl.Pos, fl.Key, variantNames(fl))
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("flag %q: a schedule needs at least one stage", fl.Key)
	}
	out := make([]*spec.Stage, len(stages))
	for i, st := range stages {
		if st.Percent < 0 || st.Percent > int(spec.Whole) {
			return nil, fmt.Errorf("flag %q: schedule stage %d: %s is out of range: write a percentage from 0 to 100", fl.Key, i+1, spec.Percent(st.Percent).String())
		}
		if i > 0 && !stages[i-1].Start.Before(st.Start) {
			return nil, fmt.Errorf("flag %q: schedule stage %d starts at %s, not after stage %d: list stages in time order", fl.Key, i+1, st.Start.Format(timeFormat), i)
		}
		out[i] = &spec.Stage{Pos: fl.Pos, Start: st.Start, Percent: spec.Percent(st.Percent)}
	}
	return out, nil
}

// sameServing reports whether a and b agree on everything an operation
// sets.
func sameServing(a, b *spec.Flag) bool {
	return a.Killed == b.Killed && a.Enabled == b.Enabled &&
		slices.Equal(a.Rollout, b.Rollout) &&
		slices.EqualFunc(a.Schedule, b.Schedule, func(x, y *spec.Stage) bool {
			return x.Start.Equal(y.Start) && x.Percent == y.Percent
		})
}

func variantNames(fl *spec.Flag) string {
	names := make([]string, len(fl.Variants))
	for i, v := range fl.Variants {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// timeFormat writes times in words: minutes, UTC.
const timeFormat = "2006-01-02T15:04Z07:00"

// describeDist says how fl distributes its variants at the top level:
// "rollout 25%", "split a 50%, b 50%", "schedule 1% from …, 5% from …",
// or "no rollout".
func describeDist(fl *spec.Flag) string {
	if len(fl.Schedule) > 0 {
		parts := make([]string, len(fl.Schedule))
		for i, st := range fl.Schedule {
			parts[i] = spec.Percent(int(st.Percent)).String() + " from " + st.Start.UTC().Format(timeFormat)
		}
		return "schedule " + strings.Join(parts, ", ")
	}
	if len(fl.Rollout) == 0 {
		if fl.Bool {
			return "no rollout"
		}
		return "no split"
	}
	if fl.Bool {
		on := fl.VariantIndex(spec.On)
		lower, pct := spec.Percent(0), 0
		for _, p := range fl.Rollout {
			if p.Variant == on {
				pct += int(p.Upper - lower)
			}
			lower = p.Upper
		}
		return "rollout " + spec.Percent(pct).String()
	}
	w := make([]int, len(fl.Variants))
	lower := spec.Percent(0)
	for _, p := range fl.Rollout {
		w[p.Variant] += int(p.Upper - lower)
		lower = p.Upper
	}
	var parts []string
	for i, x := range w {
		if x > 0 {
			parts = append(parts, fl.Variants[i].Name+" "+spec.Percent(x).String())
		}
	}
	return "split " + strings.Join(parts, ", ")
}
