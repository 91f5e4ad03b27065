// Command nethttp is flaggen's net/http example: a small server whose
// handlers read typed feature flags (flags.NewSearch(ctx),
// flags.NewCheckout(ctx), …) generated from the repository's flags.toml,
// evaluated per request by flaggen's net/http middleware
// ([middleware.Evaluators.Handler]) in front of a plain http.ServeMux.
//
// It shows:
//
//   - who a request is for: the X-User-ID and X-User-Groups headers
//     ([middleware.HeaderSubject]), falling back to a random visitor id
//     kept in the flaggen_visitor cookie, so that a logged-out visitor
//     stays in the same rollout bucket from request to request;
//   - per-user overrides (my_new_feature is VISIBLE to users 1, 2 and 3),
//     group rules (employees see search variant_a, beta sees the new
//     checkout), a weighted split (search), a progressive schedule
//     (new_checkout) and an off toggle (holiday);
//   - the string-keyed lookup, as JSON on / and as the ff and flag
//     html/template functions on /feature;
//   - exposure logging: each flag a request reads is logged once, with the
//     variant and the reason, by [middleware.SlogExposure] on stderr;
//   - the override endpoint at /_flags/
//     ([middleware.Evaluators.OverrideHandler]), which sets a signed
//     cookie that pins a flag's variant for one browser. It is routed by
//     the same mux as the app, behind the middleware, and keeps the
//     subject (and visitor id) the middleware found;
//   - the dashboard at /_dashboard/ (app.Server.Dashboard, mounted with
//     http.StripPrefix): every flag, what this browser gets and why, its
//     overrides, the exposures counted; with FLAGGEN_REDIS, fleet
//     operations for the group operators.
//
// Flag-dependent answers differ by user and by cookie, and the middleware
// says so on every one: Cache-Control: private, no-cache and Vary: Cookie,
// X-User-Groups, X-User-Id, so that no shared cache hands one user's
// variant to another.
//
// Everything but the routes is shared with the gin example, in
// examples/internal/app: the settings, the middleware's options, the
// endpoint's Authorize rule and the run loop.
//
// # Running
//
// From the repository's root:
//
//	cd examples && go run ./nethttp
//
// The server listens on :8080, or on :$PORT if PORT is set, until
// SIGINT or SIGTERM, then gives requests in flight 10 seconds. Other
// settings, all optional:
//
//	FLAGGEN_SECRET=…        signs override cookies (use 32+ random bytes);
//	                        without it a random secret is made at start,
//	                        so overrides reset when the server restarts
//	FLAGGEN_DEV_HEADER=1    honours the unsigned X-Flaggen-Override
//	                        header; never in production. 0 (or unset)
//	                        leaves it off; any other value stops the
//	                        server at start
//	FLAGGEN_FILE=path       watches a flags.toml: its flags take effect
//	                        as it changes, without a restart; the feed's
//	                        status is at /healthz/flags
//	FLAGGEN_REDIS=url       joins a fleet: follows the Redis store at url
//	                        (redis://127.0.0.1:6379/0), which the flaggen
//	                        CLI operates (flaggen push, flaggen kill
//	                        search, …); every instance that joined serves
//	                        each write at once; status at /healthz/flags.
//	                        Not with FLAGGEN_FILE
//	FLAGGEN_NAMESPACE=ns    the fleet's namespace in that Redis; default
//	                        flaggen
//	FLAGGEN_DEMO_USER=ana:developers,operators
//	                        who a request without X-User-ID and
//	                        X-User-Groups is, standing in for the
//	                        authenticating proxy so that a local browser
//	                        can open /_dashboard/; never where others can
//	                        reach the server
//
// # Trying it
//
//	curl -s -H 'X-User-ID: 1' localhost:8080/          # my_new_feature VISIBLE
//	curl -s -H 'X-User-ID: 9' localhost:8080/          # my_new_feature NOT_VISIBLE
//	curl -s -H 'X-User-Groups: employees' 'localhost:8080/search?q=ap'
//	curl -s -H 'X-User-Groups: beta' localhost:8080/checkout
//	curl -s localhost:8080/calendar/api/v1.0/whatistoday
//	curl -s -H 'X-User-ID: 1' localhost:8080/feature
//
// Without X-User-ID a request gets a visitor cookie; keep it in a cookie
// jar to stay in the same bucket:
//
//	curl -s -c jar -b jar localhost:8080/
//
// # Overrides
//
// Members of the employees and developers groups may use /_flags/. GET
// lists the caller's flags, variants and overrides as JSON; a form POST
// sets (flag=…&variant=…) or clears (variant= empty, or clear=all) an
// override in a signed cookie:
//
//	curl -s -H 'X-User-Groups: developers' localhost:8080/_flags/
//	curl -s -c jar -b jar -H 'X-User-Groups: developers' \
//	    -d flag=search -d variant=variant_b localhost:8080/_flags/
//	curl -s -b jar 'localhost:8080/search?q=ap'        # ranking variant_b
//	curl -s -c jar -b jar -H 'X-User-Groups: developers' \
//	    -d flag=search -d variant= localhost:8080/_flags/
//
// # Dashboard
//
// The same groups may open the dashboard in a browser,
// http://localhost:8080/_dashboard/, behind a proxy (or a browser
// extension) that sends X-User-Groups: developers. It lists every flag
// with what this browser gets and why, sets and clears this browser's
// overrides (the same signed cookie as /_flags/), and draws the
// exposures counted per variant beside the configured weights. Anyone
// else gets 403:
//
//	curl -s -o /dev/null -w '%{http_code}\n' localhost:8080/_dashboard/   # 403
//	curl -s -H 'X-User-Groups: developers' localhost:8080/_dashboard/
//
// With FLAGGEN_REDIS, members of the group operators (X-User-Groups:
// developers, operators) also operate the fleet from it: kill and unkill,
// enable and disable, rollout, split and schedule, as the flaggen CLI
// does, audited as their X-User-ID (or "anonymous"); the page shows each
// flag's audit trail, which instances serve which version, and the
// exposures of every instance that joined.
//
// With FLAGGEN_DEV_HEADER=1, a header does the same for one request:
//
//	curl -s -H 'X-Flaggen-Override: search=variant_b,holiday=on' localhost:8080/
//
// The groups come from a request header that anyone can send: run this
// only behind an authenticating proxy that sets X-User-ID and
// X-User-Groups itself and strips them from clients' requests.
package main

import (
	"net/http"

	"github.com/flaggen/flaggen/examples/internal/app"
)

func main() { app.Main(newHandler) }

// newHandler returns the example's handler: the app's routes and the
// override endpoint on one mux, behind the flag middleware.
func newHandler(s *app.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s.WriteJSON(w, app.Variants(r.Context()))
	})
	mux.HandleFunc("GET /calendar/api/v1.0/whatistoday", func(w http.ResponseWriter, r *http.Request) {
		s.WriteJSON(w, app.Today(r.Context()))
	})
	mux.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		s.WriteJSON(w, app.Checkout(r.Context()))
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		s.WriteJSON(w, app.Search(r.Context(), r.URL.Query().Get("q")))
	})
	mux.HandleFunc("GET /feature", s.ServeFeature)
	// The endpoint may sit behind the middleware, as here, or beside it:
	// either way it builds the caller's evaluator from the same Evaluators.
	mux.Handle("/_flags/", s.OverrideHandler)
	// The dashboard's links are relative to where it is mounted.
	mux.Handle("/_dashboard/", http.StripPrefix("/_dashboard", s.Dashboard()))
	mux.Handle("GET /healthz/flags", s.Health())
	return s.Evaluators.Handler(mux)
}
