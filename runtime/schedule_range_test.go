package runtime

import (
	"context"
	"testing"
	"time"
)

// TestScheduleFarDates: a stage may start at any date TOML can write,
// and the clock may read any time. Unix nanoseconds end in 1678 and
// 2262; a stage of 2300 must not wrap around to 1715 (in force now), nor
// one of 1600 to the future.
func TestScheduleFarDates(t *testing.T) {
	s := mustSet(t, `
[flags.f]`+meta+`
schedule = [{ start = 2026-11-02T09:00:00Z, percent = 10 }, { start = 2300-01-01T00:00:00Z, percent = 100 }]
[flags.g]`+meta+`
schedule = [{ start = 1600-01-01T00:00:00Z, percent = 10 }, { start = 2026-11-02T09:00:00Z, percent = 20 }]
`)
	for _, c := range []struct {
		flag, now string
		want      [3]string // below 10%, from 10% to 20%, above 20%
	}{
		{"f", "2026-11-01T00:00:00Z", [3]string{"off", "off", "off"}},
		{"f", "2027-01-01T00:00:00Z", [3]string{"on", "off", "off"}},
		{"f", "2400-01-01T00:00:00Z", [3]string{"on", "on", "on"}},
		{"g", "1700-01-01T00:00:00Z", [3]string{"on", "off", "off"}},
		{"g", "2000-01-01T00:00:00Z", [3]string{"on", "off", "off"}},
		{"g", "2027-01-01T00:00:00Z", [3]string{"on", "on", "off"}},
	} {
		ids := [3]string{idIn(t, c.flag, 0, 1000), idIn(t, c.flag, 1000, 2000), idIn(t, c.flag, 2000, 10000)}
		for i, id := range ids {
			v, r, _ := explained(s.NewEvaluator(context.Background(), Subject{ID: id}, at(t, c.now)).Explain(c.flag))
			if v != c.want[i] || r.Kind != ReasonSchedule {
				t.Errorf("%s at %s, %s (bucket %d): got %s (%s), want %s (schedule)", c.flag, c.now, id, Bucket(c.flag, id), v, r, c.want[i])
			}
		}
	}
}

// TestClockAtTheEpochReadOnce: a clock that reads the Unix epoch (a test's
// fake clock, typically) is still read once per request.
func TestClockAtTheEpochReadOnce(t *testing.T) {
	s := mustSet(t, `
[flags.a]`+meta+`
schedule = [{ start = 1970-01-01T00:00:00Z, percent = 100 }]
[flags.b]`+meta+`
schedule = [{ start = 1970-01-01T00:00:00Z, percent = 50 }]
`)
	calls := 0
	opts := &Options{Clock: func() time.Time { calls++; return time.Unix(0, 0) }}
	ev := s.NewEvaluator(context.Background(), Subject{ID: "x"}, opts)
	if a, _ := ev.Lookup("a"), ev.Lookup("b"); a != "on" || calls != 1 {
		t.Errorf("at the epoch: a %s, clock read %d times; want on, read once", a, calls)
	}
}
