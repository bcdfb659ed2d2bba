package storage_test

import (
	"testing"

	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestReadSnapshot: a snapshot does not see what is saved while it reads,
// and cannot write.
func TestReadSnapshot(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		first := storage.Theme{Slug: "foerste", Name: "Første"}
		if err := st.SaveTheme(ctx, &first); err != nil {
			t.Fatal(err)
		}
		err := st.ReadSnapshot(ctx, func(snap *storage.Store) error {
			before, err := snap.Themes(ctx)
			if err != nil {
				return err
			}
			meanwhile := storage.Theme{Slug: "imens", Name: "Imens"}
			if err := st.SaveTheme(ctx, &meanwhile); err != nil {
				t.Fatalf("a save while a snapshot reads: %v", err)
			}
			after, err := snap.Themes(ctx)
			if err != nil {
				return err
			}
			if len(before) != 1 || len(after) != 1 {
				t.Errorf("the snapshot saw %d themes, then %d; want 1 and 1", len(before), len(after))
			}
			if err := snap.SaveTheme(ctx, &storage.Theme{Slug: "nej", Name: "Nej"}); err == nil {
				t.Error("a save through a snapshot worked")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		themes, err := st.Themes(ctx)
		if err != nil || len(themes) != 2 {
			t.Errorf("after the snapshot: %d themes, %v; want 2", len(themes), err)
		}
	})
}
