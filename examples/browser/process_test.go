package browser

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The environment that makes the test binary serve one instance of the
// example instead of running tests (see TestMain).
const (
	instanceRedis = "FLAGGEN_BROWSER_INSTANCE_REDIS"
	instanceNS    = "FLAGGEN_BROWSER_INSTANCE_NAMESPACE"
)

// startProcess starts another instance of the example that joins fleet,
// in a process of its own, as a second machine of the fleet would run:
// its own flags, its own instance id. It is this test binary, run again
// by TestMain's instance mode; it stops when the test ends.
func startProcess(t *testing.T, fleet *fleet) *appServer {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), instanceRedis+"="+fleet.url, instanceNS+"="+fleet.ns)
	logs := new(syncBuffer)
	cmd.Stderr = logs
	stdin, err := cmd.StdinPipe() // closing it stops the instance
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	url := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		url <- strings.TrimSpace(line)
		io.Copy(io.Discard, stdout)
	}()
	var a *appServer
	select {
	case u := <-url:
		if !strings.HasPrefix(u, "http://") {
			t.Fatalf("the instance process said %q, not its URL; log:\n%s", u, logs.String())
		}
		a = &appServer{URL: u, logs: logs}
	case <-time.After(10 * time.Second):
		t.Fatalf("the instance process did not start; log:\n%s", logs.String())
	}
	a.waitReady(t)
	return a
}

// serveInstance is the test binary's instance mode: it serves one
// instance of the example that joins the fleet the environment names,
// prints its URL on stdout, and stops when stdin closes.
func serveInstance() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, err := newInstance(ctx, log, os.Getenv(instanceRedis), os.Getenv(instanceNS))
	if err != nil {
		log.Error("instance", "err", err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Error("instance", "err", err)
		return 1
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	fmt.Printf("http://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin) // until the test closes stdin
	srv.Close()
	return 0
}
