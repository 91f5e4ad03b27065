package live

import (
	"context"
	"time"

	"github.com/flaggen/flaggen/runtime"
)

// File is the source of a flags.toml on disk. It watches the file's
// directory (github.com/fsnotify/fsnotify) and survives the ways files
// really change: an editor's write-and-rename, a truncate-then-write, a
// Kubernetes ConfigMap's ..data symlink swap, the file deleted and
// re-created, the directory replaced. It reads the file only once it has
// been quiet for Debounce, and never applies an empty or half-written
// state. Where inotify does not work (NFS, FUSE), set Poll.
type File struct {
	// Path is the file's path.
	Path string
	// Poll, when positive, checks the file's size, modification time and
	// hash every Poll instead of watching for events.
	Poll time.Duration
	// Debounce is how long the file must be quiet after an event before
	// it is read; zero means 20 ms.
	Debounce time.Duration
}

// Run feeds f until ctx is done. See [Source].
func (s *File) Run(ctx context.Context, f *Feed) error { panic("TODO") }

// String returns the path.
func (s *File) String() string { return s.Path }

// WatchFile starts watching the flags.toml at path for set, with the
// default debounce, until ctx is done, and returns the feed. A missing
// or bad file leaves the compiled-in flags in force, is reported, and is
// picked up once it appears or is fixed.
func WatchFile(ctx context.Context, set *runtime.Set, path string, opts Options) *Feed {
	return Run(ctx, set, &File{Path: path}, opts)
}
