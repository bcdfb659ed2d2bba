package auth_test

import (
	"encoding/base32"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
)

// rfcSecret is the SHA-1 key of RFC 6238's test vectors.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

func TestCheckTOTPAgainstRFC6238(t *testing.T) {
	// RFC 6238 appendix B, the last six of the eight digits.
	for _, tt := range []struct {
		unix int64
		code string
	}{{59, "287082"}, {1111111109, "081804"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		at := time.Unix(tt.unix, 0)
		step, ok := auth.CheckTOTP(rfcSecret, tt.code, at)
		if !ok || step != tt.unix/30 {
			t.Errorf("%d: ok %v step %d, want step %d", tt.unix, ok, step, tt.unix/30)
		}
	}
}

func TestCheckTOTPWindow(t *testing.T) {
	at := time.Unix(1111111109, 0) // code 081804, step 37037036
	for _, tt := range []struct {
		name string
		at   time.Time
		code string
		ok   bool
	}{
		{"spaces typed", at, "081 804", true},
		{"one step late", at.Add(30 * time.Second), "081804", true},
		{"one step early", at.Add(-30 * time.Second), "081804", true},
		{"two steps late", at.Add(61 * time.Second), "081804", false},
		{"wrong", at, "081805", false},
		{"too short", at, "81804", false},
		{"letters", at, "o81804", false},
		{"empty", at, "", false},
	} {
		step, ok := auth.CheckTOTP(rfcSecret, tt.code, tt.at)
		if ok != tt.ok || ok && step != 37037036 {
			t.Errorf("%s: ok %v step %d, want %v", tt.name, ok, step, tt.ok)
		}
	}
}

func TestTOTPSecret(t *testing.T) {
	a, b := auth.NewTOTPSecret(), auth.NewTOTPSecret()
	if a == b || len(a) != 32 || !auth.ValidTOTPSecret(a) {
		t.Errorf("secrets %q %q", a, b)
	}
	for _, bad := range []string{"", "abc", a + "A", "0000000000000000000000000000000O"} {
		if auth.ValidTOTPSecret(bad) {
			t.Errorf("%q accepted as a secret", bad)
		}
	}
	u := auth.TOTPURL("Skole og hjem", "ed@example.dk", a)
	for _, want := range []string{"otpauth://totp/Skole%20og%20hjem:ed@example.dk?", "secret=" + a,
		"issuer=Skole", "digits=6", "period=30"} {
		if !strings.Contains(u, want) {
			t.Errorf("url %q lacks %q", u, want)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := auth.NewRecoveryCodes(10)
	seen := map[string]bool{}
	shape := regexp.MustCompile(`^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$`)
	for _, c := range codes {
		if !shape.MatchString(c) || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
	}
	if auth.HashRecoveryCode(codes[0]) != auth.HashRecoveryCode(" "+"\t"+upper(codes[0])) {
		t.Error("a code typed in capitals with spaces does not match")
	}
	if auth.HashRecoveryCode(codes[0]) == auth.HashRecoveryCode(codes[1]) {
		t.Error("two codes hash alike")
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
