package locate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNearest(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	// A directory of the name is not the file.
	if err := os.MkdirAll(filepath.Join(deep, "flags.toml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "flags.toml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := Nearest(deep, "flags.toml"); !ok || got != filepath.Join(root, "flags.toml") {
		t.Errorf("Nearest = %q, %v; want the root's flags.toml", got, ok)
	}
	if got, ok := Nearest(deep, "no-such-file-here.toml"); ok {
		t.Errorf("Nearest found %q", got)
	}
}

func TestFlagsFile(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deep)
	if _, err := FlagsFile("push"); err == nil || !strings.HasSuffix(err.Error(), "name the file to push") {
		t.Errorf("FlagsFile without a flags.toml: %v", err)
	}
	if err := os.WriteFile(filepath.Join(root, "flags.toml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := FlagsFile("push"); err != nil || got != filepath.Join("..", "flags.toml") {
		t.Errorf("FlagsFile = %q, %v; want ../flags.toml", got, err)
	}
}
