package storage_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search/corpus"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestIndexKeptEqualsRebuilt: whatever saves do to the index, it holds
// what building it from scratch gives, on both databases.
func TestIndexKeptEqualsRebuilt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		g := corpus.New(3, 400)
		var ms []*material.Material
		for i := range 30 {
			m := article(g.Text(5), material.Published)
			m.Summary, m.Body = g.Text(15), g.Text(80)
			if i%7 == 0 {
				m.Kind, m.LinkURL, m.LinkPublisher = material.Link, "https://example.org/x", "Forældrenes Hus"
			}
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		var bulk []*material.Material
		for range 12 {
			m := article(g.Text(5), material.Published)
			m.Summary, m.Body = g.Text(15), g.Text(80)
			bulk = append(bulk, m)
		}
		if err := st.CreateMaterials(ctx, bulk); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, bulk...)
		for i, m := range ms {
			switch i % 3 {
			case 0: // a new title: words move between fields
				m.Title = g.Text(4)
			case 1: // a word removed from the body, another added
				m.Body = g.Text(70) + " skolehjemsamtale"
			}
			if err := st.UpdateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		kept := indexRows(t, st)
		if _, err := st.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		if rebuilt := indexRows(t, st); !reflect.DeepEqual(kept, rebuilt) {
			t.Errorf("the kept index differs from a rebuilt one: %d and %d rows", len(kept["search_postings"]),
				len(rebuilt["search_postings"]))
		}
	})
}

func indexRows(t *testing.T, st *storage.Store) map[string][][]any {
	t.Helper()
	out := map[string][][]any{}
	for _, table := range []string{"search_postings"} {
		rows, err := st.TableRows(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		out[table] = rows
	}
	return out
}

// TestIndexConcurrentSaves: saves of materials in one block at the same
// time (several instances would do the same) lose none of each other's
// words.
func TestIndexConcurrentSaves(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				m := article(fmt.Sprintf("Fælles ord og eget ord%c", 'a'+i), material.Published)
				errs <- st.CreateMaterial(ctx, m)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		hits, err := st.Search(ctx, "fælles", storage.SearchOptions{})
		if err != nil || len(hits) != 8 {
			t.Fatalf("%d of 8 materials found by their shared word (%v)", len(hits), err)
		}
		for i := range 8 {
			hits, err := st.Search(ctx, fmt.Sprintf("ord%c", 'a'+i), storage.SearchOptions{})
			if err != nil || len(hits) == 0 {
				t.Errorf("ord%c: %d hits (%v)", 'a'+i, len(hits), err)
			}
		}
	})
}

// TestSnapshotFollowsOtherInstances: a second store on the same database,
// as another instance would be, sees a publication at once in its facets
// and search results, though it read them before.
func TestSnapshotFollowsOtherInstances(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			dsn := storagetest.DSN(t, b)
			one, two := openMigrated(t, dsn), openMigrated(t, dsn)
			m := article("Lektiecafé for alle", material.Draft)
			if err := one.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			visible := func() (int, int) {
				fs, err := two.PublishedFacets(ctx)
				if err != nil {
					t.Fatal(err)
				}
				hits, err := two.Search(ctx, "lektiecafe", storage.SearchOptions{PublishedOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				return fs.Len(), len(hits)
			}
			if f, h := visible(); f != 0 || h != 0 {
				t.Fatalf("a draft is visible: %d facets, %d hits", f, h)
			}
			m.Status = material.Published
			if err := one.UpdateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			if f, h := visible(); f != 1 || h != 1 {
				t.Errorf("the other instance does not see the publication: %d facets, %d hits", f, h)
			}
			m.GradeBands = []material.GradeBand{material.Grades7to9}
			if err := one.UpdateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			fs, err := two.PublishedFacets(ctx)
			if err != nil || fs.Len() != 1 || !reflect.DeepEqual(fs.Facets()[0].Grades, m.GradeBands) {
				t.Errorf("the other instance does not see the new grade band: %+v %v", fs, err)
			}
		})
	}
}

func openMigrated(t *testing.T, dsn string) *storage.Store {
	t.Helper()
	st, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx, storagetest.Logger()); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCreateMaterialsAllOrNothing: one bad material in a batch leaves
// neither the others nor their words behind.
func TestCreateMaterialsAllOrNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		good := article("Madpakker med mening", material.Published)
		bad := article("Ukendt skole", material.Published)
		bad.SchoolID = 999 // no such school
		if err := st.CreateMaterials(ctx, []*material.Material{good, bad}); err == nil {
			t.Fatal("a batch with a material of an unknown school was stored")
		}
		if rows, _ := st.TableRows(ctx, "materials"); len(rows) != 0 {
			t.Errorf("%d materials left by a failed batch", len(rows))
		}
		if rows, _ := st.TableRows(ctx, "search_postings"); len(rows) != 0 {
			t.Errorf("%d postings rows left by a failed batch", len(rows))
		}
	})
}

// TestCompoundOfKnownParts: a compound that no material has whole finds
// the materials with its parts, below those that have it whole.
func TestCompoundOfKnownParts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		board := article("Skolebestyrelsen mødes hver måned", material.Published)
		wellbeing := article("Trivsel i klassen", material.Published)
		for _, m := range []*material.Material{board, wellbeing} {
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]int64{"skolebestyrelsesmedlem": board.ID, "trivselsmåling": wellbeing.ID,
			"trivselsundersøgelserne": wellbeing.ID} {
			hits, err := st.Search(ctx, q, storage.SearchOptions{PublishedOnly: true})
			if err != nil || len(hits) == 0 || hits[0].ID != want {
				t.Errorf("%q: %+v (%v)", q, hits, err)
			}
		}
		if hits, _ := st.Search(ctx, "xyzqvbnmwq", storage.SearchOptions{}); len(hits) != 0 {
			t.Errorf("a word of no known parts finds %d", len(hits))
		}
	})
}

// TestSuggestionsStayNear: "did you mean" offers only words near enough
// for their length, and never for numbers.
func TestSuggestionsStayNear(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := article("Ja til fire af de gode vaner og trivsel", material.Published)
		m.Body = "Ord om skolen."
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]string{"jazx": "", "asdf": "", "ferie": "", "ord0 ord1": "",
			"trivsl": "trivsel", "tirvsel": "trivsel", "skolne": "skolen"} {
			got, err := st.Suggest(ctx, q, storage.SearchOptions{PublishedOnly: true})
			if err != nil || got != want {
				t.Errorf("Suggest(%q) = %q (%v), want %q", q, got, err, want)
			}
		}
	})
}
