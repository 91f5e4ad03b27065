package app

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
	"strings"
	"syscall"
	"time"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/generated/flags"
	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/store/redisstore"
)

// Config is what an example server is built from; [ConfigFromEnv] fills
// it from the environment. The zero value works: it listens on a random
// port, signs override cookies with a random secret and logs with slog's
// default logger.
type Config struct {
	// Addr is the address to listen on, e.g. ":8080".
	Addr string
	// Secret signs override cookies; empty means a random per-process
	// secret, so that overrides do not survive a restart.
	Secret []byte
	// DevHeader honours the unsigned X-Flaggen-Override header.
	DevHeader bool
	// Log receives exposures, ignored overrides, the handlers' errors and
	// the server's own messages; nil means slog.Default().
	Log *slog.Logger
	// Clock is the time schedules are judged at; nil means time.Now.
	Clock func() time.Time
	// File is a flags.toml to watch: its flags take effect as it
	// changes, without a restart ([Server.Watch]). Empty means the
	// compiled-in flags only.
	File string
	// Redis is the URL of a fleet's Redis store to follow
	// ([Server.Join]): redis://[user:password@]host:port/db, or
	// rediss://… for TLS. Empty means none. File and Redis exclude each
	// other.
	Redis string
	// Namespace is the fleet's namespace in that Redis; empty means
	// redisstore.DefaultNamespace.
	Namespace string
	// DemoUser stands in for the authenticating proxy the examples
	// expect, for a browser on the developer's own machine: a request
	// without X-User-ID and X-User-Groups gets the id and groups it names,
	// "ID:group,group" (e.g. "ana:developers,operators"). Never set it
	// where anyone else can reach the server.
	DemoUser string
}

// ConfigFromEnv reads the settings of an example server from getenv:
//
//	PORT                port to listen on; default 8080
//	FLAGGEN_SECRET      secret that signs override cookies; default none
//	                    (a random one per process)
//	FLAGGEN_DEV_HEADER  "1" honours the unsigned override header, "0" or
//	                    unset does not; anything else is an error
//	FLAGGEN_FILE        a flags.toml to watch for live changes; default
//	                    none (the compiled-in flags)
//	FLAGGEN_REDIS       a fleet's Redis store to follow, as a URL
//	                    (redis://host:port/db); default none. Not with
//	                    FLAGGEN_FILE
//	FLAGGEN_NAMESPACE   the fleet's namespace in that Redis; default
//	                    "flaggen"; ignored without FLAGGEN_REDIS
//	FLAGGEN_DEMO_USER   "ID:group,group": who a request without the
//	                    identity headers is, so that a browser can open
//	                    the dashboard locally; default none
//
// Log and Clock are left nil.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Addr: ":8080"}
	if p := getenv("PORT"); p != "" {
		cfg.Addr = ":" + p
	}
	if s := getenv("FLAGGEN_SECRET"); s != "" {
		cfg.Secret = []byte(s)
	}
	cfg.File = getenv("FLAGGEN_FILE")
	cfg.Redis = getenv("FLAGGEN_REDIS")
	cfg.Namespace = getenv("FLAGGEN_NAMESPACE")
	cfg.DemoUser = getenv("FLAGGEN_DEMO_USER")
	if cfg.DemoUser != "" && !strings.Contains(cfg.DemoUser, ":") {
		return Config{}, fmt.Errorf(`FLAGGEN_DEMO_USER must be "ID:group,group" (e.g. "ana:developers,operators"), not %q`, cfg.DemoUser)
	}
	if cfg.File != "" && cfg.Redis != "" {
		return Config{}, errors.New("FLAGGEN_FILE and FLAGGEN_REDIS are both set: a server follows one source of live flags; unset one")
	}
	switch v := getenv("FLAGGEN_DEV_HEADER"); v {
	case "", "0":
	case "1":
		cfg.DevHeader = true
	default:
		return Config{}, fmt.Errorf(`FLAGGEN_DEV_HEADER must be "1" (on) or "0" (off), not %q`, v)
	}
	return cfg, nil
}

// Server is what an example's routes are wired to. Its framework's
// middleware gives each request the evaluator Evaluators builds, and
// OverrideHandler serves /_flags/, beside that middleware or behind it.
type Server struct {
	// Evaluators builds each request's evaluator, for the middleware.
	Evaluators *middleware.Evaluators
	// OverrideHandler is the override endpoint, open to the groups
	// employees and developers.
	OverrideHandler http.Handler
	// Log is for the handlers' own errors.
	Log *slog.Logger
	// Feed keeps flags.Set up to date with a watched file or a fleet's
	// store; nil until [Server.Watch] or [Server.Join] starts one.
	Feed *live.Feed
	// Exposures counts the exposures the middleware logs, by flag and
	// variant, for the dashboard's bars; [Server.Join] adds them to the
	// fleet's.
	Exposures *dashboard.Counter
	// Store is the fleet's store once [Server.Join] has joined one; nil
	// before, and with none.
	Store *redisstore.Store

	clock func() time.Time // Config.Clock
}

// Dashboard returns the dashboard, which the examples mount at
// /_dashboard/ with http.StripPrefix: open to the groups that may
// override (employees, developers), with fleet operations for the group
// operators once the server joined a store ([Server.Join]), and the
// exposures counted here (fleet-wide with a store). Call it after Join.
func (s *Server) Dashboard() http.Handler {
	opts := dashboard.Options{
		Authorize: mayOverride,
		Operator:  mayOperate,
		Exposures: s.Exposures,
		Now:       s.clock,
	}
	if s.Store != nil {
		opts.Fleet = s.Store.Dashboard()
	}
	return dashboard.New(s.Evaluators, opts)
}

// Watch keeps flags.Set up to date with the flags.toml at path until ctx
// is done: each change takes effect for the requests that start after
// it, and is logged; a bad edit is logged and changes nothing. The
// feed's status is s.Feed, which the examples serve at /healthz/flags.
func (s *Server) Watch(ctx context.Context, path string) {
	s.Feed = live.WatchFile(ctx, flags.Set, path, live.Options{Logger: s.Log})
}

// Join keeps flags.Set up to date with the fleet whose Redis store is at
// url, namespace ns, until ctx is done: each write to the store (a push,
// a kill, a rollout…) takes effect for the requests that start after it,
// on every instance that joined, and is logged. While Redis is down the
// flags in force stay, and the instance catches up once it is back. The
// feed's status is s.Feed, which the examples serve at /healthz/flags.
// Only a malformed url is an error.
//
// The instance adds its exposure counts (s.Exposures) to the fleet's,
// and s.Store is the store, for the dashboard's fleet operations.
func (s *Server) Join(ctx context.Context, url, ns string) error {
	st, err := redisstore.Connect(url, ns)
	if err != nil {
		return err
	}
	s.Store = st
	src := &redisstore.Source{Store: st, Schema: flags.Set.Schema(), Logger: s.Log, Exposures: s.Exposures, CloseStore: true}
	s.Feed = live.Run(ctx, flags.Set, src, live.Options{Logger: s.Log})
	return nil
}

// Health serves the status of the watched file or the fleet's store as
// JSON (503 when it is failing or stale), or, with neither, says that the
// compiled-in flags are in force.
func (s *Server) Health() http.Handler {
	if s.Feed != nil {
		return s.Feed
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`{"state":"compiled-in","source":"","version":""}` + "\n"))
	})
}

// WriteJSON writes v as the JSON response of a net/http handler, and
// logs to s.Log a value that does not encode (answering 500). The
// middleware has marked the response private already: it depends on the
// caller's flags.
func (s *Server) WriteJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.Log.Error("encode response", "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}

// ServeFeature serves GET /feature for a net/http router: [FeaturePage]
// as text/html, or 500 when it does not render, logged to s.Log.
func (s *Server) ServeFeature(w http.ResponseWriter, r *http.Request) {
	var page bytes.Buffer
	if err := FeaturePage(r.Context(), &page); err != nil {
		s.Log.Error("render /feature", "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page.Bytes())
}

// subject says who a request is for: the X-User-ID and X-User-Groups
// headers, trusted as an authenticating proxy would set them.
var subject = middleware.HeaderSubject(middleware.Headers{})

// NewServer returns the flag evaluation that cfg describes: requests'
// subjects from the X-User-ID and X-User-Groups headers, falling back to
// the flaggen_visitor cookie; override cookies signed with cfg.Secret;
// exposures and ignored overrides logged to cfg.Log.
func NewServer(cfg Config) *Server {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	if cfg.DevHeader {
		log.Warn("FLAGGEN_DEV_HEADER=1: the unsigned " + middleware.OverrideHeader + " header is honoured; never enable it where visitors can reach the server")
	}
	counter := dashboard.NewCounter()
	// One Evaluators serves both the middleware and the override endpoint,
	// so that both see the same subject, cookies and secrets.
	evs := middleware.NewEvaluators(flags.Set, middleware.Options{
		Subject: subject,
		// The headers subject reads: every answer lists them in Vary.
		Vary:      []string{"X-User-ID", "X-User-Groups"},
		Anonymous: &middleware.AnonymousCookie{},
		Overrides: middleware.Overrides{
			Secrets: [][]byte{signingSecret(cfg.Secret, log)},
			Header:  cfg.DevHeader,
		},
		Exposure: dashboard.Exposures(counter.Exposure, middleware.SlogExposure(log)),
		Clock:    cfg.Clock,
		Error: func(r *http.Request, err error) {
			log.Warn("ignored flag overrides", "err", err, "path", r.URL.Path)
		},
	})
	return &Server{
		Evaluators:      evs,
		OverrideHandler: evs.OverrideHandler(middleware.OverrideHandlerOptions{Authorize: mayOverride}),
		Log:             log,
		Exposures:       counter,
		clock:           cfg.Clock,
	}
}

// signingSecret returns secret, or a random one when it is empty, and
// says what is wrong with it.
func signingSecret(secret []byte, log *slog.Logger) []byte {
	switch {
	case len(secret) == 0:
		secret = make([]byte, 32)
		rand.Read(secret)
		log.Info("FLAGGEN_SECRET is not set: override cookies are signed with a random secret and reset when the server restarts")
	case len(secret) < 32:
		log.Warn("FLAGGEN_SECRET is shorter than 32 bytes; use a longer random secret")
	}
	return secret
}

// mayOverride is the override endpoint's Authorize rule: members of the
// groups employees and developers may use it.
//
// It trusts X-User-Groups exactly as [subject] does: it is only safe behind
// an authenticating proxy that sets the header itself and strips it from
// clients' requests. Otherwise anyone can send X-User-Groups: developers
// and override flags.
func mayOverride(r *http.Request) bool {
	return slices.ContainsFunc(subject(r).Groups, func(g string) bool {
		return g == "employees" || g == "developers"
	})
}

// mayOperate is the dashboard's Operator rule: members of the group
// operators may operate the fleet, as the X-User-ID they send, or
// "anonymous". It trusts the headers as [mayOverride] does.
func mayOperate(r *http.Request) (who string, ok bool) {
	sub := subject(r)
	if !slices.Contains(sub.Groups, "operators") {
		return "", false
	}
	if sub.ID == "" {
		return "anonymous", true
	}
	return sub.ID, true
}

// Main runs an example server: it reads [Config] from the environment,
// builds the handler with newHandler, and serves it until SIGINT or
// SIGTERM. It exits with status 1 if the server fails.
func Main(newHandler func(*Server) http.Handler) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Once the first signal starts the shutdown, a second one kills the
	// process at once.
	context.AfterFunc(ctx, stop)
	cfg, err := ConfigFromEnv(os.Getenv)
	if err == nil {
		cfg.Log = log
		s := NewServer(cfg)
		switch {
		case cfg.File != "":
			s.Watch(ctx, cfg.File)
		case cfg.Redis != "":
			err = s.Join(ctx, cfg.Redis, cfg.Namespace)
		}
		if err == nil {
			h := newHandler(s)
			if cfg.DemoUser != "" {
				log.Warn("FLAGGEN_DEMO_USER is set: every request without identity headers is " + cfg.DemoUser + "; never where others can reach the server")
				h = DemoProxy(h, cfg.DemoUser)
			}
			err = Run(ctx, cfg, h)
		}
	}
	if err != nil {
		log.Error("server failed", "err", err)
		stop()
		os.Exit(1)
	}
}

// Run serves h on cfg.Addr until ctx is done, then shuts the server down,
// giving requests in flight up to 10 seconds to finish.
func Run(ctx context.Context, cfg Config, h http.Handler) error {
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return serve(ctx, ln, h, log)
}

// serve is [Run] on a listener.
func serve(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "url", "http://"+displayAddr(ln.Addr())+"/")

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
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

// DemoProxy stands in for the authenticating proxy the examples trust: a
// request that carries neither X-User-ID nor X-User-Groups gets the id
// and groups of user, "ID:group,group". Requests that carry either keep
// their own. It is for a browser on the developer's machine, which
// cannot set those headers itself (see Config.DemoUser).
func DemoProxy(h http.Handler, user string) http.Handler {
	id, groups, _ := strings.Cut(user, ":")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-User-ID") == "" && r.Header.Get("X-User-Groups") == "" {
			r = r.Clone(r.Context())
			r.Header.Set("X-User-ID", id)
			r.Header.Set("X-User-Groups", groups)
		}
		h.ServeHTTP(w, r)
	})
}
