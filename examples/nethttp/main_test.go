package main

import (
	"net/http"
	"testing"

	"github.com/flaggen/flaggen/examples/internal/routertest"
)

func TestRouter(t *testing.T) {
	routertest.Run(t, newHandler,
		// net/http's ServeMux answers HEAD with GET's handlers, and
		// redirects to the mounts' trailing slash.
		routertest.Route{Method: http.MethodHead, Path: "/checkout", Status: http.StatusOK},
		routertest.Route{Method: http.MethodGet, Path: "/_flags", Status: http.StatusTemporaryRedirect, Location: "/_flags/"},
		routertest.Route{Method: http.MethodGet, Path: "/_dashboard", Status: http.StatusTemporaryRedirect, Location: "/_dashboard/"},
	)
}
