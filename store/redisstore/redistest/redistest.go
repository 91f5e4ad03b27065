// Package redistest is a helper for tests that need a real redis-server:
// [Start] starts one of the test's own on a free port, which the test can
// stop and restart — the real thing, not a mock. Without redis-server on
// PATH it skips the test, unless CI=true: then the test fails. It serves
// this module's tests and those of modules that use the store, such as
// the examples.
//
// # Use
//
//	srv := redistest.Start(t)
//	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
//
// Extra arguments go to redis-server as they are, e.g. ACL users:
//
//	srv := redistest.Start(t, "--user", "reader", "on", ">pw", "~*", "&*", "+@read", "-@write")
//
// # Outages
//
// [Server.Stop] shuts the server down with SIGTERM, which it answers by
// saving (--shutdown-on-sigterm save, whatever its ACL users): it writes
// its data to dump.rdb in its own temporary directory, although the server
// runs with no automatic persistence (an empty --save, and --appendonly no).
// [Server.Restart] starts it again on the same port and directory, so it
// comes back with the data it had when it stopped: an outage, not a
// wipe. [Server.Kill] stops it without saving (SIGKILL): the next
// Restart comes back with what the last Stop saved, or empty.
//
// # Without redis-server
//
// When redis-server is not on PATH, Start skips the test with a message,
// unless the environment has CI=true: then the test fails.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A Server is a redis-server process of a test's own. Its methods are
// safe for concurrent use.
type Server struct {
	tb   testing.TB
	bin  string
	dir  string
	port int
	args []string

	mu     sync.Mutex    // guards cmd, exited, out
	cmd    *exec.Cmd     // nil while stopped
	exited chan struct{} // closed when cmd has exited
	out    *output       // what cmd printed
}

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 10 * time.Second

// Start starts a redis-server on a free port of 127.0.0.1, with no
// persistence, in a temporary directory, with args appended to its
// command line; waits until it answers PING; and stops it when the test
// ends.
func Start(tb testing.TB, args ...string) *Server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("redis-server is not on PATH, and CI=true: install it (apt-get install redis-server)")
		}
		tb.Skipf("redis-server is not on PATH: install it (apt-get install redis-server) to run this test")
	}
	s := &Server{tb: tb, bin: bin, dir: tb.TempDir(), args: args}
	var last error
	for range 5 { // a free port may be taken before the server binds it
		s.port, err = freePort()
		if err != nil {
			tb.Fatalf("redistest: finding a free port: %v", err)
		}
		if last = s.start(); last == nil {
			tb.Cleanup(s.Kill)
			return s
		}
	}
	tb.Fatalf("redistest: %v", last)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs the process and waits for PING.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	argv := append([]string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--dbfilename", "dump.rdb",
		"--daemonize", "no",
		"--shutdown-on-sigterm", "save",
	}, s.args...)
	cmd := exec.Command(s.bin, argv...)
	out := new(output)
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting redis-server: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(startTimeout)
	for {
		if err := ping(s.Addr()); err == nil {
			break
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on port %d exited: %s", s.port, out.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on port %d did not answer PING within %v: %s", s.port, startTimeout, out.String())
		}
	}
	s.cmd, s.out = cmd, out
	s.exited = exited
	return nil
}

// ping sends an inline PING and reads one reply line: any reply,
// NOAUTH included, means the server is up.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if len(line) == 0 || (line[0] != '+' && line[0] != '-') {
		return fmt.Errorf("unexpected reply %q", line)
	}
	if strings.HasPrefix(line, "-LOADING") {
		return errors.New("loading")
	}
	return nil
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL returns the server's redis:// URL, with no user.
func (s *Server) URL() string { return "redis://" + s.Addr() }

// Dir returns the server's directory, where Stop saves dump.rdb.
func (s *Server) Dir() string { return s.dir }

// Stop shuts the server down, saving its data for [Server.Restart]. A
// stopped server refuses connections. Stopping a stopped server does
// nothing.
func (s *Server) Stop() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.tb.Errorf("redistest: stopping redis-server: %v; killing it", err)
		s.cmd.Process.Kill()
	}
	select {
	case <-s.exited:
	case <-time.After(startTimeout):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// Kill stops the server at once, without saving (SIGKILL): a crash.
// Killing a stopped server does nothing. Start registers it as the
// test's cleanup.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart starts the server again on the same port and directory,
// stopping it first (with Stop, saving) if it runs; it comes back with
// the data the last Stop saved.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	var err error
	for range 50 { // the port may linger briefly after the old process
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.tb.Fatalf("redistest: restarting: %v", err)
}

// Running reports whether the server runs.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// Output returns what the current (or last) process printed.
func (s *Server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil {
		return ""
	}
	return s.out.String()
}

// Ping reports whether the server answers; for tests that wait for it.
func (s *Server) Ping(ctx context.Context) error {
	for {
		err := ping(s.Addr())
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// output collects a process's output; safe for concurrent use.
type output struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
