package fetch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		addr string
		want Class
	}{
		{"93.184.215.14", Public},
		{"8.8.8.8", Public},
		{"1.1.1.1", Public},
		{"100.63.255.255", Public},
		{"100.128.0.0", Public},
		{"172.15.255.255", Public},
		{"172.32.0.0", Public},
		{"192.0.1.255", Public},
		{"198.17.255.255", Public},
		{"223.255.255.255", Public},
		{"2a00:1450:4001:80b::200e", Public},
		{"2606:4700::1111", Public},
		{"64:ff9b::808:808", Public},
		{"::ffff:8.8.8.8", Public},

		{"10.0.0.1", Private},
		{"10.255.255.255", Private},
		{"172.16.0.1", Private},
		{"172.31.255.255", Private},
		{"192.168.0.1", Private},
		{"100.64.0.1", Private},
		{"100.127.255.255", Private},
		{"fc00::1", Private},
		{"fd12:3456::1", Private},
		{"::ffff:10.0.0.1", Private},

		{"0.0.0.0", Never},
		{"0.1.2.3", Never},
		{"127.0.0.1", Never},
		{"127.255.255.254", Never},
		{"169.254.169.254", Never},
		{"169.254.0.1", Never},
		{"169.254.170.2", Never},
		{"100.100.100.200", Never},
		{"168.63.129.16", Never},
		{"192.0.0.192", Never},
		{"192.0.0.8", Never},
		{"192.0.2.1", Never},
		{"192.88.99.1", Never},
		{"198.18.0.1", Never},
		{"198.19.255.255", Never},
		{"198.51.100.1", Never},
		{"203.0.113.10", Never},
		{"224.0.0.1", Never},
		{"239.255.255.250", Never},
		{"240.0.0.1", Never},
		{"255.255.255.255", Never},
		{"::", Never},
		{"::1", Never},
		{"::127.0.0.1", Never},
		{"::ffff:127.0.0.1", Never},
		{"::ffff:169.254.169.254", Never},
		{"::ffff:0:7f00:1", Never},
		{"64:ff9b::7f00:1", Never},
		{"64:ff9b::a00:1", Never},
		{"64:ff9b::a9fe:a9fe", Never},
		{"64:ff9b:1::8.8.8.8", Never},
		{"100::1", Never},
		{"2001::1", Never},
		{"2001:2::1", Never},
		{"2001:db8::1", Never},
		{"2002:7f00:1::1", Never},
		{"2002:808:808::1", Never},
		{"3fff::1", Never},
		{"5f00::1", Never},
		{"fd00:ec2::254", Never},
		{"fe80::1", Never},
		{"fe80::1%eth0", Never},
		{"fec0::1", Never},
		{"ff02::1", Never},
		{"ff05::1:3", Never},
		{"4000::1", Never},
		{"e000::1", Never},
	}
	for _, tt := range tests {
		a := netip.MustParseAddr(tt.addr)
		got, why := Classify(a)
		if got != tt.want {
			t.Errorf("Classify(%s) = %d (%s), want %d", tt.addr, got, why, tt.want)
		}
		if (got == Public) != (why == "") {
			t.Errorf("Classify(%s): class %d with reason %q", tt.addr, got, why)
		}
	}
	if c, _ := Classify(netip.Addr{}); c != Never {
		t.Errorf("the zero address is %d", c)
	}
}

func TestParseIPv4(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" if not an address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"0x7F.0.0.1", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0177.0.0.01", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"10.0x10.1", "10.16.0.1"},
		{"0", "0.0.0.0"},
		{"0x", "0.0.0.0"},
		{"4294967295", "255.255.255.255"},
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.4.5", ""},
		{"1..2", ""},
		{"08", ""},
		{"0x1g", ""},
		{"+1", ""},
		{"1.2.65536", ""},
		{"1.2.65535", "1.2.255.255"},
		{"99999999999999999999", ""},
	}
	for _, tt := range tests {
		a, ok := parseIPv4(tt.in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("parseIPv4(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"intra.kommune.dk", "intra.kommune.dk"},
		{"Intra.Kommune.DK.", "intra.kommune.dk"},
		{"intranet", "intranet"},
		{"københavn.dk", "xn--kbenhavn-54a.dk"},
		{"xn--kbenhavn-54a.dk", "xn--kbenhavn-54a.dk"},
		{"a-b.c", "a-b.c"},
		{"", ""},
		{".", ""},
		{"10.0.0.1", ""},
		{"1.2.3.0x10", ""},
		{"１２７.０.０.１", ""},
		{"intra.kommune.dk:8080", ""},
		{"https://intra.kommune.dk", ""},
		{"intra.kommune.dk/sti", ""},
		{"-intra.dk", ""},
		{"intra-.dk", ""},
		{"in tra.dk", ""},
		{"intra..dk", ""},
		{"under_score.dk", ""},
		{"::1", ""},
		{strings.Repeat("a", 64) + ".dk", ""},
		{strings.Repeat("abcdefghi.", 26) + "dk", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeHost(tt.in)
		if err != nil {
			got = ""
		}
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseHosts(t *testing.T) {
	hosts, bad := ParseHosts("intra.kommune.dk\r\n\n  Intra.Kommune.dk  \nhttps://x.dk/sti\n10.0.0.1\n" +
		"localhost\nwiki.skole.local\n")
	if want := []string{"intra.kommune.dk", "wiki.skole.local"}; !slices.Equal(hosts, want) {
		t.Errorf("hosts %q, want %q", hosts, want)
	}
	if want := []string{"https://x.dk/sti", "10.0.0.1", "localhost"}; !slices.Equal(bad, want) {
		t.Errorf("bad %q, want %q", bad, want)
	}
	got := FromSettings(map[string]string{KeyAllowedHosts: "intra.kommune.dk\nikke en vært\n"})
	if !slices.Equal(got, []string{"intra.kommune.dk"}) {
		t.Errorf("FromSettings = %q", got)
	}
	if got := FromSettings(nil); len(got) != 0 {
		t.Errorf("FromSettings(nil) = %q", got)
	}
}

// TestDefaultDialerChecksTheSocketAddress dials a listener of the test's own
// on loopback with the default dialer: the check before connect refuses
// it, and the listener sees nothing.
func TestDefaultDialerChecksTheSocketAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			_ = c.Close()
		}
	}()

	f := New(Options{})
	for _, allowed := range []bool{false, true} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := f.dial(ctx, "tcp", ln.Addr().String(), allowed)
		cancel()
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("allowed=%v: dial of loopback: %v", allowed, err)
		}
		if conn != nil {
			_ = conn.Close()
		}
	}
	select {
	case <-accepted:
		t.Error("the listener was connected to")
	case <-time.After(100 * time.Millisecond):
	}

	for _, tt := range []struct {
		addr    string
		allowed bool
		ok      bool
	}{
		{"93.184.215.14:80", false, true},
		{"10.0.0.1:80", false, false},
		{"10.0.0.1:80", true, true},
		{"[fd00:ec2::254]:80", true, false},
		{"169.254.169.254:80", true, false},
		{"[::ffff:127.0.0.1]:80", true, false},
		{"nonsense", false, false},
	} {
		if err := controlCheck(tt.addr, tt.allowed); (err == nil) != tt.ok {
			t.Errorf("controlCheck(%s, %v) = %v", tt.addr, tt.allowed, err)
		}
	}
}

// FuzzCheckURL feeds the URL checker anything: it must not panic, and an
// accepted URL with an address for a host must name a public address by
// every test the standard library knows.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:5432/", "http://169.254.169.254/", "http://[::1]:8080/", "http://0.0.0.0/",
		"http://100.64.0.1/", "http://2130706433/", "http://0x7f.1/", "http://017700000001/",
		"http://[::ffff:127.0.0.1]/", "http://[64:ff9b::a00:1]/", "https://skole.example/fil.pdf",
		"http://93.184.215.14/", "http://[2a00:1450:4001:80b::200e]/", "ftp://x/", "http://a:b@c/",
		"http://intra.kommune.dk:8080/", "http://københavn.dk/", "http://[fe80::1%25eth0]/",
	} {
		f.Add(s)
	}
	fetcher := New(Options{AllowedHosts: []string{"intra.kommune.dk"}})
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		tg, err := fetcher.checkURL(u)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind == nil {
				t.Fatalf("%q: error %v is not a *fetch.Error with a kind", raw, err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.User != nil {
			t.Fatalf("%q accepted with scheme %q, user %v", raw, u.Scheme, u.User)
		}
		a, err := netip.ParseAddr(u.Hostname())
		if err != nil {
			if tg.addr.IsValid() || endsInNumber(strings.TrimSuffix(u.Hostname(), ".")) {
				t.Fatalf("%q: a host %q that is no address was taken as one", raw, u.Hostname())
			}
			return
		}
		a = a.Unmap()
		if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
			a.IsMulticast() || a.IsUnspecified() || a.IsInterfaceLocalMulticast() || !a.IsGlobalUnicast() ||
			a.Zone() != "" {
			t.Fatalf("%q: accepted %s, which is not public", raw, a)
		}
		if a.Is4() && (a.As4()[0] == 100 && a.As4()[1]&0xc0 == 64 || a.As4()[0] >= 224) {
			t.Fatalf("%q: accepted %s, carrier-grade NAT or reserved", raw, a)
		}
	})
}
