package live

import (
	"time"

	"github.com/flaggen/flaggen/runtime"
)

// A State says how far the flags in force can be trusted to be the
// source's.
type State uint8

const (
	// Starting: no document has been applied yet; the compiled-in flags
	// are in force.
	Starting State = iota
	// Ready: the source's latest document is in force, and the source was
	// checked within StaleAfter.
	Ready
	// Stale: the source has not been checked within StaleAfter.
	Stale
	// Failing: the source's latest document was refused, or the source
	// cannot be read; the last good flags stay in force.
	Failing
)

// Status is a feed's state, for a health endpoint and logs.
type Status struct {
	State  State
	Source string // the source, e.g. a path
	// Version names the document in force: the source's version, or
	// "sha256:" and the first 16 hex digits of its hash; "" while the
	// compiled-in flags are.
	Version string
	// Updated is when the document in force was put in force; Checked is
	// when the source was last checked. Zero: never.
	Updated, Checked time.Time
	// Err is why the feed is failing; nil otherwise.
	Err error
	// Notices are those of the document in force (see runtime.Notice).
	Notices []runtime.Notice
}

// A Change is what a new document changed.
type Change struct {
	// Version and Previous name the document put in force and the one
	// it replaced ("" for the compiled-in flags).
	Version, Previous string
	// Flags lists each flag whose declaration in force changed, by key.
	Flags []FlagChange
	// Notices are the new document's (see runtime.Notice).
	Notices []runtime.Notice
}

// Changed reports whether any flag changed: false for a document that
// differs from the last only in comments or layout.
func (c Change) Changed() bool { return len(c.Flags) > 0 }

// A FlagChange is how one flag's declaration changed.
type FlagChange struct {
	Key string
	// What changed, each in words a log line can carry, old → new:
	// "rollout: off → on 25%", "killed: false → true", "added", "removed".
	What []string
}
