// Command nethttp is flaggen's net/http example: a small server whose
// handlers read typed feature flags (flags.NewSearch(ctx),
// flags.NewCheckout(ctx), …) generated from the repository's flags.toml,
// evaluated per request by flaggen's net/http middleware (the handler
// [middleware.New] returns) in front of a plain http.ServeMux.
//
// It shows:
//
//   - who a request is for: the X-User-ID and X-User-Groups headers
//     ([middleware.HeaderSubject]), falling back to a random visitor id
//     kept in the flaggen_visitor cookie, so that a logged-out visitor
//     stays in the same rollout bucket from request to request;
//   - per-user overrides (my_new_feature is VISIBLE to users 1, 2 and 3),
//     group rules (employees see search variant_a, beta sees the new
//     checkout), a weighted split (search), a progressive schedule
//     (new_checkout) and an off toggle (holiday);
//   - the string-keyed lookup, as JSON on / and as the ff and flag
//     html/template functions on /feature;
//   - exposure logging: each flag a request reads is logged once, with the
//     variant and the reason, by [middleware.SlogExposure] on stderr;
//   - the override endpoint at /_flags/ ([middleware.Evaluators.Admin]),
//     which sets a signed cookie that pins a flag's variant for one
//     browser.
//
// # Running
//
// From the repository's root:
//
//	go run ./examples/nethttp
//
// The server listens on :8080, or on :$PORT if PORT is set. Other
// settings, all optional:
//
//	FLAGGEN_SECRET=…        signs override cookies (use 32+ random bytes);
//	                        without it a random secret is made at start,
//	                        so overrides reset when the server restarts
//	FLAGGEN_DEV_HEADER=1    honours the unsigned X-Flaggen-Override
//	                        header; never in production
//
// # Trying it
//
//	curl -s -H 'X-User-ID: 1' localhost:8080/          # my_new_feature VISIBLE
//	curl -s -H 'X-User-ID: 9' localhost:8080/          # my_new_feature NOT_VISIBLE
//	curl -s -H 'X-User-Groups: employees' 'localhost:8080/search?q=ap'
//	curl -s -H 'X-User-Groups: beta' localhost:8080/checkout
//	curl -s localhost:8080/calendar/api/v1.0/whatistoday
//	curl -s -H 'X-User-ID: 1' localhost:8080/feature
//
// Without X-User-ID a request gets a visitor cookie; keep it in a cookie
// jar to stay in the same bucket:
//
//	curl -s -c jar -b jar localhost:8080/
//
// # Overrides
//
// Members of the employees and developers groups may use /_flags/. GET
// lists the caller's flags, variants and overrides as JSON; a form POST
// sets (flag=…&variant=…) or clears (variant= empty, or clear=all) an
// override in a signed cookie:
//
//	curl -s -H 'X-User-Groups: developers' localhost:8080/_flags/
//	curl -s -c jar -b jar -H 'X-User-Groups: developers' \
//	    -d flag=search -d variant=variant_b localhost:8080/_flags/
//	curl -s -b jar 'localhost:8080/search?q=ap'        # ranking variant_b
//	curl -s -c jar -b jar -H 'X-User-Groups: developers' \
//	    -d flag=search -d variant= localhost:8080/_flags/
//
// With FLAGGEN_DEV_HEADER=1, a header does the same for one request:
//
//	curl -s -H 'X-Flaggen-Override: search=variant_b,holiday=on' localhost:8080/
//
// The groups come from a request header that anyone can send: run this
// only behind an authenticating proxy that sets X-User-ID and
// X-User-Groups itself and strips them from clients' requests.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/flaggen/flaggen/examples/internal/app"
	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/middleware"
)

// config is what the server is built from; main fills it from the
// environment.
type config struct {
	// addr is the address to listen on, e.g. ":8080".
	addr string
	// secret signs override cookies; nil means a random per-process
	// secret, so overrides do not survive a restart.
	secret []byte
	// devHeader honours the unsigned X-Flaggen-Override header.
	devHeader bool
	// log receives exposures, ignored overrides and the server's own
	// messages; nil means slog.Default().
	log *slog.Logger
	// clock is the time schedules are judged at; nil means time.Now.
	clock func() time.Time
}

// configFromEnv reads the server's settings from getenv.
func configFromEnv(getenv func(string) string, log *slog.Logger) config {
	cfg := config{addr: ":8080", devHeader: getenv("FLAGGEN_DEV_HEADER") == "1", log: log}
	if p := getenv("PORT"); p != "" {
		cfg.addr = ":" + p
	}
	if s := getenv("FLAGGEN_SECRET"); s != "" {
		cfg.secret = []byte(s)
	}
	return cfg
}

// newServer returns the example's handler: the app's routes behind the
// flag middleware, and the override endpoint at /_flags/.
func newServer(cfg config) http.Handler {
	log := cfg.log
	if log == nil {
		log = slog.Default()
	}
	secret := cfg.secret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
		log.Info("FLAGGEN_SECRET is not set: override cookies are signed with a random secret and reset when the server restarts")
	} else if len(secret) < 32 {
		log.Warn("FLAGGEN_SECRET is shorter than 32 bytes; use a longer random secret")
	}
	if cfg.devHeader {
		log.Warn("FLAGGEN_DEV_HEADER=1: the unsigned " + middleware.OverrideHeader + " header is honoured; never enable it where visitors can reach the server")
	}

	subject := middleware.HeaderSubject(middleware.Headers{})
	// One Evaluators serves both the middleware and the override endpoint,
	// so that both see the same subject, cookies and secrets.
	ev := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject:   subject,
		Anonymous: &middleware.AnonymousCookie{},
		Overrides: middleware.Overrides{
			Secrets: [][]byte{secret},
			Header:  cfg.devHeader,
		},
		Exposure: middleware.SlogExposure(log),
		Clock:    cfg.clock,
		Error: func(r *http.Request, err error) {
			log.Warn("ignored flag overrides", "err", err, "path", r.URL.Path)
		},
	})

	routes := http.NewServeMux()
	routes.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, log, app.Variants(r.Context()))
	})
	routes.HandleFunc("GET /calendar/api/v1.0/whatistoday", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, log, app.Today(r.Context()))
	})
	routes.HandleFunc("GET /checkout", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, log, app.Checkout(r.Context()))
	})
	routes.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, log, app.Search(r.Context(), r.URL.Query().Get("q")))
	})
	routes.HandleFunc("GET /feature", func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		if err := app.FeaturePage(r.Context(), &buf); err != nil {
			log.Error("render /feature", "err", err)
			http.Error(w, "internal server error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
	})

	mux := http.NewServeMux()
	// The endpoint builds the caller's evaluator itself, from the same
	// Evaluators, so it sits outside the middleware.
	mux.Handle("/_flags/", ev.Admin(middleware.AdminOptions{
		// Authorize trusts X-User-Groups exactly as HeaderSubject does: it
		// is only safe behind an authenticating proxy that sets the header
		// itself and strips it from clients' requests. Otherwise anyone
		// can send X-User-Groups: developers and override flags.
		Authorize: func(r *http.Request) bool {
			return slices.ContainsFunc(subject(r).Groups, func(g string) bool {
				return g == "employees" || g == "developers"
			})
		},
	}))
	mux.Handle("/", ev.Handler(routes))
	return mux
}

// writeJSON writes v as the JSON response. Flag-dependent answers differ
// by user and by cookie, so shared caches must not keep them.
func writeJSON(w http.ResponseWriter, log *slog.Logger, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		log.Error("encode response", "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(append(b, '\n'))
}

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, configFromEnv(os.Getenv, log)); err != nil {
		log.Error("server failed", "err", err)
		stop()
		os.Exit(1)
	}
}

// run serves cfg until ctx is done, then shuts the server down, giving
// requests in flight up to 10 seconds to finish.
func run(ctx context.Context, cfg config) error {
	if cfg.log == nil {
		cfg.log = slog.Default()
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newServer(cfg),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.log.Handler(), slog.LevelWarn),
	}
	cfg.log.Info("listening", "url", "http://"+displayAddr(ln.Addr())+"/")

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	cfg.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// displayAddr names a listening address the way a browser would reach it:
// localhost:8080 for the wildcard address [::]:8080.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
