package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeFleet puts a flaggen-fleet script on a PATH of its own: it prints
// its arguments and a line of its standard input to stdout, a line to
// stderr, and exits with the status in its first argument's FAKE_EXIT
// variable.
func fakeFleet(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake flaggen-fleet is a shell script")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\necho \"args: $*\"\nread line\necho \"stdin: $line\"\necho \"to stderr\" >&2\nexit ${FAKE_EXIT:-0}\n"
	if err := os.WriteFile(filepath.Join(dir, fleetCommand), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
}

// withStdin makes os.Stdin read text for the rest of the test.
func withStdin(t *testing.T, text string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
}

// TestFleetDispatch: each fleet command runs flaggen-fleet with the same
// arguments, standard input, output and error, and exits with its status.
func TestFleetDispatch(t *testing.T) {
	fakeFleet(t)
	dir := t.TempDir()
	for _, cmd := range fleetCommands {
		withStdin(t, "yes\n")
		got := runIn(t, dir, cmd, "-json", "search", "25%")
		want := "args: " + cmd + " -json search 25%\nstdin: yes\n"
		if got.code != 0 || got.stdout != want || got.stderr != "to stderr\n" {
			t.Errorf("flaggen %s: got exit %d, stdout %q, stderr %q; want 0, %q, %q", cmd, got.code, got.stdout, got.stderr, want, "to stderr\n")
		}
	}
	for _, args := range [][]string{{"-redis", "redis://r:6379/1", "status"}, {"--json", "status"}, {"-by=ana", "kill", "search"}} {
		withStdin(t, "")
		got := runIn(t, dir, args...)
		if want := "args: " + strings.Join(args, " ") + "\n"; got.code != 0 || !strings.HasPrefix(got.stdout, want) {
			t.Errorf("flaggen %q: got exit %d, stdout %q; want flaggen-fleet run with %q", args, got.code, got.stdout, want)
		}
	}
	for _, code := range []string{"1", "2", "7"} {
		t.Setenv("FAKE_EXIT", code)
		withStdin(t, "")
		if got := runIn(t, dir, "stale", "-for", "30d"); got.code != int(code[0]-'0') {
			t.Errorf("flaggen stale with flaggen-fleet exiting %s: got exit %d", code, got.code)
		}
	}
}

// TestFleetHelp: flaggen help push asks flaggen-fleet.
func TestFleetHelp(t *testing.T) {
	fakeFleet(t)
	withStdin(t, "")
	got := runIn(t, t.TempDir(), "help", "push")
	if got.code != 0 || !strings.HasPrefix(got.stdout, "args: help push\n") {
		t.Errorf("flaggen help push: got exit %d, stdout %q; want flaggen-fleet help push", got.code, got.stdout)
	}
}

// TestFleetMissing: without flaggen-fleet on PATH, a fleet command says,
// in one line, how to install it, and exits 1.
func TestFleetMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, args := range [][]string{{"kill", "search"}, {"help", "status"}} {
		got := runIn(t, t.TempDir(), args...)
		want := "flaggen " + args[0] + ": needs the flaggen-fleet command, which is not on PATH; install it with: " +
			"go install github.com/flaggen/flaggen/store/redisstore/cmd/flaggen-fleet@latest " +
			"(or, from a checkout: cd store/redisstore && go install ./cmd/flaggen-fleet)\n"
		if got.code != exitFail || got.stdout != "" || got.stderr != want {
			t.Errorf("flaggen %q without flaggen-fleet: got exit %d, stdout %q, stderr %q; want 1 and %q", args, got.code, got.stdout, got.stderr, want)
		}
	}
}

// TestUsageListsFleetCommands: flaggen help lists the fleet's commands.
func TestUsageListsFleetCommands(t *testing.T) {
	got := runIn(t, t.TempDir(), "help")
	for _, cmd := range fleetCommands {
		if !strings.Contains(got.stdout, "\tflaggen "+cmd+" ") && !strings.Contains(got.stdout, "| "+cmd+" ") && !strings.Contains(got.stdout, "\tflaggen "+cmd+"\n") {
			t.Errorf("flaggen help does not list %s:\n%s", cmd, got.stdout)
		}
	}
}
