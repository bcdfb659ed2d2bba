package auth

import (
	"strings"
	"testing"
)

func TestValidEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"laerer@skole.dk":                       true,
		"fornavn.efternavn+aula@kommune.dk":     true,
		"a@xn--rhus-5qa.dk":                     true,
		"a@skole.xn--p1ai":                      true,
		"Lærer <laerer@skole.dk>":               false,
		"ikke en adresse":                       false,
		strings.Repeat("a", 64) + "@skole.dk":   true,
		strings.Repeat("a", 65) + "@skole.dk":   false,
		"a@" + strings.Repeat("b", 250) + ".dk": false,
		"\ufffd@x.dk":                           false,
		"lærer@skole.dk":                        false,
		"a@localhost":                           false,
		"a@[127.0.0.1]":                         false,
		"a@-x.dk":                               false,
		"a@x-.dk":                               false,
		"a@x_y.dk":                              false,
		"a@xn--.dk":                             false,
		"a@x.d":                                 false,
		"a@x.123":                               false,
		"":                                      false,
	} {
		if got := ValidEmail(s); got != want {
			t.Errorf("ValidEmail(%.40q) = %v, want %v", s, got, want)
		}
	}
}
