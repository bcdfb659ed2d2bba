package transfer_test

import (
	"slices"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

// An old address leads to the material that claimed it first: a second
// import, or a later item of the same bundle, does not take it over.
func TestOldPathFirstClaimWins(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		first := article("Skolestart", material.Published)
		first.Slug = "skolestart"
		h.apply(t, &transfer.Bundle{Source: "test:a", Items: []transfer.Item{
			{Key: "post:10", Where: "a.xml: Skolestart", Material: first, OldPaths: []string{"/?p=10"}}}},
			transfer.Options{OwnWork: true})

		item := func(key, title string, paths ...string) transfer.Item {
			m := article(title, material.Published)
			m.Slug = material.Slugify(title)
			return transfer.Item{Key: key, Where: "b.xml: " + title, Material: m, OldPaths: paths}
		}
		b := &transfer.Bundle{Source: "test:b", Items: []transfer.Item{
			item("post:1", "Madpakker", "/?p=10", "/?p=20", "/?p=30"),
			item("post:2", "Frugt", "/?utm_source=aula&p=30", "/?p=40"),
		}}
		wantProblems := []transfer.Problem{
			{Where: "b.xml: Frugt", Code: transfer.CodeOldPathTaken, Detail: "/?p=30"},
			{Where: "b.xml: Madpakker", Code: transfer.CodeOldPathTaken, Detail: "/?p=10"},
		}
		check := func(rep *transfer.Report, run string) {
			t.Helper()
			got := slices.Clone(rep.Problems)
			slices.SortFunc(got, func(x, y transfer.Problem) int { return cmpString(x.Where, y.Where) })
			if !slices.Equal(got, wantProblems) {
				t.Errorf("%s: problems %+v, want %+v", run, got, wantProblems)
			}
			if rep.Redirects != 3 {
				t.Errorf("%s: %d redirects, want 3 (/?p=20, /?p=30, /?p=40)", run, rep.Redirects)
			}
		}
		check(h.apply(t, b, transfer.Options{OwnWork: true, DryRun: true}), "dry run")
		check(h.apply(t, b, transfer.Options{OwnWork: true}), "import")

		for path, want := range map[string]string{"/?p=10": "skolestart", "/?p=20": "madpakker",
			"/?p=30": "madpakker", "/?p=40": "frugt"} {
			slug, _, err := st.OldPathTarget(ctx, path)
			if err != nil || slug != want {
				t.Errorf("%s leads to %q, %v; want %s", path, slug, err, want)
			}
		}
		for _, dry := range []bool{true, false} {
			rep := h.apply(t, b, transfer.Options{OwnWork: true, DryRun: dry})
			if rep.Unchanged != 2 || rep.Redirects != 0 || len(rep.Problems) != 1 {
				t.Errorf("second run (dry %v): %d unchanged, %d redirects, problems %+v; "+
					"want both unchanged with only the bundle's own clash", dry, rep.Unchanged, rep.Redirects,
					rep.Problems)
			}
		}
	})
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
