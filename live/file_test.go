package live_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/middleware"
	flagruntime "github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

// fileTestPkg stands for a generated package, for flagimpl.New.
type fileTestPkg struct{}

const fileMeta = `
description = "d"
owner = "o"
expires = 2030-01-01
`

// fileDoc is a flags.toml in which flags alpha and beta both serve user 1
// variant v<k>, and holiday is on for everyone when holiday is true.
func fileDoc(k int, holiday bool) string {
	var b strings.Builder
	for _, key := range []string{"alpha", "beta"} {
		fmt.Fprintf(&b, "[flags.%s]%s", key, fileMeta)
		b.WriteString(`variants = ["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"]` + "\n")
		b.WriteString(`default = "v0"` + "\n")
		fmt.Fprintf(&b, "[flags.%s.overrides]\nv%d = [\"1\"]\n\n", key, k)
	}
	rollout := 0
	if holiday {
		rollout = 100
	}
	fmt.Fprintf(&b, "[flags.holiday]%srollout = %d\n", fileMeta, rollout)
	return b.String()
}

// fileBigDoc is fileDoc(k, false) with n-3 more boolean flags.
func fileBigDoc(n, k int) string {
	var b strings.Builder
	b.WriteString(fileDoc(k, false))
	for i := 3; i < n; i++ {
		fmt.Fprintf(&b, "\n[flags.f%04d]%srollout = %d\n", i, fileMeta, i%101)
	}
	return b.String()
}

// newFileSet returns a set whose compiled-in flags are doc's.
func newFileSet(t testing.TB, doc string) *flagruntime.Set {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(doc))
	if err != nil {
		t.Fatalf("compiled-in document: %v", err)
	}
	return flagimpl.New[fileTestPkg](f.Meta()).Set()
}

// A fileEnv is a File source running on a feed of its own, with what the
// feed reported.
type fileEnv struct {
	t    testing.TB
	path string
	set  *flagruntime.Set
	feed *live.Feed

	mu      sync.Mutex // guards changes, errs
	changes []live.Change
	errs    []error
}

// startFile runs src on a new feed for a set whose compiled-in flags are
// compiled's, until the test ends; then it checks that src stopped with
// context.Canceled.
func startFile(t testing.TB, src *live.File, compiled string) *fileEnv {
	t.Helper()
	return startFileHook(t, src, compiled, nil)
}

// startFileHook is startFile with hook, if not nil, hearing of each
// change too.
func startFileHook(t testing.TB, src *live.File, compiled string, hook func(live.Change)) *fileEnv {
	t.Helper()
	e := &fileEnv{t: t, path: src.Path, set: newFileSet(t, compiled)}
	e.feed = live.NewFeed(e.set, src.String(), live.Options{
		OnChange: func(c live.Change) {
			e.mu.Lock()
			e.changes = append(e.changes, c)
			e.mu.Unlock()
			if hook != nil {
				hook(c)
			}
		},
		OnError: func(err error) {
			e.mu.Lock()
			e.errs = append(e.errs, err)
			e.mu.Unlock()
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, e.feed) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run returned %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return after its context was canceled")
		}
	})
	return e
}

// watchFile is the event-driven source of path, whose recheck is too rare
// to show within a test: whatever it picks up, events made it.
func watchFile(path string) *live.File {
	src := &live.File{Path: path}
	live.SetFileTimings(src, 0, time.Hour)
	return src
}

func (e *fileEnv) lookup(key string) string {
	return e.set.NewEvaluator(context.Background(), flagruntime.Subject{ID: "1"}, nil).Lookup(key)
}

func (e *fileEnv) counts() (changes, errs int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.changes), len(e.errs)
}

func (e *fileEnv) lastErr() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.errs) == 0 {
		return nil
	}
	return e.errs[len(e.errs)-1]
}

// waitFor polls cond until it holds, failing the test after a timeout.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitVariant waits until user 1 gets v<k> of alpha.
func (e *fileEnv) waitVariant(k int) {
	e.t.Helper()
	want := fmt.Sprintf("v%d", k)
	waitFor(e.t, "alpha to serve "+want, func() bool { return e.lookup("alpha") == want })
}

// waitErrs waits until the feed has reported n errors.
func (e *fileEnv) waitErrs(n int) {
	e.t.Helper()
	waitFor(e.t, fmt.Sprintf("%d errors", n), func() bool { _, got := e.counts(); return got >= n })
}

// waitChanges waits until OnChange has been called n times, and fails
// the test if it was called more often.
func (e *fileEnv) waitChanges(n int) {
	e.t.Helper()
	waitFor(e.t, fmt.Sprintf("%d changes", n), func() bool { got, _ := e.counts(); return got >= n })
	if got, _ := e.counts(); got != n {
		e.t.Errorf("%d changes, want %d", got, n)
	}
}

// waitState waits until the feed's status is state.
func (e *fileEnv) waitState(state live.State) live.Status {
	e.t.Helper()
	waitFor(e.t, fmt.Sprintf("state %v", state), func() bool { return e.feed.Status().State == state })
	return e.feed.Status()
}

// noErrors fails the test if the feed reported any error.
func (e *fileEnv) noErrors() {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, err := range e.errs {
		e.t.Errorf("feed reported an error: %v", err)
	}
}

// writeRename replaces path as editors do: a new file beside it, renamed
// over it.
func writeRename(t testing.TB, path, content string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".swp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFileStartsWithTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, true))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitVariant(1)
	st := e.waitState(live.Ready)
	if !strings.HasPrefix(st.Version, "sha256:") || st.Source != path || st.Err != nil {
		t.Errorf("status %v, want ready with a sha256 version of source %s", st, path)
	}
	if got := e.lookup("holiday"); got != "on" {
		t.Errorf("holiday = %s, want on", got)
	}
	e.noErrors()
}

func TestFileEditorRenameOnSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, false))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitVariant(1)
	for k := 2; k <= 4; k++ {
		writeRename(t, path, fileDoc(k, false))
		e.waitVariant(k)
		e.waitState(live.Ready)
	}
	e.waitChanges(4)
	e.noErrors()
}

func TestFileTruncateThenWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, false))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitVariant(1)

	// os.WriteFile truncates, then writes.
	writeFile(t, path, fileDoc(2, false))
	e.waitVariant(2)

	// By hand, with a pause longer than the debounce but shorter than
	// the grace period: the source reads the empty file, and must
	// neither apply nor report it.
	writeInTwo(t, path, "", fileDoc(3, false))
	e.waitVariant(3)

	// Half a document, then the rest: a syntax error, for a moment.
	doc := fileDoc(4, false)
	half := strings.Index(doc, "[flags.beta]") + len("[flags.b")
	writeInTwo(t, path, doc[:half], doc[half:])
	e.waitVariant(4)
	e.waitState(live.Ready)

	e.waitChanges(4) // one per write
	e.noErrors()
}

// writeInTwo truncates path and writes first, then, after a pause longer
// than the debounce and shorter than the grace period, second.
func writeInTwo(t testing.TB, path, first, second string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, part := range []string{first, second} {
		if i > 0 {
			time.Sleep(50 * time.Millisecond)
		}
		if _, err := f.WriteString(part); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// kubeletWrite updates a ConfigMap volume at dir as the kubelet's atomic
// writer does: the payload in a new timestamped directory, a ..data_tmp
// link to it renamed over ..data, the user-visible link made if missing,
// the previous timestamped directory removed.
func kubeletWrite(t testing.TB, dir string, n int, content string) {
	t.Helper()
	ts := fmt.Sprintf("..2026_11_30_12_00_%02d.%09d", n%60, n)
	if err := os.Mkdir(filepath.Join(dir, ts), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, ts, "flags.toml"), content)
	old, _ := os.Readlink(filepath.Join(dir, "..data"))
	if err := os.Symlink(ts, filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "flags.toml")); errors.Is(err, fs.ErrNotExist) {
		if err := os.Symlink(filepath.Join("..data", "flags.toml"), filepath.Join(dir, "flags.toml")); err != nil {
			t.Fatal(err)
		}
	}
	if old != "" {
		if err := os.RemoveAll(filepath.Join(dir, old)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFileConfigMapSymlinkSwap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flags.toml")
	kubeletWrite(t, dir, 1, fileDoc(1, false))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitVariant(1)
	for k := 2; k <= 5; k++ {
		kubeletWrite(t, dir, k, fileDoc(k, k%2 == 0))
		e.waitVariant(k)
	}
	if got := e.lookup("holiday"); got != "off" {
		t.Errorf("holiday = %s, want off", got)
	}
	e.waitChanges(5)
	e.noErrors()
}

func TestFileDeletedAndRecreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, false))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitVariant(1)

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	st := e.waitState(live.Failing)
	if !errors.Is(st.Err, fs.ErrNotExist) || !strings.Contains(st.Err.Error(), path) {
		t.Errorf("status error %v, want one saying %s does not exist", st.Err, path)
	}
	e.waitErrs(1)
	if err := e.lastErr(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OnError heard %v, want the missing file", err)
	}
	if got := e.lookup("alpha"); got != "v1" {
		t.Errorf("with the file gone alpha = %s, want v1 (the last good flags)", got)
	}

	writeFile(t, path, fileDoc(2, false))
	e.waitVariant(2)
	e.waitState(live.Ready)
	if _, errs := e.counts(); errs != 1 {
		t.Errorf("%d errors, want 1 (the missing file, once)", errs)
	}
}

func TestFileMissingAtStart(t *testing.T) {
	root := t.TempDir()
	for _, tc := range []struct {
		name string
		dir  string // created with the file, later
	}{
		{"file", root},
		{"directory", filepath.Join(root, "conf")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(tc.dir, tc.name+".toml")
			e := startFile(t, watchFile(path), fileDoc(0, false))
			st := e.waitState(live.Failing)
			if !errors.Is(st.Err, fs.ErrNotExist) || !strings.Contains(st.Err.Error(), path) {
				t.Errorf("status error %v, want one saying %s does not exist", st.Err, path)
			}
			if got := e.lookup("alpha"); got != "v0" {
				t.Errorf("alpha = %s, want the compiled-in v0", got)
			}
			if err := os.MkdirAll(tc.dir, 0o755); err != nil {
				t.Fatal(err)
			}
			writeRename(t, path, fileDoc(1, false))
			e.waitVariant(1)
			e.waitState(live.Ready)
			// The watch is on: a later write is seen too.
			writeRename(t, path, fileDoc(2, false))
			e.waitVariant(2)
		})
	}
}

func TestFileDirectoryReplaced(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "conf")
	path := filepath.Join(dir, "flags.toml")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, fileDoc(1, false))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitVariant(1)

	replace := map[string]func(){
		"removed": func() {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		},
		"renamed away": func() {
			if err := os.Rename(dir, dir+".old"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir + ".old") })
		},
		"removed for a while": func() {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			e.waitState(live.Failing) // and the rewatch backs off
			time.Sleep(100 * time.Millisecond)
		},
	}
	k := 1
	for _, how := range []string{"removed", "renamed away", "removed for a while", "removed"} {
		replace[how]()
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		k++
		writeRename(t, path, fileDoc(k, false))
		e.waitVariant(k)
		// The new directory is watched: the next write is seen.
		k++
		writeFile(t, path, fileDoc(k, false))
		e.waitVariant(k)
		e.waitState(live.Ready)
	}
}

func TestFileBadWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, false))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitVariant(1)

	good := fileDoc(1, false)
	bad := []struct {
		name, doc string
	}{
		{"syntax error", strings.Replace(good, `default = "v0"`, `default = "v0`, 1)},
		{"unknown key", strings.Replace(good, `default = "v0"`, `default = "v0"`+"\ncolour = \"red\"", 1)},
		{"truncated", good[:len(good)/2]},
		{"empty", ""},
	}
	positioned := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `:\d+:\d+: `)
	for i, tc := range bad {
		writeRename(t, path, tc.doc)
		e.waitErrs(i + 1)
		st := e.waitState(live.Failing)
		err := e.lastErr()
		if tc.name != "empty" && !positioned.MatchString(err.Error()) {
			t.Errorf("%s: error %q has no position", tc.name, err)
		}
		if tc.name == "empty" && !errors.Is(err, flagruntime.ErrEmpty) {
			t.Errorf("%s: error %v, want runtime.ErrEmpty", tc.name, err)
		}
		if st.Err == nil || st.Err.Error() != err.Error() {
			t.Errorf("%s: status error %v, want %v", tc.name, st.Err, err)
		}
		if got, want := e.lookup("alpha"), fmt.Sprintf("v%d", i+1); got != want {
			t.Errorf("%s: alpha = %s, want the last good %s", tc.name, got, want)
		}
		writeRename(t, path, fileDoc(i+2, false))
		e.waitVariant(i + 2)
		e.waitState(live.Ready)
	}
	if _, errs := e.counts(); errs != len(bad) {
		t.Errorf("%d errors, want %d (each bad write once)", errs, len(bad))
	}
}

func TestFilePoll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, false))
	e := startFile(t, &live.File{Path: path, Poll: 10 * time.Millisecond}, fileDoc(0, false))
	e.waitVariant(1)
	checked := e.waitState(live.Ready).Checked
	waitFor(t, "a poll to count as a check", func() bool { return e.feed.Status().Checked.After(checked) })

	writeFile(t, path, fileDoc(2, false))
	e.waitVariant(2)
	writeRename(t, path, fileDoc(3, false))
	e.waitVariant(3)

	// Same size, same modification time: only reading tells.
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, fileDoc(4, false))
	if err := os.Chtimes(path, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	e.waitVariant(4)

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	st2 := e.waitState(live.Failing)
	if !errors.Is(st2.Err, fs.ErrNotExist) {
		t.Errorf("status error %v, want the missing file", st2.Err)
	}
	writeFile(t, path, fileDoc(5, false))
	e.waitVariant(5)
	e.waitState(live.Ready)

	e.waitChanges(5)
	if _, errs := e.counts(); errs != 1 {
		t.Errorf("%d errors, want 1 (the missing file, once)", errs)
	}
}

// TestFileRecheck: a change no event shows (the watched path is a
// symlink to a file elsewhere) is caught by the periodic recheck, which
// also keeps the status fresh.
func TestFileRecheck(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "elsewhere.toml")
	path := filepath.Join(root, "conf", "flags.toml")
	if err := os.Mkdir(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, target, fileDoc(1, false))
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	src := &live.File{Path: path}
	live.SetFileTimings(src, 0, 50*time.Millisecond)
	e := startFile(t, src, fileDoc(0, false))
	e.waitVariant(1)
	checked := e.waitState(live.Ready).Checked
	waitFor(t, "a recheck", func() bool { return e.feed.Status().Checked.After(checked) })

	writeFile(t, target, fileDoc(2, false))
	e.waitVariant(2)
	e.waitChanges(2)
	e.noErrors()
}

func TestWatchFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(1, true))
	set := newFileSet(t, fileDoc(0, false))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	feed := live.WatchFile(ctx, set, path, live.Options{Logger: slog.New(slog.DiscardHandler)})
	lookup := func() string {
		return set.NewEvaluator(ctx, flagruntime.Subject{ID: "1"}, nil).Lookup("holiday")
	}
	waitFor(t, "holiday on", func() bool { return lookup() == "on" })
	writeRename(t, path, fileDoc(1, false))
	waitFor(t, "holiday off", func() bool { return lookup() == "off" })
	if st := feed.Status(); st.State != live.Ready || st.Source != path {
		t.Errorf("status %v, want ready for %s", st, path)
	}
}

// TestFileStops: Run returns once its context is done, and leaves no
// goroutine behind.
func TestFileStops(t *testing.T) {
	for _, poll := range []time.Duration{0, 10 * time.Millisecond} {
		before := runtime.NumGoroutine()
		path := filepath.Join(t.TempDir(), "flags.toml")
		writeFile(t, path, fileDoc(1, false))
		set := newFileSet(t, fileDoc(0, false))
		feed := live.NewFeed(set, path, live.Options{Logger: slog.New(slog.DiscardHandler)})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- (&live.File{Path: path, Poll: poll}).Run(ctx, feed) }()
		waitFor(t, "the file applied", func() bool { return feed.Status().State == live.Ready })
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("poll %v: Run returned %v, want context.Canceled", poll, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("poll %v: Run did not return", poll)
		}
		waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
	}
}

// TestFileRewrittenUnderLoad rewrites the file hundreds of times, by
// rename and by truncate-then-write, some writes identical to the last,
// while requests evaluate continuously through the middleware: each
// request sees one snapshot (alpha and beta always agree), OnChange fires
// once per effective change and never for an identical write, and nothing
// is reported.
func TestFileRewrittenUnderLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	writeFile(t, path, fileDoc(0, false))
	e := startFile(t, watchFile(path), fileDoc(0, false))
	e.waitChanges(1) // the first read
	base := 1

	handler := middleware.New(e.set, middleware.Options{
		Subject: middleware.HeaderSubject(middleware.Headers{}),
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev := e.set.FromContext(r.Context())
		a := ev.Lookup("alpha")
		runtime.Gosched()
		if b := ev.Lookup("beta"); a != b {
			http.Error(w, fmt.Sprintf("alpha %s, beta %s", a, b), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, a)
	}))
	stop := make(chan struct{})
	var requests, inconsistent atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req := httptest.NewRequest("GET", "/", nil)
				req.Header.Set("X-User-ID", "1")
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				requests.Add(1)
				if rec.Code != http.StatusOK {
					inconsistent.Add(1)
					t.Errorf("request: %d %s", rec.Code, rec.Body)
				}
			}
		})
	}

	rng := rand.New(rand.NewPCG(1, 2))
	k, effective := 0, 0
	const writes = 200
	for i := range writes {
		next := k
		if rng.IntN(3) > 0 { // a third of the writes are identical
			next = (k + 1 + rng.IntN(9)) % 10
		}
		doc := fileDoc(next, false)
		if i%2 == 0 {
			writeRename(t, path, doc)
		} else {
			writeFile(t, path, doc)
		}
		if next == k {
			continue
		}
		k = next
		effective++
		e.waitVariant(k)
		waitFor(t, "OnChange", func() bool { n, _ := e.counts(); return n-base >= effective })
		if n, _ := e.counts(); n-base != effective {
			t.Fatalf("after %d writes, %d effective: %d changes", i+1, effective, n-base)
		}
	}
	// A last distinct write: anything an identical write set off would
	// have been reported before it.
	writeRename(t, path, fileDoc((k+1)%10, true))
	effective++
	waitFor(t, "the last write", func() bool { n, _ := e.counts(); return n-base >= effective })
	close(stop)
	wg.Wait()

	if n, _ := e.counts(); n-base != effective {
		t.Errorf("%d changes for %d effective writes", n-base, effective)
	}
	e.noErrors()
	if requests.Load() == 0 || inconsistent.Load() != 0 {
		t.Errorf("%d requests, %d inconsistent", requests.Load(), inconsistent.Load())
	}
	t.Logf("%d writes, %d effective changes, %d requests", writes+1, effective, requests.Load())
}

// TestFileLatency measures the time from a completed write (the rename,
// or os.WriteFile, returned) to the new snapshot being in force, with the
// default debounce. It runs only with FLAGGEN_LATENCY=1:
//
//	FLAGGEN_LATENCY=1 go test -run TestFileLatency -v ./live/
func TestFileLatency(t *testing.T) {
	if os.Getenv("FLAGGEN_LATENCY") == "" {
		t.Skip("set FLAGGEN_LATENCY=1 to measure")
	}
	write := map[string]func(testing.TB, string, string){"rename": writeRename, "os.WriteFile": writeFile}
	for _, tc := range []struct {
		n   int
		how string
	}{{10, "rename"}, {1000, "rename"}, {10, "os.WriteFile"}, {1000, "os.WriteFile"}} {
		n := tc.n
		path := filepath.Join(t.TempDir(), "flags.toml")
		writeFile(t, path, fileBigDoc(n, 0))
		applied := make(chan time.Time, 1)
		e := startFileHook(t, &live.File{Path: path}, fileBigDoc(n, 0), func(live.Change) { applied <- time.Now() })
		<-applied // the first read
		const writes = 200
		lat := make([]time.Duration, 0, writes)
		for i := 1; i <= writes; i++ {
			write[tc.how](t, path, fileBigDoc(n, i%10))
			start := time.Now()
			select {
			case at := <-applied:
				lat = append(lat, at.Sub(start))
			case <-time.After(5 * time.Second):
				t.Fatalf("%d flags: write %d not applied", n, i)
			}
		}
		e.noErrors()
		slices.Sort(lat)
		p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))].Round(10 * time.Microsecond) }
		t.Logf("%d flags (%d bytes), %s, debounce 20ms, %d writes: p50 %v, p99 %v, max %v",
			n, len(fileBigDoc(n, 0)), tc.how, writes, p(0.50), p(0.99), lat[len(lat)-1].Round(10*time.Microsecond))
	}
}

// TestFileTooLarge: a file over the feed's Limits.MaxBytes is refused as
// too large, from a bounded read, and the flags in force stay.
func TestFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.toml")
	small := fileDoc(1, true)
	writeFile(t, path, small)
	set := newFileSet(t, fileDoc(0, false))
	var mu sync.Mutex
	var errs []error
	feed := live.NewFeed(set, path, live.Options{
		Limits:  spec.Limits{MaxBytes: len(small) + 64},
		OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() },
		Logger:  slog.New(slog.DiscardHandler),
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&live.File{Path: path}).Run(ctx, feed)
	lookup := func() string {
		return set.NewEvaluator(ctx, flagruntime.Subject{ID: "1"}, nil).Lookup("holiday")
	}
	waitFor(t, "holiday on", func() bool { return lookup() == "on" })
	writeRename(t, path, fileDoc(1, false)+strings.Repeat("# padding\n", 100_000))
	waitFor(t, "an error", func() bool { mu.Lock(); defer mu.Unlock(); return len(errs) > 0 })
	mu.Lock()
	err := errs[0]
	mu.Unlock()
	if !errors.Is(err, spec.ErrTooLarge) {
		t.Errorf("error %v, want spec.ErrTooLarge", err)
	}
	if got := lookup(); got != "on" {
		t.Errorf("holiday = %s after a refused file, want on", got)
	}
	if st := feed.Status(); st.State != live.Failing {
		t.Errorf("status %v, want failing", st)
	}
}
