package corpus

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextsRepeatAndReadAsDanish(t *testing.T) {
	a, b := New(1, 500), New(1, 500)
	ta, tb := a.Text(600), b.Text(600)
	if ta != tb {
		t.Error("the same seed gave other texts")
	}
	if !utf8.ValidString(ta) || len(strings.Fields(ta)) != 600 {
		t.Errorf("%d words, valid UTF-8 %v", len(strings.Fields(ta)), utf8.ValidString(ta))
	}
	if !strings.ContainsAny(ta, "æøå") {
		t.Error("no Danish letters")
	}
	if New(2, 500).Text(50) == New(1, 500).Text(50) {
		t.Error("another seed gave the same text")
	}
}
