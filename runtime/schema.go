package runtime

// SupportPackageIsVersion1 is referenced by generated code, so that a
// package generated for a runtime with another generated-code protocol
// fails to compile instead of misbehaving.
const SupportPackageIsVersion1 = true

// Schema describes the flags a generated package was built from: their
// keys, variants (whose order fixes the generated enum values) and the
// metadata the stale-flag analyzer reads. Generated code writes it as a
// plain composite literal; a flag's number is its index in Flags.
type Schema struct {
	// Name is the source file's name, e.g. "flags.toml".
	Name  string
	Flags []FlagInfo
}

// FlagInfo describes one flag of a [Schema]. Dates are written
// YYYY-MM-DD; empty strings mean "not set".
type FlagInfo struct {
	Key    string
	GoName string
	Bool   bool
	// Variants are the variant names in declaration order; a boolean
	// flag's are "off", "on".
	Variants    []string
	Default     string
	Description string
	Owner       string
	Expires     string
	// Deprecated is the deprecation message.
	Deprecated string
	// Removed is the date the flag was removed; it then serves Final.
	Removed string
	Final   string
	// Settled is the variant a settled flag serves to everyone, from
	// SettledSince (when known) on.
	Settled      string
	SettledSince string
}

// index returns the number of the flag with the given key, or -1.
func (s *Schema) index(key string) int {
	for i := range s.Flags {
		if s.Flags[i].Key == key {
			return i
		}
	}
	return -1
}
