package fetch

import (
	"errors"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// target is where a URL or a dial asks to go, checked as far as it can be
// without looking the name up.
type target struct {
	host    string     // lower-case ASCII, without a trailing dot
	port    int        // explicit or the scheme's
	addr    netip.Addr // the address, when host is one
	allowed bool       // host is on the admins' allow list
}

// checkURL checks everything about u that needs no look-up: scheme, user
// info, host and port.
func (f *Fetcher) checkURL(u *url.URL) (target, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return target{}, failure(u, ErrForbidden, "scheme "+u.Scheme+" is not http or https", nil)
	}
	if u.Opaque != "" || u.Host == "" {
		return target{}, failure(u, ErrBadURL, "no host", nil)
	}
	if u.User != nil {
		return target{}, failure(u, ErrForbidden, "user name or password in the URL", nil)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	t, r := f.checkHost(u.Hostname(), port)
	if r != nil {
		return target{}, failure(u, r.kind, r.reason, nil)
	}
	return t, nil
}

// refusal is why a host or port is refused: the kind of error and, for
// the log, the reason.
type refusal struct {
	kind   error
	reason string
}

func refuse(kind error, reason string) *refusal { return &refusal{kind, reason} }

// checkHost checks a host and port as a URL or a dial names them.
func (f *Fetcher) checkHost(host, port string) (target, *refusal) {
	t := target{}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
		return t, refuse(ErrBadURL, "port "+strconv.Quote(port)+" is not a port number")
	}
	t.port = n

	if a, err := netip.ParseAddr(host); err == nil {
		t.host, t.addr = host, a
		if c, why := Classify(a); c != Public {
			return t, refuse(ErrForbidden, a.String()+" is "+why)
		}
		return t, f.checkPort(t)
	}

	name, err := NormalizeHost(host)
	if errors.Is(err, errNumeric) {
		if name == "" {
			name = strings.TrimSuffix(host, ".")
		}
		a, ok := parseIPv4(name)
		if !ok {
			return t, refuse(ErrBadURL, strconv.Quote(host)+" is not a valid IPv4 address")
		}
		if c, why := Classify(a); c != Public {
			return t, refuse(ErrForbidden, strconv.Quote(host)+" is "+a.String()+", "+why)
		}
		return t, refuse(ErrForbidden, strconv.Quote(host)+" is "+a.String()+" in a form other than a.b.c.d")
	}
	if err != nil {
		return t, refuse(ErrBadURL, strconv.Quote(host)+" is not a host name: "+err.Error())
	}
	t.host = name
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return t, refuse(ErrForbidden, name+" is a loopback name")
	}
	t.allowed = f.allowed[name]
	return t, f.checkPort(t)
}

// checkPort refuses ports other than 80 and 443 unless the host is
// allowed: an intranet server may listen anywhere, a public site has no
// business making the hub talk to its other services.
func (f *Fetcher) checkPort(t target) *refusal {
	if t.allowed || t.port == 80 || t.port == 443 {
		return nil
	}
	return refuse(ErrForbidden, "port "+strconv.Itoa(t.port)+" is not 80 or 443 and "+t.host+" is not allowed")
}

var errNumeric = errors.New("ends in a number, so it is an IPv4 address")

// NormalizeHost returns a host name as the fetcher compares it: ASCII
// (IDNA), lower case, without a trailing dot. It refuses what is not a
// host name, and names that end in a number, which browsers and C
// libraries read as IPv4 addresses (with the ASCII form, when it has one,
// beside that error).
func NormalizeHost(host string) (string, error) {
	h := strings.TrimSuffix(host, ".")
	if h == "" {
		return "", errors.New("empty")
	}
	if endsInNumber(h) {
		return "", errNumeric
	}
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		return "", errors.New("not a valid international host name")
	}
	a = strings.ToLower(a)
	if len(a) > 253 {
		return "", errors.New("longer than 253 characters")
	}
	for _, label := range strings.Split(a, ".") {
		if label == "" || len(label) > 63 {
			return "", errors.New("a part is empty or longer than 63 characters")
		}
		if strings.TrimLeft(label, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" ||
			label[0] == '-' || label[len(label)-1] == '-' {
			return "", errors.New("only letters, digits and hyphens may stand between the dots")
		}
	}
	if endsInNumber(a) {
		return a, errNumeric // full-width digits and the like become ASCII ones
	}
	return a, nil
}

// endsInNumber reports whether the last label of h is a decimal or 0x
// hexadecimal number, as the URL standard decides whether a host is IPv4.
func endsInNumber(h string) bool {
	last := h[strings.LastIndexByte(h, '.')+1:]
	if last == "" {
		return false
	}
	if strings.TrimLeft(last, "0123456789") == "" {
		return true
	}
	if len(last) >= 2 && (last[:2] == "0x" || last[:2] == "0X") {
		return strings.TrimLeft(last[2:], "0123456789abcdefABCDEF") == ""
	}
	return false
}

// parseIPv4 reads an IPv4 address the way inet_aton and the URL standard
// do: one to four parts, each decimal, octal with a leading 0, or
// hexadecimal with 0x, the last part filling the remaining bytes. So
// "2130706433", "0x7f.1" and "017700000001" are all 127.0.0.1.
func parseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var value uint64
	for i, p := range parts {
		n, ok := parseIPv4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return netip.Addr{}, false
			}
			value = value<<8 | n
			continue
		}
		rest := uint(5-len(parts)) * 8
		if n >= 1<<rest {
			return netip.Addr{}, false
		}
		value = value<<rest | n
	}
	return netip.AddrFrom4([4]byte{byte(value >> 24), byte(value >> 16), byte(value >> 8), byte(value)}), true
}

func parseIPv4Part(p string) (uint64, bool) {
	base := 10
	switch {
	case p == "":
		return 0, false
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, true
		}
	case len(p) >= 2 && p[0] == '0':
		base, p = 8, p[1:]
	}
	if len(p) > 12 || p[0] == '+' || p[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(p, base, 64)
	return n, err == nil
}
