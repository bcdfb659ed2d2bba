package fetch

import (
	"errors"
	"net/url"
)

// The kinds of failure. Every error the fetcher returns is an *Error whose
// Kind is one of them, matched with errors.Is, so callers can choose what
// to tell the user; MessageKey does that for the usual case.
var (
	// ErrBadURL is a URL that cannot be read or names no host.
	ErrBadURL = errors.New("not a URL that can be fetched")
	// ErrForbidden is a URL the fetcher will not follow: a scheme other
	// than http and https, a user name or password in it, a port other
	// than 80 and 443 on a host that is not allowed, or a host whose
	// address is not public.
	ErrForbidden = errors.New("refused")
	// ErrUnreachable is a host that could not be looked up or reached, an
	// answer that did not come in time, or too many redirects.
	ErrUnreachable = errors.New("unreachable")
	// ErrStatus is an answer other than 200 OK.
	ErrStatus = errors.New("unexpected answer")
	// ErrTooLarge is a body longer than the fetcher's limit.
	ErrTooLarge = errors.New("too large")
)

// Error says why a fetch failed. Its text is for the log: it names
// addresses and reasons an editor must not see (MessageKey gives theirs).
type Error struct {
	Kind   error  // one of ErrBadURL, ErrForbidden, ErrUnreachable, ErrStatus, ErrTooLarge
	URL    string // the URL as far as it may be logged: no user info, query or fragment
	Reason string // what went wrong, in words for the log
	Status int    // the HTTP status, for ErrStatus
	Err    error  // the cause, if any
}

func (e *Error) Error() string {
	s := "fetch " + e.URL + ": " + e.Kind.Error()
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the kind and the cause, so errors.Is matches both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// MessageKey returns the i18n key of the message to show an editor for
// err: the same generic message for every failure but a file that is too
// large, so nothing about the inside of the network shows.
func MessageKey(err error) string {
	if errors.Is(err, ErrTooLarge) {
		return "error.fetch_too_large"
	}
	return "error.fetch"
}

// loggable returns u without user info, query and fragment, which may hold
// secrets.
func loggable(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return c.String()
}

func failure(u *url.URL, kind error, reason string, cause error) *Error {
	return &Error{Kind: kind, URL: loggable(u), Reason: reason, Err: cause}
}
