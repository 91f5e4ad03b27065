package golangci

import (
	"strings"
	"testing"
	"time"

	"github.com/golangci/plugin-module-register/register"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name     string
		settings any
		now      string // the analyzer's -now, "" for today
	}{
		{"none", nil, ""},
		{"empty", map[string]any{}, ""},
		{"now", map[string]any{"now": "2026-12-01"}, "2026-12-01"},
		{"now empty", map[string]any{"now": ""}, ""},
		{"now a YAML timestamp", map[string]any{"now": time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}, "2026-12-01"},
		{"another map type", map[string]string{"now": "2027-01-15"}, "2027-01-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.settings)
			if err != nil {
				t.Fatalf("New(%#v): %v", tt.settings, err)
			}
			if got := p.GetLoadMode(); got != register.LoadModeTypesInfo {
				t.Errorf("GetLoadMode() = %q, want %q", got, register.LoadModeTypesInfo)
			}
			as, err := p.BuildAnalyzers()
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != 1 || as[0].Name != "flaggen" {
				t.Fatalf("BuildAnalyzers() = %v, want the flaggen analyzer", as)
			}
			if got := as[0].Flags.Lookup("now").Value.String(); got != tt.now {
				t.Errorf("the analyzer's -now is %q, want %q", got, tt.now)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name     string
		settings any
		want     string // the error, whole
	}{
		{
			"unknown key",
			map[string]any{"nwo": "2026-12-01"},
			`unknown setting "nwo"; the settings are: now (the date to judge expiry as of, YYYY-MM-DD)`,
		},
		{
			"bad date",
			map[string]any{"now": "12/01/2026"},
			`setting now: "12/01/2026" is not a date: write YYYY-MM-DD, e.g. now: "2026-12-01"`,
		},
		{
			"wrong type",
			map[string]any{"now": 20261201},
			`setting now: got 20261201 (int), want a date written YYYY-MM-DD, e.g. now: "2026-12-01"`,
		},
		{
			"a timestamp that is not a date",
			map[string]any{"now": time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)},
			`setting now: 2026-12-01 09:30:00 +0000 UTC is not a date: write YYYY-MM-DD`,
		},
		{
			"not a map",
			[]any{"now", "2026-12-01"},
			"settings: want a map of setting names to values, got []interface {}",
		},
		{
			"every problem, sorted by key",
			map[string]any{"z": 1, "now": true, "allow-unused": "x"},
			`unknown setting "allow-unused"; the settings are: now (the date to judge expiry as of, YYYY-MM-DD)` + "\n" +
				`setting now: got true (bool), want a date written YYYY-MM-DD, e.g. now: "2026-12-01"` + "\n" +
				`unknown setting "z"; the settings are: now (the date to judge expiry as of, YYYY-MM-DD)`,
		},
		{
			"an unknown key and a bad date",
			map[string]any{"now": "2026-13-01", "nwo": "2026-12-01"},
			`setting now: "2026-13-01" is not a date: write YYYY-MM-DD, e.g. now: "2026-12-01"` + "\n" +
				`unknown setting "nwo"; the settings are: now (the date to judge expiry as of, YYYY-MM-DD)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.settings)
			if err == nil {
				t.Fatalf("New(%#v) = %v, want an error", tt.settings, p)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("New(%#v) error:\n%s\nwant:\n%s", tt.settings, got, tt.want)
			}
		})
	}
}

func TestRegistered(t *testing.T) {
	newPlugin, err := register.GetPlugin(Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newPlugin(map[string]any{"now": "2026-12-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := newPlugin(map[string]any{"nwo": "2026-12-01"}); err == nil || !strings.Contains(err.Error(), `"nwo"`) {
		t.Errorf("the registered constructor accepts the unknown key nwo (error %v)", err)
	}
}
