// Package semver parses and compares semantic versions (semver.org 2.0)
// without allocating, for rules such as "app_version semver_gte 2.3.0".
//
// A version is MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD], with an optional
// leading "v"; missing parts are zero, so "2.3" equals "2.3.0". Build
// metadata is ignored when comparing.
package semver

// Version is a parsed version. Pre is the prerelease, without its "-".
type Version struct {
	Major, Minor, Patch uint64
	Pre                 string
}

// Parse parses s, reporting false when s is not a version.
func Parse(s string) (Version, bool) {
	var v Version
	if len(s) > 0 && s[0] == 'v' {
		s = s[1:]
	}
	nums := [3]*uint64{&v.Major, &v.Minor, &v.Patch}
	for i := range nums {
		n, rest, ok := number(s)
		if !ok {
			return Version{}, false
		}
		*nums[i] = n
		s = rest
		if i < 2 && len(s) > 0 && s[0] == '.' {
			s = s[1:]
			continue
		}
		break
	}
	if len(s) > 0 && s[0] == '-' {
		end := len(s)
		for i := 1; i < len(s); i++ {
			if s[i] == '+' {
				end = i
				break
			}
		}
		v.Pre = s[1:end]
		if !idents(v.Pre, true) {
			return Version{}, false
		}
		s = s[end:]
	}
	if len(s) > 0 && s[0] == '+' {
		if !idents(s[1:], false) {
			return Version{}, false
		}
		s = ""
	}
	if s != "" {
		return Version{}, false
	}
	return v, true
}

// number reads a decimal number without leading zeros from the front of s.
func number(s string) (n uint64, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if n > (1<<63)/10 {
			return 0, s, false
		}
		n = n*10 + uint64(s[i]-'0')
		i++
	}
	if i == 0 || (i > 1 && s[0] == '0') {
		return 0, s, false
	}
	return n, s[i:], true
}

// idents reports whether s is a dot-separated list of non-empty
// [0-9A-Za-z-] identifiers; pre also forbids numeric ones with leading zeros.
func idents(s string, pre bool) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			id := s[start:i]
			if id == "" {
				return false
			}
			if pre && len(id) > 1 && id[0] == '0' && allDigits(id) {
				return false
			}
			start = i + 1
			continue
		}
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Compare returns -1, 0 or +1 as a is less than, equal to or greater than b.
// A prerelease sorts before its release; prerelease identifiers compare
// numerically when both are numbers, numbers before words, and a shorter
// list before a longer one that it begins.
func Compare(a, b Version) int {
	switch {
	case a.Major != b.Major:
		return cmp(a.Major, b.Major)
	case a.Minor != b.Minor:
		return cmp(a.Minor, b.Minor)
	case a.Patch != b.Patch:
		return cmp(a.Patch, b.Patch)
	case a.Pre == b.Pre:
		return 0
	case a.Pre == "":
		return 1
	case b.Pre == "":
		return -1
	}
	x, y := a.Pre, b.Pre
	for x != "" && y != "" {
		var i, j string
		i, x = cut(x)
		j, y = cut(y)
		if c := compareIdent(i, j); c != 0 {
			return c
		}
	}
	switch {
	case x == "" && y == "":
		return 0
	case x == "":
		return -1
	}
	return 1
}

func cut(s string) (head, tail string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func compareIdent(a, b string) int {
	an, bn := allDigits(a), allDigits(b)
	switch {
	case an && bn:
		if len(a) != len(b) {
			return cmp(len(a), len(b))
		}
	case an:
		return -1
	case bn:
		return 1
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmp[T uint64 | int](a, b T) int {
	if a < b {
		return -1
	}
	return 1
}
