package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/fetch"
	"github.com/bindeled/bindeled/internal/transfer"
)

var _ transfer.Getter = (*fetch.Fetcher)(nil)

// Addresses the fake resolver gives for "public" names. The fetcher sees
// them as public; the recording dialer only notes them and connects to the
// test server on loopback instead, so nothing is ever sent to them.
const (
	publicIP  = "93.184.215.14"
	publicIP6 = "2a00:1450:4001:80b::200e"
)

// recorder is the injected dialer: it notes every address the fetcher
// asks for and connects to the loopback test server, or to nothing.
type recorder struct {
	mu      sync.Mutex
	dialled []string
	server  string // "127.0.0.1:port" of the test server; "" refuses every dial
}

func (r *recorder) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	r.mu.Lock()
	r.dialled = append(r.dialled, addr)
	server := r.server
	r.mu.Unlock()
	if server == "" {
		return nil, errors.New("test dialer: no server")
	}
	ap, err := netip.ParseAddrPort(server)
	if err != nil || !ap.Addr().IsLoopback() {
		panic("test dialer asked to connect outside loopback: " + server)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", server)
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.dialled)
}

// resolver answers from a table: each name has its answers in turn, the
// last one repeated, and counts the look-ups.
type resolver struct {
	mu      sync.Mutex
	answers map[string][]string // name -> comma-separated answers, in turn
	calls   map[string]int
}

func (r *resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	answers, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(r.calls[host], len(answers)-1)
	r.calls[host]++
	var out []netip.Addr
	for _, s := range strings.Split(answers[i], ",") {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

func (r *resolver) count(host string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[host]
}

// names is the DNS of the tests.
var names = map[string][]string{
	"skole.example":            {publicIP},
	"v6.skole.example":         {publicIP6},
	"redirect.example":         {publicIP},
	"rebind.example":           {publicIP, "127.0.0.1"},
	"loop.example":             {publicIP},
	"scheme.example":           {publicIP},
	"metadata.google.internal": {"169.254.169.254"},
	"mixed.example":            {publicIP + ",10.0.0.7"},
	"private.example":          {"10.1.2.3"},
	"intra.kommune.dk":         {"10.1.2.3"},
	"intra6.kommune.dk":        {"fd12:3456::1"},
	"loopback.kommune.dk":      {"127.0.0.1"},
	"meta.kommune.dk":          {"fd00:ec2::254"},
	"nat64.example":            {"64:ff9b::a00:1"},
	"nat64public.example":      {"64:ff9b::5db8:d70e"},
	"slow.example":             {publicIP},
	"big.example":              {publicIP},
	"missing.example":          {publicIP},
}

// site is the test server's answers, chosen by the Host header.
func site(w http.ResponseWriter, r *http.Request) {
	switch r.Host + r.URL.Path {
	case "redirect.example/":
		http.Redirect(w, r, "http://10.0.0.12/", http.StatusFound)
	case "rebind.example/a":
		// Close the connection so that the next hop dials, and looks up, anew.
		w.Header().Set("Connection", "close")
		http.Redirect(w, r, "/b", http.StatusFound)
	case "loop.example/x":
		http.Redirect(w, r, "/y", http.StatusFound)
	case "loop.example/y":
		http.Redirect(w, r, "/x", http.StatusMovedPermanently)
	case "scheme.example/ftp":
		http.Redirect(w, r, "ftp://scheme.example/fil.pdf", http.StatusFound)
	case "scheme.example/file":
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	case "scheme.example/js":
		http.Redirect(w, r, "javascript:alert(1)", http.StatusFound)
	case "scheme.example/user":
		http.Redirect(w, r, "http://admin:hemmelig@skole.example/", http.StatusFound)
	case "scheme.example/ok":
		http.Redirect(w, r, "http://skole.example/", http.StatusFound)
	case "big.example/announced":
		w.Header().Set("Content-Length", "2000")
		_, _ = w.Write(bytes.Repeat([]byte("x"), 2000))
	case "big.example/streamed":
		for range 20 {
			_, _ = w.Write(bytes.Repeat([]byte("x"), 100))
			w.(http.Flusher).Flush()
		}
	case "big.example/exact":
		_, _ = w.Write(bytes.Repeat([]byte("x"), 1000))
	case "slow.example/":
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	case "missing.example/":
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "hej fra %s%s", r.Host, r.URL.Path)
	}
}

type fixture struct {
	rec *recorder
	res *resolver
	log *bytes.Buffer
	f   *fetch.Fetcher
}

func newFixture(t *testing.T, opts fetch.Options) *fixture {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(site))
	t.Cleanup(srv.Close)
	fx := &fixture{rec: &recorder{server: srv.Listener.Addr().String()}, res: &resolver{answers: names},
		log: &bytes.Buffer{}}
	opts.Resolver, opts.Dial = fx.res, fx.rec.dial
	opts.Logger = slog.New(slog.NewTextHandler(fx.log, nil))
	if opts.MaxBytes == 0 {
		opts.MaxBytes = 1000
	}
	fx.f = fetch.New(opts)
	return fx
}

func TestFetchRefusesWithoutDialling(t *testing.T) {
	public := []string{publicIP + ":80"}
	tests := []struct {
		url     string
		allowed []string
		want    error    // nil for success
		dialled []string // what the dialer was asked for
		logged  string   // part of the reason in the log
	}{
		{url: "http://127.0.0.1:5432/", want: fetch.ErrForbidden, logged: "loopback"},
		{url: "http://127.0.0.1/hent?token=hemmelig#hemmelig", want: fetch.ErrForbidden, logged: "127.0.0.1/hent"},
		{url: "http://169.254.169.254/", want: fetch.ErrForbidden, logged: "metadata"},
		{url: "http://169.254.169.254/latest/meta-data/", allowed: []string{"169.254.169.254"},
			want: fetch.ErrForbidden, logged: "metadata"},
		{url: "http://[::1]:8080/", want: fetch.ErrForbidden, logged: "loopback"},
		{url: "http://0.0.0.0/", want: fetch.ErrForbidden, logged: "unspecified"},
		{url: "http://[::]/", want: fetch.ErrForbidden, logged: "unspecified"},
		{url: "http://100.64.0.1/", want: fetch.ErrForbidden, logged: "carrier-grade NAT"},
		{url: "http://10.0.0.12/", want: fetch.ErrForbidden, logged: "private"},
		{url: "http://192.168.1.1/", want: fetch.ErrForbidden, logged: "private"},
		{url: "http://172.31.255.255/", want: fetch.ErrForbidden, logged: "private"},
		{url: "http://255.255.255.255/", want: fetch.ErrForbidden, logged: "broadcast"},
		{url: "http://224.0.0.1/", want: fetch.ErrForbidden, logged: "multicast"},
		{url: "http://203.0.113.10/", want: fetch.ErrForbidden, logged: "documentation"},
		{url: "http://2130706433/", want: fetch.ErrForbidden, logged: "127.0.0.1, a loopback"},
		{url: "http://0x7f.1/", want: fetch.ErrForbidden, logged: "127.0.0.1, a loopback"},
		{url: "http://017700000001/", want: fetch.ErrForbidden, logged: "127.0.0.1, a loopback"},
		{url: "http://127.1/", want: fetch.ErrForbidden, logged: "loopback"},
		{url: "http://127.0.0.1./", want: fetch.ErrForbidden, logged: "loopback"},
		{url: "http://１２７.０.０.１/", want: fetch.ErrForbidden, logged: "127.0.0.1, a loopback"},
		{url: "http://0/", want: fetch.ErrForbidden, logged: "0.0.0.0, an unspecified"},
		{url: "http://1572395790/", want: fetch.ErrForbidden, logged: "form other than a.b.c.d"},
		{url: "http://[::ffff:127.0.0.1]/", want: fetch.ErrForbidden, logged: "IPv4-mapped"},
		{url: "http://[::ffff:a9fe:a9fe]/", want: fetch.ErrForbidden, logged: "metadata"},
		{url: "http://[::127.0.0.1]/", want: fetch.ErrForbidden, logged: "reserved IPv6"},
		{url: "http://[64:ff9b::7f00:1]/", want: fetch.ErrForbidden, logged: "NAT64"},
		{url: "http://[fe80::1%25eth0]/", want: fetch.ErrForbidden, logged: "zone"},
		{url: "http://[fe80::1]/", want: fetch.ErrForbidden, logged: "link-local"},
		{url: "http://[fd00:ec2::254]/", want: fetch.ErrForbidden, logged: "metadata"},
		{url: "http://[fc00::1]/", want: fetch.ErrForbidden, logged: "unique-local"},
		{url: "http://[ff02::1]/", want: fetch.ErrForbidden, logged: "multicast"},
		{url: "http://[2002:7f00:1::]/", want: fetch.ErrForbidden, logged: "6to4"},
		{url: "http://[2001:db8::1]/", want: fetch.ErrForbidden, logged: "documentation"},
		{url: "http://localhost:8080/", want: fetch.ErrForbidden, logged: "loopback name"},
		{url: "http://api.localhost/", want: fetch.ErrForbidden, logged: "loopback name"},
		{url: "http://metadata.google.internal/computeMetadata/v1/", want: fetch.ErrForbidden,
			logged: "resolves to 169.254.169.254"},
		{url: "http://mixed.example/", want: fetch.ErrForbidden, logged: "resolves to 10.0.0.7"},
		{url: "http://private.example/", want: fetch.ErrForbidden, logged: "resolves to 10.1.2.3"},
		{url: "http://nat64.example/", want: fetch.ErrForbidden, logged: "NAT64"},
		{url: "http://loopback.kommune.dk/", allowed: []string{"loopback.kommune.dk"}, want: fetch.ErrForbidden,
			logged: "resolves to 127.0.0.1"},
		{url: "http://meta.kommune.dk/", allowed: []string{"meta.kommune.dk"}, want: fetch.ErrForbidden,
			logged: "metadata"},
		{url: "http://redirect.example/", want: fetch.ErrForbidden, dialled: public, logged: "10.0.0.12"},
		{url: "http://rebind.example/a", want: fetch.ErrForbidden, dialled: public,
			logged: "rebind.example resolves to 127.0.0.1"},
		{url: "ftp://skole.example/fil.pdf", want: fetch.ErrForbidden, logged: "scheme ftp is not http"},
		{url: "file:///etc/passwd", want: fetch.ErrForbidden, logged: "scheme file is not http"},
		{url: "javascript:alert(1)", want: fetch.ErrForbidden, logged: "scheme javascript is not http"},
		{url: "http://scheme.example/ftp", want: fetch.ErrForbidden, dialled: public, logged: "scheme ftp is not http"},
		{url: "http://scheme.example/file", want: fetch.ErrForbidden, dialled: public, logged: "scheme file is not http"},
		{url: "http://scheme.example/js", want: fetch.ErrForbidden, dialled: public, logged: "scheme javascript is not http"},
		{url: "http://scheme.example/user", want: fetch.ErrForbidden, dialled: public, logged: "user name"},
		{url: "http://admin:hemmelig@skole.example/", want: fetch.ErrForbidden, logged: "user name"},
		{url: "http://skole.example:8080/", want: fetch.ErrForbidden, logged: "port 8080"},
		{url: "http://skole.example:0/", want: fetch.ErrBadURL, logged: "not a port"},
		{url: "http://", want: fetch.ErrBadURL, logged: "no host"},
		{url: "http://%zz/", want: fetch.ErrBadURL, logged: "cannot be read"},
		{url: "http://skole..example/", want: fetch.ErrBadURL, logged: "not a host name"},
		{url: "http://999.1.1.1/", want: fetch.ErrBadURL, logged: "not a valid IPv4"},
		{url: "http://ukendt.example/", want: fetch.ErrUnreachable, logged: "look-up of ukendt.example failed"},
		{url: "http://loop.example/x", want: fetch.ErrUnreachable, dialled: public, logged: "more than 5 redirects"},
		{url: "http://missing.example/", want: fetch.ErrStatus, dialled: public, logged: "status 404"},

		{url: "http://skole.example/", dialled: public},
		{url: "http://v6.skole.example/", dialled: []string{"[" + publicIP6 + "]:80"}},
		{url: "http://nat64public.example/", dialled: []string{"[64:ff9b::5db8:d70e]:80"}},
		{url: "http://scheme.example/ok", dialled: []string{publicIP + ":80", publicIP + ":80"}},
		{url: "http://SKOLE.example./", dialled: public},
		{url: "http://93.184.215.14/", dialled: public},
		{url: "http://intra.kommune.dk/", allowed: []string{"Intra.Kommune.dk"}, dialled: []string{"10.1.2.3:80"}},
		{url: "http://intra.kommune.dk:8443/", allowed: []string{"intra.kommune.dk"},
			dialled: []string{"10.1.2.3:8443"}},
		{url: "http://intra6.kommune.dk/", allowed: []string{"intra6.kommune.dk"},
			dialled: []string{"[fd12:3456::1]:80"}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			fx := newFixture(t, fetch.Options{AllowedHosts: tt.allowed})
			r, err := fx.f.Fetch(context.Background(), tt.url)
			if got := fx.rec.got(); !slices.Equal(got, tt.dialled) {
				t.Errorf("dialled %q, want %q", got, tt.dialled)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				body, err := io.ReadAll(r.Body)
				if err != nil || !strings.HasPrefix(string(body), "hej fra ") {
					t.Errorf("body %q, %v", body, err)
				}
				if err := r.Body.Close(); err != nil {
					t.Error(err)
				}
				if r.ContentType != "text/plain" || r.Size != int64(len(body)) {
					t.Errorf("content type %q size %d", r.ContentType, r.Size)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var fe *fetch.Error
			if !errors.As(err, &fe) || r != nil {
				t.Errorf("not a *fetch.Error, or a response too: %T %v", err, r)
			}
			if !strings.Contains(err.Error(), tt.logged) || !strings.Contains(fx.log.String(), tt.logged) {
				t.Errorf("reason %q not in error %q or log %q", tt.logged, err, fx.log.String())
			}
			if strings.Contains(fx.log.String(), "hemmelig") {
				t.Errorf("the password reached the log: %s", fx.log.String())
			}
			if key := fetch.MessageKey(err); key != "error.fetch" {
				t.Errorf("message key %q", key)
			}
		})
	}
}

// TestRebindingNeedsTheSecondLookUp shows that the rebinding case above is
// refused at the second look-up, made for the second connection, and not
// by anything the first one left.
func TestRebindingNeedsTheSecondLookUp(t *testing.T) {
	fx := newFixture(t, fetch.Options{})
	_, err := fx.f.Fetch(context.Background(), "http://rebind.example/a")
	if !errors.Is(err, fetch.ErrForbidden) {
		t.Fatalf("err = %v", err)
	}
	if n := fx.res.count("rebind.example"); n != 2 {
		t.Errorf("%d look-ups, want 2", n)
	}
	fx.res.mu.Lock()
	fx.res.calls = nil // a fresh look-up answers public again
	fx.res.mu.Unlock()
	r, err := fx.f.Fetch(context.Background(), "http://rebind.example/b")
	if err != nil {
		t.Fatalf("the public answer is fetched: %v", err)
	}
	_ = r.Body.Close()
}

func TestBodyLimit(t *testing.T) {
	fx := newFixture(t, fetch.Options{MaxBytes: 1000})

	_, err := fx.f.Fetch(context.Background(), "http://big.example/announced")
	if !errors.Is(err, fetch.ErrTooLarge) || fetch.MessageKey(err) != "error.fetch_too_large" {
		t.Errorf("announced 2000 bytes: %v", err)
	}

	r, err := fx.f.Fetch(context.Background(), "http://big.example/streamed")
	if err != nil {
		t.Fatalf("streamed: %v", err)
	}
	if r.Size != -1 {
		t.Errorf("a streamed body announced size %d", r.Size)
	}
	body := r.Body
	n, err := io.Copy(io.Discard, body)
	if !errors.Is(err, fetch.ErrTooLarge) || n != 1000 {
		t.Errorf("streamed 2000 bytes: read %d, %v", n, err)
	}
	if _, err := body.Read(make([]byte, 10)); !errors.Is(err, fetch.ErrTooLarge) {
		t.Errorf("read after the limit: %v", err)
	}
	_ = body.Close()

	body, err = fx.f.Get(context.Background(), "http://big.example/exact")
	if err != nil {
		t.Fatalf("exact: %v", err)
	}
	b, err := io.ReadAll(body)
	if err != nil || len(b) != 1000 {
		t.Errorf("a body of exactly the limit: %d bytes, %v", len(b), err)
	}
	_ = body.Close()
}

func TestTimeouts(t *testing.T) {
	for _, opts := range []fetch.Options{
		{Timeout: 300 * time.Millisecond},
		{PhaseTimeout: 300 * time.Millisecond},
	} {
		fx := newFixture(t, opts)
		start := time.Now()
		_, err := fx.f.Fetch(context.Background(), "http://slow.example/")
		if !errors.Is(err, fetch.ErrUnreachable) {
			t.Errorf("%+v: err = %v", opts, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%+v: gave up after %v", opts, d)
		}
		if !strings.Contains(fx.log.String(), "no answer in time") {
			t.Errorf("%+v: log %q", opts, fx.log.String())
		}
	}
}

func TestCallerContextCancels(t *testing.T) {
	fx := newFixture(t, fetch.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := fx.f.Fetch(ctx, "http://slow.example/"); !errors.Is(err, fetch.ErrUnreachable) {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v", d)
	}
}

// TestNoProxyFromEnvironment sets a proxy that would see the request if
// the fetcher used it.
func TestNoProxyFromEnvironment(t *testing.T) {
	var seen sync.Mutex
	proxied := 0
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Lock()
		proxied++
		seen.Unlock()
		http.Error(w, "proxy", http.StatusBadGateway)
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)

	fx := newFixture(t, fetch.Options{})
	r, err := fx.f.Fetch(context.Background(), "http://skole.example/")
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Body.Close()
	seen.Lock()
	defer seen.Unlock()
	if proxied != 0 || !slices.Equal(fx.rec.got(), []string{publicIP + ":80"}) {
		t.Errorf("proxy saw %d requests; dialled %q", proxied, fx.rec.got())
	}
}

func TestFinalURLAfterRedirect(t *testing.T) {
	fx := newFixture(t, fetch.Options{})
	r, err := fx.f.Fetch(context.Background(), "http://scheme.example/ok")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if r.FinalURL != "http://skole.example/" {
		t.Errorf("final URL %q", r.FinalURL)
	}
}

func TestConcurrentFetches(t *testing.T) {
	fx := newFixture(t, fetch.Options{AllowedHosts: []string{"intra.kommune.dk"}})
	urls := []string{"http://skole.example/a", "http://intra.kommune.dk/b", "http://127.0.0.1/",
		"http://redirect.example/", "http://v6.skole.example/c"}
	var wg sync.WaitGroup
	errs := make([]error, 4*len(urls))
	for i := range errs {
		wg.Go(func() {
			r, err := fx.f.Fetch(context.Background(), urls[i%len(urls)])
			if err == nil {
				_, err = io.Copy(io.Discard, r.Body)
				_ = r.Body.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		refused := strings.Contains(urls[i%len(urls)], "127.0.0.1") || strings.Contains(urls[i%len(urls)], "redirect")
		if refused != errors.Is(err, fetch.ErrForbidden) || !refused && err != nil {
			t.Errorf("%s: %v", urls[i%len(urls)], err)
		}
	}
	for _, d := range fx.rec.got() {
		if d != publicIP+":80" && d != "10.1.2.3:80" && d != "["+publicIP6+"]:80" {
			t.Errorf("dialled %s", d)
		}
	}
}
