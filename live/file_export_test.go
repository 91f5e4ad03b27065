package live

import (
	"time"

	"github.com/fsnotify/fsnotify"
)

// SetFileTimings sets s's grace period and recheck interval (zero: the
// defaults), for tests.
func SetFileTimings(s *File, grace, recheck time.Duration) {
	s.grace, s.recheck = grace, recheck
}

// SetFileWatchErrors makes the first attempts of s to watch a directory
// fail with errs, one each (ENOSPC: the per-user limit of inotify
// watches is reached), and the later ones watch.
func SetFileWatchErrors(s *File, errs ...error) {
	s.hooks = &fileHooks{add: func(w *fsnotify.Watcher, dir string) error {
		if len(errs) > 0 {
			err := errs[0]
			errs = errs[1:]
			return err
		}
		return w.Add(dir)
	}}
}
