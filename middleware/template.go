package middleware

import (
	"context"
	"html/template"

	"github.com/flaggen/flaggen/runtime"
)

// FuncMap returns html/template functions over set's string-keyed lookup,
// for the request whose context the template is given:
//
//	flag CTX KEY          the variant name the request gets, e.g. "variant_a"
//	ff   CTX KEY VARIANT  whether it gets that variant
//
// gatekeeper's {% if request.gk.ff('MY_NEW_FEATURE', 'VISIBLE') %} becomes
//
//	{{if ff .Ctx "my_new_feature" "VISIBLE"}} … {{end}}
//
// where .Ctx is the request's context (r.Context()) passed in the data.
func FuncMap(set *runtime.Set) template.FuncMap {
	return template.FuncMap{
		"flag": func(ctx context.Context, key string) string { return set.Lookup(ctx, key) },
		"ff":   func(ctx context.Context, key, variant string) bool { return set.Lookup(ctx, key) == variant },
	}
}
