package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// MinSecretLen is the shortest server secret, in bytes, that the CSRF
// functions accept.
const MinSecretLen = 32

// Domain-separation labels, so that a MAC made for one purpose is never
// valid for another under the same secret.
const (
	sessionCSRFLabel = "bindeled csrf session\x00"
	loginCSRFLabel   = "bindeled csrf login\x00"
)

// CSRFToken returns the CSRF token for forms posted in the session
// sessionID: base64url HMAC-SHA256 of the session id under secret. It
// returns "" when secret is shorter than MinSecretLen or sessionID is empty,
// so that a misconfigured server fails closed.
func CSRFToken(secret []byte, sessionID string) string {
	if len(secret) < MinSecretLen || sessionID == "" {
		return ""
	}

	return base64.RawURLEncoding.EncodeToString(mac(secret, sessionCSRFLabel, sessionID))
}

// CheckCSRF reports whether token is the CSRF token of sessionID under
// secret. The comparison takes constant time.
func CheckCSRF(secret []byte, sessionID, token string) bool {
	return checkMAC(secret, sessionCSRFLabel, sessionID, token)
}

// NewLoginCSRF returns a fresh pair for an anonymous form: cookieValue, a
// random token to set as a cookie, and formToken, its HMAC under secret, to
// put in the form. It returns two empty strings when secret is shorter than
// MinSecretLen. See the package documentation for the cookie's attributes.
func NewLoginCSRF(secret []byte) (cookieValue, formToken string) {
	if len(secret) < MinSecretLen {
		return "", ""
	}

	cookieValue = NewToken()
	formToken = base64.RawURLEncoding.EncodeToString(mac(secret, loginCSRFLabel, cookieValue))

	return cookieValue, formToken
}

// LoginCSRFFor returns the form token for cookieValue, a cookie that
// NewLoginCSRF made earlier, so that a second form (another tab) can go on
// with the same cookie instead of spoiling the first. It returns "" when
// secret is shorter than MinSecretLen or cookieValue is not of the form
// NewToken makes.
func LoginCSRFFor(secret []byte, cookieValue string) string {
	if len(secret) < MinSecretLen || !wellFormedToken(cookieValue) {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(mac(secret, loginCSRFLabel, cookieValue))
}

// wellFormedToken reports whether t has the form of a token from NewToken.
func wellFormedToken(t string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(t)
	return err == nil && len(b) == tokenBytes
}

// CheckLoginCSRF reports whether formToken was made by NewLoginCSRF for
// cookieValue under secret. The comparison takes constant time.
func CheckLoginCSRF(secret []byte, cookieValue, formToken string) bool {
	return checkMAC(secret, loginCSRFLabel, cookieValue, formToken)
}

// mac returns HMAC-SHA256(secret, label || msg).
func mac(secret []byte, label, msg string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(label))
	h.Write([]byte(msg))

	return h.Sum(nil)
}

// checkMAC verifies a base64url MAC made by mac, failing on a short secret,
// an empty message or an undecodable token.
func checkMAC(secret []byte, label, msg, token string) bool {
	if len(secret) < MinSecretLen || msg == "" {
		return false
	}

	got, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return false
	}

	return hmac.Equal(got, mac(secret, label, msg))
}
