package redisstore

import (
	"errors"
	"fmt"
	"net"
	neturl "net/url"
	"strings"
	"syscall"
)

// wrap turns an error of Redis into one that says what to do: ErrAuth for
// a refused user or password, ErrPermission for a command the user may
// not run, and "cannot reach Redis" for a connection that fails.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "WRONGPASS"), strings.HasPrefix(msg, "NOAUTH"),
		strings.Contains(msg, "invalid username-password pair"), strings.Contains(msg, "AUTH <password> called without any password"):
		return fmt.Errorf("redis %s: %w: %s; check the user and password in the URL", s, ErrAuth, msg)
	case strings.HasPrefix(msg, "NOPERM"), strings.Contains(msg, "NOPERM"):
		return fmt.Errorf("redis %s: %w: %s; grant the user the command, or use a user that may write", s, ErrPermission, msg)
	}
	var op *net.OpError
	if errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &op) {
		return fmt.Errorf("cannot reach Redis at %s: %w; check that it runs and the host and port in the URL", s.addr(), err)
	}
	return fmt.Errorf("redis %s: %w", s, err)
}

// addr returns the host:port the store talks to, or its URL.
func (s *Store) addr() string {
	if u, err := neturl.Parse(s.url); err == nil && u.Host != "" {
		return u.Host
	}
	return s.String()
}

// redactURL returns url without its password, or a placeholder when it
// does not parse.
func redactURL(url string) string {
	u, err := neturl.Parse(url)
	if err != nil {
		return "(malformed URL)"
	}
	if u.User != nil {
		u.User = neturl.User(u.User.Username())
		if u.User.Username() == "" {
			u.User = nil
		}
	}
	return u.String()
}

// invalidError is a document's validation error: its text is spec's
// (positions first); it is ErrInvalid, and unwraps to spec's errors.
type invalidError struct{ err error }

func (e *invalidError) Error() string        { return e.err.Error() }
func (e *invalidError) Unwrap() []error      { return []error{ErrInvalid, e.err} }
func invalid(err error) error                { return &invalidError{err} }
func invalidf(format string, a ...any) error { return invalid(fmt.Errorf(format, a...)) }
