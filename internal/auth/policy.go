package auth

import (
	"strings"
	"unicode/utf8"
)

// Password length limits, in runes.
const (
	MinPasswordRunes = 10
	MaxPasswordRunes = 200
)

// Message keys returned by PasswordProblem.
const (
	ProblemShort  = "error.password_short"
	ProblemLong   = "error.password_long"
	ProblemCommon = "error.password_common"
)

// commonPasswords holds, in lower case, passwords of policy length that are
// among the first an attacker tries, including Danish ones.
var commonPasswords = map[string]struct{}{
	"1234567890": {}, "0123456789": {}, "12345678910": {}, "123456789a": {},
	"1111111111": {}, "0000000000": {}, "1q2w3e4r5t": {}, "qwertyuiop": {},
	"qwerty1234": {}, "asdfghjkl1": {}, "abcdefghij": {}, "abc1234567": {},
	"password12": {}, "password123": {}, "password1!": {}, "password1234": {},
	"iloveyou12": {}, "adgangskode": {}, "adgangskode1": {}, "kodeord123": {},
	"hemmelig123": {}, "velkommen1": {}, "velkommen123": {}, "danmark123": {},
	"danmark1234": {}, "sommer2024!": {}, "sommer2025!": {}, "sommer2026!": {},
	"vinter2025!": {}, "forældre123": {}, "skolen1234": {}, "bindeled123": {},
}

// PasswordProblem checks pw against the password policy and returns the
// message key of the first problem found, or "" when pw is acceptable.
// Lengths are counted in runes; the common-password list is matched without
// regard to case or surrounding spaces.
func PasswordProblem(pw string) string {
	n := utf8.RuneCountInString(pw)
	if strings.TrimSpace(pw) == "" {
		n = 0 // only spaces is no password
	}

	switch {
	case n < MinPasswordRunes:
		return ProblemShort
	case n > MaxPasswordRunes:
		return ProblemLong
	}

	if _, found := commonPasswords[strings.ToLower(strings.TrimSpace(pw))]; found {
		return ProblemCommon
	}

	return ""
}
