package live

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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
	// Stale: the source has not been checked within StaleAfter, or it
	// reported that it cannot reach its store ([Feed.Unreachable]) and
	// has not been checked since; the flags in force stay.
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
	// Err is why the feed is failing, or why the source cannot reach
	// its store (Stale by [Feed.Unreachable]); nil otherwise.
	Err error
	// Notices are those of the document in force (see runtime.Notice).
	Notices []runtime.Notice
}

// A Change is what a new document changed.
type Change struct {
	// Version and Previous name the document put in force and the one
	// it replaced ("" for the compiled-in flags).
	Version, Previous string
	// Flags lists each flag whose declaration in force changed, or that
	// the previous document declared and the new one does not: the
	// generated code's flags in their order, then the others.
	Flags []FlagChange
	// Notices are the new document's (see runtime.Notice).
	Notices []runtime.Notice
}

// Changed reports whether any flag changed: false for a document that
// differs from the last only in comments or layout.
func (c Change) Changed() bool { return len(c.Flags) > 0 }

// A FlagChange is how one flag's declaration changed.
type FlagChange struct {
	Key string `json:"key"`
	// What changed, each in words a log line can carry, old → new, in
	// the order of flagmeta.Flag's fields: "rollout: 0% → 25% on",
	// "split: control 50% variant_a 50% → control 34% variant_a 33%
	// variant_b 33%", "killed: false → true", "enabled: true → false",
	// "owner: a → b", "removed: no → serves variant_a from 2026-10-01",
	// "rules: 1 → 2" then "rule 2: none → groups beta serve on",
	// "overrides VISIBLE: +4 -2, 3". A flag the new snapshot serves
	// that the old one did not is "added"; one it no longer serves,
	// "removed"; a flag the new document lacks that the previous one
	// declared begins with "removed from the document (keeps its
	// compiled-in declaration)", followed by what that changed.
	What []string `json:"what"`
}

var stateNames = [...]string{Starting: "starting", Ready: "ready", Stale: "stale", Failing: "failing"}

// String returns "starting", "ready", "stale" or "failing".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// String returns s as a log line: "ready source=flags.toml
// version=sha256:… updated=… checked=… notices=1 err=…", without the
// parts s lacks.
func (s Status) String() string {
	var b strings.Builder
	b.WriteString(s.State.String())
	fmt.Fprintf(&b, " source=%q", s.Source)
	if s.Version != "" {
		fmt.Fprintf(&b, " version=%s", s.Version)
	}
	if !s.Updated.IsZero() {
		fmt.Fprintf(&b, " updated=%s", s.Updated.Format(time.RFC3339))
	}
	if !s.Checked.IsZero() {
		fmt.Fprintf(&b, " checked=%s", s.Checked.Format(time.RFC3339))
	}
	if len(s.Notices) > 0 {
		fmt.Fprintf(&b, " notices=%d", len(s.Notices))
	}
	if s.Err != nil {
		fmt.Fprintf(&b, " err=%q", s.Err.Error())
	}
	return b.String()
}

// statusJSON is the body of [Feed.ServeHTTP].
type statusJSON struct {
	State   string   `json:"state"`
	Source  string   `json:"source"`
	Version string   `json:"version,omitempty"`
	Updated string   `json:"updated,omitempty"`
	Checked string   `json:"checked,omitempty"`
	Error   string   `json:"error,omitempty"`
	Notices []string `json:"notices,omitempty"`
}

// ServeHTTP serves the feed's status for a health endpoint, as JSON:
//
//	{"state": "ready", "source": "/etc/myapp/flags.toml",
//	 "version": "sha256:…", "updated": "2026-…", "checked": "2026-…",
//	 "error": "…", "notices": ["flags.toml:12:1: …"]}
//
// Times are RFC 3339; fields that are unset are left out. The code is 200
// while the feed is [Starting] or [Ready] (the compiled-in flags, or the
// source's, are in force), 503 when it is [Stale] or [Failing]. It
// answers GET and HEAD only, and is never cached.
func (f *Feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	st := f.Status()
	body := statusJSON{State: st.State.String(), Source: st.Source, Version: st.Version}
	if !st.Updated.IsZero() {
		body.Updated = st.Updated.Format(time.RFC3339Nano)
	}
	if !st.Checked.IsZero() {
		body.Checked = st.Checked.Format(time.RFC3339Nano)
	}
	if st.Err != nil {
		body.Error = st.Err.Error()
	}
	for _, n := range st.Notices {
		body.Notices = append(body.Notices, n.String())
	}
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	data = append(data, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	code := http.StatusOK
	if st.State == Stale || st.State == Failing {
		code = http.StatusServiceUnavailable
	}
	h.Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}
