package runtime

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/internal/semver"
	"github.com/flaggen/flaggen/spec"
)

// A Snapshot is a compiled, immutable flag configuration. Flags are held
// in an array indexed by the generated code's flag numbers, so evaluation
// does no map lookup. A Snapshot is safe for concurrent use.
type Snapshot struct {
	schema *flagmeta.Schema
	// flags holds the schema's flags by number, then any flags the file
	// declares that the schema lacks (reachable by key only).
	flags []flag
	byKey map[string]int
	// file is the document the snapshot was compiled from; nil for the
	// compiled-in snapshot.
	file *spec.File
	// notices say what of the document did not take effect as written.
	notices []Notice
}

// flag is one compiled flag.
type flag struct {
	key      string
	decl     *flagmeta.Flag // the declaration it was compiled from
	src      *spec.Flag     // the parsed declaration, for an update; nil for the schema's
	variants []string       // in the schema's order
	def      uint8          // default variant
	on       uint8          // a boolean flag's "on" (its schedule serves it)
	fixed    int            // variant a removed flag serves, or -1
	killed   bool
	off      bool
	users    map[string]uint8 // per-user overrides; nil when none
	rules    []rule
	dist     []part  // rollout or split; nil when none
	schedule []stage // nil when none
	seed     uint32  // FNV-1a state after salt + "."
	bucketBy string  // attribute to bucket by; "" for the subject id
	// plain is set for a flag that only a rollout or split by the
	// subject's id decides: not removed, killed or off, with no per-user
	// overrides, rules or schedule. Evaluator.variant has a fast path
	// for it.
	plain  bool
	values []value // typed values, each by variant number; nil when none
	// valueMaps holds, by variant number, the variant's values by name,
	// built once: what Values and Explain return. Nil when none.
	valueMaps []map[string]any
}

// part gives variant to the buckets below upper (and at or above the
// previous part's upper).
type part struct {
	upper   uint16
	variant uint8
}

type stage struct {
	start int64 // Unix nanoseconds
	upper uint16
}

type rule struct {
	users  map[string]struct{}
	groups []string
	when   []condition
	serve  int // variant, or -1 to serve split
	split  []part
}

type condition struct {
	attr   string
	op     spec.Op
	values []string
	number float64
	ver    semver.Version
}

// NoticeKind says how a flag of an update did not take effect as written.
type NoticeKind uint8

const (
	// NoticeMissing: the update does not declare a flag that the
	// compiled code does; the flag keeps its compiled-in declaration.
	NoticeMissing NoticeKind = iota + 1
	// NoticeKept: the compiled code cannot serve the update's declaration
	// of the flag (its kind or its variants differ); the flag keeps the
	// declaration that was in force, but an update that kills the flag
	// (killed = true, the emergency stop) kills it; every other flag of
	// the update takes effect.
	NoticeKept
	// NoticeUnknown: the update declares a flag that the compiled code
	// does not; it is served by key only ([Evaluator.Lookup], templates)
	// until code generated with it is deployed.
	NoticeUnknown
)

var noticeNames = [...]string{NoticeMissing: "missing", NoticeKept: "kept", NoticeUnknown: "unknown"}

func (k NoticeKind) String() string {
	if int(k) < len(noticeNames) && noticeNames[k] != "" {
		return noticeNames[k]
	}
	return fmt.Sprintf("NoticeKind(%d)", k)
}

// A Notice reports a flag of an update that did not take effect as the
// update wrote it, and what is served instead.
type Notice struct {
	Flag string
	Kind NoticeKind
	// Pos is where the update declares the flag; its Line is 0 for
	// [NoticeMissing].
	Pos spec.Pos
	// Msg says what happened and what to do, without the position.
	Msg string
}

// String returns the notice as a log line: "live.toml:12:1: message", or
// "live.toml: message" without a position.
func (n Notice) String() string {
	if p := n.Pos.String(); p != "" {
		return p + ": " + n.Msg
	}
	return n.Msg
}

// Notices returns what of the document s was compiled from did not take
// effect as written (see [Set.Compile]), sorted by kind then flag key;
// nil when everything did.
func (s *Snapshot) Notices() []Notice { return slices.Clone(s.notices) }

// compileSchema compiles the declarations a schema carries: the
// compiled-in snapshot. The generator validated them; anything
// inconsistent (a hand-edited file) is served as the flag's default
// rather than failing at program start.
func compileSchema(schema *flagmeta.Schema) *Snapshot {
	s := &Snapshot{schema: schema, flags: make([]flag, len(schema.Flags))}
	for i := range schema.Flags {
		info := &schema.Flags[i]
		s.flags[i] = compileFlag(info, numbered(info))
	}
	s.index()
	return s
}

// index builds s.byKey; the first flag of a key wins.
func (s *Snapshot) index() {
	s.byKey = make(map[string]int, len(s.flags))
	for i := range s.flags {
		if _, dup := s.byKey[s.flags[i].key]; !dup {
			s.byKey[s.flags[i].key] = i
		}
	}
}

// compileUpdate compiles a validated document against the schema of
// base's set, as [Set.Compile] documents: a schema flag that f lacks keeps
// its declaration in embedded, and one whose declaration the code cannot
// serve keeps its declaration in base. It runs in time linear in the
// flags of the schema and f.
func compileUpdate(f *spec.File, schema *flagmeta.Schema, base, embedded *Snapshot) *Snapshot {
	s := &Snapshot{schema: schema, file: f, flags: make([]flag, len(schema.Flags), len(schema.Flags)+len(f.Flags))}
	declared := make([]bool, len(schema.Flags))
	var notices []Notice
	for _, fl := range f.Flags {
		n, known := embedded.byKey[fl.Key] // embedded holds the schema's flags, by number
		if known && !declared[n] && base.flags[n].src == fl {
			// Compiled from this very declaration before: a store that
			// composes documents changes a few flags of a parsed one.
			declared[n] = true
			s.flags[n] = base.flags[n]
			continue
		}
		info := new(flagmeta.Flag)
		*info = fl.Meta()
		if !known {
			s.flags = append(s.flags, compileFlag(info, numbered(info)))
			notices = append(notices, Notice{Flag: fl.Key, Kind: NoticeUnknown, Pos: fl.Pos,
				Msg: fmt.Sprintf("flag %q is not in the generated code: it is served by key only (templates, Lookup) until code generated from this file is deployed", fl.Key)})
			continue
		}
		if declared[n] {
			continue // spec rejects duplicate keys; be safe
		}
		declared[n] = true
		if msg := servable(&schema.Flags[n], info); msg != "" {
			s.flags[n] = base.flags[n]
			if k := &base.flags[n]; info.Killed && !k.killed {
				// The kill switch is the emergency stop: it reaches the
				// declaration kept, whatever else the update changes.
				// (Lifting it does not: that waits for code that can
				// serve the update.) Compiled from no declaration of the
				// update (src nil), it is never reused for one.
				d := *k.decl
				d.Killed = true
				s.flags[n] = compileFlag(&d, k.variants)
				msg += "; its kill switch (killed = true) takes effect"
			}
			notices = append(notices, Notice{Flag: fl.Key, Kind: NoticeKept, Pos: fl.Pos, Msg: msg})
			continue
		}
		s.flags[n] = compileFlag(info, embedded.flags[n].variants)
		s.flags[n].src = fl
	}
	for n, ok := range declared {
		if !ok {
			key := schema.Flags[n].Key
			s.flags[n] = embedded.flags[n]
			notices = append(notices, Notice{Flag: key, Kind: NoticeMissing, Pos: spec.Pos{Filename: f.Name},
				Msg: fmt.Sprintf("flag %q is not declared here: it keeps its compiled-in declaration (a truncated file? declare it, or remove it from flags.toml and regenerate)", key)})
		}
	}
	slices.SortStableFunc(notices, func(a, b Notice) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		return strings.Compare(a.Flag, b.Flag)
	})
	s.notices = notices
	s.index()
	return s
}

// servable returns why the generated code, which declares want, cannot
// serve the declaration got; "" when it can. Variants may be reordered:
// the code numbers them by name.
func servable(want, got *flagmeta.Flag) string {
	if want.Bool != got.Bool {
		kind := map[bool]string{true: "boolean", false: "multi-variant"}
		return fmt.Sprintf("flag %q is %s here but %s in the generated code: it keeps the declaration in force; keep the flag's kind, or regenerate and deploy the code first", got.Key, kind[got.Bool], kind[want.Bool])
	}
	same := len(want.Variants) == len(got.Variants)
	for _, v := range got.Variants {
		same = same && slices.Contains(want.Variants, v)
	}
	if !same {
		return fmt.Sprintf("flag %q has variants %s here but %s in the generated code: it keeps the declaration in force; keep the variants, or regenerate and deploy the code first", got.Key, strings.Join(got.Variants, ", "), strings.Join(want.Variants, ", "))
	}
	return servableValues(want, got)
}

// numbered returns info's variants in the order generated code numbers
// them (flagmeta.Flag.Number): info.Variants itself when the default
// comes first, as it usually does.
func numbered(info *flagmeta.Flag) []string {
	if len(info.Variants) > 0 && info.Variants[0] == info.Default {
		return info.Variants
	}
	return info.Numbered()
}

// compileFlag compiles info, numbering variants as names (the generated
// code's order) does. A variant name not in names compiles as the
// default: a validated declaration has none.
func compileFlag(info *flagmeta.Flag, names []string) flag {
	num := func(v string) uint8 {
		if i := slices.Index(names, v); i >= 0 {
			return uint8(i)
		}
		return uint8(max(0, slices.Index(names, info.Default)))
	}
	salt := info.Salt
	if salt == "" {
		salt = info.Key
	}
	c := flag{
		key:      info.Key,
		decl:     info,
		variants: names,
		def:      num(info.Default),
		on:       num(spec.On),
		fixed:    -1,
		killed:   info.Killed,
		off:      info.Disabled,
		dist:     compileDist(info.Rollout, num),
		seed:     seed(salt),
		bucketBy: info.BucketBy,
		values:   compileValues(info, names),
	}
	c.valueMaps = valueMaps(c.values, len(names))
	if info.Removed != "" {
		c.fixed = int(num(info.Final))
	}
	for _, o := range info.Overrides {
		if c.users == nil {
			c.users = make(map[string]uint8)
		}
		v := num(o.Variant)
		for _, u := range o.Users {
			if _, dup := c.users[u]; !dup {
				c.users[u] = v
			}
		}
	}
	for _, r := range info.Rules {
		cr := rule{groups: r.Groups, serve: -1, split: compileDist(r.Split, num)}
		if r.Serve != "" {
			cr.serve = int(num(r.Serve))
		} else if cr.split == nil {
			cr.serve = int(c.def)
		}
		if len(r.Users) > 0 {
			cr.users = make(map[string]struct{}, len(r.Users))
			for _, u := range r.Users {
				cr.users[u] = struct{}{}
			}
		}
		for _, w := range r.When {
			cond := condition{attr: w.Attribute, op: spec.Op(w.Op), values: w.Values, number: w.Number}
			if cond.op.Semver() && len(w.Values) > 0 {
				cond.ver, _ = semver.Parse(w.Values[0])
			}
			cr.when = append(cr.when, cond)
		}
		c.rules = append(c.rules, cr)
	}
	for _, st := range info.Schedule {
		t, err := time.Parse(time.RFC3339Nano, st.Start)
		if err != nil {
			continue
		}
		c.schedule = append(c.schedule, stage{start: unixNano(t), upper: uint16(min(max(st.Percent, 0), int(Buckets)))})
	}
	c.plain = c.fixed < 0 && !c.killed && !c.off && c.users == nil && c.rules == nil &&
		c.schedule == nil && c.dist != nil && c.bucketBy == ""
	return c
}

// unixNano returns t in Unix nanoseconds, saturated to int64's range
// (the years 1678 to 2262) where time.Time.UnixNano wraps around: a
// stage that starts in 2300 must not start in 1715. Instants beyond the
// range compare equal to its ends.
func unixNano(t time.Time) int64 {
	const maxSec = math.MaxInt64 / int64(time.Second)
	switch sec := t.Unix(); {
	case sec >= maxSec:
		return math.MaxInt64
	case sec <= -maxSec:
		return math.MinInt64
	}
	return t.UnixNano()
}

func compileDist(d []flagmeta.Part, num func(string) uint8) []part {
	if len(d) == 0 {
		return nil
	}
	out := make([]part, 0, len(d))
	prev := 0
	for i, p := range d {
		// Uppers never decrease (flagmeta.Part), which pick relies on;
		// a schema that breaks that gets the buckets of each part no
		// earlier part took.
		upper := min(max(p.Upper, prev), int(Buckets))
		if upper == prev && i < len(d)-1 {
			// A part with no buckets (a 0% rollout's on) serves no
			// one; dropped, so that a variant with 100% comes first
			// and pick serves it without a bucket.
			continue
		}
		prev = upper
		out = append(out, part{upper: uint16(upper), variant: num(p.Variant)})
	}
	return out
}

// Schema returns the schema s was compiled against. It must not be
// modified.
func (s *Snapshot) Schema() *flagmeta.Schema { return s.schema }

// File returns the validated file s was compiled from, or nil for the
// compiled-in snapshot, which is built from the schema.
func (s *Snapshot) File() *spec.File { return s.file }

// Keys returns the keys of every flag in s: the schema's in number order,
// then any others.
func (s *Snapshot) Keys() []string {
	keys := make([]string, len(s.flags))
	for i := range s.flags {
		keys[i] = s.flags[i].key
	}
	return keys
}

// Variants returns the variant names of the flag with the given key, in
// the order its declaration in force lists them, or nil for an unknown
// key.
func (s *Snapshot) Variants(key string) []string {
	if i, ok := s.byKey[key]; ok {
		return slices.Clone(s.flags[i].decl.Variants)
	}
	return nil
}

// Same reports whether s serves the flag with the given key from the
// very declaration prev serves it from: one compiled once and shared by
// both snapshots, as [Set.CompileFile] shares a flag whose *spec.Flag it
// compiled before. A source that composes documents changes a few flags
// of many; a diff need only look at the flags that are not the same. It
// reports false for a key either snapshot lacks (or a nil prev), and may
// report false for two declarations that are equal but were compiled
// apart.
func (s *Snapshot) Same(prev *Snapshot, key string) bool {
	if prev == nil {
		return false
	}
	i, ok := s.byKey[key]
	j, pok := prev.byKey[key]
	return ok && pok && s.flags[i].decl != nil && s.flags[i].decl == prev.flags[j].decl
}

// Flag returns the declaration of the flag with the given key that s
// serves, as package flagmeta describes it: the compiled-in one, the
// update's, or, for a flag an update could not change (see [Notice]),
// the one kept. It returns false for an unknown key. The result shares
// its slices with s and must not be modified.
func (s *Snapshot) Flag(key string) (flagmeta.Flag, bool) {
	i, ok := s.byKey[key]
	if !ok || s.flags[i].decl == nil {
		return flagmeta.Flag{}, false
	}
	return *s.flags[i].decl, true
}
