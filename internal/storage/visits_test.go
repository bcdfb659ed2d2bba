package storage_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestVisitsCountedAcrossInstances: two stores on one database, as two
// instances of a hub are, count concurrent visits without losing one.
func TestVisitsCountedAcrossInstances(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			dsn := storagetest.DSN(t, b)
			one, two := openMigrated(t, dsn), openMigrated(t, dsn)
			m := article("Delt i Aula", material.Published)
			if err := one.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}

			const perWorker = 25
			var wg sync.WaitGroup
			errs := make(chan error, 4*perWorker)
			for _, st := range []*storage.Store{one, two, one, two} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range perWorker {
						errs <- st.CountVisit(ctx, m.ID, "aula", "2030-04-02")
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}

			got, err := two.MaterialVisits(ctx, m.ID, "2030-04-01", "2030-04-30")
			if err != nil {
				t.Fatal(err)
			}
			want := []storage.DayVisits{{Day: "2030-04-02", Channel: "aula", Visits: 4 * perWorker}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("visits: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestVisitsPerDayAndTotals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		a := article("Aula-materialet", material.Published)
		b := article("Plakaten", material.Published)
		for _, m := range []*material.Material{a, b} {
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		visits := []struct {
			id           int64
			channel, day string
			times        int
		}{
			{a.ID, "aula", "2030-03-31", 1}, // before the period
			{a.ID, "aula", "2030-04-01", 2},
			{a.ID, "aula", "2030-04-03", 3},
			{a.ID, "qr", "2030-04-03", 1},
			{b.ID, "plakat", "2030-04-30", 4},
			{b.ID, "plakat", "2030-05-01", 9}, // after it
		}
		for _, v := range visits {
			for range v.times {
				if err := st.CountVisit(ctx, v.id, v.channel, v.day); err != nil {
					t.Fatal(err)
				}
			}
		}

		got, err := st.MaterialVisits(ctx, a.ID, "2030-04-01", "2030-04-30")
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.DayVisits{{"2030-04-03", "aula", 3}, {"2030-04-03", "qr", 1}, {"2030-04-01", "aula", 2}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("per day: got %+v, want %+v", got, want)
		}

		totals, err := st.VisitTotals(ctx, "2030-04-01", "2030-04-30")
		if err != nil {
			t.Fatal(err)
		}
		wantTotals := []storage.ChannelTotal{
			{MaterialID: a.ID, Title: "Aula-materialet", Channel: "aula", Visits: 5},
			{MaterialID: a.ID, Title: "Aula-materialet", Channel: "qr", Visits: 1},
			{MaterialID: b.ID, Title: "Plakaten", Channel: "plakat", Visits: 4},
		}
		if !reflect.DeepEqual(totals, wantTotals) {
			t.Errorf("totals: got %+v, want %+v", totals, wantTotals)
		}
	})
}

// TestCountsWrittenTogether: the web server's gathered counts are added
// to what is stored; a visit to a material that is gone meanwhile does
// not keep the others from being written, and searches that mask alike
// count together.
func TestCountsWrittenTogether(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := article("Delt i Aula", material.Published)
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := st.CountVisit(ctx, m.ID, "aula", "2026-12-05"); err != nil {
			t.Fatal(err)
		}
		err := st.CountVisits(ctx, map[storage.Visit]int{
			{MaterialID: m.ID, Channel: "aula", Day: "2026-12-05"}:        4,
			{MaterialID: m.ID, Channel: "facebook", Day: "2026-12-05"}:    2,
			{MaterialID: m.ID + 1000, Channel: "aula", Day: "2026-12-05"}: 9, // gone
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.MaterialVisits(ctx, m.ID, "2026-12-01", "2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.DayVisits{{Day: "2026-12-05", Channel: "aula", Visits: 5},
			{Day: "2026-12-05", Channel: "facebook", Visits: 2}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("visits %+v, want %+v", got, want)
		}
		_, err = st.LogMissedSearches(ctx, map[string]int{"Ring 12345678": 2, "ring  87654321": 3, "  ": 4})
		if err != nil {
			t.Fatal(err)
		}
		misses, err := st.MissedSearches(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(misses) != 1 || misses[0].Query != "ring [tal]" || misses[0].Count != 5 {
			t.Errorf("missed searches %+v, want \"ring [tal]\" 5 times", misses)
		}
	})
}

// TestMissedSearchesAreBounded: a flood of made-up searches fills the
// list up to MaxMissedSearches and no further; a query already kept is
// still counted, a new one is dropped and said to be, and room made by
// deleting is used again.
func TestMissedSearchesAreBounded(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		flood := map[string]int{"madpakker": 1}
		for i := range storage.MaxMissedSearches + 50 {
			flood[fmt.Sprintf("zq%dxw", i%1000)+strings.Repeat("k", i/1000)] = 1
		}
		dropped, err := st.LogMissedSearches(ctx, flood)
		if err != nil {
			t.Fatal(err)
		}
		if dropped != 51 {
			t.Errorf("%d of %d new queries dropped, want 51", dropped, len(flood))
		}
		n, err := st.CountMissedSearches(ctx)
		if err != nil || n != storage.MaxMissedSearches {
			t.Fatalf("%d queries kept (%v), want %d", n, err, storage.MaxMissedSearches)
		}
		// The list is full: a kept query counts, a new one does not.
		misses, err := st.MissedSearches(ctx, storage.MaxMissedSearches)
		if err != nil {
			t.Fatal(err)
		}
		kept := misses[0].Query
		if dropped, err = st.LogMissedSearches(ctx, map[string]int{kept: 4, "ny søgning": 1}); err != nil {
			t.Fatal(err)
		}
		if dropped != 1 {
			t.Errorf("a full list dropped %d new queries, want 1", dropped)
		}
		misses, err = st.MissedSearches(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(misses) != 1 || misses[0].Query != kept || misses[0].Count != 5 {
			t.Errorf("after counting %q again: %+v, want it 5 times", kept, misses)
		}
		if err := st.DeleteMissedSearch(ctx, kept); err != nil {
			t.Fatal(err)
		}
		if dropped, err = st.LogMissedSearches(ctx, map[string]int{"ny søgning": 1}); err != nil || dropped != 0 {
			t.Fatalf("after a deletion: %d dropped (%v), want the new query kept", dropped, err)
		}
		if n, err := st.CountMissedSearches(ctx); err != nil || n != storage.MaxMissedSearches {
			t.Errorf("%d queries kept (%v), want %d", n, err, storage.MaxMissedSearches)
		}
	})
}
