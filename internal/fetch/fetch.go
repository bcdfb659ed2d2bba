// Package fetch is the one way the hub fetches a URL that a user gave it:
// media named by an import, and later link previews and link checks.
//
// A Fetcher goes only to public addresses. It checks the URL (http or
// https, no user info, ports 80 and 443), and then, when the connection is
// made, looks the host up and checks every address it resolves to before
// it dials one of them by its number. Every redirect is a new connection
// and is checked again, so a name whose answer changes between look-ups
// cannot lead the fetcher to an address it refuses. Admins can allow named
// hosts, such as an intranet server, which may then resolve to private
// addresses. Proxies from the environment are not used. Answers are
// bounded in time and size.
//
// Errors are *Error values for the log; the editor sees only the message
// that MessageKey names.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Defaults for the zero values of Options.
const (
	DefaultTimeout      = 60 * time.Second
	DefaultPhaseTimeout = 15 * time.Second
	DefaultMaxBytes     = 50 << 20
	DefaultMaxRedirects = 5
)

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a Fetcher. Zero values take the defaults.
type Options struct {
	// Timeout bounds a whole fetch, reading the body included.
	Timeout time.Duration
	// PhaseTimeout bounds each step on the way: one connection, the TLS
	// handshake, the wait for the answer's header.
	PhaseTimeout time.Duration
	// MaxBytes is the longest body the fetcher reads.
	MaxBytes int64
	// MaxRedirects is how many redirects one fetch follows.
	MaxRedirects int
	// AllowedHosts are host names that may resolve to private addresses
	// and use any port (see FromSettings). Names that are not host names
	// are left out.
	AllowedHosts []string
	// Resolver looks hosts up; net.DefaultResolver if nil.
	Resolver Resolver
	// Dial connects to an address the fetcher checked, always given as
	// "ip:port". If nil, a net.Dialer that checks the address once more
	// before the socket connects.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Logger receives every failure with its reason; slog.Default() if nil.
	Logger *slog.Logger
	// UserAgent is sent with every request.
	UserAgent string
}

// Fetcher fetches URLs that users gave. It is safe for concurrent use.
type Fetcher struct {
	opts     Options
	allowed  map[string]bool
	resolver Resolver
	client   *http.Client
	log      *slog.Logger
}

// Response is a fetched answer. The caller must close Body. Reading
// Body past the fetcher's limit fails with ErrTooLarge.
type Response struct {
	Body        io.ReadCloser
	ContentType string // the media type the server gave, without parameters; "" if none
	Size        int64  // the length the server announced, or -1
	FinalURL    string // the URL after redirects
}

// New returns a Fetcher with opts.
func New(opts Options) *Fetcher {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.PhaseTimeout <= 0 {
		opts.PhaseTimeout = DefaultPhaseTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "Bindeled"
	}
	f := &Fetcher{opts: opts, allowed: map[string]bool{}, resolver: opts.Resolver, log: opts.Logger}
	if f.resolver == nil {
		f.resolver = net.DefaultResolver
	}
	if f.log == nil {
		f.log = slog.Default()
	}
	for _, h := range opts.AllowedHosts {
		if n, err := NormalizeHost(h); err == nil {
			f.allowed[n] = true
		}
	}
	transport := &http.Transport{
		Proxy:                  nil, // never a proxy from the environment
		DialContext:            f.dialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    opts.PhaseTimeout,
		ResponseHeaderTimeout:  opts.PhaseTimeout,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        30 * time.Second,
		MaxIdleConnsPerHost:    2,
		MaxResponseHeaderBytes: 64 << 10,
	}
	f.client = &http.Client{Transport: transport, CheckRedirect: f.checkRedirect}
	return f
}

// Get fetches rawURL and returns its body; it implements transfer.Getter.
func (f *Fetcher) Get(ctx context.Context, rawURL string) (io.ReadCloser, error) {
	r, err := f.Fetch(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return r.Body, nil
}

// Fetch fetches rawURL. Only a 200 answer is a success; any error is an
// *Error, already logged.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Response, error) {
	r, err := f.fetch(ctx, rawURL)
	if err != nil {
		f.logFailure(err)
		return nil, err
	}
	return r, nil
}

func (f *Fetcher) fetch(ctx context.Context, rawURL string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{Kind: ErrBadURL, URL: "(unreadable)", Reason: "the URL cannot be read"}
	}
	if _, err := f.checkURL(u); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, failure(u, ErrBadURL, "no request can be made", err)
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "*/*")

	resp, err := f.client.Do(req)
	if err != nil {
		cancel()
		return nil, asError(u, err)
	}
	final := resp.Request.URL
	if resp.StatusCode != http.StatusOK {
		_ = resp.Body.Close() // the answer is refused; its body does not matter
		cancel()
		e := failure(final, ErrStatus, "status "+strconv.Itoa(resp.StatusCode), nil)
		e.Status = resp.StatusCode
		return nil, e
	}
	if resp.ContentLength > f.opts.MaxBytes {
		_ = resp.Body.Close() // refused before reading
		cancel()
		return nil, failure(final, ErrTooLarge, fmt.Sprintf("announced %d bytes, the limit is %d",
			resp.ContentLength, f.opts.MaxBytes), nil)
	}

	ctype, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		ctype = ""
	}
	body := &limitedBody{body: resp.Body, left: f.opts.MaxBytes, limit: f.opts.MaxBytes, cancel: cancel,
		url: final, f: f}
	return &Response{Body: body, ContentType: ctype, Size: resp.ContentLength, FinalURL: final.String()}, nil
}

// checkRedirect checks every hop before it is followed; the dial checks
// its address.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.opts.MaxRedirects {
		return failure(req.URL, ErrUnreachable, fmt.Sprintf("more than %d redirects", f.opts.MaxRedirects), nil)
	}
	if _, err := f.checkURL(req.URL); err != nil {
		return err
	}
	req.Header.Del("Referer") // the address a request came from is nobody's business
	return nil
}

// dialContext is the transport's only way out: it checks the host, looks
// it up, checks every address, and dials the checked address itself.
func (f *Fetcher) dialContext(ctx context.Context, network, hostport string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, &Error{Kind: ErrBadURL, URL: hostport, Reason: "not host:port", Err: err}
	}
	where := &url.URL{Scheme: "tcp", Host: hostport}
	t, r := f.checkHost(host, port)
	if r != nil {
		return nil, failure(where, r.kind, r.reason, nil)
	}

	addrs := []netip.Addr{t.addr}
	if !t.addr.IsValid() {
		if addrs, err = f.lookup(ctx, t, where); err != nil {
			return nil, err
		}
	}

	var last error
	for _, a := range addrs {
		dctx, cancel := context.WithTimeout(ctx, f.opts.PhaseTimeout)
		conn, err := f.dial(dctx, network, net.JoinHostPort(a.Unmap().String(), port), t.allowed)
		cancel()
		if err == nil {
			return conn, nil
		}
		last = err
	}
	var refused *Error
	if errors.As(last, &refused) {
		return nil, refused // the socket's own check refused the address
	}
	return nil, failure(where, ErrUnreachable, "no address answered", last)
}

// lookup resolves t's host and checks every address: if one is refused,
// all are, since an answer that mixes public and private addresses is
// how a rebinding attack looks.
func (f *Fetcher) lookup(ctx context.Context, t target, where *url.URL) ([]netip.Addr, error) {
	lctx, cancel := context.WithTimeout(ctx, f.opts.PhaseTimeout)
	defer cancel()
	addrs, err := f.resolver.LookupNetIP(lctx, "ip", t.host)
	if err != nil {
		return nil, failure(where, ErrUnreachable, "look-up of "+t.host+" failed", err)
	}
	if len(addrs) == 0 {
		return nil, failure(where, ErrUnreachable, t.host+" has no address", nil)
	}
	for _, a := range addrs {
		if !permitted(a, t.allowed) {
			_, why := Classify(a)
			return nil, failure(where, ErrForbidden, t.host+" resolves to "+a.String()+", "+why, nil)
		}
	}
	return addrs, nil
}

// permitted reports whether a may be dialled: public addresses always,
// private ones for allowed hosts.
func permitted(a netip.Addr, allowed bool) bool {
	c, _ := Classify(a)
	return c == Public || c == Private && allowed
}

// dial connects to a checked "ip:port".
func (f *Fetcher) dial(ctx context.Context, network, addr string, allowed bool) (net.Conn, error) {
	if f.opts.Dial != nil {
		return f.opts.Dial(ctx, network, addr)
	}
	d := net.Dialer{KeepAlive: 30 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		return controlCheck(address, allowed)
	}}
	return d.DialContext(ctx, network, addr)
}

// controlCheck checks the address a socket is about to connect to, once
// more and as the kernel will see it.
func controlCheck(address string, allowed bool) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("fetch: dial %q: %w", address, err)
	}
	if !permitted(ap.Addr(), allowed) {
		_, why := Classify(ap.Addr())
		return &Error{Kind: ErrForbidden, URL: "tcp://" + address, Reason: "socket address is " + why}
	}
	return nil
}

// asError turns what the HTTP client returned into an *Error.
func asError(u *url.URL, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout() {
		return failure(u, ErrUnreachable, "no answer in time", err)
	}
	return failure(u, ErrUnreachable, "the request failed", err)
}

func (f *Fetcher) logFailure(err error) {
	var e *Error
	if !errors.As(err, &e) {
		f.log.Warn("fetch failed", "error", err.Error())
		return
	}
	attrs := []any{"url", e.URL, "kind", e.Kind.Error(), "reason", e.Reason}
	if e.Err != nil {
		attrs = append(attrs, "cause", e.Err.Error())
	}
	f.log.Warn("fetch failed", attrs...)
}

// limitedBody reads a body up to a limit and fails past it.
type limitedBody struct {
	body   io.ReadCloser
	left   int64
	limit  int64
	cancel context.CancelFunc
	url    *url.URL
	f      *Fetcher
	err    error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.body.Read(p)
	if int64(n) > b.left {
		b.err = failure(b.url, ErrTooLarge, fmt.Sprintf("more than %d bytes", b.limit), nil)
		b.f.logFailure(b.err)
		return int(b.left), b.err
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		b.err = asError(b.url, err)
		b.f.logFailure(b.err)
		return n, b.err
	}
	return n, err
}

func (b *limitedBody) Close() error {
	err := b.body.Close()
	b.cancel()
	return err
}
