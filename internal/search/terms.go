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

// Term kinds. A query term is a kind and a value: "w:forældre" is the
// word itself, "s:forældr" every word of that stem.
const (
	KindWord  = 'w' // a canonical word
	KindStem  = 's' // its stem
	KindLoose = 'l' // its loose form
	KindTail  = 'r' // its stem reversed, to find compounds by their last part
)

const (
	prefixWord  = "w:"
	prefixStem  = "s:"
	prefixLoose = "l:"
	prefixTail  = "r:"
)

// SplitTerm returns a term's kind and value.
func SplitTerm(term string) (kind byte, value string) {
	if len(term) < 2 || term[1] != ':' {
		return 0, term
	}
	return term[0], term[2:]
}

// WordFields is a word of a material and the fields that hold it, as a
// bit mask: 1<<FieldTitle, 1<<FieldSummary, 1<<FieldBody.
type WordFields struct {
	Word   string
	Fields uint8
}

// BestField is the field of most weight in a mask.
func BestField(mask uint8) int {
	switch {
	case mask&(1<<FieldTitle) != 0:
		return FieldTitle
	case mask&(1<<FieldSummary) != 0:
		return FieldSummary
	}
	return FieldBody
}

// Analyze returns the words of a material's fields (and every
// hyphenated word written together), each once with the fields that hold
// it, sorted.
func Analyze(fields map[int]string) []WordFields {
	masks := map[string]uint8{}
	for field, text := range fields {
		for _, w := range Words(text) {
			for _, word := range []string{w.Text, w.Joined} {
				if word != "" && utf8.RuneCountInString(word) <= maxWordRunes {
					masks[word] |= 1 << field
				}
			}
		}
	}
	out := make([]WordFields, 0, len(masks))
	for w, m := range masks {
		out = append(out, WordFields{w, m})
	}
	slices.SortFunc(out, func(a, b WordFields) int { return strings.Compare(a.Word, b.Word) })
	return out
}

// Forms are the forms of a word that queries find it by besides the word
// itself.
type Forms struct {
	Stem  string
	Loose string
	Tail  string // the stem reversed
}

// FormsOf returns a canonical word's forms.
func FormsOf(word string) Forms {
	stem := Stem(word)
	return Forms{Stem: stem, Loose: Loose(word), Tail: reverse(stem)}
}

// maxWordRunes leaves out "words" no one types, such as long links.
const maxWordRunes = 40

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}
