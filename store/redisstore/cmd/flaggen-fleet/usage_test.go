package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCmd runs the command line args with env as the environment.
func runCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

// TestUsage: usage errors exit 2 and say what is wrong, without asking
// Redis anything (the URL points nowhere).
func TestUsage(t *testing.T) {
	t.Parallel()
	env := map[string]string{"FLAGGEN_REDIS": "redis://127.0.0.1:1/0"}
	tests := []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"kill"}, "flaggen kill: want 1 argument, got 0"},
		{[]string{"kill", "a", "b"}, "flaggen kill: want 1 argument, got 2"},
		{[]string{"rollout", "new_checkout"}, "want 2 arguments, got 1"},
		{[]string{"rollout", "new_checkout", "150"}, "over 100"},
		{[]string{"rollout", "new_checkout", "lots"}, "not a number"},
		{[]string{"rollout", "new_checkout", "-5"}, `percentage "-5" is not a number: write 25, 25% or 0.5`},
		{[]string{"rollout", "-by", "ana", "new_checkout", "-0.5%"}, `percentage "-0.5%" is not a number`},
		{[]string{"split", "search", "control=50"}, "must sum to 100"},
		{[]string{"schedule", "new_checkout"}, "want at least 2 arguments, got 1"},
		{[]string{"schedule", "new_checkout", "5%@soon"}, "not now, +DURATION"},
		{[]string{"push", "a.toml", "b.toml"}, "want at most 1 argument, got 2"},
		{[]string{"status", "x"}, "want no arguments, got 1"},
		{[]string{"stale"}, "-for is required"},
		{[]string{"stale", "-for", "soon"}, `-for "soon"`},
		{[]string{"history", "-n", "-1"}, "-n must be"},
		{[]string{"kill", "-nope", "search"}, "flag provided but not defined: -nope"},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCmd(t, env, tt.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("flaggen %q: got exit %d, stdout %q, stderr %q; want exit 2 and stderr saying %q",
				tt.args, code, stdout, stderr, tt.want)
		}
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"-h"}, {"help", "schedule"}, {"schedule", "-h"}} {
		code, stdout, stderr := runCmd(t, nil, args...)
		if code != exitOK {
			t.Errorf("flaggen %q: exit %d, stderr %q; want 0", args, code, stderr)
		}
		if out := stdout + stderr; !strings.Contains(out, "schedule") || !strings.Contains(out, "-redis") {
			t.Errorf("flaggen %q: printed %q, want the usage of schedule and the global flags", args, out)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	t.Parallel()
	c := &cli{}
	fs := c.flagSet(lookup("history"), &bytes.Buffer{})
	args, err := parseInterspersed(fs, []string{"-json", "search", "-n", "3", "--", "-x"})
	if err != nil || strings.Join(args, " ") != "search -x" || !c.g.json || c.o.n != 3 {
		t.Errorf("got args %q, err %v, json %v, n %d; want [search -x], json, 3", args, err, c.g.json, c.o.n)
	}
}

func TestDefaultBy(t *testing.T) {
	t.Parallel()
	got := defaultBy(func(k string) string { return map[string]string{"USER": "ana"}[k] })
	if !strings.HasPrefix(got, "ana@") && got != "ana" {
		t.Errorf("defaultBy with USER=ana: got %q, want ana@hostname", got)
	}
}
