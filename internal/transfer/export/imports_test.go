package export

import (
	"path/filepath"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

// TestRestoredImportsRunAgain restores a hub with an imported material and
// runs the same import into it: the item is found unchanged and its files
// reused, a changed item updates the restored material instead of adding
// one, old addresses still lead to it and its inline image is public
// exactly when it is.
func TestRestoredImportsRunAgain(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, src *storage.Store) {
		srcBlobs := newBlobs(t)
		h := fillHub(t, src, srcBlobs)
		for _, format := range []string{FormatJSON, FormatMarkdown} {
			t.Run(format, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "eksport")
				if _, err := Export(ctx, src, srcBlobs, dir, ExportOptions{Format: format}); err != nil {
					t.Fatal(err)
				}
				dst, dstBlobs := storagetest.Open(t, src.Backend()), newBlobs(t)
				if _, err := Restore(ctx, dst, dstBlobs, dir); err != nil {
					t.Fatal(err)
				}
				checkOldPaths(t, dst, h.imported.Slug)
				checkInline(t, dst, h)
				checkImportAgain(t, dst, dstBlobs, h)
			})
		}
	})
}

func checkOldPaths(t *testing.T, st *storage.Store, slug string) {
	t.Helper()
	for _, raw := range []string{"/2016/12/importeret-om-trivsel/", "/?p=7&utm_source=nyhedsbrev"} {
		path, ok := storage.OldPath(raw)
		if !ok {
			t.Fatalf("%s: not an old address", raw)
		}
		got, public, err := st.OldPathTarget(ctx, path)
		if err != nil || got != slug || !public {
			t.Errorf("old address %s after restore: %q public=%v, %v; want %q, public", raw, got, public, err, slug)
		}
	}
}

// checkInline unpublishes the restored imported material and publishes it
// again, and asks each time whether its inline image is public.
func checkInline(t *testing.T, st *storage.Store, h *hub) {
	t.Helper()
	m, err := st.GetMaterialBySlug(ctx, h.imported.Slug)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.InlineMedia(ctx, m.ID)
	if err != nil || len(ids) != 1 {
		t.Fatalf("inline images after restore: %v, %v", ids, err)
	}
	f, err := st.GetMedia(ctx, ids[0])
	if err != nil || f.Key != h.importedFiles[1] {
		t.Fatalf("inline image after restore: %+v, %v; want %s", f, err, h.importedFiles[1])
	}
	for _, step := range []struct {
		from, to material.Status
		public   bool
	}{{material.Published, material.Unpublished, false}, {material.Unpublished, material.Published, true}} {
		m.Status = step.to
		if err := st.SaveMaterial(ctx, m, storage.Save{From: step.from}); err != nil {
			t.Fatal(err)
		}
		if public, err := st.MediaIsPublic(ctx, ids[0], 0); err != nil || public != step.public {
			t.Errorf("inline image of a %s material: public %v, %v; want %v", step.to, public, err, step.public)
		}
	}
}

// checkImportAgain imports the bundle the source hub was filled with into
// the restored hub, then a changed version of it.
func checkImportAgain(t *testing.T, st *storage.Store, blobs media.Blobs, h *hub) {
	t.Helper()
	before := len(rowsOf(t, st, "materials"))
	rep, err := transfer.Apply(ctx, st, blobs, importBundle(t), transfer.Options{OwnWork: true,
		TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("import into the restored hub: %v (%+v)", err, rep)
	}
	if rep.Unchanged != len(rep.Items) || rep.Created+rep.Updated != 0 || rep.MediaStored != 0 ||
		rep.MediaReused != 2 || rep.Redirects != 0 {
		t.Errorf("the same import into the restored hub: %+v; want every item unchanged, every file reused", rep)
	}
	if n := len(rowsOf(t, st, "materials")); n != before {
		t.Errorf("materials: %d after the import, %d before", n, before)
	}

	b := importBundle(t)
	b.Items[0].Material.Summary = "Rettet på det gamle site."
	rep, err = transfer.Apply(ctx, st, blobs, b, transfer.Options{OwnWork: true, TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("changed import into the restored hub: %v (%+v)", err, rep)
	}
	if rep.Updated != 1 || rep.Created != 0 || len(rep.Items) != 1 || rep.Items[0].Slug != h.imported.Slug {
		t.Errorf("a changed item: %+v; want the restored material %s updated", rep, h.imported.Slug)
	}
	m, err := st.GetMaterialBySlug(ctx, h.imported.Slug)
	if err != nil || m.Summary != "Rettet på det gamle site." {
		t.Errorf("the restored material after the changed import: %+v, %v", m, err)
	}
	if n := len(rowsOf(t, st, "materials")); n != before {
		t.Errorf("materials: %d after the changed import, %d before", n, before)
	}
}
