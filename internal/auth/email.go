package auth

import (
	"net/mail"
	"strings"
)

// ValidEmail reports whether s is a plain e-mail address (no display
// name) that mail can reach: ASCII, at most 64 bytes before the @ and 254
// in all, and a domain name of at least two labels of letters, digits
// and inner hyphens ending in a top-level domain of letters (or an
// internationalised one, written xn--…). Addresses at an IP address or at
// a name without a dot are refused.
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return false
		}
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > 64 {
		return false
	}
	labels := strings.Split(strings.ToLower(s[at+1:]), ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !validLabel(l) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return strings.HasPrefix(tld, "xn--") || len(tld) >= 2 && strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") == ""
}

func validLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || l == "xn--" {
		return false
	}
	for _, c := range l {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return !strings.HasPrefix(l, "xn--") || len(l) > 4
}
