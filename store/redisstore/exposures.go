package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// exposureSep separates a flag's key from the variant in a field of
// {NS}:exposures: neither may hold it.
const exposureSep = "\x00"

// Exposures returns the fleet-wide exposure counts, by flag then
// variant: what every instance whose [Source] has Exposures has flushed
// to {NS}:exposures so far. It returns nil when none has.
func (s *Store) Exposures(ctx context.Context) (map[string]map[string]int64, error) {
	m, err := s.rdb.HGetAll(ctx, s.key("exposures")).Result()
	if err != nil {
		return nil, s.wrap(err)
	}
	var out map[string]map[string]int64
	for field, v := range m {
		flag, variant, ok := strings.Cut(field, exposureSep)
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil {
			continue // not a count of ours
		}
		if out == nil {
			out = make(map[string]map[string]int64)
		}
		if out[flag] == nil {
			out[flag] = make(map[string]int64)
		}
		out[flag][variant] += n
	}
	return out, nil
}

// flushScript adds one batch of exposure counts to {NS}:exposures (KEYS[1])
// once: KEYS[2], {NS}:exposures:flushed:RUN, holds the number of the last
// batch of this run of a Source that was added (ARGV[1] the batch's
// number, ARGV[2] the key's TTL in milliseconds, then field, delta
// pairs). A batch sent again, because its reply was lost, is not counted
// twice.
var flushScript = redis.NewScript(`
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last >= tonumber(ARGV[1]) then return 0 end
for i = 3, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
`)

// flushedTTL is how long {NS}:exposures:flushed:RUN outlives a run's last
// flush: long enough to see a batch sent again.
const flushedTTL = time.Hour

// exposureFlusher adds one Source run's exposure counts to the store,
// each at most once. It is used by one goroutine at a time.
type exposureFlusher struct {
	counts func() map[string]map[string]int64
	run    string // the run's random id, in {NS}:exposures:flushed:RUN

	// flushed is what is in the store already, by field: the counts
	// less flushed are the next batch.
	flushed map[string]int64
	// pending is the batch last sent without an answer, to send again
	// as it is, under its number seq, before a new one; nil when none.
	pending map[string]int64
	seq     int64 // the number of the last batch made
	// refused is set once the store refused a flush (a user that may
	// not write): the run flushes no more.
	refused bool
	// warned is the last error logged, so that one is logged once.
	warned string
}

func newExposureFlusher(counts func() map[string]map[string]int64) *exposureFlusher {
	b := make([]byte, 8)
	rand.Read(b)
	return &exposureFlusher{counts: counts, run: hex.EncodeToString(b), flushed: make(map[string]int64)}
}

// flush sends the batch pending, if any, then the counts not flushed
// yet. An error leaves the batch pending, to send again as it is; a
// refusal (ErrPermission: a user that may not write) stops the flushes.
func (e *exposureFlusher) flush(ctx context.Context, s *Store) error {
	if e.refused {
		return nil
	}
	if e.pending != nil {
		if err := e.send(ctx, s); err != nil {
			return err
		}
	}
	if e.pending = e.batch(); e.pending == nil {
		return nil
	}
	e.seq++
	return e.send(ctx, s)
}

// batch returns the counts not flushed yet, by field; nil when none.
func (e *exposureFlusher) batch() map[string]int64 {
	var b map[string]int64
	for flag, vs := range e.counts() {
		for variant, n := range vs {
			field := flag + exposureSep + variant
			if d := n - e.flushed[field]; d > 0 {
				if b == nil {
					b = make(map[string]int64)
				}
				b[field] = d
			}
		}
	}
	return b
}

// send adds the pending batch to the store.
func (e *exposureFlusher) send(ctx context.Context, s *Store) error {
	args := make([]any, 0, 2+2*len(e.pending))
	args = append(args, e.seq, flushedTTL.Milliseconds())
	for field, d := range e.pending {
		args = append(args, field, d)
	}
	keys := []string{s.key("exposures"), s.key("exposures:flushed:" + e.run)}
	if err := flushScript.Run(ctx, s.rdb, keys, args...).Err(); err != nil {
		err = s.wrap(err)
		e.refused = errors.Is(err, ErrPermission)
		return err
	}
	for field, d := range e.pending {
		e.flushed[field] += d
	}
	e.pending = nil
	return nil
}
