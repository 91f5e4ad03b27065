package redisstore

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

// fuzzPackage is the type flagimpl.New is given.
type fuzzPackage struct{}

// FuzzCompose: whatever a store holds — any document, any operations
// (as the JSON an instance reads from {NS}:state) — composing it returns a
// document or an error, never a panic, and a composed document compiles
// as the spec's own output does.
func FuzzCompose(f *testing.F) {
	doc := `[flags.search]
description = "d"
owner = "o"
expires = 2030-01-01
variants = ["control", "variant_a"]
default = "control"

[flags.holiday]
description = "d"
owner = "o"
expires = 2030-01-01
rollout = 0
`
	for _, ops := range []string{
		`{}`, `{"holiday":{"killed":true}}`, `{"holiday":{"rollout":2500}}`,
		`{"search":{"split":{"control":5000,"variant_a":5000}}}`,
		`{"search":{"rollout":100}}`, `{"holiday":{"split":{"on":10000}}}`,
		`{"holiday":{"schedule":[{"start":"2026-01-01T00:00:00Z","percent":100}],"rollout":5}}`,
		`{"nope":{"enabled":false}}`, `{"holiday":{"rollout":-1}}`, `{"search":{"split":{"control":20000}}}`,
	} {
		f.Add(doc, ops)
	}
	f.Fuzz(func(t *testing.T, doc, opsJSON string) {
		var ops Ops
		if json.Unmarshal([]byte(opsJSON), &ops) != nil {
			return
		}
		st := State{Version: 1, Doc: []byte(doc), Ops: ops}
		file, err := Compose(st, spec.Limits{}, nil)
		if err != nil {
			return
		}
		if file == nil {
			t.Fatal("Compose returned neither a document nor an error")
		}
		// The same state again, from the composed document as base.
		if _, err := Compose(st, spec.Limits{}, file); err != nil {
			t.Fatalf("composing again from the result: %v", err)
		}
		// What an instance does with it: compile it against code
		// generated from the document.
		plain, err := spec.Parse("flags.toml", []byte(doc))
		if err != nil {
			t.Fatalf("Compose accepted a document spec.Parse refuses: %v", err)
		}
		set := flagimpl.New[fuzzPackage](plain.Meta()).Set()
		snap, err := set.CompileFile(file)
		if err != nil {
			return
		}
		for _, key := range snap.Keys() {
			set.Store(snap)
			set.NewEvaluator(context.Background(), runtime.Subject{ID: "u1"}, nil).Lookup(key)
		}
	})
}
