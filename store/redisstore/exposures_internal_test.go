package redisstore

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"testing"
)

// TestExposureFlusherOnce: a batch sent again, because its reply was
// lost, is counted once; a new batch carries only what was counted
// since.
func TestExposureFlusherOnce(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	counts := map[string]map[string]int64{"search": {"control": 2, "variant_a": 1}}
	f := newExposureFlusher(func() map[string]map[string]int64 { return counts })
	if err := f.flush(ctx, s); err != nil {
		t.Fatal(err)
	}
	// The reply of the next batch is lost: it is sent again.
	counts = map[string]map[string]int64{"search": {"control": 5, "variant_a": 1}}
	flushed, seq := maps.Clone(f.flushed), f.seq
	if err := f.flush(ctx, s); err != nil {
		t.Fatal(err)
	}
	f.flushed, f.seq, f.pending = flushed, seq+1, map[string]int64{"search\x00control": 3}
	if err := f.flush(ctx, s); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int64{"search": {"control": 5, "variant_a": 1}}
	if got, err := s.Exposures(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Exposures = %v, %v; want %v", got, err, want)
	}
	if f.pending != nil || f.flushed["search\x00control"] != 5 {
		t.Errorf("after the flushes, pending %v and flushed %v; want none pending, control 5 flushed", f.pending, f.flushed)
	}
}

// TestExposureFlusherRefused: a user that may not write is refused once,
// and the flusher stops.
func TestExposureFlusherRefused(t *testing.T) {
	_, srv := openTest(t, "--user", "reader", "on", ">pw", "~*", "&*", "+@read", "+@connection")
	r, err := Open(context.Background(), "redis://reader:pw@"+srv.Addr(), "test:"+t.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f := newExposureFlusher(func() map[string]map[string]int64 { return map[string]map[string]int64{"search": {"control": 1}} })
	if err := f.flush(context.Background(), r); !errors.Is(err, ErrPermission) {
		t.Errorf("first flush as a reader: got %v, want ErrPermission", err)
	}
	if err := f.flush(context.Background(), r); err != nil || !f.refused {
		t.Errorf("second flush as a reader: got %v, refused %v; want nil, true", err, f.refused)
	}
}
