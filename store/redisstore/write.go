package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/internal/suggest"
	"github.com/flaggen/flaggen/live"
	"github.com/flaggen/flaggen/spec"
)

// maxAttempts is how many times a write reads the state and tries to
// write it before giving up with ErrConflict.
const maxAttempts = 10

// writeScript writes a new state if the version is still the one the
// writer read (compare-and-set), with its audit entry and the message to
// instances, in one atomic step:
//
//	KEYS[1] {NS}:state, KEYS[2] {NS}:audit
//	ARGV[1] the version read ("0" before the first push)
//	ARGV[2] the channel {NS}:events, ARGV[3] the new version
//	ARGV[4] n, then n arguments of HSET (field, value, …), then the
//	        audit entry's fields and values
//
// It returns 1 when it wrote, 0 when the version had changed.
var writeScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'version')
if not cur then cur = '0' end
if cur ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], unpack(ARGV, 5, 4 + n))
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 5 + n, #ARGV))
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`)

// parseState reads {NS}:state's fields.
func (s *Store) parseState(m map[string]string) (State, error) {
	if len(m) == 0 {
		return State{}, nil
	}
	var st State
	var err error
	if st.Version, err = strconv.ParseInt(m["version"], 10, 64); err != nil {
		return State{}, fmt.Errorf("redis %s: %s has version %q, not a number; flaggen did not write it: restore the key from a backup, or delete it and push again", s, s.key("state"), m["version"])
	}
	st.Doc = []byte(m["doc"])
	st.DocHash = m["dochash"]
	if ops := m["ops"]; ops != "" {
		if err := json.Unmarshal([]byte(ops), &st.Ops); err != nil {
			return State{}, fmt.Errorf("redis %s: %s has ops that are not JSON (%v); flaggen did not write them: restore the key from a backup, or delete its ops field and push again", s, s.key("state"), err)
		}
	}
	if u := m["updated"]; u != "" {
		st.Updated, _ = time.Parse(time.RFC3339Nano, u)
	}
	st.By = m["by"]
	return st, nil
}

// A plan is a write's outcome, computed from the state read.
type plan struct {
	next     State
	composed *spec.File
	parsed   *spec.File // the document composed is composed from
	res      Result
	noChange bool
}

// composeCached composes st with the document the store composed last,
// and returns the document parsed too.
func (s *Store) composeCached(st State, limits spec.Limits) (composed, parsed *spec.File, err error) {
	s.mu.Lock()
	base, doc := s.base, s.parsed
	s.mu.Unlock()
	composed, parsed, err = compose(st, limits, doc, base)
	if err == nil {
		s.mu.Lock()
		s.base, s.parsed = composed, parsed
		s.mu.Unlock()
	}
	return composed, parsed, err
}

// commit reads the state, plans a write and writes it with writeScript;
// when another writer changed the state meanwhile it reads it again and
// replans, up to maxAttempts times, with a growing random pause.
func (s *Store) commit(ctx context.Context, dryRun bool, planFor func(st State) (*plan, error)) (Result, error) {
	for attempt := 1; ; attempt++ {
		st, err := s.Get(ctx)
		if err != nil {
			return Result{}, err
		}
		p, err := planFor(st)
		if err != nil {
			return Result{}, err
		}
		if err := checkBy(p.res.By); err != nil && !dryRun {
			return Result{}, fmt.Errorf("%s: %w", p.res.what(), err)
		}
		p.res.Previous = st.Version
		if p.noChange {
			p.res.Version = st.Version
			return p.res, nil
		}
		p.res.Version = st.Version + 1
		if dryRun {
			p.res.DryRun = true
			return p.res, nil
		}
		ok, err := s.write(ctx, st, p)
		if err != nil {
			return Result{}, err
		}
		if ok {
			s.mu.Lock()
			s.base, s.parsed = p.composed, p.parsed
			s.mu.Unlock()
			return p.res, nil
		}
		if attempt == maxAttempts {
			return Result{}, fmt.Errorf("%s: %w: tried %d times; try again", p.res.what(), ErrConflict, attempt)
		}
		pause := time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 6)))
		select {
		case <-ctx.Done():
			return Result{}, ctx.Err()
		case <-time.After(pause):
		}
	}
}

// write runs writeScript for p; false when the version had changed.
func (s *Store) write(ctx context.Context, st State, p *plan) (bool, error) {
	now := s.now().UTC()
	next := p.next
	next.Version = st.Version + 1
	ops, err := json.Marshal(next.Ops)
	if err != nil {
		return false, err
	}
	fields := []any{
		"version", next.Version,
		"dochash", next.DocHash,
		"ops", ops,
		"updated", now.Format(time.RFC3339Nano),
		"by", p.res.By,
	}
	if next.DocHash != st.DocHash || p.res.Action == "push" {
		// A push writes its document even of the hash recorded: the
		// document stored may not be the one the hash names.
		fields = append(fields, "doc", next.Doc)
	}
	entry := []any{
		"version", next.Version,
		"time", now.Format(time.RFC3339Nano),
		"by", p.res.By,
		"action", p.res.Action,
		"flag", p.res.Flag,
		"before", p.res.Before,
		"after", p.res.After,
	}
	if p.res.Action == "push" {
		changes, err := json.Marshal(p.res.Changes)
		if err != nil {
			return false, err
		}
		entry = append(entry, "changes", changes)
	}
	args := append([]any{st.Version, s.key("events"), next.Version, len(fields)}, fields...)
	args = append(args, entry...)
	n, err := writeScript.Run(ctx, s.rdb, []string{s.key("state"), s.key("audit")}, args...).Int()
	if err != nil {
		return false, s.wrap(err)
	}
	return n == 1, nil
}

// what names the write in its errors: "kill search", or "push".
func (r Result) what() string { return strings.TrimSpace(r.Action + " " + r.Flag) }

// maxBy bounds the name of who writes.
const maxBy = 200

// checkBy says why by cannot name who writes in the audit log: an empty
// name records no one, and a control character (a newline, a terminal
// escape) or a bidirectional override would let a name forge or hide
// lines where the log is printed.
func checkBy(by string) error {
	switch {
	case strings.TrimSpace(by) == "":
		return errors.New("no one named for the audit log: say who acts (flaggen -by NAME, PushOptions.By)")
	case len(by) > maxBy:
		return fmt.Errorf("who acts is %d bytes long, more than %d: give a shorter name for the audit log", len(by), maxBy)
	case !utf8.ValidString(by):
		return fmt.Errorf("who acts, %q, is not UTF-8: give a name in text for the audit log", by)
	case strings.ContainsFunc(by, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }):
		return fmt.Errorf("who acts, %q, holds a control character: give a name in one line of plain text for the audit log", by)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// storedLimits bounds a document read back from the store for an
// operation: spec's defaults, but no fewer bytes than the document has,
// which a push with larger PushOptions.Limits may have let in.
func storedLimits(st State) spec.Limits {
	return spec.Limits{MaxBytes: max(spec.DefaultMaxBytes, len(st.Doc))}
}

// opPlan writes an operation on flag: set changes the flag's Op, and
// describe says what the flag's composed declaration was and is
// (Result.Before and After).
func (s *Store) opPlan(ctx context.Context, action, flag, by string, describe func(*spec.Flag) string, set func(*Op)) (Result, error) {
	return s.commit(ctx, false, func(st State) (*plan, error) {
		if st.Version == 0 {
			return nil, fmt.Errorf("%s %s: %w: push a flags.toml first", action, flag, ErrEmpty)
		}
		cur, doc, err := s.composeCached(st, storedLimits(st))
		if errors.Is(err, ErrInvalid) {
			return nil, fmt.Errorf("%s %s: the store's document (v%d) does not compose, so no operation applies to it: push a corrected flags.toml, then run the operation again: %w", action, flag, st.Version, err)
		}
		if err != nil {
			return nil, err
		}
		fl := cur.Flag(flag)
		if fl == nil {
			return nil, unknownFlag(flag, cur)
		}
		op := st.Ops[flag]
		set(&op)
		next := st
		next.Ops = maps.Clone(st.Ops)
		if next.Ops == nil {
			next.Ops = make(Ops)
		}
		next.Ops[flag] = op
		nf, err := applyOp(fl, op)
		if err != nil {
			return nil, invalid(err)
		}
		composed, doc, err := compose(next, storedLimits(st), doc, cur)
		if err != nil {
			return nil, err
		}
		p := &plan{next: next, composed: composed, parsed: doc, res: Result{Action: action, Flag: flag, By: by, Before: describe(fl), After: describe(nf)}}
		p.noChange = sameServing(fl, nf)
		return p, nil
	})
}

// describeKilled and describeEnabled say what Kill and Unkill, Enable
// and Disable change: "true" or "false", which line prefixes with
// "killed " or "enabled ".
func describeKilled(fl *spec.Flag) string  { return strconv.FormatBool(fl.Killed) }
func describeEnabled(fl *spec.Flag) string { return strconv.FormatBool(fl.Enabled) }

// unknownFlag says that doc lacks flag, naming the closest keys.
func unknownFlag(flag string, doc *spec.File) error {
	keys := make([]string, len(doc.Flags))
	dist := make(map[string]int, len(doc.Flags))
	for i, fl := range doc.Flags {
		keys[i] = fl.Key
		dist[fl.Key] = suggest.Distance(flag, fl.Key)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(dist[a], dist[b]), strings.Compare(a, b)) })
	hint := ""
	if len(keys) > 0 && dist[keys[0]] <= max(2, len(flag)/3) {
		hint = fmt.Sprintf(": did you mean %q?", keys[0])
	}
	return fmt.Errorf("flag %q: %w%s (the store's flags include %s)", flag, ErrUnknownFlag, hint, listed(keys, 5))
}

// push validates doc and plans it as the store's document.
func (s *Store) push(ctx context.Context, doc []byte, o PushOptions) (Result, error) {
	name := o.Name
	if name == "" {
		name = docName
	}
	f, err := o.Limits.Parse(name, doc)
	if err != nil {
		return Result{}, invalid(err)
	}
	if len(f.Flags) == 0 {
		return Result{}, invalidf("%s: the document declares no flags, so instances would serve every flag's compiled-in declaration: declare the flags", name)
	}
	if err := s.checkInstances(ctx, f); err != nil {
		return Result{}, err
	}
	hash := docHash(doc)
	return s.commit(ctx, o.DryRun, func(st State) (*plan, error) {
		// old is what the fleet serves now: nothing before the first
		// push, nor when the store's document no longer composes (a
		// flaggen that validates more strictly than the one that pushed
		// it, a document whose hash does not match): the push replaces it,
		// as the error of every other write asks.
		old := &flagmeta.Schema{Name: name}
		var broken error
		if st.Version > 0 {
			cur, _, err := s.composeCached(st, storedLimits(st))
			switch {
			case errors.Is(err, ErrInvalid):
				broken = err
			case err != nil:
				return nil, err
			default:
				old = cur.Meta()
			}
		}
		next := State{Version: st.Version + 1, Doc: doc, DocHash: hash, Ops: make(Ops, len(st.Ops))}
		var dropped, why []string
		for _, key := range sortedKeys(st.Ops) {
			op := st.Ops[key]
			fl := f.Flag(key)
			if fl == nil {
				why = append(why, fmt.Sprintf("flag %q: the document no longer declares it, and an operation holds it (%s)", key, describeOp(op)))
			} else if _, err := applyOp(fl, op); err != nil {
				why = append(why, fmt.Sprintf("flag %q: its operation (%s) no longer applies: %v", key, describeOp(op), err))
			} else {
				next.Ops[key] = op
				continue
			}
			dropped = append(dropped, key)
		}
		if len(dropped) > 0 && !o.Force {
			return nil, fmt.Errorf("%s: %w:\n%s\nundo the operations first, or push with --force to drop them", name, ErrOpsDropped, strings.Join(why, "\n"))
		}
		composed, _, err := compose(next, o.Limits, f, nil)
		if err != nil {
			return nil, err
		}
		changes := live.Diff(old, composed.Meta())
		before := "none"
		if st.Version > 0 {
			before = "doc " + short(st.DocHash)
		}
		if broken != nil {
			before += " (which did not compose)"
		}
		after := "doc " + short(hash)
		if len(changes) == 0 {
			after += ", no flag changed"
		} else {
			keys := make([]string, len(changes))
			for i, c := range changes {
				keys[i] = c.Key
			}
			after += fmt.Sprintf(", %d %s changed: %s", len(changes), plural(len(changes), "flag", "flags"), listed(keys, 5))
		}
		if len(dropped) > 0 {
			after += ", operations dropped: " + strings.Join(dropped, ", ")
		}
		p := &plan{next: next, composed: composed, parsed: f, res: Result{Action: "push", By: o.By, Before: before, After: after, Changes: changes, Dropped: dropped}}
		p.noChange = st.Version > 0 && st.DocHash == hash && len(dropped) == 0 && broken == nil
		return p, nil
	})
}

// describeOp says what an operation sets, e.g. "killed, rollout 25%".
func describeOp(op Op) string {
	var parts []string
	if op.Killed != nil {
		parts = append(parts, "killed "+strconv.FormatBool(*op.Killed))
	}
	if op.Enabled != nil {
		parts = append(parts, "enabled "+strconv.FormatBool(*op.Enabled))
	}
	if op.Rollout != nil {
		parts = append(parts, "rollout "+spec.Percent(*op.Rollout).String())
	}
	if op.Split != nil {
		var w []string
		for _, k := range sortedKeys(op.Split) {
			w = append(w, k+" "+spec.Percent(op.Split[k]).String())
		}
		parts = append(parts, "split "+strings.Join(w, ", "))
	}
	if op.Schedule != nil {
		parts = append(parts, fmt.Sprintf("a schedule of %d stages", len(op.Schedule)))
	}
	return strings.Join(parts, ", ")
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func listed(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// line writes a write as one line: "v12: kill search by ana (killed
// false → true)".
func line(version int64, action, flag, by, before, after string, noChange, dryRun bool) string {
	var b strings.Builder
	if dryRun {
		b.WriteString("dry run, would write ")
	}
	fmt.Fprintf(&b, "v%d: %s", version, action)
	if flag != "" {
		b.WriteString(" " + flag)
	}
	if by != "" {
		b.WriteString(" by " + by)
	}
	what := ""
	switch action {
	case "kill", "unkill":
		what = "killed "
	case "enable", "disable":
		what = "enabled "
	}
	if noChange {
		fmt.Fprintf(&b, ": no change (%salready %s)", what, after)
		return b.String()
	}
	fmt.Fprintf(&b, " (%s%s → %s)", what, before, after)
	return b.String()
}
