// Command gin is flaggen's example server for gin: the seed scenarios of
// examples/internal/app behind the ginflags middleware, with the override
// endpoint under /_flags/. It needs no setup:
//
//	go run ./examples/gin
//	curl -s -H 'X-User-ID: 1' localhost:8080/
//	curl -s -H 'X-User-Groups: employees' 'localhost:8080/search?q=ap'
//
// Routes:
//
//	GET  /                              every flag's variant for the caller (JSON)
//	GET  /calendar/api/v1.0/whatistoday the holiday flag
//	GET  /checkout                      the new_checkout flag
//	GET  /search?q=                     the search ranking experiment
//	GET  /feature                       an html/template page that asks my_new_feature
//	GET  /_flags/                       the caller's flags, variants, reasons and overrides
//	POST /_flags/                       flag=KEY&variant=NAME sets an override cookie,
//	                                    variant= clears one, clear=all clears them all
//
// Who a request is for comes from the X-User-ID and X-User-Groups headers,
// as an authenticating proxy would set them; a request without X-User-ID
// gets a visitor id kept in the flaggen_visitor cookie. Exposures are
// logged to standard error.
//
// Environment:
//
//	PORT                 port to listen on; default 8080
//	FLAGGEN_SECRET       secret that signs override cookies (at least 32
//	                     bytes); default a random one per process, so that
//	                     overrides reset when the server restarts
//	FLAGGEN_DEV_HEADER   1 honours X-Flaggen-Override: search=variant_b,…
//	                     (development only: it is unsigned)
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/flaggen/flaggen/examples/internal/app"
	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/middleware/ginflags"
)

// config is what the router is built from.
type config struct {
	// Secrets sign and verify override cookies; the first signs.
	Secrets [][]byte
	// DevHeader honours the unsigned X-Flaggen-Override header.
	DevHeader bool
	// Log receives exposure and access logs; nil discards them.
	Log io.Writer
}

// adminGroups may use the override endpoint.
var adminGroups = []string{"employees", "developers"}

// newRouter returns the example's routes, wired to flags.Set.
func newRouter(cfg config) *gin.Engine {
	out := cfg.Log
	if out == nil {
		out = io.Discard
	}
	// X-User-ID and X-User-Groups are trusted: deploy behind a proxy that
	// authenticates users, sets these headers and strips them from clients.
	subject := middleware.HeaderSubject(middleware.Headers{})
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject:   subject,
		Anonymous: &middleware.AnonymousCookie{},
		Overrides: middleware.Overrides{Secrets: cfg.Secrets, Header: cfg.DevHeader},
		Exposure:  middleware.SlogExposure(slog.New(slog.NewTextHandler(out, nil))),
	})

	r := gin.New()
	r.Use(gin.LoggerWithWriter(out), gin.Recovery())

	// The override endpoint builds the caller's evaluator itself, so it is
	// mounted outside the flags middleware (which would otherwise give a
	// first-time visitor two visitor ids). Authorize trusts X-User-Groups,
	// exactly as the header subject does: it is only safe behind an
	// authenticating proxy that sets that header itself, since anyone who
	// can send X-User-Groups: developers could otherwise set overrides.
	r.Any("/_flags/*path", gin.WrapH(evs.Admin(middleware.AdminOptions{
		Authorize: func(r *http.Request) bool {
			return slices.ContainsFunc(subject(r).Groups, func(g string) bool { return slices.Contains(adminGroups, g) })
		},
	})))

	site := r.Group("/", ginflags.FromEvaluators(evs))
	site.GET("/", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Variants(c.Request.Context()))
	})
	site.GET("/calendar/api/v1.0/whatistoday", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Today(c.Request.Context()))
	})
	site.GET("/checkout", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Checkout(c.Request.Context()))
	})
	site.GET("/search", func(c *gin.Context) {
		c.JSON(http.StatusOK, app.Search(c.Request.Context(), c.Query("q")))
	})
	site.GET("/feature", func(c *gin.Context) {
		var page bytes.Buffer
		if err := app.FeaturePage(c.Request.Context(), &page); err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", page.Bytes())
	})
	return r
}

// loadConfig reads the environment. It returns the address to listen on.
func loadConfig(getenv func(string) string, log *slog.Logger) (cfg config, addr string, err error) {
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	addr = net.JoinHostPort("", port)
	if secret := getenv("FLAGGEN_SECRET"); secret != "" {
		if len(secret) < 32 {
			log.Warn("FLAGGEN_SECRET is shorter than 32 bytes; use a longer random secret")
		}
		cfg.Secrets = [][]byte{[]byte(secret)}
	} else {
		secret := make([]byte, 32)
		rand.Read(secret)
		cfg.Secrets = [][]byte{secret}
		log.Info("FLAGGEN_SECRET is not set: override cookies are signed with a random per-process secret, so overrides reset when the server restarts")
	}
	switch v := getenv("FLAGGEN_DEV_HEADER"); v {
	case "", "0":
	case "1":
		cfg.DevHeader = true
		log.Warn("FLAGGEN_DEV_HEADER=1: honouring the unsigned " + middleware.OverrideHeader + " header; never expose this server to visitors")
	default:
		return cfg, "", errors.New("FLAGGEN_DEV_HEADER must be 1 or 0, not " + v)
	}
	return cfg, addr, nil
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, addr, err := loadConfig(os.Getenv, log)
	if err != nil {
		return err
	}
	cfg.Log = os.Stderr
	srv := &http.Server{
		Addr:              addr,
		Handler:           newRouter(cfg),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", addr, "try", "curl -s -H 'X-User-ID: 1' localhost"+addr+"/")

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop() // a second signal kills the process at once
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
