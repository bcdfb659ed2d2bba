package transfer_test

import (
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

// An UpdateOnly item updates the material an earlier run made and never
// creates one, on a dry run as on a real one.
func TestApplyUpdateOnlyNeverCreates(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		src := newSource(t)
		gone := article("Gammelt", material.Unpublished)
		gone.Slug = "gammelt"
		cover := src.file("uploads/forside.png", "Forside")
		b := func(status material.Status, updateOnly bool) *transfer.Bundle {
			m := article("Skolestart", status)
			m.Slug = "skolestart"
			return &transfer.Bundle{Source: "test:gone", Items: []transfer.Item{
				{Key: "post:1", Material: m, OldPaths: []string{"/?p=1"}, UpdateOnly: updateOnly},
				{Key: "post:2", Material: gone, Cover: &cover, OldPaths: []string{"/?p=2"}, UpdateOnly: true},
			}}
		}
		for _, dry := range []bool{true, false} {
			rep := h.apply(t, b(material.Published, false), transfer.Options{OwnWork: true, DryRun: dry})
			if rep.Created != 1 || rep.Skipped != 0 || len(rep.Items) != 1 || rep.Redirects != 1 ||
				rep.MediaStored != 0 {
				t.Errorf("dry run %v: %d created, %d skipped, %d redirects, %d files, items %+v; "+
					"want only post:1", dry, rep.Created, rep.Skipped, rep.Redirects, rep.MediaStored, rep.Items)
			}
		}
		if src.opens.Load() != 0 || h.count(t, "materials") != 1 {
			t.Errorf("%d files opened, %d materials; want none opened and one material",
				src.opens.Load(), h.count(t, "materials"))
		}

		rep := h.apply(t, b(material.Unpublished, true), transfer.Options{OwnWork: true})
		if rep.Updated != 1 || rep.Created != 0 || len(rep.Items) != 1 {
			t.Fatalf("update-only run: %d updated, %d created, items %+v", rep.Updated, rep.Created, rep.Items)
		}
		if m := h.byKey(t, rep, "post:1"); m.Status != material.Unpublished {
			t.Errorf("status %s, want unpublished", m.Status)
		}
		if _, public, err := st.OldPathTarget(ctx, "/?p=1"); err != nil || public {
			t.Errorf("old address public %v, %v; want it leading nowhere public", public, err)
		}

		// The store itself creates nothing for an update-only item it has
		// no material for, as when the material went between check and store.
		res, err := st.Import(ctx, &storage.ImportSet{Source: "test:gone", Items: []storage.ImportItem{
			{Key: "post:3", Hash: "x", Slug: "nyt", M: &gone, UpdateOnly: true}}})
		if err != nil || len(res.Items) != 1 || res.Items[0].Action != storage.ImportLeftOut ||
			h.count(t, "materials") != 1 {
			t.Errorf("store: %+v, %v, %d materials; want the item left out", res, err, h.count(t, "materials"))
		}
	})
}
