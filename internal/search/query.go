package search

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
	WeightPart    = 0.5  // times a part's own weight: a part of a compound no material has whole
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
	if n := len(plain); n >= 2 && n <= 4 {
		joined = append(joined, strings.Join(plain, ""))
	}
	// Little words ("i", "og", "hvad") find everything: they count only in
	// a query of nothing else, and not towards its limit.
	if content := slices.DeleteFunc(slices.Clone(plain), isStopWord); len(content) > 0 {
		plain = content
	}
	if len(plain) > maxQueryWords {
		plain = plain[:maxQueryWords]
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

// stopWords are Danish words too common to tell materials apart.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`af al alle at blev bliver da de dem den der deres det dig din dine
		du efter eller en end er et for fra få går han har hende her hun hvad hvem hvis hvor hvordan hvorfor i
		ikke ind jeg jer kan kun man med meget men mig min mine mit mod når nogle og også om op os over på
		sig sin skal som så til ud under var vi vil ville vores være været`) {
		stopWords[w] = true
	}
}

// isStopWord reports whether w is a little word: one of stopWords, or a
// single letter.
func isStopWord(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	return stopWords[w] || size == len(w) && unicode.IsLetter(r)
}

// FuzzyRange is the range of words that typo candidates for w are read
// from: the words that begin with the same letter.
func FuzzyRange(w string) (from, to string) {
	r, size := utf8.DecodeRuneInString(w)
	if size == 0 {
		return "", ""
	}
	return string(r), string(r + 1)
}

// Hit is a material's best match for each query word.
type Hit struct {
	ID      int64
	Covered int32   // query words matched
	Score   float32 // the sum of each word's best match
}

// Scorer adds up the matches of a query's words for each material.
type Scorer struct {
	n     int
	dense []float32           // n per material id, when ids are few enough
	best  map[int64][]float32 // otherwise
}

// maxDenseID is the largest material id the scorer keeps in an array;
// beyond it, a map takes less memory than the array would.
const maxDenseID = 1 << 21

// NewScorer scores matches of n query words on materials whose ids are
// at most maxID. Release gives its memory back for the next.
func NewScorer(n int, maxID int64) *Scorer {
	s := &Scorer{n: n}
	if maxID >= 0 && maxID <= maxDenseID {
		size := int((maxID + 1) * int64(n))
		if p, ok := densePool.Get().(*[]float32); ok && cap(*p) >= size {
			s.dense = (*p)[:size]
			clear(s.dense)
		} else {
			s.dense = make([]float32, size)
		}
	} else {
		s.best = map[int64][]float32{}
	}
	return s
}

// densePool keeps scorers' arrays: a search over tens of thousands of
// materials would otherwise leave one of hundreds of kilobytes to the
// garbage collector each time.
var densePool sync.Pool

// Release returns the scorer's memory; it must not be used after.
func (s *Scorer) Release() {
	if s.dense != nil {
		densePool.Put(&s.dense)
		s.dense = nil
	}
}

// Add records that query word i matched material id in field with the
// given kind weight; only each word's best match counts.
func (s *Scorer) Add(i int, id int64, field int, weight float64) {
	s.AddValue(i, id, float32(weight*FieldWeight(field)))
}

// AddValue is Add with the field's weight applied already.
func (s *Scorer) AddValue(i int, id int64, v float32) {
	if s.dense != nil {
		if at := id*int64(s.n) + int64(i); id >= 0 && at < int64(len(s.dense)) {
			s.dense[at] = max(s.dense[at], v)
			return
		}
		if s.best == nil { // an id beyond the promise: keep it too
			s.best = map[int64][]float32{}
		}
	}
	b := s.best[id]
	if b == nil {
		b = make([]float32, s.n)
		s.best[id] = b
	}
	b[i] = max(b[i], v)
}

// Hits returns every material matched, by id.
func (s *Scorer) Hits() []Hit {
	var out []Hit
	s.Each(func(id int64, covered int, score float32) {
		out = append(out, Hit{ID: id, Covered: int32(covered), Score: score})
	})
	if len(s.best) > 0 {
		slices.SortFunc(out, func(a, b Hit) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out
}

// Each calls fn for every material matched with how many query words
// matched it and the sum of each word's best match.
func (s *Scorer) Each(fn func(id int64, covered int, score float32)) {
	add := func(id int64, b []float32) {
		covered, score := 0, float32(0)
		for _, v := range b {
			if v > 0 {
				covered++
				score += v
			}
		}
		if covered > 0 {
			fn(id, covered, score)
		}
	}
	for id := int64(0); id*int64(s.n) < int64(len(s.dense)); id++ {
		add(id, s.dense[id*int64(s.n):(id+1)*int64(s.n)])
	}
	for id, b := range s.best {
		add(id, b)
	}
}

// AddSynonyms adds the other words of every group that holds the word, or
// a word of the same stem, as alternatives.
func (q *QueryWord) AddSynonyms(groups [][]string) {
	stem := Stem(q.Text)
	for _, g := range groups {
		canon := make([]string, 0, len(g))
		for _, w := range g {
			if k := SynonymKey(w); k != "" {
				canon = append(canon, k)
			}
		}
		if !slices.ContainsFunc(canon, func(w string) bool { return w == q.Text || Stem(w) == stem }) {
			continue
		}
		for _, w := range canon {
			if w != q.Text {
				q.Exact = append(q.Exact, Alt{prefixWord + w, WeightSynonym}, Alt{prefixStem + Stem(w), WeightSynonym})
			}
		}
	}
}

// SynonymKey is the word search reads a synonym as: its canonical parts
// written together ("Skole-hjem samtale" is "skolehjemsamtale").
func SynonymKey(w string) string {
	var b strings.Builder
	for _, x := range Words(w) {
		b.WriteString(x.Text)
	}
	return b.String()
}

// SynonymWords reads a group of synonyms as typed, "Mobbe, mobning": the
// words in lower case as the editor spelled them ("israel" stays so,
// though search reads it as "isræl"; "skole-hjem samtale" too, though it
// is one word to search), each once by what search reads, in the order
// given.
func SynonymWords(typed string) []string {
	var out, keys []string
	for _, part := range strings.Split(typed, ",") {
		w := strings.ToLower(norm.NFC.String(strings.Join(strings.Fields(part), " ")))
		if k := SynonymKey(w); k != "" && !slices.Contains(keys, k) {
			out, keys = append(out, w), append(keys, k)
		}
	}
	return out
}

// SameSynonyms reports whether two groups hold the same words, as search
// reads them.
func SameSynonyms(a, b []string) bool {
	has := func(g []string, w string) bool {
		return slices.ContainsFunc(g, func(x string) bool { return SynonymKey(x) == SynonymKey(w) })
	}
	return len(a) == len(b) && !slices.ContainsFunc(a, func(w string) bool { return !has(b, w) })
}
