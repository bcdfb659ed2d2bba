package material

import (
	"math"
	"strings"
	"testing"
)

func TestLIX(t *testing.T) {
	// 9 words, 2 sentences, 3 words over six letters (forældremødet,
	// skoleåret, begynder): 4.5 + 33.33 = 37.83.
	r := LIX("Forældremødet er i næste uge. Skoleåret begynder nu for alvor.")
	if r.Words != 10 || r.Sentences != 2 || r.LongWords != 3 {
		t.Fatalf("words %d sentences %d long %d", r.Words, r.Sentences, r.LongWords)
	}
	if want := 10.0/2 + 30; math.Abs(r.Score-want) > 0.01 {
		t.Errorf("score %.2f, want %.2f", r.Score, want)
	}
	if r.Band() != "lix.medium" || r.Rounded() != 35 {
		t.Errorf("band %s rounded %d", r.Band(), r.Rounded())
	}
	if r.LongestWords[0] != "Forældremødet" {
		t.Errorf("longest words %q", r.LongestWords)
	}
}

func TestLIXBandsAndEdges(t *testing.T) {
	if b := LIX("").Band(); b != "lix.none" {
		t.Errorf("empty: %s", b)
	}
	easy := LIX(strings.Repeat("Vi ses i dag. ", 10))
	if easy.Band() != "lix.very_easy" {
		t.Errorf("short words: %.1f %s", easy.Score, easy.Band())
	}
	long := "Skolebestyrelsens principbeslutninger vedrørende forældresamarbejdet implementeres "
	hard := LIX(strings.Repeat(long, 6) + ".")
	if hard.Band() != "lix.very_hard" || len(hard.LongestSentences) != 1 {
		t.Errorf("long words and sentence: %.1f %s", hard.Score, hard.Band())
	}
	// Numbers and punctuation are not words; headings on their own line are sentences.
	r := LIX("## Tjekliste\n\n- 1. Mød op\n- 2. Spørg\n")
	if r.Words != 4 || r.Sentences != 3 {
		t.Errorf("list: words %d sentences %d", r.Words, r.Sentences)
	}
}
