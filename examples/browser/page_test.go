package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Selectors of the dashboard's page contract (package dashboard's doc).

// flagSection is flag's section.
func flagSection(flag string) string { return "#flag-" + flag }

// servedSel is what this browser gets of flag.
func servedSel(flag string) string { return flagSection(flag) + " .served" }

// overrideForm is flag's override form.
func overrideForm(flag string) string {
	return flagSection(flag) + ` form[action="override"]`
}

// opForm is flag's fleet form for action.
func opForm(flag, action string) string {
	return fmt.Sprintf(`%s form[action="op"]:has(input[name="action"][value=%q])`, flagSection(flag), action)
}

// opsToggle opens (or closes) flag's fleet operations, folded by default.
func opsToggle(flag string) string { return flagSection(flag) + " details.ops > summary" }

// trailToggle opens (or closes) flag's audit trail, folded by default.
func trailToggle(flag string) string { return flagSection(flag) + " details.trail > summary" }

// openDashboard loads the dashboard and waits until it lists flags.
func openDashboard(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	run(t, ctx, "open the dashboard "+url,
		chromedp.Navigate(url),
		chromedp.WaitReady(chromedp.CSS("section.flag")))
}

// served returns the variant the dashboard says this browser gets of flag.
func served(t *testing.T, ctx context.Context, flag string) string {
	t.Helper()
	a := get(t, ctx, "read what this browser gets of "+flag,
		chromedp.AttributeValue(chromedp.CSS(servedSel(flag)), "data-variant"))
	if !a.Exists {
		t.Fatalf("%s has no data-variant", servedSel(flag))
	}
	return a.Value
}

// waitServed waits until the dashboard says this browser gets variant of
// flag.
func waitServed(t *testing.T, ctx context.Context, flag, variant string) {
	t.Helper()
	run(t, ctx, fmt.Sprintf("wait for the dashboard to serve %s %s", flag, variant),
		chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`%s[data-variant=%q]`, servedSel(flag), variant))))
}

// eventuallyServed reloads the dashboard at url until it says this
// browser gets variant of flag, as a user would after a fleet operation:
// the instance applies the store's write as soon as it hears of it, which
// may be just after the page that answered the operation.
func eventuallyServed(t *testing.T, ctx context.Context, url, flag, variant string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		openDashboard(t, ctx, url)
		if got = served(t, ctx, flag); got == variant {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dashboard at %s still says this browser gets %s %s, want %s", url, flag, got, variant)
		}
	}
}

// submit clicks sel, a form's button, and waits for the page the form's
// 303 leads to.
func submit(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
		chromedp.Click(chromedp.CSS(sel)))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// setOverride picks variant in flag's override form and clicks Set.
func setOverride(t *testing.T, ctx context.Context, flag, variant string) {
	t.Helper()
	form := overrideForm(flag)
	run(t, ctx, "choose "+variant+" for "+flag,
		chromedp.SetValue(chromedp.CSS(form+` select[name="variant"]`), variant))
	submit(t, ctx, "set the override of "+flag, form+` button[type="submit"]:not([name])`)
}

// clearOverride clicks Clear in flag's override form.
func clearOverride(t *testing.T, ctx context.Context, flag string) {
	t.Helper()
	submit(t, ctx, "clear the override of "+flag, overrideForm(flag)+` button[name="clear"]`)
}

// appJSON loads an app page that answers JSON in the tab, with its
// cookies, and decodes it into v.
func appJSON(t *testing.T, ctx context.Context, url string, v any) {
	t.Helper()
	resp := get(t, ctx, "load "+url, chromedp.NavigateResponse(url))
	if resp.Status != 200 {
		t.Fatalf("GET %s: status %d, want 200", url, resp.Status)
	}
	body := get(t, ctx, "read "+url, chromedp.Text(chromedp.CSS("pre")))
	if err := json.Unmarshal([]byte(strings.TrimSpace(body)), v); err != nil {
		t.Fatalf("GET %s: %v in %q", url, err, body)
	}
}

// ranking is what /search?q=ap says this browser gets of search.
func ranking(t *testing.T, ctx context.Context, a *appServer) string {
	t.Helper()
	var got struct{ Ranking string }
	appJSON(t, ctx, a.URL+"/search?q=ap", &got)
	return got.Ranking
}
