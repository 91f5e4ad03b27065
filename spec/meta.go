package spec

import (
	"encoding/json"
	"time"

	"github.com/flaggen/flaggen/flagmeta"
)

// Meta describes the flags of f as generated code carries them: the
// metadata and each flag's whole declaration, so that the runtime
// compiles it without parsing (see package flagmeta).
func (f *File) Meta() *flagmeta.Schema {
	s := &flagmeta.Schema{Name: f.Name, Flags: make([]flagmeta.Flag, 0, len(f.Flags))}
	for _, fl := range f.Flags {
		s.Flags = append(s.Flags, fl.Meta())
	}
	return s
}

// Meta describes fl as generated code carries it.
func (fl *Flag) Meta() flagmeta.Flag {
	name := func(v int) string { return fl.Variants[v].Name }
	info := flagmeta.Flag{
		Key:         fl.Key,
		GoName:      fl.GoName,
		Bool:        fl.Bool,
		Variants:    make([]string, len(fl.Variants)),
		Default:     name(fl.Default),
		Description: fl.Description,
		Owner:       fl.Owner,
		Expires:     fl.Expires.String(),
		Deprecated:  fl.Deprecated,
		Disabled:    !fl.Enabled,
		Killed:      fl.Killed,
		BucketBy:    fl.BucketBy,
		Rollout:     metaParts(fl, fl.Rollout),
	}
	for i, v := range fl.Variants {
		info.Variants[i] = v.Name
	}
	if fl.Salt != fl.Key {
		info.Salt = fl.Salt
	}
	if fl.Removed != nil {
		info.Removed = fl.Removed.Date.String()
		info.Final = name(fl.Removed.Variant)
	}
	if v, since, ok := fl.Settled(); ok {
		info.Settled = name(v)
		info.SettledSince = since.String()
	}
	for _, st := range fl.Schedule {
		info.Schedule = append(info.Schedule, flagmeta.Stage{Start: st.Start.Format(time.RFC3339Nano), Percent: int(st.Percent)})
	}
	for _, r := range fl.Rules {
		ri := flagmeta.Rule{Users: r.Users, Groups: r.Groups, Split: metaParts(fl, r.Split)}
		if r.Serve >= 0 {
			ri.Serve = name(r.Serve)
		}
		for _, w := range r.When {
			ri.When = append(ri.When, flagmeta.Condition{Attribute: w.Attribute, Op: string(w.Op), Values: w.Values, Number: w.Number})
		}
		info.Rules = append(info.Rules, ri)
	}
	for _, o := range fl.Overrides {
		info.Overrides = append(info.Overrides, flagmeta.Override{Variant: name(o.Variant), Users: o.Users})
	}
	for _, v := range fl.Values {
		info.Values = append(info.Values, v.meta())
	}
	return info
}

// meta describes v as package flagmeta does: each variant's value as
// JSON.
func (v *Value) meta() flagmeta.Value {
	m := flagmeta.Value{Name: v.Name, GoName: v.GoName, Type: v.Type.String(), ByVariant: make([]string, len(v.ByVariant))}
	for _, f := range v.Fields {
		m.Fields = append(m.Fields, flagmeta.Field{Name: f.Name, GoName: f.GoName, Type: f.Type.String()})
	}
	for i, x := range v.ByVariant {
		// The values are strings, finite numbers, booleans and maps of
		// those: they always marshal.
		b, _ := json.Marshal(x)
		m.ByVariant[i] = string(b)
	}
	return m
}

func metaParts(fl *Flag, d Distribution) []flagmeta.Part {
	if len(d) == 0 {
		return nil
	}
	out := make([]flagmeta.Part, len(d))
	for i, p := range d {
		out[i] = flagmeta.Part{Variant: fl.Variants[p.Variant].Name, Upper: int(p.Upper)}
	}
	return out
}
