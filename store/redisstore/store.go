package redisstore

import (
	"context"
	"errors"
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
	// ErrAuth: Redis refused the user name or password.
	ErrAuth = errors.New("authentication failed")
	// ErrPermission: the Redis user may not run a command the operation
	// needs (a read-only user writing, for one).
	ErrPermission = errors.New("permission denied")
)

// A Store is one namespace of a Redis that holds a fleet's live flags.
// It is safe for concurrent use.
type Store struct {
	rdb redis.UniversalClient
	ns  string
	url string // for String, without the password
}

// Open connects to the Redis at url ("redis://[user:password@]host:port/db"
// or "rediss://…" for TLS) and returns its namespace ns ("" is
// DefaultNamespace). It checks the connection and the credentials: an
// unreachable Redis, a wrong password (ErrAuth) or a malformed URL is an
// error, with what to do.
func Open(ctx context.Context, url, ns string) (*Store, error) { panic("TODO") }

// New returns namespace ns of the Redis rdb talks to.
func New(rdb redis.UniversalClient, ns string) *Store { panic("TODO") }

// Close closes the connection Open made.
func (s *Store) Close() error { panic("TODO") }

// Namespace returns the store's namespace.
func (s *Store) Namespace() string { return s.ns }

// String names the store in logs and status: its URL without the
// password, and the namespace.
func (s *Store) String() string { panic("TODO") }

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
func (s *Store) Get(ctx context.Context) (State, error) { panic("TODO") }

// Compose returns the document st describes: st.Doc parsed within limits
// (or base, when it was parsed from a Doc of the same DocHash, so that an
// operation does not parse the document again), with st.Ops applied.
// Each flag an operation changes is a new *spec.Flag; the others are
// base's, so that runtime.Set.CompileFile compiles only what changed.
func Compose(st State, limits spec.Limits, base *spec.File) (*spec.File, error) { panic("TODO") }

// A Result says what a write did.
type Result struct {
	Version, Previous int64
	// Action is the operation: "push", "kill", "unkill", "enable",
	// "disable", "rollout", "split" or "schedule".
	Action string
	// Flag is the flag operated on; "" for a push.
	Flag string
	// Before and After say what changed, in words ("rollout 25% → 50%").
	Before, After string
	// Changes are, for a push, what it changes flag by flag, operations
	// included.
	Changes []live.FlagChange
	// Dropped lists, for a forced push, the flags whose operations were
	// dropped with them.
	Dropped []string
}

// String returns the result as one line a human can read, e.g.
// "v12: kill search (by ana): killed false → true".
func (r Result) String() string { panic("TODO") }

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
func (s *Store) Push(ctx context.Context, doc []byte, o PushOptions) (Result, error) { panic("TODO") }

// Kill sets flag's kill switch, by who: it serves its default to
// everyone. Unkill clears it.
func (s *Store) Kill(ctx context.Context, flag, by string) (Result, error)   { panic("TODO") }
func (s *Store) Unkill(ctx context.Context, flag, by string) (Result, error) { panic("TODO") }

// Enable and Disable set flag's on/off switch (enabled = true / false).
func (s *Store) Enable(ctx context.Context, flag, by string) (Result, error)  { panic("TODO") }
func (s *Store) Disable(ctx context.Context, flag, by string) (Result, error) { panic("TODO") }

// Rollout sets a boolean flag's rollout to pct hundredths of a percent
// (0–10000), replacing a schedule.
func (s *Store) Rollout(ctx context.Context, flag string, pct int, by string) (Result, error) {
	panic("TODO")
}

// Split sets a multi-variant flag's split: hundredths of a percent by
// variant, summing to 10000.
func (s *Store) Split(ctx context.Context, flag string, weights map[string]int, by string) (Result, error) {
	panic("TODO")
}

// Schedule sets a boolean flag's progressive rollout, replacing a
// rollout: a pure function of the clock, no background job.
func (s *Store) Schedule(ctx context.Context, flag string, stages []Stage, by string) (Result, error) {
	panic("TODO")
}

// An Entry is one write in the audit log.
type Entry struct {
	ID      string // the stream entry's id
	Time    time.Time
	Version int64
	By      string
	Action  string
	Flag    string // "" for a push
	Before  string
	After   string
}

// History returns the audit log, oldest first: every entry, or those
// about flag (a push that changed it included) when flag is not "", the
// last limit of them when limit > 0.
func (s *Store) History(ctx context.Context, flag string, limit int) ([]Entry, error) {
	panic("TODO")
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
	// Schema is the hash of its code's schema (NS:schema:HASH).
	Schema string `json:"schema"`
	// Seen is when it last heartbeat.
	Seen time.Time `json:"seen"`
}

// Instances returns the instances whose heartbeat has not expired.
func (s *Store) Instances(ctx context.Context) ([]Instance, error) { panic("TODO") }

// A StaleFlag serves one variant to everyone, and has since Since.
type StaleFlag struct {
	Key     string
	Variant string
	Since   time.Time
	Owner   string
}

// Stale returns the flags that, in the store, have served one variant to
// everyone (killed, disabled, a 100% rollout or split, a schedule at
// 100%, removed) for at least age as of now, by the audit log: the
// seed's lifecycle check.
func (s *Store) Stale(ctx context.Context, age time.Duration, now time.Time) ([]StaleFlag, error) {
	panic("TODO")
}
