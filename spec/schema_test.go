package spec

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The schema is validated against every flags.toml of the repository's
// tests, and checked with Taplo's CLI, in package
// spec/internal/schemacheck, so that the modules that import spec need no
// JSON Schema validator in their go.sum.

// schemaKeys returns the property names of the schema object at path
// (keys of the decoded schema, following $ref into definitions).
func schemaKeys(t *testing.T, root map[string]any, path ...string) []string {
	t.Helper()
	node := root
	for _, p := range path {
		next, ok := node[p].(map[string]any)
		if !ok {
			t.Fatalf("schema has no %s", strings.Join(path, "."))
		}
		if ref, ok := next["$ref"].(string); ok {
			next = root["definitions"].(map[string]any)[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
		}
		node = next
	}
	return slices.Sorted(maps.Keys(node["properties"].(map[string]any)))
}

// TestJSONSchemaDrift fails when the parser accepts a key the schema
// lacks, or the reverse, or the operators differ.
func TestJSONSchemaDrift(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(JSONSchema, &root); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  []string
		want []string
	}{
		{"top level", schemaKeys(t, root), []string{"flags", "generate"}},
		{"[generate]", schemaKeys(t, root, "properties", "generate"), []string{"dir", "package"}},
		{"a flag", schemaKeys(t, root, "definitions", "flag"), flagKeys},
		{"a rule", schemaKeys(t, root, "definitions", "rule"), ruleKeys},
		{"a condition", schemaKeys(t, root, "definitions", "condition"), conditionKeys},
		{"a schedule stage", schemaKeys(t, root, "definitions", "stage"), []string{"start", "percent"}},
		{"removed", schemaKeys(t, root, "definitions", "flag", "properties", "removed"), []string{"date", "serve"}},
	} {
		if want := slices.Sorted(slices.Values(c.want)); !slices.Equal(c.got, want) {
			t.Errorf("the schema's keys of %s are %v; the parser's are %v", c.name, c.got, want)
		}
	}
	op := root["definitions"].(map[string]any)["condition"].(map[string]any)["properties"].(map[string]any)["op"].(map[string]any)
	var enum []string
	for _, e := range op["enum"].([]any) {
		enum = append(enum, e.(string))
	}
	if want := opNames(); !slices.Equal(enum, want) {
		t.Errorf("the schema's operators are %v; spec.Ops are %v", enum, want)
	}
	// Every key has hover text; every table with keys rejects others.
	var walk func(path string, n any)
	walk = func(path string, n any) {
		switch n := n.(type) {
		case map[string]any:
			if props, ok := n["properties"].(map[string]any); ok && path != "" && !conditional(path) {
				if n["additionalProperties"] != false {
					t.Errorf("%s: no additionalProperties: false", path)
				}
				for k, p := range props {
					if d, _ := p.(map[string]any)["description"].(string); d == "" {
						t.Errorf("%s/properties/%s has no description", path, k)
					}
				}
			}
			for k, e := range n {
				walk(path+"/"+k, e)
			}
		case []any:
			for i, e := range n {
				walk(path+"/"+strconv.Itoa(i), e)
			}
		}
	}
	walk("#", root)
	if root["additionalProperties"] != false || root["description"] == "" {
		t.Errorf("the top level must reject unknown keys and have a description")
	}
	if !strings.Contains(root["description"].(string), "Go validator") {
		t.Errorf("the top description does not say what stays the Go validator's")
	}
}

// conditional reports whether path is in an if, then or else of the
// schema, which constrains keys declared elsewhere.
func conditional(path string) bool {
	return strings.HasSuffix(path, "/if") || strings.HasSuffix(path, "/then") || strings.HasSuffix(path, "/else")
}
