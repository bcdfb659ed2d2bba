// Package social speaks to the platforms the hub posts to: Facebook Pages
// through the Graph API and LinkedIn organisation pages through the Posts
// and Images APIs, each with its OAuth flow. It seals the platforms'
// tokens before they are stored, and its Poster sends the posts the job
// runner hands it, at most once.
//
// Every address of a platform is a setting with the real host as its
// default, so tests point the clients at local servers (package
// socialtest) that keep the platforms' documented contracts.
package social

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Platform is where a channel posts.
type Platform string

// The platforms. Manual channels are posted to by hand: the editor copies
// the prepared text and records the post's address.
const (
	Facebook Platform = "facebook"
	LinkedIn Platform = "linkedin"
	Manual   Platform = "manual"
)

// Platforms lists every platform in the order pages show them.
var Platforms = []Platform{Facebook, LinkedIn, Manual}

// Valid reports whether p is a known platform.
func (p Platform) Valid() bool { return p == Facebook || p == LinkedIn || p == Manual }

// HasAPI reports whether the hub can post to p itself.
func (p Platform) HasAPI() bool { return p == Facebook || p == LinkedIn }

// The longest texts the platforms take: a Facebook post's message and a
// LinkedIn post's commentary. A manual channel takes what a Facebook post
// does, the longest of them.
const (
	FacebookMaxText = 63206
	LinkedInMaxText = 3000
)

// MaxText is the longest text a post on p may have, counted as TextLength
// counts it.
func MaxText(p Platform) int {
	if p == LinkedIn {
		return LinkedInMaxText
	}
	return FacebookMaxText
}

// TextLength is the length of a post's text as p counts it: characters,
// and on LinkedIn after the escaping its commentary format needs.
func TextLength(p Platform, text string) int {
	if p == LinkedIn {
		text = EscapeCommentary(text)
	}
	return utf8.RuneCountInString(text)
}

// commentaryReserved are the characters LinkedIn's commentary format
// ("little text") gives a meaning; written as text they need a backslash.
const commentaryReserved = `\|{}@[]()<>#*_~`

// EscapeCommentary makes text safe as a LinkedIn commentary, so that a
// parenthesis or a hash sign is shown as written and cannot cut the post
// short.
func EscapeCommentary(text string) string {
	var b strings.Builder
	for _, r := range text {
		if strings.ContainsRune(commentaryReserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Kind says what a failed request means for the post.
type Kind int

// The kinds of failure.
const (
	// Permanent failures will not go away by trying again: an expired
	// token, a refused text, a missing permission.
	Permanent Kind = iota
	// Transient failures are worth another try later: the platform was
	// busy or down, or the request never left the hub.
	Transient
	// Unknown means the request reached the platform and no answer came
	// back: the post may or may not exist.
	Unknown
)

// Error is a failed request to a platform, with the platform's own
// message when it sent one.
type Error struct {
	Platform Platform
	Kind     Kind
	Status   int    // the HTTP status; 0 when no answer came
	Code     string // the platform's error code, such as "190/463" or "REVOKED_ACCESS_TOKEN"
	Message  string // the platform's message, or what went wrong on the way
	Trace    string // Facebook's fbtrace_id, for its support
	// RetryAfter is how long the platform asked the hub to wait (429).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.Platform)
	if e.Status != 0 {
		fmt.Fprintf(&b, " %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	fmt.Fprintf(&b, ": %s", e.Message)
	if e.Trace != "" {
		fmt.Fprintf(&b, " [fbtrace_id %s]", e.Trace)
	}
	return b.String()
}

// Describe is the text shown to editors: the platform's message with its
// code and status, without the platform's name.
func (e *Error) Describe() string {
	msg := e.Message
	var extra []string
	if e.Code != "" {
		extra = append(extra, e.Code)
	}
	if e.Status != 0 {
		extra = append(extra, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.Trace != "" {
		extra = append(extra, "fbtrace_id "+e.Trace)
	}
	if len(extra) > 0 {
		msg += " (" + strings.Join(extra, ", ") + ")"
	}
	return msg
}

// KindOf returns the kind of err: that of an *Error, Transient for
// anything else (a failure inside the hub, never seen by a platform).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Transient
}

// PageURL is the address people open to see a channel's page: a
// Facebook Page by its id, a LinkedIn organisation by its URN's number.
func PageURL(p Platform, target string) string {
	switch p {
	case Facebook:
		if target != "" {
			return "https://www.facebook.com/" + target
		}
	case LinkedIn:
		if id, ok := strings.CutPrefix(target, "urn:li:organization:"); ok {
			return "https://www.linkedin.com/company/" + id + "/"
		}
	}
	return ""
}
