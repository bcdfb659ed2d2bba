package wordpress

import (
	"context"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestBundleStores stores what the reader makes of the fixture directly,
// without the import core, on every backend: the themes and materials
// must be acceptable to the database as they are, and come back the same.
func TestBundleStores(t *testing.T) {
	b := readSite(t, Options{})
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		themeIDs := map[string]int64{}
		for _, th := range b.Themes {
			s := storage.Theme{Slug: th.Slug, Name: th.Name, Description: th.Description}
			if err := st.SaveTheme(ctx, &s); err != nil {
				t.Fatalf("theme %s: %v", th.Key, err)
			}
			themeIDs[th.Key] = s.ID
		}
		var ms []*material.Material
		for _, it := range b.Items {
			m := it.Material
			for _, k := range it.ThemeKeys {
				m.ThemeIDs = append(m.ThemeIDs, themeIDs[k])
			}
			ms = append(ms, &m)
		}
		if err := st.CreateMaterials(ctx, ms); err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		got, err := st.MaterialsByID(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ms) {
			t.Fatalf("%d materials back, want %d", len(got), len(ms))
		}
		byID := map[int64]*material.Material{}
		for _, m := range got {
			byID[m.ID] = m
		}
		for _, want := range ms {
			m := byID[want.ID]
			if m == nil {
				t.Errorf("%q not stored", want.Title)
				continue
			}
			if m.Title != want.Title || m.Body != want.Body || m.Summary != want.Summary ||
				m.Status != want.Status || m.Kind != want.Kind || len(m.ThemeIDs) != len(want.ThemeIDs) ||
				!m.PublishedAt.Equal(want.PublishedAt) || !m.ScheduledAt.Equal(want.ScheduledAt) {
				t.Errorf("stored %q differs:\n got %+v\nwant %+v", want.Title, m, want)
			}
		}
	})
}
