package middleware

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/flaggen/flaggen/runtime"
)

// AdminOptions configure the override endpoint.
type AdminOptions struct {
	// Authorize says whether a request may use the endpoint; nil denies
	// every request (403).
	Authorize func(*http.Request) bool
	// TrustedOrigins are origins, such as "https://admin.example.com",
	// whose cross-origin POSTs are accepted: a dashboard served from
	// another host, or a proxy that rewrites Host. Each must be
	// scheme://host[:port]; Admin panics on one that is not.
	TrustedOrigins []string
}

// maxAdminBody bounds the form a POST to the override endpoint may send.
const maxAdminBody = 64 << 10

// adminState is what the override endpoint answers: the caller's subject,
// every flag as the caller gets it, and the caller's cookie overrides.
type adminState struct {
	Subject   string            `json:"subject"`
	Flags     []adminFlag       `json:"flags"`
	Overrides map[string]string `json:"overrides"`
}

type adminFlag struct {
	Key      string   `json:"key"`
	Variants []string `json:"variants"`
	Variant  string   `json:"variant"`
	Reason   string   `json:"reason"`
	// Override is the caller's cookie override of the flag, if any; the
	// variant differs from it when the kill switch is on.
	Override string `json:"override,omitempty"`
}

// admin is the override endpoint of an [Evaluators].
type admin struct {
	e         *Evaluators
	authorize func(*http.Request) bool
	// quiet is e's runtime options without the exposure hook: showing a
	// caller their flags is not serving them.
	quiet *runtime.Options
	csrf  *http.CrossOriginProtection
}

// Admin returns the override endpoint, mountable anywhere (e.g. mux.Handle("/_flags/", evs.Admin(opts))); it handles every path under its mount the same way.
//
// Every request must pass opts.Authorize, or gets 403. GET (and HEAD)
// answers, as JSON, the caller's subject, each flag in snapshot order with
// its variants and the variant the caller gets and why, and the caller's
// verified cookie overrides; it never fires the exposure hook and never
// changes anything. A POST form changes the caller's override cookie:
//
//	flag=search&variant=variant_a   override one flag
//	flag=search&variant=            clear that flag's override
//	clear=all                       clear every override
//
// and answers the state as the caller will see it on its next request.
// POSTs from other sites are refused (403) by [http.CrossOriginProtection];
// an unknown flag or variant is a 400, and so is a change that would make
// the cookie larger than browsers keep (4096 bytes of name and value);
// with no [Overrides.Secrets] to sign the cookie, a POST is a 501. Answers
// are never cached (Cache-Control: no-store).
//
// It may be mounted behind [Evaluators.Handler] or beside it: it builds
// the caller's evaluator as the middleware does, keeping the subject the
// middleware found when there is one.
func (e *Evaluators) Admin(opts AdminOptions) http.Handler {
	quiet := &runtime.Options{}
	if e.runtime != nil {
		*quiet = *e.runtime
	}
	quiet.Exposure = nil
	csrf := http.NewCrossOriginProtection()
	for _, o := range opts.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			panic(fmt.Sprintf("middleware: AdminOptions.TrustedOrigins: %v", err))
		}
	}
	return &admin{e: e, authorize: opts.Authorize, quiet: quiet, csrf: csrf}
}

func (a *admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if a.authorize == nil || !a.authorize(r) {
		writeError(w, http.StatusForbidden, "not authorised to use the flag override endpoint")
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		a.get(w, r)
	case http.MethodPost:
		a.post(w, r)
	default:
		h.Set("Allow", "GET, HEAD, POST")
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed: use GET to read overrides, POST to change them")
	}
}

func (a *admin) get(w http.ResponseWriter, r *http.Request) {
	ev := a.e.rebuild(w, r, a.quiet)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, a.state(ev, a.cookieOverrides(r)))
}

func (a *admin) post(w http.ResponseWriter, r *http.Request) {
	if err := a.csrf.Check(r); err != nil {
		writeError(w, http.StatusForbidden, "cross-origin request refused: change overrides from a page on this site")
		return
	}
	e := a.e
	if e.overrideCookie == "" {
		writeError(w, http.StatusNotImplemented, "flag overrides are not configured: set Options.Overrides.Secrets (at least 32 random bytes) to sign the override cookie")
		return
	}
	form, err := parseAdminForm(w, r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}

	// Start from the caller's verified overrides; an invalid cookie is
	// reported and replaced.
	overrides := map[string]string{}
	if v, ok := cookieValue(r.Header["Cookie"], e.overrideCookie); ok {
		pairs, err := decodeOverrides(e.secrets, e.overrideCookie, v, time.Now())
		if err != nil {
			e.report(r, err)
		}
		for _, p := range pairs {
			overrides[p.flag] = p.variant
		}
	}
	snap := e.set.Snapshot()
	switch all := form["clear"]; {
	case len(all) == 0:
	case len(all) == 1 && all[0] == "all":
		clear(overrides)
	default:
		writeError(w, http.StatusBadRequest, "clear must be \"all\"")
		return
	}
	flag, variant := form["flag"], form["variant"]
	switch {
	case len(flag) > 1 || len(variant) > 1:
		writeError(w, http.StatusBadRequest, "send one flag and one variant per request")
		return
	case len(flag) == 1:
		if msg := checkOverride(snap, flag[0], variant); msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		if len(variant) == 0 || variant[0] == "" {
			delete(overrides, flag[0])
		} else {
			overrides[flag[0]] = variant[0]
		}
	case len(variant) == 1:
		writeError(w, http.StatusBadRequest, "variant needs a flag: send flag=KEY&variant=NAME (an empty variant clears the flag's override)")
		return
	case len(form["clear"]) == 0:
		writeError(w, http.StatusBadRequest, "nothing to change: send flag=KEY&variant=NAME, flag=KEY&variant= to clear one override, or clear=all")
		return
	}
	// Drop overrides that no longer name a flag and variant of the
	// snapshot (the flag was removed from the live configuration).
	var pairs []pair
	for _, k := range slices.Sorted(maps.Keys(overrides)) {
		if slices.Contains(snap.Variants(k), overrides[k]) {
			pairs = append(pairs, pair{k, overrides[k]})
		}
	}

	cookie := &http.Cookie{
		Name:     e.overrideCookie,
		Path:     "/",
		HttpOnly: true,
		Secure:   e.secure(r, e.overrideCookie),
		SameSite: http.SameSiteLaxMode,
	}
	if len(pairs) == 0 {
		cookie.MaxAge = -1
	} else {
		ttl := e.opts.Overrides.ttl()
		exp := time.Now().Add(ttl)
		cookie.Value = encodeOverrides(e.secrets[0], e.overrideCookie, pairs, exp)
		if n := len(cookie.Name) + len(cookie.Value); n > maxCookieLen {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("too many overrides: their cookie would take %d bytes (name and value), more than the %d browsers keep; clear some first", n, maxCookieLen))
			return
		}
		cookie.Expires = exp
		cookie.MaxAge = int(ttl / time.Second)
	}

	// Answer what the browser will see on its next request: this one with
	// the new cookie in place of the old.
	next := r.WithContext(r.Context())
	next.Header = r.Header.Clone()
	lines := withoutCookie(next.Header["Cookie"], e.overrideCookie)
	if cookie.Value != "" {
		lines = append(lines, cookie.Name+"="+cookie.Value)
	}
	next.Header["Cookie"] = lines
	verified := make(map[string]string, len(pairs))
	for _, p := range pairs {
		verified[p.flag] = p.variant
	}
	http.SetCookie(w, cookie)
	st := a.state(e.rebuild(w, next, a.quiet), verified)
	writeJSON(w, http.StatusOK, st)
}

// parseAdminForm parses the body of a POST as a URL-encoded or multipart
// form.
func parseAdminForm(w http.ResponseWriter, r *http.Request) (map[string][]string, error) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
		return nil, errors.New("send a form: Content-Type must be application/x-www-form-urlencoded or multipart/form-data")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(maxAdminBody)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return nil, fmt.Errorf("bad form: %v", err)
	}
	return r.PostForm, nil
}

// checkOverride returns what is wrong with overriding flag with variant
// (none or one value; empty clears), or "".
func checkOverride(snap *runtime.Snapshot, flag string, variant []string) string {
	names := snap.Variants(flag)
	if names == nil {
		return fmt.Sprintf("unknown flag %q: flags are %s", flag, strings.Join(snap.Keys(), ", "))
	}
	if len(variant) == 0 || variant[0] == "" || slices.Contains(names, variant[0]) {
		return ""
	}
	return fmt.Sprintf("flag %q has no variant %q: variants are %s (an empty variant clears the override)", flag, variant[0], strings.Join(names, ", "))
}

// cookieOverrides returns r's verified cookie overrides, without
// reporting problems: building r's evaluator reports them.
func (a *admin) cookieOverrides(r *http.Request) map[string]string {
	out := map[string]string{}
	e := a.e
	if e.overrideCookie == "" {
		return out
	}
	v, ok := cookieValue(r.Header["Cookie"], e.overrideCookie)
	if !ok {
		return out
	}
	pairs, err := decodeOverrides(e.secrets, e.overrideCookie, v, time.Now())
	if err != nil {
		return out
	}
	for _, p := range pairs {
		out[p.flag] = p.variant
	}
	return out
}

// state describes ev's flags. Overrides that name no flag or variant of
// ev's snapshot were not honoured, and are left out.
func (a *admin) state(ev *runtime.Evaluator, overrides map[string]string) adminState {
	snap := ev.Snapshot()
	st := adminState{Subject: ev.Subject().ID, Flags: []adminFlag{}, Overrides: map[string]string{}}
	for _, key := range snap.Keys() {
		variants := snap.Variants(key)
		variant, reason, _ := ev.Explain(key)
		f := adminFlag{Key: key, Variants: variants, Variant: variant, Reason: reason.String()}
		if o, ok := overrides[key]; ok && slices.Contains(variants, o) {
			f.Override = o
			st.Overrides[key] = o
		}
		st.Flags = append(st.Flags, f)
	}
	return st
}

// withoutCookie returns Cookie header lines without the named cookie.
func withoutCookie(lines []string, name string) []string {
	var out []string
	for _, line := range lines {
		var keep []string
		for part := range strings.SplitSeq(line, ";") {
			k, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if k != name && strings.TrimSpace(part) != "" {
				keep = append(keep, strings.TrimSpace(part))
			}
		}
		if keep != nil {
			out = append(out, strings.Join(keep, "; "))
		}
	}
	return out
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error": "encoding the answer failed"}`)
	}
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}
