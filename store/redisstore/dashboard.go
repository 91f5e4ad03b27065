package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/dashboard"
)

// Dashboard returns the store as the fleet a dashboard operates
// (dashboard.Options.Fleet): its operations are the store's writes, with
// the same validation, compare-and-set and audit entries as the CLI's;
// their values are read as the CLI reads its arguments ([ParsePercent],
// [ParseSplit], [ParseSchedule]). Its Exposures are the fleet-wide
// counts that instances' Sources flush (Source.Exposures). It is safe
// for concurrent use.
func (s *Store) Dashboard() dashboard.Fleet { return fleet{s} }

// fleet is a Store as a dashboard.Fleet.
type fleet struct{ s *Store }

// Actions the dashboard may ask for, in the order errors list them.
var fleetActions = []string{"kill", "unkill", "enable", "disable", "rollout", "split", "schedule"}

// Operate applies op and returns the write's [Result.String]. kill,
// unkill, enable and disable take no value; rollout takes a percentage,
// split variant=weight pairs and schedule PERCENT@WHEN stages, as the
// CLI does. op.By names the operator in the audit log; "" is
// "dashboard".
func (f fleet) Operate(ctx context.Context, op dashboard.Operation) (string, error) {
	s := f.s
	if op.Flag == "" {
		return "", errors.New("no flag to operate on: name one")
	}
	by := op.By
	if by == "" {
		by = "dashboard"
	}
	value := strings.TrimSpace(op.Value)
	var res Result
	var err error
	switch op.Action {
	case "kill", "unkill", "enable", "disable":
		if value != "" {
			return "", fmt.Errorf("%s %s takes no value, not %q", op.Action, op.Flag, op.Value)
		}
		write := map[string]func(context.Context, string, string) (Result, error){
			"kill": s.Kill, "unkill": s.Unkill, "enable": s.Enable, "disable": s.Disable,
		}[op.Action]
		res, err = write(ctx, op.Flag, by)
	case "rollout":
		var pct int
		if pct, err = ParsePercent(value); err != nil {
			return "", fmt.Errorf("rollout %s: %w", op.Flag, err)
		}
		res, err = s.Rollout(ctx, op.Flag, pct, by)
	case "split":
		var weights map[string]int
		if weights, err = ParseSplit(value); err != nil {
			return "", fmt.Errorf("split %s: %w", op.Flag, err)
		}
		res, err = s.Split(ctx, op.Flag, weights, by)
	case "schedule":
		var stages []Stage
		if stages, err = ParseSchedule(value, s.now()); err != nil {
			return "", fmt.Errorf("schedule %s: %w", op.Flag, err)
		}
		res, err = s.Schedule(ctx, op.Flag, stages, by)
	default:
		return "", fmt.Errorf("unknown action %q: want one of %s", op.Action, strings.Join(fleetActions, ", "))
	}
	if err != nil {
		return "", err
	}
	return res.String(), nil
}

// History returns [Store.History] of flag. An entry of a push says, after
// the documents, what the push changed of flag.
func (f fleet) History(ctx context.Context, flag string, n int) ([]dashboard.Entry, error) {
	entries, err := f.s.History(ctx, flag, n)
	if err != nil {
		return nil, err
	}
	out := make([]dashboard.Entry, len(entries))
	for i, e := range entries {
		d := dashboard.Entry{Time: e.Time, Version: e.Version, By: e.By, Action: e.Action, Flag: e.Flag, Before: e.Before, After: e.After}
		if e.Flag == "" && flag != "" {
			d.Flag = flag
			for _, c := range e.Changes {
				if c.Key == flag && len(c.What) > 0 {
					d.After += " (" + strings.Join(c.What, "; ") + ")"
				}
			}
		}
		out[i] = d
	}
	return out, nil
}

// Instances returns [Store.Instances].
func (f fleet) Instances(ctx context.Context) ([]dashboard.Instance, error) {
	insts, err := f.s.Instances(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]dashboard.Instance, len(insts))
	for i, in := range insts {
		out[i] = dashboard.Instance{ID: in.ID, Version: in.Version, Since: in.Since, State: in.State, Err: in.Err}
	}
	return out, nil
}

// Version returns the store's version: 0 before the first push.
func (f fleet) Version(ctx context.Context) (int64, error) {
	v, err := f.s.rdb.HGet(ctx, f.s.key("state"), "version").Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, f.s.wrap(err)
	}
	return v, nil
}

// Exposures returns [Store.Exposures].
func (f fleet) Exposures(ctx context.Context) (map[string]map[string]int64, error) {
	return f.s.Exposures(ctx)
}
