package dashboard

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"short", "done", "done"},
		{"at the bound", strings.Repeat("a", maxMessage+len("…")), strings.Repeat("a", maxMessage+len("…"))},
		{"long", strings.Repeat("a", maxMessage+10), strings.Repeat("a", maxMessage) + "…"},
		{"clipped already", strings.Repeat("a", maxMessage) + "…", strings.Repeat("a", maxMessage) + "…"},
		// "→" is three bytes: the cut falls inside the one at maxMessage-1.
		{"within a rune", strings.Repeat("a", maxMessage-1) + strings.Repeat("→", 5), strings.Repeat("a", maxMessage-1) + "…"},
	} {
		got := clip(tt.in)
		if got != tt.want {
			t.Errorf("%s: clip(%d bytes) = %q, want %q", tt.name, len(tt.in), got, tt.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("%s: clip gave invalid UTF-8 %q", tt.name, got)
		}
	}
}
