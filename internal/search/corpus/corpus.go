// Package corpus makes synthetic Danish-like materials for measuring
// search: words built from Danish syllables, compounds of them, and texts
// whose word frequencies fall off as in real prose.
package corpus

import (
	"math/rand/v2"
	"strings"
)

var (
	onsets = []string{"b", "bl", "br", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h", "j", "k", "kl",
		"kr", "l", "m", "n", "p", "pl", "pr", "r", "s", "sk", "sl", "sm", "sn", "sp", "st", "str", "t", "tr", "v"}
	vowels = []string{"a", "e", "i", "o", "u", "y", "æ", "ø", "å", "ei", "øj", "av"}
	codas  = []string{"", "", "d", "g", "k", "l", "n", "r", "s", "t", "nd", "ng", "rt", "st", "lse",
		"ning", "hed", "else"}
	endings = []string{"", "", "", "e", "en", "er", "erne", "et", "s"}
)

// Generator makes words and texts from a fixed seed, so runs compare.
type Generator struct {
	rng   *rand.Rand
	vocab []string
	zipf  *rand.Zipf
}

// New makes a generator with a vocabulary of n stems.
func New(seed uint64, n int) *Generator {
	g := &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	seen := map[string]bool{}
	for len(g.vocab) < n {
		w := g.syllable()
		if g.rng.IntN(3) > 0 {
			w += g.syllable()
		}
		if g.rng.IntN(6) == 0 { // a compound
			w += g.syllable() + g.syllable()
		}
		if !seen[w] {
			seen[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	g.zipf = rand.NewZipf(g.rng, 1.07, 2, uint64(n-1))
	return g
}

func (g *Generator) syllable() string {
	return onsets[g.rng.IntN(len(onsets))] + vowels[g.rng.IntN(len(vowels))] + codas[g.rng.IntN(len(codas))]
}

// Word returns a word of the vocabulary, common words more often, with
// an inflection.
func (g *Generator) Word() string {
	return g.vocab[g.zipf.Uint64()] + endings[g.rng.IntN(len(endings))]
}

// Stem returns the i-th most common stem, for queries.
func (g *Generator) Stem(i int) string { return g.vocab[i%len(g.vocab)] }

// Text returns n words as sentences.
func (g *Generator) Text(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		w := g.Word()
		if i%12 == 0 {
			if i > 0 {
				b.WriteString(". ")
			}
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

// Rand is the generator's source, for choices that must repeat too.
func (g *Generator) Rand() *rand.Rand { return g.rng }
