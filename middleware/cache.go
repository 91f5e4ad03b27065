package middleware

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// cacheControl is the Cache-Control a response gets from the middleware:
// no shared cache may store it (private, RFC 9111 section 5.2.2.7), and
// the browser's own cache must ask the server before reusing it
// (no-cache, section 5.2.2.4), so that a kill switch or a new override
// shows at once while a handler's ETag can still earn a 304.
const cacheControl = "private, no-cache"

// varyLine returns the Vary line of the responses the middleware
// configured by opts serves, or nil when no request header chooses the
// variants; cookies says whether it reads cookies. It panics on a Vary
// entry that is not a header field name.
func varyLine(opts Options, cookies bool) []string {
	var names []string
	for _, v := range opts.Vary {
		if !validToken(v) {
			panic(fmt.Sprintf("middleware: Options.Vary: %q is not a header field name: list the request headers Subject reads, as named, e.g. X-User-ID", v))
		}
		names = append(names, http.CanonicalHeaderKey(v))
	}
	if cookies {
		names = append(names, "Cookie")
	}
	if opts.Overrides.Header {
		names = append(names, OverrideHeader)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return nil
	}
	return []string{strings.Join(names, ", ")}
}

// cacheHeaders gives h, the header of a response about to be served
// with an evaluator, the lines that keep shared caches from storing it.
// A Cache-Control that earlier middleware set and that forbids shared
// caches already (no-store, or private) stays as it is; any other is
// replaced. A field that a CDN obeys instead of Cache-Control (RFC
// 9213's CDN-Cache-Control, the vendors' own, and Surrogate-Control,
// which Fastly, Akamai and Varnish setups read) is judged the same way,
// but removed rather than replaced, leaving the CDN to Cache-Control.
// Vary lines others set are kept.
func (e *Evaluators) cacheHeaders(h http.Header) {
	if len(h) > 0 { // most responses have no header yet
		for _, k := range [...]string{"Cdn-Cache-Control", "Surrogate-Control", "Cloudflare-Cdn-Cache-Control", "Akamai-Cache-Control"} {
			if v, ok := h[k]; ok && !unshared(v) {
				delete(h, k)
			}
		}
	}
	if cc, ok := h["Cache-Control"]; !ok || !unshared(cc) {
		h["Cache-Control"] = e.cacheControl
	}
	if e.vary == nil {
		return
	}
	switch v, ok := h["Vary"]; {
	case !ok:
		h["Vary"] = e.vary
	case !slices.Contains(v, e.vary[0]):
		h["Vary"] = append(v[:len(v):len(v)], e.vary[0])
	}
}

// unshared reports whether the Cache-Control lines cc keep a response
// out of shared caches: they have no-store, or private with no field
// names (private="Set-Cookie" lets a shared cache store the rest).
func unshared(cc []string) bool {
	for _, line := range cc {
		for line != "" {
			var d string
			d, line = nextDirective(line)
			if d = strings.TrimSpace(d); strings.EqualFold(d, "no-store") || strings.EqualFold(d, "private") {
				return true
			}
		}
	}
	return false
}

// nextDirective splits line at its first comma outside a quoted string
// (RFC 9111, section 5.2: an argument may be a quoted-string, as in
// no-cache="Set-Cookie, private"), returning what comes before it and
// what after.
func nextDirective(line string) (directive, rest string) {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && quoted:
			i++ // a quoted-pair: skip the character it escapes
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			return line[:i], line[i+1:]
		}
	}
	return line, ""
}

// Shareable undoes the middleware's caching headers on the response w,
// for a handler whose response reads no flag and may be stored by shared
// caches. It deletes the Cache-Control the middleware set, unless the
// handler has changed it, and the middleware's line of Vary, keeping
// lines that others set (Vary: Origin, say). It also takes back the
// visitor cookie the middleware set for a first visit: a cache that
// stored the response with it would give every visitor that one id (the
// visitor gets one on its next request). Call it before the response is
// written, and set the Cache-Control the response should have.
//
// Only a response that reads no flag, no variant and no subject may be
// shared: once a handler calls Shareable, what it writes reaches every
// client of the cache.
func (e *Evaluators) Shareable(w http.ResponseWriter) {
	h := w.Header()
	if cc := h["Cache-Control"]; len(cc) == 1 && cc[0] == cacheControl {
		delete(h, "Cache-Control")
	}
	if e.visitorCookie != "" {
		prefix := e.visitorCookie + "="
		visitor := func(line string) bool { return strings.HasPrefix(line, prefix) }
		if sc := h["Set-Cookie"]; slices.ContainsFunc(sc, visitor) { // copied only when there is a line to take back
			if kept := slices.DeleteFunc(slices.Clone(sc), visitor); len(kept) > 0 {
				h["Set-Cookie"] = kept
			} else {
				delete(h, "Set-Cookie")
			}
		}
	}
	if e.vary == nil {
		return
	}
	v := h["Vary"]
	switch i := slices.Index(v, e.vary[0]); {
	case i < 0:
	case len(v) == 1:
		delete(h, "Vary")
	default:
		h["Vary"] = append(v[:i:i], v[i+1:]...)
	}
}
