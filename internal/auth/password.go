package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Bounds on argon2id parameters. HashPassword refuses parameters outside
// them, and CheckPassword refuses stored hashes outside them, so that a
// tampered row cannot make a check allocate more than 1 GiB or loop for long.
const (
	MaxMemory      = 1 << 20 // KiB, that is 1 GiB
	MaxIterations  = 100
	MaxParallelism = 64
	MinSaltLen     = 8
	MaxSaltLen     = 64
	MinKeyLen      = 16
	MaxKeyLen      = 128
)

// MaxPasswordBytes is the longest password, in bytes, that is ever hashed.
// The policy allows 200 runes, which take at most 800 bytes in UTF-8.
const MaxPasswordBytes = 1024

// maxEncodedLen bounds the length of a PHC string before it is parsed.
const maxEncodedLen = 512

// Errors returned by HashPassword and CheckPassword. Parse errors wrap
// ErrMalformedHash.
var (
	ErrMalformedHash   = errors.New("malformed password hash")
	ErrBadParams       = errors.New("argon2id parameters out of bounds")
	ErrPasswordTooLong = errors.New("password too long")
)

// Params are the argon2id cost parameters of a password hash.
type Params struct {
	Memory      uint32 // memory in KiB
	Iterations  uint32 // passes over the memory
	Parallelism uint8  // lanes
	SaltLen     uint32 // salt length in bytes
	KeyLen      uint32 // derived key length in bytes
}

// DefaultParams returns the parameters for new production hashes:
// 64 MiB, 3 iterations, parallelism 2, a 16-byte salt and a 32-byte key.
// This is stronger than the OWASP minimum for argon2id (19 MiB, t=2, p=1).
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLen: 16, KeyLen: 32}
}

// TestParams returns cheap parameters (64 KiB, 1 iteration) for tests only.
func TestParams() Params {
	return Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}
}

// Validate reports whether p lies within the package's bounds.
func (p Params) Validate() error {
	switch {
	case p.Parallelism < 1 || p.Parallelism > MaxParallelism:
		return fmt.Errorf("parallelism %d: %w", p.Parallelism, ErrBadParams)
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > MaxMemory:
		return fmt.Errorf("memory %d KiB: %w", p.Memory, ErrBadParams)
	case p.Iterations < 1 || p.Iterations > MaxIterations:
		return fmt.Errorf("iterations %d: %w", p.Iterations, ErrBadParams)
	case p.SaltLen < MinSaltLen || p.SaltLen > MaxSaltLen:
		return fmt.Errorf("salt length %d: %w", p.SaltLen, ErrBadParams)
	case p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen:
		return fmt.Errorf("key length %d: %w", p.KeyLen, ErrBadParams)
	}

	return nil
}

// HashPassword hashes password with argon2id under p and a fresh random
// salt, and returns the PHC string to store.
func HashPassword(p Params, password string) (string, error) {
	if err := p.Validate(); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}

	if len(password) > MaxPasswordBytes {
		return "", fmt.Errorf("hash password: %w", ErrPasswordTooLong)
	}

	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never returns an error.

	key := derive(p, password, salt)

	return encode(p, salt, key), nil
}

// CheckPassword reports whether password matches the stored PHC string
// encoded. When it matches, needsRehash reports whether the stored hash was
// made with parameters other than current, so the caller should store a new
// hash. A malformed or out-of-bounds hash gives an error wrapping
// ErrMalformedHash or ErrBadParams. A password longer than MaxPasswordBytes
// never matches, since no such password can have been stored.
func CheckPassword(current Params, encoded, password string) (ok, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, fmt.Errorf("check password: %w", err)
	}

	if len(password) > MaxPasswordBytes {
		return false, false, nil
	}

	got := derive(p, password, salt)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}

	return true, p != current, nil
}

// DummyCheck does the work of CheckPassword for a hash made with p, and
// throws the result away. Call it when a login names an unknown account, so
// that the response takes as long as for a known one. Parameters outside the
// bounds are replaced by DefaultParams.
func DummyCheck(p Params, password string) {
	if p.Validate() != nil {
		p = DefaultParams()
	}

	if len(password) > MaxPasswordBytes {
		return
	}

	salt := make([]byte, p.SaltLen)
	want := make([]byte, p.KeyLen)
	got := derive(p, password, salt)
	subtle.ConstantTimeCompare(got, want)
}

// derive runs argon2id; p must be valid. It is a variable so that tests
// can see the work asked of it.
var derive = func(p Params, password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
}

// encode formats a PHC string.
func encode(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding

	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses and bounds-checks a PHC string made by encode.
func decode(encoded string) (Params, []byte, []byte, error) {
	if len(encoded) > maxEncodedLen {
		return Params{}, nil, nil, fmt.Errorf("%d bytes: %w", len(encoded), ErrMalformedHash)
	}

	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, fmt.Errorf("not an argon2id PHC string: %w", ErrMalformedHash)
	}

	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, fmt.Errorf("version %q: %w", parts[2], ErrMalformedHash)
	}

	p, err := parseCost(parts[3])
	if err != nil {
		return Params{}, nil, nil, err
	}

	salt, key, err := decodeSaltKey(parts[4], parts[5])
	if err != nil {
		return Params{}, nil, nil, err
	}

	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.Validate(); err != nil {
		return Params{}, nil, nil, err
	}

	return p, salt, key, nil
}

// parseCost parses "m=<memory>,t=<iterations>,p=<parallelism>" in that order.
func parseCost(s string) (Params, error) {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return Params{}, fmt.Errorf("cost %q: %w", s, ErrMalformedHash)
	}

	m, errM := parseField(fields[0], "m=", 32)
	t, errT := parseField(fields[1], "t=", 32)
	p, errP := parseField(fields[2], "p=", 8)
	if err := errors.Join(errM, errT, errP); err != nil {
		return Params{}, fmt.Errorf("cost %q: %w", s, err)
	}

	return Params{Memory: uint32(m), Iterations: uint32(t), Parallelism: uint8(p)}, nil
}

// parseField parses "<prefix><decimal>" with no sign and no leading zeros.
func parseField(s, prefix string, bits int) (uint64, error) {
	digits, found := strings.CutPrefix(s, prefix)
	if !found {
		return 0, fmt.Errorf("field %q: %w", s, ErrMalformedHash)
	}

	v, err := strconv.ParseUint(digits, 10, bits)
	if err != nil || strconv.FormatUint(v, 10) != digits {
		return 0, fmt.Errorf("field %q: %w", s, ErrMalformedHash)
	}

	return v, nil
}

// decodeSaltKey decodes the salt and key fields, refusing padding and
// non-canonical encodings.
func decodeSaltKey(saltB64, keyB64 string) ([]byte, []byte, error) {
	b64 := base64.RawStdEncoding.Strict()

	salt, err := b64.DecodeString(saltB64)
	if err != nil {
		return nil, nil, fmt.Errorf("salt: %w: %w", ErrMalformedHash, err)
	}

	key, err := b64.DecodeString(keyB64)
	if err != nil {
		return nil, nil, fmt.Errorf("key: %w: %w", ErrMalformedHash, err)
	}

	return salt, key, nil
}
