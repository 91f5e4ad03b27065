package spec

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/flaggen/flaggen/internal/semver"
	"github.com/flaggen/flaggen/internal/suggest"
)

// Load reads and parses the flags.toml at path, within the default
// [Limits]. Positions in errors name the file as path is written.
func Load(path string) (*File, error) { return Limits{}.Load(path) }

// Parse parses and validates src, a flags.toml named name in messages,
// within the default [Limits]. The error, if any, is an [ErrorList] holding
// every problem, sorted by position. Input beyond a limit, and a TOML
// syntax error, stop parsing and are reported alone.
func Parse(name string, src []byte) (*File, error) { return Limits{}.Parse(name, src) }

// parse is Parse for src already checked against its limits.
func parse(name string, src []byte) (*File, error) {
	// One copy of the text serves the decoder and the index, and is kept
	// by the strings of the File they make.
	str := string(src)
	raw, ix, ok := fastDecode(name, src, str)
	if !ok {
		if _, err := toml.Decode(str, &raw); err != nil {
			return nil, ErrorList{syntaxError(name, src, err)}
		}
		ix = newIndex(name, src, str)
	}
	p := newParser(name, src, ix)
	f := &File{Name: name, Source: src}
	p.file(f, raw)
	p.checkNames(f)
	if len(p.errs) > 0 {
		p.errs.Sort()
		return nil, p.errs
	}
	f.indexFlags()
	return f, nil
}

// syntaxError turns a TOML decoding error in src into an [Error] with a
// position.
func syntaxError(name string, src []byte, err error) *Error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return &Error{Pos: Pos{Filename: name}, Msg: err.Error(), kind: ErrSyntax}
	}
	msg := strings.TrimSuffix(pe.Message, ".")
	if k, ok := strings.CutPrefix(msg, "Key '"); ok && strings.HasSuffix(k, "' has already been defined") {
		k = strings.TrimSuffix(k, "' has already been defined")
		if parts := splitKey(k); len(parts) == 2 && parts[0] == "flags" {
			msg = fmt.Sprintf("duplicate flag %q: a flag is declared once; merge the two tables or rename one", parts[1])
		} else {
			msg = fmt.Sprintf("duplicate key %q: a key is set once per table; delete one of them", k)
		}
	} else if msg != "" {
		// The lexer reports the end of the input as the rune 0, and the
		// end of a line as the rune it ends with.
		msg = strings.ReplaceAll(msg, `'\x00'`, "the end of the file")
		msg = strings.ReplaceAll(msg, `'\n'`, "the end of the line")
		msg = strings.ReplaceAll(msg, `'\r'`, "the end of the line")
		if len(msg) < 2 || !unicode.IsUpper(rune(msg[1])) { // keep "TOML files …"
			msg = strings.ToLower(msg[:1]) + msg[1:]
		}
		msg = "invalid TOML: " + msg
	}
	return &Error{Pos: syntaxPos(name, src, pe), Msg: msg, kind: ErrSyntax}
}

// splitKey splits a dotted key as the decoder prints it, with a segment
// that is not a bare key in double quotes, into its segments:
// flags."my.flag" → flags, my.flag.
func splitKey(k string) []string {
	var segs []string
	for k != "" {
		end := strings.IndexByte(k, '.')
		if k[0] == '"' {
			end = 1
			for end < len(k) && k[end] != '"' {
				if k[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end+1, len(k))
		} else if end < 0 {
			end = len(k)
		}
		seg := k[:end]
		if strings.HasPrefix(seg, `"`) {
			if s, err := strconv.Unquote(seg); err == nil {
				seg = s
			}
		}
		segs = append(segs, seg)
		k = strings.TrimPrefix(k[end:], ".")
	}
	return segs
}

// syntaxPos converts the position of a TOML error in src to ours. The
// decoder's Line is right but its Col is not to be trusted: it counts from
// the previous line's start when the error is at the first byte of a line.
// So the column is recomputed from the byte offset Start (which is one short
// for a control character, and the token's start for bad UTF-8) and kept
// within the decoder's line; but for a newline that the lexer did not
// expect, its Line is the next one. The decoder skips a byte-order mark
// before counting offsets; Col counts it, as it is on line 1.
func syntaxPos(name string, src []byte, pe toml.ParseError) Pos {
	// Find the line: its first byte and its length without the newline.
	line := max(pe.Position.Line, 1)
	start, n := 0, 1
	for n < line {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			break // past the end: use the last line
		}
		start += i + 1
		n++
	}
	length := len(src) - start
	if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
		length = i
	}

	skipped := bomLen(src)
	off := skipped + pe.Position.Start // the error's offset in src
	switch {
	case strings.Contains(pe.Message, "control character"):
		off++
	case strings.Contains(pe.Message, "invalid UTF-8"):
		// Start is the token's; the lexer stops at the first bad byte.
		for i := skipped; i < len(src); {
			r, w := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && w == 1 {
				off = i
				break
			}
			i += w
		}
	}
	if start > 0 && off == start-1 && src[off] == '\n' && strings.Contains(pe.Message, `'\n'`) {
		// The lexer counts the newline it stopped at before it reports
		// it: the error is at the end of the line before.
		n--
		length = off - (bytes.LastIndexByte(src[:off], '\n') + 1)
		start = off - length
	}
	col := off - start + 1
	if off < 0 || col < 1 || col > length+1 {
		col = pe.Position.Col
	}
	return Pos{Filename: name, Line: n, Col: min(max(col, 1), length+1)}
}

// now is the clock behind the expiry date suggested for a flag with none.
var now = time.Now

type parser struct {
	name  string
	ix    *index
	errs  ErrorList
	paths []string // where at cuts paths from
	// hintCost is what "did you mean" hints may still spend, in cells of
	// edit-distance tables: hostile input (thousands of misspellings of
	// long names) must not cost more than the rest of the parse.
	hintCost int
}

// newParser returns a parser for src, named name in messages; str is src
// as a string.
func newParser(name string, src []byte, ix *index) *parser {
	return &parser{name: name, ix: ix, hintCost: 1<<20 + 16*len(src)}
}

// maxListed is the most names a message lists: more than any list of keys
// or operators, and a bound on what a message about a flag with hundreds
// of variants costs.
const maxListed = 20

// didYouMean ends a message about word, which is none of candidates: with
// the closest candidate, or else with intro and the candidates (the first
// maxListed of them).
func (p *parser) didYouMean(word string, candidates []string, intro string) string {
	if s := p.closest(word, candidates); s != "" {
		return fmt.Sprintf(": did you mean %q?", s)
	}
	if len(candidates) > maxListed {
		return fmt.Sprintf(": %s %s, … (%d in all)", intro, strings.Join(candidates[:maxListed], ", "), len(candidates))
	}
	return ": " + intro + " " + strings.Join(candidates, ", ")
}

// closest is [suggest.Closest] within p.hintCost. It leaves out the
// candidates whose length alone puts them too far from word to be
// suggested, and gives no suggestion once the budget is spent.
func (p *parser) closest(word string, candidates []string) string {
	near := make([]string, 0, len(candidates))
	cost := 0
	for _, c := range candidates {
		if suggest.Near(word, c) {
			near = append(near, c)
			cost += (len(word) + 1) * (len(c) + 1)
		}
	}
	if len(near) == 0 || cost > p.hintCost {
		return ""
	}
	p.hintCost -= cost
	return suggest.Closest(word, near)
}

func (p *parser) errorf(pos Pos, format string, args ...any) {
	if pos.Filename == "" {
		pos.Filename = p.name
	}
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// keyPos is where the key at path is written, or the nearest ancestor's
// position when the index lacks it.
func (p *parser) keyPos(path ...string) Pos {
	for n := len(path); n > 0; n-- {
		if pos, ok := p.ix.key(path[:n]...); ok {
			return pos
		}
	}
	return Pos{Filename: p.name, Line: 1, Col: 1}
}

// valuePos is where the value at path starts, falling back to keyPos.
func (p *parser) valuePos(path ...string) Pos {
	if pos, ok := p.ix.value(path...); ok {
		return pos
	}
	return p.keyPos(path...)
}

// at returns path extended by elems, as a fresh slice that no append
// can share. Slices are cut from blocks, so that the many paths a parse
// builds cost few allocations.
func (p *parser) at(path []string, elems ...string) []string {
	n := len(path) + len(elems)
	if cap(p.paths)-len(p.paths) < n {
		p.paths = make([]string, 0, max(1024, n))
	}
	start := len(p.paths)
	p.paths = append(append(p.paths, path...), elems...)
	return p.paths[start:len(p.paths):len(p.paths)]
}

// typeName names the TOML type of a decoded value, for messages.
func typeName(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		switch v.Location().String() {
		case "date-local":
			return "a date"
		case "time-local":
			return "a time"
		case "datetime-local":
			return "a local date-time"
		}
		return "a date-time"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

// keys reports every key of tbl that is not in allowed, with a suggestion,
// and whether there were any. what describes tbl in the messages; it is
// only called for one.
func (p *parser) keys(path []string, tbl map[string]any, what func() string, allowed ...string) (unknown bool) {
	for k := range tbl {
		if slices.Contains(allowed, k) {
			continue
		}
		p.errorf(p.keyPos(p.at(path, k)...), "unknown key %q in %s%s", k, what(), p.didYouMean(k, allowed, "the keys are"))
		unknown = true
	}
	return unknown
}

// about describes a table for keys.
func about(what string) func() string { return func() string { return what } }

func (p *parser) wrongType(path []string, v any, want, example string) {
	p.errorf(p.valuePos(path...), "%s is %s; it must be %s, e.g. %s", path[len(path)-1], typeName(v), want, example)
}

// str reads an optional non-empty string.
func (p *parser) str(path []string, tbl map[string]any, key, example string) (string, bool) {
	v, ok := tbl[key]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		p.wrongType(p.at(path, key), v, "a string", example)
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		p.errorf(p.valuePos(p.at(path, key)...), "%s is empty; write %s, or delete the key", key, example)
		return "", false
	}
	return s, true
}

func (p *parser) boolean(path []string, tbl map[string]any, key string, def bool) bool {
	v, ok := tbl[key]
	if !ok {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		p.wrongType(p.at(path, key), v, "true or false", key+" = "+strconv.FormatBool(!def))
		return def
	}
	return b
}

// strings reads an array of strings.
func (p *parser) strList(path []string, tbl map[string]any, key, example string) ([]string, bool) {
	v, ok := tbl[key]
	if !ok {
		return nil, false
	}
	arr, ok := v.([]any)
	if !ok {
		p.wrongType(p.at(path, key), v, "an array of strings", example)
		return nil, false
	}
	out := make([]string, 0, len(arr))
	good := true
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			p.errorf(p.valuePos(p.at(path, key, strconv.Itoa(i))...), "%s[%d] is %s; %s holds strings, e.g. %s", key, i, typeName(e), key, example)
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}

// idList is strList for user ids and group names (noun), which may not
// be empty (a request without a subject has the empty id, so users = [""]
// would serve a gated variant to every anonymous visitor) nor start or
// end with a space (such a name would never match).
func (p *parser) idList(path []string, tbl map[string]any, key, example, noun string) ([]string, bool) {
	out, good := p.strList(path, tbl, key, example)
	for i, s := range out {
		t := strings.TrimSpace(s)
		if s != "" && t == s {
			continue
		}
		good = false
		pos := p.valuePos(p.at(path, key, strconv.Itoa(i))...)
		switch {
		case s == "" && noun == "user id":
			p.errorf(pos, "%s[%d] is an empty user id, which every request without a subject has: write the id, e.g. %s", key, i, example)
		case s == "":
			p.errorf(pos, "%s[%d] is an empty %s: write the %s, e.g. %s", key, i, noun, noun, example)
		default:
			p.errorf(pos, "%s[%d] %q has spaces around it, which no %s has (they are compared exactly, and the middleware trims them): write %q", key, i, s, noun, t)
		}
	}
	return out, good
}

// percent reads a number between 0 and 100 with at most two decimals.
func (p *parser) percent(path []string, v any) (Percent, bool) {
	var f float64
	switch n := v.(type) {
	case int64:
		f = float64(n)
	case float64:
		f = n
	default:
		p.wrongType(path, v, "a percentage between 0 and 100", path[len(path)-1]+" = 25")
		return 0, false
	}
	pos := p.valuePos(path...)
	if math.IsNaN(f) || f < 0 || f > 100 {
		p.errorf(pos, "%s = %v is outside 0–100: write a percentage between 0 and 100", path[len(path)-1], v)
		return 0, false
	}
	if math.Abs(f*100-math.Round(f*100)) > 1e-6 {
		p.errorf(pos, "%s = %v is finer than 0.01%%: round it to two decimals", path[len(path)-1], v)
		return 0, false
	}
	return PercentOf(f), true
}

// date reads a TOML local date such as 2027-03-31.
func (p *parser) date(path []string, v any) (Date, bool) {
	t, ok := v.(time.Time)
	if !ok || t.Location().String() != "date-local" {
		example := path[len(path)-1] + " = 2027-03-31"
		if s, isStr := v.(string); isStr {
			p.errorf(p.valuePos(path...), "%s is the string %q; write a TOML date without quotes, e.g. %s", path[len(path)-1], s, example)
		} else {
			p.errorf(p.valuePos(path...), "%s is %s; it must be a date with no time of day, e.g. %s", path[len(path)-1], typeName(v), example)
		}
		return Date{}, false
	}
	return Date{t.Year(), t.Month(), t.Day()}, true
}

// tableArray reads an array of tables, written [[...]] or as an array of
// inline tables.
func (p *parser) tableArray(path []string, v any, example string) []map[string]any {
	switch arr := v.(type) {
	case []map[string]any:
		return arr
	case []any:
		out := make([]map[string]any, 0, len(arr))
		for i, e := range arr {
			m, ok := e.(map[string]any)
			if !ok {
				p.errorf(p.valuePos(p.at(path, strconv.Itoa(i))...), "%s[%d] is %s; write tables, e.g. %s", path[len(path)-1], i, typeName(e), example)
				continue
			}
			out = append(out, m)
		}
		return out
	}
	p.wrongType(path, v, "an array of tables", example)
	return nil
}

func (p *parser) file(f *File, raw map[string]any) {
	p.keys(nil, raw, about("the top level"), "flags", "generate")
	if v, ok := raw["generate"]; ok {
		p.generate(f, v)
	}
	v, ok := raw["flags"]
	if !ok {
		return // a file with no flags is valid, if useless
	}
	flags, ok := v.(map[string]any)
	if !ok {
		p.wrongType([]string{"flags"}, v, "a table of flags", "[flags.my_flag]")
		return
	}
	for _, key := range p.orderedKeys([]string{"flags"}, flags) {
		tbl, ok := flags[key].(map[string]any)
		path := []string{"flags", key}
		if !ok {
			p.errorf(p.valuePos(path...), "flag %q is %s; it must be a table, e.g. [flags.%s]", key, typeName(flags[key]), key)
			continue
		}
		if fl := p.flag(path, key, tbl); fl != nil {
			f.Flags = append(f.Flags, fl)
		}
	}
}

// orderedKeys returns the keys of tbl, the table at path, in the order the
// file writes them. Any the index missed come last, sorted.
func (p *parser) orderedKeys(path []string, tbl map[string]any) []string {
	keys := p.ix.children(path...)
	found := 0 // of keys in tbl; the index lists a key once
	for _, k := range keys {
		if _, ok := tbl[k]; ok {
			found++
		}
	}
	if found == len(tbl) {
		return keys
	}
	indexed := make(map[string]bool, len(keys))
	for _, k := range keys {
		indexed[k] = true
	}
	n := len(keys)
	for k := range tbl {
		if !indexed[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys[n:])
	return keys
}

// generate reads the [generate] table: where the generated package lives.
func (p *parser) generate(f *File, v any) {
	path := []string{"generate"}
	tbl, ok := v.(map[string]any)
	if !ok {
		p.wrongType(path, v, "a table", `[generate] with dir = "internal/flags"`)
		return
	}
	p.keys(path, tbl, about("[generate]"), "dir", "package")
	if dir, ok := p.str(path, tbl, "dir", `dir = "internal/flags"`); ok {
		clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(dir)))
		if filepath.IsAbs(dir) || strings.HasPrefix(dir, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
			p.errorf(p.valuePos(p.at(path, "dir")...), "dir %q must be a directory inside the one holding this file, written relative to it, e.g. dir = \"internal/flags\"", dir)
		} else {
			f.Generate.Dir = clean
		}
	}
	if pkg, ok := p.str(path, tbl, "package", `package = "flags"`); ok {
		if !token.IsIdentifier(pkg) || pkg == "_" {
			p.errorf(p.valuePos(p.at(path, "package")...), "package %q is not a Go package name: write a lowercase identifier, e.g. package = \"flags\"", pkg)
		} else {
			f.Generate.Package = pkg
		}
	}
}

var flagKeys = []string{"description", "owner", "expires", "go_name", "variants", "variant_go_names",
	"default", "enabled", "killed", "salt", "bucket_by", "rollout", "split", "schedule", "rules",
	"overrides", "deprecated", "removed", "values"}

func (p *parser) flag(path []string, key string, tbl map[string]any) *Flag {
	pos := p.keyPos(path...)
	fl := &Flag{Pos: pos, Key: key, Enabled: true, Salt: key}
	if !snakeCase.MatchString(key) {
		if s := snakeCaseOf(key); snakeCase.MatchString(s) {
			p.errorf(pos, "flag key %q is not snake_case: write [flags.%s]", key, s)
		} else {
			p.errorf(pos, "flag key %q is not snake_case: use lower-case ASCII letters, digits and underscores, starting with a letter, e.g. [flags.new_checkout]", key)
		}
	}
	p.keys(path, tbl, func() string { return fmt.Sprintf("flag %q", key) }, flagKeys...)
	fl.GoName = GoName(key)
	if g, ok := p.str(path, tbl, "go_name", `go_name = "Checkout"`); ok {
		if !goIdent.MatchString(g) {
			p.errorf(p.valuePos(p.at(path, "go_name")...), "go_name %q is not an exported Go identifier: write letters and digits starting with a capital, e.g. %q", g, GoName(g))
		} else {
			fl.GoName = g
		}
	}
	if fl.GoName == "" {
		fl.GoName = "Flag" // reported as not snake_case above
	}
	var ok bool
	if fl.Description, ok = p.str(path, tbl, "description", `description = "what the flag changes"`); !ok {
		if _, present := tbl["description"]; !present {
			p.errorf(pos, "flag %q has no description: add description = \"what the flag changes\"", key)
		}
	}
	if fl.Owner, ok = p.str(path, tbl, "owner", `owner = "team-or-person"`); !ok {
		if _, present := tbl["owner"]; !present {
			p.errorf(pos, "flag %q has no owner: add owner = \"team-or-person\" so stale-flag reports reach someone", key)
		}
	}
	if v, present := tbl["expires"]; present {
		fl.Expires, _ = p.date(p.at(path, "expires"), v)
	} else {
		p.errorf(pos, "flag %q has no expires: add expires = %s, the date by which it should be gone from the code", key, now().AddDate(0, 3, 0).Format(time.DateOnly))
	}

	p.variants(path, fl, tbl)
	fl.Enabled = p.boolean(path, tbl, "enabled", true)
	fl.Killed = p.boolean(path, tbl, "killed", false)
	if _, ok := tbl["salt"]; ok {
		if s, ok := p.str(path, tbl, "salt", `salt = "`+key+`-2"`); ok {
			fl.Salt = s
		}
	}
	fl.BucketBy, _ = p.str(path, tbl, "bucket_by", `bucket_by = "account_id"`)
	if fl.Variants == nil {
		return nil // nothing below can be checked without variants
	}

	_, hasRollout := tbl["rollout"]
	_, hasSplit := tbl["split"]
	_, hasSchedule := tbl["schedule"]
	switch {
	case hasRollout && hasSplit:
		p.errorf(p.keyPos(p.at(path, "split")...), "flag %q has both rollout and split: keep one", key)
	case hasRollout && hasSchedule:
		p.errorf(p.keyPos(p.at(path, "schedule")...), "flag %q has both rollout and schedule: a schedule sets the percentage over time, so delete rollout (or the schedule)", key)
	case hasSplit && hasSchedule:
		p.errorf(p.keyPos(p.at(path, "schedule")...), "flag %q has both split and schedule: a schedule ramps a boolean flag; delete one", key)
	}
	fl.Rollout = p.distribution(path, fl, tbl)
	if v, ok := tbl["schedule"]; ok {
		fl.Schedule = p.schedule(p.at(path, "schedule"), fl, v)
	}
	if v, ok := tbl["rules"]; ok {
		for i, r := range p.tableArray(p.at(path, "rules"), v, "[[flags."+key+".rules]]") {
			if rule := p.rule(p.at(path, "rules", strconv.Itoa(i)), fl, r); rule != nil {
				fl.Rules = append(fl.Rules, rule)
			}
		}
	}
	if v, ok := tbl["overrides"]; ok {
		fl.Overrides = p.overrides(p.at(path, "overrides"), fl, v)
	}
	fl.Deprecated, _ = p.str(path, tbl, "deprecated", `deprecated = "use new_search instead"`)
	if v, ok := tbl["removed"]; ok {
		fl.Removed = p.removed(p.at(path, "removed"), fl, v)
	}
	if v, ok := tbl["values"]; ok {
		p.values(path, fl, v)
	}
	return fl
}

// variants reads variants, variant_go_names and default.
func (p *parser) variants(path []string, fl *Flag, tbl map[string]any) {
	if _, ok := tbl["variants"]; !ok {
		fl.Bool = true
		// One allocation for the two variants and the slice of them.
		b := &struct {
			v [2]Variant
			p [2]*Variant
		}{v: [2]Variant{{Pos: fl.Pos, Name: Off, GoName: "Off"}, {Pos: fl.Pos, Name: On, GoName: "On"}}}
		b.p = [2]*Variant{&b.v[0], &b.v[1]}
		fl.Variants = b.p[:]
	} else {
		names, good := p.strList(path, tbl, "variants", `variants = ["control", "treatment"]`)
		if !good {
			return
		}
		vpath := p.at(path, "variants")
		if len(names) > MaxVariants {
			p.errorf(p.valuePos(vpath...), "flag %q lists %d variants: a flag may have at most %d; split it into several flags", fl.Key, len(names), MaxVariants)
			return
		}
		// A name listed twice counts once, so that the checks below still
		// run: deleting the second leaves the same variants. Set
		// fl.Variants only if every name is good and there are two: the
		// checks below index it freely.
		var vs []*Variant
		seen := make(map[string]bool, len(names))
		bad := false
		for i, n := range names {
			pos := p.valuePos(p.at(vpath, strconv.Itoa(i))...)
			switch {
			case seen[n]:
				p.errorf(pos, "variant %q is listed twice: delete the second", n)
			case len(n) > MaxNameBytes:
				p.errorf(pos, "variant %q… is %d bytes long: a variant name has at most %d; shorten it", n[:MaxNameBytes/2], len(n), MaxNameBytes)
				bad = true
			case !variantName.MatchString(n):
				example := variantNameOf(n)
				if !variantName.MatchString(example) {
					example = "treatment"
				}
				p.errorf(pos, "variant %q is not a name: use ASCII letters, digits and underscores, starting with a letter, e.g. %q", n, example)
				bad = true
			default:
				vs = append(vs, &Variant{Pos: pos, Name: n, GoName: GoName(n)})
			}
			seen[n] = true
		}
		if len(seen) < 2 {
			listed := "no variants"
			switch {
			case len(seen) == 1 && len(names) > 1:
				listed = "only one distinct variant"
			case len(seen) == 1:
				listed = "only one variant"
			}
			p.errorf(p.valuePos(vpath...), "flag %q lists %s: list at least two, or delete variants for a boolean flag", fl.Key, listed)
			return
		}
		if bad {
			return
		}
		fl.Variants = vs
	}
	if v, ok := tbl["variant_go_names"]; ok && fl.Bool {
		p.errorf(p.keyPos(p.at(path, "variant_go_names")...), "variant_go_names is for flags with variants; a boolean flag has no variant enum: delete it")
	} else if ok {
		gpath := p.at(path, "variant_go_names")
		m, ok := v.(map[string]any)
		if !ok {
			p.wrongType(gpath, v, "a table of variant = \"GoName\"", `variant_go_names = { variant_a = "Alpha" }`)
		}
		for name, g := range m {
			i := fl.VariantIndex(name)
			if i < 0 {
				p.unknownVariant(p.at(gpath, name), fl, name, true)
				continue
			}
			s, ok := g.(string)
			if !ok || !goIdent.MatchString(s) {
				p.errorf(p.valuePos(p.at(gpath, name)...), "Go name of variant %q must be an exported Go identifier, e.g. %s = %q", name, name, GoName(name))
				continue
			}
			fl.Variants[i].GoName = s
		}
	}
	if fl.Bool {
		fl.Default = 0
	}
	if v, ok := tbl["default"]; ok {
		if i, ok := p.variantRef(p.at(path, "default"), fl, v); ok {
			fl.Default = i
		}
	} else if !fl.Bool {
		p.errorf(fl.Pos, "flag %q has no default: add default = %q, the variant served when the flag is off or nothing matches", fl.Key, fl.Variants[0].Name)
	}
}

// variantRef reads a string naming one of fl's variants.
func (p *parser) variantRef(path []string, fl *Flag, v any) (int, bool) {
	s, ok := v.(string)
	if !ok {
		p.wrongType(path, v, "a variant name", fmt.Sprintf("%s = %q", path[len(path)-1], fl.Variants[len(fl.Variants)-1].Name))
		return 0, false
	}
	i := fl.VariantIndex(s)
	if i < 0 {
		p.unknownVariant(path, fl, s, false)
		return 0, false
	}
	return i, true
}

func (p *parser) unknownVariant(path []string, fl *Flag, name string, atKey bool) {
	names := make([]string, len(fl.Variants))
	for i, v := range fl.Variants {
		names[i] = v.Name
	}
	pos := p.valuePos(path...)
	if atKey {
		pos = p.keyPos(path...)
	}
	p.errorf(pos, "%q is not a variant of flag %q%s", name, fl.Key, p.didYouMean(name, names, "write one of"))
}

// distribution reads rollout (boolean flags) or split from tbl.
func (p *parser) distribution(path []string, fl *Flag, tbl map[string]any) Distribution {
	if v, ok := tbl["rollout"]; ok {
		rpath := p.at(path, "rollout")
		if !fl.Bool {
			p.errorf(p.keyPos(rpath...), "rollout is for boolean flags; flag %q has variants, so write split = { %s = 50, %s = 50 }", fl.Key, fl.Variants[0].Name, fl.Variants[1].Name)
			return nil
		}
		pct, ok := p.percent(rpath, v)
		if !ok {
			return nil
		}
		return Distribution{{Variant: 1, Upper: pct}, {Variant: 0, Upper: Whole}}
	}
	v, ok := tbl["split"]
	if !ok {
		return nil
	}
	spath := p.at(path, "split")
	m, ok := v.(map[string]any)
	if !ok {
		p.wrongType(spath, v, "a table of variant = percent", fmt.Sprintf("split = { %s = 50, %s = 50 }", fl.Variants[0].Name, fl.Variants[1].Name))
		return nil
	}
	weights := make([]Percent, len(fl.Variants))
	good := true
	var sum Percent
	for name, w := range m {
		i := fl.VariantIndex(name)
		if i < 0 {
			p.unknownVariant(p.at(spath, name), fl, name, true)
			good = false
			continue
		}
		pct, ok := p.percent(p.at(spath, name), w)
		if !ok {
			good = false
			continue
		}
		weights[i] = pct
		sum += pct
	}
	if !good {
		return nil
	}
	if sum != Whole {
		p.errorf(p.valuePos(spath...), "split weights sum to %v, not 100: adjust them so they add up to 100", sum.Float())
		return nil
	}
	var d Distribution
	var upper Percent
	for i, w := range weights {
		if w == 0 {
			continue
		}
		upper += w
		d = append(d, Part{Variant: i, Upper: upper})
	}
	return d
}

func (p *parser) schedule(path []string, fl *Flag, v any) []*Stage {
	example := "[[flags." + fl.Key + ".schedule]]"
	if !fl.Bool {
		p.errorf(p.keyPos(path...), "schedule is for boolean flags; flag %q has variants: ramp it with split, or delete the schedule", fl.Key)
		return nil
	}
	var out []*Stage
	last := 0 // the number of the stage out ends with
	stages := p.tableArray(path, v, example)
	if arr, ok := v.([]any); ok && len(arr) == 0 {
		p.errorf(p.valuePos(path...), "schedule has no stages: add [[flags.%s.schedule]] tables with start and percent, or delete it", fl.Key)
	}
	for i, st := range stages {
		spath := p.at(path, strconv.Itoa(i))
		pos := p.keyPos(spath...)
		p.keys(spath, st, func() string { return fmt.Sprintf("schedule stage %d of flag %q", i+1, fl.Key) }, "start", "percent")
		stage := &Stage{Pos: pos}
		good := true
		if sv, ok := st["start"]; !ok {
			p.errorf(pos, "schedule stage %d has no start: add start = 2026-11-02T09:00:00Z", i+1)
			good = false
		} else if t, ok := sv.(time.Time); !ok || t.Location().String() == "date-local" || t.Location().String() == "time-local" {
			p.wrongType(p.at(spath, "start"), sv, "a date-time with a zone offset", "start = 2026-11-02T09:00:00Z")
			good = false
		} else if t.Location().String() == "datetime-local" {
			p.errorf(p.valuePos(p.at(spath, "start")...), "start has no zone offset, so instances in different zones would disagree: append Z or an offset, e.g. %sZ", t.Format("2006-01-02T15:04:05"))
			good = false
		} else {
			stage.Start = t
		}
		if pv, ok := st["percent"]; !ok {
			p.errorf(pos, "schedule stage %d has no percent: add percent = 5", i+1)
			good = false
		} else if pct, ok := p.percent(p.at(spath, "percent"), pv); ok {
			stage.Percent = pct
		} else {
			good = false
		}
		if !good {
			continue
		}
		if n := len(out); n > 0 && !out[n-1].Start.Before(stage.Start) {
			p.errorf(p.valuePos(p.at(spath, "start")...), "schedule stage %d starts at %s, not after stage %d (%s): list stages in time order", i+1, stage.Start.Format(time.RFC3339), last, out[n-1].Start.Format(time.RFC3339))
			continue
		}
		out = append(out, stage)
		last = i + 1
	}
	return out
}

var ruleKeys = []string{"users", "groups", "when", "serve", "split", "rollout"}

func (p *parser) rule(path []string, fl *Flag, tbl map[string]any) *Rule {
	pos := p.keyPos(path...)
	n, _ := strconv.Atoi(path[len(path)-1])
	what := fmt.Sprintf("rule %d of flag %q", n+1, fl.Key)
	// A misspelt key is the likely cause of a missing condition or outcome:
	// report the typo alone.
	typo := p.keys(path, tbl, about(what), ruleKeys...)
	r := &Rule{Pos: pos, Serve: -1}
	good := true
	var ok bool
	if r.Users, ok = p.idList(path, tbl, "users", `users = ["42"]`, "user id"); !ok && tbl["users"] != nil {
		good = false
	}
	if r.Groups, ok = p.idList(path, tbl, "groups", `groups = ["beta"]`, "group name"); !ok && tbl["groups"] != nil {
		good = false
	}
	if v, ok := tbl["when"]; ok {
		for i, c := range p.tableArray(p.at(path, "when"), v, `when = [{ attribute = "country", op = "in", values = ["DE"] }]`) {
			cond := p.condition(p.at(path, "when", strconv.Itoa(i)), c)
			if cond == nil {
				good = false
				continue
			}
			r.When = append(r.When, cond)
		}
	}
	if len(r.Users) == 0 && len(r.Groups) == 0 && len(r.When) == 0 && good && !typo {
		p.errorf(pos, "%s has no condition, so it would match everyone: add users, groups or when (or move its serve to the flag's default or rollout)", what)
		good = false
	}
	outcomes := 0
	for _, k := range []string{"serve", "split", "rollout"} {
		if _, ok := tbl[k]; ok {
			outcomes++
		}
	}
	switch {
	case outcomes == 0 && typo:
		return nil
	case outcomes == 0:
		p.errorf(pos, "%s serves nothing: add serve = %q (or a split)", what, fl.Variants[len(fl.Variants)-1].Name)
		return nil
	case outcomes > 1:
		p.errorf(pos, "%s has more than one of serve, split and rollout: keep one", what)
		return nil
	}
	if v, ok := tbl["serve"]; ok {
		i, ok := p.variantRef(p.at(path, "serve"), fl, v)
		if !ok {
			return nil
		}
		r.Serve = i
	} else if r.Split = p.distribution(path, fl, tbl); r.Split == nil {
		return nil
	}
	if !good {
		return nil
	}
	return r
}

var conditionKeys = []string{"attribute", "op", "value", "values"}

func opNames() []string {
	names := make([]string, len(Ops))
	for i, o := range Ops {
		names[i] = string(o)
	}
	return names
}

func (p *parser) condition(path []string, tbl map[string]any) *Condition {
	pos := p.keyPos(path...)
	p.keys(path, tbl, about("a when condition"), conditionKeys...)
	c := &Condition{Pos: pos}
	attr, ok := p.str(path, tbl, "attribute", `attribute = "country"`)
	if !ok {
		if _, present := tbl["attribute"]; !present {
			p.errorf(pos, `condition has no attribute: add attribute = "country" (the subject attribute to compare)`)
		}
		return nil
	}
	c.Attribute = attr
	op, ok := p.str(path, tbl, "op", `op = "equals"`)
	if !ok {
		if _, present := tbl["op"]; !present {
			p.errorf(pos, "condition on %q has no op: add op = \"equals\" (or one of %s)", attr, strings.Join(opNames(), ", "))
		}
		return nil
	}
	c.Op = Op(op)
	if !slices.Contains(Ops, c.Op) {
		p.errorf(p.valuePos(p.at(path, "op")...), "unknown operator %q%s", op, p.didYouMean(op, opNames(), "use one of"))
		return nil
	}
	value, hasValue := tbl["value"]
	_, hasValues := tbl["values"]
	vpath := p.at(path, "value")
	switch {
	case c.Op == OpIn || c.Op == OpNotIn:
		if hasValue {
			p.errorf(p.keyPos(vpath...), `op %q compares against a list: write values = ["DE", "AT"] instead of value`, op)
			return nil
		}
		if !hasValues {
			p.errorf(pos, `condition on %q has no values: add values = ["DE", "AT"] (op %q compares against a list)`, attr, op)
			return nil
		}
		list, ok := p.strList(path, tbl, "values", `values = ["DE", "AT"]`)
		if !ok {
			return nil
		}
		if len(list) == 0 {
			p.errorf(p.valuePos(p.at(path, "values")...), "values is empty, so the condition never holds: list at least one value")
			return nil
		}
		c.Values = list
		return c
	case hasValues:
		hint := ""
		switch c.Op {
		case OpEquals:
			hint = `, or op = "in" to compare against a list`
		case OpNotEquals:
			hint = `, or op = "not_in" to compare against a list`
		}
		p.errorf(p.keyPos(p.at(path, "values")...), "op %q compares against one value: write %s instead of values%s", op, valueExample(c.Op), hint)
		return nil
	case !hasValue:
		p.errorf(pos, "condition on %q has no value: add %s", attr, valueExample(c.Op))
		return nil
	case c.Op.Numeric():
		switch n := value.(type) {
		case int64:
			c.Number = float64(n)
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				p.errorf(p.valuePos(vpath...), "value = %v is not a finite number: write one, e.g. value = 10", n)
				return nil
			}
			c.Number = n
		default:
			p.wrongType(vpath, value, "a number", "value = 10")
			return nil
		}
		return c
	}
	s, ok := value.(string)
	if !ok {
		p.wrongType(vpath, value, "a string", valueExample(c.Op))
		return nil
	}
	if c.Op.Semver() {
		if _, ok := semver.Parse(s); !ok {
			p.errorf(p.valuePos(vpath...), "value %q is not a semantic version: write MAJOR.MINOR.PATCH, e.g. \"2.3.0\"", s)
			return nil
		}
	}
	c.Values = []string{s}
	return c
}

// valueExample is an example of the value key for the one-value op o.
func valueExample(o Op) string {
	switch {
	case o.Numeric():
		return "value = 10"
	case o.Semver():
		return `value = "2.3.0"`
	}
	return `value = "DE"`
}

func (p *parser) overrides(path []string, fl *Flag, v any) []*Override {
	m, ok := v.(map[string]any)
	if !ok {
		p.wrongType(path, v, "a table of variant = [user ids]", fmt.Sprintf("overrides = { %s = [\"42\"] }", fl.Variants[len(fl.Variants)-1].Name))
		return nil
	}
	names := p.orderedKeys(path, m)
	owner := map[string]string{}
	var out []*Override
	for _, name := range names {
		i := fl.VariantIndex(name)
		if i < 0 {
			p.unknownVariant(p.at(path, name), fl, name, true)
			continue
		}
		users, ok := p.idList(path, m, name, fmt.Sprintf(`%s = ["42"]`, name), "user id")
		if !ok {
			continue
		}
		for j, u := range users {
			if prev, dup := owner[u]; dup && prev != name {
				p.errorf(p.valuePos(p.at(path, name, strconv.Itoa(j))...), "user %q is overridden to both %q and %q: keep one", u, prev, name)
			}
			owner[u] = name
		}
		out = append(out, &Override{Pos: p.keyPos(p.at(path, name)...), Variant: i, Users: users})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Pos.Before(out[b].Pos) })
	return out
}

func (p *parser) removed(path []string, fl *Flag, v any) *Removal {
	m, ok := v.(map[string]any)
	example := fmt.Sprintf("removed = { date = 2026-10-01, serve = %q }", fl.Variants[fl.Default].Name)
	if !ok {
		p.wrongType(path, v, "a table", example)
		return nil
	}
	p.keys(path, m, about("removed"), "date", "serve")
	r := &Removal{Pos: p.keyPos(path...)}
	dv, hasDate := m["date"]
	sv, hasServe := m["serve"]
	if !hasDate || !hasServe {
		p.errorf(r.Pos, "removed needs the date and the variant the flag keeps serving: write %s", example)
		return nil
	}
	d, ok1 := p.date(p.at(path, "date"), dv)
	i, ok2 := p.variantRef(p.at(path, "serve"), fl, sv)
	if !ok1 || !ok2 {
		return nil
	}
	r.Date, r.Variant = d, i
	return r
}

// BoolFlagType is the name of the state type that the plain boolean flags
// (those without values) of a generated package share; the generator
// declares it, so no flag may take it.
const BoolFlagType = "BoolFlag"

// CheckNames reports every clash among the Go identifiers the generator
// emits for f: those of each flag (G, NewG, WithG; for a flag with
// variants also GVariant, AllGVariants, ParseGVariant and one constant a
// variant) and the package's Set. [Parse] runs it; a File built by other
// means is checked with it before code is generated from it.
func CheckNames(f *File) ErrorList {
	p := &parser{name: f.Name}
	p.checkNames(f)
	p.errs.Sort()
	return p.errs
}

// checkNames reports every clash among the Go identifiers the generator
// will emit for f, at the later of the two declarations.
func (p *parser) checkNames(f *File) {
	// owner is who claims an identifier: flag fl itself (variant < 0) or
	// one of its variants; with no flag, the package's Set.
	type owner struct {
		fl      *Flag
		variant int
		pkg     string // with no flag: what of the package claims it
		val     *Value // an object value, whose struct type it is
	}
	describe := func(o owner) string {
		switch {
		case o.fl == nil:
			return o.pkg
		case o.val != nil:
			return fmt.Sprintf("flag %q value %q", o.fl.Key, o.val.Name)
		case o.variant < 0:
			return fmt.Sprintf("flag %q", o.fl.Key)
		}
		return fmt.Sprintf("flag %q variant %q", o.fl.Key, o.fl.Variants[o.variant].Name)
	}
	n := 1
	for _, fl := range f.Flags {
		n += 3 + len(fl.Variants)
	}
	taken := make(map[string]owner, n)
	taken["Set"] = owner{pkg: "the package's flag set"}
	taken["Parse"] = owner{pkg: "the package's Parse function"}
	taken["Variants"] = owner{pkg: "the package's Variants function"}
	taken[BoolFlagType] = owner{pkg: "the state type of the package's boolean flags"}
	claim := func(ident string, o owner) {
		prev, ok := taken[ident]
		if !ok {
			taken[ident] = o
			return
		}
		pos := o.fl.Pos
		hint := fmt.Sprintf(`set go_name = "…" on flag %q to choose another name`, o.fl.Key)
		if o.val != nil {
			pos = o.val.Pos
			hint += fmt.Sprintf(", or rename its value %q", o.val.Name)
		} else if o.variant >= 0 {
			v := o.fl.Variants[o.variant]
			pos = v.Pos
			hint += `, or variant_go_names = { ` + v.Name + ` = "…" }`
		}
		where := ""
		if prev.fl != nil && prev.fl.Pos.IsValid() {
			pp := prev.fl.Pos
			if prev.val != nil {
				pp = prev.val.Pos
			} else if prev.variant >= 0 {
				pp = prev.fl.Variants[prev.variant].Pos
			}
			where = fmt.Sprintf(" (%d:%d)", pp.Line, pp.Col)
		}
		p.errorf(pos, "Go name %s of %s clashes with %s of %s%s: %s", ident, describe(o), ident, describe(prev), where, hint)
	}
	// The identifiers of a flag are cut from one string, so that claiming
	// them costs one allocation a flag.
	type variantName struct {
		fl     *Flag
		goName string
	}
	seen := map[variantName]string{} // variant Go name → variant name
	var ids strings.Builder
	var ends []int
	for _, fl := range f.Flags {
		g := fl.GoName
		ids.Reset()
		ends = ends[:0]
		add := func(parts ...string) {
			for _, s := range parts {
				ids.WriteString(s)
			}
			ends = append(ends, ids.Len())
		}
		add("New", g)
		add("With", g)
		flagIDs := len(ends) // the rest are the variants'
		if !fl.Bool {
			for _, v := range fl.Variants {
				add(g, v.GoName)
			}
		}
		all := ids.String()
		claim(g, owner{fl: fl, variant: -1})
		start := 0
		for i, end := range ends {
			id := all[start:end]
			start = end
			if i < flagIDs {
				claim(id, owner{fl: fl, variant: -1})
				continue
			}
			vi := i - flagIDs
			v := fl.Variants[vi]
			key := variantName{fl, v.GoName}
			if prev, ok := seen[key]; ok {
				p.errorf(v.Pos, "variants %q and %q of flag %q both have the Go name %s: set variant_go_names = { %s = \"…\" }", prev, v.Name, fl.Key, v.GoName, v.Name)
				continue
			}
			seen[key] = v.Name
			claim(id, owner{fl: fl, variant: vi})
		}
		// An object value's struct type.
		for _, v := range fl.Values {
			if v.Type == TypeObject {
				claim(g+v.GoName, owner{fl: fl, variant: -1, val: v})
			}
		}
	}
}
