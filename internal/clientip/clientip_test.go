package clientip

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestParseTrusted(t *testing.T) {
	tests := []struct {
		name    string
		list    string
		want    string // Resolver.String
		wantErr string // substring of the error
	}{
		{"empty", "", "", ""},
		{"blank", " \t\n ,, ", "", ""},
		{"one prefix", "10.0.0.0/8", "10.0.0.0/8", ""},
		{"comma and space", "10.0.0.0/8, 192.168.1.0/24 172.16.0.0/12", "10.0.0.0/8,192.168.1.0/24,172.16.0.0/12", ""},
		{"bare addresses", "127.0.0.1,::1", "127.0.0.1/32,::1/128", ""},
		{"host bits masked", "10.1.2.3/8", "10.0.0.0/8", ""},
		{"IPv6 prefix", "2001:db8::/32", "2001:db8::/32", ""},
		{"mapped address", "::ffff:10.0.0.1", "10.0.0.1/32", ""},
		{"mapped prefix", "::ffff:10.0.0.0/104", "10.0.0.0/8", ""},
		{"zone dropped", "fe80::1%eth0", "fe80::1/128", ""},
		{"garbage", "10.0.0.0/8,proxy.example", "", `"proxy.example"`},
		{"bad prefix length", "10.0.0.0/33", "", `"10.0.0.0/33"`},
		{"empty length", "10.0.0.0/", "", `"10.0.0.0/"`},
		{"port", "10.0.0.1:80", "", `"10.0.0.1:80"`},
		{"semicolon", "10.0.0.1;10.0.0.2", "", `"10.0.0.1;10.0.0.2"`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseTrusted(tt.list)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseTrusted(%q) error = %v; want one naming %s", tt.list, err, tt.wantErr)
				}

				return
			}

			if err != nil || r.String() != tt.want {
				t.Fatalf("ParseTrusted(%q) = %q, %v; want %q", tt.list, r.String(), err, tt.want)
			}
		})
	}
}

// request builds a request from peer with the given header lines.
func request(peer string, header http.Header) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "http://hub.example/", nil)
	req.RemoteAddr = peer
	req.Header = header

	return req
}

func TestClientIP(t *testing.T) {
	r, err := ParseTrusted("10.0.0.0/8, 2001:db8:ffff::/48, 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}

	xff := func(lines ...string) http.Header {
		return http.Header{"X-Forwarded-For": lines}
	}

	tests := []struct {
		name   string
		peer   string
		header http.Header
		want   string
	}{
		{"no proxy", "203.0.113.7:51000", nil, "203.0.113.7"},
		{"spoof from untrusted peer", "203.0.113.7:51000", xff("198.51.100.1"), "203.0.113.7"},
		{"spoof chain from untrusted peer", "203.0.113.7:51000", xff("10.0.0.1, 198.51.100.1"), "203.0.113.7"},
		{"trusted peer, one hop", "10.0.0.2:443", xff("198.51.100.1"), "198.51.100.1"},
		{"trusted peer, no header", "10.0.0.2:443", nil, "10.0.0.2"},
		{"client spoofs left of real address", "10.0.0.2:443", xff("1.1.1.1, 198.51.100.1"), "198.51.100.1"},
		{"chain of trusted proxies", "10.0.0.2:443", xff("198.51.100.1, 10.9.9.9, 10.0.0.3"), "198.51.100.1"},
		{"all trusted gives leftmost", "10.0.0.2:443", xff("10.0.0.5, 10.0.0.4"), "10.0.0.5"},
		{"multiple header lines", "10.0.0.2:443", xff("1.1.1.1", "198.51.100.1, 10.0.0.3"), "198.51.100.1"},
		{"walk crosses lines", "10.0.0.2:443", xff("198.51.100.1", "10.0.0.4", "10.0.0.3"), "198.51.100.1"},
		{"garbage at the right stops at the peer", "10.0.0.2:443", xff("198.51.100.1, garbage"), "10.0.0.2"},
		{"garbage behind a trusted hop", "10.0.0.2:443", xff("198.51.100.1, unknown, 10.0.0.3"), "10.0.0.3"},
		{"garbage left of the client is never reached", "10.0.0.2:443", xff("<script>, 198.51.100.1"), "198.51.100.1"},
		{"empty element stops", "10.0.0.2:443", xff("198.51.100.1,,10.0.0.3"), "10.0.0.3"},
		{"empty line stops", "10.0.0.2:443", xff("198.51.100.1", ""), "10.0.0.2"},
		{"ports accepted", "10.0.0.2:443", xff("198.51.100.1:4711, [2001:db8:ffff::1]:443"), "198.51.100.1"},
		{"bracketed IPv6", "10.0.0.2:443", xff("[2001:db8::1]"), "2001:db8::1"},
		{"bracketed IPv4 is garbage", "10.0.0.2:443", xff("[198.51.100.1]"), "10.0.0.2"},
		{"unclosed bracket", "10.0.0.2:443", xff("[2001:db8::1"), "10.0.0.2"},
		{"IPv6 peer trusted", "[2001:db8:ffff::9]:443", xff("2001:db8:1::5"), "2001:db8:1::5"},
		{"IPv6 peer untrusted", "[2001:db8:1::9]:443", xff("198.51.100.1"), "2001:db8:1::9"},
		{"mapped peer unmapped and trusted", "[::ffff:10.0.0.2]:443", xff("198.51.100.1"), "198.51.100.1"},
		{"mapped untrusted peer unmapped", "[::ffff:203.0.113.7]:443", nil, "203.0.113.7"},
		{"mapped client unmapped", "10.0.0.2:443", xff("::ffff:198.51.100.1"), "198.51.100.1"},
		{"mapped hop is trusted", "10.0.0.2:443", xff("198.51.100.1, ::ffff:10.0.0.3"), "198.51.100.1"},
		{"zone stripped from peer", "[fe80::1%eth0]:443", nil, "fe80::1"},
		{"zone stripped from client", "10.0.0.2:443", xff("fe80::1%25eth0, fe80::2%eth0"), "fe80::2"},
		{"spaces and tabs", "10.0.0.2:443", xff(" \t198.51.100.1 ,\t10.0.0.3 "), "198.51.100.1"},
		{"loopback peer trusted", "127.0.0.1:9000", xff("198.51.100.1"), "198.51.100.1"},
		{"other loopback untrusted", "127.0.0.2:9000", xff("198.51.100.1"), "127.0.0.2"},
		{"unix socket peer", "@", xff("198.51.100.1"), "invalid IP"},
		{"peer without port", "10.0.0.2", xff("198.51.100.1"), "198.51.100.1"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.ClientIP(request(tt.peer, tt.header)).String(); got != tt.want {
				t.Fatalf("ClientIP = %s; want %s", got, tt.want)
			}
		})
	}
}

func TestClientIPTrustsNobody(t *testing.T) {
	empty, err := ParseTrusted("")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		r    *Resolver
	}{
		{"empty list", empty},
		{"zero value", &Resolver{}},
		{"nil", nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request("127.0.0.1:5000", http.Header{
				"X-Forwarded-For":   {"198.51.100.1"},
				"X-Forwarded-Proto": {"https"},
			})

			if got := tt.r.ClientIP(req); got != netip.MustParseAddr("127.0.0.1") {
				t.Fatalf("ClientIP = %s; want the peer", got)
			}

			if tt.r.IsHTTPS(req) {
				t.Fatal("IsHTTPS believed an untrusted peer")
			}
		})
	}
}

func TestIsHTTPS(t *testing.T) {
	r, err := ParseTrusted("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}

	proto := func(lines ...string) http.Header {
		return http.Header{"X-Forwarded-Proto": lines}
	}

	tests := []struct {
		name   string
		peer   string
		header http.Header
		tls    bool
		want   bool
	}{
		{"plain", "203.0.113.7:1", nil, false, false},
		{"direct TLS", "203.0.113.7:1", nil, true, true},
		{"TLS wins over header", "203.0.113.7:1", proto("http"), true, true},
		{"spoofed by untrusted peer", "203.0.113.7:1", proto("https"), false, false},
		{"trusted https", "10.0.0.2:1", proto("https"), false, true},
		{"trusted upper case", "10.0.0.2:1", proto(" HTTPS "), false, true},
		{"trusted http", "10.0.0.2:1", proto("http"), false, false},
		{"trusted, no header", "10.0.0.2:1", nil, false, false},
		{"last value of a list", "10.0.0.2:1", proto("http, https"), false, true},
		{"last value wins over https", "10.0.0.2:1", proto("https, http"), false, false},
		{"last line", "10.0.0.2:1", proto("http", "https"), false, true},
		{"last line wins over https", "10.0.0.2:1", proto("https", "http"), false, false},
		{"garbage", "10.0.0.2:1", proto("httpsx"), false, false},
		{"empty value", "10.0.0.2:1", proto("https,"), false, false},
		{"mapped trusted peer", "[::ffff:10.0.0.2]:1", proto("https"), false, true},
		{"unparsable peer", "", proto("https"), false, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request(tt.peer, tt.header)
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}

			if got := r.IsHTTPS(req); got != tt.want {
				t.Fatalf("IsHTTPS = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestClientIPOverLoopback(t *testing.T) {
	tests := []struct {
		name    string
		trusted string
		want    string
	}{
		{"proxy trusted", "127.0.0.1", "198.51.100.1"},
		{"proxy not trusted", "10.0.0.0/8", "127.0.0.1"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseTrusted(tt.trusted)
			if err != nil {
				t.Fatal(err)
			}

			got := make(chan string, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				got <- r.ClientIP(req).String()
			}))
			defer srv.Close()

			req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}

			req.Header.Set("X-Forwarded-For", "198.51.100.1")

			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}

			_ = resp.Body.Close()

			if ip := <-got; ip != tt.want {
				t.Fatalf("ClientIP = %s; want %s", ip, tt.want)
			}
		})
	}
}
