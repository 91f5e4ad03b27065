package middleware

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/flaggen/flaggen/runtime"
)

// OverrideHandlerOptions configure the override endpoint
// ([Evaluators.OverrideHandler]).
type OverrideHandlerOptions struct {
	// Authorize says whether a request may use the endpoint; nil denies
	// every request (403).
	Authorize func(*http.Request) bool
	// TrustedOrigins are origins, such as "https://admin.example.com",
	// whose cross-origin POSTs are accepted: a dashboard served from
	// another host, or a proxy that rewrites Host. Each must be
	// scheme://host[:port]; OverrideHandler panics on one that is not.
	TrustedOrigins []string
}

// maxOverrideForm bounds the form a POST to the override endpoint may
// send.
const maxOverrideForm = 64 << 10

// overrideState is what the override endpoint answers: the caller's
// subject, every flag as the caller gets it, and the caller's cookie
// overrides.
type overrideState struct {
	Subject   string            `json:"subject"`
	Flags     []overrideFlag    `json:"flags"`
	Overrides map[string]string `json:"overrides"`
}

type overrideFlag struct {
	Key      string   `json:"key"`
	Variants []string `json:"variants"`
	Variant  string   `json:"variant"`
	Reason   string   `json:"reason"`
	// Override is the caller's cookie override of the flag, if any; the
	// variant differs from it when the kill switch is on.
	Override string `json:"override,omitempty"`
	// Values are the typed values the served variant carries, by name;
	// left out for a flag without values.
	Values map[string]any `json:"values,omitempty"`
}

// overrideHandler is the override endpoint of an [Evaluators].
type overrideHandler struct {
	e         *Evaluators
	authorize func(*http.Request) bool
	csrf      *http.CrossOriginProtection
}

// OverrideHandler returns the endpoint through which a browser overrides
// flags for itself, mountable anywhere (e.g. mux.Handle("/_flags/",
// evs.OverrideHandler(opts))); it handles every path under its mount the
// same way.
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
// a form larger than 64 KiB is a 413; with no [Overrides.Secrets] to sign
// the cookie, a POST is a 501. Answers are never cached (Cache-Control:
// no-store).
//
// It may be mounted behind [Evaluators.Handler] or beside it: it builds
// the caller's evaluator as the middleware does, keeping the subject the
// middleware found when there is one. Either way a request's override
// cookie is decoded once: behind the middleware, the endpoint uses what
// the middleware decoded.
func (e *Evaluators) OverrideHandler(opts OverrideHandlerOptions) http.Handler {
	csrf := http.NewCrossOriginProtection()
	for _, o := range opts.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			panic(fmt.Sprintf("middleware: OverrideHandlerOptions.TrustedOrigins: %v: write each origin as scheme://host[:port], e.g. https://admin.example.com", err))
		}
	}
	return &overrideHandler{e: e, authorize: opts.Authorize, csrf: csrf}
}

func (h *overrideHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if h.authorize == nil || !h.authorize(r) {
		writeError(w, http.StatusForbidden, "not authorised to use the flag override endpoint")
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		h.get(w, r)
	case http.MethodPost:
		h.post(w, r)
	default:
		hdr.Set("Allow", "GET, HEAD, POST")
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed: use GET to read overrides, POST to change them")
	}
}

func (h *overrideHandler) get(w http.ResponseWriter, r *http.Request) {
	cookie := h.e.cookieOf(r)
	ev := h.e.preview(w, r, cookie)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, h.state(ev, cookie.pairs))
}

func (h *overrideHandler) post(w http.ResponseWriter, r *http.Request) {
	if err := h.csrf.Check(r); err != nil {
		writeError(w, http.StatusForbidden, "cross-origin request refused: change overrides from a page on this site")
		return
	}
	if h.e.overrideCookie == "" {
		writeError(w, http.StatusNotImplemented, overridesOff().Error())
		return
	}
	form, code, err := parseOverrideForm(w, r)
	if err != nil {
		writeError(w, code, err.Error())
		return
	}
	change, err := parseChange(form, h.e.set.Snapshot())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	next, err := h.e.changeOverrides(w, r, change)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	// Answer what the browser will see on its next request: this one with
	// the new cookie's pairs in place of the old.
	writeJSON(w, http.StatusOK, h.state(h.e.preview(w, r, next), next.pairs))
}

// parseOverrideForm parses the body of a POST as a URL-encoded or
// multipart form. An error comes with the status to answer it with: 413
// for a form over [maxOverrideForm], else 400.
func parseOverrideForm(w http.ResponseWriter, r *http.Request) (url.Values, int, error) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
		return nil, http.StatusBadRequest, errors.New("send a form: Content-Type must be application/x-www-form-urlencoded or multipart/form-data")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxOverrideForm)
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(maxOverrideForm)
	} else {
		err = r.ParseForm()
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("form too large: send at most %d bytes (one flag=KEY&variant=NAME, or clear=all): %w", maxOverrideForm, err)
	}
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("bad form: %v", err)
	}
	return r.PostForm, 0, nil
}

// overrideChange is what a POST to the endpoint asks for.
type overrideChange struct {
	clearAll bool   // clear every override first
	flag     string // the flag to override, or "" for none
	variant  string // flag's new variant; "" clears its override
}

// parseChange reads the change form asks for, checked against snap; an
// error says what to send instead.
func parseChange(form url.Values, snap *runtime.Snapshot) (overrideChange, error) {
	var c overrideChange
	switch all := form["clear"]; {
	case len(all) == 0:
	case len(all) == 1 && all[0] == "all":
		c.clearAll = true
	default:
		return c, errors.New("clear must be \"all\"")
	}
	flag, variant := form["flag"], form["variant"]
	switch {
	case len(flag) > 1 || len(variant) > 1:
		return c, errors.New("send one flag and one variant per request")
	case len(flag) == 1:
		c.flag = flag[0]
		if len(variant) == 1 {
			c.variant = variant[0]
		}
		return c, checkOverride(snap, c.flag, c.variant)
	case len(variant) == 1:
		return c, errors.New("variant needs a flag: send flag=KEY&variant=NAME (an empty variant clears the flag's override)")
	case !c.clearAll:
		return c, errors.New("nothing to change: send flag=KEY&variant=NAME, flag=KEY&variant= to clear one override, or clear=all")
	}
	return c, nil
}

// checkOverride says what is wrong with overriding flag with variant
// ("" clears the override), or returns nil.
func checkOverride(snap *runtime.Snapshot, flag, variant string) error {
	names := snap.Variants(flag)
	if names == nil {
		return fmt.Errorf("unknown flag %q: flags are %s", flag, strings.Join(snap.Keys(), ", "))
	}
	if variant == "" || slices.Contains(names, variant) {
		return nil
	}
	return fmt.Errorf("flag %q has no variant %q: variants are %s (an empty variant clears the override)", flag, variant, strings.Join(names, ", "))
}

// apply returns pairs, in key order, with the change made. It leaves out
// the pairs that no longer name a flag and variant of snap (the flag was
// removed from the live configuration).
func (c overrideChange) apply(pairs []pair, snap *runtime.Snapshot) []pair {
	var out []pair
	if !c.clearAll {
		for _, p := range pairs {
			if p.flag != c.flag && p.in(snap) {
				out = append(out, p)
			}
		}
	}
	if c.flag != "" && c.variant != "" {
		out = append(out, pair{c.flag, c.variant})
	}
	slices.SortFunc(out, func(a, b pair) int { return strings.Compare(a.flag, b.flag) })
	return out
}

// state describes ev's flags and the cookie overrides pairs. Pairs that
// name no flag or variant of ev's snapshot were not honoured, and are left
// out.
func (h *overrideHandler) state(ev *runtime.Evaluator, pairs []pair) overrideState {
	snap := ev.Snapshot()
	st := overrideState{Subject: ev.Subject().ID, Flags: []overrideFlag{}, Overrides: inForce(snap, pairs)}
	for _, key := range snap.Keys() {
		x, _ := ev.Explain(key)
		f := overrideFlag{Key: key, Variants: snap.Variants(key), Variant: x.Variant, Reason: x.Reason.String(), Override: st.Overrides[key], Values: x.Values}
		st.Flags = append(st.Flags, f)
	}
	return st
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
