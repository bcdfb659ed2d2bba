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
//
// BINDELED_SEARCH_DB names an SQLite file that keeps the materials
// between runs; one that holds N materials already is used as it is.
func BenchmarkSearch(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("BINDELED_SEARCH_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	var st *storage.Store
	if path := os.Getenv("BINDELED_SEARCH_DB"); path != "" {
		var err error
		if st, err = storage.Open(ctx, path); err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		if err := st.Migrate(ctx, storagetest.Logger()); err != nil {
			b.Fatal(err)
		}
	} else {
		st = storagetest.Open(b, storage.SQLite)
	}
	if _, total, err := st.SearchMaterials(ctx, "", 1, 0); err != nil {
		b.Fatal(err)
	} else if total != n {
		if total != 0 {
			b.Fatalf("the database holds %d materials, not %d", total, n)
		}
		createMaterials(b, st, n)
	}

	// Building the whole index again, once: a benchmark loop would
	// rebuild it b.N times. The peak memory is the process's from here.
	resetPeakMemory(b)
	t0 := time.Now()
	if _, err := st.Reindex(ctx); err != nil {
		b.Fatal(err)
	}
	took := time.Since(t0)
	b.Logf("index built again in %v (%.0f materials/s), peak resident memory meanwhile %.0f MB",
		took.Round(time.Millisecond), float64(n)/took.Seconds(), procMB("VmHWM"))

	queries := benchQueries()
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
		b.ReportMetric(procMB("VmRSS"), "rss-MB")
		b.ReportMetric(procMB("VmHWM"), "peak-rss-MB")
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
			// as the listing does
			hits, err := st.Search(ctx, q, storage.SearchOptions{PublishedOnly: true})
			if err != nil {
				b.Fatal(err)
			}
			facets, order, err := st.RankedFacets(ctx, hits)
			if err != nil {
				b.Fatal(err)
			}
			facets.SelectRanked(order, material.Filter{Audiences: []material.Audience{material.Parents}})
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

// createMaterials stores n synthetic materials, in batches of one index
// block each.
func createMaterials(b *testing.B, st *storage.Store, n int) {
	g := corpus.New(7, 30000)
	start := time.Now()
	audiences := []material.Audience{material.Parents, material.Teachers, material.Leaders}
	const batchSize = 4096
	for i := 0; i < n; i += batchSize {
		batch := make([]*material.Material, 0, batchSize)
		for j := i; j < min(n, i+batchSize); j++ {
			batch = append(batch, &material.Material{Kind: material.Article, Title: g.Text(6), Summary: g.Text(25),
				Body: g.Text(570), Language: "da", Audiences: audiences[j%len(audiences) : j%len(audiences)+1],
				Status: material.Published})
		}
		if err := st.CreateMaterials(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%d materials stored and indexed in batches of %d in %v", n, batchSize,
		time.Since(start).Round(time.Millisecond))
}

// benchQueries are 200 queries of one to three of the corpus's 3,000
// commonest words: words people search for are not the rarest.
func benchQueries() []string {
	g := corpus.New(7, 30000) // the materials' words, from a source of its own
	rng := g.Rand()
	var queries []string
	for range 200 {
		words := make([]string, 1+rng.IntN(3))
		for j := range words {
			words[j] = g.Stem(rng.IntN(3000))
		}
		queries = append(queries, strings.Join(words, " "))
	}
	return queries
}

// resetPeakMemory starts the process's peak resident memory (VmHWM)
// afresh, as Linux allows through /proc/self/clear_refs.
func resetPeakMemory(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("peak memory not reset: %v", err)
	}
}

// procMB is a memory figure of the process in MB from /proc: VmRSS, its
// resident memory, or VmHWM, the most it has had.
func procMB(key string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
