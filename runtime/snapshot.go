package runtime

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flaggen/flaggen/internal/semver"
	"github.com/flaggen/flaggen/spec"
)

// A Snapshot is a compiled, immutable flag configuration. Flags are held
// in an array indexed by the generated code's flag numbers, so evaluation
// does no map lookup. A Snapshot is safe for concurrent use.
type Snapshot struct {
	schema *Schema
	// flags holds the schema's flags by number, then any flags the file
	// declares that the schema lacks (reachable by key only).
	flags []flag
	byKey map[string]int
	file  *spec.File
}

// flag is one compiled flag.
type flag struct {
	key      string
	variants []string // in the schema's order
	def      uint8    // default variant
	fixed    int      // variant a removed flag serves, or -1
	killed   bool
	off      bool
	users    map[string]uint8 // per-user overrides; nil when none
	rules    []rule
	dist     []part  // rollout or split; nil when none
	schedule []stage // nil when none
	seed     uint32  // FNV-1a state after salt + "."
	bucketBy string  // attribute to bucket by; "" for the subject id
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

// Compile compiles a validated file. With a schema (a generated package's),
// the snapshot numbers flags and variants as the schema does: a flag the
// file lacks serves the schema's default, and a flag whose kind or
// variants differ from the schema's is an error, since generated code
// could not name its variants. Flags the schema lacks are still compiled,
// for the string-keyed lookup. With a nil schema, flags are numbered in
// file order.
func Compile(f *spec.File, schema *Schema) (*Snapshot, error) {
	if schema == nil {
		schema = SchemaOf(f)
	}
	s := &Snapshot{schema: schema, file: f, byKey: make(map[string]int)}
	var errs spec.ErrorList
	for i := range schema.Flags {
		info := &schema.Flags[i]
		fl := f.Flag(info.Key)
		if fl == nil {
			s.flags = append(s.flags, absent(info))
			continue
		}
		order, err := variantOrder(info, fl)
		if err != nil {
			errs = append(errs, &spec.Error{Pos: fl.Pos, Msg: err.Error()})
			s.flags = append(s.flags, absent(info))
			continue
		}
		s.flags = append(s.flags, compileFlag(fl, order, info.Variants))
	}
	for _, fl := range f.Flags {
		if schema.index(fl.Key) < 0 {
			order := make([]int, len(fl.Variants))
			names := make([]string, len(fl.Variants))
			for i, v := range fl.Variants {
				order[i], names[i] = i, v.Name
			}
			s.flags = append(s.flags, compileFlag(fl, order, names))
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	for i := range s.flags {
		s.byKey[s.flags[i].key] = i
	}
	return s, nil
}

// SchemaOf describes the flags of f as generated code would.
func SchemaOf(f *spec.File) *Schema {
	s := &Schema{Name: f.Name}
	for _, fl := range f.Flags {
		info := FlagInfo{
			Key:         fl.Key,
			GoName:      fl.GoName,
			Bool:        fl.Bool,
			Default:     fl.Variants[fl.Default].Name,
			Description: fl.Description,
			Owner:       fl.Owner,
			Expires:     fl.Expires.String(),
			Deprecated:  fl.Deprecated,
		}
		for _, v := range fl.Variants {
			info.Variants = append(info.Variants, v.Name)
		}
		if fl.Removed != nil {
			info.Removed = fl.Removed.Date.String()
			info.Final = fl.Variants[fl.Removed.Variant].Name
		}
		if v, since, ok := fl.Settled(); ok {
			info.Settled = fl.Variants[v].Name
			info.SettledSince = since.String()
		}
		s.Flags = append(s.Flags, info)
	}
	return s
}

// variantOrder maps fl's variant indexes to the schema's.
func variantOrder(info *FlagInfo, fl *spec.Flag) ([]int, error) {
	if info.Bool != fl.Bool {
		kind := map[bool]string{true: "boolean", false: "multi-variant"}
		return nil, fmt.Errorf("flag %q is %s here but %s in the generated code: regenerate the package, or keep the flag's kind", fl.Key, kind[fl.Bool], kind[info.Bool])
	}
	names := make([]string, len(fl.Variants))
	order := make([]int, len(fl.Variants))
	for i, v := range fl.Variants {
		names[i] = v.Name
		order[i] = slices.Index(info.Variants, v.Name)
	}
	if len(names) != len(info.Variants) || slices.Contains(order, -1) {
		return nil, fmt.Errorf("flag %q has variants %s here but %s in the generated code: regenerate the package, or keep the variants", fl.Key, strings.Join(names, ", "), strings.Join(info.Variants, ", "))
	}
	return order, nil
}

// absent compiles a schema flag that the file does not declare: it serves
// its default (or, removed, its final variant) to everyone.
func absent(info *FlagInfo) flag {
	f := flag{key: info.Key, variants: info.Variants, fixed: -1, seed: seed(info.Key)}
	f.def = uint8(max(0, slices.Index(info.Variants, info.Default)))
	if info.Removed != "" {
		f.fixed = slices.Index(info.Variants, info.Final)
	}
	return f
}

// compileFlag compiles fl, numbering variant i of fl as order[i].
func compileFlag(fl *spec.Flag, order []int, names []string) flag {
	c := flag{
		key:      fl.Key,
		variants: names,
		def:      uint8(order[fl.Default]),
		fixed:    -1,
		killed:   fl.Killed,
		off:      !fl.Enabled,
		dist:     compileDist(fl.Rollout, order),
		seed:     seed(fl.Salt),
		bucketBy: fl.BucketBy,
	}
	if fl.Removed != nil {
		c.fixed = order[fl.Removed.Variant]
	}
	for _, o := range fl.Overrides {
		if c.users == nil {
			c.users = make(map[string]uint8)
		}
		for _, u := range o.Users {
			c.users[u] = uint8(order[o.Variant])
		}
	}
	for _, r := range fl.Rules {
		cr := rule{groups: r.Groups, serve: -1, split: compileDist(r.Split, order)}
		if r.Serve >= 0 {
			cr.serve = order[r.Serve]
		}
		if len(r.Users) > 0 {
			cr.users = make(map[string]struct{}, len(r.Users))
			for _, u := range r.Users {
				cr.users[u] = struct{}{}
			}
		}
		for _, w := range r.When {
			cond := condition{attr: w.Attribute, op: w.Op, values: w.Values, number: w.Number}
			if w.Op.Semver() {
				cond.ver, _ = semver.Parse(w.Values[0])
			}
			cr.when = append(cr.when, cond)
		}
		c.rules = append(c.rules, cr)
	}
	for _, st := range fl.Schedule {
		c.schedule = append(c.schedule, stage{start: st.Start.UnixNano(), upper: uint16(st.Percent)})
	}
	return c
}

func compileDist(d spec.Distribution, order []int) []part {
	if len(d) == 0 {
		return nil
	}
	out := make([]part, len(d))
	for i, p := range d {
		out[i] = part{upper: uint16(p.Upper), variant: uint8(order[p.Variant])}
	}
	return out
}

// Schema returns the schema s was compiled against.
func (s *Snapshot) Schema() *Schema { return s.schema }

// File returns the validated file s was compiled from.
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
// the order the generated code numbers them, or nil for an unknown key.
func (s *Snapshot) Variants(key string) []string {
	if i, ok := s.byKey[key]; ok {
		return slices.Clone(s.flags[i].variants)
	}
	return nil
}
