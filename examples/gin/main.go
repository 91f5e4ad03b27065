// Command gin is flaggen's example server for gin: the seed scenarios of
// examples/internal/app behind the ginflags middleware, with the override
// endpoint under /_flags/. The examples are a module of their own, so
// that the root module does not require gin; it needs no setup:
//
//	cd examples && go run ./gin
//	curl -s -H 'X-User-ID: 1' localhost:8080/
//	curl -s -H 'X-User-Groups: employees' 'localhost:8080/search?q=ap'
//
// Routes:
//
//	GET  /                              every flag's variant for the caller (JSON)
//	GET  /calendar/api/v1.0/whatistoday the holiday flag
//	GET  /checkout                      the new_checkout flag
//	GET  /search?q=                     the search ranking experiment
//	GET  /feature                       an html/template page that asks my_new_feature
//	GET  /_flags/                       the caller's flags, variants, reasons and overrides
//	POST /_flags/                       flag=KEY&variant=NAME sets an override cookie,
//	                                    variant= clears one, clear=all clears them all
//	GET  /_dashboard/                   the dashboard: every flag, what the caller gets and
//	                                    why, its overrides, the exposures counted
//	POST /_dashboard/override           sets or clears the caller's overrides from the page
//	POST /_dashboard/op                 a fleet operation (kill, rollout, …), for operators
//	                                    with FLAGGEN_REDIS
//	GET  /healthz/flags                 the watched file's or the fleet's status
//	                                    (FLAGGEN_FILE, FLAGGEN_REDIS), as JSON
//
// Who a request is for comes from the X-User-ID and X-User-Groups headers,
// as an authenticating proxy would set them; a request without X-User-ID
// gets a visitor id kept in the flaggen_visitor cookie. Only the groups
// employees and developers may use /_flags/ and /_dashboard/, and only
// the group operators (X-User-Groups: developers, operators) may operate
// the fleet from the dashboard, audited as their X-User-ID; these trust
// X-User-Groups as well: never expose the server without such a proxy in
// front.
// Exposures and ignored overrides are logged to standard error. Answers
// depend on the caller, and the middleware says so on every one
// (Cache-Control: private, no-cache and Vary: Cookie, X-User-Groups,
// X-User-Id), so that no shared cache hands one user's variant to another.
//
// The ginflags middleware runs for every route, /_flags/ included: the
// endpoint keeps the subject, and so the visitor id, that the middleware
// found. The settings, the middleware's options, the endpoint and the run
// loop (graceful shutdown on SIGINT or SIGTERM) are shared with the
// net/http example, in examples/internal/app.
//
// Environment:
//
//	PORT                 port to listen on; default 8080
//	FLAGGEN_SECRET       secret that signs override cookies (at least 32
//	                     bytes); default a random one per process, so that
//	                     overrides reset when the server restarts
//	FLAGGEN_DEV_HEADER   1 honours X-Flaggen-Override: search=variant_b,…
//	                     (development only: it is unsigned); 0 or unset
//	                     does not; any other value stops the server
//	FLAGGEN_FILE         a flags.toml to watch: its flags take effect as it
//	                     changes, without a restart; see /healthz/flags
//	FLAGGEN_REDIS        a fleet's Redis store to follow
//	                     (redis://127.0.0.1:6379/0), operated by the flaggen
//	                     CLI (flaggen push, flaggen kill search, …): each
//	                     write reaches every instance that joined at once;
//	                     see /healthz/flags. Not with FLAGGEN_FILE
//	FLAGGEN_NAMESPACE    the fleet's namespace in that Redis; default flaggen
//	FLAGGEN_DEMO_USER    "ID:group,group": who a request without identity
//	                     headers is, so that a local browser can open
//	                     /_dashboard/; never where others can reach it
package main

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/flaggen/flaggen/examples/internal/app"
	"github.com/flaggen/flaggen/middleware/ginflags"
)

func main() {
	app.Main(func(s *app.Server) http.Handler { return newRouter(s) })
}

// newRouter returns the example's routes, every one behind the flags
// middleware.
func newRouter(s *app.Server) *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(gin.Recovery(), ginflags.FromEvaluators(s.Evaluators))

	// The endpoint may sit behind the middleware, as here, or beside it:
	// either way it builds the caller's evaluator from the same Evaluators.
	r.Any("/_flags/*path", gin.WrapH(s.OverrideHandler))
	// The dashboard's links are relative to where it is mounted.
	r.Any("/_dashboard/*path", gin.WrapH(http.StripPrefix("/_dashboard", s.Dashboard())))
	r.GET("/healthz/flags", gin.WrapH(s.Health()))

	r.GET("/", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Variants(c.Request.Context()))
	})
	r.GET("/calendar/api/v1.0/whatistoday", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Today(c.Request.Context()))
	})
	r.GET("/checkout", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Checkout(c.Request.Context()))
	})
	r.GET("/search", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Search(c.Request.Context(), c.Query("q")))
	})
	r.GET("/feature", func(c *gin.Context) {
		var page bytes.Buffer
		if err := app.FeaturePage(c.Request.Context(), &page); err != nil {
			s.Log.Error("render /feature", "err", err)
			c.String(http.StatusInternalServerError, "internal server error")
			return
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", page.Bytes())
	})
	return r
}
