package transfer_test

import (
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

// An imported draft keeps the source's slug when it is published through
// the workflow, though the slug is not the one its title gives.
func TestImportedSlugStaysAtPublication(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		draft := article("Planlagt indlæg", material.Draft)
		draft.Slug = "planlagt"
		draft.PublishedAt = time.Time{}
		rep := h.apply(t, &transfer.Bundle{Source: "test:slug",
			Items: []transfer.Item{{Key: "post:7", Material: draft}}}, transfer.Options{OwnWork: true})
		m := h.byKey(t, rep, "post:7")
		if m.Slug != "planlagt" {
			t.Fatalf("imported slug %q, want planlagt", m.Slug)
		}
		m.Status = material.Published
		if err := st.SaveMaterial(ctx, m, storage.Save{From: material.Draft, Message: "Udgivet"}); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetMaterial(ctx, m.ID)
		if err != nil || got.Slug != "planlagt" || got.Status != material.Published {
			t.Fatalf("after publication: slug %q, status %s, %v; want planlagt, published", got.Slug, got.Status, err)
		}

		// A material whose slug is its title's still follows a new title.
		own := article("Madpakker", material.Draft)
		if err := st.SaveMaterial(ctx, &own, storage.Save{}); err != nil {
			t.Fatal(err)
		}
		own.Title = "Madpakker og frugt"
		if err := st.SaveMaterial(ctx, &own, storage.Save{From: material.Draft}); err != nil {
			t.Fatal(err)
		}
		if own.Slug != "madpakker-og-frugt" {
			t.Errorf("renamed material's slug %q, want madpakker-og-frugt", own.Slug)
		}
	})
}
