// Package app holds what the net/http, chi and gin example servers
// share, so that they differ only in their framework's wiring: the seed
// scenarios they serve, as plain functions of the request context (this
// file), and the server around them (server.go): its settings from the
// environment ([ConfigFromEnv]), its flag evaluation and override
// endpoint ([NewServer]), its dashboard ([Server.Dashboard]), the
// net/http handlers' JSON and page answers ([Server.WriteJSON],
// [Server.ServeFeature]), and its run loop with graceful shutdown
// ([Main], [Run]).
package app

import (
	"context"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

// Today answers GET /calendar/api/v1.0/whatistoday: the holiday flag picks
// the special-day answer.
func Today(ctx context.Context) map[string]any {
	if flags.NewHoliday(ctx).Enabled() {
		return map[string]any{"today": "a special day", "holiday": true, "message": "Happy holidays! The office is closed."}
	}
	return map[string]any{"today": "a normal day", "holiday": false, "message": "Business as usual."}
}

// Checkout answers GET /checkout: the new flow under new_checkout, else the
// legacy form.
func Checkout(ctx context.Context) map[string]any {
	if flags.NewCheckout(ctx).Enabled() {
		return map[string]any{"checkout": "new", "steps": []string{"cart", "pay"}}
	}
	return map[string]any{"checkout": "legacy", "steps": []string{"cart", "address", "shipping", "payment", "confirm"}}
}

var catalogue = []string{"apple", "apricot", "banana", "blackberry", "cherry", "grape", "grapefruit", "lemon", "lime", "mango", "melon", "orange", "peach", "pear", "plum"}

// Search answers GET /search?q=: the search flag picks the ranking.
func Search(ctx context.Context, q string) map[string]any {
	var hits []string
	for _, item := range catalogue {
		if strings.Contains(item, strings.ToLower(q)) {
			hits = append(hits, item)
		}
	}
	v := flags.NewSearch(ctx)
	switch v {
	case flags.SearchVariantA: // shortest first
		sort.SliceStable(hits, func(i, j int) bool { return len(hits[i]) < len(hits[j]) })
	case flags.SearchVariantB: // reverse alphabetical
		sort.Sort(sort.Reverse(sort.StringSlice(hits)))
	case flags.SearchControl: // alphabetical, as the catalogue is
	}
	if hits == nil {
		hits = []string{}
	}
	return map[string]any{"query": q, "ranking": v.String(), "results": hits}
}

// Variants answers GET /: every flag's variant for the caller, by key,
// through the string-keyed lookup.
func Variants(ctx context.Context) map[string]string {
	out := map[string]string{}
	for _, key := range flags.Set.Snapshot().Keys() {
		out[key] = flags.Set.Lookup(ctx, key)
	}
	return out
}

var page = template.Must(template.New("feature").Funcs(middleware.FuncMap(flags.Set)).Parse(`<!doctype html>
<title>My new feature</title>
{{if ff .Ctx "my_new_feature" "VISIBLE"}}<p id="feature">You can see the new feature.</p>
{{else}}<p id="feature">Nothing new here yet.</p>
{{end}}<p>search: {{flag .Ctx "search"}}</p>
`))

// FeaturePage renders GET /feature, an html/template page that asks the
// flags the way gatekeeper's Jinja templates did.
func FeaturePage(ctx context.Context, w io.Writer) error {
	return page.Execute(w, struct{ Ctx context.Context }{ctx})
}
