package ofprovider

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/flaggen/flaggen/runtime"
	"github.com/open-feature/go-sdk/openfeature"
)

// subject builds the subject of an evaluation whose context carries no
// evaluator: the targeting key is its id, the attribute named by
// Options.GroupsKey its groups, and every other attribute of a scalar
// type an attribute, as fmt.Sprint prints it. Attributes of other types
// (maps, slices, structs other than time.Time) are left out: no rule
// can compare them.
func (p *Provider) subject(flat openfeature.FlattenedContext) runtime.Subject {
	var s runtime.Subject
	n := len(flat)
	for k, v := range flat {
		switch k {
		case openfeature.TargetingKey:
			s.ID, _ = v.(string)
			n--
			continue
		case p.groupsKey:
			s.Groups = groups(v)
			n--
			continue
		}
		text, ok := scalar(v)
		if !ok {
			continue
		}
		if s.Attrs == nil {
			s.Attrs = make([]runtime.Attr, 0, n)
		}
		s.Attrs = append(s.Attrs, runtime.Attr{Key: k, Value: text})
	}
	return s
}

// groups reads a groups attribute: a []string (used as it is), a []any
// of strings, or a comma-separated string. Empty names are dropped from
// the last two; an empty name in a []string is kept and matches nothing,
// since flags.toml refuses groups = [""].
func groups(v any) []string {
	switch g := v.(type) {
	case []string:
		return g
	case []any:
		out := make([]string, 0, len(g))
		for _, x := range g {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	case string:
		var out []string
		for part := range strings.SplitSeq(g, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out
	}
	return nil
}

// scalar returns v as fmt.Sprint prints it, for a v of a scalar type;
// the common types are converted without fmt, and a string without
// allocating. A time.Time is written in RFC 3339.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case time.Time:
		return x.Format(time.RFC3339Nano), true
	case nil:
		return "", false
	}
	switch reflect.TypeOf(v).Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return fmt.Sprint(v), true
	}
	return "", false
}
