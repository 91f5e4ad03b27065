// Flaggen-fleet operates the live flags a fleet of instances follows in
// Redis (package [github.com/flaggen/flaggen/store/redisstore]): it
// pushes a flags.toml, kills, enables and rolls out flags, shows what
// every instance serves, and reads the audit log. The flaggen command
// runs it for its fleet commands, so that flaggen kill search is
// flaggen-fleet kill search; it is a module of its own so that
// flaggen's does not require a Redis client. Install it with
//
//	go install github.com/flaggen/flaggen/store/redisstore/cmd/flaggen-fleet@latest
//
// or, from a checkout: cd store/redisstore && go install ./cmd/flaggen-fleet.
//
// Usage:
//
//	flaggen push [-dry-run] [-force] [FILE]
//	flaggen kill FLAG | unkill FLAG
//	flaggen enable FLAG | disable FLAG
//	flaggen rollout FLAG PERCENT
//	flaggen split FLAG VARIANT=WEIGHT,…
//	flaggen schedule FLAG PERCENT@WHEN…
//	flaggen status
//	flaggen history [-n N] [FLAG]
//	flaggen stale -for AGE
//	flaggen help [COMMAND]
//
// Every command takes, before or after its arguments:
//
//	-redis URL       redis://[user:password@]host:port/db, or rediss://…
//	                 for TLS; default $FLAGGEN_REDIS, else
//	                 redis://127.0.0.1:6379/0
//	-namespace NS    the fleet's namespace in that Redis (one per app and
//	                 environment, e.g. shop:prod); default
//	                 $FLAGGEN_NAMESPACE, else flaggen
//	-by NAME         who acts, for the audit log; default $USER@hostname
//	-json            print the Result (of a write), the state and the
//	                 instances (status), the entries (history) or the
//	                 stale flags as JSON
//
// # Commands
//
// push validates FILE (default: the nearest flags.toml in the current
// directory or its parents), checks it against the code every running
// instance declares, and makes it the store's document, keeping the
// operations in force. It prints its one-line result, then what it
// changes flag by flag, operations included. A push that would drop the
// operations of a flag FILE no longer declares is refused; -force drops
// them. -dry-run prints the same and writes nothing. CI pushes after a
// merge:
//
//	flaggen push flags.toml
//
// kill FLAG makes FLAG serve its default to everyone, at once; unkill
// undoes it. enable and disable set its on/off switch.
//
// rollout FLAG PERCENT gives PERCENT of users "on": 25, 25% and 0.5 are
// read, in hundredths of a percent at most. It replaces a schedule.
//
// split FLAG VARIANT=WEIGHT,… sets a multi-variant flag's split; the
// weights are percentages summing to 100:
//
//	flaggen split search control=50,variant_a=25,variant_b=25
//
// schedule FLAG PERCENT@WHEN… sets a progressive rollout, replacing a
// rollout. WHEN is now, +DURATION from now (+2h, +90m, +3d) or an RFC 3339
// time; the stages must start in order:
//
//	flaggen schedule new_checkout 1%@now 5%@+2h 25%@+1d 50%@+2d 100%@2026-12-01T09:00:00Z
//
// The percentage in force is a function of the clock: every instance
// agrees, and nothing runs in the background.
//
// status prints the store's version, when and by whom it was written and
// the operations in force, then each running instance (its heartbeat):
// its id, the version it serves, since when, and its state ("ready",
// "stale", "failing"). An instance serving another version than the
// store's is marked skew.
//
// history [FLAG] prints the audit log, oldest first, one write a line:
// version, time, who, what, before → after; with FLAG, the writes that
// changed it, pushes included; -n N, the last N.
//
// stale -for AGE lists the flags that, by the audit log, have served one
// variant to everyone (killed, disabled, a 100% rollout or split, a
// finished schedule) for at least AGE (30d, 36h), and exits 1 when there
// is one: a check for CI, beside flaggen vet.
//
// # Output, errors and exit status
//
// Every write prints one line that says what it did, e.g.
//
//	v12: kill search (by ana): killed false → true
//
// Errors are one line on standard error that says what to do. The exit
// status is 0 on success; 1 when Redis cannot be reached, refuses the
// credentials or the command (a read-only user), another write won the
// race, the flag is unknown, or the document does not validate (every
// problem is printed as FILE:LINE:COL: message, and nothing is written);
// 1 too when stale finds a flag; and 2 on a usage error.
package main
