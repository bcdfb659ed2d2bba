package search

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	ws := Parse("Skole hjem øko")
	if len(ws) != 3 {
		t.Fatalf("%d words", len(ws))
	}
	if ws[0].Prefix != "" || ws[2].Prefix != "w:øko" {
		t.Errorf("only the last word is a prefix: %q %q", ws[0].Prefix, ws[2].Prefix)
	}
	var joined bool
	for _, a := range ws[0].Exact {
		joined = joined || a.Term == "w:skolehjemøko"
	}
	if !joined {
		t.Error("the words written together are not tried")
	}
	if ws[1].Typos != 0 || Parse("trivsel")[0].Typos != 1 || Parse("forældremøde")[0].Typos != 2 {
		t.Error("typo tolerance by length")
	}
	if Parse("") != nil || Parse(" ,.;: ") != nil {
		t.Error("an empty query has words")
	}
	var texts []string
	for _, w := range Parse("Hvad kan jeg gøre, når mit barn bliver mobbet i skolen?") {
		texts = append(texts, w.Text)
	}
	if !reflect.DeepEqual(texts, []string{"gøre", "barn", "mobbet", "skolen"}) {
		t.Errorf("little words are not left out: %q", texts)
	}
	if ws := Parse("i og"); len(ws) != 2 {
		t.Errorf("a query of only little words keeps them: %d words", len(ws))
	}
	if ws := Parse("a b c d e f g h tolk"); len(ws) != 1 || ws[0].Text != "tolk" {
		t.Errorf("little words take the place of a real one: %+v", ws)
	}
	if n := len(Parse(strings.Repeat("ord ", 100))); n != maxQueryWords {
		t.Errorf("%d words read of 100", n)
	}
}

func TestSynonyms(t *testing.T) {
	if got := SynonymWords(" Mobbe, mobning ,, MOBBE, skole-hjem,  skole  hjem, Israel, isræl "); !reflect.DeepEqual(got,
		[]string{"mobbe", "mobning", "skole-hjem", "israel"}) {
		t.Errorf("SynonymWords = %q", got)
	}
	if !SameSynonyms([]string{"israel", "jødedom"}, []string{"jødedom", "isræl"}) ||
		SameSynonyms([]string{"mobbe", "drille"}, []string{"mobbe", "drilleri"}) {
		t.Error("groups compared by their canonical words")
	}
	israel := Parse("Israel")[0]
	israel.AddSynonyms([][]string{{"ISRAEL", "palæstina"}})
	if !slices.ContainsFunc(israel.Exact, func(a Alt) bool { return a.Term == "w:palæstina" }) {
		t.Errorf("a group typed with capitals is not found: %+v", israel.Exact)
	}
	q := Parse("mobber")[0] // another form of a word in the group
	q.AddSynonyms([][]string{{"mobbe", "mobning"}, {"skole", "folkeskole"}})
	var terms []string
	for _, a := range q.Exact {
		if a.Weight == WeightSynonym {
			terms = append(terms, a.Term)
		}
	}
	if !reflect.DeepEqual(terms, []string{"w:mobbe", "s:" + Stem("mobbe"), "w:mobning", "s:" + Stem("mobning")}) {
		t.Errorf("synonym terms %q", terms)
	}
}

func TestHighlight(t *testing.T) {
	parts := Highlight("Et godt forældremøde – og flere forældremøder!", Parse("forældremøder"))
	var marked []string
	for _, p := range parts {
		if p.Mark {
			marked = append(marked, p.Text)
		}
	}
	if !reflect.DeepEqual(marked, []string{"forældremøde", "forældremøder"}) {
		t.Errorf("marked %q", marked)
	}
	var all strings.Builder
	for _, p := range parts {
		all.WriteString(p.Text)
	}
	if all.String() != "Et godt forældremøde – og flere forældremøder!" {
		t.Errorf("the text changed: %q", all.String())
	}
	if s := Snippet("Ord "+strings.Repeat("fyld ", 50)+"samarbejde med forældre",
		Parse("forældresamarbejde samarbejde"), 10); len(s) == 0 || s[0].Text[:3] != "…" {
		t.Errorf("snippet %+v", s)
	}
	marked = nil
	for _, p := range Highlight("Til skole-hjem-samtalen og skolen.", Parse("skolehjemsamtale")) {
		if p.Mark {
			marked = append(marked, p.Text)
		}
	}
	if !reflect.DeepEqual(marked, []string{"skole-hjem-samtalen"}) {
		t.Errorf("hyphenated word marked as %q", marked)
	}
	if Snippet("intet her", Parse("trivsel"), 10) != nil {
		t.Error("a snippet without a match")
	}
}
