package runtime

import (
	"context"
	"testing"
)

// TestZeroRolloutNeedsNoBucket: a 0% rollout gives off 100%, which, like
// any variant with 100%, needs no bucket: a request without a user id
// gets off, as every other request does, not the default (here on).
func TestZeroRolloutNeedsNoBucket(t *testing.T) {
	s := mustSet(t, `
[flags.dark]`+meta+`
default = "on"
rollout = 0

[flags.ruled]`+meta+`
default = "on"
[[flags.ruled.rules]]
when = [{ attribute = "country", op = "equals", value = "NL" }]
rollout = 0
`)
	for _, id := range []string{"", "u1", "u2"} {
		ev := s.NewEvaluator(context.Background(), Subject{ID: id, Attrs: []Attr{{"country", "NL"}}}, nil)
		if got, want := serve(s, ev, 0), (served{1, "off", "rollout"}); got != want {
			t.Errorf("rollout = 0 for %q: got %+v, want %+v", id, got, want)
		}
		if got, want := serve(s, ev, 1), (served{1, "off", "rule 1"}); got != want {
			t.Errorf("rule rollout = 0 for %q: got %+v, want %+v", id, got, want)
		}
	}
}
