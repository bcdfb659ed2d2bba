package search_test

import (
	"testing"

	"github.com/bindeled/bindeled/internal/search"
	"github.com/bindeled/bindeled/internal/search/corpus"
)

// BenchmarkAnalyze analyses one material of about 600 words, against
// splitting the same text into words as the reference.
func BenchmarkAnalyze(b *testing.B) {
	g := corpus.New(7, 30000)
	fields := map[int]string{search.FieldTitle: g.Text(6), search.FieldSummary: g.Text(25),
		search.FieldBody: g.Text(570)}
	b.Run("analyze", func(b *testing.B) {
		for b.Loop() {
			search.Analyze(fields)
		}
	})
	b.Run("words-reference", func(b *testing.B) {
		for b.Loop() {
			for _, t := range fields {
				search.Words(t)
			}
		}
	})
}
