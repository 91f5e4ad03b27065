package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// fleetCommand is the command that operates a fleet's live flags in
// Redis. It is a module of its own (store/redisstore) so that this one
// does not require a Redis client.
const fleetCommand = "flaggen-fleet"

// fleetCommands are the commands flaggen hands to flaggen-fleet.
var fleetCommands = []string{
	"push", "kill", "unkill", "enable", "disable", "rollout", "split",
	"schedule", "status", "history", "stale",
}

// isFleetCommand reports whether flaggen-fleet runs the command line
// whose first argument is arg: a fleet command, or one of flaggen-fleet's
// global flags before it (flaggen -redis URL status).
func isFleetCommand(arg string) bool {
	if name, ok := strings.CutPrefix(arg, "-"); ok {
		name, _, _ = strings.Cut(strings.TrimPrefix(name, "-"), "=")
		return slices.Contains(fleetFlags, name)
	}
	return slices.Contains(fleetCommands, arg)
}

// fleetFlags are flaggen-fleet's global flags, which may come before its
// command.
var fleetFlags = []string{"redis", "namespace", "by", "json"}

// fleetInstall says how to install flaggen-fleet.
const fleetInstall = "install it with: go install github.com/flaggen/flaggen/store/redisstore/cmd/flaggen-fleet@latest " +
	"(or, from a checkout: cd store/redisstore && go install ./cmd/flaggen-fleet)"

// runFleet runs flaggen-fleet with args, from PATH, with this process's
// standard input and stdout and stderr, and returns its exit status.
func runFleet(args []string, stdout, stderr io.Writer) int {
	path, err := exec.LookPath(fleetCommand)
	if err != nil {
		fmt.Fprintf(stderr, "flaggen %s: needs the %s command, which is not on PATH; %s\n", args[0], fleetCommand, fleetInstall)
		return exitFail
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	default: // killed by a signal, or not started
		fmt.Fprintf(stderr, "flaggen %s: %s: %v\n", args[0], fleetCommand, err)
		return exitFail
	}
}
