package dashboard

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flaggen/flaggen/internal/suggest"
	"github.com/flaggen/flaggen/middleware"
	"github.com/flaggen/flaggen/runtime"
)

//go:embed templates/*.html static/*
var assets embed.FS

// page is the dashboard's template, parsed once.
var page = template.Must(template.New("page.html").ParseFS(assets, "templates/page.html"))

// headers are set on every response of the dashboard.
var headers = [][2]string{
	{"Cache-Control", "no-store"},
	{"Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "same-origin"},
}

// Limits of what a POST may send and what the page echoes back.
const (
	maxForm    = 64 << 10
	maxMessage = 300
	// maxTrails is how many flags' audit trails the page fetches; a
	// longer listing links each flag's page instead.
	maxTrails = 50
	// trailLen is how many audit entries a flag's trail shows.
	trailLen = 10
)

// actions are the fleet operations the op form may ask for.
var actions = []string{"kill", "unkill", "enable", "disable", "rollout", "split", "schedule"}

// handler is the dashboard.
type handler struct {
	evs  *middleware.Evaluators
	opts Options
	mux  *http.ServeMux
	csrf *http.CrossOriginProtection
	// bufs holds page buffers for reuse: a page of 1,000 flags is a few
	// megabytes.
	bufs sync.Pool
}

// New returns the dashboard of the set evs evaluates. Mount it under a
// prefix with http.StripPrefix; its links are relative. It panics, as
// middleware.OverrideHandler does, on a nil evs and on a trusted origin
// that is not scheme://host[:port].
//
// It answers, relative to its mount point:
//
//	GET  /              the page; ?q= keeps the flags whose key, description or owner hold it
//	GET  /flag/{key}    the page of one flag
//	GET  /static/{file} its stylesheet and script
//	POST /override      this browser's overrides (see the package documentation)
//	POST /op            a fleet operation, for operators
func New(evs *middleware.Evaluators, opts Options) http.Handler {
	if evs == nil {
		panic("dashboard: nil Evaluators: pass middleware.NewEvaluators(flags.Set, opts)")
	}
	h := &handler{evs: evs, opts: opts, mux: http.NewServeMux(), csrf: http.NewCrossOriginProtection()}
	for _, o := range opts.TrustedOrigins {
		if err := h.csrf.AddTrustedOrigin(o); err != nil {
			panic(fmt.Sprintf("dashboard: Options.TrustedOrigins: %v: write each origin as scheme://host[:port], e.g. https://admin.example.com", err))
		}
	}
	h.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deny(w, http.StatusForbidden, "cross-origin request refused: change flags from the dashboard's own page")
	}))
	h.mux.HandleFunc("GET /{$}", h.servePage)
	h.mux.HandleFunc("GET /flag/{key}", h.servePage)
	h.mux.HandleFunc("GET /static/{file}", serveStatic)
	h.mux.HandleFunc("POST /override", h.override)
	h.mux.HandleFunc("POST /op", h.op)
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	for _, kv := range headers {
		hdr.Set(kv[0], kv[1])
	}
	if h.opts.Authorize == nil || !h.opts.Authorize(r) {
		deny(w, http.StatusForbidden, "not authorised to see the flag dashboard")
		return
	}
	h.csrf.Handler(h.mux).ServeHTTP(w, r)
}

// deny answers code with a short text.
func deny(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

func (h *handler) now() time.Time {
	if h.opts.Now != nil {
		return h.opts.Now()
	}
	return time.Now()
}

func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(assets, "static/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Write(b)
}

// form parses a POST's form, bounded.
func form(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		deny(w, http.StatusBadRequest, "bad form: "+err.Error())
		return nil, false
	}
	return r.PostForm, true
}

// back answers a POST with 303 See Other to the page, carrying the
// page's filter and a short message (done or error) in the query, and
// the flag's section as the fragment. The Location is relative, so it
// stays under the dashboard's mount point.
func back(w http.ResponseWriter, f url.Values, kind, msg, flag string) {
	q := url.Values{}
	if v := f.Get("q"); v != "" {
		q.Set("q", v)
	}
	q.Set(kind, clip(msg))
	loc := "./?" + q.Encode()
	if flag != "" && validKey(flag) {
		loc += "#flag-" + flag
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusSeeOther)
}

// validKey reports whether key can name a flag: a snake_case word,
// which is safe in an id and a fragment.
func validKey(key string) bool {
	if key == "" || len(key) > 200 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// override changes this browser's overrides: flag=KEY&variant=NAME sets
// one (an empty variant, or clear=flag, clears it), clear=all clears
// them all.
func (h *handler) override(w http.ResponseWriter, r *http.Request) {
	f, ok := form(w, r)
	if !ok {
		return
	}
	flag, variant := f.Get("flag"), f.Get("variant")
	var err error
	var done string
	switch clear := f.Get("clear"); {
	case clear == "all":
		err, done = h.evs.ClearOverrides(w, r), "All overrides cleared."
		flag = ""
	case clear == "flag" || clear == "" && variant == "":
		err, done = h.evs.SetOverride(w, r, flag, ""), "Override of "+flag+" cleared."
	case clear == "":
		err, done = h.evs.SetOverride(w, r, flag, variant), "Override of "+flag+" set to "+variant+"."
	default:
		err = errors.New(`clear must be "all" or "flag"`)
	}
	switch {
	case errors.Is(err, middleware.ErrOverridesOff):
		back(w, f, "error", "Overrides are off: the application sets no secret to sign the override cookie.", flag)
	case err != nil:
		back(w, f, "error", err.Error(), flag)
	default:
		back(w, f, "done", done, flag)
	}
}

// op applies a fleet operation, for an operator.
func (h *handler) op(w http.ResponseWriter, r *http.Request) {
	who, ok := h.operator(r)
	if !ok {
		deny(w, http.StatusForbidden, "not authorised to operate the fleet: Options.Operator must say yes, and name who operates for the audit log")
		return
	}
	if h.opts.Fleet == nil {
		deny(w, http.StatusNotFound, "no live store: fleet operations are off")
		return
	}
	f, ok := form(w, r)
	if !ok {
		return
	}
	o := Operation{Flag: f.Get("flag"), Action: f.Get("action"), Value: strings.TrimSpace(f.Get("value")), By: who}
	snap := h.evs.Preview(w, r).Snapshot()
	switch {
	case snap.Variants(o.Flag) == nil:
		back(w, f, "error", unknownFlag(o.Flag, snap), "")
		return
	case !slices.Contains(actions, o.Action):
		back(w, f, "error", fmt.Sprintf("unknown action %q: use one of %s", o.Action, strings.Join(actions, ", ")), o.Flag)
		return
	case o.Action == "kill" && f.Get("confirm") != "yes":
		back(w, f, "error", "Not killed: tick the confirmation to kill "+o.Flag+".", o.Flag)
		return
	case o.Action == "rollout" && o.Value != "" && !strings.HasSuffix(o.Value, "%"):
		o.Value += "%"
	}
	before, _ := h.opts.Fleet.Version(r.Context())
	line, err := h.opts.Fleet.Operate(r.Context(), o)
	if err != nil {
		// The error names the operation, unless the store's does.
		msg, what := err.Error(), o.Action+" "+o.Flag
		if !strings.HasPrefix(msg, what+":") && !strings.HasPrefix(msg, what+" ") {
			msg = what + ": " + msg
		}
		back(w, f, "error", msg, o.Flag)
		return
	}
	h.awaitApplied(r.Context(), snap, before)
	if line == "" {
		line = o.Action + " " + o.Flag + ": done"
	}
	back(w, f, "done", line, o.Flag)
}

// applyWait bounds how long an operation's answer waits for this
// instance to put the store's new version in force.
const applyWait = 500 * time.Millisecond

// awaitApplied waits, up to applyWait, until this instance serves a
// snapshot other than prev, when the operation wrote a version after
// before: so that the page the operator is sent back to shows what the
// operation did, as this instance's live source applies it a few
// milliseconds later. An operation that wrote nothing (a kill of a killed
// flag) does not wait.
func (h *handler) awaitApplied(ctx context.Context, prev *runtime.Snapshot, before int64) {
	if v, err := h.opts.Fleet.Version(ctx); err != nil || v == before {
		return
	}
	set := h.evs.Set()
	deadline := time.Now().Add(applyWait)
	for set.Snapshot() == prev && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
}

// unknownFlag says that snap has no flag key, and which it may have
// meant.
func unknownFlag(key string, snap *runtime.Snapshot) string {
	msg := fmt.Sprintf("unknown flag %q", key)
	if s := suggest.Closest(key, snap.Keys()); s != "" {
		return msg + fmt.Sprintf(": did you mean %q?", s)
	}
	return msg + ": the dashboard's page lists every flag"
}

// operator says who the caller is, if an operator. An operator that
// Options.Operator names no one (a blank name) is none: every entry of
// the audit log says who wrote it.
func (h *handler) operator(r *http.Request) (string, bool) {
	if h.opts.Operator == nil {
		return "", false
	}
	who, ok := h.opts.Operator(r)
	if !ok || strings.TrimSpace(who) == "" {
		return "", false
	}
	return who, true
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	ev := h.evs.Preview(w, r)
	p := h.build(r, ev)
	if key := r.PathValue("key"); key != "" && len(p.Flags) == 0 {
		deny(w, http.StatusNotFound, unknownFlag(key, ev.Snapshot()))
		return
	}
	buf, _ := h.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	defer h.bufs.Put(buf)
	if err := page.Execute(buf, p); err != nil {
		deny(w, http.StatusInternalServerError, "rendering the dashboard failed")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}
