package middleware_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

// FuzzOverrideCookie sends the middleware Cookie lines made from a valid
// override cookie: none may crash it, and an override is honoured only
// from a line that carries the signed value as it was signed (a cookie
// has one spelling).
func FuzzOverrideCookie(f *testing.F) {
	valid := middleware.SignOverrides(secretNew, cookieName, time.Now().Add(time.Hour), "search", "variant_b")
	cut := strings.LastIndexByte(valid, '.')
	for _, line := range []string{
		cookieName + "=" + valid,
		"a=1; " + cookieName + `="` + valid + `"`,
		cookieName + "=" + valid[:cut+5] + "\r\n" + valid[cut+5:],
		cookieName + "=" + valid[:cut] + "." + flipPadding(valid[cut+1:]),
		cookieName + "=" + valid + "; " + cookieName + "=x",
		cookieName + "=" + strings.Repeat(".", 5000),
	} {
		f.Add(line)
	}
	h := middleware.New(flags.Set, middleware.Options{
		Subject:   middleware.HeaderSubject(middleware.Headers{}),
		Overrides: middleware.Overrides{Secrets: [][]byte{secretNew}},
		Error:     func(*http.Request, error) {},
	})(flagsHandler)
	f.Fuzz(func(t *testing.T, line string) {
		req := request("/", "X-User-ID: 11")
		req.Header["Cookie"] = []string{line}
		got, _ := serve(t, h, req)
		if got.Reason["search"] == "override" && !strings.Contains(line, valid) {
			t.Errorf("Cookie: %q: search overridden to %s, but the line does not hold the signed value %q", line, got.Variant["search"], valid)
		}
	})
}
