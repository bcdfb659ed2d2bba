package fetch

import (
	"net/netip"
)

// Class says where an address may be fetched from.
type Class int

const (
	// Public addresses may be fetched from for any host.
	Public Class = iota
	// Private addresses (RFC 1918, carrier-grade NAT, unique-local IPv6)
	// may be fetched from only for a host an admin allowed.
	Private
	// Never addresses are refused for every host: loopback, link-local,
	// unspecified, multicast, broadcast, reserved, documentation and
	// benchmarking ranges, cloud metadata services, and IPv6 forms that
	// carry an IPv4 address which is not public.
	Never
)

// rangeRule names a range of addresses, its class and, for the log, why.
type rangeRule struct {
	prefix netip.Prefix
	class  Class
	reason string
}

func rule(cidr string, class Class, reason string) rangeRule {
	return rangeRule{netip.MustParsePrefix(cidr), class, reason}
}

// metadata lists the cloud metadata services. Most lie in ranges that are
// refused anyway; they are named so that an allowed host cannot reach them
// through a range that allowed hosts may use (carrier-grade NAT,
// unique-local) and so that the log names them.
var metadata = map[netip.Addr]string{
	netip.MustParseAddr("169.254.169.254"): "a cloud metadata service",
	netip.MustParseAddr("169.254.170.2"):   "a container metadata service",
	netip.MustParseAddr("100.100.100.200"): "a cloud metadata service",
	netip.MustParseAddr("192.0.0.192"):     "a cloud metadata service",
	netip.MustParseAddr("168.63.129.16"):   "a cloud host service",
	netip.MustParseAddr("fd00:ec2::254"):   "a cloud metadata service",
	netip.MustParseAddr("fd00:ec2::23"):    "a cloud time service",
}

// rules4 lists the IPv4 ranges that are not public, after IANA's
// special-purpose address registry. Everything else is public.
var rules4 = []rangeRule{
	rule("0.0.0.0/8", Never, "an unspecified or this-network address"),
	rule("10.0.0.0/8", Private, "a private address"),
	rule("100.64.0.0/10", Private, "a carrier-grade NAT address"),
	rule("127.0.0.0/8", Never, "a loopback address"),
	rule("169.254.0.0/16", Never, "a link-local address"),
	rule("172.16.0.0/12", Private, "a private address"),
	rule("192.0.0.0/24", Never, "an IETF protocol address"),
	rule("192.0.2.0/24", Never, "a documentation address"),
	rule("192.88.99.0/24", Never, "a 6to4 relay address"),
	rule("192.168.0.0/16", Private, "a private address"),
	rule("198.18.0.0/15", Never, "a benchmarking address"),
	rule("198.51.100.0/24", Never, "a documentation address"),
	rule("203.0.113.0/24", Never, "a documentation address"),
	rule("224.0.0.0/4", Never, "a multicast address"),
	rule("240.0.0.0/4", Never, "a reserved or broadcast address"),
}

// rules6 lists the IPv6 ranges that are not public. Only global unicast
// (2000::/3) can be public; NAT64 addresses are judged by the IPv4
// address they carry, in classify.
var rules6 = []rangeRule{
	rule("100::/64", Never, "a discard-only address"),
	rule("2001::/23", Never, "an IETF protocol address (Teredo, benchmarking, ORCHID)"),
	rule("2001:db8::/32", Never, "a documentation address"),
	rule("2002::/16", Never, "a 6to4 address"),
	rule("3fff::/20", Never, "a documentation address"),
	rule("5f00::/16", Never, "a segment routing address"),
	rule("fc00::/7", Private, "a unique-local address"),
	rule("fe80::/10", Never, "a link-local address"),
	rule("fec0::/10", Never, "a site-local address"),
	rule("ff00::/8", Never, "a multicast address"),
}

var (
	globalUnicast6 = netip.MustParsePrefix("2000::/3")
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
)

// Classify says whether addr is public, private or never to be fetched
// from, and why, in words for the log.
func Classify(addr netip.Addr) (Class, string) {
	if !addr.IsValid() {
		return Never, "not an address"
	}
	if addr.Zone() != "" {
		return Never, "an address with a zone"
	}
	if addr.Is4In6() {
		c, why := Classify(addr.Unmap())
		if c != Public {
			why += " (IPv4-mapped)"
		}
		return c, why
	}
	if why, ok := metadata[addr]; ok {
		return Never, why
	}
	if addr.Is4() {
		return classifyIn(addr, rules4)
	}
	if nat64.Contains(addr) {
		b := addr.As16()
		c, why := Classify(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		if c != Public {
			return Never, why + " (NAT64)"
		}
		return Public, ""
	}
	if !globalUnicast6.Contains(addr) {
		switch {
		case addr.IsUnspecified():
			return Never, "an unspecified address"
		case addr.IsLoopback():
			return Never, "a loopback address"
		}
		return classifyIn(addr, rules6, "a reserved IPv6 address")
	}
	return classifyIn(addr, rules6)
}

// classifyIn finds the most specific rule for addr. Without one addr is
// public, or refused for orElse when that is given.
func classifyIn(addr netip.Addr, rules []rangeRule, orElse ...string) (Class, string) {
	best := -1
	for i, r := range rules {
		if r.prefix.Contains(addr) && (best < 0 || r.prefix.Bits() > rules[best].prefix.Bits()) {
			best = i
		}
	}
	if best >= 0 {
		return rules[best].class, rules[best].reason
	}
	if len(orElse) > 0 {
		return Never, orElse[0]
	}
	return Public, ""
}
