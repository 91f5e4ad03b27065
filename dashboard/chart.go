package dashboard

import (
	"strconv"
	"strings"
	"time"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/runtime"
	"github.com/flaggen/flaggen/spec"
)

// chart is a schedule drawn as a step line in SVG user units, with a
// line at now. The template writes it out as attributes.
type chart struct {
	Label       string // the schedule in words, for <title> and screen readers
	Points      string // the step line's polyline points
	NowX        string
	NowLabel    string // "now 25%"
	NowAnchor   string // text-anchor of the now label: kept inside the box
	From, To    string // the first and last dates shown
	W, H        int
	Top, Base   int // y of 100% and 0%
	Left, Right int
}

const (
	chartW, chartH    = 320, 96
	chartL, chartR    = 34, 8
	chartTop, chartBt = 14, 78
)

// scheduleChart draws stages (whose percentages are in hundredths) over
// a span that holds them and now.
func scheduleChart(stages []flagmeta.Stage, now time.Time) *chart {
	type stage struct {
		t time.Time
		p int
	}
	var ss []stage
	var words []string
	for _, s := range stages {
		t, err := time.Parse(time.RFC3339, s.Start)
		if err != nil {
			continue
		}
		ss = append(ss, stage{t, s.Percent})
		words = append(words, spec.Percent(s.Percent).String()+" from "+t.UTC().Format("2006-01-02 15:04"))
	}
	if len(ss) == 0 {
		return nil
	}
	lo, hi := ss[0].t, ss[len(ss)-1].t
	span := hi.Sub(lo)
	if span <= 0 {
		span = 24 * time.Hour
	}
	pad := span / 8
	lo, hi = lo.Add(-pad), hi.Add(pad)
	if now.Before(lo) {
		lo = now.Add(-pad)
	}
	if now.After(hi) {
		hi = now.Add(pad)
	}
	total := float64(hi.Sub(lo))
	x := func(t time.Time) float64 {
		return chartL + float64(t.Sub(lo))/total*float64(chartW-chartL-chartR)
	}
	y := func(p int) float64 {
		return chartBt - float64(p)/runtime.Buckets*float64(chartBt-chartTop)
	}
	var pts strings.Builder
	pt := func(px, py float64) {
		if pts.Len() > 0 {
			pts.WriteByte(' ')
		}
		pts.WriteString(num(px))
		pts.WriteByte(',')
		pts.WriteString(num(py))
	}
	p := 0
	pt(x(lo), y(0))
	for _, s := range ss {
		pt(x(s.t), y(p))
		p = s.p
		pt(x(s.t), y(p))
	}
	pt(x(hi), y(p))
	nx := x(now)
	anchor := "middle"
	switch {
	case nx < chartL+30:
		anchor = "start"
	case nx > chartW-chartR-30:
		anchor = "end"
	}
	nowPct := spec.Percent(scheduled(stages, now)).String()
	return &chart{
		Label:  "Schedule: " + strings.Join(words, ", ") + "; now " + nowPct + ".",
		Points: pts.String(), NowX: num(nx), NowLabel: "now " + nowPct, NowAnchor: anchor,
		From: lo.UTC().Format("2006-01-02"), To: hi.UTC().Format("2006-01-02"),
		W: chartW, H: chartH, Top: chartTop, Base: chartBt, Left: chartL, Right: chartW - chartR,
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
