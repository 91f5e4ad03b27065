package spec

import _ "embed" // for JSONSchema

// JSONSchema is a JSON Schema (draft-07) of flags.toml, for editors that
// validate TOML against one (Taplo, Even Better TOML): completion, hover
// text on every key, and the rejection of unknown keys, unknown operators
// and bad flag keys. It is spec/flags.schema.json, which a flags.toml names
// in a first line such as
//
//	#:schema ./flags.schema.json
//
// What JSON Schema cannot say — split weights summing to 100, a default
// naming a declared variant, and the like — stays [Parse]'s: the schema
// accepts every valid file, but not every file it accepts is valid.
//
//go:embed flags.schema.json
var JSONSchema []byte
