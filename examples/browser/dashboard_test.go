package browser

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/flaggen/flaggen/generated/flags"
)

// TestOverride: a developer opens the dashboard, sets an override for
// search from its form, and the app serves it to the same browser; once
// cleared, the app serves the browser's own variant again.
func TestOverride(t *testing.T) {
	t.Parallel()
	a := startApp(t, nil)
	ctx := newTab(t, proxy("7", developer))

	openDashboard(t, ctx, a.dashboardURL())
	if got := served(t, ctx, "search"); got != "variant_a" {
		t.Fatalf("the dashboard says employees get search %s, want variant_a (the rule)", got)
	}
	if got := ranking(t, ctx, a); got != "variant_a" {
		t.Fatalf("before the override, /search ranks by %s, want variant_a", got)
	}

	openDashboard(t, ctx, a.dashboardURL())
	setOverride(t, ctx, "search", "variant_b")
	waitServed(t, ctx, "search", "variant_b")
	if got := ranking(t, ctx, a); got != "variant_b" {
		t.Errorf("with the override, /search ranks by %s, want variant_b", got)
	}

	openDashboard(t, ctx, a.dashboardURL())
	clearOverride(t, ctx, "search")
	waitServed(t, ctx, "search", "variant_a")
	if got := ranking(t, ctx, a); got != "variant_a" {
		t.Errorf("with the override cleared, /search ranks by %s, want variant_a", got)
	}
}

// TestOperatorKill: an operator kills search from one instance's
// dashboard; another instance of the fleet serves its default at once,
// both instances show the store's new version, and the page's audit
// trail says who killed it. It changes flags.Set (the instances follow
// the store), so it does not run in parallel.
func TestOperatorKill(t *testing.T) {
	f := startFleet(t)
	first, second := startApp(t, f), startProcess(t, f)
	ctx := newTab(t, proxy("ana", operator))

	if got := ranking(t, ctx, second); got != "variant_a" {
		t.Fatalf("before the kill, the second instance ranks by %s, want variant_a", got)
	}
	before := f.version(t)

	// A page on another site tries first, with the operator's credentials.
	evil := forger(t, first.dashboardURL()+"op", map[string]string{"flag": "search", "action": "kill", "confirm": "yes"})
	if status := forge(t, ctx, otherSite(evil), "/_dashboard/op"); status != http.StatusForbidden {
		t.Errorf("the forged kill got status %d, want 403", status)
	}
	if v := f.version(t); v != before {
		t.Fatalf("the forged kill wrote to the store: version %d, want %d", v, before)
	}

	openDashboard(t, ctx, first.dashboardURL())
	form := opForm("search", "kill")
	run(t, ctx, "open search's operations and tick the kill's confirmation",
		chromedp.Click(chromedp.CSS(opsToggle("search"))),
		chromedp.Click(chromedp.CSS(form+` input[name="confirm"]`)))
	submit(t, ctx, "kill search", form+` button[type="submit"]`) // the page asks again: newTab says OK
	done := get(t, ctx, "read what the page says it did", chromedp.Text(chromedp.CSS(".done")))
	if !strings.Contains(done, "search") {
		t.Errorf("after the kill, the page says %q, which does not name search", done)
	}
	eventuallyServed(t, ctx, first.dashboardURL(), "search", "control")

	if v := f.version(t); v != before+1 {
		t.Errorf("the store's version is %d after the kill, want %d", v, before+1)
	}
	run(t, ctx, "open search's audit trail",
		chromedp.Click(chromedp.CSS(opsToggle("search"))),
		chromedp.Click(chromedp.CSS(trailToggle("search"))))
	trail := get(t, ctx, "read search's audit trail",
		chromedp.Text(chromedp.CSS(flagSection("search")+" ol.history")))
	if !strings.Contains(trail, "ana") || !strings.Contains(trail, "kill") {
		t.Errorf("search's audit trail does not show ana's kill:\n%s", trail)
	}

	waitFor(t, "the second instance to serve the kill", second.logs, func() bool {
		return ranking(t, ctx, second) == "control"
	})
	eventuallyServed(t, ctx, second.dashboardURL(), "search", "control")
	// Both instances report the kill's version.
	want := fmt.Sprint(before + 1)
	var versions []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		openDashboard(t, ctx, second.dashboardURL())
		versions = get(t, ctx, "read the instances' versions", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("#instances tbody td:nth-child(2)"), td => td.textContent.trim().split(/\s+/)[0])`))
		if len(versions) == 2 && versions[0] == want && versions[1] == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the instances table shows versions %q, want the 2 instances at %s", versions, want)
		}
	}
}

// TestUnauthorised: a browser the app's rule does not let in gets 403
// and no flag data.
func TestUnauthorised(t *testing.T) {
	t.Parallel()
	a := startApp(t, nil)
	for name, headers := range map[string]map[string]string{
		"no groups":    nil,
		"other groups": proxy("9", "beta"),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := newTab(t, headers)
			resp := get(t, ctx, "open the dashboard", chromedp.NavigateResponse(a.dashboardURL()))
			if resp.Status != http.StatusForbidden {
				t.Errorf("GET /_dashboard/: status %d, want 403", resp.Status)
			}
			html := get(t, ctx, "read the page", chromedp.OuterHTML(chromedp.CSS("html")))
			for _, key := range flags.Set.Snapshot().Keys() {
				if strings.Contains(html, key) {
					t.Errorf("the 403 page names the flag %s:\n%s", key, html)
				}
			}
		})
	}
}

// TestCrossSitePost: a page of another origin that the developer visits
// submits a form to the dashboard's override action, with the
// developer's credentials; the dashboard refuses it and nothing changes.
func TestCrossSitePost(t *testing.T) {
	t.Parallel()
	a := startApp(t, nil)
	evil := forger(t, a.dashboardURL()+"override", map[string]string{"flag": "search", "variant": "variant_b"})
	for name, origin := range map[string]string{
		"cross-site": otherSite(evil), // the app is on 127.0.0.1
		"same-site":  evil.URL,        // 127.0.0.1, another port
	} {
		t.Run(name, func(t *testing.T) {
			ctx := newTab(t, proxy("7", developer))
			if status := forge(t, ctx, origin, "/_dashboard/override"); status != http.StatusForbidden {
				t.Errorf("the forged POST from %s got status %d, want 403", origin, status)
			}
			openDashboard(t, ctx, a.dashboardURL())
			if got := served(t, ctx, "search"); got != "variant_a" {
				t.Errorf("after the forged POST, the dashboard says search is %s, want variant_a", got)
			}
			if got := ranking(t, ctx, a); got != "variant_a" {
				t.Errorf("after the forged POST, /search ranks by %s, want variant_a", got)
			}
		})
	}
}

// forger serves, on an origin of its own, a page that submits a form of
// fields to action as soon as it loads: a cross-site request forgery.
func forger(t *testing.T, action string, fields map[string]string) *httptest.Server {
	t.Helper()
	var inputs strings.Builder
	for k, v := range fields {
		fmt.Fprintf(&inputs, "<input name=\"%s\" value=\"%s\">", html.EscapeString(k), html.EscapeString(v))
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>win a prize</title>
<form id="f" method="post" action="%s">%s</form>
<script>document.getElementById("f").submit()</script>`, html.EscapeString(action), inputs.String())
	}))
	t.Cleanup(ts.Close)
	return ts
}

// otherSite is ts's URL on localhost: another site than 127.0.0.1's.
func otherSite(ts *httptest.Server) string {
	return strings.Replace(ts.URL, "127.0.0.1", "localhost", 1)
}

// forge visits origin, whose page posts a form to a URL ending in path,
// and returns the status the POST got.
func forge(t *testing.T, ctx context.Context, origin, path string) int64 {
	t.Helper()
	responses := chromedp.Events(ctx, network.ResponseReceived)
	run(t, ctx, "visit "+origin, chromedp.Navigate(origin))
	for ev, err := range responses {
		if err != nil {
			t.Fatalf("waiting for the answer to the POST from %s: %v", origin, err)
		}
		if strings.HasSuffix(ev.Response.URL, path) {
			return ev.Response.Status
		}
	}
	panic("unreachable")
}

// TestNoJavaScript: with JavaScript off, the page lists every flag and
// what this browser gets of each, as the app serves it.
func TestNoJavaScript(t *testing.T) {
	t.Parallel()
	a := startApp(t, nil)
	ctx := newTab(t, proxy("7", developer))
	var want map[string]string
	appJSON(t, ctx, a.URL+"/", &want) // the app's own answer, for this browser
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	openDashboard(t, ctx, a.dashboardURL())
	sections := get(t, ctx, "list the flags", chromedp.AttributesAll(chromedp.CSSAll("section.flag")))
	var keys []string
	for _, s := range sections {
		keys = append(keys, s["data-flag"])
	}
	if len(keys) != len(want) {
		t.Errorf("the page lists %d flags %v, want %d", len(keys), keys, len(want))
	}
	for key, variant := range want {
		if got := served(t, ctx, key); got != variant {
			t.Errorf("the page says this browser gets %s %s, the app serves %s", key, got, variant)
		}
	}
}

// TestFilter: the filter keeps the flags whose key, description or owner
// match, as the user types (JavaScript) and, with JavaScript off, once
// the form is sent (?q=).
func TestFilter(t *testing.T) {
	t.Parallel()
	a := startApp(t, nil)
	shown := func(ctx context.Context) []string {
		t.Helper()
		return get(t, ctx, "list the flags shown", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("section.flag:not([hidden])"), s => s.dataset.flag)`))
	}
	t.Run("as you type", func(t *testing.T) {
		ctx := newTab(t, proxy("7", developer))
		openDashboard(t, ctx, a.dashboardURL())
		run(t, ctx, "type in the filter", chromedp.SendKeys(chromedp.ID("filter"), "payments"))
		if got := shown(ctx); !slices.Equal(got, []string{"new_checkout"}) {
			t.Errorf("typing payments shows %v, want [new_checkout] (its owner)", got)
		}
	})
	t.Run("without JavaScript", func(t *testing.T) {
		ctx := newTab(t, proxy("7", developer))
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
			emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		openDashboard(t, ctx, a.dashboardURL())
		if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
			chromedp.SendKeys(chromedp.ID("filter"), "payments\n"))); err != nil {
			t.Fatalf("send the filter: %v", err)
		}
		if got := shown(ctx); !slices.Equal(got, []string{"new_checkout"}) {
			t.Errorf("?q=payments shows %v, want [new_checkout] (its owner)", got)
		}
		if got := get(t, ctx, "read the URL", chromedp.Location()); !strings.Contains(got, "q=payments") {
			t.Errorf("the filter's form went to %s, want ?q=payments", got)
		}
	})
}
