package live

import "time"

// SetFileTimings sets s's grace period and recheck interval (zero: the
// defaults), for tests.
func SetFileTimings(s *File, grace, recheck time.Duration) {
	s.grace, s.recheck = grace, recheck
}
