package material

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Readability is a text's LIX score and what drives it.
type Readability struct {
	Score     float64 // words per sentence + percentage of words longer than six letters
	Words     int
	Sentences int
	LongWords int
	// Longest lists up to three of the longest sentences and words, the
	// first things to shorten.
	LongestSentences []string
	LongestWords     []string
}

// ParentLIXLimit is the score above which a material for parents gets a
// warning: text for a broad audience should stay easy.
const ParentLIXLimit = 35

// Band names the LIX band of a score as a message key.
func (r Readability) Band() string {
	switch {
	case r.Words == 0:
		return "lix.none"
	case r.Score < 25:
		return "lix.very_easy"
	case r.Score < 35:
		return "lix.easy"
	case r.Score < 45:
		return "lix.medium"
	case r.Score < 55:
		return "lix.hard"
	}
	return "lix.very_hard"
}

// Rounded is the score rounded to a whole number, as LIX is quoted.
func (r Readability) Rounded() int { return int(math.Round(r.Score)) }

// LIX measures text as the Danish and Swedish readability index does: the
// average sentence length in words plus the percentage of words with more
// than six letters. Sentences end at . ! ? : and at blank lines, so
// headings and list items count as sentences.
func LIX(text string) Readability {
	var r Readability
	type sentence struct {
		text  string
		words int
	}
	var sentences []sentence
	seen := map[string]bool{}
	for _, s := range splitSentences(text) {
		words := strings.FieldsFunc(s, func(c rune) bool {
			return !unicode.IsLetter(c) &&
				!unicode.IsDigit(c) && c != '-'
		})
		n := 0
		for _, w := range words {
			w = strings.Trim(w, "-")
			if !hasLetter(w) {
				continue
			}
			n++
			if utf8.RuneCountInString(w) > 6 {
				r.LongWords++
				if !seen[strings.ToLower(w)] {
					seen[strings.ToLower(w)] = true
					r.LongestWords = append(r.LongestWords, w)
				}
			}
		}
		if n > 0 {
			r.Words += n
			sentences = append(sentences, sentence{strings.TrimSpace(s), n})
		}
	}
	r.Sentences = len(sentences)
	if r.Words == 0 {
		return r
	}
	r.Score = float64(r.Words)/float64(r.Sentences) + 100*float64(r.LongWords)/float64(r.Words)

	sort.SliceStable(sentences, func(i, j int) bool { return sentences[i].words > sentences[j].words })
	for i := 0; i < len(sentences) && i < 3; i++ {
		r.LongestSentences = append(r.LongestSentences, sentences[i].text)
	}
	sort.SliceStable(r.LongestWords, func(i, j int) bool {
		return utf8.RuneCountInString(r.LongestWords[i]) > utf8.RuneCountInString(r.LongestWords[j])
	})
	if len(r.LongestWords) > 3 {
		r.LongestWords = r.LongestWords[:3]
	}
	return r
}

func hasLetter(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) {
			return true
		}
	}
	return false
}

// splitSentences cuts text at sentence marks followed by space and at blank
// lines and line breaks.
func splitSentences(text string) []string {
	var out []string
	var b strings.Builder
	runes := []rune(text)
	for i, c := range runes {
		if c == '\n' {
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteRune(c)
		if strings.ContainsRune(".!?:", c) && (i+1 == len(runes) || unicode.IsSpace(runes[i+1])) {
			out = append(out, b.String())
			b.Reset()
		}
	}
	return append(out, b.String())
}
