package fetch

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

type table map[string]netip.Addr

func (t table) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := t[host]; ok {
		return []netip.Addr{a}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestTLSVerifiesTheName fetches over HTTPS from a test server on loopback
// whose certificate is for example.com: the certificate is checked against
// the URL's host name, not the address the fetcher dialled.
func TestTLSVerifiesTheName(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "sikker")
	}))
	defer srv.Close()

	var dialled []string
	public := netip.MustParseAddr("93.184.215.14")
	f := New(Options{
		Logger:   slog.New(slog.DiscardHandler),
		Resolver: table{"example.com": public, "skole.example": public},
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dialled = append(dialled, addr)
			var d net.Dialer
			return d.DialContext(ctx, "tcp", srv.Listener.Addr().String()) // loopback only
		},
	})
	tr := f.client.Transport.(*http.Transport)
	tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()

	r, err := f.Fetch(context.Background(), "https://example.com/")
	if err != nil {
		t.Fatalf("https to the certificate's name: %v", err)
	}
	body, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if string(body) != "sikker" || len(dialled) != 1 || dialled[0] != "93.184.215.14:443" {
		t.Errorf("body %q, dialled %q", body, dialled)
	}

	_, err = f.Fetch(context.Background(), "https://skole.example/")
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("a certificate for another name: %v", err)
	}
}
