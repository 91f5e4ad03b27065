package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWrite writes a small synthetic module and checks that it builds,
// that go vet finds nothing in it, and that its tests pass.
func TestWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped with -short")
	}
	dir := filepath.Join(t.TempDir(), "mod")
	if err := write(dir, filepath.Join("..", ".."), 12, 20); err != nil {
		t.Fatal(err)
	}
	if err := write(dir, filepath.Join("..", ".."), 12, 20); err == nil {
		t.Errorf("write into a non-empty directory succeeded")
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v in the synthetic module: %v\n%s", args, err, out)
		}
	}
}
