package live

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// maxListed is how many items of a list (user ids, groups, values) a
// description names before it only counts the rest.
const maxListed = 5

// diffSnapshots returns how each flag's declaration changed from old to
// new: every key of new in its order, then the keys only old has, in
// old's order. A flag whose declaration serves the same in both is left
// out.
func diffSnapshots(old, new *runtime.Snapshot) []FlagChange {
	var out []FlagChange
	missing := func(s *runtime.Snapshot) map[string]bool {
		m := make(map[string]bool)
		for _, n := range s.Notices() {
			if n.Kind == runtime.NoticeMissing {
				m[n.Flag] = true
			}
		}
		return m
	}
	oldMissing, newMissing := missing(old), missing(new)
	seen := make(map[string]bool)
	for _, key := range new.Keys() {
		seen[key] = true
		if new.Same(old, key) && newMissing[key] == oldMissing[key] {
			continue // one declaration, compiled once: nothing to diff
		}
		nf, nok := new.Flag(key)
		of, ook := old.Flag(key)
		switch {
		case !nok:
			continue
		case !ook:
			out = append(out, FlagChange{Key: key, What: []string{"added"}})
			continue
		}
		what := diffFlag(&of, &nf)
		if newMissing[key] && !oldMissing[key] && new.File() != nil && old.File() != nil {
			what = append([]string{"removed from the document (keeps its compiled-in declaration)"}, what...)
		}
		if len(what) > 0 {
			out = append(out, FlagChange{Key: key, What: what})
		}
	}
	for _, key := range old.Keys() {
		if seen[key] {
			continue
		}
		if _, ok := old.Flag(key); ok {
			out = append(out, FlagChange{Key: key, What: []string{"removed"}})
		}
	}
	return out
}

// Diff returns how each flag's declaration changes from the document old
// describes to the one new does, in the words a [Change] uses: every key
// of new in its order ("added" for one old lacks), then the keys only old
// has ("removed"). A flag declared the same in both is left out. Tools use
// it to show what a push would change before making it. A nil schema
// declares no flags.
func Diff(old, new *flagmeta.Schema) []FlagChange {
	if old == nil {
		old = &flagmeta.Schema{}
	}
	if new == nil {
		new = &flagmeta.Schema{}
	}
	var out []FlagChange
	byKey := make(map[string]*flagmeta.Flag, len(old.Flags))
	for i := range old.Flags {
		byKey[old.Flags[i].Key] = &old.Flags[i]
	}
	seen := make(map[string]bool, len(new.Flags))
	for i := range new.Flags {
		nf := &new.Flags[i]
		seen[nf.Key] = true
		of, ok := byKey[nf.Key]
		if !ok {
			out = append(out, FlagChange{Key: nf.Key, What: []string{"added"}})
			continue
		}
		if what := diffFlag(of, nf); len(what) > 0 {
			out = append(out, FlagChange{Key: nf.Key, What: what})
		}
	}
	for i := range old.Flags {
		if !seen[old.Flags[i].Key] {
			out = append(out, FlagChange{Key: old.Flags[i].Key, What: []string{"removed"}})
		}
	}
	return out
}

// diffFlag describes how a flag's declaration changed from a to b, one
// "field: old → new" entry per field that changed, in the order of
// flagmeta.Flag's fields; nil when nothing did.
func diffFlag(a, b *flagmeta.Flag) []string {
	var what []string
	add := func(field, old, new string) {
		if old != new {
			what = append(what, field+": "+old+" → "+new)
		}
	}
	add("go_name", orNone(a.GoName), orNone(b.GoName))
	add("kind", kind(a), kind(b))
	add("variants", list(a.Variants, len(a.Variants)), list(b.Variants, len(b.Variants)))
	add("default", a.Default, b.Default)
	add("description", quoted(a.Description), quoted(b.Description))
	add("owner", orNone(a.Owner), orNone(b.Owner))
	add("expires", orNone(a.Expires), orNone(b.Expires))
	add("deprecated", quoted(a.Deprecated), quoted(b.Deprecated))
	add("removed", removal(a), removal(b))
	add("settled", settled(a), settled(b))
	add("enabled", strconv.FormatBool(!a.Disabled), strconv.FormatBool(!b.Disabled))
	add("killed", strconv.FormatBool(a.Killed), strconv.FormatBool(b.Killed))
	add("salt", salt(a), salt(b))
	add("bucket_by", bucketBy(a), bucketBy(b))
	if old, new := dist(a, a.Rollout), dist(b, b.Rollout); old != new {
		field := "split"
		if b.Bool {
			field = "rollout"
		}
		if strings.HasSuffix(new, " on") {
			old = strings.TrimSuffix(old, " on") // "rollout: 0% → 25% on"
		}
		what = append(what, field+": "+old+" → "+new)
	}
	what = append(what, diffSchedule(a.Schedule, b.Schedule)...)
	what = append(what, diffRules(a, b)...)
	what = append(what, diffOverrides(a.Overrides, b.Overrides)...)
	what = append(what, diffValues(a, b)...)
	return what
}

// diffValues describes how the typed values changed: "value multiplier:
// control 1 → 1.1" for each variant (matched by name) whose value
// changed, "value seats: int → float" for a type, "value extra: none →
// float" for a value added, and the reverse for one removed.
func diffValues(a, b *flagmeta.Flag) []string {
	var what []string
	find := func(vs []flagmeta.Value, name string) *flagmeta.Value {
		for i := range vs {
			if vs[i].Name == name {
				return &vs[i]
			}
		}
		return nil
	}
	shape := func(v *flagmeta.Value) string {
		if v == nil {
			return "none"
		}
		if v.Type != "object" {
			return v.Type
		}
		fields := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			fields[i] = f.Name + " " + f.Type
		}
		return "object { " + strings.Join(fields, ", ") + " }"
	}
	for i := range a.Values {
		if find(b.Values, a.Values[i].Name) == nil {
			what = append(what, "value "+a.Values[i].Name+": "+shape(&a.Values[i])+" → none")
		}
	}
	for i := range b.Values {
		nv := &b.Values[i]
		ov := find(a.Values, nv.Name)
		if old, new := shape(ov), shape(nv); old != new {
			what = append(what, "value "+nv.Name+": "+old+" → "+new)
			continue
		}
		var changes []string
		for j, variant := range b.Variants {
			k := slices.Index(a.Variants, variant)
			if k < 0 || k >= len(ov.ByVariant) || j >= len(nv.ByVariant) {
				continue // a new variant: the variants entry says so
			}
			if o, n := ov.ByVariant[k], nv.ByVariant[j]; o != n {
				changes = append(changes, variant+" "+o+" → "+n)
			}
		}
		if len(changes) > 0 {
			what = append(what, "value "+nv.Name+": "+strings.Join(changes, ", "))
		}
	}
	return what
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func quoted(s string) string {
	if s == "" {
		return "none"
	}
	return strconv.Quote(s)
}

func kind(f *flagmeta.Flag) string {
	if f.Bool {
		return "boolean"
	}
	return "variants"
}

func removal(f *flagmeta.Flag) string {
	if f.Removed == "" {
		return "no"
	}
	return "serves " + f.Final + " from " + f.Removed
}

func settled(f *flagmeta.Flag) string {
	switch {
	case f.Settled == "":
		return "no"
	case f.SettledSince == "":
		return f.Settled
	default:
		return f.Settled + " since " + f.SettledSince
	}
}

// salt returns the salt in force: the key when none is set.
func salt(f *flagmeta.Flag) string {
	if f.Salt == "" {
		return f.Key
	}
	return f.Salt
}

func bucketBy(f *flagmeta.Flag) string {
	if f.BucketBy == "" {
		return "id"
	}
	return f.BucketBy
}

// dist describes a distribution: "25% on" for a boolean rollout as spec
// lays it out, otherwise each part's variant and width in bucket order,
// "control 50% variant_a 50%"; "none" when there is none.
func dist(f *flagmeta.Flag, parts []flagmeta.Part) string {
	if len(parts) == 0 {
		return "none"
	}
	if f.Bool && len(parts) == 2 && parts[0].Variant == spec.On && parts[1].Variant == spec.Off && parts[1].Upper == int(spec.Whole) {
		return spec.Percent(parts[0].Upper).String() + " on"
	}
	var b strings.Builder
	lower := 0
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.Variant + " " + spec.Percent(p.Upper-lower).String())
		lower = p.Upper
	}
	return b.String()
}

// list names up to maxListed items, then counts the rest of n.
func list(items []string, n int) string {
	if len(items) == 0 {
		return "none"
	}
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxListed], ", ") + fmt.Sprintf(" and %d more", n-maxListed)
}

func stage(s flagmeta.Stage) string { return spec.Percent(s.Percent).String() + " from " + s.Start }

// diffSchedule describes a schedule's changes: stage by stage when the
// number of stages is the same, otherwise the whole schedule.
func diffSchedule(a, b []flagmeta.Stage) []string {
	if slices.Equal(a, b) {
		return nil
	}
	if len(a) == len(b) {
		var what []string
		for i := range a {
			if a[i] != b[i] {
				what = append(what, fmt.Sprintf("schedule stage %d: %s → %s", i+1, stage(a[i]), stage(b[i])))
			}
		}
		return what
	}
	whole := func(s []flagmeta.Stage) string {
		if len(s) == 0 {
			return "none"
		}
		parts := make([]string, len(s))
		for i := range s {
			parts[i] = stage(s[i])
		}
		return strings.Join(parts, ", ")
	}
	return []string{"schedule: " + whole(a) + " → " + whole(b)}
}

// diffRules describes the rules' changes rule by rule, by position
// (order matters: the first rule that holds wins), with a count first
// when rules were added or removed.
func diffRules(a, b *flagmeta.Flag) []string {
	var what []string
	if len(a.Rules) != len(b.Rules) {
		what = append(what, fmt.Sprintf("rules: %d → %d", len(a.Rules), len(b.Rules)))
	}
	for i := range max(len(a.Rules), len(b.Rules)) {
		switch {
		case i >= len(a.Rules):
			what = append(what, fmt.Sprintf("rule %d: none → %s", i+1, rule(b, &b.Rules[i])))
		case i >= len(b.Rules):
			what = append(what, fmt.Sprintf("rule %d: %s → none", i+1, rule(a, &a.Rules[i])))
		case !sameRule(&a.Rules[i], &b.Rules[i]):
			what = append(what, fmt.Sprintf("rule %d: %s → %s", i+1, rule(a, &a.Rules[i]), rule(b, &b.Rules[i])))
		}
	}
	return what
}

func sameRule(a, b *flagmeta.Rule) bool {
	return slices.Equal(a.Users, b.Users) && slices.Equal(a.Groups, b.Groups) &&
		a.Serve == b.Serve && slices.Equal(a.Split, b.Split) &&
		slices.EqualFunc(a.When, b.When, func(x, y flagmeta.Condition) bool {
			return x.Attribute == y.Attribute && x.Op == y.Op && x.Number == y.Number && slices.Equal(x.Values, y.Values)
		})
}

// rule describes a rule: "users 1, 2 groups beta when country in [NL BE]
// serve on".
func rule(f *flagmeta.Flag, r *flagmeta.Rule) string {
	var parts []string
	if len(r.Users) > 0 {
		parts = append(parts, "users "+list(r.Users, len(r.Users)))
	}
	if len(r.Groups) > 0 {
		parts = append(parts, "groups "+list(r.Groups, len(r.Groups)))
	}
	for i, w := range r.When {
		c := w.Attribute + " " + w.Op + " "
		if spec.Op(w.Op).Numeric() {
			c += strconv.FormatFloat(w.Number, 'g', -1, 64)
		} else {
			c += "[" + list(w.Values, len(w.Values)) + "]"
		}
		if i == 0 {
			c = "when " + c
		} else {
			c = "and " + c
		}
		parts = append(parts, c)
	}
	if len(parts) == 0 {
		parts = append(parts, "everyone")
	}
	if r.Serve != "" {
		parts = append(parts, "serve "+r.Serve)
	} else if len(r.Split) > 0 {
		parts = append(parts, "split "+dist(f, r.Split))
	} else {
		parts = append(parts, "serve "+f.Default)
	}
	return strings.Join(parts, " ")
}

// diffOverrides describes the overrides' changes variant by variant: the
// user ids added and removed, "overrides VISIBLE: +4 -2, 3".
func diffOverrides(a, b []flagmeta.Override) []string {
	users := func(os []flagmeta.Override) (order []string, by map[string][]string) {
		by = make(map[string][]string)
		for _, o := range os {
			if _, ok := by[o.Variant]; !ok {
				order = append(order, o.Variant)
			}
			by[o.Variant] = append(by[o.Variant], o.Users...)
		}
		return order, by
	}
	// minus returns the ids of x not in y, in x's order.
	minus := func(x, y []string) []string {
		in := make(map[string]bool, len(y))
		for _, u := range y {
			in[u] = true
		}
		var out []string
		for _, u := range x {
			if !in[u] {
				out = append(out, u)
			}
		}
		return out
	}
	aOrder, aBy := users(a)
	bOrder, bBy := users(b)
	for _, v := range aOrder {
		if !slices.Contains(bOrder, v) {
			bOrder = append(bOrder, v)
		}
	}
	var what []string
	for _, v := range bOrder {
		added, removed := minus(bBy[v], aBy[v]), minus(aBy[v], bBy[v])
		var parts []string
		if len(added) > 0 {
			parts = append(parts, "+"+list(added, len(added)))
		}
		if len(removed) > 0 {
			parts = append(parts, "-"+list(removed, len(removed)))
		}
		if len(parts) > 0 {
			what = append(what, "overrides "+v+": "+strings.Join(parts, " "))
		}
	}
	return what
}
