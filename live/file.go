package live

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// File is the source of a flags.toml on disk. It watches the file's
// directory (github.com/fsnotify/fsnotify) and survives the ways files
// really change: an editor's write-and-rename, a truncate-then-write, a
// Kubernetes ConfigMap's ..data symlink swap, the file deleted and
// re-created, the directory replaced. When the file is a symlink, it
// watches the directory of its target too (unless that is a ConfigMap's
// ..data), so a write to the target counts as a write to it. It reads the
// file only once it has been quiet for Debounce, and never applies an
// empty or half-written state. Where inotify does not work (NFS, FUSE),
// set Poll.
//
// A file it finds missing, unreadable or empty, or written in place and
// not parsing or lacking a flag (of the generated code, or of the
// document in force), it reads again after a grace period of 100 ms (or
// the next event): that state is reported (by [Feed.Fail], or [Feed.Apply]'s
// refusal) only if it is still there, so the instants of a write in
// progress are neither reported nor applied. A document that arrived
// whole (renamed over the file, or by a link swap) is reported at once
// if it is bad. Besides events, it reads the file every 5 seconds, which
// catches what no event showed (a change to a directory a symlink of the
// chain passes through, an event the system dropped) and keeps the feed's
// status fresh. If the directory is removed or replaced, it watches the
// new one as soon as it exists; a directory that exists but cannot be
// watched (the per-user limit of inotify watches) is logged and the file
// polled every second instead. A stream of events puts a read off by at
// most ten debounces.
type File struct {
	// Path is the file's path.
	Path string
	// Poll, when positive, checks the file's size, modification time and
	// hash every Poll instead of watching for events.
	Poll time.Duration
	// Debounce is how long the file must be quiet after an event before
	// it is read; zero means 20 ms.
	Debounce time.Duration

	// grace and recheck, when positive, replace defaultGrace and
	// defaultRecheck (for tests).
	grace, recheck time.Duration
	// hooks, when not nil, replace what tests need to (a pointer keeps
	// File comparable).
	hooks *fileHooks
}

// fileHooks replace parts of a File's work, for tests.
type fileHooks struct {
	// add replaces the watcher's Add.
	add func(w *fsnotify.Watcher, dir string) error
}

const (
	defaultDebounce = 20 * time.Millisecond
	// defaultGrace is how long a state that looks like a write in
	// progress (an empty file, a missing file, a document that does not
	// parse) is given to become a whole document before it is reported.
	defaultGrace = 100 * time.Millisecond
	// maxGrace bounds the time a file that keeps changing from one bad
	// state to another goes unreported.
	maxGrace = time.Second
	// defaultRecheck is how often the file is read without an event.
	defaultRecheck = 5 * time.Second
	// maxWaitDebounces bounds, in debounces, how long a stream of events
	// may put a read off.
	maxWaitDebounces = 10
	// pollReadEvery is how many polls may pass with no change of size,
	// modification time or file before the file is read and hashed anyway
	// (a write within the timestamp granularity changes neither).
	pollReadEvery = 10
	// fallbackPoll is the polling interval when no watcher can be made.
	fallbackPoll = time.Second
	// minRewatch and maxRewatch bound the backoff of attempts to watch
	// the directory again once its watch is lost.
	minRewatch = 10 * time.Millisecond
	maxRewatch = 500 * time.Millisecond
)

// Run feeds f until ctx is done. See [Source].
func (s *File) Run(ctx context.Context, f *Feed) error {
	if s.Poll > 0 {
		return s.poll(ctx, f, s.Poll)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		// No inotify instance to be had (the per-user limit): polling
		// still works.
		f.logger().Warn("flaggen: cannot watch the flags file for changes; polling it every second instead",
			"path", s.Path, "err", err)
		return s.poll(ctx, f, fallbackPoll)
	}
	err = s.watch(ctx, f, w)
	w.Close()
	if cannot, ok := err.(cannotWatch); ok {
		// The directory is there but cannot be watched: the per-user
		// limit of watches (ENOSPC), for one.
		f.logger().Warn("flaggen: cannot watch the flags file's directory for changes; polling the file every second instead",
			"path", s.Path, "dir", cannot.dir, "err", cannot.err)
		return s.poll(ctx, f, fallbackPoll)
	}
	return err
}

// cannotWatch is what watch returns when the file's directory exists but
// cannot be watched.
type cannotWatch struct {
	dir string
	err error
}

func (c cannotWatch) Error() string { return "cannot watch " + c.dir + ": " + c.err.Error() }

// String returns the path.
func (s *File) String() string { return s.Path }

// WatchFile starts watching the flags.toml at path for set, with the
// default debounce, until ctx is done, and returns the feed. A missing
// or bad file leaves the compiled-in flags in force, is reported, and is
// picked up once it appears or is fixed.
func WatchFile(ctx context.Context, set *runtime.Set, path string, opts Options) *Feed {
	return Run(ctx, set, &File{Path: path}, opts)
}

func (s *File) debounce() time.Duration {
	if s.Debounce > 0 {
		return s.Debounce
	}
	return defaultDebounce
}

func (s *File) graceOrDefault() time.Duration {
	if s.grace > 0 {
		return s.grace
	}
	return defaultGrace
}

func (s *File) recheckOrDefault() time.Duration {
	if s.recheck > 0 {
		return s.recheck
	}
	return defaultRecheck
}

// watch runs the event loop: every timer and the watcher's channels are
// handled by this one goroutine, which alone calls f.
func (s *File) watch(ctx context.Context, f *Feed, w *fsnotify.Watcher) error {
	dir, base := filepath.Dir(s.Path), filepath.Base(s.Path)
	r := &fileReader{path: s.Path, feed: f, grace: s.graceOrDefault()}
	debounce := s.debounce()

	// watched is the directory the watch is on (nil: none); rewatch
	// fires the next attempt to watch it, backoff apart.
	var watched os.FileInfo
	backoff := minRewatch
	rewatch := time.NewTimer(0)
	defer rewatch.Stop()
	add := (*fsnotify.Watcher).Add
	if s.hooks != nil && s.hooks.add != nil {
		add = s.hooks.add
	}
	// addWatch watches dir; it returns false when dir does not exist,
	// and an error when it exists but cannot be watched.
	addWatch := func() (bool, error) {
		if err := add(w, dir); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return false, nil // gone: watched once it is back
			}
			if _, serr := os.Stat(dir); serr != nil {
				return false, nil
			}
			return false, cannotWatch{dir, err}
		}
		// Should the directory be swapped between Add and Stat, the
		// next recheck sees that watched is not the directory.
		watched, _ = os.Stat(dir)
		return true, nil
	}
	if ok, err := addWatch(); err != nil {
		return err
	} else if ok {
		rewatch.Stop()
	}
	unwatch := func() {
		_ = w.Remove(dir) // inotify has often dropped it already
		watched = nil
		backoff = minRewatch
		rewatch.Reset(0)
	}

	// read fires the next read; pending is when the first event it
	// waits for arrived (zero: a retry, or nothing pending).
	read := time.NewTimer(0) // the first read, at once
	defer read.Stop()
	readPending := true
	var pending time.Time
	// inPlace is whether the file may have been written in place since
	// it was last read (or what happened is unknown): then what the
	// next read finds may be a write in progress. A file that only
	// appeared by a rename or a link swap arrived whole.
	inPlace := true
	schedule := func() {
		now := time.Now()
		if pending.IsZero() {
			pending = now
		}
		d := debounce
		if left := pending.Add(maxWaitDebounces * debounce).Sub(now); left < d {
			d = max(left, 0)
		}
		read.Reset(d)
		readPending = true
	}
	// links are the paths the file's symlinks lead to: a write to one
	// of them is a write to the file. away is the directory of the last,
	// when it lies outside dir, and watched too ("" when none is).
	var links []string
	var away string
	follow := func() {
		links = linked(s.Path)
		d := outside(dir, links)
		if away != "" && away != d {
			_ = w.Remove(away)
		}
		away = ""
		if d != "" && add(w, d) == nil { // already watched: no-op
			away = d
		}
	}
	follow()
	check := func() {
		pending, readPending = time.Time{}, false
		follow() // first: a write after the read is an event
		retry := r.check(inPlace)
		inPlace = false
		if retry {
			read.Reset(r.grace)
			readPending = true
		}
	}

	recheck := time.NewTicker(s.recheckOrDefault())
	defer recheck.Stop()

	for {
		select {
		case <-ctx.Done():
			return ctx.Err()

		case ev, ok := <-w.Events:
			if !ok {
				return ctx.Err() // closed: only by Run's return
			}
			if ev.Name == dir && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
				// The directory itself went away: its watch is dead.
				unwatch()
			}
			if away != "" && ev.Name == away && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
				away = "" // its watch is dead; the next read follows the link again
			}
			if concerns(ev, dir, base, links) {
				if ev.Op.Has(fsnotify.Write) {
					inPlace = true
				}
				schedule()
			}

		case err, ok := <-w.Errors:
			if !ok {
				return ctx.Err()
			}
			// Events were lost, or the watch broke: read again, and
			// unless only the queue overflowed, watch again.
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				unwatch()
			}
			inPlace = true
			schedule()

		case <-rewatch.C:
			ok, err := addWatch()
			if err != nil {
				return err
			}
			if !ok {
				backoff = min(2*backoff, maxRewatch)
				rewatch.Reset(backoff)
				continue
			}
			// What changed while nothing watched is read now.
			inPlace = true
			schedule()

		case <-read.C:
			check()

		case <-recheck.C:
			if watched != nil {
				if st, err := os.Stat(dir); err != nil || !os.SameFile(st, watched) {
					// Replaced without an event this watch could
					// see (a rename over it, for one).
					unwatch()
				}
			}
			if !readPending {
				inPlace = true
				check()
			}
		}
	}
}

// concerns reports whether ev may concern the file named base in the
// watched directory dir: an event on a path in links (the file's
// symlinks lead there, in dir or not); in dir, an event on the name
// itself, on a ..-prefixed name (a ConfigMap's ..data link and its
// timestamped directories), or any rename or removal (a name renamed
// over the file's, or a symlink chain's link); or the removal of dir. A
// Chmod alone changes no content.
func concerns(ev fsnotify.Event, dir, base string, links []string) bool {
	if ev.Op == 0 || ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Clean(ev.Name)
	if slices.Contains(links, name) {
		return true
	}
	if filepath.Dir(name) != dir && name != dir {
		return false // in the directory of a link's target: another file
	}
	if ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
		return true
	}
	name = filepath.Base(name)
	return name == base || strings.HasPrefix(name, "..")
}

// linked returns the paths that path's symlinks lead to, following the
// chain (at most 40 links, as Linux does); none when path is no symlink.
func linked(path string) []string {
	var targets []string
	for range 40 {
		target, err := os.Readlink(path)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = filepath.Clean(target)
		targets = append(targets, path)
	}
	return targets
}

// outside returns the directory of the last of links when dir's watch
// does not show its changes; "" when it is dir, or under a ..-prefixed
// name of dir (a ConfigMap's ..data, whose swaps are dir's events), or
// there are no links.
func outside(dir string, links []string) string {
	if len(links) == 0 {
		return ""
	}
	d := filepath.Dir(links[len(links)-1])
	rel, err := filepath.Rel(dir, d)
	switch {
	case err != nil:
		return d
	case rel == ".":
		return ""
	case rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		return d // up from dir, elsewhere
	case strings.HasPrefix(rel, ".."):
		return "" // ..data/…
	}
	return d
}

// poll checks the file every interval.
func (s *File) poll(ctx context.Context, f *Feed, interval time.Duration) error {
	r := &fileReader{path: s.Path, feed: f, grace: s.graceOrDefault()}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	retry := time.NewTimer(0) // the first read, at once
	defer retry.Stop()

	var last os.FileInfo // the file as last read; nil: unknown
	read := func() {
		last, _ = os.Stat(s.Path) // before reading: a write meanwhile is seen next time
		if r.check(true) {
			last = nil
			retry.Reset(r.grace)
		}
	}
	for polls := 1; ; polls++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-retry.C:
			read()
		case <-tick.C:
			st, err := os.Stat(s.Path)
			if err != nil || last == nil || polls%pollReadEvery == 0 ||
				st.Size() != last.Size() || !st.ModTime().Equal(last.ModTime()) || !os.SameFile(st, last) {
				read()
				continue
			}
			r.unchanged()
		}
	}
}

// A fileReader reads the file and tells the feed what it found. It is
// used by one goroutine.
type fileReader struct {
	path  string
	feed  *Feed
	grace time.Duration

	// sum is the hash of the document last given to feed.Apply (valid
	// when applied), and ok whether Apply took it: then it, or a
	// document of the same content, is in force.
	sum     [sha256.Size]byte
	applied bool
	ok      bool
	// failed is the error last given to feed.Fail, if it was the last
	// thing reported; "" otherwise.
	failed string

	// bad is the state being given its grace (a hash, or an error's
	// text), since badSince; "" when none is.
	bad      string
	badSince time.Time
}

// check reads the file and tells the feed: Apply for a new document,
// Checked for the one already in force, Fail when the file cannot be
// read. A state that may be a write in progress (empty, unreadable, or,
// if inPlace, not a whole document) is not reported at once: check
// returns true, asking to be called again after r.grace, and reports it
// only if the next call finds the same state (or after maxGrace of
// changing bad states). inPlace is false when the file can only have
// been replaced whole (renamed over, a link swapped), which spares
// parsing the document twice.
func (r *fileReader) check(inPlace bool) (retry bool) {
	doc, err := r.feed.opts.Limits.ReadFile(r.path)
	var id string
	var sum [sha256.Size]byte
	if err != nil {
		if err.Error() == r.failed {
			return false // still failing, and reported
		}
		id = "error: " + err.Error()
	} else {
		sum = sha256.Sum256(doc)
		if r.applied && sum == r.sum {
			r.bad = ""
			r.unchanged()
			return false
		}
		if len(bytes.TrimSpace(doc)) == 0 || inPlace && !r.whole(doc) {
			id = string(sum[:])
		}
	}
	if id != "" {
		now := time.Now()
		if r.bad == "" {
			r.badSince = now
		}
		if id != r.bad && now.Sub(r.badSince) < maxGrace {
			r.bad = id
			return true
		}
	}
	r.bad = ""
	if err != nil {
		r.applied, r.failed = false, err.Error()
		r.feed.Fail(err)
		return false
	}
	r.failed = ""
	_, err = r.feed.Apply(r.path, doc, "")
	r.sum, r.applied, r.ok = sum, true, err == nil
	return false
}

// unchanged tells the feed that the file was checked and holds the
// document in force; nothing, while what it holds was refused or it
// cannot be read (the feed is failing, and stays so).
func (r *fileReader) unchanged() {
	if r.applied && r.ok {
		r.feed.Checked()
	}
}

// whole reports whether doc looks like a whole document rather than a
// write in progress: parsed, declaring every flag that the generated
// code declares and that the document in force declares (a write paused
// after whole tables parses, lacking the flags still to come). A
// document too large for spec's default limits counts as whole (the
// feed may allow more; a partial write is never larger than the whole).
// A whole document that does lack a flag is applied once it has stayed
// so for the grace period.
func (r *fileReader) whole(doc []byte) bool {
	f, err := spec.Parse(r.path, doc)
	if err != nil {
		return errors.Is(err, spec.ErrTooLarge)
	}
	if len(f.Flags) == 0 {
		return false
	}
	declared := make(map[string]bool, len(f.Flags))
	for _, fl := range f.Flags {
		declared[fl.Key] = true
	}
	for _, fl := range r.feed.set.Schema().Flags {
		if !declared[fl.Key] {
			return false
		}
	}
	if in := r.feed.set.Snapshot().File(); in != nil {
		for _, fl := range in.Flags {
			if !declared[fl.Key] {
				return false
			}
		}
	}
	return true
}
