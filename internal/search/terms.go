package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The fields of a material that search reads, in order of weight.
const (
	FieldTitle   = 0
	FieldSummary = 1
	FieldBody    = 2
)

// Term prefixes: what an index term stands for.
const (
	prefixWord  = "w:" // a canonical word
	prefixStem  = "s:" // its stem
	prefixLoose = "l:" // its loose form
	prefixTail  = "r:" // its stem reversed, to find compounds by their last part
)

// Posting is one term of one field of a material.
type Posting struct {
	Term  string
	Field int
}

// Postings returns the index terms of a material's fields: for every word
// (and every hyphenated word written together) its canonical form, stem,
// loose form and reversed stem.
func Postings(fields map[int]string) []Posting {
	seen := map[Posting]bool{}
	var out []Posting
	add := func(term string, field int) {
		p := Posting{Term: term, Field: field}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for field, text := range fields {
		for _, w := range Words(text) {
			for _, word := range []string{w.Text, w.Joined} {
				if word == "" || utf8.RuneCountInString(word) > maxWordRunes {
					continue
				}
				stem := Stem(word)
				add(prefixWord+word, field)
				add(prefixStem+stem, field)
				add(prefixLoose+Loose(word), field)
				add(prefixTail+reverse(stem), field)
			}
		}
	}
	slices.SortFunc(out, func(a, b Posting) int {
		if c := strings.Compare(a.Term, b.Term); c != 0 {
			return c
		}
		return a.Field - b.Field
	})
	return out
}

// maxWordRunes leaves out "words" no one types, such as long links.
const maxWordRunes = 40

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}
