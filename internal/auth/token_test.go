package auth

import (
	"encoding/base64"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)

	for range 1000 {
		tok := NewToken()

		b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
		if err != nil || len(b) != 32 || len(tok) != 43 {
			t.Fatalf("token %q: %d bytes, %v; want 32 bytes of base64url", tok, len(b), err)
		}

		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}

		seen[tok] = true
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct {
		token string
		want  string
	}{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}

	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			if got := HashToken(tt.token); got != tt.want {
				t.Fatalf("HashToken(%q) = %s; want %s", tt.token, got, tt.want)
			}
		})
	}
}
