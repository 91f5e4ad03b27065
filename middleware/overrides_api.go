package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/flaggen/flaggen/runtime"
)

// ErrOverridesOff is what [Evaluators.SetOverride] and
// [Evaluators.ClearOverrides] return, wrapped in an error that says what
// to set (test for it with [errors.Is]), when there are no
// [Overrides.Secrets] to sign the override cookie with.
var ErrOverridesOff = errors.New("flag overrides are not configured")

// overridesOff is [ErrOverridesOff] with what to do about it.
func overridesOff() error {
	return fmt.Errorf("%w: set Options.Overrides.Secrets (at least 32 random bytes) to sign the override cookie", ErrOverridesOff)
}

// SetOverride makes the browser that sent r see variant of flag from its
// next request on, by setting the signed override cookie on w; an empty
// variant clears the flag's override. The caller's other verified
// overrides are kept, and any that no longer name a flag and variant of
// the snapshot in force are dropped. It is what a POST of
// flag=KEY&variant=NAME to [Evaluators.OverrideHandler] does, for pages
// of the application's own (package dashboard's): such a page checks
// authorisation and cross-origin requests itself, as the endpoint does.
//
// It returns an error wrapping [ErrOverridesOff] when signed overrides
// are off, and an error that says what to send instead for an unknown
// flag or variant or for a cookie that would be larger than browsers
// keep; w is then left as it was.
func (e *Evaluators) SetOverride(w http.ResponseWriter, r *http.Request, flag, variant string) error {
	if flag == "" {
		return errors.New("no flag given: name the flag to override")
	}
	_, err := e.changeOverrides(w, r, overrideChange{flag: flag, variant: variant})
	return err
}

// ClearOverrides clears every override of the browser that sent r, by
// deleting the override cookie on w: what a POST of clear=all to
// [Evaluators.OverrideHandler] does. It returns an error wrapping
// [ErrOverridesOff] when signed overrides are off.
func (e *Evaluators) ClearOverrides(w http.ResponseWriter, r *http.Request) error {
	_, err := e.changeOverrides(w, r, overrideChange{clearAll: true})
	return err
}

// Overrides returns the verified cookie overrides r carries that are in
// force, by flag key: those that name a flag and variant of the snapshot
// in force. A change made with [Evaluators.SetOverride] shows from the
// browser's next request on. The map is new; it is empty, not nil, when
// there are none (or signed overrides are off, or the cookie does not
// verify). Behind the middleware it reads the cookie as the middleware
// decoded it.
func (e *Evaluators) Overrides(r *http.Request) map[string]string {
	return inForce(e.set.Snapshot(), e.cookieOf(r).pairs)
}

// Preview returns the evaluator of the caller of r as the override
// endpoint shows it: the subject the middleware in front found (or the
// one it would find, setting the visitor cookie on w if it mints an id),
// the caller's cookie and development header overrides, and no exposure
// hook, since showing a caller their flags is not serving them. Unlike
// [Evaluators.For], it sets no caching headers: a page that shows it sets
// its own. Problems with the overrides are reported to [Options.Error]
// unless the middleware in front has reported them.
func (e *Evaluators) Preview(w http.ResponseWriter, r *http.Request) *runtime.Evaluator {
	return e.preview(w, r, e.cookieOf(r))
}

// preview is [Evaluators.Preview] with the caller's override cookie as
// cookie: the one r carries, or the one about to replace it.
func (e *Evaluators) preview(w http.ResponseWriter, r *http.Request, cookie decodedCookie) *runtime.Evaluator {
	prev, behind := e.set.Evaluator(r.Context())
	var subject runtime.Subject
	if behind {
		subject = prev.Subject()
	} else {
		subject = e.subject(w, r)
	}
	ev := e.set.NewEvaluator(r.Context(), subject, e.quiet)
	problem := errors.Join(cookie.err, e.applyOverrides(ev, r, cookie.pairs))
	if problem != nil && !behind {
		e.report(r, problem)
	}
	return ev
}

// changeOverrides makes change to the caller's override cookie, setting
// the new one on w, and returns it decoded. It is the one path through
// which the endpoint, SetOverride and ClearOverrides write the cookie.
func (e *Evaluators) changeOverrides(w http.ResponseWriter, r *http.Request, change overrideChange) (decodedCookie, error) {
	if e.overrideCookie == "" {
		return decodedCookie{}, overridesOff()
	}
	snap := e.set.Snapshot()
	if change.flag != "" {
		if err := checkOverride(snap, change.flag, change.variant); err != nil {
			return decodedCookie{}, err
		}
	}
	// Start from the caller's verified overrides. An invalid cookie is
	// replaced; preview reports it, unless the middleware has.
	cookie := e.cookieOf(r)
	next := decodedCookie{pairs: change.apply(cookie.pairs, snap), err: cookie.err}
	c, err := e.newCookie(r, next.pairs)
	if err != nil {
		return decodedCookie{}, err
	}
	http.SetCookie(w, c)
	return next, nil
}

// newCookie returns the override cookie that holds pairs, or one that
// deletes it when there are none; an error says the cookie would be
// larger than browsers keep.
func (e *Evaluators) newCookie(r *http.Request, pairs []pair) (*http.Cookie, error) {
	c := e.cookie(r, e.overrideCookie)
	if len(pairs) == 0 {
		c.MaxAge = -1
		return c, nil
	}
	ttl := e.opts.Overrides.ttl()
	exp := time.Now().Add(ttl)
	c.Value = encodeOverrides(e.secrets[0], e.overrideCookie, pairs, exp)
	if n := len(c.Name) + len(c.Value); n > maxCookieLen {
		return nil, fmt.Errorf("too many overrides: their cookie would take %d bytes (name and value), more than the %d browsers keep; clear some first", n, maxCookieLen)
	}
	c.Expires = exp
	c.MaxAge = int(ttl / time.Second)
	return c, nil
}

// inForce returns the pairs that name a flag and variant of snap, by
// flag; the others are not honoured.
func inForce(snap *runtime.Snapshot, pairs []pair) map[string]string {
	m := make(map[string]string, len(pairs))
	for _, p := range pairs {
		if p.in(snap) {
			m[p.flag] = p.variant
		}
	}
	return m
}
