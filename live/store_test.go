package live

import (
	"errors"
	"strings"
	"testing"

	"github.com/flaggen/flaggen/flagmeta"
	"github.com/flaggen/flaggen/spec"
)

// TestApplyFile: a parsed document is applied by version; the version in
// force again is only a check.
func TestApplyFile(t *testing.T) {
	set := newSet(t)
	var r recorder
	f := NewFeed(set, "store", r.options())
	file, err := spec.Parse("store", []byte(holidayOn))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ApplyFile(file, ""); err == nil {
		t.Error("ApplyFile without a version: no error")
	}
	c, err := f.ApplyFile(file, "v7")
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "v7" || !c.Changed() || c.Flags[0].Key != "holiday" {
		t.Errorf("change %+v, want v7 turning holiday on", c)
	}
	if got := lookup(set, "holiday"); got != "on" {
		t.Errorf("holiday = %s, want on", got)
	}
	if _, err := f.ApplyFile(file, "v7"); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.counts(); n != 1 {
		t.Errorf("%d changes heard, want 1 (v7 again is a check)", n)
	}
	if st := f.Status(); st.State != Ready || st.Version != "v7" {
		t.Errorf("status %v, want ready at v7", st)
	}
}

// TestUnreachable: an outage keeps the flags, turns the status stale
// with the error, is reported once however often the source says so,
// and ends with the next check.
func TestUnreachable(t *testing.T) {
	set := newSet(t)
	var r recorder
	f := NewFeed(set, "store", r.options())
	if _, err := f.Apply("flags.toml", []byte(holidayOn), "v1"); err != nil {
		t.Fatal(err)
	}
	down := errors.New("dial tcp 127.0.0.1:6379: connection refused")
	for range 3 {
		f.Unreachable(down)
	}
	if st := f.Status(); st.State != Stale || !errors.Is(st.Err, down) {
		t.Errorf("status %v, want stale with the error", st)
	}
	if _, n := r.counts(); n != 1 {
		t.Errorf("%d errors heard, want 1 for one outage", n)
	}
	if got := lookup(set, "holiday"); got != "on" {
		t.Errorf("holiday = %s during the outage, want on (the flags in force)", got)
	}
	f.Checked()
	if st := f.Status(); st.State != Ready || st.Err != nil {
		t.Errorf("status %v after a check, want ready", st)
	}
	f.Unreachable(down)
	if _, n := r.counts(); n != 2 {
		t.Errorf("%d errors heard, want 2 for two outages", n)
	}

	// A cold start with the source down: the compiled-in flags, stale.
	g := NewFeed(newSet(t), "store", r.options())
	g.Unreachable(down)
	if st := g.Status(); st.State != Stale {
		t.Errorf("cold start status %v, want stale", st)
	}
}

// TestUnreachableWhileFailing: an outage of a source whose document was
// refused keeps the feed failing with the refusal as its error, during
// the outage and after it: the outage is not why the feed fails.
func TestUnreachableWhileFailing(t *testing.T) {
	var r recorder
	f := NewFeed(newSet(t), "store", r.options())
	if _, err := f.Apply("flags.toml", []byte(holidayOn), "v1"); err != nil {
		t.Fatal(err)
	}
	_, refused := f.Apply("flags.toml", []byte("[flags.holiday\n"), "v2")
	if refused == nil {
		t.Fatal("a broken document was applied")
	}
	down := errors.New("dial tcp 127.0.0.1:6379: connection refused")
	f.Unreachable(down)
	if st := f.Status(); st.State != Failing || st.Err == nil || st.Err.Error() != refused.Error() {
		t.Errorf("during the outage: status %v, want failing with %v", st, refused)
	}
	f.Checked()
	if st := f.Status(); st.State != Failing || st.Err == nil || st.Err.Error() != refused.Error() {
		t.Errorf("after the outage: status %v, want failing with %v", st, refused)
	}
}

// TestDiff: the words of a Change, for two documents.
func TestDiff(t *testing.T) {
	parse := func(src string) *spec.File {
		f, err := spec.Parse("flags.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	old := parse(base)
	killed := strings.Replace(holidayOn, "[flags.my_new_feature]\n", "[flags.my_new_feature]\nkilled = true\n", 1)
	got := Diff(old.Meta(), parse(killed).Meta())
	var lines []string
	for _, c := range got {
		lines = append(lines, c.Key+": "+strings.Join(c.What, "; "))
	}
	want := []string{"holiday: settled: no → on; rollout: 0% → 100% on", "my_new_feature: killed: false → true"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("Diff:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if d := Diff(old.Meta(), old.Meta()); len(d) != 0 {
		t.Errorf("Diff of a document with itself = %v, want none", d)
	}
	// A nil schema declares nothing: every flag is added, or removed.
	for _, tc := range []struct {
		old, new *flagmeta.Schema
		want     string
	}{{nil, old.Meta(), "added"}, {old.Meta(), nil, "removed"}} {
		d := Diff(tc.old, tc.new)
		if len(d) != len(old.Flags) || d[0].What[0] != tc.want {
			t.Errorf("Diff with a nil schema = %v, want every flag %s", d, tc.want)
		}
	}
	if d := Diff(nil, nil); len(d) != 0 {
		t.Errorf("Diff(nil, nil) = %v, want none", d)
	}
}
