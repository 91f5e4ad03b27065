package redisstore_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/spec"
	"github.com/flaggen/flaggen/store/redisstore"
)

func TestParsePercent(t *testing.T) {
	t.Parallel()
	good := map[string]int{
		"0": 0, "25": 2500, "25%": 2500, "0.5": 50, "0.5%": 50, ".5": 50,
		"12.25": 1225, "12.5%": 1250, "100": 10000, "100%": 10000, "100.0": 10000, "1.05": 105,
	}
	for in, want := range good {
		if got, err := redisstore.ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d, nil", in, got, err, want)
		}
	}
	bad := map[string]string{
		"": "not a number", "%": "not a number", "x": "not a number", "-5": "not a number",
		"25.": "not a number", "1e2": "not a number", "0.125": "two decimals",
		"101": "over 100", "100.01": "over 100", "99999999999999999999": "over 100",
	}
	for in, want := range bad {
		if got, err := redisstore.ParsePercent(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePercent(%q) = %d, %v; want an error saying %q", in, got, err, want)
		}
	}
}

// TestPercentRoundTrip: ParsePercent reads back what spec.Percent's
// String writes.
func TestPercentRoundTrip(t *testing.T) {
	t.Parallel()
	for h, want := range map[int]string{0: "0%", 50: "0.5%", 105: "1.05%", 2500: "25%", 2550: "25.5%", 10000: "100%"} {
		if got := spec.Percent(h).String(); got != want {
			t.Errorf("spec.Percent(%d).String() = %q, want %q", h, got, want)
		}
		if back, err := redisstore.ParsePercent(want); err != nil || back != h {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d back", want, back, err, h)
		}
	}
}

func TestParseSplit(t *testing.T) {
	t.Parallel()
	got, err := redisstore.ParseSplit("control=50, variant_a=25%,variant_b=25")
	want := map[string]int{"control": 5000, "variant_a": 2500, "variant_b": 2500}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSplit: got %v, %v; want %v", got, err, want)
	}
	bad := map[string]string{
		"control=50,variant_a=25": "sums to 75%: the weights must sum to 100",
		"control":                 "want variant=weight pairs",
		"=100":                    "want variant=weight pairs",
		"a=50,a=50":               "names variant a twice",
		"a=x,b=100":               "a: percentage",
	}
	for in, want := range bad {
		if _, err := redisstore.ParseSplit(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSplit(%q): got error %v, want one saying %q", in, err, want)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 8, 0, 0, 500, time.UTC)
	got, err := redisstore.ParseSchedule("1%@now 5%@+2h  25%@+3d 100@2026-12-01T09:00:00Z", now)
	want := []redisstore.Stage{
		{Start: now.Truncate(time.Second), Percent: 100},
		{Start: now.Add(2 * time.Hour).Truncate(time.Second), Percent: 500},
		{Start: now.Add(72 * time.Hour).Truncate(time.Second), Percent: 2500},
		{Start: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Percent: 10000},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSchedule: got %v, %v; want %v", got, err, want)
	}
	bad := map[string]string{
		"at least one stage":            " ",
		"want PERCENT@WHEN":             "5%",
		"not a number":                  "x@now",
		"not now, +DURATION":            "5%@tomorrow",
		"duration \"2x\"":               "5%@+2x",
		"not after the stage before":    "5%@+2h 10%@+1h",
		"not after the stage before it": "5%@now 10%@now",
	}
	for want, in := range bad {
		if _, err := redisstore.ParseSchedule(in, now); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSchedule(%q): got error %v, want one saying %q", in, err, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"30d": 30 * 24 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := redisstore.ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "30", "-1h", "3w", "1.5d"} {
		if got, err := redisstore.ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}
