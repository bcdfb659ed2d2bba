package social

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of the key that seals tokens: 32 bytes, AES-256.
const KeySize = 32

// ErrNoKey means the hub was started without a key to seal tokens with,
// so it cannot store or use a platform token.
var ErrNoKey = errors.New("no secret key: start the hub with BINDELED_SECRET_KEY")

// ErrWrongKey means a sealed token was made with another key, or changed.
var ErrWrongKey = errors.New("the token was sealed with another secret key, or has been changed")

// Sealer encrypts tokens with AES-256-GCM before they are stored, so a
// copy of the database alone reveals none of them. A nil *Sealer has no
// key and refuses to seal or open anything.
type Sealer struct {
	aead cipher.AEAD
	id   string // names the key in every sealed value, so a wrong key is told apart
}

// ParseKey reads a key given as 64 hex digits or as base64 (standard or
// URL alphabet, with or without padding) of 32 bytes, such as the output
// of `openssl rand -base64 32`.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding,
		base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("secret key: want %d bytes as 64 hex digits or base64 (openssl rand -base64 32)",
		KeySize)
}

// NewSealer returns a Sealer for key, which must be KeySize bytes.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret key: want %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	sum := sha256.Sum256(append([]byte("bindeled token key id\x00"), key...))
	return &Sealer{aead: aead, id: hex.EncodeToString(sum[:4])}, nil
}

// Ready reports whether s has a key.
func (s *Sealer) Ready() bool { return s != nil }

// Seal encrypts plain. context binds the sealed value to where it is
// kept (such as the channel it belongs to): opening it with another
// context fails, so a sealed token cannot be moved to another row.
func (s *Sealer) Seal(plain, context string) (string, error) {
	if s == nil {
		return "", ErrNoKey
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	out := s.aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return "v1." + s.id + "." + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same context.
func (s *Sealer) Open(sealed, context string) (string, error) {
	if s == nil {
		return "", ErrNoKey
	}
	parts := strings.Split(sealed, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return "", ErrWrongKey
	}
	if parts[1] != s.id {
		return "", ErrWrongKey
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", ErrWrongKey
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(context))
	if err != nil {
		return "", ErrWrongKey
	}
	return string(plain), nil
}
