package browser

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// maxShotHeight crops full-page screenshots, to keep the PNGs small.
const maxShotHeight = 1600

// TestScreenshots saves the dashboard as an operator sees it, at 1280 and
// at 400 pixels wide, in $FLAGGEN_SCREENSHOTS (relative to the
// repository's root; FLAGGEN_SCREENSHOTS=docs makes the README's
// pictures) or in a temporary directory; and checks that at 400 pixels
// the page needs no sideways scrolling. It follows a live store, so it
// does not run in parallel.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("FLAGGEN_SCREENSHOTS")
	switch {
	case dir == "":
		dir = t.TempDir()
	case !filepath.IsAbs(dir):
		dir = filepath.Join("..", "..", dir)
	}
	f := startFleet(t)
	a := startApp(t, f)
	// A fleet with some history, by operators: a kill (whose operations
	// and audit trail the pictures show open), and a rollout to 25.00%
	// (2500 hundredths).
	if _, err := f.store.Kill(f.ctx, "new_checkout", "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Rollout(f.ctx, "holiday", 2500, "ben"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the instance to serve the store's writes", a.logs, func() bool {
		return f.version(t) == 3 && containsVersion(a.health(), 3)
	})
	// Traffic, for the exposure bars: 400 users load the app's page.
	for i := range 400 {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/", nil)
		req.Header.Set("X-User-ID", strconv.Itoa(i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	ctx := newTab(t, proxy("ana", operator))
	// This browser previews variant_b of search.
	openDashboard(t, ctx, a.dashboardURL())
	setOverride(t, ctx, "search", "variant_b")
	waitServed(t, ctx, "search", "variant_b")

	for _, shot := range []struct {
		name  string
		width int64
	}{
		{"dashboard.png", 1280},
		{"dashboard-400.png", 400},
	} {
		run(t, ctx, "resize the window", chromedp.EmulateViewport(shot.width, 900))
		openDashboard(t, ctx, a.dashboardURL())
		run(t, ctx, "open new_checkout's operations and audit trail",
			chromedp.Click(chromedp.CSS(opsToggle("new_checkout"))),
			chromedp.Click(chromedp.CSS(trailToggle("new_checkout"))),
			chromedp.WaitVisible(chromedp.CSS(flagSection("new_checkout")+" ol.history")))
		if shot.width == 400 {
			wide := get(t, ctx, "measure the page", chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
			if wide > shot.width {
				t.Errorf("at %d pixels wide, the page is %d pixels wide: it scrolls sideways", shot.width, wide)
			}
		}
		png := get(t, ctx, "take the screenshot", pageShot(shot.width))
		path := filepath.Join(dir, shot.name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(path)
		t.Logf("%d px wide: %s (%d bytes)", shot.width, abs, len(png))
	}
}

// pageShot takes a PNG of the whole page, width wide, down to
// maxShotHeight.
func pageShot(width int64) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		height := min(m.CSSContentSize.Height, maxShotHeight)
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  &page.Viewport{Width: float64(width), Height: height, Scale: 1},
			CaptureBeyondViewport: new(true),
		})
		return r.Data, err
	}
}
