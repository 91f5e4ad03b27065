package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// A Source follows a store for one instance: a live.Source.
//
// Run subscribes to {NS}:events and reads the state (the version first,
// the whole state only when it changed) on every (re)subscription, on
// every message announcing a newer version, and every Resync. It
// composes the state with the document it parsed last (a document is
// parsed again only when its hash changes), and applies it with
// live.Feed.ApplyFile under its version. While Redis cannot be reached
// it reports live.Feed.Unreachable, keeps the flags in force and retries
// with a backoff; go-redis reconnects and resubscribes by itself, and the
// resubscription resyncs. A state that cannot be used (too large,
// malformed, not composing) is reported with live.Feed.Fail once per
// state, and the last good flags stay. A state is named by its version,
// document hash and operations together: a Redis that lost its data
// counts versions from 1 again, and a version 1 of other content is
// put in force (named "1@UPDATED" when version 1 was in force).
//
// A Source's fields must not change once Run has begun. Run may be
// called once at a time.
type Source struct {
	Store *Store
	// Resync is how often the state is read even with no message; zero
	// means 30 seconds. Every (re)subscription resyncs too.
	Resync time.Duration
	// Heartbeat is how often the instance reports what it serves; zero
	// means 5 seconds (the report lives three times as long).
	Heartbeat time.Duration
	// Instance names the instance; "" means host-pid.
	Instance string
	// Backup is a file that keeps the last state applied, for a cold
	// start while Redis is down; "" keeps none. It is written (to a
	// temporary file renamed over it) after each state applied, and read
	// only when the first read of the store fails; a backup of another
	// store (URL or namespace) is not used.
	Backup string
	// Limits bound the document; zero means spec's defaults.
	Limits spec.Limits
	// Schema is the running code's schema (the set's Schema), which the
	// heartbeat names by hash (Store.RegisterSchema) so that a push can
	// be checked against every running instance's code. Nil registers
	// none.
	Schema *flagmeta.Schema
	// Logger logs what the feed does not: a backup that cannot be read
	// or written, a heartbeat the store refuses. Nil means slog.Default().
	Logger *slog.Logger
	// Exposures, when set, are the instance's exposure counts, which it
	// adds to the fleet's ({NS}:exposures, [Store.Exposures]) with each
	// heartbeat and once more when Run stops: what was counted since
	// the last flush, each count once. Nil flushes none; so does a user
	// that may not write.
	Exposures *dashboard.Counter

	// CloseStore closes Store once Run has stopped: set it for a store
	// made for this source alone (as Join does, with [Connect]).
	CloseStore bool
}

const (
	defaultResync    = 30 * time.Second
	defaultHeartbeat = 5 * time.Second
	// readTimeout bounds one read of the state.
	readTimeout = 10 * time.Second
	// firstReadTimeout bounds the first read, after which a cold start
	// serves the backup (go-redis retries a failed dial for seconds).
	firstReadTimeout = time.Second
	// minRetry and maxRetry bound the backoff of reads after a failed
	// one.
	minRetry = 100 * time.Millisecond
	maxRetry = time.Second
	// backupSlack is how much larger than the document a backup file may
	// be (base64 and the other fields).
	backupSlack = 1 << 20
)

// Run follows the store until ctx is done. See live.Source.
func (s *Source) Run(ctx context.Context, f *live.Feed) error {
	if s.CloseStore && s.Store != nil {
		defer s.Store.Close()
	}
	if s.Store == nil {
		return errors.New("redisstore: a Source needs a Store")
	}
	r := &follower{src: s, feed: f, kick: make(chan struct{}, 1), applied: make(chan struct{}, 1), started: time.Now()}

	// Subscribe before the first read, so that nothing written after it
	// goes unannounced. go-redis remembers the channel even when Redis is
	// down, and subscribes once it is up.
	ps := s.Store.rdb.Subscribe(ctx, s.Store.key("events"))
	ch := ps.ChannelWithSubscriptions()

	beatCtx, stopBeats := context.WithCancel(ctx)
	var beats sync.WaitGroup
	beats.Go(func() { r.heartbeats(beatCtx) })
	defer func() {
		stopBeats()
		beats.Wait()
		ps.Close()
		for range ch { // until go-redis's receiving goroutine is gone
		}
	}()

	// retry fires when a failed read is due again; read arms it. (Since
	// Go 1.23 a stopped timer's channel holds no stale value to drain.)
	retry := time.NewTimer(0)
	retry.Stop()
	backoff := minRetry
	read := func(timeout time.Duration) (retrying bool) {
		if !r.sync(ctx, timeout) {
			backoff = minRetry
			retry.Stop()
			return false
		}
		retry.Reset(backoff)
		backoff = min(2*backoff, maxRetry)
		return true
	}

	if read(firstReadTimeout) && s.Backup != "" {
		// A cold start with the store out of reach.
		r.restore()
	}

	every := s.Resync
	if every <= 0 {
		every = defaultResync
	}
	resync := time.NewTicker(every)
	defer resync.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-ch:
			if !ok {
				return errors.New("the subscription to the store's events closed")
			}
			switch m := m.(type) {
			case *redis.Subscription:
				if m.Kind == "subscribe" {
					read(readTimeout)
				}
			case *redis.Message:
				if v, err := strconv.ParseInt(m.Payload, 10, 64); err == nil && v <= r.seen {
					continue // the state read since is as new
				}
				read(readTimeout)
			}
		case <-resync.C:
			read(readTimeout)
		case <-retry.C:
			read(readTimeout)
		case <-r.kick:
			read(readTimeout)
		}
	}
}

// String names the source: the store.
func (s *Source) String() string { return s.Store.String() }

func (s *Source) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Source) heartbeatEvery() time.Duration {
	if s.Heartbeat > 0 {
		return s.Heartbeat
	}
	return defaultHeartbeat
}

func (s *Source) maxBytes() int64 {
	if s.Limits.MaxBytes > 0 {
		return int64(s.Limits.MaxBytes)
	}
	return spec.DefaultMaxBytes
}

// A follower is the state of one Run. Its fields are the Run loop's
// but for those the heartbeat reads, which are atomic.
type follower struct {
	src     *Source
	feed    *live.Feed
	started time.Time
	// kick asks the loop for a read (the heartbeat reaching the store
	// again after an outage).
	kick chan struct{}
	// applied asks the heartbeat goroutine for a beat now: a version was
	// put in force, and the store's status should say so at once.
	applied chan struct{}

	// served is the version in force (0: none), as read from the store
	// or the backup, and servedKey the stateKey of the state in force.
	served    atomic.Int64
	servedKey string
	// seen is the version of the store's state last read, applied or
	// not: messages of versions up to it are old news. (It goes down
	// when the store does: a Redis that lost its data counts from 1
	// again.)
	seen int64
	// bad is the stateKey of the state last refused, so that a state is
	// reported once, not at each read.
	bad string
	// failed is the last error reported that no version names.
	failed string
	// base is the document last applied (composed), parsed the document
	// it was composed from, and baseHash the DocHash of that document:
	// compose reuses them for another state of the same document.
	base, parsed *spec.File
	baseHash     string
}

// versionName is how the feed names store version v.
func versionName(v int64) string { return strconv.FormatInt(v, 10) }

// stateKey names a state by what {NS}:state holds of it: its version,
// its document's hash and its operations. The version alone does not:
// a Redis that lost its data (restarted without persistence, flushed)
// counts from 1 again, with other documents.
func stateKey(version, docHash, ops string) string {
	if ops == "{}" || ops == "null" {
		ops = "" // no operations, however spelt
	}
	return version + "\x00" + docHash + "\x00" + ops
}

// keyOf is the stateKey of st, for a state read from the backup.
func keyOf(st State) string {
	ops := ""
	if len(st.Ops) > 0 {
		b, _ := json.Marshal(st.Ops) // as write spells them
		ops = string(b)
	}
	return stateKey(versionName(st.Version), st.DocHash, ops)
}

// sync reads the state and applies it if it is new. It reports whether
// the store could not be reached, so that the read is retried.
//
// One round trip reads the version, the document's hash and size, and
// the operations: when the version is the one in force, that is all;
// when the document is the one parsed last, the operations are composed
// with it, and the document is not read; only a new document is read
// (after its size is checked against the limit) and parsed.
func (r *follower) sync(ctx context.Context, timeout time.Duration) (retry bool) {
	if ctx.Err() != nil {
		return false
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s := r.src.Store
	fields := []string{"version", "dochash", "ops", "updated", "by"}
	pipe := s.rdb.Pipeline()
	valsCmd := pipe.HMGet(rctx, s.key("state"), fields...)
	sizeCmd := pipe.HStrLen(rctx, s.key("state"), "doc")
	if _, err := pipe.Exec(rctx); err != nil {
		return r.readFailed(ctx, s.wrap(err), "")
	}
	r.failed = ""
	m := make(map[string]string, len(fields))
	for i, v := range valsCmd.Val() {
		if v, ok := v.(string); ok {
			m[fields[i]] = v
		}
	}
	raw := m["version"]
	key := stateKey(raw, m["dochash"], m["ops"])
	switch {
	case raw == "" || raw == "0":
		// Nothing pushed yet, or the store lost its data: the flags in
		// force stay, and the next push counts from 1.
		r.seen = 0
		r.feed.Checked()
		return false
	case key == r.servedKey:
		r.feed.Checked()
		return false
	case key == r.bad:
		r.feed.Checked() // ends an outage; the failure stays
		return false
	}
	st, err := s.parseState(m)
	if err != nil {
		r.refuse(key, err)
		return false
	}
	r.seen = st.Version
	if r.base == nil || st.DocHash != r.baseHash {
		// A new document: read it, unless it is too large.
		if r.tooLarge(key, st.Version, sizeCmd.Val()) {
			return false
		}
		all, err := s.rdb.HGetAll(rctx, s.key("state")).Result()
		if err != nil {
			return r.readFailed(ctx, s.wrap(err), key)
		}
		key = stateKey(all["version"], all["dochash"], all["ops"])
		if st, err = s.parseState(all); err != nil {
			r.refuse(key, err)
			return false
		}
		r.seen = st.Version
		if st.Version == 0 || key == r.servedKey {
			r.feed.Checked()
			return false
		}
		if r.tooLarge(key, st.Version, int64(len(st.Doc))) { // replaced since measured
			return false
		}
	}
	file, parsed, err := compose(st, r.src.Limits, r.parsed, r.base)
	if err != nil {
		r.refuse(key, fmt.Errorf("%s: version %d: %w", s, st.Version, err))
		return false
	}
	name := versionName(st.Version)
	if r.servedKey != "" && st.Version == r.served.Load() {
		// The version in force, but another state: the store lost its
		// data and counted again. The feed takes a version it has in
		// force for a check, so this one is named apart.
		name += "@" + st.Updated.UTC().Format(time.RFC3339Nano)
	}
	if _, err := r.feed.ApplyFile(file, name); err != nil {
		r.bad = key // the feed reported it
		return false
	}
	r.base, r.parsed, r.baseHash = file, parsed, st.DocHash
	r.servedKey, r.bad = key, ""
	r.served.Store(st.Version)
	select {
	case r.applied <- struct{}{}:
	default: // a beat is asked for already
	}
	if r.src.Backup != "" {
		if len(st.Doc) == 0 {
			// An operation's state, read without its document.
			st.Doc = file.Source
		}
		r.writeBackup(st)
	}
	return false
}

// tooLarge refuses version v (its stateKey key) when its document, of
// n bytes, is over the limit, and reports whether it did.
func (r *follower) tooLarge(key string, v, n int64) bool {
	if n <= r.src.maxBytes() {
		return false
	}
	r.refuse(key, fmt.Errorf("%s: version %d: the document is %d bytes, more than the limit of %d; push a smaller document or raise the limit",
		r.src.Store, v, n, r.src.maxBytes()))
	return true
}

// refuse reports a state that cannot be used, once per state (key, its
// stateKey): the flags in force stay.
func (r *follower) refuse(key string, err error) {
	r.bad = key
	r.feed.Fail(err)
}

// readFailed handles an error reading the state whose stateKey is key
// ("" when unknown): an unreachable store is an outage, to retry;
// anything else is a state that cannot be used.
func (r *follower) readFailed(ctx context.Context, err error, key string) (retry bool) {
	if ctx.Err() != nil {
		return false
	}
	if r.unreachable(ctx, err) {
		r.feed.Unreachable(err)
		return true
	}
	if key == "" {
		// Unknown state: report each new error once, and read again.
		if msg := err.Error(); msg != r.failed {
			r.failed = msg
			r.feed.Fail(err)
		}
		return true
	}
	r.refuse(key, err)
	return false
}

// unreachable reports whether err, from a command, means that the
// store cannot be reached (rather than that it answered with an error).
func (r *follower) unreachable(ctx context.Context, err error) bool {
	if isNetError(err) {
		return true
	}
	if _, ok := errors.AsType[redis.Error](err); ok {
		return false // Redis answered
	}
	// An error that names neither may still come from the network (a
	// wrapping that lost it): ask Redis.
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	perr := r.src.Store.rdb.Ping(pctx).Err()
	_, answered := errors.AsType[redis.Error](perr)
	return perr != nil && (!answered || isNetError(perr))
}

// isNetError reports whether err is a failure to talk to Redis: the
// network, a timeout, a closed pool, or a Redis not ready to serve.
func isNetError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, redis.ErrClosed) || errors.Is(err, redis.ErrPoolTimeout) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if re, ok := errors.AsType[redis.Error](err); ok {
		for _, p := range []string{"LOADING", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN"} {
			if strings.HasPrefix(re.Error(), p) {
				return true
			}
		}
	}
	return false
}

// backupState is the backup file's content.
type backupState struct {
	Store string `json:"store"`
	State State  `json:"state"`
}

// writeBackup writes st to the backup file, if any: to a temporary file
// in its directory, renamed over it.
func (r *follower) writeBackup(st State) {
	path := r.src.Backup
	if path == "" {
		return
	}
	data, err := json.Marshal(backupState{Store: r.src.Store.String(), State: st})
	if err == nil {
		err = writeAtomic(path, data)
	}
	if err != nil {
		r.src.logger().Warn("flaggen: cannot write the backup of the store's state; a cold start while Redis is down will serve an older state",
			"source", r.src.String(), "path", path, "err", err)
	}
}

// writeAtomic replaces the file at path with data, so that a reader
// sees the old content or the new, never a part.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// restore applies the state in the backup file, for a cold start while
// the store cannot be read. A missing file is no error: the compiled-in
// flags stay.
func (r *follower) restore() {
	path := r.src.Backup
	log := r.src.logger()
	b, err := readBackup(path, r.src.maxBytes())
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	st := b.State
	switch {
	case err != nil:
	case b.Store != r.src.Store.String():
		// Another fleet's flags (a path shared by two apps, a file
		// copied from staging) are not this one's to serve.
		err = fmt.Errorf("it is the backup of %s, not of this source's %s", b.Store, r.src.Store)
	case st.Version <= 0:
		err = errors.New("it holds no version")
	}
	var file, parsed *spec.File
	if err == nil {
		file, parsed, err = compose(st, r.src.Limits, nil, nil)
	}
	if err != nil {
		log.Warn("flaggen: cannot use the backup of the store's state; the compiled-in flags stay until the store is reached",
			"source", r.src.String(), "path", path, "err", err)
		return
	}
	if _, err := r.feed.ApplyFile(file, versionName(st.Version)); err != nil {
		return // the feed reported it
	}
	// The backup is what the feed serves, but not the store's: only its
	// version says so; the next read replaces it if the store moved on.
	r.servedKey = keyOf(st)
	r.served.Store(st.Version)
	r.base, r.parsed, r.baseHash = file, parsed, st.DocHash
	log.Info("flaggen: serving the backup of the store's state until the store is reached",
		"source", r.src.String(), "path", path, "version", st.Version)
}

// readBackup reads the backup file at path, of a document of at most
// maxBytes.
func readBackup(path string, maxBytes int64) (backupState, error) {
	limit := 2*maxBytes + backupSlack
	data, err := spec.Limits{MaxBytes: int(limit)}.ReadFile(path)
	if err != nil {
		return backupState{}, err
	}
	if int64(len(data)) > limit {
		return backupState{}, fmt.Errorf("the file is larger than %d bytes", limit)
	}
	var b backupState
	if err := json.Unmarshal(data, &b); err != nil {
		return backupState{}, err
	}
	return b, nil
}

// heartbeats reports what the instance serves every Heartbeat until ctx
// is done.
func (r *follower) heartbeats(ctx context.Context) {
	every := r.src.heartbeatEvery()
	t := time.NewTicker(every)
	defer t.Stop()
	hb := heartbeat{r: r}
	if c := r.src.Exposures; c != nil {
		hb.exposures = newExposureFlusher(c.Counts)
	}
	for {
		hb.beat(ctx, every)
		select {
		case <-ctx.Done():
			hb.lastFlush(ctx)
			return
		case <-t.C:
		case <-r.applied:
		}
	}
}

// heartbeat is the heartbeat goroutine's state.
type heartbeat struct {
	r *follower
	// schema is the schema's hash once registered ("" before).
	schema string
	// lost is set while the store cannot be reached.
	lost bool
	// warned is the last error logged that was not an outage, so that
	// one is logged once.
	warned string
	// exposures flushes Source.Exposures; nil without.
	exposures *exposureFlusher
}

// beat sends one heartbeat, registering the schema first if it is not.
func (h *heartbeat) beat(ctx context.Context, every time.Duration) {
	r := h.r
	ctx, cancel := context.WithTimeout(ctx, every)
	defer cancel()
	s := r.src
	if h.schema == "" && s.Schema != nil && !h.register(ctx) {
		return
	}
	st := r.feed.Status()
	in := Instance{
		ID:      s.instanceID(),
		PID:     os.Getpid(),
		Version: r.served.Load(),
		Since:   st.Updated,
		State:   st.State.String(),
		Schema:  h.schema,
		Seen:    time.Now(),
	}
	in.Host, _ = os.Hostname()
	if in.Since.IsZero() {
		in.Since = r.started
	}
	if st.Err != nil {
		in.Err = st.Err.Error()
	}
	kept, err := s.Store.heartbeat(ctx, in, 3*every)
	if err != nil {
		h.failed(ctx, "cannot heartbeat; the store's status will not list this instance", err)
		return
	}
	// A store that lost the schema (and its data) with no error seen
	// here is given it again, so that pushes are checked against this
	// code.
	if h.schema != "" && !kept && !h.register(ctx) {
		return
	}
	if h.lost {
		// Back after an outage: read the state now (the subscription may
		// not be back yet). A schema Redis lost is registered again
		// above, as the heartbeat found it gone.
		h.lost = false
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
	h.warned = ""
	if h.exposures != nil {
		// An outage is the heartbeat's to report; the batch waits.
		if err := h.exposures.flush(ctx, s.Store); err != nil && !isNetError(err) && err.Error() != h.exposures.warned {
			h.exposures.warned = err.Error()
			s.logger().Warn("flaggen: cannot add the exposure counts to the fleet's", "source", s.String(), "err", err)
		}
	}
}

// register registers the running code's schema, and reports whether
// it did; when it did not, the next beat tries again.
func (h *heartbeat) register(ctx context.Context) bool {
	hash, err := h.r.src.Store.RegisterSchema(ctx, h.r.src.Schema)
	if err != nil {
		h.schema = ""
		h.failed(ctx, "cannot register the running code's schema", err)
		return false
	}
	h.schema = hash
	return true
}

// lastFlush flushes the exposures counted since the last heartbeat, once
// Run is stopping, for up to a second.
func (h *heartbeat) lastFlush(ctx context.Context) {
	if h.exposures == nil || h.lost {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	h.exposures.flush(ctx, h.r.src.Store)
}

// failed handles a failed heartbeat: an outage, or a refusal logged
// once (a read-only user may follow a store, but not heartbeat).
func (h *heartbeat) failed(ctx context.Context, what string, err error) {
	if ctx.Err() != nil && !errors.Is(err, context.DeadlineExceeded) {
		return // stopping
	}
	if h.r.unreachable(ctx, err) {
		h.lost = true
		h.r.feed.Unreachable(err)
		return
	}
	if msg := err.Error(); msg != h.warned {
		h.warned = msg
		h.r.src.logger().Warn("flaggen: "+what, "source", h.r.src.String(), "err", err)
	}
}

// instanceID returns Instance, or host-pid.
func (s *Source) instanceID() string {
	if s.Instance != "" {
		return s.Instance
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// Join connects to the Redis at url and follows namespace ns for set,
// until ctx is done: the one call an app makes to join a fleet. Only a
// malformed URL is an error; a Redis that is down leaves the compiled-in
// flags in force, the feed's status stale, and is followed once it is up.
//
// The source heartbeats the set's schema, parses within opts.Limits and
// logs to opts.Logger; for other settings (Resync, Backup, …) give a
// [Source] of your own to live.Run.
func Join(ctx context.Context, set *runtime.Set, url, ns string, opts live.Options) (*live.Feed, error) {
	st, err := Connect(url, ns)
	if err != nil {
		return nil, err
	}
	src := &Source{
		Store:      st,
		Limits:     opts.Limits,
		Schema:     set.Schema(),
		Logger:     opts.Logger,
		CloseStore: true,
	}
	return live.Run(ctx, set, src, opts), nil
}

// urlError returns err without the URL that net/url's errors quote,
// which may hold a password.
func urlError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
