package auth

import (
	"net/mail"
	"strings"
)

// ValidEmail reports whether s is a plain e-mail address (no display
// name) within the lengths mail servers accept: 64 bytes before the @
// and 254 in all.
func ValidEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || len(s) > 254 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at <= 64
}
