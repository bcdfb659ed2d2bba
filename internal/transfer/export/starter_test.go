package export

import (
	"path/filepath"
	"testing"

	bindeledhub "github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestRestoreKeepsTheStarterOut restores an export of a hub without
// materials; starting the hub afterwards must not load the starter
// collection into it, as it does into a new hub.
func TestRestoreKeepsTheStarterOut(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, src *storage.Store) {
		srcBlobs := newBlobs(t)
		dir := filepath.Join(t.TempDir(), "tom")
		m, err := Export(ctx, src, srcBlobs, dir, ExportOptions{Format: FormatJSON})
		if err != nil {
			t.Fatal(err)
		}
		if m.Counts["materials"] != 0 {
			t.Fatalf("the empty hub's export has %d materials", m.Counts["materials"])
		}

		restored, restoredBlobs := storagetest.Open(t, src.Backend()), newBlobs(t)
		if _, err := Restore(ctx, restored, restoredBlobs, dir); err != nil {
			t.Fatal(err)
		}
		must(t, bindeledhub.LoadStarter(ctx, restored, restoredBlobs, storagetest.Logger()))
		for _, table := range []string{"materials", "themes", "schools", "media"} {
			if n := len(rowsOf(t, restored, table)); n != 0 {
				t.Errorf("%s: %d rows after starting the restored hub, want none", table, n)
			}
		}

		// A new hub gets the starter collection, so the check above can fail.
		fresh, freshBlobs := storagetest.Open(t, src.Backend()), newBlobs(t)
		must(t, bindeledhub.LoadStarter(ctx, fresh, freshBlobs, storagetest.Logger()))
		if n := len(rowsOf(t, fresh, "materials")); n == 0 {
			t.Error("a new hub got no starter collection")
		}
	})
}
