package redisstore

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/spec"
)

// DefaultNamespace is the namespace of a Store opened with "".
const DefaultNamespace = "flaggen"

// Errors of the store's operations, wrapped with what happened.
var (
	// ErrConflict: another writer kept changing the state while this
	// write retried.
	ErrConflict = errors.New("the store changed while writing")
	// ErrUnknownFlag: the flag is not in the document in the store.
	ErrUnknownFlag = errors.New("unknown flag")
	// ErrInvalid: the document, or the document with an operation
	// applied, does not validate.
	ErrInvalid = errors.New("invalid")
	// ErrIncompatible: a running instance's code cannot serve the
	// document (a flag of another kind, or other variants).
	ErrIncompatible = errors.New("incompatible with the running code")
	// ErrEmpty: nothing has been pushed to the store yet.
	ErrEmpty = errors.New("nothing pushed yet")
	// ErrOpsDropped: a push would drop operations in force (of flags
	// the document no longer declares, or that no longer apply to
	// them); PushOptions.Force drops them.
	ErrOpsDropped = errors.New("the push would drop operations in force")
	// ErrAuth: Redis refused the user name or password.
	ErrAuth = errors.New("authentication failed")
	// ErrPermission: the Redis user may not run a command the operation
	// needs (a read-only user writing, for one).
	ErrPermission = errors.New("permission denied")
)

// A Store is one namespace of a Redis that holds a fleet's live flags.
// It is safe for concurrent use.
type Store struct {
	rdb   redis.UniversalClient
	ns    string
	url   string // for String, without the password
	owned bool   // Open made rdb, so Close closes it
	now   func() time.Time

	mu sync.Mutex // guards base and parsed
	// base is the document last composed by a write, and parsed the
	// document it was composed from, for the next composition.
	base, parsed *spec.File
}

// Open connects to the Redis at url ("redis://[user:password@]host:port/db"
// or "rediss://…" for TLS) and returns its namespace ns ("" is
// DefaultNamespace). It checks the connection and the credentials with a
// PING: an unreachable Redis, a wrong user or password (ErrAuth), a user
// that may not even PING (ErrPermission) or a malformed URL is an error
// that says what to do.
func Open(ctx context.Context, url, ns string) (*Store, error) {
	s, err := Connect(url, ns)
	if err != nil {
		return nil, err
	}
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		s.Close()
		return nil, s.wrap(err)
	}
	return s, nil
}

// Connect is [Open] without reaching Redis: only a malformed URL is an
// error (and it never repeats the password). An instance that must start
// while Redis is down connects this way; its first command tells whether
// Redis is there. Close closes the client Connect made.
func Connect(url, ns string) (*Store, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis URL %q: %v; write redis://[user:password@]host:port[/db], or rediss://… for TLS", redactURL(url), urlError(err))
	}
	s := New(redis.NewClient(opts), ns)
	s.owned = true
	s.url = redactURL(url)
	return s, nil
}

// New returns namespace ns ("" is DefaultNamespace) of the Redis rdb
// talks to. Close does not close rdb.
func New(rdb redis.UniversalClient, ns string) *Store {
	if ns == "" {
		ns = DefaultNamespace
	}
	s := &Store{rdb: rdb, ns: ns, now: time.Now}
	if c, ok := rdb.(*redis.Client); ok {
		o := c.Options()
		u := &neturl.URL{Scheme: "redis", Host: o.Addr, Path: "/" + strconv.Itoa(o.DB)}
		if o.TLSConfig != nil {
			u.Scheme = "rediss"
		}
		if o.Username != "" {
			u.User = neturl.User(o.Username)
		}
		s.url = u.String()
	}
	return s
}

// Close closes the connection Open made; it does nothing to a client
// given to New.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.rdb.Close()
}

// Namespace returns the store's namespace.
func (s *Store) Namespace() string { return s.ns }

// String names the store in logs and status: its URL without the
// password, and the namespace.
func (s *Store) String() string {
	if s.url == "" {
		return "redis namespace " + s.ns
	}
	return s.url + " namespace " + s.ns
}

// State is what the store holds: the document pushed and the operations
// on top, at a version.
type State struct {
	// Version counts the writes: 0 before the first push.
	Version int64
	// Doc is the flags.toml last pushed; DocHash its SHA-256, in hex.
	Doc     []byte
	DocHash string
	// Ops are the operations applied since, by flag key.
	Ops Ops
	// Updated is when, and By who, wrote this version.
	Updated time.Time
	By      string
}

// Ops are the operations in force, by flag key.
type Ops map[string]Op

// An Op is what operators changed of one flag, on top of the document:
// each field set overrides the document's.
type Op struct {
	Killed  *bool `json:"killed,omitempty"`
	Enabled *bool `json:"enabled,omitempty"`
	// Rollout is a boolean flag's rollout, in hundredths of a percent.
	Rollout *int `json:"rollout,omitempty"`
	// Split is a multi-variant flag's split: hundredths of a percent by
	// variant name, summing to 10000.
	Split map[string]int `json:"split,omitempty"`
	// Schedule is a boolean flag's progressive rollout.
	Schedule []Stage `json:"schedule,omitempty"`
}

// A Stage of a schedule: from Start on, Percent hundredths of a percent
// get "on".
type Stage struct {
	Start   time.Time `json:"start"`
	Percent int       `json:"percent"`
}

// Get returns the state in the store; a State of version 0 before the
// first push.
func (s *Store) Get(ctx context.Context) (State, error) {
	m, err := s.rdb.HGetAll(ctx, s.key("state")).Result()
	if err != nil {
		return State{}, s.wrap(err)
	}
	return s.parseState(m)
}

// Compose returns the document st describes: st.Doc parsed within limits
// (or base, when base.Source has st.DocHash, so that an operation does
// not parse the document again, and st.Doc need not even be read), with
// st.Ops applied. base may be the parsed document or a File Compose
// returned for an earlier state of the same DocHash: operations set
// fields outright, so both give the same result while the operations on
// that document only grow. A Redis that lost its last writes (a
// failover to a replica behind, a restart from an older snapshot) goes
// back to fewer, and an earlier composition would keep them: pass the
// parsed document when the store may have gone back.
//
// A flag whose operation changes what base declares is a new *spec.Flag;
// the others are base's, so that runtime.Set.CompileFile compiles only
// what changed. Compose never modifies base.
//
// It returns ErrEmpty for a state of version 0, and an error that is
// ErrInvalid for a document that does not validate or an operation that
// does not apply to its flag (a rollout of a flag with variants, a split
// naming a variant the flag lacks or not summing to 100%). An operation
// naming a flag the document lacks is skipped.
func Compose(st State, limits spec.Limits, base *spec.File) (*spec.File, error) {
	out, _, err := compose(st, limits, base, base)
	return out, err
}

// A Result says what a write did.
type Result struct {
	Version  int64 `json:"version"`
	Previous int64 `json:"previous"`
	// Action is the operation: "push", "kill", "unkill", "enable",
	// "disable", "rollout", "split" or "schedule".
	Action string `json:"action"`
	// Flag is the flag operated on; "" for a push.
	Flag string `json:"flag,omitempty"`
	// By is who wrote it.
	By string `json:"by"`
	// Before and After say what changed, in words ("rollout 25% → 50%").
	Before string `json:"before"`
	After  string `json:"after"`
	// Changes are, for a push, what it changes flag by flag, operations
	// included.
	Changes []live.FlagChange `json:"changes,omitempty"`
	// Dropped lists, for a forced push, the flags whose operations were
	// dropped: with the flag the document no longer declares, or because
	// they no longer apply to it (a split naming a variant now gone).
	Dropped []string `json:"dropped,omitempty"`
	// DryRun is set for a push that checked and diffed without writing:
	// Version is then the version it would have written.
	DryRun bool `json:"dry_run,omitempty"`
}

// NoChange reports whether the write found the state already as asked
// (a kill of a killed flag, a push of the same document): it wrote
// nothing, no audit entry and no version; Version == Previous.
func (r Result) NoChange() bool { return r.Version == r.Previous && !r.DryRun }

// String returns the result as one line a human can read, e.g.
// "v12: kill search by ana (killed false → true)",
// "v12: kill search by ana: no change (killed already true)", or for a
// push "v13: push by ci (doc 3f2a8e01c4d5 → doc 9b0e77a1f3c2, 2 flags
// changed: a, b)"; a dry run begins "dry run, would write ".
func (r Result) String() string {
	return line(r.Version, r.Action, r.Flag, r.By, r.Before, r.After, r.NoChange(), r.DryRun)
}

// PushOptions qualify a push.
type PushOptions struct {
	// By names who pushes, for the audit log.
	By string
	// Name names the document in errors, e.g. its path.
	Name string
	// Limits bound the document; zero means spec's defaults.
	Limits spec.Limits
	// Force drops the operations of flags the document no longer
	// declares; without it such a push is refused.
	Force bool
	// DryRun checks and diffs without writing.
	DryRun bool
}

// Push validates doc, checks it against the code of every running
// instance (ErrIncompatible), and makes it the store's document, keeping
// the operations in force. It retries on a concurrent write.
//
// A push of the document in force, keeping every operation, is no
// change. A push that would drop operations (of flags the document no
// longer declares, or that no longer apply) is refused with
// ErrOpsDropped unless o.Force. Result.Changes says what it changes,
// flag by flag, with operations applied on both sides.
func (s *Store) Push(ctx context.Context, doc []byte, o PushOptions) (Result, error) {
	return s.push(ctx, doc, o)
}

// Kill sets flag's kill switch, by who: it serves its default to
// everyone. Unkill clears it, whatever the document says.
//
// These and the other operations return an error that is ErrUnknownFlag
// (with the closest keys) for a flag the store's document lacks,
// ErrInvalid for one the operation does not apply to, and ErrEmpty before
// the first push. An operation that finds the flag already as asked
// writes nothing (Result.NoChange): the audit log records changes only.
// who (by, and PushOptions.By for a push) must name someone, in one line
// of text of at most 200 bytes: a write that names no one is refused.
func (s *Store) Kill(ctx context.Context, flag, by string) (Result, error) {
	return s.opPlan(ctx, "kill", flag, by, describeKilled, func(op *Op) { op.Killed = ptr(true) })
}

// Unkill clears flag's kill switch: see [Store.Kill].
func (s *Store) Unkill(ctx context.Context, flag, by string) (Result, error) {
	return s.opPlan(ctx, "unkill", flag, by, describeKilled, func(op *Op) { op.Killed = ptr(false) })
}

// Enable and Disable set flag's on/off switch (enabled = true / false).
func (s *Store) Enable(ctx context.Context, flag, by string) (Result, error) {
	return s.opPlan(ctx, "enable", flag, by, describeEnabled, func(op *Op) { op.Enabled = ptr(true) })
}

// Disable sets flag's switch off: see [Store.Enable].
func (s *Store) Disable(ctx context.Context, flag, by string) (Result, error) {
	return s.opPlan(ctx, "disable", flag, by, describeEnabled, func(op *Op) { op.Enabled = ptr(false) })
}

// Rollout sets a boolean flag's rollout to pct hundredths of a percent
// (0–10000), replacing a schedule.
func (s *Store) Rollout(ctx context.Context, flag string, pct int, by string) (Result, error) {
	return s.opPlan(ctx, "rollout", flag, by, describeDist, func(op *Op) { op.Rollout, op.Split, op.Schedule = &pct, nil, nil })
}

// Split sets a multi-variant flag's split: hundredths of a percent by
// variant, summing to 10000.
func (s *Store) Split(ctx context.Context, flag string, weights map[string]int, by string) (Result, error) {
	w := make(map[string]int, len(weights))
	for k, v := range weights {
		w[k] = v
	}
	return s.opPlan(ctx, "split", flag, by, describeDist, func(op *Op) { op.Rollout, op.Split, op.Schedule = nil, w, nil })
}

// Schedule sets a boolean flag's progressive rollout, replacing a
// rollout: a pure function of the clock, no background job.
func (s *Store) Schedule(ctx context.Context, flag string, stages []Stage, by string) (Result, error) {
	st := make([]Stage, len(stages))
	for i, x := range stages {
		st[i] = Stage{Start: x.Start.UTC(), Percent: x.Percent}
	}
	return s.opPlan(ctx, "schedule", flag, by, describeDist, func(op *Op) { op.Rollout, op.Split, op.Schedule = nil, nil, st })
}

// An Entry is one write in the audit log.
type Entry struct {
	ID      string    `json:"id"` // the stream entry's id
	Time    time.Time `json:"time"`
	Version int64     `json:"version"`
	By      string    `json:"by"`
	Action  string    `json:"action"`
	Flag    string    `json:"flag,omitempty"` // "" for a push
	Before  string    `json:"before"`
	After   string    `json:"after"`
	// Changes are, for a push, what it changed flag by flag.
	Changes []live.FlagChange `json:"changes,omitempty"`
}

// String returns the entry as one line, as [Result.String] does.
func (e Entry) String() string {
	return e.Time.UTC().Format(timeFormat) + " " + line(e.Version, e.Action, e.Flag, e.By, e.Before, e.After, false, false)
}

// History returns the audit log, oldest first: every entry, or those
// about flag (a push that changed it included) when flag is not "", the
// last limit of them when limit > 0.
//
// For a push, an entry of flag's history keeps only flag's Changes.
func (s *Store) History(ctx context.Context, flag string, limit int) ([]Entry, error) {
	return s.history(ctx, flag, limit)
}

// An Instance is a running instance's last heartbeat.
type Instance struct {
	ID   string `json:"id"`
	Host string `json:"host"`
	PID  int    `json:"pid"`
	// Version is the store version it serves (0: none yet, the
	// compiled-in flags); Since when it has served it.
	Version int64     `json:"version"`
	Since   time.Time `json:"since"`
	// State is its feed's state ("ready", "stale", "failing"), and Err
	// the error, if any.
	State string `json:"state"`
	Err   string `json:"error,omitempty"`
	// Schema is the hash of its code's schema ({NS}:schema:HASH).
	Schema string `json:"schema"`
	// Seen is when it last heartbeat.
	Seen time.Time `json:"seen"`
}

// A StaleFlag serves one variant to everyone, and has since Since.
type StaleFlag struct {
	Key     string    `json:"key"`
	Variant string    `json:"variant"`
	Since   time.Time `json:"since"`
	Owner   string    `json:"owner"`
}

// Stale returns the flags that, in the store, have served one variant to
// everyone (killed, disabled, a 100% rollout or split, a schedule at
// 100%, removed) for at least age as of now, by the audit log: the
// seed's lifecycle check.
//
// Since is the time of the last audit entry that changed the flag (its
// operation, or a push that changed its declaration), or the last stage's
// start for a schedule at 100% that began later. Flags come in the
// document's order.
func (s *Store) Stale(ctx context.Context, age time.Duration, now time.Time) ([]StaleFlag, error) {
	return s.stale(ctx, age, now)
}
