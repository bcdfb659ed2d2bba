package storage_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search/corpus"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// BenchmarkSearch measures the search index on N synthetic materials of
// about 600 words each (BINDELED_SEARCH_N, 2,000 unless set) on SQLite:
// building the index, and one- to three-word queries with and without
// the listing's facets, each beside a plain LIKE scan of the same texts
// in the same run. docs/performance.md has the command and figures.
func BenchmarkSearch(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("BINDELED_SEARCH_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	st := storagetest.Open(b, storage.SQLite)
	g := corpus.New(7, 30000)
	start := time.Now()
	for i := 0; i < n; i++ {
		m := &material.Material{Kind: material.Article, Title: g.Text(6), Summary: g.Text(25), Body: g.Text(570),
			Language: "da", Audiences: []material.Audience{material.Parents}, Status: material.Published}
		if err := st.CreateMaterial(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d materials stored and indexed in %v", n, time.Since(start).Round(time.Millisecond))

	var queries []string
	rng := g.Rand()
	for i := 0; i < 200; i++ {
		words := make([]string, 1+rng.IntN(3))
		for j := range words {
			words[j] = g.Stem(rng.IntN(3000)) // words people search for are not the rarest
		}
		queries = append(queries, strings.Join(words, " "))
	}

	// Building the whole index again, once: a benchmark loop would
	// rebuild it b.N times.
	t0 := time.Now()
	if _, err := st.Reindex(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("index built again in %v (%.0f materials/s)", time.Since(t0).Round(time.Millisecond),
		float64(n)/time.Since(t0).Seconds())
	measure := func(b *testing.B, run func(q string)) {
		var took []time.Duration
		i := 0
		for b.Loop() {
			q := queries[i%len(queries)]
			i++
			t0 := time.Now()
			run(q)
			took = append(took, time.Since(t0))
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		b.ReportMetric(rssMB(), "rss-MB")
	}
	b.Run("index", func(b *testing.B) {
		measure(b, func(q string) {
			if _, err := st.Search(ctx, q, storage.SearchOptions{PublishedOnly: true}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("index+facets", func(b *testing.B) {
		measure(b, func(q string) {
			hits, err := st.Search(ctx, q, storage.SearchOptions{PublishedOnly: true})
			if err != nil {
				b.Fatal(err)
			}
			facets, err := st.PublishedFacets(ctx)
			if err != nil {
				b.Fatal(err)
			}
			found := make(map[int64]bool, len(hits))
			for _, h := range hits {
				found[h.ID] = true
			}
			facets = slices.DeleteFunc(facets, func(f material.Facet) bool { return !found[f.ID] })
			material.Select(facets, material.Filter{Audiences: []material.Audience{material.Parents}})
		})
	})
	b.Run("like-scan", func(b *testing.B) {
		measure(b, func(q string) {
			if _, _, err := st.SearchMaterials(ctx, q, 20, 0); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// rssMB is the process's resident memory in MB, from /proc.
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
