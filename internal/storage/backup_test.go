package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestSnapshotToCoversEveryTable: a snapshot of a database with a row in
// every table (fill) holds every one of them, on both backends, and is a
// single SQLite file that passes the integrity check.
func TestSnapshotToCoversEveryTable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		fill(t, st)
		path := filepath.Join(t.TempDir(), "snapshot.db")
		if err := st.SnapshotTo(ctx, path); err != nil {
			t.Fatal(err)
		}
		if err := st.SnapshotTo(ctx, path); err == nil {
			t.Error("a snapshot over an existing file worked")
		}
		snap, err := storage.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		if err := snap.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		compareAll(t, st, snap)

		keys, err := snap.StoredKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) == 0 {
			t.Error("the snapshot names no media files")
		}
	})
}
