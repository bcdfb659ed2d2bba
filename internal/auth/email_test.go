package auth

import (
	"strings"
	"testing"
)

func TestValidEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"laerer@skole.dk":                       true,
		"Lærer <laerer@skole.dk>":               false,
		"ikke en adresse":                       false,
		strings.Repeat("a", 64) + "@skole.dk":   true,
		strings.Repeat("a", 65) + "@skole.dk":   false,
		"a@" + strings.Repeat("b", 250) + ".dk": false,
		"":                                      false,
	} {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%.40q) = %v, want %v", s, got, want)
		}
	}
}
