package redisstore

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/spec"
)

// entryOf reads an audit stream entry.
func entryOf(m redis.XMessage) Entry {
	str := func(k string) string { s, _ := m.Values[k].(string); return s }
	e := Entry{ID: m.ID, By: str("by"), Action: str("action"), Flag: str("flag"), Before: str("before"), After: str("after")}
	e.Version, _ = strconv.ParseInt(str("version"), 10, 64)
	e.Time, _ = time.Parse(time.RFC3339Nano, str("time"))
	if c := str("changes"); c != "" {
		json.Unmarshal([]byte(c), &e.Changes)
	}
	return e
}

// about reports whether e changed flag, and narrows a push's Changes to
// flag's.
func about(e Entry, flag string) (Entry, bool) {
	if e.Flag == flag {
		return e, true
	}
	if e.Action != "push" {
		return e, false
	}
	i := slices.IndexFunc(e.Changes, func(c live.FlagChange) bool { return c.Key == flag })
	if i < 0 {
		return e, false
	}
	e.Changes = e.Changes[i : i+1 : i+1]
	return e, true
}

func (s *Store) history(ctx context.Context, flag string, limit int) ([]Entry, error) {
	var msgs []redis.XMessage
	var err error
	if flag == "" && limit > 0 {
		msgs, err = s.rdb.XRevRangeN(ctx, s.key("audit"), "+", "-", int64(limit)).Result()
		slices.Reverse(msgs)
	} else {
		msgs, err = s.rdb.XRange(ctx, s.key("audit"), "-", "+").Result()
	}
	if err != nil {
		return nil, s.wrap(err)
	}
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		e := entryOf(m)
		if flag != "" {
			var ok bool
			if e, ok = about(e, flag); !ok {
				continue
			}
		}
		out = append(out, e)
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}

func (s *Store) stale(ctx context.Context, age time.Duration, now time.Time) ([]StaleFlag, error) {
	st, err := s.Get(ctx)
	if err != nil {
		return nil, err
	}
	if st.Version == 0 {
		return nil, nil
	}
	f, _, err := s.composeCached(st, storedLimits(st))
	if err != nil {
		return nil, err
	}
	entries, err := s.history(ctx, "", 0)
	if err != nil {
		return nil, err
	}
	last := make(map[string]time.Time) // the last entry that changed each flag
	for _, e := range entries {
		if e.Flag != "" {
			last[e.Flag] = e.Time
		}
		for _, c := range e.Changes {
			last[c.Key] = e.Time
		}
	}
	var out []StaleFlag
	for _, fl := range f.Flags {
		v, since, ok := servesOne(fl)
		if !ok {
			continue
		}
		if t, ok := last[fl.Key]; ok && t.After(since) {
			since = t
		}
		if since.IsZero() || now.Sub(since) < age {
			continue
		}
		out = append(out, StaleFlag{Key: fl.Key, Variant: fl.Variants[v].Name, Since: since, Owner: fl.Owner})
	}
	return out, nil
}

// servesOne reports the variant fl serves to everyone, if it does: a
// removed, killed or disabled flag, or a settled one (since is then the
// start of a schedule's last stage, or zero).
func servesOne(fl *spec.Flag) (variant int, since time.Time, ok bool) {
	switch {
	case fl.Removed != nil:
		return fl.Removed.Variant, time.Time{}, true
	case fl.Killed, !fl.Enabled:
		return fl.Default, time.Time{}, true
	}
	if v, _, ok := fl.Settled(); ok {
		if n := len(fl.Schedule); n > 0 {
			since = fl.Schedule[n-1].Start
		}
		return v, since, true
	}
	return -1, time.Time{}, false
}
