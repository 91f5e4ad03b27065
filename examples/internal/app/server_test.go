package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
)

// logTo returns a logger that writes text lines to buf.
func logTo(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want Config
	}{
		{nil, Config{Addr: ":8080"}},
		{map[string]string{"PORT": "9090", "FLAGGEN_SECRET": "s3cret", "FLAGGEN_DEV_HEADER": "1"},
			Config{Addr: ":9090", Secret: []byte("s3cret"), DevHeader: true}},
		{map[string]string{"PORT": "9090", "FLAGGEN_SECRET": "s3cret"},
			Config{Addr: ":9090", Secret: []byte("s3cret")}},
		{map[string]string{"FLAGGEN_DEV_HEADER": "1"}, Config{Addr: ":8080", DevHeader: true}},
		{map[string]string{"FLAGGEN_DEV_HEADER": "0"}, Config{Addr: ":8080"}},
		{map[string]string{"FLAGGEN_DEV_HEADER": ""}, Config{Addr: ":8080"}},
		{map[string]string{"FLAGGEN_FILE": "/etc/app/flags.toml"}, Config{Addr: ":8080", File: "/etc/app/flags.toml"}},
		{map[string]string{"FLAGGEN_DEMO_USER": "ana:developers,operators"}, Config{Addr: ":8080", DemoUser: "ana:developers,operators"}},
		{map[string]string{"FLAGGEN_REDIS": "redis://r:6379/0", "FLAGGEN_NAMESPACE": "shop:prod"},
			Config{Addr: ":8080", Redis: "redis://r:6379/0", Namespace: "shop:prod"}},
	}
	for _, tt := range tests {
		got, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
		if err != nil {
			t.Errorf("env %v: got error %v, want none", tt.env, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("env %v: got %+v, want %+v", tt.env, got, tt.want)
		}
	}
}

func TestConfigFromEnvBadDevHeader(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"true", "yes", "on", "2", " 1", "1 "} {
		env := map[string]string{"PORT": "9090", "FLAGGEN_DEV_HEADER": v}
		_, err := ConfigFromEnv(func(k string) string { return env[k] })
		if err == nil {
			t.Errorf("FLAGGEN_DEV_HEADER=%q: got no error, want one", v)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "FLAGGEN_DEV_HEADER") || !strings.Contains(msg, `"`+v+`"`) {
			t.Errorf("FLAGGEN_DEV_HEADER=%q: got error %q, want it to name the variable and the value", v, msg)
		}
	}
}

func TestSigningSecret(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	a, b := signingSecret(nil, logTo(&logs)), signingSecret([]byte{}, logTo(&logs))
	if len(a) != 32 || len(b) != 32 || bytes.Equal(a, b) {
		t.Errorf("no secret: got %x and %x, want two different random 32-byte secrets", a, b)
	}
	if n := strings.Count(logs.String(), "FLAGGEN_SECRET is not set"); n != 2 {
		t.Errorf("no secret: logged %q, want the random-secret notice twice", logs.String())
	}

	tests := []struct {
		secret   string
		wantWarn bool
	}{
		{"s3cret", true},
		{strings.Repeat("x", 31), true},
		{strings.Repeat("x", 32), false},
		{strings.Repeat("x", 64), false},
	}
	for _, tt := range tests {
		logs.Reset()
		if got := signingSecret([]byte(tt.secret), logTo(&logs)); string(got) != tt.secret {
			t.Errorf("secret %q: got %q, want it unchanged", tt.secret, got)
		}
		if got := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "shorter than 32 bytes"); got != tt.wantWarn {
			t.Errorf("secret of %d bytes: logged %q, want the short-secret warning %v", len(tt.secret), logs.String(), tt.wantWarn)
		}
	}
}

func TestNewServerWarnsOfTheDevHeader(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		var logs bytes.Buffer
		NewServer(Config{Secret: []byte(strings.Repeat("x", 32)), DevHeader: on, Log: logTo(&logs)})
		if got := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "X-Flaggen-Override"); got != on {
			t.Errorf("DevHeader=%v: logged %q, want the dev-header warning %v", on, logs.String(), on)
		}
	}
}

func TestMayOverride(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header http.Header
		want   bool
	}{
		{nil, false},
		{http.Header{"X-User-Id": {"1"}}, false},
		{http.Header{"X-User-Id": {"1"}, "X-User-Groups": {"beta, staff"}}, false},
		{http.Header{"X-User-Groups": {"Developers"}}, false},
		{http.Header{"X-User-Groups": {"developer"}}, false},
		{http.Header{"X-User-Groups": {"developers"}}, true},
		{http.Header{"X-User-Groups": {"employees"}}, true},
		{http.Header{"X-User-Id": {"4"}, "X-User-Groups": {"beta, employees"}}, true},
		{http.Header{"X-User-Groups": {"beta", "developers"}}, true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/_flags/", nil)
		r.Header = tt.header
		if r.Header == nil {
			r.Header = http.Header{}
		}
		if got := mayOverride(r); got != tt.want {
			t.Errorf("headers %v: got %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestMayOperate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header http.Header
		who    string
		ok     bool
	}{
		{nil, "", false},
		{http.Header{"X-User-Id": {"1"}, "X-User-Groups": {"developers"}}, "", false},
		{http.Header{"X-User-Groups": {"Operators"}}, "", false},
		{http.Header{"X-User-Groups": {"operators"}}, "anonymous", true},
		{http.Header{"X-User-Id": {"ana"}, "X-User-Groups": {"developers, operators"}}, "ana", true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/_dashboard/op", nil)
		r.Header = tt.header
		if r.Header == nil {
			r.Header = http.Header{}
		}
		if who, ok := mayOperate(r); who != tt.who || ok != tt.ok {
			t.Errorf("headers %v: got %q, %v; want %q, %v", tt.header, who, ok, tt.who, tt.ok)
		}
	}
}

// TestServe serves a request, then shuts down gracefully when the context
// is canceled, letting a request in flight finish.
func TestServe(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
		}
		io.WriteString(w, "ok")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, h, logTo(&logs)) }()

	url := "http://" + ln.Addr().String()
	get := func(path string) (string, error) {
		resp, err := http.Get(url + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	if body, err := get("/"); err != nil || body != "ok" {
		t.Fatalf("GET /: got %q, %v; want ok", body, err)
	}

	slow := make(chan string, 1)
	go func() {
		body, err := get("/slow")
		if err != nil {
			body = err.Error()
		}
		slow <- body
	}()
	<-started
	cancel()
	select {
	case err := <-done:
		t.Fatalf("serve returned %v with a request in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if body := <-slow; body != "ok" {
		t.Errorf("GET /slow during shutdown: got %q, want ok", body)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: got %v, want nil after a graceful shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after shutdown")
	}
	for _, want := range []string{"listening url=http://" + ln.Addr().String() + "/", "shutting down"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("serve logged %q, want %q", logs.String(), want)
		}
	}
	if _, err := get("/"); err == nil {
		t.Error("GET / after shutdown: got an answer, want an error")
	}
}

func TestRunListenError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := Config{Addr: ln.Addr().String(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := Run(context.Background(), cfg, http.NotFoundHandler()); err == nil {
		t.Errorf("Run on %s, already in use: got no error, want one", cfg.Addr)
	}
}

func TestDisplayAddr(t *testing.T) {
	t.Parallel()
	tests := []struct{ addr, want string }{
		{"[::]:8080", "localhost:8080"},
		{"0.0.0.0:8080", "localhost:8080"},
		{"127.0.0.1:9090", "127.0.0.1:9090"},
		{"[::1]:9090", "[::1]:9090"},
	}
	for _, tt := range tests {
		a, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := displayAddr(a); got != tt.want {
			t.Errorf("displayAddr(%s): got %s, want %s", tt.addr, got, tt.want)
		}
	}
}

// TestWatch: with a watched file, an edit turns holiday on for the next
// request, a bad edit changes nothing and shows in /healthz/flags, and
// fixing it is taken. It changes flags.Set, so it does not run in
// parallel, and puts the compiled-in flags back.
func TestWatch(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "flags.toml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "flags.toml")
	write := func(content string) {
		t.Helper()
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	write(string(src))

	s, logs, ctx := liveServer(t)
	s.Watch(ctx, path)
	h := s.Evaluators.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, Today(r.Context())["holiday"])
	}))
	holiday := func() string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		return rec.Body.String()
	}
	health := func() (int, string) {
		rec := httptest.NewRecorder()
		s.Health().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz/flags", nil))
		return rec.Code, rec.Body.String()
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		waitFor(t, what, logs, cond)
	}
	eventually("the file in force", func() bool { code, body := health(); return code == 200 && strings.Contains(body, `"ready"`) })
	if got := holiday(); got != "false" {
		t.Fatalf("holiday = %s before the edit, want false", got)
	}

	on := strings.Replace(string(src), "rollout = 0\n", "rollout = 100\n", 1)
	if on == string(src) {
		t.Fatal("flags.toml has no holiday rollout = 0 to edit")
	}
	write(on)
	eventually("holiday on", func() bool { return holiday() == "true" })
	if !strings.Contains(logs.String(), "flag=holiday") {
		t.Errorf("the change is not logged:\n%s", logs.String())
	}

	write(on + "rollout = nope\n")
	eventually("the bad edit reported", func() bool { code, _ := health(); return code == http.StatusServiceUnavailable })
	if _, body := health(); !strings.Contains(body, `"failing"`) || !strings.Contains(body, "flags.toml:") {
		t.Errorf("health %s, want failing with the error's position", body)
	}
	if got := holiday(); got != "true" {
		t.Errorf("holiday = %s after a bad edit, want the flags in force (true)", got)
	}

	write(string(src))
	eventually("holiday off again", func() bool { return holiday() == "false" })
	if code, _ := health(); code != http.StatusOK {
		t.Errorf("health %d after the fix, want 200", code)
	}
}

// liveServer returns a server that logs to logs, for a test of a live
// source, and a context that ends with the test; flags.Set gets its
// compiled-in flags back then.
func liveServer(t *testing.T) (*Server, *syncBuffer, context.Context) {
	t.Helper()
	logs := new(syncBuffer)
	s := NewServer(Config{Secret: []byte(strings.Repeat("x", 32)), Log: slog.New(slog.NewTextHandler(logs, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		flags.Set.Store(flags.Set.Embedded())
	})
	return s, logs, ctx
}

// waitFor waits up to 10 seconds for cond, and fails the test with the
// server's logs if it does not come.
func waitFor(t *testing.T, what string, logs *syncBuffer, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; log:\n%s", what, logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestConfigFromEnvBadDemoUser(t *testing.T) {
	t.Parallel()
	_, err := ConfigFromEnv(func(k string) string {
		if k == "FLAGGEN_DEMO_USER" {
			return "developers"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "ID:group,group") {
		t.Errorf("got %v, want an error saying how to write FLAGGEN_DEMO_USER", err)
	}
}

// TestDemoProxy: a request without identity headers gets the demo user's,
// so that a local browser can open the dashboard; one with its own keeps
// them.
func TestDemoProxy(t *testing.T) {
	t.Parallel()
	s := NewServer(Config{Secret: []byte(strings.Repeat("x", 32)), Log: slog.New(slog.DiscardHandler)})
	h := DemoProxy(http.StripPrefix("/_dashboard", s.Dashboard()), "ana:developers")
	get := func(groups string) int {
		req := httptest.NewRequest(http.MethodGet, "/_dashboard/", nil)
		if groups != "" {
			req.Header.Set("X-User-Groups", groups)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := get(""); code != http.StatusOK {
		t.Errorf("no headers: %d, want 200 as the demo user, a developer", code)
	}
	if code := get("beta"); code != http.StatusForbidden {
		t.Errorf("X-User-Groups: beta: %d, want 403 (the request's own groups)", code)
	}
}
