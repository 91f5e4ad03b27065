// Package locate finds the files the flaggen commands work on when none
// is named: the nearest flags.toml, or go.mod, in the current directory
// or its parents. It serves cmd/flaggen and the fleet command of
// store/redisstore, which would otherwise each walk the directories.
package locate

import (
	"errors"
	"os"
	"path/filepath"
)

// Nearest returns the path of the nearest regular file called name in dir
// or its parents.
func Nearest(dir, name string) (string, bool) {
	for {
		path := filepath.Join(dir, name)
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			return path, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// FlagsFile returns the nearest flags.toml to the current directory,
// relative to it when it can be. purpose ends the error for none found,
// which tells to "name the file to " + purpose.
func FlagsFile(purpose string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	path, ok := Nearest(wd, "flags.toml")
	if !ok {
		return "", errors.New("no flags.toml in the current directory or its parents; name the file to " + purpose)
	}
	if rel, err := filepath.Rel(wd, path); err == nil {
		return rel, nil
	}
	return path, nil
}
