package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/flaggen/flaggen/spec"
	"github.com/flaggen/flaggen/store/redisstore"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // connection, auth, conflict, validation; stale finds a flag
	exitUsage = 2
)

// defaultRedis is the Redis used without -redis and FLAGGEN_REDIS.
const defaultRedis = "redis://127.0.0.1:6379/0"

// timeout bounds one command, retries included.
const timeout = 30 * time.Second

const usage = `flaggen-fleet operates a fleet's live flags in Redis. The flaggen command
runs it for these commands: flaggen kill search is flaggen-fleet kill search.

Usage:

	flaggen push [-dry-run] [-force] [FILE]
	flaggen kill FLAG | unkill FLAG
	flaggen enable FLAG | disable FLAG
	flaggen rollout FLAG PERCENT
	flaggen split FLAG VARIANT=WEIGHT,…
	flaggen schedule FLAG PERCENT@WHEN…
	flaggen status
	flaggen history [-n N] [FLAG]
	flaggen stale -for AGE
	flaggen help [COMMAND]

Every command takes these flags, before or after its arguments:

	-redis URL       the Redis: redis://[user:password@]host:port/db, or
	                 rediss://… for TLS; default $FLAGGEN_REDIS, else
	                 ` + defaultRedis + `
	-namespace NS    the fleet's namespace in that Redis; default
	                 $FLAGGEN_NAMESPACE, else "flaggen"
	-by NAME         who acts, for the audit log; default $USER@hostname
	-json            print the result as JSON, for tools

Run 'flaggen help COMMAND' for more on one command.
`

// globals are the flags every command takes.
type globals struct {
	redis, namespace, by string
	json                 bool
}

// register defines the global flags on fs, defaulting to g's values.
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.redis, "redis", g.redis, "the Redis `URL`: redis://[user:password@]host:port/db or rediss://…")
	fs.StringVar(&g.namespace, "namespace", g.namespace, "the fleet's `namespace` in that Redis")
	fs.StringVar(&g.by, "by", g.by, "who acts, for the audit log (`name`)")
	fs.BoolVar(&g.json, "json", g.json, "print the result as JSON")
}

// A command is one of flaggen-fleet's commands.
type command struct {
	name     string
	args     string // its arguments, for the usage line
	help     string // what it does
	min, max int    // how many arguments it takes; max -1: any number
	// flags defines the command's own flags on fs, into o.
	flags func(fs *flag.FlagSet, o *options)
	// run runs it, with the store open when store is not nil.
	run func(c *cli, ctx context.Context, s *redisstore.Store, args []string) int
}

// options are the commands' own flags.
type options struct {
	dryRun, force bool          // push
	n             int           // history
	age           string        // stale
	staleFor      time.Duration // stale, parsed

	// The arguments of rollout, split and schedule, parsed.
	percent int
	weights map[string]int
	stages  []redisstore.Stage
}

// cli is one run of the command line.
type cli struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	cmd            string // the command, for messages
	g              globals
	o              options
}

var commands []*command // set by init, to break the reference cycle with help

func init() {
	commands = []*command{
		{name: "push", args: "[-dry-run] [-force] [FILE]", min: 0, max: 1,
			help: `Push validates FILE, checks it against the code of every running
instance, and makes it the store's document. The operations in force
(kills, rollouts, …) stay. It prints what it changes, flag by flag,
operations included. FILE defaults to the nearest flags.toml in the
current directory or its parents.

A push that would drop the operations of a flag FILE no longer declares
is refused; -force drops them. -dry-run prints the difference and
writes nothing.`,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.BoolVar(&o.dryRun, "dry-run", false, "print what the push would change; write nothing")
				fs.BoolVar(&o.force, "force", false, "drop the operations of flags the file no longer declares")
			},
			run: (*cli).push},
		{name: "kill", args: "FLAG", min: 1, max: 1, run: (*cli).op,
			help: "Kill sets FLAG's kill switch: it serves its default to everyone, at once."},
		{name: "unkill", args: "FLAG", min: 1, max: 1, run: (*cli).op,
			help: "Unkill clears FLAG's kill switch."},
		{name: "enable", args: "FLAG", min: 1, max: 1, run: (*cli).op,
			help: "Enable turns FLAG on: it serves as declared."},
		{name: "disable", args: "FLAG", min: 1, max: 1, run: (*cli).op,
			help: "Disable turns FLAG off: it serves its default."},
		{name: "rollout", args: "FLAG PERCENT", min: 2, max: 2, run: (*cli).op,
			help: `Rollout sets boolean FLAG's rollout: PERCENT of users get "on"
(25, 25% or 0.5; hundredths at most). It replaces a schedule.`},
		{name: "split", args: "FLAG VARIANT=WEIGHT,…", min: 2, max: 2, run: (*cli).op,
			help: `Split sets FLAG's split: each variant's share, in percent, summing to
100, e.g. flaggen split search control=50,variant_a=25,variant_b=25`},
		{name: "schedule", args: "FLAG PERCENT@WHEN…", min: 2, max: -1, run: (*cli).op,
			help: `Schedule sets boolean FLAG's progressive rollout, replacing a rollout:
from each stage's start on, its percentage of users get "on". WHEN is
now, +DURATION from now (+2h, +90m, +3d) or an RFC 3339 time:

	flaggen schedule new_checkout 1%@now 5%@+2h 25%@+1d 50%@+2d 100%@2026-12-01T09:00:00Z

The percentage in force is a function of the clock: every instance
agrees, and nothing runs in the background.`},
		{name: "status", run: (*cli).status,
			help: `Status prints the store's version, when and by whom it was last
written, the operations in force, and each running instance: its id,
the version it serves and since when, and its state. An instance that
serves another version than the store's is marked "skew".`},
		{name: "history", args: "[-n N] [FLAG]", max: 1, run: (*cli).history,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.IntVar(&o.n, "n", 0, "print only the last `N` entries (0: all)")
			},
			help: `History prints the audit log, oldest first, one write a line: version,
time, who, what, before → after. With FLAG, only the writes that
changed it (pushes included).`},
		{name: "stale", args: "-for AGE", run: (*cli).stale,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.age, "for", "", "report flags that have served one variant to everyone for `AGE` (30d, 36h)")
			},
			help: `Stale lists the flags that, according to the audit log, have served
one variant to everyone (killed, disabled, rolled out to 100%, …) for
at least AGE, and exits 1 when there is one, 0 when there is none: a
check for CI, beside flaggen vet.`},
	}
}

// run runs the command line args (without the program name), writing to
// stdout and stderr and reading the environment with getenv, and returns
// the exit status.
func run(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	c := &cli{stdout: stdout, stderr: stderr, getenv: getenv, now: time.Now}
	c.g = globals{redis: getenv("FLAGGEN_REDIS"), namespace: getenv("FLAGGEN_NAMESPACE")}
	if c.g.redis == "" {
		c.g.redis = defaultRedis
	}
	c.g.by = defaultBy(getenv)

	fs := flag.NewFlagSet("flaggen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage) }
	c.g.register(fs)
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	name, rest := fs.Arg(0), fs.Args()[1:]
	if name == "help" || name == "-h" {
		return c.help(rest)
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "flaggen: unknown command %q\nRun 'flaggen help' for usage.\n", name)
		return exitUsage
	}
	return c.run(cmd, rest)
}

func lookup(name string) *command {
	for _, cmd := range commands {
		if cmd.name == name {
			return cmd
		}
	}
	return nil
}

// defaultBy is $USER@hostname, or what of it is known.
func defaultBy(getenv func(string) string) string {
	user := getenv("USER")
	if user == "" {
		user = getenv("LOGNAME")
	}
	host, _ := os.Hostname()
	switch {
	case user != "" && host != "":
		return user + "@" + host
	case user != "":
		return user
	case host != "":
		return "unknown@" + host
	}
	return "unknown"
}

// flagSet returns cmd's flag set: the global flags and its own.
func (c *cli) flagSet(cmd *command, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(out)
	c.g.register(fs)
	if cmd.flags != nil {
		cmd.flags(fs, &c.o)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: flaggen %s %s\n\n%s\n\nFlags:\n", cmd.name, cmd.args, cmd.help)
		fs.PrintDefaults()
	}
	return fs
}

func (c *cli) help(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stdout, usage)
		return exitOK
	}
	cmd := lookup(args[0])
	if cmd == nil || len(args) > 1 {
		fmt.Fprintf(c.stderr, "flaggen help: unknown command %q\nRun 'flaggen help' for usage.\n", strings.Join(args, " "))
		return exitUsage
	}
	c.flagSet(cmd, c.stdout).Usage()
	return exitOK
}

func (c *cli) run(cmd *command, args []string) int {
	c.cmd = cmd.name
	fs := c.flagSet(cmd, c.stderr)
	args, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		return exitUsage // the flag package has printed the error and usage
	}
	if len(args) < cmd.min || cmd.max >= 0 && len(args) > cmd.max {
		want := fmt.Sprintf("%d arguments", cmd.min)
		switch {
		case cmd.max < 0:
			want = fmt.Sprintf("at least %d arguments", cmd.min)
		case cmd.min == 0 && cmd.max == 0:
			want = "no arguments"
		case cmd.min != cmd.max:
			want = fmt.Sprintf("at most %d argument", cmd.max)
		case cmd.min == 1:
			want = "1 argument"
		}
		fmt.Fprintf(c.stderr, "flaggen %s: want %s, got %d\nusage: flaggen %s %s\n", cmd.name, want, len(args), cmd.name, cmd.args)
		return exitUsage
	}
	if err := c.parseArgs(args); err != nil {
		return c.usageError(err.Error())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, err := redisstore.Open(ctx, c.g.redis, c.g.namespace)
	if err != nil {
		return c.fail(err)
	}
	defer s.Close()
	return cmd.run(c, ctx, s, args)
}

// parseArgs parses the arguments and flags of c.cmd that need more
// than the flag package does, into c.o, before Redis is asked anything.
func (c *cli) parseArgs(args []string) error {
	var err error
	switch c.cmd {
	case "rollout":
		c.o.percent, err = redisstore.ParsePercent(args[1])
	case "split":
		c.o.weights, err = redisstore.ParseSplit(args[1])
	case "schedule":
		c.o.stages, err = redisstore.ParseSchedule(strings.Join(args[1:], " "), c.now())
	case "history":
		if c.o.n < 0 {
			err = errors.New("-n must be 0 (all) or more")
		}
	case "stale":
		if c.o.age == "" {
			return errors.New("-for is required: e.g. flaggen stale -for 30d")
		}
		c.o.staleFor, err = redisstore.ParseDuration(c.o.age)
		if err != nil || c.o.staleFor <= 0 {
			err = fmt.Errorf("-for %q: write a positive age, e.g. 30d or 36h", c.o.age)
		}
	}
	return err
}

// parseInterspersed parses args with fs, flags before, between and after
// the other arguments, and returns the other arguments. Everything after
// "--" is an argument, and so is a negative number (rollout FLAG -5),
// which its command then refuses saying what to write.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if len(args) > 0 && negative(args[0]) {
			rest, args = append(rest, args[0]), args[1:]
			continue
		}
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, nil
		}
		if n := len(args) - len(left); n > 0 && args[n-1] == "--" {
			return append(rest, left...), nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// negative reports whether arg is a negative number ("-5", "-0.5%"),
// not a flag.
func negative(arg string) bool {
	return len(arg) > 1 && arg[0] == '-' && (arg[1] >= '0' && arg[1] <= '9' || arg[1] == '.')
}

// usageError prints msg and the command's usage line, and returns
// exitUsage.
func (c *cli) usageError(msg string) int {
	cmd := lookup(c.cmd)
	fmt.Fprintf(c.stderr, "flaggen %s: %s\nusage: flaggen %s %s\n", c.cmd, msg, cmd.name, cmd.args)
	return exitUsage
}

// fail prints err, with what to do about it, and returns exitFail.
func (c *cli) fail(err error) int {
	var list spec.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(c.stderr, e)
		}
		doc, todo := "the document", "fix them and run the command again"
		if c.cmd != "push" {
			// An operation found the store's document broken.
			doc, todo = "the store's document", "push a corrected flags.toml (flaggen push FILE), then run the command again"
		}
		fmt.Fprintf(c.stderr, "flaggen: %s: %d problem(s) in %s; nothing was written: %s\n", c.cmd, len(list), doc, todo)
		return exitFail
	}
	msg := err.Error()
	if hint := hint(err); hint != "" {
		msg += ": " + hint
	}
	// The store's errors name the operation and the flag ("kill search:
	// …"); others name what failed ("cannot reach Redis at …").
	fmt.Fprintf(c.stderr, "flaggen: %s\n", msg)
	return exitFail
}

// hint adds to err what the command line knows: the store's errors say
// what to do already, but not which flag or command does it.
func hint(err error) string {
	switch {
	case errors.Is(err, redisstore.ErrAuth):
		return "the URL is -redis or FLAGGEN_REDIS"
	case errors.Is(err, redisstore.ErrConflict):
		return "flaggen history shows the writes that won"
	case errors.Is(err, redisstore.ErrEmpty):
		return "flaggen push FILE"
	case errors.Is(err, redisstore.ErrIncompatible):
		return "flaggen status lists the instances"
	case errors.Is(err, redisstore.ErrInvalid):
		return "nothing was written"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("gave up after %s; is Redis up and reachable (-redis or FLAGGEN_REDIS)?", timeout)
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return ""
}

// printJSON prints v as indented JSON.
func (c *cli) printJSON(v any) int {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(c.stderr, "flaggen %s: %v\n", c.cmd, err)
		return exitFail
	}
	return exitOK
}
