package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// NewToken returns 32 random bytes encoded as unpadded base64url (43
// characters), for session ids, invitation and account setup tokens.
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error.

	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of t, the form in which tokens are
// stored and looked up. Tokens carry 256 bits of entropy, so a plain,
// unsalted hash is enough to keep a leaked table from yielding usable tokens.
func HashToken(t string) string {
	sum := sha256.Sum256([]byte(t))

	return hex.EncodeToString(sum[:])
}
