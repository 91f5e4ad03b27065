package schemacheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"

	"github.com/flaggen/flaggen/spec"
)

// root is the repository's root, from this package's directory.
const root = "../../../"

// compileSchema compiles JSONSchema, asserting formats (date, date-time)
// as Taplo does.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(spec.JSONSchema))
	if err != nil {
		t.Fatalf("flags.schema.json is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	if err := c.AddResource("flags.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("flags.schema.json")
	if err != nil {
		t.Fatalf("flags.schema.json does not compile: %v", err)
	}
	return sch
}

// asJSON is src decoded as TOML and presented as JSON the way Taplo
// presents it to a schema: dates and times as strings.
func asJSON(t *testing.T, src string) any {
	t.Helper()
	var raw map[string]any
	if _, err := toml.Decode(src, &raw); err != nil {
		t.Fatalf("decoding TOML: %v", err)
	}
	b, err := json.Marshal(jsonValue(raw))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonValue(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonValue(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonValue(e)
		}
		return out
	case time.Time:
		switch v.Location().String() {
		case "date-local":
			return v.Format(time.DateOnly)
		case "time-local":
			return v.Format("15:04:05.999999999")
		case "datetime-local":
			return v.Format("2006-01-02T15:04:05.999999999")
		}
		return v.Format(time.RFC3339Nano)
	}
	return v
}

// validFiles returns the flags.toml files of the repository's tests and
// testdata that Parse accepts, by name.
func validFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, path := range []string{root + "flags.toml", root + "runtime/internal/benchflags/flags.toml", root + "analyzer/testdata/src/flags.toml"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[path] = string(b)
	}
	archives, err := filepath.Glob(root + "internal/codegen/testdata/*.txtar")
	if err != nil || len(archives) == 0 {
		t.Fatalf("no txtar files in internal/codegen/testdata: %v", err)
	}
	for _, path := range archives {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name == "flags.toml" {
				files[path+":flags.toml"] = string(f.Data)
			}
		}
	}
	files["every key"] = everyKey
	// The README's examples that declare flags.
	readme, err := os.ReadFile(root + "README.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rest := string(readme); ; {
		_, after, ok := strings.Cut(rest, "```toml\n")
		if !ok {
			break
		}
		block, tail, _ := strings.Cut(after, "```")
		rest = tail
		if strings.Contains(block, "[flags.") {
			n++
			files["README.md example "+strconv.Itoa(n)] = block
		}
	}
	for name, src := range files {
		if _, err := spec.Parse(name, []byte(src)); err != nil {
			if strings.HasSuffix(name, "clash.txtar:flags.toml") {
				delete(files, name) // invalid by design: its Go names clash
				continue
			}
			t.Fatalf("%s does not parse: %v", name, err)
		}
	}
	return files
}

// everyKey uses every key the parser accepts, at every level.
const everyKey = `
[generate]
dir = "internal/flags"
package = "flags"

[flags.search]
description = "Ranking experiment."
owner = "search-team"
expires = 2027-03-31
go_name = "Ranking"
variants = ["control", "variant_a"]
variant_go_names = { variant_a = "Alpha" }
default = "control"
enabled = true
killed = false
salt = "search-2"
bucket_by = "account_id"
split = { control = 50, variant_a = 50 }
overrides = { variant_a = ["7"] }
deprecated = "use search_v2"
removed = { date = 2026-10-01, serve = "variant_a" }

[[flags.search.rules]]
users = ["42"]
groups = ["beta"]
when = [
  { attribute = "country", op = "in", values = ["DE", "AT"] },
  { attribute = "age", op = "gte", value = 18 },
  { attribute = "app", op = "semver_gte", value = "2.3.0" },
  { attribute = "plan", op = "equals", value = "pro" },
]
serve = "variant_a"

[[flags.search.rules]]
groups = ["staff"]
split = { control = 10, variant_a = 90 }

[flags.search.values.control]
limit = 10
style = { color = "red", bold = true }

[flags.search.values.variant_a]
limit = 20
style = { color = "blue", bold = false }

[flags.dark_mode]
description = "Dark mode."
owner = "web"
expires = 2027-06-30
default = "off"
values = { off = 1.0, on = 1.5 }

[[flags.dark_mode.schedule]]
start = 2026-11-02T09:00:00Z
percent = 1.5

[[flags.dark_mode.schedule]]
start = 2026-11-09T09:00:00+02:00
percent = 100

[[flags.dark_mode.rules]]
users = ["1"]
rollout = 50

[flags.holiday]
description = "Holiday banner."
owner = "web"
expires = 2027-06-30
rollout = 25.25
`

func TestJSONSchemaAcceptsValidFiles(t *testing.T) {
	sch := compileSchema(t)
	files := validFiles(t)
	if len(files) < 10 {
		t.Fatalf("only %d valid flags.toml files found", len(files))
	}
	for name, src := range files {
		if err := sch.Validate(asJSON(t, src)); err != nil {
			t.Errorf("the schema rejects %s, which Parse accepts:\n%v", name, err)
		}
	}
}

func TestJSONSchemaRejects(t *testing.T) {
	sch := compileSchema(t)
	const flag = "[flags.f]\ndescription = \"d\"\nowner = \"o\"\nexpires = 2027-01-01\n"
	const variants = flag + "variants = [\"a\", \"b\"]\ndefault = \"a\"\n"
	for name, src := range map[string]string{
		"unknown top-level key":    "flagz = 1\n" + flag,
		"unknown key in generate":  "[generate]\ndirr = \"x\"\n",
		"unknown key in a flag":    flag + "descripton = \"d\"\n",
		"unknown key in a rule":    flag + "[[flags.f.rules]]\nusers = [\"1\"]\nserv = \"on\"\nserve = \"on\"\n",
		"unknown key in a when":    flag + "[[flags.f.rules]]\nserve = \"on\"\nwhen = [{ attribute = \"a\", op = \"equals\", value = \"x\", vlaue = \"y\" }]\n",
		"unknown key in a stage":   flag + "[[flags.f.schedule]]\nstart = 2026-11-02T09:00:00Z\npercent = 1\npercnt = 2\n",
		"unknown key in removed":   flag + "removed = { date = 2026-10-01, serve = \"on\", serv = \"off\" }\n",
		"unknown operator":         flag + "[[flags.f.rules]]\nserve = \"on\"\nwhen = [{ attribute = \"a\", op = \"equal\", value = \"x\" }]\n",
		"flag key not snake_case":  strings.Replace(flag, "flags.f", "flags.NewCheckout", 1),
		"flag key with a dash":     strings.Replace(flag, "flags.f", `flags."new-checkout"`, 1),
		"no owner":                 strings.Replace(flag, "owner = \"o\"\n", "", 1),
		"start without an offset":  flag + "[[flags.f.schedule]]\nstart = 2026-11-02T09:00:00\npercent = 1\n",
		"rollout over 100":         flag + "rollout = 101\n",
		"one variant":              flag + "variants = [\"a\"]\n",
		"values with in":           flag + "[[flags.f.rules]]\nserve = \"on\"\nwhen = [{ attribute = \"a\", op = \"in\", value = \"x\" }]\n",
		"a string for lt":          flag + "[[flags.f.rules]]\nserve = \"on\"\nwhen = [{ attribute = \"a\", op = \"lt\", value = \"x\" }]\n",
		"serve and split":          variants + "[[flags.f.rules]]\nusers = [\"1\"]\nserve = \"a\"\nsplit = { a = 50, b = 50 }\n",
		"a bad go_name":            flag + "go_name = \"lower\"\n",
		"a bad value name":         variants + "[flags.f.values.a]\nUnitPrice = 1\n[flags.f.values.b]\nUnitPrice = 2\n",
		"enabled as a string":      flag + "enabled = \"yes\"\n",
		"a rule with no condition": flag + "[[flags.f.rules]]\nserve = \"on\"\n",
		"an empty user id":         flag + "[[flags.f.rules]]\nusers = [\"\"]\nserve = \"on\"\n",
		"an empty group name":      flag + "[[flags.f.rules]]\ngroups = [\"\"]\nserve = \"on\"\n",
		"an empty overridden user": flag + "overrides = { on = [\"\"] }\n",
		"a user id with a space":   flag + "[[flags.f.rules]]\nusers = [\"42 \"]\nserve = \"on\"\n",
		"a group with a space":     flag + "[[flags.f.rules]]\ngroups = [\" beta\"]\nserve = \"on\"\n",
	} {
		if err := sch.Validate(asJSON(t, src)); err == nil {
			t.Errorf("%s: the schema accepts\n%s", name, src)
		}
		if _, err := spec.Parse(name, []byte(src)); err == nil {
			t.Errorf("%s: Parse accepts\n%s", name, src)
		}
	}
}

// TestTaplo runs Taplo's CLI, installed from npm into the user's cache,
// on the repository's flags.toml and on a copy with a misspelt key.
func TestTaplo(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not installing Taplo")
	}
	ci := os.Getenv("CI") == "true"
	npm, err := exec.LookPath("npm")
	if err != nil {
		if ci {
			t.Fatal("CI=true but npm is missing: Taplo's CLI cannot be installed")
		}
		t.Skip("npm is missing: not checking the schema with Taplo's CLI")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = t.TempDir()
	}
	dir := filepath.Join(cache, "flaggen-taplo-0.7.0")
	taplo := filepath.Join(dir, "node_modules", ".bin", "taplo")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := os.Stat(taplo); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := exec.CommandContext(ctx, npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save", "@taplo/cli@0.7.0").CombinedOutput()
		if err != nil {
			if ci {
				t.Fatalf("installing @taplo/cli: %v\n%s", err, out)
			}
			t.Skipf("cannot install @taplo/cli from npm (%v): not checking the schema with Taplo's CLI\n%s", err, out)
		}
	}
	tmp := t.TempDir()
	schema := filepath.Join(tmp, "flags.schema.json")
	if err := os.WriteFile(schema, spec.JSONSchema, 0o644); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(root + "flags.toml")
	if err != nil {
		t.Fatal(err)
	}
	lint := func(src []byte) (string, error) {
		path := filepath.Join(tmp, "flags.toml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, taplo, "lint", "--schema", "file://"+filepath.ToSlash(schema), path)
		cmd.Dir = tmp
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := lint(good); err != nil {
		t.Errorf("taplo lint rejects the repository's flags.toml: %v\n%s", err, out)
	}
	bad := bytes.Replace(good, []byte("\ndescription = "), []byte("\ndescripton = "), 1)
	out, err := lint(bad)
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Errorf("taplo lint accepts flags.toml with the key descripton (%v):\n%s", err, out)
	} else if !strings.Contains(out, "descripton") {
		t.Errorf("taplo lint fails on descripton but does not name it:\n%s", out)
	}
}
