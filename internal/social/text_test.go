package social_test

import (
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/social"
)

func TestTextLength(t *testing.T) {
	tests := []struct {
		platform social.Platform
		text     string
		want     int
	}{
		{social.Facebook, "Forældremøde (1. klasse) #skolestart", 36},
		{social.LinkedIn, "Forældremøde (1. klasse) #skolestart", 39}, // ( ) # each need a backslash
		{social.Manual, "Æble", 4},
	}
	for _, tt := range tests {
		if got := social.TextLength(tt.platform, tt.text); got != tt.want {
			t.Errorf("TextLength(%s, %q) = %d, want %d", tt.platform, tt.text, got, tt.want)
		}
	}
	if social.MaxText(social.Facebook) != 63206 || social.MaxText(social.LinkedIn) != 3000 {
		t.Error("wrong limits")
	}
}

func TestEscapeCommentary(t *testing.T) {
	in := `Se (og del) #skole_hjem: 50% {nu} [link] <b> *fed* ~x~ @kommune | a\b`
	got := social.EscapeCommentary(in)
	want := `Se \(og del\) \#skole\_hjem: 50% \{nu\} \[link\] \<b\> \*fed\* \~x\~ \@kommune \| a\\b`
	if got != want {
		t.Errorf("EscapeCommentary\n got %s\nwant %s", got, want)
	}
	if strings.Contains(social.EscapeCommentary("Almindelig tekst, æøå."), `\`) {
		t.Error("plain text was escaped")
	}
}
