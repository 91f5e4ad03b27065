package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/spec"
)

func TestSchemaPrintsTheSchema(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"schema"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("flaggen schema exited %d: %s", code, stderr.String())
	}
	if !bytes.Equal(stdout.Bytes(), spec.JSONSchema) {
		t.Errorf("flaggen schema printed something other than spec.JSONSchema")
	}
	var v map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
		t.Fatalf("flaggen schema printed invalid JSON: %v", err)
	}
	if v["$schema"] != "http://json-schema.org/draft-07/schema#" {
		t.Errorf("$schema = %v, want draft-07", v["$schema"])
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestSchemaUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"schema", "extra"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("flaggen schema extra exited %d, want %d", code, exitUsage)
	}
	if stdout.Len() > 0 || !strings.Contains(stderr.String(), "usage: flaggen schema") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
	stdout.Reset()
	if code := run([]string{"help", "schema"}, &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "#:schema") {
		t.Errorf("flaggen help schema exited %d: %s", code, stdout.String())
	}
	stdout.Reset()
	run([]string{"help"}, &stdout, &stderr)
	if !strings.Contains(stdout.String(), "flaggen schema\n") {
		t.Errorf("flaggen help does not list schema:\n%s", stdout.String())
	}
}
