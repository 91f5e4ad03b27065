package live_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/flaggen/flaggen/live"
	flagruntime "github.com/flaggen/flaggen/runtime"
)

// TestFileHalfWrittenAtATableBoundary: a file written in place, paused
// after whole tables (a document that parses, lacking the flags still to
// come), is a write in progress too: the flags not yet written must not
// switch to their compiled-in declarations meanwhile.
func TestFileHalfWrittenAtATableBoundary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, false))
	// Compiled in, holiday is on; the file says off.
	e := startFile(t, watchFile(path), fileDoc(0, true))
	inForce := func(doc string) {
		t.Helper()
		sum := sha256.Sum256([]byte(doc))
		version := "sha256:" + hex.EncodeToString(sum[:8])
		waitFor(t, "the whole document", func() bool { return e.feed.Status().Version == version })
		e.waitState(live.Ready)
	}
	inForce(fileDoc(1, false))
	for k := 2; k <= 4; k++ {
		doc := fileDoc(k, false)
		cut := strings.Index(doc, "[flags.holiday]")
		writeInTwo(t, path, doc[:cut], doc[cut:])
		inForce(doc)
	}
	e.noErrors()
	e.mu.Lock()
	for i, c := range e.changes {
		if len(c.Notices) > 0 {
			t.Errorf("change %d applied half a document: %v", i+1, c.Notices)
		}
	}
	e.mu.Unlock()
	e.waitChanges(4) // one per write, none for half of one
}

// TestFileCannotWatchPolls: a directory that exists but cannot be
// watched (the per-user limit of inotify watches: ENOSPC) is polled every
// second instead, so a write is still seen, well before the recheck.
func TestFileCannotWatchPolls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, true))
	src := watchFile(path) // its recheck is an hour away
	// The first watch fails, and the source polls: it tries no other.
	live.SetFileWatchErrors(src, syscall.ENOSPC)
	e := startFile(t, src, fileDoc(0, false))
	waitFor(t, "the file's holiday", func() bool { return e.lookup("holiday") == "on" })
	writeFile(t, path, fileDoc(2, false))
	waitFor(t, "the write, by polling", func() bool { return e.lookup("holiday") == "off" && e.lookup("beta") == "v2" })
	if n, _ := e.counts(); n != 2 {
		t.Errorf("%d changes, want 2", n)
	}
	e.noErrors()
}

// TestFileDirectoryBackBeforeStat: a directory that was missing when the
// watch was tried (ENOENT) and is back by the time the source looks is
// watched on the next try, not given up on for polling.
func TestFileDirectoryBackBeforeStat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, false))
	src := watchFile(path)
	live.SetFileWatchErrors(src, syscall.ENOENT)
	warns := &warnCounter{Handler: slog.DiscardHandler}
	set := newFileSet(t, fileDoc(0, false))
	live.Run(t.Context(), set, src, live.Options{Logger: slog.New(warns)})
	alpha := func() string {
		return set.NewEvaluator(t.Context(), flagruntime.Subject{ID: "1"}, nil).Lookup("alpha")
	}
	waitFor(t, "the file", func() bool { return alpha() == "v1" })
	writeRename(t, path, fileDoc(2, false))
	waitFor(t, "the write", func() bool { return alpha() == "v2" })
	if n := warns.n.Load(); n != 0 {
		t.Errorf("%d warnings: the source gave up watching", n)
	}
}

// warnCounter is a slog.Handler that counts the warnings (and worse) it
// is given.
type warnCounter struct {
	slog.Handler // slog.DiscardHandler, for WithAttrs and WithGroup
	n            atomic.Int64
}

func (w *warnCounter) Enabled(context.Context, slog.Level) bool { return true }

func (w *warnCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		w.n.Add(1)
	}
	return nil
}

// TestFileSymlinkTargetWrittenInPlace: the file is a symlink to another
// file of its directory (flags.toml -> flags-prod.toml), and that file
// is written in place: the event names the target, which concerns the
// file as much as its own name would.
func TestFileSymlinkTargetWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	path, target := filepath.Join(dir, "flags.toml"), filepath.Join(dir, "flags-prod.toml")
	writeFile(t, target, fileDoc(1, false))
	if err := os.Symlink("flags-prod.toml", path); err != nil {
		t.Fatal(err)
	}
	e := startFile(t, watchFile(path), fileDoc(0, false)) // its recheck is an hour away
	e.waitVariant(1)
	writeFile(t, target, fileDoc(2, false))
	e.waitVariant(2)

	// The link retargeted (a new link renamed over it) to a third file,
	// and that one written in place.
	other := filepath.Join(dir, "flags-next.toml")
	writeFile(t, other, fileDoc(3, false))
	relink(t, "flags-next.toml", path)
	e.waitVariant(3)
	writeFile(t, other, fileDoc(4, false))
	e.waitVariant(4)
	e.noErrors()
}

// Files stay comparable, as they were before tests could hook them.
var _ = live.File{} == live.File{}

// TestFileSymlinkToAnotherDirectory: the file is a symlink to a file in
// another directory (flags.toml -> /srv/shared/real.toml); writes there,
// in place or by rename, are seen at once, not at the recheck, and so is
// a link retargeted to a third directory.
func TestFileSymlinkToAnotherDirectory(t *testing.T) {
	root := t.TempDir()
	dir, shared, next := filepath.Join(root, "app"), filepath.Join(root, "shared"), filepath.Join(root, "next")
	for _, d := range []string{dir, shared, next} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path, real := filepath.Join(dir, "flags.toml"), filepath.Join(shared, "real.toml")
	writeFile(t, real, fileDoc(1, false))
	if err := os.Symlink(real, path); err != nil {
		t.Fatal(err)
	}
	e := startFile(t, watchFile(path), fileDoc(0, false)) // its recheck is an hour away
	e.waitVariant(1)
	writeFile(t, real, fileDoc(2, false))
	e.waitVariant(2)
	writeRename(t, real, fileDoc(3, false))
	e.waitVariant(3)

	moved := filepath.Join(next, "flags.toml")
	writeFile(t, moved, fileDoc(4, false))
	relink(t, moved, path)
	e.waitVariant(4)
	writeFile(t, moved, fileDoc(5, false))
	e.waitVariant(5)
	writeFile(t, real, fileDoc(6, false)) // no longer the file's
	writeFile(t, moved, fileDoc(7, false))
	e.waitVariant(7)
	e.noErrors()
}

// relink points the symlink path at target, atomically: a new link
// renamed over it, as ln -sfn does not but deploy tools do.
func relink(t testing.TB, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path+".new"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
}
