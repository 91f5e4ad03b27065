package peers

import "testing"

// floorFlag is the hand-written floor's idea of a flag: a salt, and the
// upper bounds (exclusive, in percent) of its variants' buckets.
type floorFlag struct {
	salt   string
	upper  []uint32
	values []string
}

// floor is the least a flag check can do: find the flag in a map by key,
// hash salt + "." + id with 32-bit FNV-1a, and compare the hash mod 100
// with the flag's bounds. It builds no subject and keeps no state.
type floor struct {
	flags map[string]*floorFlag
}

func openFloor(testing.TB) peer {
	return floor{flags: map[string]*floorFlag{
		"rollout": {salt: "rollout", upper: []uint32{25}},
		"split":   {salt: "split", upper: []uint32{50, 75, 100}, values: []string{"control", "variant_a", "variant_b"}},
		"rule":    {salt: "rule", upper: []uint32{10}},
	}}
}

// bucket returns FNV-1a 32 of f.salt + "." + id, mod 100.
func (f *floorFlag) bucket(id string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(f.salt); i++ {
		h ^= uint32(f.salt[i])
		h *= 16777619
	}
	h ^= '.'
	h *= 16777619
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return h % 100
}

func (p floor) rollout(id string) bool {
	f := p.flags["rollout"]
	return f.bucket(id) < f.upper[0]
}

func (p floor) split(id string) string {
	f := p.flags["split"]
	b := f.bucket(id)
	for i, u := range f.upper {
		if b < u {
			return f.values[i]
		}
	}
	return f.values[0]
}

func (p floor) rule(id, group string) bool {
	f := p.flags["rule"]
	return group == "beta" || f.bucket(id) < f.upper[0]
}
