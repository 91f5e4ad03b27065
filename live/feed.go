package live

import (
	"context"
	"log/slog"
	"time"

	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// A Source delivers documents to a feed until its context is done.
// Sources call [Feed.Apply] with each document they read, [Feed.Checked]
// when they looked and found nothing new, and [Feed.Fail] when they
// cannot read at all. The file source is [File]; a test may write its
// own.
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
	// serialized, in the order documents are applied.
	OnChange func(Change)
	// OnError is called for each document refused (with its position,
	// as spec reports it) and each failure of the source. The flags in
	// force stay as they were.
	OnError func(error)
	// Logger logs changes (Info), refusals and failures (Error). Nil
	// means slog.Default(); slog.New(slog.DiscardHandler) logs nothing.
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
// safe for concurrent use.
type Feed struct {
	// TODO
}

// NewFeed returns a feed for set, with nothing applied yet: the status
// is [Starting] and the compiled-in flags (or whatever the set holds)
// are in force. Sources are started with [Run]; tests may call Apply
// directly.
func NewFeed(set *runtime.Set, source string, opts Options) *Feed {
	panic("TODO")
}

// Run starts src feeding a new feed for set, in a goroutine that stops
// when ctx is done, and returns the feed.
func Run(ctx context.Context, set *runtime.Set, src Source, opts Options) *Feed {
	panic("TODO")
}

// Apply compiles doc, named name (for error positions, e.g. a path),
// and puts it in force if it compiles and differs from the document in
// force. version names the content, e.g. a store's revision; "" means a
// hash of doc. It returns what changed, or the error that refused doc,
// which OnError hears of too. A document equal to the one in force only
// counts as a check.
func (f *Feed) Apply(name string, doc []byte, version string) (Change, error) {
	panic("TODO")
}

// Checked records that the source was checked and has nothing new.
func (f *Feed) Checked() { panic("TODO") }

// Fail reports a failure of the source itself (it cannot be read); the
// flags in force stay. OnError hears of it.
func (f *Feed) Fail(err error) { panic("TODO") }

// Status returns the feed's status now.
func (f *Feed) Status() Status { panic("TODO") }
