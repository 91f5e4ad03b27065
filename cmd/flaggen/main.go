package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flaggen/flaggen/internal/locate"
	"github.com/flaggen/flaggen/internal/suggest"
	"github.com/flaggen/flaggen/spec"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // invalid flags.toml, stale output, I/O errors, vet findings
	exitUsage = 2
	exitLoad  = 3 // vet: the packages do not load or type-check
)

const usage = `flaggen turns a flags.toml into a Go package of typed feature flags.

Usage:

	flaggen init [-dir DIR] [-pkg NAME]
	flaggen generate [-o DIR] [-pkg NAME] [-check] [FILE]
	flaggen check [FILE]
	flaggen schema
	flaggen vet [-config FILE] [-now DATE] [-json] [-fix] [-allow-unused KEYS] [packages]
	flaggen help [COMMAND]

FILE defaults to the nearest flags.toml in the current directory or its
parents. Run 'flaggen help COMMAND' for more on init, generate, check,
schema or vet.

Operating a fleet's live flags in Redis (run by the flaggen-fleet command,
which 'flaggen help push' tells how to install):

	flaggen push [-dry-run] [-force] [FILE]
	flaggen kill FLAG | unkill FLAG | enable FLAG | disable FLAG
	flaggen rollout FLAG PERCENT
	flaggen split FLAG VARIANT=WEIGHT,…
	flaggen schedule FLAG PERCENT@WHEN…
	flaggen status
	flaggen history [-n N] [FLAG]
	flaggen stale -for AGE

They take -redis URL (default $FLAGGEN_REDIS, else redis://127.0.0.1:6379/0),
-namespace NS ($FLAGGEN_NAMESPACE), -by NAME and -json.
`

const generateUsage = `usage: flaggen generate [-o DIR] [-pkg NAME] [-check] [FILE]

Generate validates FILE and writes the Go package it declares into DIR as
flags_gen.go. FILE defaults to the nearest flags.toml in the current
directory or its parents. DIR defaults to the dir of FILE's [generate]
table (relative to FILE), else the current directory. With -check it
writes nothing and exits 1 if the files in DIR are stale or missing.

Flags:
`

const checkUsage = `usage: flaggen check [FILE]

Check validates FILE, prints every error, one per line, and exits 1 if
there is one. It prints nothing when FILE is valid. FILE defaults to the
nearest flags.toml in the current directory or its parents.
`

// run runs the command line args (without the program name), writing to
// stdout and stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "init":
		return runInit(rest, stdout, stderr)
	case "generate":
		return runGenerate(rest, stdout, stderr)
	case "check":
		return runCheck(rest, stdout, stderr)
	case "schema":
		return runSchema(rest, stdout, stderr)
	case "vet":
		return runVet(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	default:
		if isFleetCommand(cmd) {
			return runFleet(args, stdout, stderr)
		}
		fmt.Fprintf(stderr, "flaggen: unknown command %q%s\nRun 'flaggen help' for usage.\n", cmd, unknownHint("flaggen", args))
		return exitUsage
	}
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || len(args) == 1 && slices.Contains([]string{"-h", "-help", "--help"}, args[0]) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if len(args) > 1 {
		fmt.Fprint(stderr, "usage: flaggen help [COMMAND]\n")
		return exitUsage
	}
	switch args[0] {
	case "init":
		fs, _ := initFlags(stdout)
		fs.Usage()
	case "generate":
		fs, _ := generateFlags(stdout)
		fs.Usage()
	case "check":
		fmt.Fprint(stdout, checkUsage)
	case "schema":
		fmt.Fprint(stdout, schemaUsage)
	case "vet":
		fs, _ := vetFlags(stdout)
		fs.Usage()
	default:
		if isFleetCommand(args[0]) {
			return runFleet([]string{"help", args[0]}, stdout, stderr)
		}
		hint := ""
		if !strings.HasPrefix(args[0], "-") {
			hint = unknownHint("flaggen help", args)
		}
		fmt.Fprintf(stderr, "flaggen help: unknown command %q%s\nRun 'flaggen help' for usage.\n", args[0], hint)
		return exitUsage
	}
	return exitOK
}

// commands are the commands flaggen runs itself.
var commands = []string{"init", "generate", "check", "schema", "vet", "help"}

// unknownHint returns what to write instead of the command line args,
// whose first element is not a command, run as prefix (flaggen, or
// flaggen help): ": " and a hint, or "" when there is none. A flag
// before the command is moved after it; a word that starts a command's
// name, or is close to one, is taken for it.
func unknownHint(prefix string, args []string) string {
	all := slices.Concat(commands, fleetCommands)
	if strings.HasPrefix(args[0], "-") {
		for i, arg := range args {
			if slices.Contains(all, arg) {
				line := slices.Concat([]string{prefix, arg}, args[:i], args[i+1:])
				return ": the command comes first, then its flags: write " + shellJoin(line)
			}
		}
		return ": the command comes first, then its flags, e.g. " + prefix + " generate -o DIR"
	}
	var guess string
	for _, c := range all {
		if strings.HasPrefix(c, args[0]) {
			if guess != "" {
				guess = "" // ambiguous
				break
			}
			guess = c
		}
	}
	if guess == "" {
		guess = suggest.Closest(args[0], all)
	}
	if guess == "" {
		return ""
	}
	return fmt.Sprintf(": did you mean %s %s?", prefix, guess)
}

// misplacedFlags reports, for the command cmd whose command line args fs
// has parsed, an argument after the first non-flag one that looks like a
// flag, which the flag package took for a FILE or a package: it prints
// the command line with every flag before what, what the command names
// in the arguments ("FILE", "the packages"), and returns exitUsage. It
// returns -1 when there is none.
func misplacedFlags(fs *flag.FlagSet, cmd, what string, args []string, stderr io.Writer) int {
	rest := fs.Args()
	parsed := args[:len(args)-len(rest)]
	if len(parsed) > 0 && parsed[len(parsed)-1] == "--" {
		return -1 // what follows -- is not flags
	}
	flags, others := splitFlags(fs, rest)
	if len(flags) == 0 {
		return -1
	}
	line := slices.Concat([]string{"flaggen", cmd}, parsed, flags, others)
	fmt.Fprintf(stderr, "flaggen %s: flags go before %s: write %s\n", cmd, what, shellJoin(line))
	return exitUsage
}

// splitFlags splits args, the arguments that fs left after the first
// that is not a flag, into those that look like flags, with the values
// of those of fs that take one, and the others.
func splitFlags(fs *flag.FlagSet, args []string) (flags, others []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			others = append(others, a)
			continue
		}
		flags = append(flags, a)
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil || hasValue || i+1 == len(args) {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, others
}

// oneFile checks the arguments that fs, having parsed args, left for the
// command cmd, which takes at most one FILE: a flag among them, or more
// than one FILE, is reported with what to write instead, and it returns
// exitUsage. It returns -1 when they are fine.
func oneFile(fs *flag.FlagSet, cmd string, args []string, stderr io.Writer) int {
	if code := misplacedFlags(fs, cmd, "FILE", args, stderr); code >= 0 {
		return code
	}
	files := fs.Args()
	if len(files) <= 1 {
		return -1
	}
	fmt.Fprintf(stderr, "flaggen %s: want at most one FILE, got %d (%s): run it once for each, e.g. flaggen %s %s\n",
		cmd, len(files), shellJoin(files), cmd, shellJoin(files[:1]))
	fs.Usage()
	return exitUsage
}

// isDir reports whether path names a directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// shellJoin joins args into a command line, quoting each that a shell
// would not read as one word as it is.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=,:@%+", r))
		}) {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(out, " ")
}

// parseFlags parses args with fs and returns the status to exit with, or
// -1 to go on. -h prints the usage and succeeds.
func parseFlags(fs *flag.FlagSet, args []string) int {
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		return exitUsage // the flag package has printed the error and usage
	}
	return -1
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), checkUsage) }
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if code := oneFile(fs, "check", args, stderr); code >= 0 {
		return code
	}
	if _, code := load(fs.Arg(0), stderr); code != exitOK {
		return code
	}
	return exitOK
}

// load reads and validates the flags.toml at path, or the nearest one when
// path is "". It prints every problem to stderr and returns a non-zero
// exit status if there is one.
func load(path string, stderr io.Writer) (*spec.File, int) {
	if path == "" {
		found, err := locate.FlagsFile("read")
		if err != nil {
			fmt.Fprintf(stderr, "flaggen: %v\n", err)
			return nil, exitFail
		}
		path = found
	}
	// Load reads no more of the file than the size limit allows.
	f, err := spec.Load(path)
	if err != nil {
		var list spec.ErrorList
		switch {
		case errors.As(err, &list):
			for _, e := range list {
				fmt.Fprintln(stderr, e)
			}
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(stderr, "flaggen: %s: no such file: name an existing flags.toml, or leave FILE out to use the nearest one\n", path)
		case isDir(path):
			inside := filepath.Join(path, "flags.toml")
			if fi, err := os.Stat(inside); err == nil && fi.Mode().IsRegular() {
				fmt.Fprintf(stderr, "flaggen: %s is a directory: name the file in it, %s\n", path, inside)
			} else {
				fmt.Fprintf(stderr, "flaggen: %s is a directory, which holds no flags.toml: name a flags.toml file\n", path)
			}
		default:
			fmt.Fprintf(stderr, "flaggen: %v\n", err)
		}
		return nil, exitFail
	}
	return f, exitOK
}
