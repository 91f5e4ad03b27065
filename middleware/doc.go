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
//		Vary:     []string{"X-User-ID", "X-User-Groups"}, // what Subject reads
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
// evaluators with [NewEvaluators] and [Evaluators.Request] (or
// [Evaluators.For]).
//
// A request that has been through the middleware already (installed
// twice, in front of a gin engine that uses package ginflags, or by
// another Evaluators for the same set) keeps the evaluator it got first:
// one visitor id, one exposure per flag.
//
// [New] and [NewEvaluators] check what they are given and panic, as
// [http.ServeMux] does on a bad pattern, on a nil set, on a cookie name
// that is not an RFC 6265 token (net/http would refuse to send the
// cookie, so a visitor would be re-bucketed on every request and an
// override would never stick), on one name for both cookies, and on an
// [Options.Vary] entry that is not a header field name. These are
// mistakes in the program, not in its input: they stop it at start.
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
// employees see, or pick any user's id and bucket. A request with more
// than one id line gets no subject: a proxy that adds its line instead
// of replacing the client's leaves the client's first.
//
// With [Options.Anonymous], a request whose subject has no id gets a
// random visitor id kept in a cookie (HttpOnly, SameSite=Lax, Secure over
// TLS), so a logged-out visitor stays in the same rollout bucket from
// request to request. A cookie that is not an id the middleware could
// have minted (32 lowercase hex digits) is replaced; of several cookies
// of its name (set for other paths or the parent domain), the first valid
// one counts, as the first of (at most four) override cookies that
// verifies does. The id is not signed: a visitor who writes another such
// id lands in another bucket, which is harmless for a rollout but makes
// it no basis for anything a visitor must not choose. So the subject it
// makes is a visitor ([runtime.Subject.Visitor]): the id buckets rollouts
// and splits, but matches no users rule and no per-user override, even
// where user ids take the same form (32 lowercase hex digits, as
// Python's uuid4().hex does) and a visitor writes a user's id into the
// cookie.
//
// # Overrides
//
// A request override makes one browser see a chosen variant: to preview a
// flag that is off, or to check each arm of an experiment. It comes after
// the kill switch and before everything else (see the runtime package's
// evaluation order), so the kill switch still stops a flag for everyone.
//
// Overrides travel in a cookie that [Evaluators.OverrideHandler] sets and
// the middleware verifies on every request. The security model:
//
//   - The cookie is signed with HMAC-SHA256 over its name, a version, an
//     expiry and its flag=variant pairs, keyed by [Overrides.Secrets];
//     with no secrets, override cookies are neither read nor set.
//   - Secrets rotate: the first signs, any verifies. Put a new secret
//     first and drop the old one once the cookies it signed have expired;
//     a cookie signed with a secret no longer listed is ignored.
//   - A cookie expires [Overrides.TTL] after it was set (7 days unless
//     set); the expiry is signed, so it cannot be extended. Shortening
//     the TTL shortens the cookies already set: one that would outlive
//     the new TTL from now is ignored as expired.
//   - The cookie is HttpOnly and SameSite=Lax, and Secure when the request
//     came over TLS (or, with [Options.TrustProxy], a proxy says so in
//     X-Forwarded-Proto).
//   - Only requests that [OverrideHandlerOptions.Authorize] accepts may
//     use the endpoint; with no Authorize, it refuses everyone. Give the
//     same function to [Overrides.Authorize] too, and a request's
//     overrides are honoured only while it says yes: revoking someone's
//     access ends their overrides at once, rather than when their cookie
//     expires ([ErrOverrideUnauthorized]).
//     Cross-site POSTs are refused by [http.CrossOriginProtection], but
//     for the origins listed in [OverrideHandlerOptions.TrustedOrigins],
//     and GET never changes anything.
//   - The unsigned [OverrideHeader] (X-Flaggen-Override:
//     search=variant_a) is for tests and local development, off unless
//     [Overrides.Header] is set. Never turn it on where visitors can reach
//     the server.
//
// An override that fails any check is ignored, never honoured and never
// an error response: an oversized (name and value over 4096 bytes,
// [ErrOverrideTooLarge]), malformed
// ([ErrOverrideMalformed]), forged or retired-secret
// ([ErrOverrideSignature]) or expired ([ErrOverrideExpired]) cookie, a
// pair naming a flag or variant the snapshot lacks ([ErrOverrideUnknown];
// the cookie's other pairs still apply), a malformed header
// ([ErrOverrideHeader]), and overrides that [Overrides.Authorize] refuses
// ([ErrOverrideUnauthorized]). Each request's problems are reported once,
// joined, to [Options.Error] (slog's default logger at level Warn when it
// is nil). Branch on them with
// [errors.Is].
//
// Mount the endpoint behind your own authorisation check, beside the
// application or behind the middleware: it builds the caller's evaluator
// as the middleware does (keeping the subject the middleware found), so it
// needs no middleware in front of it. Behind the middleware, it reads the
// override cookie as the middleware decoded it: a request's cookie is
// verified once.
//
//	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
//		Subject:   subject,
//		Overrides: middleware.Overrides{Secrets: [][]byte{secret}},
//	})
//	mux := http.NewServeMux()
//	mux.Handle("/_flags/", evs.OverrideHandler(middleware.OverrideHandlerOptions{
//		Authorize: func(r *http.Request) bool { return session.User(r).IsStaff },
//	}))
//	mux.Handle("/", evs.Handler(app))
//
// GET /_flags/ shows the caller's flags, variants, reasons and overrides;
// a form POST of flag=search&variant=variant_a sets an override,
// flag=search&variant= clears it, clear=all clears them all.
//
// Other pages that let a browser preview variants (package dashboard is
// one) set and clear the same cookie with [Evaluators.SetOverride] and
// [Evaluators.ClearOverrides], read the pairs in force with
// [Evaluators.Overrides], and build the caller's evaluator without
// counting an exposure with [Evaluators.Preview]. They authorise the
// request, and refuse cross-site POSTs, themselves.
//
// # Exposure
//
// [Options.Exposure] hears, once per request per flag, which variant the
// request got and why, when the flag is first read: the event an
// experiment's analysis counts. [SlogExposure] logs each one at level Info
// with flag, variant, reason and subject attributes. The override endpoint
// never reports exposures.
//
// # Caching
//
// A response that depends on a variant must not be shared: a CDN or a
// reverse proxy that stored it would serve one user's variant, or a
// developer's preview of a hidden feature, to everyone. So before the
// handler runs, the middleware ([Evaluators.Handler],
// [Evaluators.Request], [Evaluators.For], and so package ginflags) sets
//
//	Cache-Control: private, no-cache
//	Vary: Cookie, X-Flaggen-Override, and the names in Options.Vary
//
// private forbids shared caches to store the response at all (RFC 9111,
// sections 3 and 5.2.2.7). no-cache lets the browser's own cache keep it
// but makes it ask the server before each reuse (section 5.2.2.4), so a
// kill switch, a rollout step or a new override shows on the next
// request, while a handler that sets an ETag still earns a 304 (which
// carries these headers too, as RFC 9110, section 15.4.5, requires,
// since they are set before the handler writes anything). The middleware
// does not send no-store: it would keep the response from the browser's
// cache too, losing revalidation and the back/forward cache, and keep it
// no further from other users; a response that must not be stored even
// by the browser sets no-store itself.
//
// Vary names the request header fields that choose the variants, for
// private caches: Cookie when the middleware reads a visitor or override
// cookie, [OverrideHeader] when [Overrides.Header] is on, and
// [Options.Vary], the fields that [Options.Subject] reads, which the
// middleware cannot see into (X-User-ID and X-User-Groups for
// HeaderSubject(Headers{})). With no such field there is no Vary line.
//
// The rules, when others set these headers too:
//
//   - The handler's word is final: w.Header().Set("Cache-Control", …)
//     replaces the middleware's line and Add adds to it, and the same for
//     Vary. A handler that lets shared caches store a response that reads
//     a flag (public, s-maxage, a bare max-age) gets what it asked for.
//   - A Cache-Control set by middleware that ran before flaggen's is kept
//     when it keeps shared caches out already (no-store, or private
//     without field names) and otherwise replaced, since it was chosen
//     without knowing that the response depends on flags. The same goes
//     for the fields a CDN obeys instead of Cache-Control
//     (CDN-Cache-Control of RFC 9213, Cloudflare-CDN-Cache-Control,
//     Akamai-Cache-Control, Surrogate-Control): one set before that does
//     not keep shared caches out is removed, so that the CDN follows
//     Cache-Control. Vary lines set before are kept, and the
//     middleware's line is added.
//   - A handler that sets ETag or Last-Modified on a response that
//     depends on a flag derives it from what it sends (the body, or its
//     data and the variants it read); otherwise a revalidation could
//     confirm a stored response of another variant.
//   - [http.ServeContent], [http.ServeFile] and [http.FileServer] delete
//     Cache-Control from the error responses they write (a 404 for a
//     file that only one variant has, say), and a shared cache may store
//     a 404 heuristically. A handler that chooses a file by a flag
//     answers a missing one itself ([http.Error] keeps Cache-Control),
//     or the program runs with GODEBUG=httpservecontentkeepheaders=1,
//     which makes them keep it.
//
// A response that reads no flag may be shared. Mount its handler outside
// the middleware, or call [Evaluators.Shareable] from it: that removes the
// middleware's Cache-Control (unless the handler has changed it), its
// Vary line and the visitor cookie it set for a first visit (a cache
// that stored it would give every visitor that id), keeping other lines,
// after which the handler sets the Cache-Control it wants. With [New],
// build the middleware with NewEvaluators(set, opts).Handler to have the
// Evaluators at hand.
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
