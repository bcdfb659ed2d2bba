package web

import (
	"strings"
	"testing"
)

func TestDiffFieldMarksChanges(t *testing.T) {
	short := diffField("Tekst", "En rød bil.", "En blå bil.")
	long := diffField("Tekst", strings.Repeat("Linje om skole og hjem.\n", 2000),
		strings.Repeat("Linje om skole og hjem.\n",
			1000)+"En ny linje.\n"+strings.Repeat("Linje om skole og hjem.\n", 1000))
	for name, f := range map[string]DiffField{"short": short, "long": long} {
		var del, ins string
		for _, p := range f.Old {
			if p.Kind == "del" {
				del += p.Text
			}
		}
		for _, p := range f.New {
			if p.Kind == "ins" {
				ins += p.Text
			}
		}
		if !f.Changed || ins == "" {
			t.Errorf("%s: changed %v, inserted %q, removed %q", name, f.Changed, ins, del)
		}
	}
	if long.Old[0].Kind != "" || !strings.Contains(joinParts(long.New), "En ny linje.") {
		t.Error("the long diff lost text")
	}
}

func joinParts(ps []DiffPart) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Text)
	}
	return b.String()
}

// BenchmarkDiffLongBody compares two versions of a body at the length
// limit (100,000 characters) that differ in one paragraph, against
// comparing two short fields as the reference.
func BenchmarkDiffLongBody(b *testing.B) {
	para := "Forældre og skole samarbejder bedst, når de taler sammen tidligt og ofte.\n\n"
	old := strings.Repeat(para, 100000/len(para))
	new := strings.Replace(old, para, "Et nyt afsnit om børnepasning til forældremødet.\n\n", 1)
	b.Run("long-body", func(b *testing.B) {
		for b.Loop() {
			diffField("Tekst", old, new)
		}
	})
	b.Run("short-reference", func(b *testing.B) {
		for b.Loop() {
			diffField("Titel", "Forældremøder på vores skole", "Gode forældremøder på vores skole")
		}
	})
}
