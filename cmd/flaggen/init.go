package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flaggen/flaggen/internal/locate"
)

const initUsage = `usage: flaggen init [-dir DIR] [-pkg NAME]

Init starts using flaggen in the module that holds the current directory
(the nearest go.mod in it or its parents). It writes two files:

	flags.toml        at the module's root: a commented starter with a
	                  boolean flag, a flag with variants and a [generate]
	                  table naming DIR and NAME
	DIR/gen.go        package NAME, with the line
	                  //go:generate go tool flaggen generate

and prints the two commands that follow:

	go get -tool github.com/flaggen/flaggen/cmd/flaggen
	go generate ./...

It overwrites nothing: when either file exists, it writes neither and
exits 1.

Flags:
`

// The module whose tool init sets up, and the go:generate line it writes.
const (
	toolPath     = "github.com/flaggen/flaggen/cmd/flaggen"
	generateLine = "//go:generate go tool flaggen generate"
)

// initOptions are the flags of flaggen init.
type initOptions struct {
	dir string // -dir
	pkg string // -pkg
}

// initFlags returns the flag set of flaggen init, writing its messages to
// out, and the options it sets.
func initFlags(out io.Writer) (*flag.FlagSet, *initOptions) {
	opts := &initOptions{}
	set := flag.NewFlagSet("init", flag.ContinueOnError)
	set.SetOutput(out)
	set.StringVar(&opts.dir, "dir", "internal/flags", "the package's `DIR`, relative to the module's root")
	set.StringVar(&opts.pkg, "pkg", "", "the package `NAME` (default: DIR's last element)")
	set.Usage = func() {
		fmt.Fprint(set.Output(), initUsage)
		set.PrintDefaults()
	}
	return set, opts
}

func runInit(args []string, stdout, stderr io.Writer) int {
	set, opts := initFlags(stderr)
	if code := parseFlags(set, args); code >= 0 {
		return code
	}
	if set.NArg() > 0 {
		rest := set.Args()
		if flags, _ := splitFlags(set, rest); len(flags) > 0 {
			line := slices.Concat([]string{"flaggen", "init"}, args[:len(args)-len(rest)], flags)
			fmt.Fprintf(stderr, "flaggen init: flags go before arguments, and init takes none: write %s\n", shellJoin(line))
			return exitUsage
		}
		fmt.Fprintf(stderr, "flaggen init: unexpected argument %q: init takes no FILE or DIR; to put the package in %s, write flaggen init -dir %s\n",
			rest[0], rest[0], shellJoin(rest[:1]))
		return exitUsage
	}
	dir := filepath.ToSlash(filepath.Clean(filepath.FromSlash(opts.dir)))
	if opts.dir == "" || filepath.IsAbs(opts.dir) || strings.HasPrefix(opts.dir, "/") || dir == "." || dir == ".." || strings.HasPrefix(dir, "../") {
		fmt.Fprintf(stderr, "flaggen init: -dir %q must name a directory inside the module, relative to its root, e.g. -dir internal/flags\n", opts.dir)
		return exitUsage
	}
	pkg := opts.pkg
	if pkg == "" {
		pkg = path.Base(dir)
		if !validPackageName(pkg) {
			fmt.Fprintf(stderr, "flaggen init: %q is not a Go package name: pass -pkg %s\n", pkg, packageNameFor(pkg))
			return exitUsage
		}
	} else if !validPackageName(pkg) {
		fmt.Fprintf(stderr, "flaggen init: -pkg %q is not a Go package name\n", pkg)
		return exitUsage
	}

	root, modPath, err := findModule()
	if err != nil {
		fmt.Fprintf(stderr, "flaggen init: %v\n", err)
		return exitFail
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "flaggen init: %v\n", err)
		return exitFail
	}
	rel := func(p string) string {
		if r, err := filepath.Rel(wd, p); err == nil {
			return r
		}
		return p
	}
	pkgDir := filepath.Join(root, filepath.FromSlash(dir))
	files := []struct {
		path    string
		content []byte
		exists  string // what to do when path exists
	}{
		{filepath.Join(root, "flags.toml"), starterTOML(dir, pkg, time.Now()), "declare flags in it, or move it away to start afresh"},
		{filepath.Join(pkgDir, "gen.go"), starterGo(pkg), "pass -dir DIR to put the package elsewhere"},
	}
	// Check every target before writing any.
	exists := false
	for _, f := range files {
		if _, err := os.Lstat(f.path); err == nil {
			fmt.Fprintf(stderr, "flaggen init: %s already exists: %s\n", rel(f.path), f.exists)
			exists = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "flaggen init: %v\n", err)
			return exitFail
		}
	}
	if exists {
		fmt.Fprintln(stderr, "flaggen init: wrote nothing")
		return exitFail
	}
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "flaggen init: %v\n", err)
		return exitFail
	}
	for _, f := range files {
		if err := writeNew(f.path, f.content); err != nil {
			fmt.Fprintf(stderr, "flaggen init: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "wrote %s\n", rel(f.path))
	}
	fmt.Fprintf(stdout, `
Next, in the module:

	go get -tool %s
	go generate ./...

Then import %q and read a flag in a handler:

	if %s.NewDarkMode(r.Context()).Enabled() { … }
`, toolPath, modPath+"/"+dir, pkg)
	return exitOK
}

// writeNew writes a new file at path; it fails if the file exists.
func writeNew(path string, content []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// findModule returns the directory of the nearest go.mod in the current
// directory or its parents, and the module path it declares.
func findModule() (root, modPath string, err error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	gomod, ok := locate.Nearest(wd, "go.mod")
	if !ok {
		return "", "", errors.New("no go.mod in the current directory or its parents: run it in a module (go mod init MODULE creates one)")
	}
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", "", err
	}
	if modPath = modulePath(data); modPath == "" {
		return "", "", fmt.Errorf("%s declares no module path: add a line module MODULE", gomod)
	}
	return filepath.Dir(gomod), modPath, nil
}

// modulePath returns the path of the module directive in go.mod's
// content, or "".
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t' && rest[0] != '"') {
			continue
		}
		rest, _, _ = strings.Cut(rest, "//")
		rest = strings.TrimSpace(rest)
		if p, err := strconv.Unquote(rest); err == nil {
			return p
		}
		return rest
	}
	return ""
}

// starterTOML returns the starter flags.toml for the package pkg in dir
// (slash-separated, relative to the module's root, where the file goes).
// Its flags expire three months after now.
func starterTOML(dir, pkg string, now time.Time) []byte {
	expires := now.AddDate(0, 3, 0).Format(time.DateOnly)
	return fmt.Appendf(nil, `# The feature flags of this module. go generate ./... turns this file into
# the Go package in %[1]s (see [generate]); go tool flaggen check
# validates it. Each flag is a table [flags.KEY], KEY in snake_case.
# flaggen's README lists every key.

# Where the generated package goes.
[generate]
dir = %[2]q   # its directory, relative to this file
package = %[3]q   # its package name

# A boolean flag: variants "off" and "on", default "off".
# Code reads it as %[3]s.NewDarkMode(ctx).Enabled().
[flags.dark_mode]
description = "Dark color scheme."   # required: what the flag is for
owner = "web-team"                   # required: who stale-flag reports go to
expires = %[4]s                 # required: the date it should be gone from the code
rollout = 0                          # the percentage of users who get "on" (0-100)

# Targeting rules, tried in order; the first that matches serves.
[[flags.dark_mode.rules]]
groups = ["employees"]               # subjects in any of these groups
serve = "on"                         # get this variant

# A flag with variants: an A/B test.
# Code reads it as %[3]s.NewSearchRanking(ctx).IsVariantA().
[flags.search_ranking]
description = "Ranking experiment for search results."   # required
owner = "search-team"                # required
expires = %[4]s                 # required
variants = ["control", "variant_a"]  # two or more names
default = "control"                  # required with variants: served when nothing else applies
split = { control = 50, variant_a = 50 }   # weights of a split of users, summing to 100

[flags.search_ranking.overrides]     # per-variant lists of user ids
variant_a = ["42"]
`, dir, dir, pkg, expires)
}

// starterGo returns the file that holds the go:generate line of package
// pkg.
func starterGo(pkg string) []byte {
	return fmt.Appendf(nil, `// Package %[1]s holds this module's feature flags, generated by flaggen
// into flags_gen.go from the flags.toml at the module's root.
package %[1]s

%[2]s
`, pkg, generateLine)
}
