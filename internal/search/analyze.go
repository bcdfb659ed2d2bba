// Package search is the hub's Danish search: how text becomes terms, and
// how typed words are matched to them the way people mean them.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/danish"
	"golang.org/x/text/unicode/norm"
)

// Canonical lowercases a word and writes the Danish letters typed as two
// letters the Danish way: "Foraeldre" and "forældre" are both "forældre",
// "Aarhus" and "Århus" both "århus". Other accents are dropped ("café"
// is "cafe").
func Canonical(word string) string {
	if plainDanish(word) { // the common case, without normalising
		return danishLetters(strings.ToLower(word))
	}
	w := danishLetters(strings.ToLower(norm.NFKC.String(word))) // NFKC: "ｆｏｒæｌｄｒｅ" is "forældre"
	var b strings.Builder
	for _, r := range w {
		switch r {
		case 'æ', 'ø', 'å':
			b.WriteRune(r)
			continue
		}
		for _, s := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, s) {
				b.WriteRune(s)
			}
		}
	}
	return b.String()
}

// plainDanish reports whether a word has only ASCII letters, digits and
// the Danish letters, which lowercasing alone makes canonical.
func plainDanish(word string) bool {
	for _, r := range word {
		switch {
		case r < utf8.RuneSelf:
		case r == 'æ', r == 'ø', r == 'å', r == 'Æ', r == 'Ø', r == 'Å':
		default:
			return false
		}
	}
	return true
}

// twoLetters writes æ, ø and å typed as two letters as one.
var twoLetters = strings.NewReplacer("ae", "æ", "oe", "ø", "aa", "å")

// danishLetters is twoLetters.Replace, quicker for the words that need no
// change, which are most.
func danishLetters(w string) string {
	for i := 0; i+1 < len(w); i++ {
		if (w[i] == 'a' || w[i] == 'o') && w[i+1] == 'e' || w[i] == 'a' && w[i+1] == 'a' {
			return twoLetters.Replace(w)
		}
	}
	return w
}

// Loose is the form of a canonical word typed on a keyboard without
// Danish letters: æ as a, ø as o, å as a. "okonomi" and "økonomi" have
// the same loose form.
func Loose(word string) string {
	return looseLetters.Replace(word)
}

var looseLetters = strings.NewReplacer("æ", "a", "ø", "o", "å", "a")

// Stem returns the Danish stem of a canonical word: "forældremøder",
// "forældremødet" and "forældremøde" share one.
func Stem(word string) string {
	env := snowballstem.NewEnv(word)
	danish.Stem(env)
	return env.Current()
}

// Word is a word of a text as search sees it.
type Word struct {
	Text string // canonical
	// Joined is set on the first part of a hyphenated word: the parts
	// written together, as "skolehjemsamtale" for "skole-hjem-samtale".
	Joined string
}

// Words splits text into canonical words. Letters and digits make words;
// an ending after an apostrophe is left out ("SFO'en" gives "sfo"); a
// hyphen between letters joins parts into one more word as well.
func Words(text string) []Word {
	var out []Word
	var parts []string
	var cur strings.Builder
	flushWord := func() {
		if cur.Len() > 0 {
			parts = append(parts, Canonical(cur.String()))
			cur.Reset()
		}
	}
	flushGroup := func() {
		flushWord()
		if len(parts) == 0 {
			return
		}
		first := len(out)
		for _, p := range parts {
			out = append(out, Word{Text: p})
		}
		if len(parts) > 1 {
			out[first].Joined = strings.Join(parts, "")
		}
		parts = parts[:0]
	}
	rs := []rune(text)
	skip := false // the ending after an apostrophe, as in "SFO'en"
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if !skip {
				cur.WriteRune(r)
			}
			continue
		case unicode.Is(unicode.Cf, r) && cur.Len() > 0:
			continue // a soft hyphen or another invisible mark inside a word
		case (r == '\'' || r == '’') && cur.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			skip = true
			continue
		case isHyphen(r) && cur.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			flushWord() // a part of a hyphenated word
		default:
			flushGroup()
		}
		skip = false
	}
	flushGroup()
	return out
}
