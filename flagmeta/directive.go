package flagmeta

import (
	"fmt"
	"strconv"
	"strings"
)

// A Role is what a generated identifier stands for.
type Role string

// The roles of the directives. Each directive is a line comment
// "//flaggen:ROLE ARGS" in the doc comment of the declaration (or, for a
// constant in a const block, of the constant's spec) it describes.
const (
	// RoleSchema marks the schema variable: "//flaggen:schema VERSION".
	RoleSchema Role = "schema"
	// RoleType marks a flag's value type: "//flaggen:type KEY".
	RoleType Role = "type"
	// RoleVariant marks a constant of a flag's value type that names one
	// of its variants: "//flaggen:variant KEY VARIANT".
	RoleVariant Role = "variant"
	// RoleAccessor marks the function that returns the variant a
	// request sees: "//flaggen:accessor KEY".
	RoleAccessor Role = "accessor"
	// RoleHelper marks the test helper that forces a variant on a
	// context: "//flaggen:helper KEY".
	RoleHelper Role = "helper"
	// RoleIs marks a method of the value type, without parameters, that
	// reports whether the value is one variant: "//flaggen:is KEY VARIANT".
	RoleIs Role = "is"
	// RoleString marks the String method of the value type, which
	// returns the variant's name: "//flaggen:string KEY".
	RoleString Role = "string"
	// RoleValue marks a method of the value type, without parameters,
	// that returns the value named NAME that the variant carries:
	// "//flaggen:value KEY NAME".
	RoleValue Role = "value"
	// RoleObject marks the struct type of a flag's object value named
	// NAME, which the value's getter returns: "//flaggen:object KEY NAME".
	RoleObject Role = "object"
	// RoleBoolType marks the state type that the package's plain boolean
	// flags (those without values) share: "//flaggen:booltype". Each such
	// flag's value type is an alias of it.
	RoleBoolType Role = "booltype"
	// RoleBoolOn marks the method of the shared boolean state type that
	// reports whether the flag it was read from is on: "//flaggen:boolon".
	RoleBoolOn Role = "boolon"
	// RoleBoolString marks the String method of the shared boolean state
	// type, which returns "on" or "off": "//flaggen:boolstring".
	RoleBoolString Role = "boolstring"
)

// A Directive is one parsed directive: a role and its arguments.
type Directive struct {
	Role Role
	// Key is the flag's key; "" for RoleSchema and the boolean state
	// type's roles.
	Key string
	// Variant is the variant's name, for RoleVariant and RoleIs.
	Variant string
	// Value is the value's name, for RoleValue and RoleObject.
	Value string
	// Version is the contract version, for RoleSchema.
	Version int
}

// prefix starts every directive.
const prefix = "//flaggen:"

// args returns how many arguments a directive of role r has, or -1 for an
// unknown role.
func (r Role) args() int {
	switch r {
	case RoleBoolType, RoleBoolOn, RoleBoolString:
		return 0
	case RoleSchema, RoleType, RoleAccessor, RoleHelper, RoleString:
		return 1
	case RoleVariant, RoleIs, RoleValue, RoleObject:
		return 2
	}
	return -1
}

// String returns the directive as a comment line, e.g.
// "//flaggen:is search variant_a". An argument that is not a plain word
// (empty, or holding a space, a quote or a character outside printable
// ASCII) is quoted as by strconv.Quote.
func (d Directive) String() string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString(string(d.Role))
	arg := func(s string) {
		b.WriteByte(' ')
		if plainWord(s) {
			b.WriteString(s)
		} else {
			b.WriteString(strconv.Quote(s))
		}
	}
	switch d.Role.args() {
	case 1:
		if d.Role == RoleSchema {
			arg(strconv.Itoa(d.Version))
		} else {
			arg(d.Key)
		}
	case 2:
		arg(d.Key)
		if d.Role == RoleValue || d.Role == RoleObject {
			arg(d.Value)
		} else {
			arg(d.Variant)
		}
	}
	return b.String()
}

func plainWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// ParseDirective parses comment, the text of one line comment with its
// slashes (as ast.Comment.Text holds it). It returns ok == false for a
// comment that is not a flaggen directive, and an error for one that
// starts with "//flaggen:" but is malformed: an unknown role, or the
// wrong number of arguments.
func ParseDirective(comment string) (d Directive, ok bool, err error) {
	rest, found := strings.CutPrefix(comment, prefix)
	if !found {
		return Directive{}, false, nil
	}
	role, rest, _ := strings.Cut(rest, " ")
	d.Role = Role(role)
	want := d.Role.args()
	if want < 0 {
		return Directive{}, true, fmt.Errorf("%q: unknown flaggen directive %q (known: schema, type, variant, accessor, helper, is, string, value, object, booltype, boolon, boolstring); regenerate the package with this version of flaggen", comment, role)
	}
	var args []string
	for rest = strings.TrimLeft(rest, " \t"); rest != ""; rest = strings.TrimLeft(rest, " \t") {
		var a string
		if rest[0] == '"' {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return Directive{}, true, fmt.Errorf("%q: malformed quoted argument; regenerate the package with flaggen generate", comment)
			}
			a, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			end := strings.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			a, rest = rest[:end], rest[end:]
		}
		args = append(args, a)
	}
	if len(args) != want {
		return Directive{}, true, fmt.Errorf("%q: //flaggen:%s takes %d argument(s), not %d; regenerate the package with flaggen generate", comment, role, want, len(args))
	}
	switch d.Role {
	case RoleSchema:
		v, err := strconv.Atoi(args[0])
		if err != nil || v <= 0 {
			return Directive{}, true, fmt.Errorf("%q: the schema's contract version must be a positive number; regenerate the package with flaggen generate", comment)
		}
		d.Version = v
	case RoleVariant, RoleIs:
		d.Key, d.Variant = args[0], args[1]
	case RoleValue, RoleObject:
		d.Key, d.Value = args[0], args[1]
	case RoleBoolType, RoleBoolOn, RoleBoolString:
	default:
		d.Key = args[0]
	}
	return d, true, nil
}
