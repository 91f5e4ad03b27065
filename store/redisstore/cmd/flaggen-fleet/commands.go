package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flaggen/flaggen/internal/locate"
	"github.com/flaggen/flaggen/spec"
	"github.com/flaggen/flaggen/store/redisstore"
)

// push pushes a flags.toml: flaggen push [-dry-run] [-force] [FILE].
func (c *cli) push(ctx context.Context, s *redisstore.Store, args []string) int {
	path := ""
	if len(args) > 0 {
		path = args[0]
	} else {
		found, err := locate.FlagsFile("push")
		if err != nil {
			return c.fail(err)
		}
		path = found
	}
	doc, err := spec.Limits{}.ReadFile(path)
	if err != nil {
		return c.fail(err)
	}
	r, err := s.Push(ctx, doc, redisstore.PushOptions{
		By:     c.g.by,
		Name:   path,
		Force:  c.o.force,
		DryRun: c.o.dryRun,
	})
	if err != nil {
		return c.fail(err)
	}
	if c.g.json {
		return c.printJSON(r)
	}
	fmt.Fprintln(c.stdout, r.String())
	for _, ch := range r.Changes {
		fmt.Fprintf(c.stdout, "\t%s: %s\n", ch.Key, strings.Join(ch.What, "; "))
	}
	if len(r.Dropped) > 0 {
		fmt.Fprintf(c.stdout, "\tdropped the operations of %s\n", strings.Join(r.Dropped, ", "))
	}
	return exitOK
}

// op runs an operation on one flag: kill, unkill, enable, disable,
// rollout, split, schedule.
func (c *cli) op(ctx context.Context, s *redisstore.Store, args []string) int {
	flag, by := args[0], c.g.by
	var (
		r   redisstore.Result
		err error
	)
	switch c.cmd {
	case "kill":
		r, err = s.Kill(ctx, flag, by)
	case "unkill":
		r, err = s.Unkill(ctx, flag, by)
	case "enable":
		r, err = s.Enable(ctx, flag, by)
	case "disable":
		r, err = s.Disable(ctx, flag, by)
	case "rollout":
		r, err = s.Rollout(ctx, flag, c.o.percent, by)
	case "split":
		r, err = s.Split(ctx, flag, c.o.weights, by)
	case "schedule":
		r, err = s.Schedule(ctx, flag, c.o.stages, by)
	default:
		panic("flaggen: no operation " + c.cmd)
	}
	if err != nil {
		return c.fail(err)
	}
	if c.g.json {
		return c.printJSON(r)
	}
	fmt.Fprintln(c.stdout, r.String())
	return exitOK
}

// statusJSON is what status -json prints.
type statusJSON struct {
	Store     string         `json:"store"`
	Namespace string         `json:"namespace"`
	Version   int64          `json:"version"`
	DocHash   string         `json:"docHash,omitempty"`
	Updated   time.Time      `json:"updated,omitzero"`
	By        string         `json:"by,omitempty"`
	Ops       redisstore.Ops `json:"ops,omitempty"`
	Instances []instanceJSON `json:"instances"`
}

// instanceJSON is an instance, and whether it serves another version
// than the store's.
type instanceJSON struct {
	redisstore.Instance
	Skew bool `json:"skew"`
}

// status prints the store's state and its instances.
func (c *cli) status(ctx context.Context, s *redisstore.Store, _ []string) int {
	st, err := s.Get(ctx)
	if err != nil {
		return c.fail(err)
	}
	insts, err := s.Instances(ctx)
	if err != nil {
		return c.fail(err)
	}
	out := statusJSON{
		Store: s.String(), Namespace: s.Namespace(), Version: st.Version, DocHash: st.DocHash,
		Updated: st.Updated, By: st.By, Ops: st.Ops, Instances: make([]instanceJSON, len(insts)),
	}
	for i, in := range insts {
		out.Instances[i] = instanceJSON{in, in.Version != st.Version}
	}
	if c.g.json {
		return c.printJSON(out)
	}
	if st.Version == 0 {
		fmt.Fprintf(c.stdout, "%s: nothing pushed yet (flaggen push FILE)\n", s)
	} else {
		fmt.Fprintf(c.stdout, "%s: v%d, updated %s by %s, document sha256:%.16s\n",
			s, st.Version, st.Updated.UTC().Format(time.RFC3339), st.By, st.DocHash)
	}
	if line := formatOps(st.Ops); line != "" {
		fmt.Fprintf(c.stdout, "operations: %s\n", line)
	}
	skewed := 0
	for _, in := range out.Instances {
		if in.Skew {
			skewed++
		}
	}
	switch {
	case len(insts) == 0:
		fmt.Fprintln(c.stdout, "no instance running")
		return exitOK
	case skewed > 0:
		fmt.Fprintf(c.stdout, "%d instance(s), %d not serving v%d:\n", len(insts), skewed, st.Version)
	default:
		fmt.Fprintf(c.stdout, "%d instance(s), all serving v%d:\n", len(insts), st.Version)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tINSTANCE\tVERSION\tSINCE\tSTATE")
	for _, in := range out.Instances {
		version, state := fmt.Sprintf("v%d", in.Version), in.State
		if in.Skew {
			version += " (skew)"
		}
		if in.Err != "" {
			state += ": " + in.Err
		}
		fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\n", in.ID, version, in.Since.UTC().Format(time.RFC3339), state)
	}
	tw.Flush()
	return exitOK
}

// formatOps says which operations are in force, flag by flag:
// "search killed; new_checkout schedule 1% → 100%".
func formatOps(ops redisstore.Ops) string {
	var parts []string
	for _, key := range sortedKeys(ops) {
		op := ops[key]
		var what []string
		if op.Killed != nil && *op.Killed {
			what = append(what, "killed")
		}
		if op.Enabled != nil {
			what = append(what, map[bool]string{true: "enabled", false: "disabled"}[*op.Enabled])
		}
		if op.Rollout != nil {
			what = append(what, "rollout "+spec.Percent(*op.Rollout).String())
		}
		if op.Split != nil {
			what = append(what, "split "+formatSplit(op.Split))
		}
		if n := len(op.Schedule); n > 0 {
			what = append(what, fmt.Sprintf("schedule of %d stages to %s by %s", n,
				spec.Percent(op.Schedule[n-1].Percent).String(), op.Schedule[n-1].Start.UTC().Format(time.RFC3339)))
		}
		if len(what) > 0 {
			parts = append(parts, key+" "+strings.Join(what, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

// history prints the audit log: flaggen history [-n N] [FLAG].
func (c *cli) history(ctx context.Context, s *redisstore.Store, args []string) int {
	flag := ""
	if len(args) > 0 {
		flag = args[0]
	}
	entries, err := s.History(ctx, flag, c.o.n)
	if err != nil {
		return c.fail(err)
	}
	if c.g.json {
		if entries == nil {
			entries = []redisstore.Entry{}
		}
		return c.printJSON(entries)
	}
	if len(entries) == 0 {
		if flag != "" {
			fmt.Fprintf(c.stdout, "no write changed %s in %s\n", flag, s)
		} else {
			fmt.Fprintf(c.stdout, "no write in %s yet\n", s)
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, e := range entries {
		what := e.Action
		if e.Flag != "" {
			what += " " + e.Flag
		}
		change := e.After
		if e.Before != "" || e.After != "" {
			change = e.Before + " → " + e.After
		}
		fmt.Fprintf(tw, "v%d\t%s\t%s\t%s\t%s\n", e.Version, e.Time.UTC().Format(time.RFC3339), e.By, what, change)
	}
	tw.Flush()
	return exitOK
}

// stale lists the flags that have served one variant to everyone for
// -for AGE, and fails when there is one.
func (c *cli) stale(ctx context.Context, s *redisstore.Store, _ []string) int {
	flags, err := s.Stale(ctx, c.o.staleFor, c.now())
	if err != nil {
		return c.fail(err)
	}
	code := exitOK
	if len(flags) > 0 {
		code = exitFail
	}
	if c.g.json {
		if flags == nil {
			flags = []redisstore.StaleFlag{}
		}
		if c.printJSON(flags) != exitOK {
			return exitFail
		}
		return code
	}
	for _, f := range flags {
		owner := ""
		if f.Owner != "" {
			owner = " (owner " + f.Owner + ")"
		}
		fmt.Fprintf(c.stdout, "%s: has served %s to everyone since %s%s: settle it in flags.toml and remove it from the code\n",
			f.Key, f.Variant, f.Since.UTC().Format(time.DateOnly), owner)
	}
	if len(flags) == 0 {
		fmt.Fprintf(c.stdout, "no flag in %s has served one variant to everyone for %s\n", s, c.o.age)
	} else {
		fmt.Fprintf(c.stdout, "%d stale flag(s) in %s\n", len(flags), s)
	}
	return code
}

// sortedKeys returns ops' keys, sorted.
func sortedKeys(ops redisstore.Ops) []string {
	return slices.Sorted(maps.Keys(ops))
}
