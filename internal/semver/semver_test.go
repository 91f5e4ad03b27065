package semver

import "testing"

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Version
		ok   bool
	}{
		{"1.2.3", Version{1, 2, 3, ""}, true},
		{"v1.2.3", Version{1, 2, 3, ""}, true},
		{"2.3", Version{2, 3, 0, ""}, true},
		{"7", Version{7, 0, 0, ""}, true},
		{"1.0.0-rc.1", Version{1, 0, 0, "rc.1"}, true},
		{"1.0.0-rc.1+build.5", Version{1, 0, 0, "rc.1"}, true},
		{"1.0.0+build", Version{1, 0, 0, ""}, true},
		{"", Version{}, false},
		{"v", Version{}, false},
		{"1.", Version{}, false},
		{"1.2.3.4", Version{}, false},
		{"01.2.3", Version{}, false},
		{"1.2.x", Version{}, false},
		{"1.2.3-", Version{}, false},
		{"1.2.3-01", Version{}, false},
		{"1.2.3-a..b", Version{}, false},
		{"1.2.3+", Version{}, false},
		{"abc", Version{}, false},
		{"99999999999999999999.0.0", Version{}, false},
	} {
		got, ok := Parse(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCompare(t *testing.T) {
	// semver.org §11's example order, then a few more.
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2", "1.10.0", "2.0.0"}
	for i := range order {
		for j := range order {
			a, _ := Parse(order[i])
			b, _ := Parse(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := Compare(a, b); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	a, _ := Parse("2.3")
	b, _ := Parse("v2.3.0+build")
	if Compare(a, b) != 0 {
		t.Errorf("2.3 and v2.3.0+build should compare equal")
	}
}

func TestParseAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() {
		a, _ := Parse("1.2.3-rc.1")
		b, _ := Parse("1.2.3")
		_ = Compare(a, b)
	}); n != 0 {
		t.Errorf("Parse+Compare allocates %v times, want 0", n)
	}
}
