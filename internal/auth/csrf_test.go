package auth

import (
	"bytes"
	"strings"
	"testing"
)

var (
	testSecret  = bytes.Repeat([]byte{0x5a}, MinSecretLen)
	otherSecret = bytes.Repeat([]byte{0xa5}, MinSecretLen)
)

func TestCSRFToken(t *testing.T) {
	const sid = "session-one"
	tok := CSRFToken(testSecret, sid)
	_, loginForm := NewLoginCSRF(testSecret)

	tests := []struct {
		name   string
		secret []byte
		sid    string
		token  string
		want   bool
	}{
		{"valid", testSecret, sid, tok, true},
		{"other session", testSecret, "session-two", tok, false},
		{"other secret", otherSecret, sid, tok, false},
		{"short secret", testSecret[:MinSecretLen-1], sid, tok, false},
		{"nil secret", nil, sid, tok, false},
		{"empty session", testSecret, "", tok, false},
		{"empty token", testSecret, sid, "", false},
		{"truncated", testSecret, sid, tok[:len(tok)-1], false},
		{"extended", testSecret, sid, tok + "A", false},
		{"padded", testSecret, sid, tok + "=", false},
		{"standard alphabet", testSecret, sid, strings.NewReplacer("-", "+", "_", "/").Replace(tok) + "+", false},
		{"login token is no session token", testSecret, sid, loginForm, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckCSRF(tt.secret, tt.sid, tt.token); got != tt.want {
				t.Fatalf("CheckCSRF = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestCSRFTokenFailsClosed(t *testing.T) {
	tests := []struct {
		name   string
		secret []byte
		sid    string
	}{
		{"short secret", testSecret[:MinSecretLen-1], "session"},
		{"empty session", testSecret, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tok := CSRFToken(tt.secret, tt.sid); tok != "" {
				t.Fatalf("CSRFToken = %q; want \"\"", tok)
			}
		})
	}

	if c, f := NewLoginCSRF(testSecret[:MinSecretLen-1]); c != "" || f != "" {
		t.Fatalf("NewLoginCSRF with a short secret = %q, %q", c, f)
	}
}

func TestLoginCSRF(t *testing.T) {
	cookie, form := NewLoginCSRF(testSecret)
	cookie2, form2 := NewLoginCSRF(testSecret)
	sessionTok := CSRFToken(testSecret, cookie)

	if cookie == cookie2 || form == form2 {
		t.Fatal("two login pairs are equal")
	}

	tests := []struct {
		name   string
		secret []byte
		cookie string
		form   string
		want   bool
	}{
		{"valid", testSecret, cookie, form, true},
		{"second pair", testSecret, cookie2, form2, true},
		{"crossed pairs", testSecret, cookie, form2, false},
		{"form token as cookie", testSecret, form, form, false},
		{"cookie as form token", testSecret, cookie, cookie, false},
		{"other secret", otherSecret, cookie, form, false},
		{"no cookie", testSecret, "", form, false},
		{"no form token", testSecret, cookie, "", false},
		{"session token is no login token", testSecret, cookie, sessionTok, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckLoginCSRF(tt.secret, tt.cookie, tt.form); got != tt.want {
				t.Fatalf("CheckLoginCSRF = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestLoginCSRFFor(t *testing.T) {
	cookie, form := NewLoginCSRF(testSecret)
	if got := LoginCSRFFor(testSecret, cookie); got != form {
		t.Errorf("LoginCSRFFor(cookie) = %q; want the pair's form token %q", got, form)
	}
	for _, bad := range []string{"", "kort", cookie + "A", cookie[:42] + "!", form + form} {
		if got := LoginCSRFFor(testSecret, bad); got != "" {
			t.Errorf("LoginCSRFFor(%q) = %q; want none for a cookie NewLoginCSRF cannot have made", bad, got)
		}
	}
	if got := LoginCSRFFor(testSecret[:MinSecretLen-1], cookie); got != "" {
		t.Errorf("LoginCSRFFor with a short secret = %q", got)
	}
}
