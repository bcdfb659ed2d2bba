package transfer

import (
	"slices"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
)

func TestParseAudience(t *testing.T) {
	for name, want := range map[string]material.Audience{
		"Forældre": material.Parents, " LÆRERE ": material.Teachers, "pædagog": material.Pedagogues,
		"ledere": material.Leaders, "Skolebestyrelser": material.SchoolBoard, "school  boards": material.SchoolBoard,
		"parents": material.Parents, "boards": material.SchoolBoard,
	} {
		if got, ok := ParseAudience(name); !ok || got != want {
			t.Errorf("ParseAudience(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "elever", "forældre, lærere"} {
		if got, ok := ParseAudience(name); ok {
			t.Errorf("ParseAudience(%q) = %q, want none", name, got)
		}
	}
	for _, a := range material.Audiences {
		if got, ok := ParseAudience(string(a)); !ok || got != a {
			t.Errorf("the hub's own name %q is not read", a)
		}
	}
}

func TestSplitList(t *testing.T) {
	got := SplitList(" forældre; lærere |, ledere ,")
	if want := []string{"forældre", "lærere", "ledere"}; !slices.Equal(got, want) {
		t.Errorf("SplitList = %q, want %q", got, want)
	}
	if got := SplitList(" ;|, "); len(got) != 0 {
		t.Errorf("SplitList of separators = %q", got)
	}
}

func TestUniqueSlug(t *testing.T) {
	taken := map[string]bool{}
	long := strings.Repeat("a", 78) + "-b"
	for _, c := range []struct{ in, want string }{
		{"trivsel", "trivsel"}, {"trivsel", "trivsel-2"}, {"trivsel", "trivsel-3"}, {"trivsel-2", "trivsel-2-2"},
		{long, long}, {long, strings.Repeat("a", 78) + "-2"}, {long, strings.Repeat("a", 78) + "-3"},
		{strings.Repeat("ab-", 26) + "ab", strings.Repeat("ab-", 26) + "ab"},
		{strings.Repeat("ab-", 26) + "ab", strings.Repeat("ab-", 25) + "ab-2"},
	} {
		got := UniqueSlug(c.in, taken)
		if got != c.want || !material.ValidSlug(got) {
			t.Errorf("UniqueSlug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
