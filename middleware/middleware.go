package middleware

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/flaggen/flaggen/runtime"
)

// Options configure the middleware. The zero value works: requests get an
// evaluator with no subject (flags serve their defaults, 100% variants and
// rules that need no subject), no overrides, and no exposure hook.
type Options struct {
	// Subject says who a request is for. Use [HeaderSubject] behind an
	// authenticating proxy, or a function of your own that reads your
	// session. nil means no subject.
	Subject func(*http.Request) runtime.Subject
	// Anonymous, if not nil, gives a request whose subject has no id a
	// random visitor id kept in a cookie, so that a logged-out visitor
	// stays in the same rollout bucket from request to request. The id
	// is not signed, so it is a visitor's ([runtime.Subject.Visitor]),
	// which no users rule or per-user override matches: see "Subjects"
	// in the package documentation.
	Anonymous *AnonymousCookie
	// Overrides configures signed browser overrides and the development
	// header; the zero value turns both off.
	Overrides Overrides
	// Exposure, if not nil, hears once per request per flag which variant
	// the request got and why. [SlogExposure] logs them.
	Exposure func(ctx context.Context, e runtime.Exposure)
	// Clock returns the time schedules are judged at; nil means time.Now.
	Clock func() time.Time
	// Error hears of overrides that were ignored (a tampered, expired,
	// oversized or malformed cookie, an unknown flag or variant), once per
	// request. nil logs them with slog's default logger at level Warn.
	Error func(r *http.Request, err error)
	// TrustProxy says a request whose X-Forwarded-Proto is "https" (or,
	// behind a chain of proxies that each add their hop, begins with
	// "https") arrived over TLS, so that cookies set for it are Secure.
	// Set it only behind a proxy that sets the header itself.
	TrustProxy bool
	// Vary names the request header fields that Subject reads, so that
	// every response lists them in its Vary header beside the ones the
	// middleware reads itself (Cookie, [OverrideHeader]). For
	// HeaderSubject(Headers{}) they are X-User-ID and X-User-Groups. See
	// "Caching" in the package documentation.
	Vary []string
}

// AnonymousCookie configures the visitor-id cookie.
type AnonymousCookie struct {
	// Name is the cookie's name; "" means "flaggen_visitor". It must be a
	// valid cookie name (an RFC 6265 token), and the cookie is always
	// Secure if it starts with __Secure- or __Host- (in any case), as
	// browsers require.
	Name string
	// MaxAge is the cookie's lifetime; 0 means 400 days, the longest
	// browsers keep a cookie.
	MaxAge time.Duration
}

// Evaluators builds the evaluator of each request: the middleware, the
// gin adapter and the [Evaluators.OverrideHandler] endpoint share one. It
// is safe for concurrent use.
type Evaluators struct {
	set     *runtime.Set
	opts    Options
	runtime *runtime.Options // opts.Exposure and opts.Clock; never nil
	// quiet is runtime without the exposure hook, for Preview: showing
	// a caller their flags is not serving them. Never nil.
	quiet *runtime.Options
	// secrets are the non-empty Overrides.Secrets: a MAC keyed with an
	// empty secret is one anyone can compute.
	secrets [][]byte
	// overrideCookie is the override cookie's name, or "" when signed
	// overrides are off (there are no secrets).
	overrideCookie string
	visitorCookie  string
	visitorMaxAge  time.Duration
	// cacheControl and vary are the header lines that keep responses out
	// of shared caches (see cacheHeaders); vary is nil when no request
	// header chooses the variants. Every response shares them, as rs/cors
	// shares its Vary: Origin: they have len == cap, so that Header.Add
	// copies rather than writes into them, and no allocation is made.
	cacheControl []string
	vary         []string
	// decoded, if not nil, hears of each decode of a request's override
	// cookies (once, however many of the name it sends); tests count
	// decodes with it.
	decoded func()
}

// NewEvaluators returns the evaluator builder for set.
//
// It panics, as [http.ServeMux.Handle] does on a bad pattern, if set is
// nil or opts names an invalid cookie or header: these are programming
// errors, which the first request would otherwise meet (a browser drops
// a cookie with an invalid name, so a visitor would be given a new id on
// every request, and an override would never stick).
func NewEvaluators(set *runtime.Set, opts Options) *Evaluators {
	if set == nil {
		panic("middleware: nil flag set: pass the generated package's set, e.g. flags.Set")
	}
	e := &Evaluators{set: set, opts: opts, runtime: &runtime.Options{Exposure: opts.Exposure, Clock: opts.Clock}}
	quiet := *e.runtime
	quiet.Exposure = nil
	e.quiet = &quiet
	for _, s := range opts.Overrides.Secrets {
		if len(s) > 0 {
			e.secrets = append(e.secrets, s)
		}
	}
	mustCookieName("Overrides.Cookie", opts.Overrides.cookieName())
	if len(e.secrets) > 0 {
		e.overrideCookie = opts.Overrides.cookieName()
	}
	if a := opts.Anonymous; a != nil {
		e.visitorCookie, e.visitorMaxAge = cmpOr(a.Name, "flaggen_visitor"), a.MaxAge
		mustCookieName("AnonymousCookie.Name", e.visitorCookie)
		if e.visitorCookie == e.overrideCookie {
			panic(fmt.Sprintf("middleware: Options: AnonymousCookie.Name and Overrides.Cookie are both %q: give the cookies different names", e.visitorCookie))
		}
		if e.visitorMaxAge <= 0 {
			e.visitorMaxAge = 400 * 24 * time.Hour
		}
	}
	e.cacheControl = []string{cacheControl}
	e.vary = varyLine(opts, e.visitorCookie != "" || e.overrideCookie != "")
	return e
}

// mustCookieName panics unless name, the value of the option field, is a
// cookie name that net/http sends and browsers keep.
func mustCookieName(field, name string) {
	if !validToken(name) {
		panic(fmt.Sprintf("middleware: Options.%s %q is not a valid cookie name: use letters, digits and !#$%%&'*+-.^_`|~ (an RFC 6265 token)", field, name))
	}
}

// validToken reports whether s is an HTTP token (RFC 9110, section 5.6.2),
// the syntax of cookie names and header field names. It asks net/http's
// own cookie-name check, which http.SetCookie applies.
func validToken(s string) bool {
	return (&http.Cookie{Name: s}).Valid() == nil
}

// New returns net/http middleware, in the shape chi and most routers
// take, that gives every request an evaluator for set: after it, handlers
// call the generated accessors (flags.NewSearch(r.Context())). It panics
// as [NewEvaluators] does.
func New(set *runtime.Set, opts Options) func(http.Handler) http.Handler {
	return NewEvaluators(set, opts).Handler
}

// Set returns the flag set the evaluators evaluate.
func (e *Evaluators) Set() *runtime.Set { return e.set }

// Handler wraps next so that each request's context carries its
// evaluator, and each response the caching headers of the package
// documentation's "Caching".
func (e *Evaluators) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, e.Request(w, r))
	})
}

// Request returns r as the handler should see it: with its evaluator as
// its context (a *[runtime.Evaluator]), made by [Evaluators.For]. A
// request that has been through the middleware already (installed twice,
// or by another Evaluators for the same set) keeps the evaluator it has:
// Request returns r itself, and changes nothing on w. Adapters for other
// frameworks call it, as package ginflags does.
func (e *Evaluators) Request(w http.ResponseWriter, r *http.Request) *http.Request {
	if _, ok := e.set.Evaluator(r.Context()); ok {
		return r
	}
	return r.WithContext(e.fresh(w, r))
}

// For returns the evaluator for request r, whose context becomes its
// parent. It may set the visitor cookie on w, and sets the caching
// headers (see "Caching" in the package documentation). If r's context
// has an evaluator for the set already, For returns that one and changes
// nothing; [Evaluators.Request] then leaves r as it is, which keeps what
// other middleware added to its context since.
func (e *Evaluators) For(w http.ResponseWriter, r *http.Request) *runtime.Evaluator {
	if ev, ok := e.set.Evaluator(r.Context()); ok {
		return ev
	}
	return e.fresh(w, r)
}

// fresh is For for a request that has no evaluator yet. When r carries
// an override cookie, the evaluator's parent keeps it decoded, for an
// override endpoint behind the middleware (see [Evaluators.cookieOf]).
func (e *Evaluators) fresh(w http.ResponseWriter, r *http.Request) *runtime.Evaluator {
	e.cacheHeaders(w.Header())
	subject := e.subject(w, r)
	ctx := r.Context()
	cookie, ok := e.decodeCookie(r)
	if ok {
		ctx = &cookieContext{Context: ctx, e: e, cookie: cookie}
	}
	ev := e.set.NewEvaluator(ctx, subject, e.runtime)
	if ok || e.opts.Overrides.Header { // most requests carry no overrides
		if problem := errors.Join(cookie.err, e.applyOverrides(ev, r, cookie.pairs)); problem != nil {
			e.report(r, problem)
		}
	}
	return ev
}

// subject returns who r is for, minting a visitor id (and setting its
// cookie on w) when that is how r is identified.
func (e *Evaluators) subject(w http.ResponseWriter, r *http.Request) runtime.Subject {
	var subject runtime.Subject
	if e.opts.Subject != nil {
		subject = e.opts.Subject(r)
	}
	if subject.ID == "" && e.visitorCookie != "" {
		subject.ID, subject.Visitor = e.visitor(w, r), true
	}
	return subject
}

// decodedCookie is a request's override cookie, decoded.
type decodedCookie struct {
	pairs []pair // verified, in key order; nil when err is set
	err   error  // why the cookie is ignored, or nil
}

// decodeCookie decodes r's override cookie; ok is false when overrides
// are off or r has none. Of several cookies of the name (see
// [cookieValues]) the first that verifies counts, or, if none does, the
// first's problem. Every decode of a request's cookie goes through it,
// once per request: [Evaluators.cookieOf] reuses its result.
func (e *Evaluators) decodeCookie(r *http.Request) (c decodedCookie, ok bool) {
	if e.overrideCookie == "" {
		return c, false
	}
	n := 0
	for v := range cookieValues(r.Header["Cookie"], e.overrideCookie) {
		if n == 0 && e.decoded != nil {
			e.decoded()
		}
		pairs, err := decodeOverrides(e.secrets, e.overrideCookie, v, time.Now(), e.opts.Overrides.ttl())
		if err == nil {
			if len(pairs) > 0 && !e.authorized(r) {
				return decodedCookie{err: ErrOverrideUnauthorized}, true
			}
			return decodedCookie{pairs: pairs}, true
		}
		if n == 0 {
			c.err = err
		}
		if n++; n == maxOverrideCookies {
			break
		}
	}
	return c, n > 0
}

// cookieOf returns r's override cookie decoded: as e's middleware in front
// decoded it, or now.
func (e *Evaluators) cookieOf(r *http.Request) decodedCookie {
	if c, ok := r.Context().Value(cookieKey{e}).(*cookieContext); ok {
		return c.cookie
	}
	c, _ := e.decodeCookie(r)
	return c
}

// cookieKey finds the [cookieContext] of an Evaluators.
type cookieKey struct{ e *Evaluators }

// cookieContext is a request's context with the override cookie e
// decoded for it. The middleware puts it between the request's context
// and its evaluator, and only when the request has the cookie, so that a
// request without one costs nothing more.
type cookieContext struct {
	context.Context
	e      *Evaluators
	cookie decodedCookie
}

func (c *cookieContext) Value(key any) any {
	if k, ok := key.(cookieKey); ok && k.e == c.e {
		return c
	}
	return c.Context.Value(key)
}

// applyOverrides gives ev the verified cookie overrides pairs and the
// request's development header overrides, and returns the problems with
// them.
func (e *Evaluators) applyOverrides(ev *runtime.Evaluator, r *http.Request, pairs []pair) error {
	problem := apply(ev, pairs)
	if e.opts.Overrides.Header && len(r.Header[OverrideHeader]) > 0 {
		err := ErrOverrideUnauthorized
		if e.authorized(r) {
			var pairs []pair
			if pairs, err = parseOverrideHeader(strings.Join(r.Header[OverrideHeader], ",")); err == nil {
				err = apply(ev, pairs)
			}
		}
		problem = errors.Join(problem, err)
	}
	return problem
}

// authorized reports whether r may have the overrides it carries, as
// [Overrides.Authorize] says; callers ask only when r carries some.
func (e *Evaluators) authorized(r *http.Request) bool {
	return e.opts.Overrides.Authorize == nil || e.opts.Overrides.Authorize(r)
}

// apply sets each pair that names a flag and variant of ev's snapshot.
func apply(ev *runtime.Evaluator, pairs []pair) error {
	var unknown []string
	for _, p := range pairs {
		if !ev.Override(p.flag, p.variant) {
			unknown = append(unknown, p.flag+"="+p.variant)
		}
	}
	if unknown != nil {
		return fmt.Errorf("%w: %s", ErrOverrideUnknown, strings.Join(unknown, ", "))
	}
	return nil
}

func (e *Evaluators) report(r *http.Request, err error) {
	if e.opts.Error != nil {
		e.opts.Error(r, err)
		return
	}
	slog.Warn("flaggen: ignored flag overrides", "err", err, "path", r.URL.Path)
}

// visitor returns the request's visitor id, minting one (and setting the
// cookie) on a first visit.
func (e *Evaluators) visitor(w http.ResponseWriter, r *http.Request) string {
	for v := range cookieValues(r.Header["Cookie"], e.visitorCookie) {
		if validVisitorID(v) {
			return v
		}
	}
	var b [16]byte
	rand.Read(b[:])
	c := e.cookie(r, e.visitorCookie)
	c.Value = hex.EncodeToString(b[:])
	c.MaxAge = int(e.visitorMaxAge / time.Second)
	http.SetCookie(w, c)
	return c.Value
}

// validVisitorID reports whether v is an id visitor could have minted: 32
// lowercase hex digits. Anything else is replaced, so that no other kind
// of value reaches bucketing; the id is not signed, so a visitor can still
// write another such id and land in another bucket.
func validVisitorID(v string) bool {
	if len(v) != 32 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// cookie returns a cookie called name, to set in answer to r, with the
// attributes the visitor and override cookies share. It is Secure when r
// came over TLS, and always when browsers keep a cookie of that name only
// if it is Secure (the __Secure- and __Host- prefixes of RFC 6265bis).
func (e *Evaluators) cookie(r *http.Request, name string) *http.Cookie {
	secure := r.TLS != nil || e.opts.TrustProxy && forwardedHTTPS(r.Header) ||
		hasPrefixFold(name, "__Secure-") || hasPrefixFold(name, "__Host-")
	return &http.Cookie{Name: name, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

// forwardedHTTPS reports whether the X-Forwarded-Proto of h says the
// client's connection was https. Behind a chain of proxies, each may add
// its own hop's protocol (https, http), so the first element is the
// client's.
func forwardedHTTPS(h http.Header) bool {
	first, _, _ := strings.Cut(h.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(first), "https")
}

// hasPrefixFold reports whether s begins with prefix in any case, as
// browsers match cookie name prefixes (RFC 6265bis, "Cookie Name Prefixes"):
// __SECURE-id must be Secure too.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// Headers names the trusted headers [HeaderSubject] reads.
type Headers struct {
	// ID is the user id header; "" means X-User-ID.
	ID string
	// Groups is the comma-separated groups header; "" means X-User-Groups.
	Groups string
}

// HeaderSubject returns a subject extractor that reads the user id and
// groups from request headers, as the FastAPI middleware of flaggen's
// seeds did.
//
// Use it only behind a proxy that authenticates users, sets these headers
// itself and strips them from clients' requests: otherwise anyone can send
// X-User-Groups: employees and see what employees see. A request with
// more than one id line, which a proxy that adds its line rather than
// replacing the client's lets through, gets no subject. Name the headers
// in [Options.Vary] too, so that responses list them in Vary.
func HeaderSubject(h Headers) func(*http.Request) runtime.Subject {
	id := http.CanonicalHeaderKey(cmpOr(h.ID, "X-User-ID"))
	groups := http.CanonicalHeaderKey(cmpOr(h.Groups, "X-User-Groups"))
	return func(r *http.Request) runtime.Subject {
		var s runtime.Subject
		switch v := r.Header[id]; len(v) {
		case 0:
		case 1:
			s.ID = strings.TrimSpace(v[0])
		default:
			// A proxy that adds its id line instead of replacing the
			// client's leaves the client's first: believe neither, nor
			// the groups that came with them.
			return s
		}
		if v := r.Header[groups]; len(v) > 0 {
			for _, line := range v {
				for g := range strings.SplitSeq(line, ",") {
					if g = strings.TrimSpace(g); g != "" {
						s.Groups = append(s.Groups, g)
					}
				}
			}
		}
		return s
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SlogExposure returns an exposure hook that logs each exposure, once per
// request per flag, at level Info.
func SlogExposure(l *slog.Logger) func(context.Context, runtime.Exposure) {
	return func(ctx context.Context, e runtime.Exposure) {
		l := l
		if l == nil {
			l = slog.Default() // as it is now, not when the hook was made
		}
		l.LogAttrs(ctx, slog.LevelInfo, "flag exposure",
			slog.String("flag", e.Flag),
			slog.String("variant", e.Variant),
			slog.String("reason", e.Reason.String()),
			slog.String("subject", e.Subject))
	}
}
