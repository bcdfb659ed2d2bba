// Package clientip decides, from a request and the configured list of
// trusted proxies, which address the client has and whether the request
// reached the hub over HTTPS.
//
// Forwarding headers are believed only when the immediate peer (the
// connection's remote address) is a trusted proxy. X-Forwarded-For is then
// walked from the right, past trusted proxies, to the first address that is
// not trusted: everything to the left of it was written by the client or by
// proxies nobody vouches for. The RFC 7239 Forwarded header is ignored.
package clientip

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"unicode"
)

// Resolver applies the trusted-proxy rule. The zero value and a nil
// *Resolver trust nobody. A Resolver is safe for concurrent use.
type Resolver struct {
	trusted []netip.Prefix
}

// ParseTrusted parses a list of CIDR prefixes or bare IP addresses separated
// by commas or white space, such as the value of --trusted-proxies. An empty
// list trusts nobody. Host bits in a prefix are ignored, IPv4-mapped IPv6
// entries are taken as IPv4, and zones are dropped.
func ParseTrusted(list string) (*Resolver, error) {
	entries := strings.FieldsFunc(list, func(r rune) bool {
		return r == ',' || unicode.IsSpace(r)
	})

	r := &Resolver{trusted: make([]netip.Prefix, 0, len(entries))}
	for _, entry := range entries {
		p, err := parseEntry(entry)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", entry, err)
		}

		r.trusted = append(r.trusted, p)
	}

	return r, nil
}

// parseEntry parses one CIDR prefix or bare address.
func parseEntry(entry string) (netip.Prefix, error) {
	if !strings.Contains(entry, "/") {
		addr, err := netip.ParseAddr(entry)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("parse address: %w", err)
		}

		addr = normalize(addr)

		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}

	p, err := netip.ParsePrefix(entry)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("parse prefix: %w", err)
	}

	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}

	return p.Masked(), nil
}

// String returns the trusted prefixes, comma separated, for logging.
func (r *Resolver) String() string {
	if r == nil {
		return ""
	}

	parts := make([]string, len(r.trusted))
	for i, p := range r.trusted {
		parts[i] = p.String()
	}

	return strings.Join(parts, ",")
}

// Trusts reports whether addr lies in a trusted prefix.
func (r *Resolver) Trusts(addr netip.Addr) bool {
	if r == nil {
		return false
	}

	addr = normalize(addr)
	for _, p := range r.trusted {
		if p.Contains(addr) {
			return true
		}
	}

	return false
}

// ClientIP returns the client's address for req. It is the connection's
// remote address unless that is a trusted proxy; then it is the rightmost
// X-Forwarded-For entry that is not trusted, or the leftmost entry if all
// are trusted. A malformed entry ends the walk at the last good address.
// The zero Addr is returned when RemoteAddr itself cannot be parsed, as for
// a Unix socket.
func (r *Resolver) ClientIP(req *http.Request) netip.Addr {
	peer, ok := parseHost(req.RemoteAddr)
	if !ok || !r.Trusts(peer) {
		return peer
	}

	return r.walkForwardedFor(peer, req.Header.Values("X-Forwarded-For"))
}

// walkForwardedFor walks the X-Forwarded-For lines from the right, starting
// from the trusted peer.
func (r *Resolver) walkForwardedFor(peer netip.Addr, lines []string) netip.Addr {
	last := peer
	for i := len(lines) - 1; i >= 0; i-- {
		elems := strings.Split(lines[i], ",")
		for j := len(elems) - 1; j >= 0; j-- {
			addr, ok := parseHost(strings.TrimSpace(elems[j]))
			if !ok {
				return last
			}

			if !r.Trusts(addr) {
				return addr
			}

			last = addr
		}
	}

	return last
}

// IsHTTPS reports whether the client reached the hub over HTTPS: the
// connection is TLS, or the immediate peer is a trusted proxy and the last
// X-Forwarded-Proto value is "https".
func (r *Resolver) IsHTTPS(req *http.Request) bool {
	if req.TLS != nil {
		return true
	}

	peer, ok := parseHost(req.RemoteAddr)
	if !ok || !r.Trusts(peer) {
		return false
	}

	lines := req.Header.Values("X-Forwarded-Proto")
	if len(lines) == 0 {
		return false
	}

	last := lines[len(lines)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}

	return strings.EqualFold(strings.TrimSpace(last), "https")
}

// parseHost parses an address written as "ip", "ip:port", "[ipv6]" or
// "[ipv6]:port", and normalizes it.
func parseHost(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return normalize(ap.Addr()), true
	}

	inner, bracketed := strings.CutPrefix(s, "[")
	if bracketed {
		var closed bool
		if s, closed = strings.CutSuffix(inner, "]"); !closed {
			return netip.Addr{}, false
		}
	}

	addr, err := netip.ParseAddr(s)
	if err != nil || (bracketed && !addr.Is6()) {
		return netip.Addr{}, false
	}

	return normalize(addr), true
}

// normalize unmaps IPv4-mapped IPv6 addresses and drops zones.
func normalize(addr netip.Addr) netip.Addr {
	return addr.Unmap().WithZone("")
}
