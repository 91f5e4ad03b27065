package main

import (
	"net/http"
	"testing"

	"github.com/flaggen/flaggen/examples/internal/app"
	"github.com/flaggen/flaggen/examples/internal/routertest"
)

func TestRouter(t *testing.T) {
	routertest.Run(t, func(s *app.Server) http.Handler { return newRouter(s) },
		// chi answers HEAD with GET's handlers (middleware.GetHead), and
		// redirects to the mounts' trailing slash keeping the query.
		routertest.Route{Method: http.MethodHead, Path: "/checkout", Status: http.StatusOK},
		routertest.Route{Method: http.MethodGet, Path: "/_flags?x=1", Status: http.StatusTemporaryRedirect, Location: "/_flags/?x=1"},
		routertest.Route{Method: http.MethodGet, Path: "/_dashboard?x=1", Status: http.StatusTemporaryRedirect, Location: "/_dashboard/?x=1"},
	)
}
