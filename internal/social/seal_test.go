package social_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/social"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, social.KeySize) }

func TestSealRoundTrip(t *testing.T) {
	s, err := social.NewSealer(testKey(7))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.Seal("EAAPagetoken", "channel facebook 123")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "EAAPage") {
		t.Fatalf("sealed value shows the token: %q", sealed)
	}
	again, _ := s.Seal("EAAPagetoken", "channel facebook 123")
	if again == sealed {
		t.Error("two seals of the same token are equal: the nonce is not random")
	}
	got, err := s.Open(sealed, "channel facebook 123")
	if err != nil || got != "EAAPagetoken" {
		t.Fatalf("open = %q, %v", got, err)
	}

	other, _ := social.NewSealer(testKey(8))
	if _, err := other.Open(sealed, "channel facebook 123"); !errors.Is(err, social.ErrWrongKey) {
		t.Errorf("open with another key: %v, want ErrWrongKey", err)
	}
	if _, err := s.Open(sealed, "channel facebook 999"); !errors.Is(err, social.ErrWrongKey) {
		t.Errorf("open in another context: %v, want ErrWrongKey", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}
	if _, err := s.Open(tampered, "channel facebook 123"); !errors.Is(err, social.ErrWrongKey) {
		t.Errorf("open of a changed value: %v, want ErrWrongKey", err)
	}
	var none *social.Sealer
	if _, err := none.Seal("x", "y"); !errors.Is(err, social.ErrNoKey) {
		t.Errorf("seal without a key: %v", err)
	}
	if none.Ready() || !s.Ready() {
		t.Error("Ready is wrong")
	}
}

func TestParseKey(t *testing.T) {
	key := testKey(42)
	for _, in := range []string{hex.EncodeToString(key), base64.StdEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key), " " + base64.StdEncoding.EncodeToString(key) + "\n"} {
		got, err := social.ParseKey(in)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("ParseKey(%q) = %x, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "short", hex.EncodeToString(key[:16]), "correct horse battery staple"} {
		if _, err := social.ParseKey(in); err == nil {
			t.Errorf("ParseKey(%q) accepted a bad key", in)
		}
	}
}
