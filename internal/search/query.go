package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// How much a kind of match counts, before the field's weight.
const (
	WeightExact   = 1.0
	WeightJoined  = 0.9 // the words written together, or apart
	WeightStem    = 0.8
	WeightLoose   = 0.7
	WeightPrefix  = 0.6  // the last word still being typed
	WeightTail    = 0.5  // the last part of a compound
	WeightFuzzy   = 0.4  // a typo
	WeightSynonym = 0.75 // a word the editors say means the same
)

// FieldWeight is how much a match in a field counts: the title most,
// then the summary, then the body.
func FieldWeight(field int) float64 {
	switch field {
	case FieldTitle:
		return 3
	case FieldSummary:
		return 2
	}
	return 1
}

// Alt is an index term a query word may match, and how much it counts.
type Alt struct {
	Term   string
	Weight float64
}

// QueryWord is one word of a query with every way it may match.
type QueryWord struct {
	Text   string // canonical
	Exact  []Alt  // terms looked up as they are
	Prefix string // a term prefix the word may begin, "" for none
	// LoosePrefix is the same prefix typed without Danish letters.
	LoosePrefix string
	Tail        string // a reversed-stem prefix: compounds ending in the word
	Typos       int    // edits allowed for a typo
}

// maxQueryWords bounds the words a query is read for.
const maxQueryWords = 8

// Parse reads a query the way people type it. Empty and punctuation-only
// queries give no words.
func Parse(query string) []QueryWord {
	words := Words(query)
	var joined []string // hyphenated or space-separated words written together
	var plain []string
	for _, w := range words {
		if w.Joined != "" {
			joined = append(joined, w.Joined)
		}
		plain = append(plain, w.Text)
	}
	if len(plain) > maxQueryWords {
		plain = plain[:maxQueryWords]
	}
	if n := len(plain); n >= 2 && n <= 4 {
		joined = append(joined, strings.Join(plain, ""))
	}
	var out []QueryWord
	for i, w := range plain {
		if utf8.RuneCountInString(w) > maxWordRunes {
			continue
		}
		stem := Stem(w)
		q := QueryWord{Text: w, Exact: []Alt{
			{prefixWord + w, WeightExact},
			{prefixStem + stem, WeightStem},
			{prefixLoose + Loose(w), WeightLoose},
		}}
		for _, j := range joined {
			if strings.Contains(j, w) && utf8.RuneCountInString(j) <= maxWordRunes {
				q.Exact = append(q.Exact, Alt{prefixWord + j, WeightJoined}, Alt{prefixStem + Stem(j), WeightJoined})
			}
		}
		n := utf8.RuneCountInString(w)
		if i == len(plain)-1 && n >= 3 {
			q.Prefix, q.LoosePrefix = prefixWord+w, prefixLoose+Loose(w)
		}
		if n >= 4 {
			q.Tail = prefixTail + reverse(stem)
		}
		q.Typos = Tolerance(n)
		out = append(out, q)
	}
	return out
}

// FuzzyRange is the range of word terms that typo candidates for w are
// read from: the words that begin with the same letter.
func FuzzyRange(w string) (from, to string) {
	r, size := utf8.DecodeRuneInString(w)
	if size == 0 {
		return "", ""
	}
	return prefixWord + string(r), prefixWord + string(r+1)
}

// WordOf returns the word of a word term, and whether it is one.
func WordOf(term string) (string, bool) {
	return strings.CutPrefix(term, prefixWord)
}

// Hit is a material's best match for each query word.
type Hit struct {
	ID      int64
	Covered int     // query words matched
	Score   float64 // the sum of each word's best match
}

// Scorer adds up the matches of a query's words for each material.
type Scorer struct {
	best map[int64][]float64
	n    int
}

// NewScorer scores matches of n query words.
func NewScorer(n int) *Scorer { return &Scorer{best: map[int64][]float64{}, n: n} }

// Add records that query word i matched material id in field with the
// given kind weight; only each word's best match counts.
func (s *Scorer) Add(i int, id int64, field int, weight float64) {
	b := s.best[id]
	if b == nil {
		b = make([]float64, s.n)
		s.best[id] = b
	}
	if v := weight * FieldWeight(field); v > b[i] {
		b[i] = v
	}
}

// Hits returns every material matched, unordered.
func (s *Scorer) Hits() []Hit {
	out := make([]Hit, 0, len(s.best))
	for id, b := range s.best {
		h := Hit{ID: id}
		for _, v := range b {
			if v > 0 {
				h.Covered++
				h.Score += v
			}
		}
		out = append(out, h)
	}
	return out
}

// AddSynonyms adds the other words of every group that holds the word, or
// a word of the same stem, as alternatives.
func (q *QueryWord) AddSynonyms(groups [][]string) {
	stem := Stem(q.Text)
	for _, g := range groups {
		if !slices.ContainsFunc(g, func(w string) bool { return w == q.Text || Stem(w) == stem }) {
			continue
		}
		for _, w := range g {
			if w != q.Text {
				q.Exact = append(q.Exact, Alt{prefixWord + w, WeightSynonym}, Alt{prefixStem + Stem(w), WeightSynonym})
			}
		}
	}
}

// SynonymWords reads a group of synonyms as typed, "mobbe, mobning": the
// canonical words, each once, in the order given.
func SynonymWords(typed string) []string {
	var out []string
	for _, part := range strings.Split(typed, ",") {
		var ws []string
		for _, w := range Words(part) {
			ws = append(ws, w.Text)
		}
		if w := strings.Join(ws, ""); w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
