package redisstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flaggen/flaggen/spec"
)

// ParsePercent reads a percentage, "25", "25%", "0.5" or "12.25%", as
// hundredths of a percent (2500, 2500, 50, 1225), as [Store.Rollout]
// takes it: at most two decimals, from 0 to 100. The CLI and the
// dashboard read their arguments with it, and with [ParseSplit] and
// [ParseSchedule], so that both take the same words.
func ParsePercent(s string) (int, error) {
	num := strings.TrimSuffix(s, "%")
	whole, frac, dotted := strings.Cut(num, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) || dotted && frac == "" {
		return 0, fmt.Errorf("percentage %q is not a number: write 25, 25%% or 0.5", s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("percentage %q has more than two decimals: write at most hundredths, e.g. 0.25", s)
	}
	w := 0
	if whole != "" {
		n, err := strconv.Atoi(whole)
		if err != nil || n > 100 {
			return 0, fmt.Errorf("percentage %q is over 100", s)
		}
		w = n
	}
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
	}
	if h := w*100 + f; h <= 10000 {
		return h, nil
	}
	return 0, fmt.Errorf("percentage %q is over 100", s)
}

// digits reports whether s is made of ASCII digits only ("" is).
func digits(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

// ParseSplit reads "control=50,variant_a=25,variant_b=25" as hundredths
// of a percent by variant, as [Store.Split] takes them; each weight as
// [ParsePercent] reads it, and they must sum to 100.
func ParseSplit(s string) (map[string]int, error) {
	weights := make(map[string]int)
	sum := 0
	for part := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("split %q: want variant=weight pairs separated by commas, e.g. control=50,variant_a=50", s)
		}
		if _, dup := weights[name]; dup {
			return nil, fmt.Errorf("split %q names variant %s twice", s, name)
		}
		h, err := ParsePercent(strings.TrimSpace(w))
		if err != nil {
			return nil, fmt.Errorf("split: %s: %v", name, err)
		}
		weights[name] = h
		sum += h
	}
	if sum != 10000 {
		return nil, fmt.Errorf("split %q sums to %s: the weights must sum to 100", s, spec.Percent(sum).String())
	}
	return weights, nil
}

// ParseSchedule reads a schedule's stages, as [Store.Schedule] takes
// them, from s: "PERCENT@WHEN" each, separated by spaces, e.g.
// "1%@now 5%@+2h 25%@+1d", where WHEN is "now", "+DURATION" after now
// (as [ParseDuration] reads it) or an RFC 3339 time. Starts are truncated
// to the second, in UTC; the stages must start in order, each later than
// the one before.
func ParseSchedule(s string, now time.Time) ([]Stage, error) {
	args := strings.Fields(s)
	if len(args) == 0 {
		return nil, errors.New("a schedule needs at least one stage, e.g. 1%@now 5%@+2h 25%@+1d")
	}
	stages := make([]Stage, 0, len(args))
	for i, arg := range args {
		pct, when, ok := strings.Cut(arg, "@")
		if !ok {
			return nil, fmt.Errorf("stage %q: want PERCENT@WHEN, e.g. 5%%@+2h or 25%%@2026-12-01T09:00:00Z", arg)
		}
		p, err := ParsePercent(pct)
		if err != nil {
			return nil, fmt.Errorf("stage %q: %v", arg, err)
		}
		var start time.Time
		switch {
		case when == "now":
			start = now
		case strings.HasPrefix(when, "+"):
			d, err := ParseDuration(when[1:])
			if err != nil {
				return nil, fmt.Errorf("stage %q: %v", arg, err)
			}
			start = now.Add(d)
		default:
			start, err = time.Parse(time.RFC3339, when)
			if err != nil {
				return nil, fmt.Errorf("stage %q: start %q is not now, +DURATION (+2h, +3d) or an RFC 3339 time (2026-12-01T09:00:00Z)", arg, when)
			}
		}
		start = start.UTC().Truncate(time.Second)
		if i > 0 && !start.After(stages[i-1].Start) {
			return nil, fmt.Errorf("stage %q starts at %s, not after the stage before it (%s): list the stages in order", arg, start.Format(time.RFC3339), stages[i-1].Start.Format(time.RFC3339))
		}
		stages = append(stages, Stage{Start: start, Percent: p})
	}
	return stages, nil
}

// ParseDuration reads a non-negative duration as time.ParseDuration
// does, and also whole days: "30d".
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok && days != "" && digits(days) {
		n, err := strconv.Atoi(days)
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("duration %q is too long", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: write e.g. 30d, 36h or 90m", s)
	}
	return d, nil
}
