package browser

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTabHeaders: a tab sends the headers an authenticating proxy would
// add, on which every other test relies.
func TestTabHeaders(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<p id=groups>%s</p>", html.EscapeString(r.Header.Get("X-User-Groups")))
	}))
	defer ts.Close()
	ctx := newTab(t, map[string]string{"X-User-Groups": "developers"})
	run(t, ctx, "open the page", chromedp.Navigate(ts.URL), chromedp.WaitVisible(chromedp.ID("groups")))
	if got := get(t, ctx, "read the groups", chromedp.Text(chromedp.ID("groups"))); got != "developers" {
		t.Errorf("the server got X-User-Groups %q, want developers", got)
	}
}
