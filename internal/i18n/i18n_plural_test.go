package i18n

import (
	"strings"
	"testing"
)

func TestOneTakesTheSingular(t *testing.T) {
	for _, tt := range []struct {
		n    any
		want string
	}{{1, "1 besked"}, {int64(1), "1 besked"}, {2, "2 beskeder"}, {0, "0 beskeder"}} {
		if got := T(Danish, "ws.inbox.count", tt.n); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := T(English, "ws.inbox_unread", 1); got != "1 unread" {
		t.Errorf("English singular: %q", got)
	}
}

// TestSingularsTakeTheNumber: every _one text formats its number, so that
// T(key, 1) never prints a formatting error.
func TestSingularsTakeTheNumber(t *testing.T) {
	for _, lang := range []Lang{Danish, English} {
		for _, k := range Keys(lang) {
			if len(k) > 4 && k[len(k)-4:] == "_one" {
				args := []any{1}
				for i := 1; i < strings.Count(T(lang, k), "%"); i++ {
					args = append(args, "x")
				}
				if got := T(lang, k[:len(k)-4], args...); len(got) > 0 && (strings.Contains(got, "%!") ||
					!strings.Contains(got, "1")) {
					t.Errorf("%s %s: %q", lang, k, got)
				}
			}
		}
	}
}
