package redisstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
	"github.com/flaggen/flaggen/store/redisstore"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// compiledIn is the tests' flags.toml, as their sets' generated code
// would hold it: holiday is off.
const compiledIn = `[flags.holiday]
description = "Serve the special-day answer."
owner = "calendar-team"
expires = 2027-12-31
rollout = 0

[flags.search]
description = "Ranking experiment."
owner = "search-team"
expires = 2027-03-31
variants = ["control", "variant_a", "variant_b"]
default = "control"
split = { control = 100, variant_a = 0, variant_b = 0 }
`

// holidayOn is the document the tests push: holiday on for everyone.
var holidayOn = strings.Replace(compiledIn, "rollout = 0", "rollout = 100", 1)

// testNS is the tests' namespace.
const testNS = "shop:test"

// setMarker stands for a generated package, for flagimpl.New.
type setMarker struct{}

// newSet returns a fresh set whose compiled-in flags are doc's.
func newSet(t testing.TB, doc string) *runtime.Set {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return flagimpl.New[setMarker](f.Meta()).Set()
}

// lookup returns the variant subject "1" gets of key in set now.
func lookup(set *runtime.Set, key string) string {
	return set.NewEvaluator(context.Background(), runtime.Subject{ID: "1"}, nil).Lookup(key)
}

// quiet is the feed options of instances whose logs the test does not
// read.
func quiet() live.Options { return live.Options{Logger: slog.New(slog.DiscardHandler)} }

// writerOf returns a store on srv's namespace testNS, for the test's own
// writes.
func writerOf(t testing.TB, srv *redistest.Server) *redisstore.Store {
	t.Helper()
	st, err := redisstore.Open(context.Background(), srv.URL(), testNS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// push pushes doc through w and returns its version, as feeds name it.
func push(t testing.TB, w *redisstore.Store, doc string) string {
	t.Helper()
	res, err := w.Push(context.Background(), []byte(doc), redisstore.PushOptions{By: "test"})
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	return strconv.FormatInt(res.Version, 10)
}

// kill kills flag through w and returns the new version.
func kill(t testing.TB, w *redisstore.Store, flag string) string {
	t.Helper()
	res, err := w.Kill(context.Background(), flag, "test")
	if err != nil {
		t.Fatalf("kill %s: %v", flag, err)
	}
	return strconv.FormatInt(res.Version, 10)
}

// follow runs src for set until the test ends, and returns its feed.
func follow(t testing.TB, set *runtime.Set, src *redisstore.Source, opts live.Options) *live.Feed {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return live.Run(ctx, set, src, opts)
}

// sourceAt returns a source following namespace testNS of the Redis at
// addr, with a client of its own that the test closes.
func sourceAt(t testing.TB, addr string) *redisstore.Source {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return &redisstore.Source{Store: redisstore.New(rdb, testNS)}
}

// waitFor fails the test unless cond holds within d.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: still not %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// serving waits until every set serves want for key.
func serving(t testing.TB, sets []*runtime.Set, key, want string) {
	t.Helper()
	waitFor(t, 5*time.Second, fmt.Sprintf("serving %s = %s on every instance", key, want), func() bool {
		for _, s := range sets {
			if lookup(s, key) != want {
				return false
			}
		}
		return true
	})
}

// inState waits until f's state is want, and returns the status.
func inState(t testing.TB, f *live.Feed, want live.State) live.Status {
	t.Helper()
	waitFor(t, 5*time.Second, "in state "+want.String(), func() bool { return f.Status().State == want })
	return f.Status()
}

// TestFleet: a push and a kill reach ten instances, each joined to the
// store with Join.
func TestFleet(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sets []*runtime.Set
	var feeds []*live.Feed
	for range 10 {
		set := newSet(t, compiledIn)
		feed, err := redisstore.Join(ctx, set, srv.URL(), testNS, quiet())
		if err != nil {
			t.Fatal(err)
		}
		sets, feeds = append(sets, set), append(feeds, feed)
	}
	serving(t, sets, "holiday", "off") // compiled in

	v := push(t, w, holidayOn)
	serving(t, sets, "holiday", "on")
	v = kill(t, w, "holiday")
	serving(t, sets, "holiday", "off")
	for i, f := range feeds {
		if st := f.Status(); st.State != live.Ready || st.Version != v {
			t.Errorf("instance %d: status %v, want ready at version %s", i, st, v)
		}
	}
}

// TestHeartbeat: an instance reports the version it serves, its state
// and its code's schema; its report expires once it stops.
func TestHeartbeat(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	v := push(t, w, holidayOn)
	set := newSet(t, compiledIn)
	src := sourceAt(t, srv.Addr())
	src.Heartbeat, src.Instance, src.Schema = 50*time.Millisecond, "web-1", set.Schema()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live.Run(ctx, set, src, quiet())

	var in redisstore.Instance
	waitFor(t, 5*time.Second, "listed at version "+v, func() bool {
		insts, err := w.Instances(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range insts {
			if i.ID == "web-1" && strconv.FormatInt(i.Version, 10) == v && i.State == "ready" {
				in = i
				return true
			}
		}
		return false
	})
	if in.Schema == "" || in.PID != os.Getpid() || in.Since.IsZero() {
		t.Errorf("instance %+v: want its schema's hash, its pid and since when", in)
	}
	cancel()
	waitFor(t, 5*time.Second, "gone from the instances once stopped", func() bool {
		insts, err := w.Instances(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(insts) == 0
	})
}

// TestHeartbeatOnApply: an instance reports a version it puts in force at
// once, not at its next periodic heartbeat, so that status right after
// a write shows the fleet serving it.
func TestHeartbeatOnApply(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, holidayOn)
	set := newSet(t, compiledIn)
	src := sourceAt(t, srv.Addr())
	src.Heartbeat, src.Instance, src.Schema = time.Hour, "web-1", set.Schema()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live.Run(ctx, set, src, quiet())
	listedAt := func(v string) func() bool {
		return func() bool {
			insts, err := w.Instances(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return len(insts) == 1 && strconv.FormatInt(insts[0].Version, 10) == v
		}
	}
	waitFor(t, 5*time.Second, "listed at the version pushed", listedAt("1"))
	v := kill(t, w, "holiday")
	waitFor(t, 2*time.Second, "listed at the kill's version, with an hour between periodic heartbeats", listedAt(v))
}

// evaluators evaluates key on sets continuously, counting evaluations
// and answers other than want (a panic counts as one), until stop.
type evaluators struct {
	evals, wrong atomic.Int64
	stop         chan struct{}
	wg           sync.WaitGroup
}

func evaluate(sets []*runtime.Set, key, want string, perSet int) *evaluators {
	e := &evaluators{stop: make(chan struct{})}
	for _, set := range sets {
		for range perSet {
			e.wg.Go(func() {
				for {
					select {
					case <-e.stop:
						return
					default:
					}
					func() {
						defer func() {
							if recover() != nil {
								e.wrong.Add(1)
							}
						}()
						if lookup(set, key) != want {
							e.wrong.Add(1)
						}
						e.evals.Add(1)
					}()
				}
			})
		}
	}
	return e
}

func (e *evaluators) halt() (evals, wrong int64) {
	close(e.stop)
	e.wg.Wait()
	return e.evals.Load(), e.wrong.Load()
}

// TestOutage: Redis stopped mid-run and restarted. Instances keep serving
// the last good flags without one wrong evaluation, say they are stale,
// and follow again once Redis is back. An instance cut off from Redis
// misses the message of a write made meanwhile, and catches up when it
// reconnects, by the resync of its resubscription.
func TestOutage(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, holidayOn)

	var sets []*runtime.Set
	var feeds []*live.Feed
	for range 3 {
		set := newSet(t, compiledIn)
		src := sourceAt(t, srv.Addr())
		src.Heartbeat = 50 * time.Millisecond
		sets, feeds = append(sets, set), append(feeds, follow(t, set, src, quiet()))
	}
	// The cut-off instance goes through a proxy, and neither heartbeats
	// nor resyncs on its own within the test: only its resubscription can
	// catch it up.
	px := newProxy(t, srv.Addr())
	cutSet := newSet(t, compiledIn)
	cutSrc := sourceAt(t, px.Addr())
	cutSrc.Heartbeat, cutSrc.Resync = time.Hour, time.Hour
	follow(t, cutSet, cutSrc, quiet())
	all := append(sets[:len(sets):len(sets)], cutSet)
	serving(t, all, "holiday", "on")

	ev := evaluate(all, "holiday", "on", 2)
	srv.Stop()
	for _, f := range feeds {
		st := inState(t, f, live.Stale)
		if st.Err == nil {
			t.Errorf("status %v during the outage: no error", st)
		}
	}
	time.Sleep(200 * time.Millisecond)
	srv.Restart()
	for _, f := range feeds {
		inState(t, f, live.Ready)
	}
	evals, wrong := ev.halt()
	t.Logf("outage: %d evaluations on %d instances, %d wrong", evals, len(all), wrong)
	if wrong != 0 || evals == 0 {
		t.Errorf("%d wrong evaluations of %d during the outage, want 0 of many", wrong, evals)
	}

	// A write while the instance is cut off: its message is lost.
	px.Cut()
	v := kill(t, w, "holiday")
	serving(t, sets, "holiday", "off")
	time.Sleep(100 * time.Millisecond)
	if got := lookup(cutSet, "holiday"); got != "on" {
		t.Fatalf("the cut-off instance serves holiday = %s, want on: the proxy let the message through", got)
	}
	px.Mend()
	serving(t, []*runtime.Set{cutSet}, "holiday", "off")
	for _, f := range feeds {
		if st := f.Status(); st.Version != v {
			t.Errorf("status %v, want version %s", st, v)
		}
	}
}

// rawState writes fields of {NS}:state directly, bypassing Push, as a
// broken or hostile writer would, and announces version.
func rawState(t testing.TB, rdb *redis.Client, version int64, fields ...any) {
	t.Helper()
	ctx := context.Background()
	args := append([]any{"version", version}, fields...)
	if err := rdb.HSet(ctx, "{"+testNS+"}:state", args...).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Publish(ctx, "{"+testNS+"}:events", version).Err(); err != nil {
		t.Fatal(err)
	}
}

// docFields returns the doc and dochash fields of doc.
func docFields(doc string) []any {
	sum := sha256.Sum256([]byte(doc))
	return []any{"doc", doc, "dochash", hex.EncodeToString(sum[:])}
}

// TestRefused: a state written directly into {NS}:state that is
// malformed, too large or incompatible with the running code is refused
// (or, incompatible, kept out flag by flag); the last good flags stay
// and the status says why.
func TestRefused(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	v := push(t, w, holidayOn)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	base, _ := strconv.ParseInt(v, 10, 64)

	set := newSet(t, compiledIn)
	src := sourceAt(t, srv.Addr())
	src.Limits = spec.Limits{MaxBytes: 16 << 10}
	feed := follow(t, set, src, quiet())
	serving(t, []*runtime.Set{set}, "holiday", "on")

	next, good := base, v // the version of the last direct write, and of the last good
	write := func(fields ...any) {
		next++
		rawState(t, rdb, next, fields...)
	}
	for _, tc := range []struct {
		name   string
		fields []any
		want   string // in the error
	}{
		{"malformed document", docFields("[flags.holiday\nrollout = 0\n"), "flags.toml:1:15: invalid TOML"},
		{"oversized document", docFields("#" + strings.Repeat("x", 17<<10) + "\n" + compiledIn), "more than the limit"},
		{"empty document", docFields(""), ""},
		{"malformed operations", append(docFields(compiledIn), "ops", "{not json"), ""},
		{"unknown variant in the operations", append(docFields(compiledIn), "ops", `{"search":{"split":{"nope":10000}}}`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write(tc.fields...)
			st := inState(t, feed, live.Failing)
			if st.Err == nil || !strings.Contains(st.Err.Error(), tc.want) {
				t.Errorf("status %v, want failing with an error saying %q", st, tc.want)
			}
			if st.Version != good {
				t.Errorf("status %v, want the last good version %s in force", st, good)
			}
			if got := lookup(set, "holiday"); got != "on" {
				t.Errorf("holiday = %s, want on (the last good)", got)
			}
			// Back to a good state, which ends the failure.
			write(append(docFields(holidayOn), "ops", "{}")...)
			good = strconv.FormatInt(next, 10)
			inState(t, feed, live.Ready)
		})
	}

	// A document the running code cannot serve: holiday of another kind.
	// That flag keeps its declaration in force, the others take effect,
	// and the notices say why.
	incompatible := strings.Replace(holidayOn, "rollout = 100", `variants = ["a", "b"]
default = "a"`, 1)
	incompatible = strings.Replace(incompatible, "split = { control = 100, variant_a = 0, variant_b = 0 }",
		"split = { control = 0, variant_a = 100, variant_b = 0 }", 1)
	write(append(docFields(incompatible), "ops", "{}")...)
	serving(t, []*runtime.Set{set}, "search", "variant_a")
	if got := lookup(set, "holiday"); got != "on" {
		t.Errorf("holiday = %s, want on (kept: the code cannot serve it as declared)", got)
	}
	st := feed.Status()
	var kept bool
	for _, n := range st.Notices {
		kept = kept || n.Flag == "holiday"
	}
	if st.State != live.Ready || !kept {
		t.Errorf("status %v, notices %v: want ready, with a notice that holiday was kept", st, st.Notices)
	}
}

// TestReadOnlyUser: an ACL user that may only read follows the store;
// its refused heartbeat is logged, and does not make the instance stale.
func TestReadOnlyUser(t *testing.T) {
	srv := redistest.Start(t, "--user", "reader", "on", ">pw", "~*", "&*", "+@read", "+@connection", "+subscribe", "-@write")
	w := writerOf(t, srv)
	var log bytes.Buffer
	var mu sync.Mutex
	opts := live.Options{Logger: slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	set := newSet(t, compiledIn)
	feed, err := redisstore.Join(ctx, set, "redis://reader:pw@"+srv.Addr(), testNS, opts)
	if err != nil {
		t.Fatal(err)
	}
	v := push(t, w, holidayOn)
	serving(t, []*runtime.Set{set}, "holiday", "on")
	kill(t, w, "holiday")
	serving(t, []*runtime.Set{set}, "holiday", "off")
	if st := feed.Status(); st.State != live.Ready || st.Version == v {
		t.Errorf("status %v, want ready at the kill's version", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(log.String(), "cannot") {
		t.Errorf("log %q: want a warning that the heartbeat is refused", log.String())
	}
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestColdStartDown: an instance started while Redis is down serves its
// compiled-in flags, says it is stale, and follows once Redis is up.
func TestColdStartDown(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	v := push(t, w, holidayOn)
	srv.Stop()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	set := newSet(t, compiledIn)
	feed, err := redisstore.Join(ctx, set, srv.URL(), testNS, quiet())
	if err != nil {
		t.Fatal(err)
	}
	inState(t, feed, live.Stale)
	if got := lookup(set, "holiday"); got != "off" {
		t.Errorf("holiday = %s with Redis down, want off (compiled in)", got)
	}
	srv.Restart()
	serving(t, []*runtime.Set{set}, "holiday", "on")
	if st := inState(t, feed, live.Ready); st.Version != v {
		t.Errorf("status %v, want version %s", st, v)
	}
}

// backingUp runs an instance following srv that backs up to backup,
// until stop.
func backingUp(t *testing.T, srv *redistest.Server, backup string) (set *runtime.Set, stop context.CancelFunc) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	set = newSet(t, compiledIn)
	src := sourceAt(t, srv.Addr())
	src.Backup = backup
	live.Run(ctx, set, src, quiet())
	return set, stop
}

// coldStart starts an instance following srv (down) with backup, until
// the test ends.
func coldStart(t *testing.T, srv *redistest.Server, backup string) (*runtime.Set, *live.Feed) {
	t.Helper()
	set := newSet(t, compiledIn)
	src := sourceAt(t, srv.Addr())
	src.Backup = backup
	return set, follow(t, set, src, quiet())
}

// TestBackup: an instance keeps the last state applied in a file, and a
// cold start while Redis is down serves it.
func TestBackup(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, holidayOn)
	v := kill(t, w, "holiday")
	v2 := push(t, w, strings.Replace(holidayOn, "control = 100, variant_a = 0", "control = 0, variant_a = 100", 1))
	backup := filepath.Join(t.TempDir(), "flags-backup.json")

	set, stop := backingUp(t, srv, backup)
	serving(t, []*runtime.Set{set}, "search", "variant_a")
	waitFor(t, 5*time.Second, "backed up", func() bool {
		_, err := os.Stat(backup)
		return err == nil
	})
	stop()
	srv.Stop()

	// A cold start with Redis down: the backup, killed flag included.
	set, feed := coldStart(t, srv, backup)
	serving(t, []*runtime.Set{set}, "search", "variant_a")
	if got := lookup(set, "holiday"); got != "off" {
		t.Errorf("holiday = %s from the backup, want off (killed)", got)
	}
	if st := inState(t, feed, live.Stale); st.Version != v2 {
		t.Errorf("status %v, want stale at the backup's version %s (after %s)", st, v2, v)
	}
	srv.Restart()
	inState(t, feed, live.Ready)
	res, err := w.Unkill(context.Background(), "holiday", "test")
	if err != nil {
		t.Fatal(err)
	}
	serving(t, []*runtime.Set{set}, "holiday", "on")
	if st := feed.Status(); st.Version != strconv.FormatInt(res.Version, 10) {
		t.Errorf("status %v, want version %d", st, res.Version)
	}

	// The backup of another store (a path two apps share, a file copied
	// from staging) leaves the compiled-in flags.
	srv.Stop()
	set = newSet(t, compiledIn)
	other := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { other.Close() })
	var mu sync.Mutex
	var logs bytes.Buffer
	follow(t, set, &redisstore.Source{Store: redisstore.New(other, "other:app"), Backup: backup,
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))}, quiet())
	waitFor(t, 5*time.Second, "logging the backup refused or served", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(logs.String(), "backup")
	})
	if got := lookup(set, "search"); got != "control" {
		t.Errorf("search = %s from another store's backup, want control (compiled in)", got)
	}
	mu.Lock()
	if !strings.Contains(logs.String(), "not of this source's") {
		t.Errorf("log %q, want it to say the backup is of another store", logs.String())
	}
	mu.Unlock()

	// A backup that is not one leaves the compiled-in flags.
	if err := os.WriteFile(backup, []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, feed = coldStart(t, srv, backup)
	inState(t, feed, live.Stale)
	if got := lookup(set, "search"); got != "control" {
		t.Errorf("search = %s with a corrupt backup, want control (compiled in)", got)
	}
}

// TestStop: a source stops when its context is done, and leaves no
// goroutine behind: neither its own nor go-redis's.
func TestStop(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, holidayOn)
	time.Sleep(50 * time.Millisecond)
	before := goruntime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	set := newSet(t, compiledIn)
	if _, err := redisstore.Join(ctx, set, srv.URL(), testNS, quiet()); err != nil {
		t.Fatal(err)
	}
	serving(t, []*runtime.Set{set}, "holiday", "on")
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for goruntime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			var b bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("%d goroutines after stopping, %d before:\n%s", goruntime.NumGoroutine(), before, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestJoinURL: only a malformed URL is an error, which does not repeat
// the password.
func TestJoinURL(t *testing.T) {
	for _, url := range []string{"http://localhost:6379", "redis://user:s3cret@localhost:port/0", "redis://localhost:6379/notadb"} {
		_, err := redisstore.Join(context.Background(), newSet(t, compiledIn), url, testNS, quiet())
		if err == nil {
			t.Errorf("Join(%q): no error", url)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Join(%q): %v: the error shows the password", url, err)
		}
	}
}

// A proxy forwards TCP connections to a Redis until it is cut: then it
// drops them, and refuses new ones until mended.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex // guards cut, conns
	cut   bool
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		ln.Close()
		p.Cut()
		p.wg.Wait()
	})
	return p
}

// Addr returns the address to connect to.
func (p *proxy) Addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.cut {
			p.mu.Unlock()
			c.Close()
			up.Close()
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		pipe := func(dst, src net.Conn) {
			io.Copy(dst, src)
			dst.Close()
			src.Close()
		}
		p.wg.Go(func() { pipe(up, c) })
		p.wg.Go(func() { pipe(c, up) })
	}
}

// Cut drops every connection, and refuses new ones until Mend.
func (p *proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Mend lets connections through again.
func (p *proxy) Mend() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// TestMain silences go-redis's own log, which reports every failed dial
// of the outages the tests make.
func TestMain(m *testing.M) {
	redis.SetLogger(discardLogger{})
	os.Exit(m.Run())
}

type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

// TestStoreLosesItsData: a Redis without persistence that restarts
// comes back empty, and the next push is version 1 again, with another
// document. An instance that served (or refused) the version 1 of before
// the restart puts the new one in force: a version number alone does
// not name a state once the store has lost its data.
func TestStoreLosesItsData(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before func(t *testing.T, w *redisstore.Store, rdb *redis.Client)
		want   string // holiday before the restart
	}{
		{"served before", func(t *testing.T, w *redisstore.Store, _ *redis.Client) { push(t, w, holidayOn) }, "on"},
		{"refused before", func(t *testing.T, _ *redisstore.Store, rdb *redis.Client) {
			rawState(t, rdb, 1, docFields("[flags.holiday\n")...)
		}, "off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.Start(t)
			w := writerOf(t, srv)
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
			defer rdb.Close()
			set := newSet(t, compiledIn)
			feed := follow(t, set, sourceAt(t, srv.Addr()), quiet())
			tc.before(t, w, rdb)
			waitFor(t, 5*time.Second, "version 1 read", func() bool {
				st := feed.Status()
				return st.Version == "1" || st.State == live.Failing
			})
			if got := lookup(set, "holiday"); got != tc.want {
				t.Fatalf("holiday = %s before the restart, want %s", got, tc.want)
			}

			srv.Kill() // a crash: no persistence, nothing saved
			srv.Restart()
			after := strings.Replace(compiledIn, "split = { control = 100, variant_a = 0, variant_b = 0 }",
				"split = { control = 0, variant_a = 100, variant_b = 0 }", 1)
			if v := push(t, w, after); v != "1" {
				t.Fatalf("push after the restart wrote version %s, want 1", v)
			}
			serving(t, []*runtime.Set{set}, "search", "variant_a")
			if got := lookup(set, "holiday"); got != "off" {
				t.Errorf("holiday = %s after the push, want off", got)
			}
			inState(t, feed, live.Ready)
		})
	}
}

// TestBackupAfterOperation: the backup written after an operation (a
// state read without its document, which did not change) holds the
// document too, so that a cold start while Redis is down serves the
// operation, not the compiled-in flags.
func TestBackupAfterOperation(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, holidayOn)
	backup := filepath.Join(t.TempDir(), "flags-backup.json")

	set, stop := backingUp(t, srv, backup)
	serving(t, []*runtime.Set{set}, "holiday", "on")
	v := kill(t, w, "holiday")
	serving(t, []*runtime.Set{set}, "holiday", "off")
	waitFor(t, 5*time.Second, "backed up at version "+v, func() bool {
		data, err := os.ReadFile(backup)
		return err == nil && strings.Contains(string(data), `"Version":`+v+`,`)
	})
	stop()
	srv.Stop()

	set, feed := coldStart(t, srv, backup)
	waitFor(t, 5*time.Second, "serving the backup's version "+v, func() bool { return feed.Status().Version == v })
	if got := lookup(set, "holiday"); got != "off" {
		t.Errorf("holiday = %s from the backup, want off (killed)", got)
	}
}

// TestSchemaLost: a Redis that loses its data without dropping the
// connection (a FLUSHALL; a restart go-redis reconnects to between two
// heartbeats) loses the running code's schema with it; the instance
// registers it again, so that a push it cannot serve is still refused.
func TestSchemaLost(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, holidayOn)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	set := newSet(t, compiledIn)
	src := sourceAt(t, srv.Addr())
	src.Heartbeat, src.Instance, src.Schema = 20*time.Millisecond, "web-1", set.Schema()
	follow(t, set, src, quiet())
	schemas := func() int {
		keys, _ := rdb.Keys(context.Background(), "{"+testNS+"}:schema:*").Result()
		return len(keys)
	}
	waitFor(t, 5*time.Second, "schema registered", func() bool { return schemas() == 1 })

	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "schema registered again", func() bool { return schemas() == 1 })
	incompatible := strings.Replace(holidayOn, "rollout = 100", "variants = [\"a\", \"b\"]\ndefault = \"a\"", 1)
	_, err := w.Push(context.Background(), []byte(incompatible), redisstore.PushOptions{By: "ci"})
	if !errors.Is(err, redisstore.ErrIncompatible) {
		t.Errorf("push the running code cannot serve, after the store lost its data: %v; want ErrIncompatible", err)
	}
}
