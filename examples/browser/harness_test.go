package browser

import (
	"bytes"
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"
)

// chromium is Debian's Chromium, the only browser these tests run: they
// never download one.
const chromium = "/usr/bin/chromium"

// tabTimeout bounds everything one test does in its tab.
const tabTimeout = 30 * time.Second

// browser is the one Chromium process the package's tests share, started
// by the first test that needs it and stopped by TestMain. Each test gets
// a browser context of its own (cookies included), as a separate
// incognito window would.
var browser struct {
	once   sync.Once
	ctx    context.Context // the browser's, for new tabs; nil until once ran
	cancel context.CancelFunc
	out    syncBuffer // what Chromium printed
	err    error      // why it did not start
}

func TestMain(m *testing.M) {
	if os.Getenv(instanceRedis) != "" {
		os.Exit(serveInstance()) // startProcess's second instance
	}
	// go-redis logs each failed dial itself: the instances' feeds are
	// still stopping when a test's redis-server stops.
	redis.SetLogger(discardLogger{})
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

// allocatorOptions run Debian's Chromium headless, as root (no sandbox),
// with nothing that reaches out to the network on its own.
func allocatorOptions() []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-pings", true),
		chromedp.CombinedOutput(&browser.out),
	)
}

// startBrowser starts the shared browser once.
func startBrowser() error {
	browser.once.Do(func() {
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocatorOptions()...)
		ctx, cancel := chromedp.NewContext(alloc)
		browser.cancel = func() { cancel(); cancelAlloc() }
		if err := chromedp.Do(ctx); err != nil {
			browser.err = err
			return
		}
		browser.ctx = ctx
	})
	return browser.err
}

// needChromium skips the test without Debian's Chromium, or fails it
// under CI=true, where .ci/run installs it.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing, and CI=true: install Debian's chromium (apt-get install chromium)", chromium)
		}
		t.Skipf("%s is missing: install Debian's chromium (apt-get install chromium) to run the browser tests", chromium)
	}
}

// newTab opens a tab in a browser context of its own and returns its
// context, which ends with the test or after tabTimeout. It answers OK
// to the page's confirm() dialogs, as a user would. Every request
// the tab sends carries headers, as an authenticating proxy in front of
// the app would add them (X-User-Groups and X-User-ID).
func newTab(t *testing.T, headers map[string]string) context.Context {
	t.Helper()
	needChromium(t)
	if err := startBrowser(); err != nil {
		t.Fatalf("starting %s: %v\n%s", chromium, err, browser.out.String())
	}
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, tabTimeout)
	t.Cleanup(cancelTimeout)
	// The user answers OK to every confirm() the page asks.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	if len(headers) > 0 {
		h := network.Headers{}
		for k, v := range headers {
			h[k] = v
		}
		if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h}); err != nil {
			t.Fatalf("setting the tab's headers: %v", err)
		}
	}
	return ctx
}

// run runs actions in the tab, failing the test with what failed.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: timed out after %v", what, tabTimeout)
		}
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](t *testing.T, ctx context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex // guards b
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
