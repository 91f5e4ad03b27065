// Package middleware gives each net/http request the evaluator that
// decides which variant of each feature flag it sees, and serves the
// endpoint through which a browser overrides flags for itself.
//
// # The middleware
//
// [New] takes a generated package's flag set and [Options], whose zero
// value works, and returns middleware in the shape chi and most routers
// take:
//
//	mw := middleware.New(flags.Set, middleware.Options{
//		Subject:  middleware.HeaderSubject(middleware.Headers{}),
//		Exposure: middleware.SlogExposure(nil),
//	})
//
//	r := chi.NewRouter()
//	r.Use(mw)
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /search", search)
//	http.ListenAndServe(":8080", mw(mux))
//
// Handlers then call the generated accessors with the request's context:
//
//	if flags.NewSearch(r.Context()).IsVariantA() { … }
//
// The request's context is its [runtime.Evaluator], so an accessor finds
// it with a type assertion. Each flag is evaluated once per request: later
// reads, from any goroutine, get the same variant even if a live source
// swaps the snapshot meanwhile. Frameworks that are not net/http build
// evaluators with [NewEvaluators] and [Evaluators.For].
//
// # Subjects
//
// [Options.Subject] says who a request is for: the [runtime.Subject] whose
// id percentage rollouts bucket, whose groups rules match and whose
// attributes conditions test. An application's own extractor is one
// function that reads its session:
//
//	Subject: func(r *http.Request) runtime.Subject {
//		u := session.User(r)
//		return runtime.Subject{ID: u.ID, Groups: u.Groups,
//			Attrs: []runtime.Attr{{Key: "app_version", Value: r.Header.Get("X-App-Version")}}}
//	},
//
// [HeaderSubject] reads the id and comma-separated groups from request
// headers (X-User-ID and X-User-Groups unless [Headers] names others).
// It is safe only behind a proxy that authenticates users, sets these
// headers itself and strips them from clients' requests: reachable
// directly, it lets anyone send X-User-Groups: employees and see what
// employees see, or pick any user's id and bucket.
//
// With [Options.Anonymous], a request whose subject has no id gets a
// random visitor id kept in a cookie (HttpOnly, SameSite=Lax, Secure over
// TLS), so a logged-out visitor stays in the same rollout bucket from
// request to request. A cookie that is not an id the middleware could
// have minted (32 lowercase hex digits) is replaced. The id is not signed:
// a visitor who writes another such id lands in another bucket, which is
// harmless for a rollout but makes it no basis for anything a visitor must
// not choose.
//
// # Overrides
//
// A request override makes one browser see a chosen variant: to preview a
// flag that is off, or to check each arm of an experiment. It comes after
// the kill switch and before everything else (see the runtime package's
// evaluation order), so the kill switch still stops a flag for everyone.
//
// Overrides travel in a cookie that [Evaluators.Admin] sets and the
// middleware verifies on every request. The security model:
//
//   - The cookie is signed with HMAC-SHA256 over its name, a version, an
//     expiry and its flag=variant pairs, keyed by [Overrides.Secrets];
//     with no secrets, override cookies are neither read nor set.
//   - Secrets rotate: the first signs, any verifies. Put a new secret
//     first and drop the old one once the cookies it signed have expired;
//     a cookie signed with a secret no longer listed is ignored.
//   - A cookie expires [Overrides.TTL] after it was set (7 days unless
//     set); the expiry is signed, so it cannot be extended.
//   - The cookie is HttpOnly and SameSite=Lax, and Secure when the request
//     came over TLS (or, with [Options.TrustProxy], a proxy says so in
//     X-Forwarded-Proto).
//   - Only requests that [AdminOptions.Authorize] accepts may use the
//     endpoint; with no Authorize, it refuses everyone. Cross-site POSTs
//     are refused by [http.CrossOriginProtection], but for the origins
//     listed in [AdminOptions.TrustedOrigins], and GET never changes
//     anything.
//   - The unsigned [OverrideHeader] (X-Flaggen-Override:
//     search=variant_a) is for tests and local development, off unless
//     [Overrides.Header] is set. Never turn it on where visitors can reach
//     the server.
//
// An override that fails any check is ignored, never honoured and never
// an error response: an oversized ([ErrOverrideTooLarge]), malformed
// ([ErrOverrideMalformed]), forged or retired-secret
// ([ErrOverrideSignature]) or expired ([ErrOverrideExpired]) cookie, a
// pair naming a flag or variant the snapshot lacks ([ErrOverrideUnknown];
// the cookie's other pairs still apply), and a malformed header
// ([ErrOverrideHeader]). Each request's problems are reported once,
// joined, to [Options.Error] (slog's default logger at level Warn when it
// is nil). Branch on them with
// [errors.Is].
//
// Mount the endpoint behind your own authorisation check, beside the
// application or behind the middleware: it builds the caller's evaluator
// as the middleware does (keeping the subject the middleware found), so it
// needs no middleware in front of it:
//
//	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
//		Subject:   subject,
//		Overrides: middleware.Overrides{Secrets: [][]byte{secret}},
//	})
//	mux := http.NewServeMux()
//	mux.Handle("/_flags/", evs.Admin(middleware.AdminOptions{
//		Authorize: func(r *http.Request) bool { return session.User(r).IsStaff },
//	}))
//	mux.Handle("/", evs.Handler(app))
//
// GET /_flags/ shows the caller's flags, variants, reasons and overrides;
// a form POST of flag=search&variant=variant_a sets an override,
// flag=search&variant= clears it, clear=all clears them all.
//
// # Exposure
//
// [Options.Exposure] hears, once per request per flag, which variant the
// request got and why, when the flag is first read: the event an
// experiment's analysis counts. [SlogExposure] logs each one at level Info
// with flag, variant, reason and subject attributes. The override endpoint
// never reports exposures.
//
// # Templates
//
// [FuncMap] gives html/template the string-keyed lookup, for pages that
// ask flags the way Jinja templates asked gatekeeper:
//
//	t := template.Must(template.New("page").Funcs(middleware.FuncMap(flags.Set)).Parse(
//		`{{if ff .Ctx "my_new_feature" "VISIBLE"}}…{{end}} search: {{flag .Ctx "search"}}`))
//	t.Execute(w, struct{ Ctx context.Context }{r.Context()})
package middleware
