package main

import (
	"fmt"
	"io"

	"github.com/flaggen/flaggen/spec"
)

const schemaUsage = `usage: flaggen schema

Schema prints the JSON Schema (draft-07) of flags.toml, for editors that
validate TOML against one (Taplo, Even Better TOML): completion, hover
text, and unknown keys, operators and flag keys flagged as you type.

	flaggen schema > flags.schema.json

and make the first line of flags.toml

	#:schema ./flags.schema.json

What JSON Schema cannot say (split weights summing to 100, a default
naming a declared variant, …) stays flaggen check's.
`

func runSchema(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, schemaUsage)
		return exitOK
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "flaggen schema: unexpected argument %q\n", args[0])
		fmt.Fprint(stderr, schemaUsage)
		return exitUsage
	}
	if _, err := stdout.Write(spec.JSONSchema); err != nil {
		fmt.Fprintf(stderr, "flaggen: %v\n", err)
		return exitFail
	}
	return exitOK
}
