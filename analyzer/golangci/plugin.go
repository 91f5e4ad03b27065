package golangci

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/flaggen/flaggen/analyzer"
)

// Name is the name the plugin registers, and so the key of its entry
// under linters.settings.custom in .golangci.yml and the name to enable.
const Name = "flaggen"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings, the map under
// linters.settings.custom.flaggen.settings in .golangci.yml. The zero
// Settings judge as of the day golangci-lint runs.
type Settings struct {
	// Now is the date expiry and settling are judged as of, written
	// YYYY-MM-DD; empty means today, in UTC. The analyzer's -now.
	Now string
}

// settingKeys describes each key [Settings] accepts, for the message
// about a key it does not.
var settingKeys = map[string]string{
	"now": "the date to judge expiry as of, YYYY-MM-DD",
}

// New is the plugin's constructor, which golangci-lint calls with the
// settings of .golangci.yml (nil when there are none). It decodes them
// strictly into [Settings]: an unknown key, a value of the wrong type
// and a date that is not YYYY-MM-DD are errors, each named, and
// golangci-lint stops with them.
func New(settings any) (register.LinterPlugin, error) {
	s, err := decodeSettings(settings)
	if err != nil {
		return nil, err
	}
	cfg, err := s.config()
	if err != nil {
		return nil, err
	}
	return &plugin{cfg: cfg}, nil
}

// plugin is the [register.LinterPlugin] of [New].
type plugin struct {
	cfg analyzer.Config // from the settings
}

// BuildAnalyzers returns the flaggen analyzer, configured by the
// settings.
func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return []*analysis.Analyzer{analyzer.New(p.cfg)}, nil
}

// GetLoadMode says the analyzer needs type information: it resolves
// every reference to a flag through the type checker.
func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

// config returns the analyzer's configuration for s, or an error when
// s.Now is not a date.
func (s Settings) config() (analyzer.Config, error) {
	var cfg analyzer.Config
	if s.Now == "" {
		return cfg, nil
	}
	now, err := parseDate(s.Now)
	cfg.Now = now
	return cfg, err
}

// parseDate parses the value of the setting now.
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, fmt.Errorf(`setting now: %q is not a date: write YYYY-MM-DD, e.g. now: "2026-12-01"`, s)
	}
	return t, nil
}

// decodeSettings decodes the settings golangci-lint passes: nil, or a map
// from the keys of .golangci.yml (which golangci-lint lowercases) to
// values. It reports every key it does not know, every value of the
// wrong type and every string that is not a date, one per line, sorted
// by key.
//
// register.DecodeSettings is not used: it matches keys without regard to
// case, and its errors name neither the keys accepted nor the setting a
// wrongly typed value belongs to.
func decodeSettings(raw any) (Settings, error) {
	var s Settings
	if raw == nil {
		return s, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		// Another map type: take it as JSON does.
		data, err := json.Marshal(raw)
		if err != nil || json.Unmarshal(data, &m) != nil || m == nil {
			return s, fmt.Errorf("settings: want a map of setting names to values, got %T", raw)
		}
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(m)) {
		v := m[key]
		if _, known := settingKeys[key]; !known {
			errs = append(errs, fmt.Errorf("unknown setting %q; the settings are: %s", key, acceptedKeys()))
			continue
		}
		switch key {
		case "now":
			switch v := v.(type) {
			case string:
				if _, err := parseDate(v); v != "" && err != nil {
					errs = append(errs, err)
				}
				s.Now = v
			case time.Time:
				// A YAML timestamp, should a decoder make one of an
				// unquoted date.
				if hh, mm, ss := v.Clock(); hh != 0 || mm != 0 || ss != 0 || v.Nanosecond() != 0 {
					errs = append(errs, fmt.Errorf("setting now: %v is not a date: write YYYY-MM-DD", v))
				}
				s.Now = v.Format(time.DateOnly)
			default:
				errs = append(errs, fmt.Errorf(`setting now: got %v (%T), want a date written YYYY-MM-DD, e.g. now: "2026-12-01"`, v, v))
			}
		}
	}
	return s, errors.Join(errs...)
}

// acceptedKeys lists the keys of [Settings] with what each is, for an
// error message.
func acceptedKeys() string {
	var out string
	for i, key := range slices.Sorted(maps.Keys(settingKeys)) {
		if i > 0 {
			out += "; "
		}
		out += key + " (" + settingKeys[key] + ")"
	}
	return out
}
