package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/spec"
	"github.com/flaggen/flaggen/store/redisstore"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// repoFlags is the repository's own flags.toml.
var repoFlags = filepath.Join("..", "..", "..", "..", "flags.toml")

// fleetEnv is the environment of a command against srv, by ana.
func fleetEnv(srv *redistest.Server) map[string]string {
	return map[string]string{"FLAGGEN_REDIS": srv.URL(), "FLAGGEN_NAMESPACE": "shop:test", "USER": "ana"}
}

// mustRun runs args and fails the test unless they exit with want.
func mustRun(t *testing.T, env map[string]string, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := runCmd(t, env, args...)
	if code != want {
		t.Fatalf("flaggen %q: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, code, want, stdout, stderr)
	}
	return stdout, stderr
}

// TestFleet operates a store from the command line, as an operator
// would: push, operations, status, history and stale.
func TestFleet(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	env := fleetEnv(srv)

	out, _ := mustRun(t, env, exitOK, "status")
	if !strings.Contains(out, "nothing pushed yet") || !strings.Contains(out, "no instance running") {
		t.Errorf("status of an empty store: got %q, want nothing pushed yet and no instance", out)
	}
	_, errOut := mustRun(t, env, exitFail, "kill", "search")
	if !strings.Contains(errOut, "push a flags.toml first") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("kill before a push: got %q, want one line that says to push first", errOut)
	}

	out, _ = mustRun(t, env, exitOK, "push", "-dry-run", repoFlags)
	if !strings.HasPrefix(out, "dry run") {
		t.Errorf("push -dry-run: got %q, want it to say it wrote nothing", out)
	}
	if st := get(t, srv); st.Version != 0 {
		t.Errorf("after push -dry-run: store at v%d, want v0", st.Version)
	}
	out, _ = mustRun(t, env, exitOK, "push", repoFlags)
	if first, _, _ := strings.Cut(out, "\n"); !strings.Contains(first, "push") {
		t.Errorf("push: got %q, want a first line that says it pushed", out)
	}

	for _, args := range [][]string{
		{"kill", "search"},
		{"rollout", "holiday", "12.5%"},
		{"split", "my_new_feature", "VISIBLE=10,NOT_VISIBLE=90"},
		{"schedule", "new_checkout", "1%@now", "50%@+2h", "100%@+3d"},
		{"disable", "holiday"},
		{"enable", "holiday"},
	} {
		out, _ := mustRun(t, env, exitOK, args...)
		if strings.Count(out, "\n") != 1 || !strings.Contains(out, args[0]) || !strings.Contains(out, args[1]) || !strings.Contains(out, "ana") {
			t.Errorf("flaggen %q: printed %q, want one line naming the operation, the flag and who", args, out)
		}
	}
	st := get(t, srv)
	op := st.Ops["search"]
	if op.Killed == nil || !*op.Killed {
		t.Errorf("after kill search: ops %+v, want search killed", st.Ops)
	}
	if r := st.Ops["holiday"].Rollout; r == nil || *r != 1250 {
		t.Errorf("after rollout holiday 12.5%%: ops %+v, want rollout 1250", st.Ops)
	}
	if s := st.Ops["new_checkout"].Schedule; len(s) != 3 || s[2].Percent != 10000 {
		t.Errorf("after schedule: ops %+v, want three stages to 100%%", st.Ops)
	}

	out, _ = mustRun(t, env, exitOK, "-json", "unkill", "search")
	var r redisstore.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Action != "unkill" || r.Flag != "search" || r.Version != st.Version+1 {
		t.Errorf("unkill -json: got %q (%v), want the Result of v%d", out, err, st.Version+1)
	}

	out, _ = mustRun(t, env, exitOK, "status")
	if !strings.Contains(out, "v8") || !strings.Contains(out, "by ana") || !strings.Contains(out, "holiday") {
		t.Errorf("status: got %q, want v8 by ana and the operations in force", out)
	}

	out, _ = mustRun(t, env, exitOK, "history", "search")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 ||
		!strings.Contains(lines[0], "push") || !strings.Contains(lines[1], "kill search") || !strings.Contains(lines[2], "unkill search") {
		t.Errorf("history search: got\n%s\nwant the push, the kill and the unkill", out)
	}
	out, _ = mustRun(t, env, exitOK, "history", "-n", "2")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "v8") {
		t.Errorf("history -n 2: got\n%s\nwant v7 and v8", out)
	}
	out, _ = mustRun(t, env, exitOK, "history", "-json", "holiday")
	var entries []redisstore.Entry
	if err := json.Unmarshal([]byte(out), &entries); err != nil || len(entries) != 4 {
		t.Errorf("history -json holiday: got %q (%v), want the push and three operations", out, err)
	}

	out, _ = mustRun(t, env, exitOK, "stale", "-for", "30d")
	if !strings.Contains(out, "no flag") {
		t.Errorf("stale -for 30d: got %q, want no flag", out)
	}
	mustRun(t, env, exitOK, "kill", "search")
	time.Sleep(1100 * time.Millisecond)
	out, _ = mustRun(t, env, exitFail, "stale", "-for", "1s")
	if !strings.Contains(out, "search: has served control to everyone since") {
		t.Errorf("stale -for 1s after a kill: got %q, want search serving control", out)
	}

	_, errOut = mustRun(t, env, exitFail, "kill", "nope")
	if !strings.Contains(errOut, "unknown flag") || !strings.Contains(errOut, "search") {
		t.Errorf("kill nope: got %q, want unknown flag and what to do", errOut)
	}
	_, errOut = mustRun(t, env, exitFail, "split", "search", "control=50,variant_c=50")
	if !strings.Contains(errOut, "variant_c") {
		t.Errorf("split with an unknown variant: got %q, want it named", errOut)
	}
}

// get returns the state of the store the tests' commands use.
func get(t *testing.T, srv *redistest.Server) redisstore.State {
	t.Helper()
	s, err := redisstore.Open(t.Context(), srv.URL(), "shop:test")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestFleetPushInvalid: a document that does not validate is refused with
// every error at its position, and nothing is written.
func TestFleetPushInvalid(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	env := fleetEnv(srv)
	path := filepath.Join(t.TempDir(), "flags.toml")
	doc := "[flags.search]\ndescription = \"x\"\nowner = \"o\"\nexpires = 2030-01-01\nvariants = [\"a\", \"b\"]\ndefault = \"a\"\nsplit = { a = 50, b = 25 }\nrolout = 5\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut := mustRun(t, env, exitFail, "push", path)
	if !strings.Contains(errOut, path+":7:") || !strings.Contains(errOut, path+":8:") || !strings.Contains(errOut, "nothing was written") {
		t.Errorf("push of a bad file: got %q, want both errors at their positions and nothing written", errOut)
	}
	if st := get(t, srv); st.Version != 0 {
		t.Errorf("after a refused push: v%d, want v0", st.Version)
	}
	_, errOut = mustRun(t, env, exitFail, "push", filepath.Join(t.TempDir(), "missing.toml"))
	if !strings.Contains(errOut, "missing.toml") {
		t.Errorf("push of a missing file: got %q, want it named", errOut)
	}
}

// TestFleetBrokenStoreDocument: an operation on a store whose document
// no longer validates says to push a corrected flags.toml (fixing the
// operation's arguments would not help), and the push replaces it.
func TestFleetBrokenStoreDocument(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	env := fleetEnv(srv)
	mustRun(t, env, exitOK, "push", repoFlags)
	good, err := os.ReadFile(repoFlags)
	if err != nil {
		t.Fatal(err)
	}
	bad := string(good) + "\n[flags.zz_old]\ndescription = \"x\"\nowner = \"x\"\nexpires = 2030-01-01\nroll = 5\n"
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	sum := sha256.Sum256([]byte(bad))
	if err := rdb.HSet(t.Context(), "{shop:test}:state", "doc", bad, "dochash", hex.EncodeToString(sum[:])).Err(); err != nil {
		t.Fatal(err)
	}
	flag := lookupFirstFlag(t)
	_, errOut := mustRun(t, env, exitFail, "kill", flag)
	if !strings.Contains(errOut, "roll") || !strings.Contains(errOut, "push a corrected flags.toml") {
		t.Errorf("kill on a broken store document: got %q, want its problem and to push a corrected flags.toml", errOut)
	}
	mustRun(t, env, exitOK, "push", repoFlags)
	mustRun(t, env, exitOK, "kill", flag)
}

// lookupFirstFlag returns the key of the first flag of the repository's
// flags.toml.
func lookupFirstFlag(t *testing.T) string {
	t.Helper()
	f, err := spec.Load(repoFlags)
	if err != nil || len(f.Flags) == 0 {
		t.Fatalf("loading %s: %v", repoFlags, err)
	}
	return f.Flags[0].Key
}

// TestFleetPushNearest: push with no FILE pushes the nearest flags.toml.
func TestFleetPushNearest(t *testing.T) {
	srv := redistest.Start(t)
	env := fleetEnv(srv)
	doc, err := os.ReadFile(repoFlags)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "flags.toml"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	mustRun(t, env, exitOK, "push")
	if st := get(t, srv); st.Version != 1 || string(st.Doc) != string(doc) {
		t.Errorf("push from a subdirectory: v%d, want v1 with the flags.toml above", st.Version)
	}
	t.Chdir(t.TempDir())
	if _, errOut := mustRun(t, env, exitFail, "push"); !strings.Contains(errOut, "no flags.toml") {
		t.Errorf("push with no flags.toml around: got %q", errOut)
	}
}

// TestFleetConnection: a Redis that is not there, a wrong password and a
// read-only user each get one line that says what to do, and exit 1.
func TestFleetConnection(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t,
		"--user", "default", "on", ">s3cret", "~*", "&*", "+@all",
		"--user", "reader", "on", ">pw", "~*", "&*", "+@read", "+@connection", "+subscribe", "-@write")
	good := srv.URL()
	host := strings.TrimPrefix(good, "redis://")
	mustRun(t, map[string]string{"FLAGGEN_REDIS": "redis://:s3cret@" + host}, exitOK, "push", repoFlags)

	stopped := redistest.Start(t)
	down := stopped.URL()
	stopped.Kill()
	tests := []struct {
		url, want string
	}{
		{"redis://:wrong@" + host, "check the user and password"},
		{"redis://reader:pw@" + host, "permission denied"},
		{down, "127.0.0.1"},
		{"http://" + host, "redis://"},
	}
	for _, tt := range tests {
		_, errOut := mustRun(t, map[string]string{"FLAGGEN_REDIS": tt.url}, exitFail, "kill", "search")
		if !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "s3cret") {
			t.Errorf("kill with %s: got %q, want one line saying %q, without the password", tt.url, errOut, tt.want)
		}
	}
	out, _ := mustRun(t, map[string]string{"FLAGGEN_REDIS": "redis://reader:pw@" + host}, exitOK, "history", "-redis", "redis://reader:pw@"+host)
	if !strings.Contains(out, "push") {
		t.Errorf("history as the read-only user: got %q, want the push", out)
	}
}

// TestFleetStatus: status lists each instance's heartbeat, and marks the
// one that serves another version than the store's.
func TestFleetStatus(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	env := fleetEnv(srv)
	mustRun(t, env, exitOK, "push", repoFlags)
	mustRun(t, env, exitOK, "kill", "search")
	s, err := redisstore.Open(t.Context(), srv.URL(), "shop:test")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	since := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, in := range []redisstore.Instance{
		{ID: "web-1", Version: 2, Since: since, State: "ready"},
		{ID: "web-2", Version: 1, Since: since, State: "stale", Err: "cannot reach Redis"},
	} {
		if err := s.Heartbeat(t.Context(), in, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := mustRun(t, env, exitOK, "status")
	for _, want := range []string{
		"namespace shop:test: v2, updated ",
		"operations: search killed\n",
		"2 instance(s), 1 not serving v2:\n",
		"web-1     v2         2026-11-30T09:00:00Z  ready\n",
		"web-2     v1 (skew)  2026-11-30T09:00:00Z  stale: cannot reach Redis\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status: got\n%s\nwant it to contain %q", out, want)
		}
	}
	out, _ = mustRun(t, env, exitOK, "status", "-json")
	var st struct {
		Version   int64
		Instances []struct {
			ID   string
			Skew bool
		}
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Version != 2 || len(st.Instances) != 2 ||
		st.Instances[0].Skew == st.Instances[1].Skew {
		t.Errorf("status -json: got %s (%v), want v2 and one instance with skew", out, err)
	}
}
