package search

import (
	"reflect"
	"testing"
)

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"Forældre":  "forældre",
		"foraeldre": "forældre",
		"FORAELDRE": "forældre",
		"Aarhus":    "århus",
		"Århus":     "århus",
		"ØKONOMI":   "økonomi",
		"Café":      "cafe",
		"skoleåret": "skoleåret",
		"ｆｏｒæｌｄｒｅ":  "forældre", // fullwidth, as some phone keyboards type
		"ﬁre":       "fire",
	} {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoose(t *testing.T) {
	if Loose(Canonical("økonomi")) != Loose(Canonical("okonomi")) {
		t.Error("okonomi and økonomi differ loosely")
	}
	if Loose("århus") != "arhus" {
		t.Errorf("Loose(århus) = %q", Loose("århus"))
	}
}

func TestStemSharesInflections(t *testing.T) {
	groups := [][]string{
		{"forældremøde", "forældremøder", "forældremødet", "forældremøderne"},
		{"samarbejde", "samarbejdet"},
		{"skole", "skoler", "skolen", "skolerne"},
	}
	for _, g := range groups {
		want := Stem(g[0])
		for _, w := range g[1:] {
			if got := Stem(w); got != want {
				t.Errorf("Stem(%q) = %q, Stem(%q) = %q", w, got, g[0], want)
			}
		}
	}
}

func TestWords(t *testing.T) {
	got := Words("Økonomi i SFO'en – skole-hjem-samtalen, 7. klasse")
	want := []Word{{Text: "økonomi"}, {Text: "i"}, {Text: "sfo"},
		{Text: "skole", Joined: "skolehjemsamtalen"}, {Text: "hjem"}, {Text: "samtalen"},
		{Text: "7"}, {Text: "klasse"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %+v\nwant %+v", got, want)
	}
	if got := Words("for\u00adældre og skole\u200bhjem"); !reflect.DeepEqual(got,
		[]Word{{Text: "forældre"}, {Text: "og"}, {Text: "skolehjem"}}) {
		t.Errorf("invisible marks inside words: %+v", got)
	}
	if got := Words(""); got != nil {
		t.Errorf("Words of nothing = %v", got)
	}
	if got := Words("-- ' ** : \x00"); got != nil {
		t.Errorf("Words of punctuation = %v", got)
	}
}
