package middleware_test

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

var (
	secretNew     = []byte("0123456789abcdef0123456789abcdef")
	secretOld     = []byte("fedcba9876543210fedcba9876543210")
	secretRetired = []byte("retired-retired-retired-retired!")
)

const cookieName = "flaggen_overrides"

// flipPadding changes the last character of sig, the unpadded base64url
// of a 32-byte MAC, to the one that differs in its lowest bit: one of the
// two bits no byte of the MAC uses, which lenient decoding ignores.
func flipPadding(sig string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	return sig[:len(sig)-1] + string(alphabet[last^1])
}

// signed returns a valid override cookie header line.
func signed(secret []byte, exp time.Time, kv ...string) string {
	return "Cookie: " + cookieName + "=" + middleware.SignOverrides(secret, cookieName, exp, kv...)
}

func TestOverrideSecurity(t *testing.T) {
	t.Parallel()
	future := time.Now().Add(time.Hour)
	valid := middleware.SignOverrides(secretNew, cookieName, future, "search", "variant_b")
	payload, sig := valid[:strings.LastIndexByte(valid, '.')], valid[strings.LastIndexByte(valid, '.')+1:]
	otherPayload := middleware.SignOverrides(secretNew, cookieName, future, "search", "variant_a")
	otherPayload = otherPayload[:strings.LastIndexByte(otherPayload, '.')]
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	exp := strings.Split(payload, ".")[1]

	tests := []struct {
		name     string
		header   []string
		headerOn bool
		want     string // search variant served
		why      string
		wantErr  error // reported once; nil means nothing reported
	}{
		{"no override", nil, false, "control", "rollout", nil},
		{"signed with the first secret", []string{signed(secretNew, future, "search", "variant_b")}, false, "variant_b", "override", nil},
		{"signed with a rotated-out secret still listed", []string{signed(secretOld, future, "search", "variant_b")}, false, "variant_b", "override", nil},
		{"quoted value", []string{`Cookie: a=1; ` + cookieName + `="` + valid + `"`}, false, "variant_b", "override", nil},
		{"signed with a retired secret", []string{signed(secretRetired, future, "search", "variant_b")}, false, "control", "rollout", middleware.ErrOverrideSignature},
		{"tampered signature", []string{"Cookie: " + cookieName + "=" + payload + "." + flip(sig, 0)}, false, "control", "rollout", middleware.ErrOverrideSignature},
		{"signature's padding bits changed", []string{"Cookie: " + cookieName + "=" + payload + "." + flipPadding(sig)}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"line break in signature", []string{"Cookie: " + cookieName + "=" + payload + "." + sig[:10] + "\r\n" + sig[10:]}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"line break in payload", []string{"Cookie: " + cookieName + "=" + middleware.SignPayload(secretNew, cookieName, payload[:len(payload)-4]+"\n"+payload[len(payload)-4:])}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"tampered payload", []string{"Cookie: " + cookieName + "=" + otherPayload + "." + sig}, false, "control", "rollout", middleware.ErrOverrideSignature},
		{"extended expiry", []string{"Cookie: " + cookieName + "=" + strings.Replace(payload, exp, "9999999999", 1) + "." + sig}, false, "control", "rollout", middleware.ErrOverrideSignature},
		{"signed for another cookie name", []string{"Cookie: " + cookieName + "=" + middleware.SignOverrides(secretNew, "other", future, "search", "variant_b")}, false, "control", "rollout", middleware.ErrOverrideSignature},
		{"expired", []string{signed(secretNew, time.Now().Add(-time.Second), "search", "variant_b")}, false, "control", "rollout", middleware.ErrOverrideExpired},
		{"expiry beyond the TTL", []string{signed(secretNew, time.Now().Add(30*24*time.Hour), "search", "variant_b")}, false, "control", "rollout", middleware.ErrOverrideExpired},
		{"unknown flag", []string{signed(secretNew, future, "no_such_flag", "on")}, false, "control", "rollout", middleware.ErrOverrideUnknown},
		{"unknown variant", []string{signed(secretNew, future, "search", "variant_z")}, false, "control", "rollout", middleware.ErrOverrideUnknown},
		{"empty variant", []string{signed(secretNew, future, "search", "")}, false, "control", "rollout", middleware.ErrOverrideUnknown},
		{"10 kB cookie", []string{"Cookie: " + cookieName + "=" + strings.Repeat("a", 10<<10)}, false, "control", "rollout", middleware.ErrOverrideTooLarge},
		{"10 kB signed cookie", []string{signed(secretNew, future, "search", "variant_b", "x", strings.Repeat("y", 10<<10))}, false, "control", "rollout", middleware.ErrOverrideTooLarge},
		{"no dots", []string{"Cookie: " + cookieName + "=garbage"}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"empty", []string{"Cookie: " + cookieName + "="}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"bad base64 signature", []string{"Cookie: " + cookieName + "=" + payload + ".!!!"}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"short signature", []string{"Cookie: " + cookieName + "=" + payload + ".AAAA"}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"wrong version", []string{"Cookie: " + cookieName + "=" + middleware.SignPayload(secretNew, cookieName, "v2"+payload[2:])}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"extra field", []string{"Cookie: " + cookieName + "=" + middleware.SignPayload(secretNew, cookieName, "v1."+exp+".x."+strings.Split(payload, ".")[2])}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"bad expiry", []string{"Cookie: " + cookieName + "=" + middleware.SignPayload(secretNew, cookieName, "v1.soon."+strings.Split(payload, ".")[2])}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"bad base64 payload", []string{"Cookie: " + cookieName + "=" + middleware.SignPayload(secretNew, cookieName, "v1."+exp+".!!!")}, false, "control", "rollout", middleware.ErrOverrideMalformed},
		{"bad query", []string{"Cookie: " + cookieName + "=" + middleware.SignPayload(secretNew, cookieName, "v1."+exp+".c2VhcmNoPSV6eg")}, false, "control", "rollout", middleware.ErrOverrideMalformed},              // search=%zz
		{"repeated flag", []string{"Cookie: " + cookieName + "=" + middleware.SignPayload(secretNew, cookieName, "v1."+exp+".c2VhcmNoPWEmc2VhcmNoPWI")}, false, "control", "rollout", middleware.ErrOverrideMalformed}, // search=a&search=b
		{"header while disabled", []string{"X-Flaggen-Override: search=variant_b"}, false, "control", "rollout", nil},
		{"header while enabled", []string{"X-Flaggen-Override: search=variant_b"}, true, "variant_b", "override", nil},
		{"header on several lines", []string{"X-Flaggen-Override: holiday=on", "X-Flaggen-Override: search=variant_a"}, true, "variant_a", "override", nil},
		{"malformed header", []string{"X-Flaggen-Override: search"}, true, "control", "rollout", middleware.ErrOverrideHeader},
		{"header naming an unknown variant", []string{"X-Flaggen-Override: search=variant_z"}, true, "control", "rollout", middleware.ErrOverrideUnknown},
		{"header beats cookie", []string{signed(secretNew, future, "search", "variant_b"), "X-Flaggen-Override: search=variant_a"}, true, "variant_a", "override", nil},
		{"bad cookie and bad header: one report", []string{"Cookie: " + cookieName + "=garbage", "X-Flaggen-Override: search=variant_z"}, true, "control", "rollout", middleware.ErrOverrideMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log errorLog
			h := middleware.New(flags.Set, middleware.Options{
				Subject:   middleware.HeaderSubject(middleware.Headers{}),
				Overrides: middleware.Overrides{Secrets: [][]byte{secretNew, secretOld}, Header: tt.headerOn},
				Error:     log.report,
			})(flagsHandler)
			// User 11's bucket gets control.
			got, _ := serve(t, h, request("/", append([]string{"X-User-ID: 11"}, tt.header...)...))
			if got.Variant["search"] != tt.want || got.Reason["search"] != tt.why {
				t.Errorf("search: got %s (%s), want %s (%s)", got.Variant["search"], got.Reason["search"], tt.want, tt.why)
			}
			errs := log.take()
			switch {
			case tt.name == "malformed header" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), "X-Flaggen-Override")):
				t.Errorf("reported: got %v, want one error about the header", errs)
			case tt.wantErr == nil:
				if len(errs) != 0 {
					t.Errorf("reported: got %v, want nothing", errs)
				}
			case len(errs) != 1:
				t.Errorf("reported: got %d errors %v, want one", len(errs), errs)
			case !errors.Is(errs[0], tt.wantErr):
				t.Errorf("reported: got %v, want %v", errs[0], tt.wantErr)
			}
		})
	}
}

// TestOverrideAuthorize: with Overrides.Authorize, overrides are honoured
// only for requests it accepts, and it is asked only of requests that
// carry some: revoking a developer's access ends their overrides at once.
func TestOverrideAuthorize(t *testing.T) {
	t.Parallel()
	future := time.Now().Add(time.Hour)
	var asked atomic.Int64
	var log errorLog
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject: middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}, Header: true, Authorize: func(r *http.Request) bool {
			asked.Add(1)
			return slices.Contains(strings.Split(r.Header.Get("X-User-Groups"), ","), "developers")
		}},
		Error: log.report,
	})
	h := evs.Handler(flagsHandler)
	for _, tt := range []struct {
		name      string
		header    []string
		want, why string
		asked     int64
		wantErr   error
	}{
		{"no overrides: not asked", nil, "control", "rollout", 0, nil},
		{"a developer's cookie", []string{"X-User-Groups: developers", signed(secretNew, future, "search", "variant_b")}, "variant_b", "override", 1, nil},
		{"access revoked, cookie kept", []string{signed(secretNew, future, "search", "variant_b")}, "control", "rollout", 1, middleware.ErrOverrideUnauthorized},
		{"a forged cookie: not asked", []string{"Cookie: " + cookieName + "=garbage"}, "control", "rollout", 0, middleware.ErrOverrideMalformed},
		{"the header, refused", []string{"X-Flaggen-Override: search=variant_a"}, "control", "rollout", 1, middleware.ErrOverrideUnauthorized},
		{"the header, a developer", []string{"X-User-Groups: developers", "X-Flaggen-Override: search=variant_a"}, "variant_a", "override", 1, nil},
	} {
		asked.Store(0)
		got, _ := serve(t, h, request("/", append([]string{"X-User-ID: 11"}, tt.header...)...)) // user 11's bucket gets control
		if got.Variant["search"] != tt.want || got.Reason["search"] != tt.why {
			t.Errorf("%s: search: got %s (%s), want %s (%s)", tt.name, got.Variant["search"], got.Reason["search"], tt.want, tt.why)
		}
		if n := asked.Load(); n != tt.asked {
			t.Errorf("%s: Authorize asked %d times, want %d", tt.name, n, tt.asked)
		}
		// Every reader of the cookie agrees with the middleware.
		asked.Store(0)
		if in := evs.Overrides(request("/", tt.header...)); (len(in) > 0) != (tt.why == "override" && !strings.HasPrefix(tt.name, "the header")) {
			t.Errorf("%s: Overrides(r) = %v", tt.name, in)
		}
		errs := log.take()
		switch {
		case tt.wantErr == nil && len(errs) != 0:
			t.Errorf("%s: reported %v, want nothing", tt.name, errs)
		case tt.wantErr != nil && (len(errs) != 1 || !errors.Is(errs[0], tt.wantErr)):
			t.Errorf("%s: reported %v, want %v", tt.name, errs, tt.wantErr)
		}
	}
}

// TestOverrideKeepsKnownPairs checks that a cookie naming a flag that has
// since gone still applies its other pairs, and reports the stale one.
func TestOverrideKeepsKnownPairs(t *testing.T) {
	t.Parallel()
	var log errorLog
	h := middleware.New(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}},
		Error:     log.report,
	})(flagsHandler)
	got, _ := serve(t, h, request("/", "X-User-ID: 11", signed(secretNew, time.Now().Add(time.Hour), "gone", "on", "holiday", "on")))
	if got.Variant["holiday"] != "on" || got.Reason["holiday"] != "override" {
		t.Errorf("holiday: got %s (%s), want on (override)", got.Variant["holiday"], got.Reason["holiday"])
	}
	if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], middleware.ErrOverrideUnknown) || !strings.Contains(errs[0].Error(), "gone=on") {
		t.Errorf("reported: got %v, want one ErrOverrideUnknown naming gone=on", errs)
	}
}

// TestOverrideNoSecrets checks that without secrets, or with only empty
// ones (whose MAC anyone can compute), cookies are not read.
func TestOverrideNoSecrets(t *testing.T) {
	t.Parallel()
	for _, secrets := range [][][]byte{nil, {{}}, {nil, {}}} {
		var log errorLog
		h := middleware.New(flags.Set, middleware.Options{
			Subject:   middleware.HeaderSubject(middleware.Headers{}),
			Overrides: middleware.Overrides{Secrets: secrets},
			Error:     log.report,
		})(flagsHandler)
		got, _ := serve(t, h, request("/", "X-User-ID: 11", signed(nil, time.Now().Add(time.Hour), "search", "variant_b")))
		if got.Variant["search"] != "control" || got.Reason["search"] != "rollout" {
			t.Errorf("secrets %q: search: got %s (%s), want control (rollout)", secrets, got.Variant["search"], got.Reason["search"])
		}
		if errs := log.take(); len(errs) != 0 {
			t.Errorf("secrets %q: reported %v, want nothing", secrets, errs)
		}
	}
}

// TestOverrideCustomCookie checks Overrides.Cookie.
func TestOverrideCustomCookie(t *testing.T) {
	t.Parallel()
	h := middleware.New(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}, Cookie: "ff"},
	})(flagsHandler)
	v := middleware.SignOverrides(secretNew, "ff", time.Now().Add(time.Hour), "search", "variant_b")
	got, _ := serve(t, h, request("/", "X-User-ID: 11", "Cookie: "+cookieName+"="+v, "Cookie: ff="+v))
	if got.Variant["search"] != "variant_b" {
		t.Errorf("search: got %s, want variant_b", got.Variant["search"])
	}
}

// TestOverrideDefaultReporter checks that with no Options.Error, ignored
// overrides are logged rather than failing the request.
func TestOverrideDefaultReporter(t *testing.T) {
	t.Parallel()
	h := middleware.New(flags.Set, middleware.Options{Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}}})(flagsHandler)
	got, _ := serve(t, h, request("/", "Cookie: "+cookieName+"=garbage"))
	if got.Reason["search"] == "override" {
		t.Errorf("search: got reason override, want the garbage cookie ignored")
	}
}

// TestOverrideCookieSize: browsers keep a cookie whose name and value
// together take at most 4096 bytes (RFC 6265bis, section 5.7), so that is
// what the endpoint may set and what the middleware reads.
func TestOverrideCookieSize(t *testing.T) {
	t.Parallel()
	// A long cookie name leaves little room for the value: the overrides
	// below take some 80 bytes.
	long := strings.Repeat("n", 4050)
	var log errorLog
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}, Cookie: long},
		Error:     log.report,
	})

	t.Run("read", func(t *testing.T) {
		v := middleware.SignOverrides(secretNew, long, time.Now().Add(time.Hour), "search", "variant_b")
		if n := len(long) + len(v); n <= 4096 || len(v) > 4096 {
			t.Fatalf("cookie: name and value take %d bytes, value %d; want more than 4096 together, the value alone less", n, len(v))
		}
		got, _ := serve(t, evs.Handler(flagsHandler), request("/", "X-User-ID: 11", "Cookie: "+long+"="+v))
		if got.Variant["search"] != "control" {
			t.Errorf("search: got %s (%s), want control: the cookie is larger than a browser keeps", got.Variant["search"], got.Reason["search"])
		}
		if errs := log.take(); len(errs) != 1 || !errors.Is(errs[0], middleware.ErrOverrideTooLarge) {
			t.Errorf("reported: got %v, want ErrOverrideTooLarge", errs)
		}
	})

	t.Run("set", func(t *testing.T) {
		rec := httptest.NewRecorder()
		evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff}).ServeHTTP(rec, post("flag=search&variant=variant_b"))
		var answer struct{ Error string }
		json.Unmarshal(rec.Body.Bytes(), &answer)
		if rec.Code != http.StatusBadRequest || !strings.Contains(answer.Error, "4096") {
			t.Errorf("POST: got status %d, error %q; want 400 saying the cookie would take more than 4096 bytes", rec.Code, answer.Error)
		}
		if c := rec.Result().Cookies(); len(c) != 0 {
			t.Errorf("Set-Cookie: got %d cookies, want none", len(c))
		}
	})
}

// TestOverrideLongestTTL: a cookie set under the longest TTL there is
// (math.MaxInt64, "forever") is honoured, not refused as lasting longer
// than the TTL allows.
func TestOverrideLongestTTL(t *testing.T) {
	t.Parallel()
	var log errorLog
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}, TTL: math.MaxInt64},
		Error:     log.report,
	})
	rec := httptest.NewRecorder()
	evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: staff}).ServeHTTP(rec, post("flag=search&variant=variant_b"))
	c := cookieNamed(rec.Result(), cookieName)
	if c == nil {
		t.Fatalf("POST: got no override cookie (status %d, %s)", rec.Code, rec.Body)
	}
	got, _ := serve(t, evs.Handler(flagsHandler), request("/", "X-User-ID: 11", "Cookie: "+cookieName+"="+c.Value))
	if got.Variant["search"] != "variant_b" {
		t.Errorf("search: got %s (%s), want variant_b (override); reported %v", got.Variant["search"], got.Reason["search"], log.take())
	}
}
