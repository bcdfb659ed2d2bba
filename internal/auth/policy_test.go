package auth

import (
	"strings"
	"testing"
)

func TestPasswordProblem(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want string
	}{
		{"empty", "", ProblemShort},
		{"nine runes", "abcdefgh1", ProblemShort},
		{"nine runes in many bytes", "æøåæøåæøå", ProblemShort},
		{"ten runes", "kaffe-kop1", ""},
		{"ten Danish runes", "æøåÆØÅæøåx", ""},
		{"two hundred runes", strings.Repeat("ø", MaxPasswordRunes), ""},
		{"two hundred and one runes", strings.Repeat("ø", MaxPasswordRunes+1), ProblemLong},
		{"common", "1234567890", ProblemCommon},
		{"common upper case", "QWERTYUIOP", ProblemCommon},
		{"common mixed case", "Sommer2024!", ProblemCommon},
		{"common Danish letters", "Forældre123", ProblemCommon},
		{"common with spaces", "  password12 ", ProblemCommon},
		{"near common", "sommer2024?", ""},
		{"passphrase", "rød cykel på bakken", ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PasswordProblem(tt.pw); got != tt.want {
				t.Fatalf("PasswordProblem(%q) = %q; want %q", tt.pw, got, tt.want)
			}
		})
	}
}

func TestCommonPasswordsReachable(t *testing.T) {
	for pw := range commonPasswords {
		if got := PasswordProblem(pw); got != ProblemCommon {
			t.Errorf("%q: PasswordProblem = %q; the entry can never match", pw, got)
		}

		if pw != strings.ToLower(pw) {
			t.Errorf("%q is not lower case", pw)
		}
	}
}
