package redisstore_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flaggen/flaggen/dashboard"
	"github.com/flaggen/flaggen/store/redisstore"
	"github.com/flaggen/flaggen/store/redisstore/redistest"
)

// TestDashboardOperate: each action goes through the store's write, as
// its CLI argument would, and says what it did; a bad value or action
// is an error that says what to write instead.
func TestDashboardOperate(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	push(t, w, compiledIn)
	fleet := w.Dashboard()
	ctx := context.Background()

	tests := []struct {
		op   dashboard.Operation
		want string // in the line Operate returns
	}{
		{dashboard.Operation{Flag: "holiday", Action: "kill", By: "ana"}, "kill holiday by ana (killed false → true)"},
		{dashboard.Operation{Flag: "holiday", Action: "kill", By: "ana"}, "no change"},
		{dashboard.Operation{Flag: "holiday", Action: "unkill", By: "ana"}, "unkill holiday by ana"},
		{dashboard.Operation{Flag: "holiday", Action: "disable", By: "bo"}, "disable holiday by bo"},
		{dashboard.Operation{Flag: "holiday", Action: "enable"}, "enable holiday by dashboard"},
		{dashboard.Operation{Flag: "holiday", Action: "rollout", Value: " 25% ", By: "bo"}, "rollout holiday by bo"},
		{dashboard.Operation{Flag: "search", Action: "split", Value: "control=50, variant_a=25,variant_b=25", By: "bo"}, "split search by bo"},
		{dashboard.Operation{Flag: "holiday", Action: "schedule", Value: "1%@now 5%@+2h", By: "bo"}, "schedule holiday by bo"},
	}
	for _, tt := range tests {
		got, err := fleet.Operate(ctx, tt.op)
		if err != nil || !strings.Contains(got, tt.want) {
			t.Errorf("Operate(%+v) = %q, %v; want a line with %q", tt.op, got, err, tt.want)
		}
	}
	st, err := w.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	op := st.Ops["holiday"]
	if op.Killed == nil || *op.Killed || op.Enabled == nil || !*op.Enabled || len(op.Schedule) != 2 || op.Schedule[1].Percent != 500 {
		t.Errorf("holiday's operation in the store = %+v, want unkilled, enabled, a schedule of two stages to 5%%", op)
	}
	if want := map[string]int{"control": 5000, "variant_a": 2500, "variant_b": 2500}; !reflect.DeepEqual(st.Ops["search"].Split, want) {
		t.Errorf("search's split in the store = %v, want %v", st.Ops["search"].Split, want)
	}
	if v, err := fleet.Version(ctx); err != nil || v != st.Version {
		t.Errorf("Version = %d, %v; want the store's %d", v, err, st.Version)
	}

	bad := []struct {
		op   dashboard.Operation
		want string
	}{
		{dashboard.Operation{Flag: "holiday", Action: "rollout", Value: "lots"}, `rollout holiday: percentage "lots" is not a number`},
		{dashboard.Operation{Flag: "holiday", Action: "rollout"}, "is not a number"},
		{dashboard.Operation{Flag: "search", Action: "split", Value: "control=50"}, "sums to 50%: the weights must sum to 100"},
		{dashboard.Operation{Flag: "holiday", Action: "schedule", Value: "5%@+2h 1%@now"}, "not after the stage before it"},
		{dashboard.Operation{Flag: "holiday", Action: "schedule"}, "at least one stage"},
		{dashboard.Operation{Flag: "holiday", Action: "kill", Value: "now"}, `kill holiday takes no value, not "now"`},
		{dashboard.Operation{Flag: "holiday", Action: "explode"}, `unknown action "explode": want one of kill, unkill,`},
		{dashboard.Operation{Action: "kill"}, "no flag"},
		{dashboard.Operation{Flag: "search", Action: "rollout", Value: "50"}, "a rollout does not apply: set a split"},
	}
	for _, tt := range bad {
		if got, err := fleet.Operate(ctx, tt.op); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Operate(%+v) = %q, %v; want an error saying %q", tt.op, got, err, tt.want)
		}
	}
	if _, err := fleet.Operate(ctx, dashboard.Operation{Flag: "serch", Action: "kill"}); !errors.Is(err, redisstore.ErrUnknownFlag) {
		t.Errorf("kill of an unknown flag: got %v, want ErrUnknownFlag", err)
	}
	if v, _ := fleet.Version(ctx); v != st.Version {
		t.Errorf("after the refused operations, version %d, want %d still", v, st.Version)
	}
}

// TestDashboardHistoryAndInstances: the audit log and the heartbeats,
// as the dashboard shows them.
func TestDashboardHistoryAndInstances(t *testing.T) {
	srv := redistest.Start(t)
	w := writerOf(t, srv)
	fleet := w.Dashboard()
	ctx := context.Background()
	if v, err := fleet.Version(ctx); err != nil || v != 0 {
		t.Errorf("Version before the first push = %d, %v; want 0, nil", v, err)
	}
	push(t, w, compiledIn)
	kill(t, w, "holiday")
	push(t, w, holidayOn)
	kill(t, w, "search")

	h, err := fleet.History(ctx, "holiday", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range h {
		if e.Flag != "holiday" || e.By != "test" || e.Time.IsZero() || e.Version == 0 {
			t.Errorf("entry %+v: want flag holiday, by test, a time and a version", e)
		}
		got = append(got, e.Action)
	}
	if want := []string{"push", "kill", "push"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("holiday's history: actions %v, want %v", got, want)
	}
	if e := h[1]; e.Before != "false" || e.After != "true" {
		t.Errorf("the kill: before %q, after %q; want false, true", e.Before, e.After)
	}
	if e := h[2]; !strings.HasPrefix(e.After, "doc ") || !strings.Contains(e.After, "rollout") {
		t.Errorf("the second push: after %q, want the document and what it changed of holiday's rollout", e.After)
	}
	if last, err := fleet.History(ctx, "holiday", 1); err != nil || len(last) != 1 || last[0].Version != h[2].Version {
		t.Errorf("History(holiday, 1) = %+v, %v; want the last entry only", last, err)
	}

	since := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	for _, in := range []redisstore.Instance{
		{ID: "b", Version: 4, Since: since, State: "ready"},
		{ID: "a", Version: 3, Since: since, State: "stale", Err: "cannot reach Redis"},
	} {
		if err := w.Heartbeat(ctx, in, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	insts, err := fleet.Instances(ctx)
	want := []dashboard.Instance{
		{ID: "a", Version: 3, Since: since, State: "stale", Err: "cannot reach Redis"},
		{ID: "b", Version: 4, Since: since, State: "ready"},
	}
	if err != nil || !reflect.DeepEqual(insts, want) {
		t.Errorf("Instances = %+v, %v; want %+v", insts, err, want)
	}
}
