package main

import (
	"net/http"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/flaggen/flaggen/examples/internal/app"
	"github.com/flaggen/flaggen/examples/internal/routertest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

func TestRouter(t *testing.T) {
	routertest.Run(t, func(s *app.Server) http.Handler { return newRouter(s) })
}
