package live

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// A Source delivers documents to a feed until its context is done.
// Sources call [Feed.Apply] with each document they read (or
// [Feed.ApplyFile] with one they parsed or composed), [Feed.Checked]
// when they looked and found nothing new, [Feed.Unreachable] while they
// cannot reach their store (the status turns stale), and [Feed.Fail]
// when what they read cannot be used. The file source is [File]; a
// test may write its own.
type Source interface {
	// Run feeds f until ctx is done, then returns ctx.Err(); it returns
	// another error only when it cannot go on at all (which f then
	// reports as failing).
	Run(ctx context.Context, f *Feed) error
	// String names the source in status and logs, e.g. its path.
	String() string
}

// Options configure a [Feed]. The zero value works.
type Options struct {
	// OnChange is called after each new document is put in force: one
	// whose content differs from the one in force before. The Change
	// says which flags changed and how ([Change.Changed] is false for a
	// document that differs only in comments or layout). A rewrite of
	// the same content is no change and is not reported. Calls are
	// serialized, in the order documents are applied, and are made
	// before Apply returns, while the feed holds the lock that
	// serializes applies: OnChange must not call Apply, ApplyFile, Fail
	// or Unreachable, which wait for that lock (Status is fine).
	OnChange func(Change)
	// OnError is called for each document refused (with its position,
	// as spec reports it), each failure of the source, and the start of
	// each outage ([Feed.Unreachable]). The flags in force stay as they
	// were. Calls are serialized with each other and with OnChange;
	// OnError must not call Apply, ApplyFile, Fail or Unreachable.
	OnError func(error)
	// Logger logs changes (Info), refusals and failures (Error), and
	// the start (Warn) and end (Info) of an outage. Nil means
	// slog.Default(); slog.New(slog.DiscardHandler) logs nothing.
	Logger *slog.Logger
	// Limits bound what a document may hold; the zero value means
	// spec's defaults.
	Limits spec.Limits
	// StaleAfter is how long the source may go unchecked before the
	// status turns [Stale]; zero means one minute. Sources check at
	// least every few seconds.
	StaleAfter time.Duration
}

// A Feed applies the documents of a source to a set, and reports. It is
// safe for concurrent use. It is an [http.Handler] serving its status
// (see [Feed.ServeHTTP]).
//
// A set should have one feed: the feed diffs each new snapshot against
// the one in force, which it assumes it stored itself.
type Feed struct {
	set    *runtime.Set
	source string
	opts   Options
	// now is the clock; tests replace it before first use.
	now func() time.Time

	// apply serializes Apply and Fail, and so the callbacks, which they
	// make while holding it. It is taken before mu.
	apply sync.Mutex
	// key identifies the document in force (its hash, or the version
	// ApplyFile was given); valid when applied.
	key     string
	applied bool
	// lost is set while the source cannot be reached (Unreachable), until
	// it is checked or applies a document again.
	lost bool

	mu sync.Mutex // guards status
	// status is the feed's status but for Stale, which Status computes.
	status Status
}

// NewFeed returns a feed for set, with nothing applied yet: the status
// is [Starting] and the compiled-in flags (or whatever the set holds)
// are in force. Sources are started with [Run]; tests may call Apply
// directly. It panics if set is nil, a programming error that the first
// document would otherwise meet inside the source's goroutine.
func NewFeed(set *runtime.Set, source string, opts Options) *Feed {
	if set == nil {
		panic("live: nil flag set: pass the generated package's set, e.g. flags.Set")
	}
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = time.Minute
	}
	return &Feed{set: set, source: source, opts: opts, now: time.Now,
		status: Status{State: Starting, Source: source}}
}

// Run starts src feeding a new feed for set, in a goroutine that stops
// when ctx is done, and returns the feed. If src stops before ctx is
// done, the feed reports it as failing, with src's error.
func Run(ctx context.Context, set *runtime.Set, src Source, opts Options) *Feed {
	f := NewFeed(set, src.String(), opts)
	go func() {
		err := src.Run(ctx, f)
		if ctx.Err() != nil && (err == nil || errors.Is(err, ctx.Err())) {
			return
		}
		if err == nil {
			err = errors.New("the source stopped")
		}
		f.Fail(fmt.Errorf("%s: %w", src, err))
	}()
	return f
}

func (f *Feed) logger() *slog.Logger {
	if f.opts.Logger != nil {
		return f.opts.Logger
	}
	return slog.Default()
}

// Apply compiles doc, named name (for error positions, e.g. a path),
// and puts it in force if it compiles and differs from the document in
// force. version names the content, e.g. a store's revision; "" means a
// hash of doc. It returns what changed, or the error that refused doc,
// which OnError hears of too. A document equal to the one in force only
// counts as a check (it ends a failure: the source's document is in
// force again), and takes version as the name of the content in force
// if it names it otherwise.
//
// The document is parsed with [Options.Limits] and compiled with
// runtime.Set.CompileFile, whose notices the Change carries.
func (f *Feed) Apply(name string, doc []byte, version string) (Change, error) {
	sum := sha256.Sum256(doc)
	if version == "" {
		version = "sha256:" + hex.EncodeToString(sum[:8])
	}
	return f.put("sha256:"+hex.EncodeToString(sum[:]), version, func() (*runtime.Snapshot, error) {
		return f.compile(name, doc)
	})
}

// ApplyFile is [Feed.Apply] for a document a source has parsed itself
// (within its own limits), or composed: a store that keeps operations on
// top of a pushed document, for one. version, which must not be empty,
// names it: a file of the version in force only counts as a check.
func (f *Feed) ApplyFile(file *spec.File, version string) (Change, error) {
	if version == "" {
		return Change{}, errors.New("live: ApplyFile needs the document's version")
	}
	return f.put("version:"+version, version, func() (*runtime.Snapshot, error) {
		return f.set.CompileFile(file)
	})
}

// put puts the document that compile compiles in force, unless key
// names the one in force already; see [Feed.Apply].
func (f *Feed) put(key, version string, compile func() (*runtime.Snapshot, error)) (Change, error) {
	f.apply.Lock()
	defer f.apply.Unlock()
	now := f.now()
	if f.applied && key == f.key {
		f.mu.Lock()
		f.status.Checked = now
		f.status.State, f.status.Err = Ready, nil
		f.status.Version = version
		f.lost = false
		f.mu.Unlock()
		return Change{Version: version, Previous: version}, nil
	}
	snap, err := compile()
	if err != nil {
		f.mu.Lock()
		f.status.Checked = now
		f.status.State, f.status.Err = Failing, err
		f.mu.Unlock()
		f.logger().Error("flaggen: update refused; the flags in force stay", "source", f.source, "err", err)
		if f.opts.OnError != nil {
			f.opts.OnError(err)
		}
		return Change{}, err
	}
	prev := f.set.Snapshot()
	if err := f.set.Store(snap); err != nil {
		f.fail(err)
		return Change{}, err
	}
	f.key, f.applied = key, true
	notices := snap.Notices()
	f.mu.Lock()
	f.lost = false
	change := Change{Version: version, Previous: f.status.Version, Notices: notices}
	f.status.State, f.status.Err = Ready, nil
	f.status.Version, f.status.Updated, f.status.Checked = version, now, now
	f.status.Notices = notices
	f.mu.Unlock()
	change.Flags = diffSnapshots(prev, snap)
	f.logChange(change)
	if f.opts.OnChange != nil {
		f.opts.OnChange(change)
	}
	return change, nil
}

// compile parses doc within the feed's limits and compiles it for the set.
func (f *Feed) compile(name string, doc []byte) (*runtime.Snapshot, error) {
	file, err := f.opts.Limits.Parse(name, doc)
	if err != nil {
		return nil, err
	}
	return f.set.CompileFile(file)
}

// logChange logs change: a line per flag changed (or one saying none
// did), and a warning per notice.
func (f *Feed) logChange(c Change) {
	log := f.logger()
	if !c.Changed() {
		log.Info("flaggen: update applied; no flag changed", "source", f.source, "version", c.Version, "previous", c.Previous)
	}
	for _, fc := range c.Flags {
		log.Info("flaggen: flag changed", "source", f.source, "version", c.Version, "flag", fc.Key, "what", strings.Join(fc.What, "; "))
	}
	for _, n := range c.Notices {
		log.Warn("flaggen: "+n.String(), "source", f.source, "version", c.Version, "flag", n.Flag, "notice", n.Kind.String())
	}
}

// Checked records that the source was checked and has nothing new. It
// does not end a failure: a refused document, or a source that cannot be
// read, stays failing until a document is applied.
//
// It ends an outage ([Feed.Unreachable]): the status is what it was
// before it.
func (f *Feed) Checked() {
	now := f.now()
	f.mu.Lock()
	f.status.Checked = now
	back := f.lost
	f.lost = false
	if back && f.status.State != Failing {
		f.status.Err = nil
	}
	f.mu.Unlock()
	if back {
		f.logger().Info("flaggen: source reachable again", "source", f.source)
	}
}

// Unreachable reports that the source cannot be reached for now (a
// store that is down, a connection lost): the flags in force stay, and
// the status is [Stale], with err, until the source is checked or
// applies a document again. A failing feed stays [Failing], with the
// error it fails by. Only the first report of an outage is
// logged and heard by OnError: a source may call it on every failed
// attempt.
func (f *Feed) Unreachable(err error) {
	if err == nil {
		return
	}
	f.mu.Lock()
	first := !f.lost
	f.lost = true
	if f.status.State != Failing {
		f.status.Err = err // a failing feed keeps the error it fails by
	}
	f.mu.Unlock()
	if !first {
		return
	}
	f.logger().Warn("flaggen: source unreachable; the flags in force stay", "source", f.source, "err", err)
	if f.opts.OnError != nil {
		f.apply.Lock()
		f.opts.OnError(err)
		f.apply.Unlock()
	}
}

// Fail reports a failure of the source itself (it cannot be read); the
// flags in force stay. OnError hears of it.
func (f *Feed) Fail(err error) {
	if err == nil {
		return
	}
	f.apply.Lock()
	defer f.apply.Unlock()
	f.fail(err)
}

// fail is Fail with f.apply held.
func (f *Feed) fail(err error) {
	f.mu.Lock()
	f.status.State, f.status.Err = Failing, err
	f.mu.Unlock()
	f.logger().Error("flaggen: source failing; the flags in force stay", "source", f.source, "err", err)
	if f.opts.OnError != nil {
		f.opts.OnError(err)
	}
}

// Status returns the feed's status now: [Stale] when it would be
// [Ready] but the source was last checked more than StaleAfter ago.
func (f *Feed) Status() Status {
	now := f.now()
	f.mu.Lock()
	st, lost := f.status, f.lost
	f.mu.Unlock()
	if lost && st.State != Failing || st.State == Ready && now.Sub(st.Checked) > f.opts.StaleAfter {
		st.State = Stale
	}
	st.Notices = slices.Clone(st.Notices)
	return st
}

var _ http.Handler = (*Feed)(nil)
