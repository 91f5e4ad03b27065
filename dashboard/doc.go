// Package dashboard serves flaggen's dashboard: every flag of a set, what
// this browser gets of each and why, its overrides set and cleared from
// the page, and, for operators of a fleet, the live store's operations,
// audit trail and instances. It is one http.Handler built from
// html/template, CSS and a little plain JavaScript embedded in the
// binary: no build step, no framework, no request to another origin.
//
// Mount it like the override endpoint, behind the application's own
// authorisation:
//
//	evs := middleware.NewEvaluators(flags.Set, opts)
//	mux.Handle("/_dashboard/", http.StripPrefix("/_dashboard", dashboard.New(evs, dashboard.Options{
//		Authorize: func(r *http.Request) bool { return session.User(r).IsStaff },
//		Operator:  func(r *http.Request) (string, bool) { u := session.User(r); return u.Name, u.IsOncall },
//		Fleet:     store.Dashboard(), // redisstore; nil without a live store
//	})))
//
// GET flag/KEY is the page of one flag. With more flags listed than 50,
// an operator's page links each flag's audit trail to that page rather
// than reading 1,000 trails from the store.
//
// # Exposures
//
// The bars beside each flag's configured weights count exposures: in
// this process with a [Counter] fed by the middleware's exposure hook,
// and fleet-wide from [Fleet.Exposures]. Chain the counter with another
// hook with [Exposures]:
//
//	counter := dashboard.NewCounter()
//	opts.Exposure = dashboard.Exposures(counter.Exposure, middleware.SlogExposure(nil))
//
// The dashboard's own page evaluates every flag for the caller without
// reporting exposures ([middleware.Evaluators.Preview]).
//
// # Security
//
// Everything is denied (403, no flag data) unless Options.Authorize says
// yes; fleet operations need Options.Operator too. Every state change is
// a POST, refused cross-site by http.CrossOriginProtection. Responses
// carry Cache-Control: no-store and a Content-Security-Policy that allows
// no inline script and no other origin. The page holds nothing secret: no
// cookie values, no signing secrets. It reads fully with JavaScript off;
// JavaScript only filters the list as you type and asks for confirmation.
//
// # Page contract
//
// Browser tests and users' own tests may rely on these: the page is GET
// "/" (with ?q= to filter); each flag is a <section class="flag"
// id="flag-KEY" data-flag="KEY">; what this browser gets is the element
// with class "served" and data-variant="VARIANT" within it; the override
// form posts to "override" (fields flag, variant; variant "" clears, and
// so does clear=flag, the form's Clear button; clear=all clears every
// override); the fleet form posts to "op" (fields
// flag, action one of kill, unkill, enable, disable, rollout, split,
// schedule, and value, and confirm=yes for kill); both answer 303 See
// Other back to the page, whose query carries a short message as
// done=... or error=..., shown in an element with role "status" or
// "alert". The filter is <input type="search" name="q"
// id="filter">; the instances are <table id="instances">.
package dashboard
