package middleware

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flaggen/flaggen/runtime"
)

// Overrides configures signed browser overrides: a cookie, set from the
// [Evaluators.OverrideHandler] endpoint, that maps flags to variants for
// one browser. The zero value turns them off.
type Overrides struct {
	// Secrets sign and verify the cookie with HMAC-SHA256. The first signs;
	// any verifies, so a secret can be rotated out: put the new one first
	// and drop the old one once cookies signed with it have expired. Empty
	// secrets are ignored; with no others, override cookies are ignored and
	// cannot be set. Use at least 32 random bytes.
	Secrets [][]byte
	// Cookie is the cookie's name; "" means "flaggen_overrides". It must
	// be a valid cookie name (an RFC 6265 token), and the cookie is always
	// Secure if it starts with __Secure- or __Host- (in any case), as
	// browsers require.
	Cookie string
	// TTL is how long a cookie stays valid after it is set; 0 means 7 days.
	// Shortening it shortens the cookies set before: one whose signed
	// expiry is further than TTL ahead is ignored as expired.
	TTL time.Duration
	// Header honours X-Flaggen-Override: search=variant_a,new_checkout=on,
	// unsigned, for tests and local development. Never enable it where
	// visitors can reach the server.
	Header bool
	// Authorize, if not nil, is asked of each request that carries
	// overrides (a cookie that verifies, or the header), and they are
	// honoured only if it says yes; otherwise they are ignored and
	// reported as [ErrOverrideUnauthorized]. Pass the endpoint's
	// [OverrideHandlerOptions.Authorize], so that revoking someone's
	// access ends the overrides they set at once, not when their cookie
	// expires. nil honours every override that verifies.
	Authorize func(*http.Request) bool
}

// OverrideHeader is the development override header, honoured only when
// [Overrides.Header] is set.
const OverrideHeader = "X-Flaggen-Override"

const (
	defaultOverrideCookie = "flaggen_overrides"
	defaultOverrideTTL    = 7 * 24 * time.Hour
	// maxCookieLen bounds an override cookie's name and value together:
	// browsers keep no larger cookie (RFC 6265bis, section 5.7; each
	// attribute value may take another 1024 bytes, which ours never
	// approach). The endpoint sets no larger cookie; the middleware parses
	// none.
	maxCookieLen  = 4096
	cookieVersion = "v1"
	// maxOverrideCookies bounds how many override cookies of a request
	// are verified, each at the cost of an HMAC per secret: a browser
	// sends a few at most (one per matching domain and path).
	maxOverrideCookies = 4
	// maxClockSkew is how far ahead of this instance's clock the clock of
	// the instance that set a cookie may run: a cookie may expire up to
	// TTL plus this much from now.
	maxClockSkew = 5 * time.Minute
)

func (o *Overrides) cookieName() string {
	if o.Cookie == "" {
		return defaultOverrideCookie
	}
	return o.Cookie
}

func (o *Overrides) ttl() time.Duration {
	if o.TTL <= 0 {
		return defaultOverrideTTL
	}
	return o.TTL
}

// Errors reported for override cookies that are ignored.
var (
	ErrOverrideMalformed = errors.New("override cookie is malformed")
	ErrOverrideSignature = errors.New("override cookie signature does not verify")
	ErrOverrideExpired   = errors.New("override cookie has expired")
	ErrOverrideTooLarge  = errors.New("override cookie is too large")
	ErrOverrideUnknown   = errors.New("override names an unknown flag or variant")
	ErrOverrideHeader    = errors.New("override header is malformed")
	// ErrOverrideUnauthorized: [Overrides.Authorize] refused the request.
	ErrOverrideUnauthorized = errors.New("overrides are not authorised for this request (Overrides.Authorize said no)")
)

// pair is one override: flag key → variant name.
type pair struct{ flag, variant string }

// in reports whether p names a flag and variant of snap: an override
// that is honoured.
func (p pair) in(snap *runtime.Snapshot) bool {
	return slices.Contains(snap.Variants(p.flag), p.variant)
}

// encodeOverrides signs pairs into a cookie value that expires at exp:
//
//	v1.<expiry, Unix seconds>.<base64url(url-encoded flag=variant&…)>.<base64url(HMAC-SHA256)>
//
// The MAC covers the cookie's name and everything before it.
func encodeOverrides(secret []byte, name string, pairs []pair, exp time.Time) string {
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].flag < pairs[j].flag })
	q := url.Values{}
	for _, p := range pairs {
		q.Set(p.flag, p.variant)
	}
	payload := cookieVersion + "." + strconv.FormatInt(exp.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString([]byte(q.Encode()))
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac(secret, name, payload))
}

func mac(secret []byte, name, payload string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("flaggen override\x00" + name + "\x00" + payload))
	return m.Sum(nil)
}

// strictBase64 decodes what encodeOverrides encodes and nothing else: it
// refuses an encoding whose unused trailing bits are set, so that a
// signature has one spelling and cannot be altered and still verify. It
// still skips CR and LF, as every encoding/base64 decoder does; that is
// left to [cookieSyntax].
var strictBase64 = base64.RawURLEncoding.Strict()

// cookieSyntax reports whether value is made only of what encodeOverrides
// writes: base64url digits, decimal digits and dots. Checked before
// anything is decoded, it keeps out the CR and LF that [strictBase64]
// would skip, so that a cookie has one spelling.
func cookieSyntax(value string) bool {
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// decodeOverrides verifies a cookie value against secrets and returns its
// pairs in key order. It checks size, form and signature before it parses
// anything the signature covers. A cookie expires when its signed expiry
// has passed, or lies further than ttl (and [maxClockSkew]) ahead of now:
// it was set for longer than the TTL now in force allows.
func decodeOverrides(secrets [][]byte, name, value string, now time.Time, ttl time.Duration) ([]pair, error) {
	if len(name)+len(value) > maxCookieLen {
		return nil, ErrOverrideTooLarge
	}
	cut := strings.LastIndexByte(value, '.')
	if cut < 0 || !cookieSyntax(value) {
		return nil, ErrOverrideMalformed
	}
	payload, sig := value[:cut], value[cut+1:]
	got, err := strictBase64.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return nil, ErrOverrideMalformed
	}
	ok := false
	for _, s := range secrets {
		if hmac.Equal(got, mac(s, name, payload)) {
			ok = true
			break
		}
	}
	if !ok {
		return nil, ErrOverrideSignature
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || parts[0] != cookieVersion {
		return nil, ErrOverrideMalformed
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, ErrOverrideMalformed
	}
	if !now.Before(time.Unix(exp, 0)) {
		return nil, ErrOverrideExpired
	}
	if ahead := time.Unix(exp, 0).Sub(now); ahead-maxClockSkew > ttl { // ahead > 0, so this cannot overflow as ttl+maxClockSkew may
		return nil, fmt.Errorf("%w: it lasts further ahead than Overrides.TTL (%v) allows, as one set before the TTL was shortened does; the browser must set its overrides again", ErrOverrideExpired, ttl)
	}
	raw, err := strictBase64.DecodeString(parts[2])
	if err != nil {
		return nil, ErrOverrideMalformed
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, ErrOverrideMalformed
	}
	pairs := make([]pair, 0, len(q))
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, ErrOverrideMalformed
		}
		pairs = append(pairs, pair{k, vs[0]})
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].flag < pairs[j].flag })
	return pairs, nil
}

// parseOverrideHeader parses "search=variant_a, new_checkout=on".
func parseOverrideHeader(h string) ([]pair, error) {
	var pairs []pair
	for _, item := range strings.Split(h, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%w: %s: %q is not flag=variant", ErrOverrideHeader, OverrideHeader, item)
		}
		pairs = append(pairs, pair{k, v})
	}
	return pairs, nil
}

// cookieValues yields the values of the cookies called name in a
// request's Cookie header lines, in the order sent, without parsing the
// others (http.Request.Cookie allocates for every cookie in the header).
// A browser sends one for each domain and path that match, the most
// specific first, so an old or foreign cookie of the name may come first.
func cookieValues(header []string, name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, line := range header {
			for line != "" {
				var part string
				part, line, _ = strings.Cut(line, ";")
				part = strings.TrimSpace(part)
				k, v, ok := strings.Cut(part, "=")
				if !ok || k != name {
					continue
				}
				if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
					v = v[1 : len(v)-1]
				}
				if !yield(v) {
					return
				}
			}
		}
	}
}
