package social

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Config holds the platforms' addresses and versions. The defaults are
// the real hosts; tests point them at local servers.
type Config struct {
	// GraphURL is Facebook's Graph API, without the version.
	GraphURL string
	// FacebookURL is where Facebook's login dialog lives.
	FacebookURL string
	// GraphVersion is the Graph API version in every path, such as v25.0.
	GraphVersion string
	// LinkedInAPIURL is LinkedIn's REST API; paths start with /rest.
	LinkedInAPIURL string
	// LinkedInOAuthURL is LinkedIn's OAuth server; paths start with /v2.
	LinkedInOAuthURL string
	// LinkedInVersion is sent as the LinkedIn-Version header (YYYYMM).
	LinkedInVersion string
	// HTTP sends the requests; nil uses a client that follows no
	// redirects and gives up after a minute.
	HTTP *http.Client
}

// The real platforms' addresses and the versions the clients follow.
const (
	DefaultGraphURL         = "https://graph.facebook.com"
	DefaultFacebookURL      = "https://www.facebook.com"
	DefaultGraphVersion     = "v25.0"
	DefaultLinkedInAPIURL   = "https://api.linkedin.com"
	DefaultLinkedInOAuthURL = "https://www.linkedin.com/oauth"
	DefaultLinkedInVersion  = "202607"
)

// DefaultConfig is the configuration for the real platforms.
func DefaultConfig() Config {
	return Config{GraphURL: DefaultGraphURL, FacebookURL: DefaultFacebookURL, GraphVersion: DefaultGraphVersion,
		LinkedInAPIURL: DefaultLinkedInAPIURL, LinkedInOAuthURL: DefaultLinkedInOAuthURL,
		LinkedInVersion: DefaultLinkedInVersion}
}

// withDefaults fills what c leaves empty.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&c.GraphURL, d.GraphURL}, {&c.FacebookURL, d.FacebookURL}, {&c.GraphVersion, d.GraphVersion},
		{&c.LinkedInAPIURL, d.LinkedInAPIURL}, {&c.LinkedInOAuthURL, d.LinkedInOAuthURL},
		{&c.LinkedInVersion, d.LinkedInVersion},
	} {
		if *f.v == "" {
			*f.v = f.def
		}
		*f.v = strings.TrimSuffix(*f.v, "/")
	}
	if c.HTTP == nil {
		c.HTTP = NewHTTPClient(time.Minute)
	}
	return c
}

// Check reports an address in c that is not an http or https URL.
func (c Config) Check() error {
	c = c.withDefaults()
	for _, a := range []struct{ name, v string }{{"facebook-graph-url", c.GraphURL},
		{"facebook-dialog-url", c.FacebookURL}, {"linkedin-api-url", c.LinkedInAPIURL},
		{"linkedin-oauth-url", c.LinkedInOAuthURL}} {
		u, err := url.Parse(a.v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New(a.name + ": want an http or https address")
		}
	}
	if len(c.LinkedInVersion) != 6 || strings.Trim(c.LinkedInVersion, "0123456789") != "" {
		return errors.New("linkedin-api-version: want YYYYMM, such as 202607")
	}
	if !strings.HasPrefix(c.GraphVersion, "v") {
		return errors.New("facebook-api-version: want a version such as v25.0")
	}
	return nil
}

// NewHTTPClient returns a client for the platforms: it follows no
// redirects (an answer is taken as it comes) and gives up after timeout.
func NewHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// maxAnswer bounds the answers read from a platform.
const maxAnswer = 1 << 20

// answer is a platform's answer to a request.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a *answer) ok() bool { return a.status >= 200 && a.status < 300 }

// send makes one request and reads its answer. A failure on the way is
// an *Error: Transient when the request was not written, Unknown when it
// was written and no answer came. An answer of any status is returned
// for the caller to judge.
func send(ctx context.Context, hc *http.Client, p Platform, req *http.Request) (*answer, error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}}
	res, err := hc.Do(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	if err != nil {
		kind := Transient
		if wrote.Load() {
			kind = Unknown
		}
		return nil, &Error{Platform: p, Kind: kind, Message: networkMessage(err)}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil && (res.StatusCode < 200 || res.StatusCode >= 300) {
		// The status is known; the body that would explain it is not.
		body = nil
	}
	return &answer{status: res.StatusCode, header: res.Header, body: body}, nil
}

// networkMessage describes a failure to talk to a platform without the
// address, which may carry a token in its query.
func networkMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "the request was stopped"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed without an answer"
	}
	msg := err.Error()
	if i := strings.Index(msg, "?"); i >= 0 { // never a query string, in case a message quotes an address
		msg = msg[:i]
	}
	return msg
}

// statusKind judges an answer's status when its body says nothing more:
// 429 and server errors are worth another try, except 504, where a
// gateway gave up waiting while the platform may still have done the
// work; other statuses are final.
func statusKind(status int) Kind {
	switch {
	case status == http.StatusTooManyRequests:
		return Transient
	case status == http.StatusGatewayTimeout:
		return Unknown
	case status >= 500:
		return Transient
	}
	return Permanent
}

// retryAfter reads a Retry-After header, in seconds or as a date, bounded
// to a day.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), 24*time.Hour)
}

// newRequest builds a request with a body of the given type.
func newRequest(method, target, contentType string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, target, r)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// firstLine shortens a body for a message when it is not the JSON the
// platform documents.
func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len([]rune(s)) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	if s == "" {
		return "no explanation was given"
	}
	return s
}
