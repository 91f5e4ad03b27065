package live_test

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/flaggen/flaggen/live"
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
	live.SetFileWatchError(src, syscall.ENOSPC)
	e := startFile(t, src, fileDoc(0, false))
	waitFor(t, "the file's holiday", func() bool { return e.lookup("holiday") == "on" })
	writeFile(t, path, fileDoc(2, false))
	waitFor(t, "the write, by polling", func() bool { return e.lookup("holiday") == "off" && e.lookup("beta") == "v2" })
	if n, _ := e.counts(); n != 2 {
		t.Errorf("%d changes, want 2", n)
	}
	e.noErrors()
}
