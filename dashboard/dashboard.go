package dashboard

import (
	"context"
	"net/http"
	"time"
)

// Options configure the dashboard. Authorize is required: with none, the
// dashboard refuses everyone.
type Options struct {
	// Authorize says whether a request may see the dashboard and set
	// overrides for its own browser.
	Authorize func(*http.Request) bool
	// Operator says whether a request may operate the fleet, and who it
	// is, for the audit log. Nil: nobody may; nor may a request it
	// names no one (a blank name).
	Operator func(*http.Request) (who string, ok bool)
	// Fleet is the live store the fleet operations go through; nil
	// hides them.
	Fleet Fleet
	// Exposures counts exposures per flag and variant for the bars beside
	// the configured weights; nil hides them.
	Exposures *Counter
	// TrustedOrigins are origins whose cross-site POSTs are accepted
	// (see http.CrossOriginProtection.AddTrustedOrigin).
	TrustedOrigins []string
	// Now is the clock expiries and schedules are judged by; nil means
	// time.Now.
	Now func() time.Time
}

// Fleet is what the dashboard needs of a live store: package redisstore's
// Store.Dashboard returns one.
type Fleet interface {
	// Operate applies an operation as the CLI does (validated,
	// compare-and-set, audited) and returns one line that says what it
	// did.
	Operate(ctx context.Context, op Operation) (string, error)
	// History returns the audit entries about flag, oldest first, the
	// last n.
	History(ctx context.Context, flag string, n int) ([]Entry, error)
	// Instances returns the instances following the store.
	Instances(ctx context.Context) ([]Instance, error)
	// Version is the store's version now.
	Version(ctx context.Context) (int64, error)
	// Exposures returns the fleet-wide exposure counts, by flag then
	// variant; nil when the store keeps none.
	Exposures(ctx context.Context) (map[string]map[string]int64, error)
}

// An Operation is a fleet operation on one flag.
type Operation struct {
	Flag string
	// Action is kill, unkill, enable, disable, rollout, split or
	// schedule.
	Action string
	// Value is the action's argument as the CLI takes it: "25%" for a
	// rollout, "control=50,variant_a=50" for a split, "1%@now 5%@+2h" for
	// a schedule.
	Value string
	// By is the operator, from Options.Operator.
	By string
}

// An Entry is one write of the audit log.
type Entry struct {
	Time    time.Time
	Version int64
	By      string
	Action  string
	Flag    string
	Before  string
	After   string
}

// An Instance is one instance following the store.
type Instance struct {
	ID      string
	Version int64
	Since   time.Time
	State   string
	Err     string
}
