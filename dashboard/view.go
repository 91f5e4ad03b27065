package dashboard

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// view is what the page template renders.
type view struct {
	Root        string // "" for the page at the mount point, "../" below it
	Q           string
	Done, Error string
	Total       int
	Flags       []*flagView
	Overrides   int  // this browser's overrides in force
	One         bool // the page of one flag
	Operator    string
	Fleet       *fleetView // nil unless the caller operates a fleet
	FleetErr    string     // what failed in reading the fleet's exposures
	Today       string
}

type fleetView struct {
	Version   int64
	Instances []instanceView
	Err       string
}

type instanceView struct {
	Instance
	Skew bool
}

type flagView struct {
	Key, Description, Owner string
	Expires                 string
	Expired                 bool
	Deprecated              string
	Removed, Final          string
	Settled, SettledSince   string
	Bool                    bool
	Variants                []string
	Default                 string
	Killed, Disabled        bool
	Rules                   []string
	UserOverrides           []string
	BarLabel                string
	Bar                     []segment
	Chart                   *chart
	Served, Reason          string
	Override                string
	Local, Fleet            []segment
	LocalTotal, FleetTotal  int64
	Search                  string
	Root                    string
	Ops                     *opsView
	History                 []Entry
	HistoryErr              string
	HistoryLink             bool
}

// opsView holds the fleet forms' current values.
type opsView struct {
	Rollout, Split, Schedule string
}

// segment is one part of a bar: a variant's share, as a width class.
type segment struct {
	Variant string
	Class   string // "c0"… the variant's colour
	Width   string // "w0"…"w100", the share rounded to a percent
	Label   string // e.g. "25%" or "1,204 (51%)"
}

// build makes the page's view for the request, whose evaluator is ev.
func (h *handler) build(r *http.Request, ev *runtime.Evaluator) *view {
	now := h.now()
	snap := ev.Snapshot()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := &view{Q: q, Today: now.UTC().Format("2006-01-02"), Done: clip(r.URL.Query().Get("done")), Error: clip(r.URL.Query().Get("error"))}
	keys := snap.Keys()
	v.Total = len(keys)
	one := r.PathValue("key")
	if one != "" {
		v.Root, v.One, keys = "../", true, []string{one}
	}
	overrides := h.evs.Overrides(r)
	v.Overrides = len(overrides)
	who, isOp := h.operator(r)
	// The page's reads of the store share one deadline: a store that
	// does not answer (a partition, a Redis stopped or busy, where each
	// read waits out the client's timeouts and retries) leaves its
	// parts of the page saying so, not the page hanging for minutes.
	ctx, cancel := context.WithTimeout(r.Context(), fleetWait)
	defer cancel()
	var local, fleet map[string]map[string]int64
	if h.opts.Exposures != nil {
		local = h.opts.Exposures.Counts()
	}
	if h.opts.Fleet != nil {
		var err error
		if fleet, err = h.opts.Fleet.Exposures(ctx); err != nil {
			v.FleetErr = "fleet-wide exposures: " + fleetErr(err)
		}
		if isOp {
			v.Operator = who
			v.Fleet = h.fleet(ctx)
		}
	}
	ql := strings.ToLower(q)
	v.Flags = make([]*flagView, 0, len(keys))
	for _, key := range keys {
		m, ok := snap.Flag(key)
		if !ok {
			continue
		}
		search := strings.ToLower(m.Key + " " + m.Description + " " + m.Owner)
		if ql != "" && !strings.Contains(search, ql) {
			continue
		}
		f := &flagView{
			Key: m.Key, Description: m.Description, Owner: m.Owner,
			Expires: m.Expires, Expired: m.Expires != "" && v.Today > m.Expires,
			Deprecated: m.Deprecated, Removed: m.Removed, Final: m.Final,
			Settled: m.Settled, SettledSince: m.SettledSince,
			Bool: m.Bool, Variants: m.Variants, Default: m.Default,
			Killed: m.Killed, Disabled: m.Disabled,
			Override: overrides[key], Search: search, Root: v.Root,
		}
		x, _ := ev.Explain(key)
		f.Served, f.Reason = x.Variant, x.Reason.String()
		f.Rules = rulesText(&m)
		for _, o := range m.Overrides {
			f.UserOverrides = append(f.UserOverrides, "users "+strings.Join(o.Users, ", ")+" get "+o.Variant)
		}
		f.BarLabel, f.Bar = configured(&m, now)
		if len(m.Schedule) > 0 {
			f.Chart = scheduleChart(m.Schedule, now)
		}
		f.Local, f.LocalTotal = exposureBar(m.Variants, local[key])
		f.Fleet, f.FleetTotal = exposureBar(m.Variants, fleet[key])
		if v.Fleet != nil {
			f.Ops = opsOf(&m)
		}
		v.Flags = append(v.Flags, f)
	}
	if v.Fleet != nil {
		h.trails(ctx, v.Flags)
	}
	return v
}

// clip bounds a message put in, or echoed from, the query: one longer
// than maxMessage bytes (and the ellipsis) is cut at a rune boundary at
// most maxMessage bytes in, and ends in "…".
func clip(s string) string {
	if len(s) <= maxMessage+len("…") {
		return s
	}
	i := maxMessage
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// fleetWait bounds the reads of the store for one page.
const fleetWait = 3 * time.Second

// fleetErr says what failed in reading the store.
func fleetErr(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("the store did not answer within %v; the rest of the page is this instance's", fleetWait)
	}
	return err.Error()
}

// fleet reads the store's version and instances.
func (h *handler) fleet(ctx context.Context) *fleetView {
	fv := &fleetView{}
	var errs []string
	ver, err := h.opts.Fleet.Version(ctx)
	if err != nil {
		errs = append(errs, "version: "+fleetErr(err))
	}
	fv.Version = ver
	insts, err := h.opts.Fleet.Instances(ctx)
	if err != nil {
		errs = append(errs, "instances: "+fleetErr(err))
	}
	for _, in := range insts {
		fv.Instances = append(fv.Instances, instanceView{Instance: in, Skew: err == nil && ver != 0 && in.Version != ver})
	}
	fv.Err = strings.Join(errs, "; ")
	return fv
}

// trails reads the audit trail of each flag, a few at a time, when the
// listing is short enough; a longer one links each flag's page instead.
func (h *handler) trails(ctx context.Context, flags []*flagView) {
	if len(flags) > maxTrails {
		for _, f := range flags {
			f.HistoryLink = true
		}
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, f := range flags {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			es, err := h.opts.Fleet.History(ctx, f.Key, trailLen)
			if err != nil {
				f.HistoryErr = fleetErr(err)
				return
			}
			if len(es) > trailLen {
				es = es[len(es)-trailLen:]
			}
			f.History = es
		}()
	}
	wg.Wait()
}

// width is the width class of share out of total, rounded to a percent.
func width(share, total int64) string {
	if total <= 0 {
		return "w0"
	}
	w := (share*100 + total/2) / total
	if w == 0 && share > 0 {
		w = 1
	}
	return "w" + strconv.FormatInt(w, 10)
}

// colour returns the colour class of a flag's variant.
func colour(variants []string, v string) string {
	for i, name := range variants {
		if name == v {
			return "c" + strconv.Itoa(i%6)
		}
	}
	return "c0"
}

// configured returns the distribution of the flag's declaration in force
// for the subjects no rule targets, as a bar: its rollout or split, the
// percentage its schedule gives now, or its default for everyone.
func configured(m *flagmeta.Flag, now time.Time) (string, []segment) {
	switch {
	case len(m.Rollout) > 0:
		label := "split"
		if m.Bool {
			label = "rollout"
		}
		return label, partsBar(m.Variants, m.Rollout)
	case len(m.Schedule) > 0:
		p := scheduled(m.Schedule, now)
		return "schedule, now", partsBar(m.Variants, []flagmeta.Part{{Variant: "on", Upper: p}, {Variant: "off", Upper: runtime.Buckets}})
	}
	return "everyone else", partsBar(m.Variants, []flagmeta.Part{{Variant: m.Default, Upper: runtime.Buckets}})
}

func partsBar(variants []string, parts []flagmeta.Part) []segment {
	var out []segment
	prev := 0
	for _, p := range parts {
		n := p.Upper - prev
		prev = p.Upper
		if n <= 0 {
			continue
		}
		out = append(out, segment{Variant: p.Variant, Class: colour(variants, p.Variant), Width: width(int64(n), runtime.Buckets), Label: spec.Percent(n).String()})
	}
	return out
}

// exposureBar draws counts, by variant, in the flag's variant order.
func exposureBar(variants []string, counts map[string]int64) ([]segment, int64) {
	if len(counts) == 0 {
		return nil, 0
	}
	var total int64
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		return nil, 0
	}
	var out []segment
	for _, v := range variants {
		n := counts[v]
		if n == 0 {
			continue
		}
		out = append(out, segment{Variant: v, Class: colour(variants, v), Width: width(n, total),
			Label: fmt.Sprintf("%d (%d%%)", n, (n*100+total/2)/total)})
	}
	return out, total
}

// scheduled returns the percentage, in hundredths, that stages give at t.
func scheduled(stages []flagmeta.Stage, t time.Time) int {
	p := 0
	for _, s := range stages {
		start, err := time.Parse(time.RFC3339, s.Start)
		if err == nil && !t.Before(start) {
			p = s.Percent
		}
	}
	return p
}

// rulesText says each targeting rule in words.
func rulesText(m *flagmeta.Flag) []string {
	out := make([]string, 0, len(m.Rules))
	for _, r := range m.Rules {
		var conds []string
		if len(r.Users) > 0 {
			conds = append(conds, "user is "+orList(r.Users))
		}
		if len(r.Groups) > 0 {
			conds = append(conds, "in group "+orList(r.Groups))
		}
		for _, c := range r.When {
			conds = append(conds, condText(c))
		}
		who := "everyone"
		if len(conds) > 0 {
			who = "if " + strings.Join(conds, " and ")
		}
		serve := r.Serve
		if serve == "" {
			var parts []string
			prev := 0
			for _, p := range r.Split {
				parts = append(parts, p.Variant+" "+spec.Percent(p.Upper-prev).String())
				prev = p.Upper
			}
			serve = "a split: " + strings.Join(parts, ", ")
		}
		out = append(out, who+": serve "+serve)
	}
	return out
}

func orList(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

var opWords = map[string]string{
	"equals": "is", "not_equals": "is not", "in": "is one of", "not_in": "is none of",
	"lt": "<", "lte": "≤", "gt": ">", "gte": "≥",
	"semver_eq": "is version", "semver_lt": "is a version before", "semver_lte": "is a version at most",
	"semver_gt": "is a version after", "semver_gte": "is a version at least",
}

func condText(c flagmeta.Condition) string {
	op := cmp.Or(opWords[c.Op], c.Op)
	if spec.Op(c.Op).Numeric() {
		return c.Attribute + " " + op + " " + strconv.FormatFloat(c.Number, 'g', -1, 64)
	}
	return c.Attribute + " " + op + " " + strings.Join(c.Values, ", ")
}

// opsOf fills the fleet forms with the flag's values in force, in the
// CLI's syntax.
func opsOf(m *flagmeta.Flag) *opsView {
	o := &opsView{}
	prev := 0
	var parts []string
	for _, p := range m.Rollout {
		n := p.Upper - prev
		prev = p.Upper
		parts = append(parts, p.Variant+"="+strings.TrimSuffix(spec.Percent(n).String(), "%"))
		if m.Bool && p.Variant == "on" {
			o.Rollout = strings.TrimSuffix(spec.Percent(n).String(), "%")
		}
	}
	if !m.Bool {
		o.Split = strings.Join(parts, ",")
	}
	var stages []string
	for _, s := range m.Schedule {
		stages = append(stages, spec.Percent(s.Percent).String()+"@"+s.Start)
	}
	o.Schedule = strings.Join(stages, " ")
	return o
}
