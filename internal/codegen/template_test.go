package codegen

import (
	"bytes"
	"fmt"
	"go/format"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/flaggen/flaggen/spec"
)

// trickyDocs are descriptions and deprecation messages that gofmt
// reformats in doc comments, or that look as if it might.
var trickyDocs = []string{
	"Ranking experiment",
	"Intro.\n\n  code block line\n\nAfter.",
	"- item one\n- item two",
	"Lists:\n  - indented item\n  - two",
	"# Heading\n\nText.",
	"[link]: https://example.com",
	"See https://example.com/x and [Set].",
	"Tabs\tinside.",
	"1. first\n2. second",
	"UPPER CASE HEADING\n\nbody",
	"Old heading\n\nFollowed by text.",
	"Trailing spaces   \nand a line with //go:generate in it",
	"go:generate echo directive-looking",
	"A (parenthesised) heading, maybe",
	"x",
}

// trickyTOML returns a flags.toml of n flags whose descriptions, owners
// and deprecation messages cycle through trickyDocs, with every shape of
// declaration the generator has: booleans, variants, rules with users and
// conditions, schedules, overrides, removed and settled flags.
func trickyTOML(n int) []byte { return synthTOML(n, trickyDocs) }

// synthTOML returns a flags.toml of n flags as trickyTOML does, with
// descriptions, owners and deprecation messages from docs.
func synthTOML(n int, docs []string) []byte {
	var b bytes.Buffer
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	for i := range n {
		fmt.Fprintf(&b, "\n[flags.f%04d]\n", i)
		fmt.Fprintf(&b, "description = %s\n", q(docs[i%len(docs)]+" "))
		fmt.Fprintf(&b, "owner = %s\nexpires = 2027-06-30\n", q(docs[(i+3)%len(docs)]+" team"))
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "rollout = %d\n", i%101)
		case 1:
			b.WriteString("variants = [\"control\", \"variant_a\", \"variant_b\"]\ndefault = \"control\"\nsplit = { control = 50, variant_a = 25, variant_b = 25 }\n")
			fmt.Fprintf(&b, "[[flags.f%04d.rules]]\nusers = [\"1\", \"2\"]\nserve = \"variant_a\"\n", i)
			fmt.Fprintf(&b, "[[flags.f%04d.rules]]\nwhen = [{ attribute = \"age\", op = \"gte\", value = %d.5 }, { attribute = \"app_version\", op = \"semver_lt\", value = \"2.0.0\" }]\nsplit = { control = 50, variant_b = 50 }\n", i, i)
		case 2:
			fmt.Fprintf(&b, "salt = \"s%d\"\nbucket_by = \"account_id\"\n", i)
			fmt.Fprintf(&b, "[[flags.f%04d.schedule]]\nstart = 2026-11-02T09:00:00Z\npercent = 1\n", i)
			fmt.Fprintf(&b, "[[flags.f%04d.schedule]]\nstart = 2026-11-09T09:00:00+01:00\npercent = 100\n", i)
		case 3:
			b.WriteString("variants = [\"VISIBLE\", \"NOT_VISIBLE\"]\ndefault = \"NOT_VISIBLE\"\n")
			fmt.Fprintf(&b, "removed = { date = 2026-10-01, serve = \"VISIBLE\" }\n")
			fmt.Fprintf(&b, "[flags.f%04d.overrides]\nVISIBLE = [\"1\", \"2\", \"3\"]\n", i)
		case 4:
			fmt.Fprintf(&b, "enabled = false\nkilled = true\nrollout = 100\ndeprecated = %s\n", q(docs[i%len(docs)]+" use another"))
		}
	}
	return b.Bytes()
}

// TestTemplates checks, flag by flag, that the code filled into the
// templates is the code jennifer and go/format make of the flag's own
// names, numbers, literals and doc comments.
func TestTemplates(t *testing.T) {
	for name, f := range specCases(t) {
		g := newGenerator(f, Options{Package: "flags"})
		infos := f.Meta().Flags
		for n, fl := range f.Flags {
			var parts [3]bytes.Buffer
			if err := g.writeFlag(&parts, nil, n, fl, infos[n]); err != nil {
				t.Fatalf("%s: %s: %v", name, fl.Key, err)
			}
			entries, decls := &parts[0], &parts[2]

			want, err := g.render(flagDecls(realCode(fl, n, g.name))...)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, fl.Key, err)
			}
			if got := bytes.TrimSuffix(decls.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
				t.Errorf("%s: flag %s: declarations differ from jennifer's; diff (-jennifer +template):\n%s", name, fl.Key, Diff("jennifer", want, "template", got))
			}

			want, err = g.renderEntry(infos[n], func(v reflect.Value) jen.Code { return jen.Op(leafText(v)) })
			if err != nil {
				t.Fatalf("%s: %s: %v", name, fl.Key, err)
			}
			if got := bytes.TrimSuffix(entries.Bytes(), []byte(",\n")); !bytes.Equal(got, want) {
				t.Errorf("%s: flag %s: schema entry differs from jennifer's; diff (-jennifer +template):\n%s", name, fl.Key, Diff("jennifer", want, "template", got))
			}
		}
	}
}

// specCases returns the spec files of the golden cases that have no
// errors, and of a tricky flags.toml, by name.
func specCases(t *testing.T) map[string]*spec.File {
	t.Helper()
	files := map[string][]byte{"tricky": trickyTOML(3 * len(trickyDocs))}
	for _, c := range loadGolden(t) {
		files[c.name] = c.toml
	}
	cases := make(map[string]*spec.File)
	for name, toml := range files {
		if f, err := spec.Parse("flags.toml", toml); err == nil {
			cases[name] = f
		}
	}
	return cases
}

// TestGenerateMany checks that a file of many flags, in many pieces,
// with doc comments gofmt rewrites, is gofmt-clean.
func TestGenerateMany(t *testing.T) {
	generateClean(t, trickyTOML(2*chunkSize+7))
}

// TestLongEntry checks that an entry whose text is too long for a
// template is still written as gofmt writes it.
func TestLongEntry(t *testing.T) {
	generateClean(t, fmt.Appendf(nil, "[flags.big]\ndescription = %q\nowner = \"x\"\nexpires = 2027-01-01\nrollout = 5\n[flags.small]\ndescription = \"d\"\nowner = \"x\"\nexpires = 2027-01-01\n",
		strings.Repeat("long words ", maxLeaves/10)))
}

// generateClean checks that the file generated from toml is gofmt-clean.
func generateClean(t *testing.T, toml []byte) {
	t.Helper()
	f, err := spec.Parse("flags.toml", toml)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(f, Options{Package: "flags"})
	if err != nil {
		t.Fatal(err)
	}
	checkGoFile(t, files[FileName])
}

// FuzzGofmtDoc checks gofmtDoc against gofmt itself: the doc comment of a
// declaration, formatted by go/format.
func FuzzGofmtDoc(f *testing.F) {
	for _, d := range trickyDocs {
		f.Add(d, "", false)
		f.Add("Summary.", d, true)
	}
	f.Add("A\n\nB\n\nC", "x", true)
	f.Add("0", "``0", false) // go/doc/comment makes `` a curly quote
	f.Fuzz(func(t *testing.T, summary, about string, directive bool) {
		text := commentText(doc("%s", summary), "", about)
		if text == "" {
			return
		}
		if directive {
			text += "\n//\n//flaggen:flag x"
		}
		formatted, err := format.Source([]byte("package p\n\n" + text + "\nvar x int\n"))
		if err != nil {
			return
		}
		want := strings.TrimSuffix(strings.TrimPrefix(string(formatted), "package p\n\n"), "\nvar x int\n")
		if got := gofmtDoc(text); got != want {
			t.Errorf("gofmtDoc(%q)\n = %q\nwant %q (gofmt)", text, got, want)
		}
	})
}

// realCode returns the flagCode of flag number num, fl, with its own
// names and doc comments: the code a template filled with flagValues
// holds, rendered without one.
func realCode(fl *spec.Flag, num int, source string) *flagCode {
	c := &flagCode{boolean: fl.Bool, defOn: isDefOn(fl), goName: fl.GoName, num: strconv.Itoa(num)}
	if !fl.Bool {
		for _, i := range byNumber(fl) {
			c.variants = append(c.variants, fl.Variants[i].GoName)
		}
	}
	for _, v := range fl.Values {
		vc := valueCode{goName: v.GoName, typ: v.Type}
		for _, f := range v.Fields {
			vc.fields = append(vc.fields, fieldCode{goName: f.GoName, typ: f.Type})
		}
		c.values = append(c.values, vc)
	}
	for _, d := range flagDocs(fl, source) {
		c.docs = append(c.docs, linesComment(d.text))
	}
	return c
}
