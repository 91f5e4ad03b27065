package spec

import "testing"

func TestPercentString(t *testing.T) {
	for _, tt := range []struct {
		in   Percent
		want string
	}{
		{0, "0%"}, {1, "0.01%"}, {10, "0.1%"}, {50, "0.5%"}, {105, "1.05%"}, {2500, "25%"},
		{2550, "25.5%"}, {3333, "33.33%"}, {10000, "100%"}, {-50, "-0.5%"}, {-2550, "-25.5%"},
	} {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Percent(%d).String() = %q, want %q", int(tt.in), got, tt.want)
		}
	}
}
