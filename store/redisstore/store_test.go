package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/spec"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// testDoc declares a boolean flag, a multi-variant one, and one that is
// settled at 100%.
const testDoc = `
[flags.search]
description = "Search ranking."
owner = "ana"
expires = 2030-01-01
variants = ["control", "a", "b"]
default = "control"
split = { control = 50, a = 25, b = 25 }

[flags.checkout]
description = "New checkout."
owner = "payments"
expires = 2030-01-01
rollout = 10

[flags.banner]
description = "Holiday banner."
owner = "web"
expires = 2030-01-01
rollout = 100
`

// openTest starts a redis-server and opens a store on it, with a first
// push of testDoc.
func openTest(t *testing.T, args ...string) (*Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t, args...)
	s, err := Open(context.Background(), srv.URL(), "test:"+t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Push(context.Background(), []byte(testDoc), PushOptions{By: "ci"}); err != nil {
		t.Fatal(err)
	}
	return s, srv
}

// openTestRedis is openTest, with a client of its own to the same
// redis-server, for writing to the store behind the Store's back.
func openTestRedis(t *testing.T) (*Store, *redis.Client) {
	t.Helper()
	s, srv := openTest(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return s, rdb
}

func mustFlag(t *testing.T, s *Store, key string) *spec.Flag {
	t.Helper()
	st, err := s.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f, err := Compose(st, spec.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fl := f.Flag(key)
	if fl == nil {
		t.Fatalf("flag %q missing from the composed document", key)
	}
	return fl
}

func TestWritesAndAudit(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		do   func() (Result, error)
		line string
	}{
		{func() (Result, error) { return s.Kill(ctx, "search", "ana") }, "v2: kill search by ana (killed false → true)"},
		{func() (Result, error) { return s.Kill(ctx, "search", "ana") }, "v2: kill search by ana: no change (killed already true)"},
		{func() (Result, error) { return s.Unkill(ctx, "search", "bo") }, "v3: unkill search by bo (killed true → false)"},
		{func() (Result, error) { return s.Disable(ctx, "checkout", "ana") }, "v4: disable checkout by ana (enabled true → false)"},
		{func() (Result, error) { return s.Enable(ctx, "checkout", "ana") }, "v5: enable checkout by ana (enabled false → true)"},
		{func() (Result, error) { return s.Rollout(ctx, "checkout", 2550, "ana") }, "v6: rollout checkout by ana (rollout 10% → rollout 25.5%)"},
		{func() (Result, error) {
			return s.Schedule(ctx, "checkout", []Stage{{t0, 100}, {t0.Add(time.Hour), 10000}}, "ana")
		}, "v7: schedule checkout by ana (rollout 25.5% → schedule 1% from 2030-01-02T09:00Z, 100% from 2030-01-02T10:00Z)"},
		{func() (Result, error) { return s.Rollout(ctx, "checkout", 5000, "ana") }, "v8: rollout checkout by ana (schedule 1% from 2030-01-02T09:00Z, 100% from 2030-01-02T10:00Z → rollout 50%)"},
		{func() (Result, error) {
			return s.Split(ctx, "search", map[string]int{"control": 1000, "b": 9000}, "ana")
		}, "v9: split search by ana (split control 50%, a 25%, b 25% → split control 10%, b 90%)"},
	}
	for _, step := range steps {
		r, err := step.do()
		if err != nil {
			t.Fatalf("%s: %v", step.line, err)
		}
		if got := r.String(); got != step.line {
			t.Errorf("got  %s\nwant %s", got, step.line)
		}
	}
	if fl := mustFlag(t, s, "checkout"); describeDist(fl) != "rollout 50%" || !fl.Enabled || len(fl.Schedule) != 0 {
		t.Errorf("checkout composed: %s, enabled %v, %d stages; want rollout 50%%, enabled, no schedule", describeDist(fl), fl.Enabled, len(fl.Schedule))
	}
	if fl := mustFlag(t, s, "search"); describeDist(fl) != "split control 10%, b 90%" || fl.Killed {
		t.Errorf("search composed: %s, killed %v", describeDist(fl), fl.Killed)
	}

	all, err := s.History(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 9 {
		t.Fatalf("history has %d entries, want 9 (a push and 8 changes; the no-op writes none)", len(all))
	}
	for i, e := range all {
		if e.Version != int64(i+1) {
			t.Errorf("entry %d has version %d", i, e.Version)
		}
		if e.Time.IsZero() || e.By == "" || e.Action == "" {
			t.Errorf("entry %d incomplete: %+v", i, e)
		}
	}
	if p := all[0]; p.Action != "push" || len(p.Changes) != 3 || p.Before != "none" {
		t.Errorf("first entry %+v; want a push of 3 added flags from none", p)
	}
	search, err := s.History(ctx, "search", 0)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range search {
		acts = append(acts, e.Action)
	}
	if got := strings.Join(acts, " "); got != "push kill unkill split" {
		t.Errorf("history of search: %s; want push kill unkill split", got)
	}
	if len(search[0].Changes) != 1 || search[0].Changes[0].Key != "search" {
		t.Errorf("push entry in search's history has changes %v; want search's only", search[0].Changes)
	}
	last2, _ := s.History(ctx, "", 2)
	if len(last2) != 2 || last2[1].Version != 9 {
		t.Errorf("History limit 2: %+v", last2)
	}
	st, _ := s.Get(ctx)
	if st.Version != 9 || st.By != "ana" || st.Updated.IsZero() {
		t.Errorf("state v%d by %q at %v", st.Version, st.By, st.Updated)
	}
}

func TestWriteErrors(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	_, err := s.Kill(ctx, "serch", "ana")
	if !errors.Is(err, ErrUnknownFlag) || !strings.Contains(err.Error(), `did you mean "search"`) {
		t.Errorf("Kill(serch): %v; want ErrUnknownFlag suggesting search", err)
	}
	cases := []struct {
		name string
		do   func() (Result, error)
		want string
	}{
		{"rollout of variants", func() (Result, error) { return s.Rollout(ctx, "search", 10, "ana") }, "set a split"},
		{"split of boolean", func() (Result, error) { return s.Split(ctx, "checkout", map[string]int{"on": 10000}, "ana") }, "set a rollout"},
		{"split unknown variant", func() (Result, error) { return s.Split(ctx, "search", map[string]int{"c": 10000}, "ana") }, `no variant "c"`},
		{"split sum", func() (Result, error) { return s.Split(ctx, "search", map[string]int{"a": 5000}, "ana") }, "sum to 50%"},
		{"rollout range", func() (Result, error) { return s.Rollout(ctx, "checkout", 10001, "ana") }, "out of range"},
		{"schedule order", func() (Result, error) {
			now := time.Now()
			return s.Schedule(ctx, "checkout", []Stage{{now, 10}, {now, 20}}, "ana")
		}, "time order"},
	}
	for _, c := range cases {
		_, err := c.do()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want ErrInvalid saying %q", c.name, err, c.want)
		}
	}
	if st, _ := s.Get(ctx); st.Version != 1 {
		t.Errorf("version %d after refused writes, want 1", st.Version)
	}

	empty := New(s.rdb, "empty:"+t.Name())
	if _, err := empty.Kill(ctx, "search", "ana"); !errors.Is(err, ErrEmpty) {
		t.Errorf("Kill before a push: %v; want ErrEmpty", err)
	}
}

// TestRace has two writers (two connections) change one flag's rollout
// from many goroutines: every write lands, none is lost, and the audit
// log has each, in version order.
func TestRace(t *testing.T) {
	s, srv := openTest(t)
	ctx := context.Background()
	s2, err := Open(ctx, srv.URL(), s.Namespace())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	const perWriter = 50
	var wg sync.WaitGroup
	errs := make(chan error, 2*perWriter)
	for w, st := range []*Store{s, s2} {
		for g := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWriter / 5 {
					// Distinct percentages, so that no write is a no-op.
					pct := 1 + w*5000 + g*100 + i
					if _, err := st.Rollout(ctx, "checkout", pct, fmt.Sprintf("writer%d", w)); err != nil {
						errs <- err
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != 1+2*perWriter {
		t.Errorf("version %d, want %d", st.Version, 1+2*perWriter)
	}
	h, err := s.History(ctx, "checkout", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1+2*perWriter {
		t.Fatalf("history of checkout has %d entries, want %d", len(h), 1+2*perWriter)
	}
	for i := 1; i < len(h); i++ {
		if h[i].Version != h[i-1].Version+1 {
			t.Fatalf("entry %d is v%d after v%d", i, h[i].Version, h[i-1].Version)
		}
		if h[i].Before != h[i-1].After && i > 1 {
			t.Errorf("v%d starts from %q but v%d left %q: an update was lost", h[i].Version, h[i].Before, h[i-1].Version, h[i-1].After)
		}
	}
	if got, want := "rollout "+spec.Percent(*st.Ops["checkout"].Rollout).String(), h[len(h)-1].After; got != want {
		t.Errorf("state has %s, last entry %s", got, want)
	}
}

// TestConflict: under heavier contention a write may give up, but only
// with ErrConflict, and every write that succeeded is in the log.
func TestConflict(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for g := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				_, err := s.Rollout(ctx, "checkout", 1+g*10+i, "w")
				mu.Lock()
				if err == nil {
					ok++
				} else if !errors.Is(err, ErrConflict) {
					t.Error(err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st, _ := s.Get(ctx)
	h, _ := s.History(ctx, "", 0)
	if st.Version != int64(1+ok) || len(h) != 1+ok {
		t.Errorf("%d writes succeeded; version %d, %d entries", ok, st.Version, len(h))
	}
}

func TestOpenErrors(t *testing.T) {
	srv := redistest.Start(t,
		"--user", "default", "off",
		"--user", "admin", "on", ">secret", "~*", "&*", "+@all",
		"--user", "reader", "on", ">pw", "~*", "&*", "+@read", "+subscribe", "+ping", "-@write")
	ctx := context.Background()
	host := srv.Addr()

	_, err := Open(ctx, "redis://admin:wrong@"+host, "")
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "check the user and password in the URL") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong password: %v; want ErrAuth saying to check the URL, without the password", err)
	}
	_, err = Open(ctx, "redis://"+host, "")
	if !errors.Is(err, ErrAuth) {
		t.Errorf("no user: %v; want ErrAuth", err)
	}
	_, err = Open(ctx, "http://"+host, "")
	if err == nil || !strings.Contains(err.Error(), "redis://") {
		t.Errorf("malformed URL: %v", err)
	}

	admin, err := Open(ctx, "redis://admin:secret@"+host, "acl")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if got, want := admin.String(), "redis://admin@"+host+" namespace acl"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if _, err := admin.Push(ctx, []byte(testDoc), PushOptions{By: "ci"}); err != nil {
		t.Fatal(err)
	}
	reader, err := Open(ctx, "redis://reader:pw@"+host, "acl")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if st, err := reader.Get(ctx); err != nil || st.Version != 1 {
		t.Errorf("reader Get: v%d, %v", st.Version, err)
	}
	if h, err := reader.History(ctx, "", 0); err != nil || len(h) != 1 {
		t.Errorf("reader History: %d entries, %v", len(h), err)
	}
	if _, err := reader.Kill(ctx, "search", "mallory"); !errors.Is(err, ErrPermission) {
		t.Errorf("reader Kill: %v; want ErrPermission", err)
	}
	if st, _ := admin.Get(ctx); st.Version != 1 {
		t.Errorf("version %d after the reader's refused write", st.Version)
	}

	srv.Stop()
	_, err = Open(ctx, "redis://admin:secret@"+host, "")
	if err == nil || !strings.Contains(err.Error(), "cannot reach Redis at "+host) {
		t.Errorf("stopped server: %v; want cannot reach Redis at %s", err, host)
	}
}

func TestNewString(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", Username: "u", Password: "p"})
	defer rdb.Close()
	if got, want := New(rdb, "").String(), "redis://u@127.0.0.1:1/0 namespace flaggen"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestCorruptState: a state flaggen did not write is an error naming
// the key as Redis spells it, and what to do.
func TestCorruptState(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	for _, tc := range []struct{ field, value, want string }{
		{"version", "x", `has version "x", not a number`},
		{"ops", "{not json", "has ops that are not JSON"},
	} {
		if err := s.rdb.HSet(ctx, s.key("state"), "version", "1", tc.field, tc.value).Err(); err != nil {
			t.Fatal(err)
		}
		_, err := s.Get(ctx)
		if err == nil || !strings.Contains(err.Error(), s.key("state")+" "+tc.want) || !strings.Contains(err.Error(), "push again") {
			t.Errorf("Get of a state with %s %q: %v; want an error naming %s and saying what to do", tc.field, tc.value, err, s.key("state"))
		}
	}
}

// TestUnknownFlagHint: the closest keys come first, five at most, then
// how many more; the closest is suggested when it is a likely typo.
func TestUnknownFlagHint(t *testing.T) {
	t.Parallel()
	doc := &spec.File{}
	for _, k := range []string{"zeta", "search", "checkout", "banner", "holiday", "seerch_v2", "alpha"} {
		doc.Flags = append(doc.Flags, &spec.Flag{Key: k})
	}
	err := unknownFlag("serch", doc)
	want := `flag "serch": unknown flag: did you mean "search"? (the store's flags include search, seerch_v2, zeta, alpha, banner and 2 more)`
	if !errors.Is(err, ErrUnknownFlag) || err.Error() != want {
		t.Errorf("unknownFlag:\n got %v\nwant %s", err, want)
	}
	if err := unknownFlag("xyzzy_something", doc); strings.Contains(err.Error(), "did you mean") {
		t.Errorf("unknownFlag of a name close to nothing: %v; want no suggestion", err)
	}
}

// TestWriteNeedsWho: a write that names no one, or a name that could
// forge or hide lines where the audit log is printed (a newline, a
// terminal escape, a bidirectional override), is refused, and nothing is
// written: every entry of the log says who acted.
func TestWriteNeedsWho(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	bad := []string{"", "  ", "ana\nv9 2030-01-01T00:00:00Z bo kill search", "\x1b[2Kbo", "ana\u202ekcab", strings.Repeat("a", 201), "\xff"}
	for _, by := range bad {
		if _, err := s.Kill(ctx, "search", by); err == nil || !strings.Contains(err.Error(), "kill search") {
			t.Errorf("kill by %q: got %v, want an error naming the operation", by, err)
		}
		if _, err := s.Push(ctx, []byte(testDoc+"\n"), PushOptions{By: by}); err == nil {
			t.Errorf("push by %q: got no error", by)
		}
	}
	if st, _ := s.Get(ctx); st.Version != 1 {
		t.Errorf("store at v%d after refused writes, want v1", st.Version)
	}
	if _, err := s.Kill(ctx, "search", "Ana Lopes <ana@example.com>"); err != nil {
		t.Errorf("kill by a name with spaces: %v", err)
	}
}

// TestForeignHeartbeat: a heartbeat or schema flaggen did not write is
// an error naming the key as Redis spells it and saying what to do.
func TestForeignHeartbeat(t *testing.T) {
	s, rdb := openTestRedis(t)
	ctx := context.Background()
	key := s.key("instance:web-9")
	if err := rdb.Set(ctx, key, "up", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Instances(ctx); err == nil || !strings.Contains(err.Error(), "DEL "+key) {
		t.Errorf("Instances with a foreign heartbeat: %v; want an error saying to delete %s", err, key)
	}
	rdb.Del(ctx, key)
	if err := s.Heartbeat(ctx, Instance{ID: "web-1", Schema: "abc"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	schema := s.key("schema:abc")
	if err := rdb.Set(ctx, schema, "{", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Push(ctx, []byte(testDoc+"\n"), PushOptions{By: "ci"}); err == nil || !strings.Contains(err.Error(), "DEL "+schema) {
		t.Errorf("push with a foreign schema: %v; want an error saying to delete %s", err, schema)
	}
}
