package redisstore

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/runtime/flagimpl"
	"github.com/flaggen/flaggen/spec"
)

func TestPushKeepsKill(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if _, err := s.Kill(ctx, "search", "ana"); err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(testDoc, "rollout = 10", "rollout = 20", 1)
	r, err := s.Push(ctx, []byte(doc), PushOptions{By: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 3 || len(r.Changes) != 1 || r.Changes[0].Key != "checkout" {
		t.Errorf("push: %s, changes %v; want v3 changing checkout only", r, r.Changes)
	}
	if !strings.HasPrefix(r.String(), "v3: push by ci (doc ") || !strings.HasSuffix(r.String(), "1 flag changed: checkout)") {
		t.Errorf("push line %q", r)
	}
	if !mustFlag(t, s, "search").Killed {
		t.Error("search was unkilled by a push")
	}
	// The same document again changes nothing.
	r, err = s.Push(ctx, []byte(doc), PushOptions{By: "ci"})
	if err != nil || !r.NoChange() || r.Version != 3 {
		t.Errorf("same push: %s, %v; want no change at v3", r, err)
	}
	// A push that changes search shows the kill on both sides of the diff.
	doc2 := strings.Replace(doc, `owner = "ana"`, `owner = "bo"`, 1)
	r, err = s.Push(ctx, []byte(doc2), PushOptions{By: "ci", DryRun: true})
	if err != nil || !r.DryRun || r.Version != 4 || len(r.Changes) != 1 {
		t.Fatalf("dry run: %+v, %v", r, err)
	}
	if w := strings.Join(r.Changes[0].What, "; "); strings.Contains(w, "killed") {
		t.Errorf("the diff shows the kill changing: %s", w)
	}
	if st, _ := s.Get(ctx); st.Version != 3 {
		t.Errorf("a dry run wrote: version %d", st.Version)
	}
}

func TestPushDropsOp(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if _, err := s.Kill(ctx, "banner", "ana"); err != nil {
		t.Fatal(err)
	}
	doc := testDoc[:strings.Index(testDoc, "[flags.banner]")]
	_, err := s.Push(ctx, []byte(doc), PushOptions{By: "ci"})
	if !errors.Is(err, ErrOpsDropped) || !strings.Contains(err.Error(), `flag "banner"`) || !strings.Contains(err.Error(), "killed true") {
		t.Fatalf("push dropping a killed flag: %v; want ErrOpsDropped naming banner", err)
	}
	// An operation that no longer applies: search loses variant b.
	if _, err := s.Split(ctx, "search", map[string]int{"a": 5000, "b": 5000}, "ana"); err != nil {
		t.Fatal(err)
	}
	doc2 := strings.Replace(doc, `variants = ["control", "a", "b"]`, `variants = ["control", "a"]`, 1)
	doc2 = strings.Replace(doc2, "split = { control = 50, a = 25, b = 25 }", "split = { control = 50, a = 50 }", 1)
	_, err = s.Push(ctx, []byte(doc2), PushOptions{By: "ci"})
	if !errors.Is(err, ErrOpsDropped) || !strings.Contains(err.Error(), `no variant "b"`) {
		t.Fatalf("push making a split inapplicable: %v", err)
	}
	r, err := s.Push(ctx, []byte(doc2), PushOptions{By: "ci", Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Dropped, ",") != "banner,search" {
		t.Errorf("Dropped = %v, want banner, search", r.Dropped)
	}
	st, _ := s.Get(ctx)
	if len(st.Ops) != 0 {
		t.Errorf("ops after a forced push: %v", st.Ops)
	}
	h, _ := s.History(ctx, "banner", 0)
	if last := h[len(h)-1]; last.Action != "push" || last.Changes[0].What[0] != "removed" {
		t.Errorf("banner's last entry: %+v", last)
	}
}

// registerTestSchema registers testDoc's flags as the running code's
// schema, and returns its hash.
func registerTestSchema(t *testing.T, s *Store) string {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(testDoc))
	if err != nil {
		t.Fatal(err)
	}
	hash, err := s.RegisterSchema(context.Background(), f.Meta())
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

func TestPushIncompatible(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	hash := registerTestSchema(t, s)
	if err := s.Heartbeat(ctx, Instance{ID: "web-1", Host: "web", PID: 1, Version: 1, State: "ready", Schema: hash}, time.Minute); err != nil {
		t.Fatal(err)
	}
	insts, err := s.Instances(ctx)
	if err != nil || len(insts) != 1 || insts[0].Schema != hash || insts[0].Seen.IsZero() {
		t.Fatalf("Instances: %+v, %v", insts, err)
	}
	doc := strings.Replace(testDoc, `variants = ["control", "a", "b"]`, `variants = ["control", "a", "c"]`, 1)
	doc = strings.Replace(doc, "b = 25", "c = 25", 1)
	_, err = s.Push(ctx, []byte(doc), PushOptions{By: "ci"})
	if !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), `flag "search" has variants control, a, c`) || !strings.Contains(err.Error(), "instance web-1") {
		t.Errorf("incompatible push: %v", err)
	}
	doc = strings.Replace(testDoc, "rollout = 100", "variants = [\"x\", \"y\"]\ndefault = \"x\"", 1)
	_, err = s.Push(ctx, []byte(doc), PushOptions{By: "ci"})
	if !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), `flag "banner" is multi-variant`) {
		t.Errorf("push changing a kind: %v", err)
	}
	// Variants reordered, a flag added: the code serves it.
	doc = strings.Replace(testDoc, `variants = ["control", "a", "b"]`, `variants = ["control", "b", "a"]`, 1) +
		"\n[flags.extra]\ndescription = \"x\"\nowner = \"x\"\nexpires = 2030-01-01\n"
	if _, err := s.Push(ctx, []byte(doc), PushOptions{By: "ci"}); err != nil {
		t.Errorf("compatible push: %v", err)
	}
}

func TestPushInvalid(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	cases := []struct {
		name string
		doc  string
		o    PushOptions
		want string
		is   error
	}{
		{"syntax", "[flags.x\n", PushOptions{Name: "f.toml"}, "f.toml:1:", nil},
		{"unknown key", testDoc + "\n[flags.y]\ndescription = \"y\"\nowner = \"y\"\nexpires = 2030-01-01\nroll = 5\n", PushOptions{}, "flags.toml:", nil},
		{"oversized", testDoc, PushOptions{Limits: spec.Limits{MaxBytes: 100}}, "size limit", spec.ErrTooLarge},
		{"empty", "", PushOptions{}, "declares no flags", nil},
	}
	for _, c := range cases {
		_, err := s.Push(ctx, []byte(c.doc), c.o)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) || c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: %v; want ErrInvalid saying %q", c.name, err, c.want)
		}
	}
	if st, _ := s.Get(ctx); st.Version != 1 {
		t.Errorf("version %d after refused pushes", st.Version)
	}
}

func TestStale(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	day := 24 * time.Hour
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	s.now = func() time.Time { return clock }
	// Written at t0: a fresh push, so that each flag's last change is t0.
	doc := strings.Replace(testDoc, `owner = "web"`, `owner = "web-team"`, 1)
	doc = strings.Replace(doc, `owner = "payments"`, `owner = "pay"`, 1)
	doc = strings.Replace(doc, `owner = "ana"`, `owner = "search"`, 1)
	if _, err := s.Push(ctx, []byte(doc), PushOptions{By: "ci"}); err != nil {
		t.Fatal(err)
	}
	clock = t0.Add(10 * day)
	if _, err := s.Kill(ctx, "search", "ana"); err != nil {
		t.Fatal(err)
	}
	clock = t0.Add(20 * day)
	if _, err := s.Schedule(ctx, "checkout", []Stage{{t0.Add(20 * day), 5000}, {t0.Add(25 * day), 10000}}, "ana"); err != nil {
		t.Fatal(err)
	}
	check := func(age time.Duration, now time.Time, want string) {
		t.Helper()
		got, err := s.Stale(ctx, age, now)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, f := range got {
			parts = append(parts, f.Key+"="+f.Variant+"@"+f.Since.Format(time.DateOnly)+"/"+f.Owner)
		}
		if g := strings.Join(parts, " "); g != want {
			t.Errorf("Stale(%v, %s) = %s; want %s", age, now.Format(time.DateOnly), g, want)
		}
	}
	check(30*day, t0.Add(29*day), "")
	check(30*day, t0.Add(30*day), "banner=on@2030-01-01/web-team")
	check(30*day, t0.Add(40*day), "search=control@2030-01-11/search banner=on@2030-01-01/web-team")
	check(30*day, t0.Add(55*day), "search=control@2030-01-11/search checkout=on@2030-01-26/pay banner=on@2030-01-01/web-team")
}

func TestComposeReuse(t *testing.T) {
	f, err := spec.Parse("flags.toml", []byte(testDoc))
	if err != nil {
		t.Fatal(err)
	}
	st := State{Version: 2, Doc: []byte(testDoc), DocHash: docHash([]byte(testDoc)), Ops: Ops{"search": {Killed: ptr(true)}}}
	c1, err := Compose(st, spec.Limits{}, f)
	if err != nil {
		t.Fatal(err)
	}
	if c1.Flags[0] == f.Flags[0] || !c1.Flags[0].Killed || f.Flags[0].Killed {
		t.Error("the killed flag is not a new, killed *spec.Flag, or base was modified")
	}
	if c1.Flags[1] != f.Flags[1] || c1.Flags[2] != f.Flags[2] {
		t.Error("flags without operations are not base's")
	}
	// The next state, composed from the last composition: only the flag
	// whose operation changed is new.
	st.Version, st.Ops = 3, Ops{"search": {Killed: ptr(true)}, "checkout": {Rollout: ptr(5000)}}
	st.Doc = nil // not needed: base has the document
	c2, err := Compose(st, spec.Limits{}, c1)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Flags[0] != c1.Flags[0] || c2.Flags[2] != f.Flags[2] || c2.Flags[1] == c1.Flags[1] {
		t.Error("Compose from the last composition did not reuse unchanged flags")
	}
	if describeDist(c2.Flags[1]) != "rollout 50%" {
		t.Errorf("checkout: %s", describeDist(c2.Flags[1]))
	}
	// The same state from the parsed document gives the same result.
	c3, err := Compose(st, spec.Limits{}, f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c3.Meta(), c2.Meta(); !equalMeta(got, want) {
		t.Error("composing from the document and from the last composition differ")
	}
	// Errors.
	if _, err := Compose(State{}, spec.Limits{}, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("Compose of version 0: %v", err)
	}
	st.Ops = Ops{"search": {Rollout: ptr(10)}, "gone": {Killed: ptr(true)}}
	if _, err := Compose(st, spec.Limits{}, f); !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), "gone") {
		t.Errorf("Compose of a rollout of a multi-variant flag: %v", err)
	}
}

func equalMeta(a, b *flagmeta.Schema) bool {
	if len(a.Flags) != len(b.Flags) {
		return false
	}
	for i := range a.Flags {
		if describe(a.Flags[i]) != describe(b.Flags[i]) {
			return false
		}
	}
	return true
}

func describe(f flagmeta.Flag) string {
	var b strings.Builder
	b.WriteString(f.Key)
	for _, p := range f.Rollout {
		b.WriteString(" " + p.Variant + ":" + spec.Percent(p.Upper).String())
	}
	for _, s := range f.Schedule {
		b.WriteString(" " + s.Start + ":" + spec.Percent(s.Percent).String())
	}
	if f.Killed {
		b.WriteString(" killed")
	}
	if f.Disabled {
		b.WriteString(" disabled")
	}
	return b.String()
}

func TestHeartbeatExpires(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if err := s.Heartbeat(ctx, Instance{ID: "a", Version: 1}, 150*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := s.Heartbeat(ctx, Instance{ID: "b", Version: 1}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Heartbeat(ctx, Instance{}, time.Minute); err == nil {
		t.Error("a heartbeat with no ID was accepted")
	}
	time.Sleep(300 * time.Millisecond)
	insts, err := s.Instances(ctx)
	if err != nil || len(insts) != 1 || insts[0].ID != "b" {
		t.Errorf("Instances after a's heartbeat expired: %+v, %v; want b only", insts, err)
	}
	other := New(s.rdb, "other")
	if insts, _ := other.Instances(ctx); len(insts) != 0 {
		t.Errorf("another namespace sees %+v", insts)
	}
}

// TestLargeDocument: a document let in by a push with larger limits can
// still be operated on by a store that has not parsed it yet.
func TestLargeDocument(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	doc := "#" + strings.Repeat("x", spec.DefaultMaxBytes) + "\n" + testDoc
	if _, err := s.Push(ctx, []byte(doc), PushOptions{By: "ci", Limits: spec.Limits{MaxBytes: 2 * spec.DefaultMaxBytes}}); err != nil {
		t.Fatal(err)
	}
	fresh := New(s.rdb, s.Namespace())
	if r, err := fresh.Kill(ctx, "search", "ana"); err != nil || r.Version != 3 {
		t.Errorf("Kill on a large document: %v, %v", r, err)
	}
}

// TestSchemaExpiry: a registered schema expires a day after the last
// heartbeat that names it; each heartbeat puts that off again.
func TestSchemaExpiry(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	hash := registerTestSchema(t, s)
	key := s.key("schema:" + hash)
	if ttl := s.rdb.TTL(ctx, key).Val(); ttl <= 23*time.Hour || ttl > schemaTTL {
		t.Fatalf("schema TTL after registering: %v, want about a day", ttl)
	}
	if err := s.rdb.Expire(ctx, key, time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Heartbeat(ctx, Instance{ID: "web-1", Schema: hash}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if ttl := s.rdb.TTL(ctx, key).Val(); ttl <= 23*time.Hour {
		t.Errorf("schema TTL after a heartbeat naming it: %v, want a day again", ttl)
	}
}

// TestPushReplacesBrokenDocument: a document in the store that no longer
// composes (one an older flaggen accepted and this one refuses, or a doc
// field that does not match its hash) refuses every operation, saying to
// push a corrected flags.toml, and a push of a good document replaces
// it.
func TestPushReplacesBrokenDocument(t *testing.T) {
	refused := testDoc + "\n[flags.old]\ndescription = \"x\"\nowner = \"x\"\nexpires = 2030-01-01\nroll = 5\n"
	cases := []struct {
		name         string
		doc, dochash string
	}{
		{"no longer validates", refused, docHash([]byte(refused))},
		{"doc does not match its hash", "[flags.x\n", docHash([]byte(testDoc))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, rdb := openTestRedis(t)
			ctx := context.Background()
			if err := rdb.HSet(ctx, s.key("state"), "doc", c.doc, "dochash", c.dochash).Err(); err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			s.base, s.parsed = nil, nil // another process wrote the state
			s.mu.Unlock()
			_, err := s.Kill(ctx, "search", "ana")
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "push a corrected flags.toml") {
				t.Errorf("kill on a broken document: got %v, want ErrInvalid saying to push a corrected flags.toml", err)
			}
			r, err := s.Push(ctx, []byte(testDoc), PushOptions{By: "ci"})
			if err != nil {
				t.Fatalf("push over a broken document: %v; want it to replace it", err)
			}
			if r.NoChange() || !strings.Contains(r.Before, "did not compose") {
				t.Errorf("push over a broken document: got %s, want a write saying the document before did not compose", r)
			}
			if fl := mustFlag(t, s, "search"); fl.Killed {
				t.Errorf("search killed after the push; the kill was refused")
			}
			if _, err := s.Kill(ctx, "search", "ana"); err != nil {
				t.Errorf("kill after the push: %v", err)
			}
		})
	}
}

// TestStoreLosesWrites: a Redis that fails over to a replica that had
// not yet received the last writes (or restarts from an older snapshot)
// goes back to an earlier state of the same document, with fewer
// operations. A writer that composed the later state before sees the
// operation gone (a kill is written again, not "no change"), and so does
// an instance following the store (it serves the flag unkilled, as the
// store says).
func TestStoreLosesWrites(t *testing.T) {
	s, rdb := openTestRedis(t)
	ctx := context.Background()

	set := newTestSet(t, testDoc)
	src := &Source{Store: New(rdb, s.Namespace()), Resync: 10 * time.Millisecond}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	feed := live.Run(fctx, set, src, live.Options{Logger: slog.New(slog.DiscardHandler)})

	if _, err := s.Kill(ctx, "search", "ana"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the kill served", func() bool { return feed.Status().Version == "2" && killed(set, "search") })

	// The writes after version 1 are lost: version 1 is back.
	if err := rdb.HSet(ctx, s.key("state"), "version", 1, "ops", "{}").Err(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the instance serving search unkilled, as the store says", func() bool { return !killed(set, "search") })

	r, err := s.Kill(ctx, "search", "ana")
	if err != nil {
		t.Fatal(err)
	}
	if r.NoChange() || r.Version != 2 {
		t.Errorf("kill after the lost writes: %s; want it written as version 2", r)
	}
	if fl := mustFlag(t, s, "search"); !fl.Killed {
		t.Error("search is not killed in the store after the kill")
	}
}

func newTestSet(t *testing.T, doc string) *runtime.Set {
	t.Helper()
	f, err := spec.Parse("flags.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return flagimpl.New[struct{}](f.Meta()).Set()
}

func killed(set *runtime.Set, key string) bool {
	m, ok := set.Snapshot().Flag(key)
	return ok && m.Killed
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 5s: still not %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPushConflict: a push that loses every race says so in words:
// "push: the store changed while writing", with no empty flag in it.
func TestPushConflict(t *testing.T) {
	s, rdb := openTestRedis(t)
	ctx := context.Background()
	_, err := s.commit(ctx, false, func(st State) (*plan, error) {
		// Another writer wins each race.
		if err := rdb.HIncrBy(ctx, s.key("state"), "version", 1).Err(); err != nil {
			return nil, err
		}
		return &plan{next: st, res: Result{Action: "push", By: "ci"}}, nil
	})
	if !errors.Is(err, ErrConflict) || !strings.HasPrefix(err.Error(), "push: ") {
		t.Errorf("push losing every race: %v; want ErrConflict beginning \"push: \"", err)
	}
}
