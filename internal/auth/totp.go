package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings: the ones every authenticator app understands (RFC 6238
// with SHA-1, six digits, a 30-second step). A code is accepted one step
// early or late, for clocks that drift.
const (
	totpPeriod  = 30
	totpSkew    = 1
	secretBytes = 20
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPSecret returns a random 160-bit TOTP secret in base32 without
// padding, the form authenticator apps take.
func NewTOTPSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error.
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// ValidTOTPSecret reports whether s is a secret as NewTOTPSecret makes.
func ValidTOTPSecret(s string) bool {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	return err == nil && len(b) == secretBytes && len(s) == 32
}

// TOTPURL is the otpauth:// address an app reads from a QR code: the hub's
// name as issuer and the user's e-mail as account.
func TOTPURL(issuer, account, secret string) string {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod,
		Secret: mustDecode(secret), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return ""
	}
	return key.URL()
}

func mustDecode(secret string) []byte {
	b, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	return b
}

// CheckTOTP reports whether code is the secret's code at now, one step
// either side allowed, and returns the step it belongs to. The caller
// accepts a step only once, so a code seen over a shoulder cannot be used
// again within its window.
func CheckTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = CleanCode(code)
	if len(code) != 6 {
		return 0, false
	}
	for skew := -totpSkew; skew <= totpSkew; skew++ {
		t := now.Add(time.Duration(skew*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / totpPeriod, true
		}
	}
	return 0, false
}

// CleanCode removes the spaces and dashes people type or paste within a
// code, and lowercases it.
func CleanCode(code string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' || r == '\t' {
			return -1
		}
		return r
	}, code))
}

// recoveryAlphabet has no letters that read like others (0/o, 1/l/i).
const recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// NewRecoveryCodes returns n one-time recovery codes, each ten characters
// (about 49 bits) written as two groups of five: "k7m2p-x9q4r".
func NewRecoveryCodes(n int) []string {
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		var sb strings.Builder
		for j, c := range b {
			if j == 5 {
				sb.WriteByte('-')
			}
			// 256 is not a multiple of 31: the bias is under 1 % per character.
			sb.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
		}
		out[i] = sb.String()
	}
	return out
}

// HashRecoveryCode returns what is stored of a recovery code: the SHA-256
// of its cleaned form, so it matches however it was typed.
func HashRecoveryCode(code string) string { return HashToken("recovery\x00" + CleanCode(code)) }
