package auth

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// Vectors made with the reference implementation (Debian package argon2):
//
//	echo -n "$PW" | argon2 bindeledsalt0001 -id -t 2 -k 256 -p 2 -l 32 -e
var referenceVectors = []struct {
	password string
	encoded  string
	params   Params
}{
	{
		password: "Kodeord til Bindeled æøå",
		encoded:  "$argon2id$v=19$m=256,t=2,p=2$YmluZGVsZWRzYWx0MDAwMQ$lq5o08IG2NL6A7cgKR/W2UaFsO9YphSpS6B58Wi5yqU",
		params:   Params{Memory: 256, Iterations: 2, Parallelism: 2, SaltLen: 16, KeyLen: 32},
	},
	{
		password: "password",
		encoded:  "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$s0pH2PxtsBd08+8ZO8n1lw",
		params:   Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 16},
	},
}

func TestCheckPasswordReferenceVectors(t *testing.T) {
	for _, v := range referenceVectors {
		t.Run(v.password, func(t *testing.T) {
			ok, rehash, err := CheckPassword(v.params, v.encoded, v.password)
			if err != nil || !ok || rehash {
				t.Fatalf("CheckPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}

			ok, _, err = CheckPassword(v.params, v.encoded, v.password+"x")
			if err != nil || ok {
				t.Fatalf("wrong password: CheckPassword = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestHashPasswordFormat(t *testing.T) {
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$`)

	tests := []struct {
		name   string
		params Params
		cost   string
	}{
		{"test params", TestParams(), "m=64,t=1,p=1"},
		{"custom", Params{Memory: 128, Iterations: 2, Parallelism: 4, SaltLen: 8, KeyLen: 16}, "m=128,t=2,p=4"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPassword(tt.params, "correct horse battery")
			if err != nil {
				t.Fatal(err)
			}

			m := phc.FindStringSubmatch(h)
			if m == nil || !strings.Contains(h, "$"+tt.cost+"$") {
				t.Fatalf("hash %q does not have the PHC form with %s", h, tt.cost)
			}

			salt, _ := base64.RawStdEncoding.DecodeString(m[4])
			key, _ := base64.RawStdEncoding.DecodeString(m[5])
			if uint32(len(salt)) != tt.params.SaltLen || uint32(len(key)) != tt.params.KeyLen {
				t.Fatalf("salt %d bytes, key %d bytes; want %d, %d", len(salt), len(key), tt.params.SaltLen, tt.params.KeyLen)
			}
		})
	}
}

func TestHashPasswordSaltsDiffer(t *testing.T) {
	a, errA := HashPassword(TestParams(), "same password here")
	b, errB := HashPassword(TestParams(), "same password here")

	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}

	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
}

func TestHashPasswordRejects(t *testing.T) {
	ok := TestParams()
	with := func(f func(*Params)) Params {
		p := ok
		f(&p)

		return p
	}

	tests := []struct {
		name     string
		params   Params
		password string
		want     error
	}{
		{"zero params", Params{}, "password", ErrBadParams},
		{"memory too big", with(func(p *Params) { p.Memory = MaxMemory + 1 }), "password", ErrBadParams},
		{"memory below 8 per lane", with(func(p *Params) { p.Memory, p.Parallelism = 15, 2 }), "password", ErrBadParams},
		{"no iterations", with(func(p *Params) { p.Iterations = 0 }), "password", ErrBadParams},
		{"too many iterations", with(func(p *Params) { p.Iterations = MaxIterations + 1 }), "password", ErrBadParams},
		{"no lanes", with(func(p *Params) { p.Parallelism = 0 }), "password", ErrBadParams},
		{"too many lanes", with(func(p *Params) { p.Parallelism, p.Memory = MaxParallelism+1, 1024 }),
			"password", ErrBadParams},
		{"short salt", with(func(p *Params) { p.SaltLen = MinSaltLen - 1 }), "password", ErrBadParams},
		{"long salt", with(func(p *Params) { p.SaltLen = MaxSaltLen + 1 }), "password", ErrBadParams},
		{"short key", with(func(p *Params) { p.KeyLen = MinKeyLen - 1 }), "password", ErrBadParams},
		{"long key", with(func(p *Params) { p.KeyLen = MaxKeyLen + 1 }), "password", ErrBadParams},
		{"long password", ok, strings.Repeat("a", MaxPasswordBytes+1), ErrPasswordTooLong},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := HashPassword(tt.params, tt.password)
			if !errors.Is(err, tt.want) || h != "" {
				t.Fatalf("HashPassword = %q, %v; want \"\", %v", h, err, tt.want)
			}
		})
	}
}

func TestDefaultParamsValid(t *testing.T) {
	for _, p := range []Params{DefaultParams(), TestParams()} {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}

	want := Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLen: 16, KeyLen: 32}
	if d := DefaultParams(); d != want {
		t.Errorf("DefaultParams = %+v", d)
	}
}

func TestCheckPassword(t *testing.T) {
	const stored = "Blåbærgrød med fløde"
	h, err := HashPassword(TestParams(), stored)
	if err != nil {
		t.Fatal(err)
	}

	longest := strings.Repeat("x", MaxPasswordBytes)
	hLong, err := HashPassword(TestParams(), longest)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		encoded  string
		password string
		want     bool
	}{
		{"right", h, stored, true},
		{"wrong", h, "Blåbærgrød med flode", false},
		{"case differs", h, "blåbærgrød med fløde", false},
		{"empty", h, "", false},
		{"prefix", h, stored[:len(stored)-1], false},
		{"longest allowed", hLong, longest, true},
		{"over the limit", hLong, longest + "x", false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := CheckPassword(TestParams(), tt.encoded, tt.password)
			if err != nil || ok != tt.want || rehash {
				t.Fatalf("CheckPassword = %v, %v, %v; want %v, false, nil", ok, rehash, err, tt.want)
			}
		})
	}
}

func TestCheckPasswordNeedsRehash(t *testing.T) {
	h, err := HashPassword(TestParams(), "an old enough password")
	if err != nil {
		t.Fatal(err)
	}

	changed := func(f func(*Params)) Params {
		p := TestParams()
		f(&p)

		return p
	}

	tests := []struct {
		name     string
		current  Params
		password string
		want     bool
	}{
		{"same params", TestParams(), "an old enough password", false},
		{"stronger default", DefaultParams(), "an old enough password", true},
		{"more memory", changed(func(p *Params) { p.Memory *= 2 }), "an old enough password", true},
		{"more iterations", changed(func(p *Params) { p.Iterations++ }), "an old enough password", true},
		{"more lanes", changed(func(p *Params) { p.Parallelism++ }), "an old enough password", true},
		{"longer salt", changed(func(p *Params) { p.SaltLen++ }), "an old enough password", true},
		{"longer key", changed(func(p *Params) { p.KeyLen++ }), "an old enough password", true},
		{"wrong password never asks", DefaultParams(), "not the password", false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rehash, err := CheckPassword(tt.current, h, tt.password)
			if err != nil || rehash != tt.want {
				t.Fatalf("needsRehash = %v, %v; want %v", rehash, err, tt.want)
			}
		})
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	const salt, key = "c29tZXNhbHRzb21lc2FsdA", "s0pH2PxtsBd08+8ZO8n1lw"
	phc := func(head, cost, s, k string) string {
		return head + cost + "$" + s + "$" + k
	}
	good := "$argon2id$v=19$"

	tests := []struct {
		name    string
		encoded string
		want    error
	}{
		{"empty", "", ErrMalformedHash},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", ErrMalformedHash},
		{"argon2i", phc("$argon2i$v=19$", "m=64,t=1,p=1", salt, key), ErrMalformedHash},
		{"no leading dollar", phc("argon2id$v=19$", "m=64,t=1,p=1", salt, key), ErrMalformedHash},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key, ErrMalformedHash},
		{"old version", phc("$argon2id$v=16$", "m=64,t=1,p=1", salt, key), ErrMalformedHash},
		{"extra field", phc(good, "m=64,t=1,p=1", salt, key) + "$x", ErrMalformedHash},
		{"trailing dollar", phc(good, "m=64,t=1,p=1", salt, key) + "$", ErrMalformedHash},
		{"fields reordered", phc(good, "t=1,m=64,p=1", salt, key), ErrMalformedHash},
		{"missing field", phc(good, "m=64,t=1", salt, key), ErrMalformedHash},
		{"extra cost field", phc(good, "m=64,t=1,p=1,k=2", salt, key), ErrMalformedHash},
		{"empty value", phc(good, "m=,t=1,p=1", salt, key), ErrMalformedHash},
		{"sign", phc(good, "m=+64,t=1,p=1", salt, key), ErrMalformedHash},
		{"negative", phc(good, "m=64,t=-1,p=1", salt, key), ErrMalformedHash},
		{"leading zero", phc(good, "m=064,t=1,p=1", salt, key), ErrMalformedHash},
		{"memory overflows uint32", phc(good, "m=4294967296,t=1,p=1", salt, key), ErrMalformedHash},
		{"lanes overflow uint8", phc(good, "m=4096,t=1,p=256", salt, key), ErrMalformedHash},
		{"memory over 1 GiB", phc(good, "m=1048577,t=1,p=1", salt, key), ErrBadParams},
		{"memory at uint32 max", phc(good, "m=4294967295,t=1,p=1", salt, key), ErrBadParams},
		{"too many iterations", phc(good, "m=64,t=101,p=1", salt, key), ErrBadParams},
		{"zero iterations", phc(good, "m=64,t=0,p=1", salt, key), ErrBadParams},
		{"zero lanes", phc(good, "m=64,t=1,p=0", salt, key), ErrBadParams},
		{"too many lanes", phc(good, "m=4096,t=1,p=65", salt, key), ErrBadParams},
		{"memory below 8 per lane", phc(good, "m=8,t=1,p=2", salt, key), ErrBadParams},
		{"salt padded", phc(good, "m=64,t=1,p=1", salt+"==", key), ErrMalformedHash},
		{"salt bad alphabet", phc(good, "m=64,t=1,p=1", "c29tZXNhbHRz_21lc2FsdA", key), ErrMalformedHash},
		{"salt non-canonical", phc(good, "m=64,t=1,p=1", "c29tZXNhbHRzb21lc2FsdB", key), ErrMalformedHash},
		{"salt too short", phc(good, "m=64,t=1,p=1", "c2FsdA", key), ErrBadParams},
		{"salt empty", phc(good, "m=64,t=1,p=1", "", key), ErrBadParams},
		{"key too short", phc(good, "m=64,t=1,p=1", salt, "s0pH2Pxt"), ErrBadParams},
		{"key empty", phc(good, "m=64,t=1,p=1", salt, ""), ErrBadParams},
		{"key too long", phc(good, "m=64,t=1,p=1", salt, strings.Repeat("A", 172)), ErrBadParams},
		{"overlong string", phc(good, "m=64,t=1,p=1", salt, strings.Repeat("A", maxEncodedLen)), ErrMalformedHash},
		{"spaces", " " + phc(good, "m=64,t=1,p=1", salt, key), ErrMalformedHash},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := CheckPassword(TestParams(), tt.encoded, "password")
			if !errors.Is(err, tt.want) || ok || rehash {
				t.Fatalf("CheckPassword = %v, %v, %v; want false, false, %v", ok, rehash, err, tt.want)
			}
		})
	}
}

// TestDummyCheckDoesTheWorkOfACheck: a login for an unknown account asks
// argon2id for the same work as a wrong password for a real one, so the
// two take as long; parameters out of bounds ask for the defaults' work.
// What is compared is the work asked for, not times, which a shared
// machine makes noisy.
func TestDummyCheckDoesTheWorkOfACheck(t *testing.T) {
	type call struct {
		p        Params
		password string
		saltLen  int
	}
	var calls []call
	real := derive
	derive = func(p Params, password string, salt []byte) []byte {
		calls = append(calls, call{p, password, len(salt)})
		return real(p, password, salt)
	}
	defer func() { derive = real }()

	p := Params{Memory: 8 * 1024, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}
	h, err := HashPassword(p, "a password of a real account")
	if err != nil {
		t.Fatal(err)
	}
	calls = nil
	if ok, _, err := CheckPassword(p, h, "a wrong password given"); ok || err != nil {
		t.Fatalf("a wrong password: %v %v", ok, err)
	}
	DummyCheck(p, "a wrong password given")
	DummyCheck(Params{}, "a wrong password given")
	if len(calls) != 3 {
		t.Fatalf("%d derivations, want 3", len(calls))
	}
	if calls[1] != calls[0] {
		t.Errorf("DummyCheck asked for %+v, a real check %+v", calls[1], calls[0])
	}
	if d := DefaultParams(); calls[2] != (call{d, "a wrong password given", int(d.SaltLen)}) {
		t.Errorf("out-of-bounds parameters asked for %+v, want the defaults", calls[2])
	}
}
