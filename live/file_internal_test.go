package live

import "testing"

// TestOutside: which directory a symlinked file's target needs watched besides
// its own.
func TestOutside(t *testing.T) {
	for _, c := range [][3]string{
		{"/a/b", "/a/b/..data/flags.toml", ""},
		{"/a/b", "/a/b/x.toml", ""},
		{"/a/b", "/a/b/conf/x.toml", "/a/b/conf"},
		{"/a/b", "/a/c/x.toml", "/a/c"},
		{"/a/b", "/x.toml", "/"},
		{".", "..data/flags.toml", ""},
		{".", "../x/flags.toml", "../x"},
		{".", "/srv/x.toml", "/srv"},
		{".", "x.toml", ""},
	} {
		if got := outside(c[0], []string{c[1]}); got != c[2] {
			t.Errorf("outside(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
