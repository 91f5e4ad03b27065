package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/flaggen/flaggen/internal/codegen"
	"github.com/flaggen/flaggen/spec"
)

// generateOptions are the flags of flaggen generate.
type generateOptions struct {
	dir   string // -o
	pkg   string // -pkg
	check bool   // -check
}

// generateFlags returns the flag set of flaggen generate, writing its
// messages to out, and the options it sets.
func generateFlags(out io.Writer) (*flag.FlagSet, *generateOptions) {
	opts := &generateOptions{}
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&opts.dir, "o", "", "write the generated files into `DIR` (default: the file's [generate] dir, else .)")
	fs.StringVar(&opts.pkg, "pkg", "", "the package `NAME` (default: the file's [generate] package, else the package of the Go files in DIR, else DIR's name)")
	fs.BoolVar(&opts.check, "check", false, "write nothing; exit 1 if the files in DIR are stale or missing")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), generateUsage)
		fs.PrintDefaults()
	}
	return fs, opts
}

func runGenerate(args []string, stdout, stderr io.Writer) int {
	fs, opts := generateFlags(stderr)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if code := oneFile(fs, "generate", args, stderr); code >= 0 {
		return code
	}
	if opts.pkg != "" && !validPackageName(opts.pkg) {
		fmt.Fprintf(stderr, "flaggen generate: -pkg %q is not a Go package name\n", opts.pkg)
		return exitUsage
	}
	dirSet := false
	fs.Visit(func(fl *flag.Flag) { dirSet = dirSet || fl.Name == "o" })
	if dirSet && opts.dir == "" {
		fmt.Fprintln(stderr, "flaggen generate: -o needs a directory")
		return exitUsage
	}

	f, code := load(fs.Arg(0), stderr)
	if code != exitOK {
		return code
	}
	dirFrom := "-o " + opts.dir
	switch {
	case dirSet:
	case f.Generate.Dir != "":
		opts.dir = filepath.Join(filepath.Dir(f.Name), filepath.FromSlash(f.Generate.Dir))
		dirFrom = fmt.Sprintf("%s (dir = %q under [generate] in %s)", opts.dir, f.Generate.Dir, f.Name)
	default:
		opts.dir = "."
	}
	if fi, err := os.Stat(opts.dir); err == nil && !fi.IsDir() {
		fmt.Fprintf(stderr, "flaggen generate: %s is a file, not a directory: name the directory to write %s into\n", dirFrom, codegen.FileName)
		return exitFail
	}
	pkg, pkgFrom := opts.pkg, "-pkg"
	if pkg == "" {
		pkg, pkgFrom = f.Generate.Package, "[generate]"
	}
	if pkg == "" {
		var err error
		if pkg, err = packageName(opts.dir); err != nil {
			fmt.Fprintf(stderr, "flaggen: %v\n", err)
			return exitFail
		}
		pkgFrom = ""
	}
	source, err := sourcePath(f.Name, opts.dir)
	if err != nil {
		fmt.Fprintf(stderr, "flaggen: %v\n", err)
		return exitFail
	}
	genOpts := codegen.Options{Package: pkg, Source: source}
	if problems, err := checkDir(opts.dir, f, genOpts, pkgFrom); err != nil {
		fmt.Fprintf(stderr, "flaggen: %v\n", err)
		return exitFail
	} else if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		return exitFail
	}
	files, err := codegen.Generate(f, genOpts)
	if err != nil {
		fmt.Fprintf(stderr, "flaggen: %v\n", err)
		return exitFail
	}

	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	if opts.check {
		var regen []string // the command line, without -check
		for _, a := range args {
			if name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); !strings.HasPrefix(a, "-") || name != "check" {
				regen = append(regen, a)
			}
		}
		return checkFiles(opts.dir, names, files, shellJoin(append([]string{"flaggen", "generate"}, regen...)), stderr)
	}
	if err := os.MkdirAll(opts.dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "flaggen: %v\n", err)
		return exitFail
	}
	for _, name := range names {
		path := filepath.Join(opts.dir, name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, files[name]) {
			continue // unchanged: keep the file and its modification time
		}
		if err := writeFileAtomic(path, files[name]); err != nil {
			fmt.Fprintf(stderr, "flaggen: %v\n", err)
			return exitFail
		}
	}
	return exitOK
}

// maxDiffLines bounds the diff -check prints for each stale file.
const maxDiffLines = 40

// checkFiles reports each of files that differs from the file of that name
// in dir, or is missing there, with the command line regen that writes it,
// and returns exitFail if there is one.
func checkFiles(dir string, names []string, files map[string][]byte, regen string, stderr io.Writer) int {
	code := exitOK
	for _, name := range names {
		path := filepath.Join(dir, name)
		old, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(stderr, "%s: missing; run %s\n", path, regen)
			code = exitFail
			continue
		case err != nil:
			fmt.Fprintf(stderr, "flaggen: %v\n", err)
			code = exitFail
			continue
		case bytes.Equal(old, files[name]):
			continue
		}
		fmt.Fprintf(stderr, "%s: out of date; run %s\n", path, regen)
		diff := strings.SplitAfter(string(codegen.Diff(path, old, path+" (generated)", files[name])), "\n")
		if diff[len(diff)-1] == "" {
			diff = diff[:len(diff)-1]
		}
		if len(diff) > maxDiffLines {
			diff = append(diff[:maxDiffLines], fmt.Sprintf("… (diff cut short; %d more lines)\n", len(diff)-maxDiffLines))
		}
		fmt.Fprint(stderr, strings.Join(diff, ""))
		code = exitFail
	}
	return code
}

// writeFileAtomic replaces the file at path with data: it writes a
// temporary file in the same directory and renames it over path, so that
// readers see the old file or the new one, never a part of either.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writtenByFlaggen reports whether the file at path starts with the
// header line of the files flaggen generates, and so is one generate may
// replace.
func writtenByFlaggen(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadSlice('\n')
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return false, err
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	return string(line) == codegen.Header, nil
}

// sourcePath returns the path of the flags.toml file relative to dir,
// slash-separated, for the generated header.
func sourcePath(file, dir string) (string, error) {
	absFile, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absDir, absFile)
	if err != nil {
		return filepath.ToSlash(absFile), nil
	}
	return filepath.ToSlash(rel), nil
}

// packageName returns the package name for files generated into dir: the
// package of the non-generated, non-test Go files in dir that the build
// context matches, else dir's base name.
func packageName(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	name, nameFile := "", ""
	for _, e := range entries {
		file := e.Name()
		if e.IsDir() || !strings.HasSuffix(file, ".go") || strings.HasSuffix(file, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, file); err != nil || !ok {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, file), nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil || ast.IsGenerated(f) {
			continue
		}
		if name != "" && f.Name.Name != name {
			return "", fmt.Errorf("the Go files in %s are in two packages, %s (%s) and %s (%s), so the package does not build: move the files of one away, or generate into another directory",
				dir, name, nameFile, f.Name.Name, file)
		}
		name, nameFile = f.Name.Name, file
	}
	if name != "" {
		return name, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	base := filepath.Base(abs)
	if !validPackageName(base) {
		return "", fmt.Errorf("cannot name the package after the directory %q: it is not a Go identifier; pass -pkg %s", base, packageNameFor(base))
	}
	return base, nil
}

// packageNameFor suggests a package name for the directory base, which
// is not one: its letters and digits, in lower case ("feature-flags" →
// "featureflags"), or NAME when those do not make one.
func packageNameFor(base string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, base)
	if !validPackageName(name) {
		return "NAME"
	}
	return name
}

// validPackageName reports whether name can be a package clause's name.
func validPackageName(name string) bool {
	return token.IsIdentifier(name) && name != "_"
}

// checkDir returns why the package in dir would not build once the
// generated file, package opts.Package, is written there: a Go file of
// another package, or a name that another file declares and the
// generated file declares too. Each problem is a line to print, with the
// position it concerns. pkgFrom says where the package name came from:
// "-pkg", "[generate]" (the file's package key), or "" (dir's name).
//
// The files considered are those the go command would build with the
// generated file, tests included; the generated file's own earlier
// version is not one of them, and, as for packageName, neither is a file
// of another package that another tool generated.
func checkDir(dir string, f *spec.File, opts codegen.Options, pkgFrom string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pkg := opts.Package
	fset := token.NewFileSet()
	var problems []string
	var files []*ast.File // of package pkg
	others := make(map[string]bool)
	for _, e := range entries {
		name := e.Name()
		if name == codegen.FileName {
			path := filepath.Join(dir, name)
			if e.IsDir() {
				problems = append(problems, fmt.Sprintf("%s: a directory, where generate would write its file: rename it, or generate into another directory with -o DIR", path))
			} else if ours, err := writtenByFlaggen(path); err != nil {
				return nil, err
			} else if !ours {
				problems = append(problems, fmt.Sprintf("%s:1:1: not written by flaggen (its first line is not %q), so generate would overwrite it: rename it, or generate into another directory with -o DIR",
					path, codegen.Header))
			}
			continue
		}
		if e.IsDir() || !strings.HasSuffix(name, ".go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution|parser.ParseComments)
		if file == nil {
			return nil, err
		}
		got := file.Name.Name
		switch {
		case got == pkg:
			files = append(files, file)
		case strings.HasSuffix(name, "_test.go") && got == pkg+"_test":
		case ast.IsGenerated(file):
			// As packageName does, leave another tool's output to be
			// regenerated.
		case !others[got]:
			others[got] = true
			key := fmt.Sprintf(`set package = %q under [generate] in %s`, got, filepath.Base(f.Name))
			var hint string
			switch pkgFrom {
			case "-pkg":
				hint = "pass -pkg " + got
			case "[generate]":
				hint = key
			default:
				hint = key + ", or pass -pkg " + got
			}
			problems = append(problems, fmt.Sprintf("%s: %s holds package %s, so %s cannot be package %s (the package would not build): %s, or generate into another directory",
				fset.Position(file.Name.Pos()), dir, got, codegen.FileName, pkg, hint))
		}
	}
	if len(problems) > 0 || len(files) == 0 {
		return problems, nil
	}

	decls, err := codegen.Declared(f, opts)
	if err != nil {
		return nil, err
	}
	clash := func(id *ast.Ident, what string) {
		problems = append(problems, fmt.Sprintf("%s: %s is declared by flaggen's generated code (%s); rename it",
			fset.Position(id.Pos()), what, codegen.FileName))
	}
	for _, file := range files {
		codegen.ForEachDecl(file, false, func(id *ast.Ident, typ string) {
			switch {
			case typ == "" && decls.Names[id.Name]:
				clash(id, "name "+id.Name)
			case typ != "" && decls.Member(typ, id.Name):
				clash(id, "method "+typ+"."+id.Name)
			}
		})
	}
	return problems, nil
}
