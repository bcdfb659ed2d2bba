package transfer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
)

var ctx = context.Background()

// source is a bundle's files, counting how often they are opened.
type source struct {
	files map[string][]byte
	opens atomic.Int32
}

func newSource(t *testing.T) *source {
	return &source{files: map[string][]byte{
		"uploads/forside.png": pngBytes(t, 40, 30, 10),
		"uploads/inde.png":    pngBytes(t, 20, 20, 200),
		"uploads/plan.pdf":    []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
	}}
}

func (s *source) file(key, alt string) transfer.File {
	return transfer.File{Key: key, Name: key[strings.LastIndex(key, "/")+1:], Alt: alt,
		Open: func(context.Context) (io.ReadCloser, error) {
			s.opens.Add(1)
			data, ok := s.files[key]
			if !ok {
				return nil, fs.ErrNotExist
			}
			return io.NopCloser(bytes.NewReader(data)), nil
		}}
}

func pngBytes(t testing.TB, w, h int, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, 0, color.RGBA{shade, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func article(title string, status material.Status) material.Material {
	return material.Material{Kind: material.Article, Title: title, Summary: "Et kort resumé.",
		Body: "## Om emnet\n\nTekst om " + title + ".", Audiences: []material.Audience{material.Parents},
		Language: "da", Status: status, PublishedAt: time.Date(2016, 12, 1, 9, 0, 0, 0, time.UTC)}
}

// future is when the sample's scheduled item is planned.
var future = time.Now().Add(48 * time.Hour).UTC().Truncate(time.Millisecond)

// sample is a bundle of three items: a published article with a cover,
// an inline image and old addresses, a guide with an attachment, and a
// scheduled article.
func sample(src *source) *transfer.Bundle {
	pub := article("Trivsel i klassen", material.Published)
	pub.Slug = "trivsel-i-klassen"
	pub.Body = "## Billede\n\n![Elever i skolegården](" + transfer.InlineRef(0) + ")\n\nMere tekst."
	guide := article("Plan for skoleåret", material.Draft)
	guide.Kind = material.Guide
	sched := article("Skolestart", material.Scheduled)
	sched.ScheduledAt = future
	sched.PublishedAt = time.Time{}
	cover := src.file("uploads/forside.png", "Forsiden af folderen")
	return &transfer.Bundle{
		Source: "test:sample",
		Themes: []transfer.Theme{{Key: "category:trivsel", Slug: "trivsel", Name: "Trivsel"}},
		Users:  []transfer.User{{Key: "author:jens", Email: "Jens@Example.dk", Name: "Jens Hansen"}},
		Items: []transfer.Item{
			{Key: "post:1", Where: "export.xml: Trivsel i klassen", Material: pub,
				ThemeKeys: []string{"category:trivsel"},
				AuthorKey: "author:jens", Cover: &cover, Inline: []transfer.File{src.file("uploads/inde.png", "")},
				OldPaths: []string{"/2016/12/trivsel-i-klassen/", "/?p=1"}},
			{Key: "post:2", Where: "export.xml: Plan", Material: guide,
				Attachments: []transfer.Attachment{{File: src.file("uploads/plan.pdf", ""), Title: "Planen"}}},
			{Key: "post:3", Where: "export.xml: Skolestart", Material: sched, OldPaths: []string{"/?p=3"}},
		},
	}
}

// hub is a store and a media folder.
type hub struct {
	st    *storage.Store
	dir   string
	blobs media.Blobs
}

func newHub(t *testing.T, st *storage.Store) *hub {
	dir := t.TempDir()
	blobs, err := media.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &hub{st: st, dir: dir, blobs: blobs}
}

func (h *hub) apply(t *testing.T, b *transfer.Bundle, opts transfer.Options) *transfer.Report {
	t.Helper()
	opts.TempDir = t.TempDir()
	rep, err := transfer.Apply(ctx, h.st, h.blobs, b, opts)
	if err != nil {
		t.Fatalf("apply: %v (report %+v)", err, rep)
	}
	return rep
}

func (h *hub) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := h.st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var countedTables = []string{"materials", "media", "themes", "users", "old_paths", "import_items",
	"import_files", "material_inline_media", "material_revisions", "material_transitions", "jobs", "attachments"}

func (h *hub) counts(t *testing.T) map[string]int {
	out := map[string]int{}
	for _, table := range countedTables {
		out[table] = h.count(t, table)
	}
	return out
}

func (h *hub) blobCount(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func (h *hub) byKey(t *testing.T, rep *transfer.Report, key string) *material.Material {
	t.Helper()
	for _, it := range rep.Items {
		if it.Key == key {
			m, err := h.st.GetMaterial(ctx, it.MaterialID)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatalf("no item %s in the report", key)
	return nil
}

func TestApplyStoresABundle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		src := newSource(t)
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		var progress [][2]int
		rep := h.apply(t, sample(src), transfer.Options{Now: now, Progress: func(done, total int) {
			progress = append(progress, [2]int{done, total})
		}})
		want := [][2]int{{1, 6}, {2, 6}, {3, 6}, {4, 6}, {5, 6}, {6, 6}} // three files, then three items
		if !slices.Equal(progress, want) {
			t.Errorf("progress %v, want %v", progress, want)
		}

		if rep.Created != 3 || rep.Updated+rep.Unchanged+rep.Skipped != 0 {
			t.Errorf("created %d, updated %d, unchanged %d, skipped %d; want 3 created",
				rep.Created, rep.Updated, rep.Unchanged, rep.Skipped)
		}
		if rep.MediaStored != 3 || rep.ThemesCreated != 1 || rep.UsersCreated != 1 || rep.Redirects != 3 {
			t.Errorf("media %d, themes %d, users %d, redirects %d; want 3, 1, 1, 3",
				rep.MediaStored, rep.ThemesCreated, rep.UsersCreated, rep.Redirects)
		}
		if got := h.blobCount(t); got != 3 {
			t.Errorf("%d blobs stored, want 3", got)
		}

		pub := h.byKey(t, rep, "post:1")
		if pub.Slug != "trivsel-i-klassen" || pub.Status != material.Published ||
			pub.CoverAlt != "Forsiden af folderen" {
			t.Errorf("published item: slug %q, status %s, cover alt %q", pub.Slug, pub.Status, pub.CoverAlt)
		}
		if !pub.PublishedAt.Equal(time.Date(2016, 12, 1, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("published at %v, want the source's time", pub.PublishedAt)
		}
		theme, err := st.ThemeBySlug(ctx, "trivsel")
		if err != nil || !slices.Equal(pub.ThemeIDs, []int64{theme.ID}) {
			t.Errorf("themes %v, want the theme trivsel (%v)", pub.ThemeIDs, err)
		}
		author, err := st.UserByEmail(ctx, "jens@example.dk")
		if err != nil {
			t.Fatal(err)
		}
		if author.Active || author.Role != storage.RoleContributor || author.PasswordHash != "" ||
			pub.CreatedBy != author.ID {
			t.Errorf("author %+v, material created by %d", author, pub.CreatedBy)
		}

		inline, err := st.InlineMedia(ctx, pub.ID)
		if err != nil || len(inline) != 1 {
			t.Fatalf("inline media %v, %v", inline, err)
		}
		img, err := st.GetMedia(ctx, inline[0])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(pub.Body, "![Elever i skolegården](/media/"+img.Key+")") ||
			strings.Contains(pub.Body, "bindeled-inline") {
			t.Errorf("body does not show the stored image %s:\n%s", img.Key, pub.Body)
		}

		guide := h.byKey(t, rep, "post:2")
		if len(guide.Attachments) != 1 || guide.Attachments[0].Title != "Planen" || guide.Attachments[0].MediaID == 0 {
			t.Errorf("guide attachments %+v", guide.Attachments)
		}

		for _, path := range []string{"/2016/12/trivsel-i-klassen", "/?p=1"} {
			slug, public, err := st.OldPathTarget(ctx, path)
			if err != nil || slug != pub.Slug || !public {
				t.Errorf("old address %s: %q, %v, %v", path, slug, public, err)
			}
		}

		revs, err := st.Revisions(ctx, pub.ID, true)
		if err != nil || len(revs) != 1 || !revs[0].At.Equal(now) {
			t.Errorf("revisions %v, %v; want one at %v", revs, err, now)
		}
		moves, err := st.Transitions(ctx, pub.ID)
		if err != nil || len(moves) != 1 || moves[0].To != material.Published || moves[0].Message != "Importeret" {
			t.Errorf("transitions %+v, %v; want one to published", moves, err)
		}
		hits, err := st.Search(ctx, "skolestart", storage.SearchOptions{})
		sched := h.byKey(t, rep, "post:3")
		if err != nil || len(hits) != 1 || hits[0].ID != sched.ID {
			t.Errorf("search for the scheduled item's title: %v, %v; want material %d", hits, err, sched.ID)
		}
	})
}

func TestApplyStopsAtARefusedItem(t *testing.T) {
	bad := func(b *transfer.Bundle) { b.Items[1].Material.Summary = "" }
	cases := []struct {
		name  string
		spoil func(b *transfer.Bundle)
		want  transfer.Problem
	}{
		{"invalid item", bad, transfer.Problem{Where: "export.xml: Plan", Code: "invalid", Detail: "summary"}},
		{"refused by the reader", func(b *transfer.Bundle) {
			b.Refused = []transfer.Problem{{Where: "export.xml: post 9", Code: "unreadable", Detail: "9"}}
		}, transfer.Problem{Where: "export.xml: post 9", Code: "unreadable", Detail: "9"}},
		{"unknown theme", func(b *transfer.Bundle) { b.Items[2].ThemeKeys = []string{"tag:ukendt"} },
			transfer.Problem{Where: "export.xml: Skolestart", Code: "unknown_theme", Detail: "tag:ukendt"}},
		{"slug clash", func(b *transfer.Bundle) { b.Items[2].Material.Slug = "plan-for-skoleaaret" },
			transfer.Problem{Where: "export.xml: Skolestart", Code: "slug_clash",
				Detail: "plan-for-skoleaaret (post:2)"}},
		{"duplicate key", func(b *transfer.Bundle) { b.Items[2].Key = "post:1" },
			transfer.Problem{Where: "export.xml: Skolestart", Code: "duplicate_key", Detail: "post:1"}},
	}
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				h := newHub(t, st)
				before := h.counts(t)
				src := newSource(t)
				b := sample(src)
				tc.spoil(b)
				rep, err := transfer.Apply(ctx, st, h.blobs, b, transfer.Options{TempDir: t.TempDir()})
				if !errors.Is(err, transfer.ErrStopped) || rep == nil || !rep.Stopped {
					t.Fatalf("err %v, report %+v; want the import stopped", err, rep)
				}
				if !slices.Contains(rep.Refused, tc.want) {
					t.Errorf("refused %+v, want %+v among them", rep.Refused, tc.want)
				}
				if got := h.counts(t); !mapsEqual(got, before) {
					t.Errorf("rows changed: %v, before %v", got, before)
				}
				if n := h.blobCount(t); n != 0 || src.opens.Load() != 0 {
					t.Errorf("%d blobs stored, %d files opened; want none", n, src.opens.Load())
				}
			})
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestApplyLeavesNoBlobsWhenStoringFails(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		before := h.counts(t)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		opts := transfer.Options{TempDir: t.TempDir(), Progress: func(done, total int) {
			if done == 4 { // the files are had and the first item is stored in the transaction
				cancel()
			}
		}}
		_, err := transfer.Apply(cctx, st, h.blobs, sample(newSource(t)), opts)
		if err == nil {
			t.Fatal("import went through a cancelled transaction")
		}
		if got := h.counts(t); !mapsEqual(got, before) {
			t.Errorf("rows changed: %v, before %v", got, before)
		}
		if n := h.blobCount(t); n != 0 {
			t.Errorf("%d blobs left behind, want none", n)
		}
	})
}

func TestApplySkipsInvalidItems(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		b := sample(newSource(t))
		b.Items[1].Material.Title = ""
		b.Refused = []transfer.Problem{{Where: "export.xml: post 9", Code: "unreadable"}}
		rep := h.apply(t, b, transfer.Options{SkipInvalid: true})
		if rep.Created != 2 || rep.Skipped != 2 || len(rep.Refused) != 2 || rep.Stopped {
			t.Errorf("created %d, skipped %d, refused %+v; want 2 created and 2 skipped",
				rep.Created, rep.Skipped, rep.Refused)
		}
		if n := h.count(t, "materials"); n != 2 {
			t.Errorf("%d materials, want 2", n)
		}
		if n := h.blobCount(t); n != 2 { // the guide's attachment is not stored with it
			t.Errorf("%d blobs, want 2", n)
		}
	})
}

func TestApplyIsIdempotent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		src := newSource(t)
		first := h.apply(t, sample(src), transfer.Options{})
		was := h.byKey(t, first, "post:1")
		after := h.counts(t)
		blobs := h.blobCount(t)

		again := h.apply(t, sample(src), transfer.Options{})
		if again.Unchanged != 3 || again.Created+again.Updated != 0 || again.MediaReused != 3 ||
			again.MediaStored != 0 || again.Redirects != 0 || again.ThemesCreated+again.UsersCreated != 0 {
			t.Errorf("second run: %+v; want everything unchanged and reused", again)
		}
		if got := h.counts(t); !mapsEqual(got, after) {
			t.Errorf("second run changed rows: %v, after the first %v", got, after)
		}
		if h.blobCount(t) != blobs {
			t.Errorf("second run stored blobs: %d, before %d", h.blobCount(t), blobs)
		}

		// The source changes: a new title and new bytes for the cover.
		src.files["uploads/forside.png"] = pngBytes(t, 40, 30, 90)
		b := sample(src)
		b.Items[0].Material.Title = "Trivsel i hele klassen"
		third := h.apply(t, b, transfer.Options{})
		if third.Updated != 1 || third.Unchanged != 2 || third.MediaStored != 1 || third.MediaReused != 2 {
			t.Errorf("third run: %+v; want one updated with a new cover", third)
		}
		now := h.byKey(t, third, "post:1")
		if now.ID != was.ID || now.Title != "Trivsel i hele klassen" || now.CoverID == was.CoverID {
			t.Errorf("updated material: id %d (was %d), title %q, cover %d (was %d)",
				now.ID, was.ID, now.Title, now.CoverID, was.CoverID)
		}
		if now.Slug != "trivsel-i-klassen" {
			t.Errorf("slug %q; the wanted slug did not change", now.Slug)
		}
		hits, err := st.Search(ctx, "hele klassen", storage.SearchOptions{})
		if err != nil || len(hits) == 0 || hits[0].ID != now.ID {
			t.Errorf("search for the new title: %v, %v; want material %d first", hits, err, now.ID)
		}
		revs, err := st.Revisions(ctx, now.ID, true)
		if err != nil || len(revs) != 2 {
			t.Errorf("revisions after the update: %v, %v; want two", revs, err)
		}
		if got := h.count(t, "materials"); got != after["materials"] {
			t.Errorf("%d materials after the update, want %d", got, after["materials"])
		}
	})
}

func TestApplyDryRunTouchesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		src := newSource(t)
		before := h.counts(t)
		rep := h.apply(t, sample(src), transfer.Options{DryRun: true})
		if !rep.DryRun || rep.Created != 3 || rep.MediaStored != 3 || rep.ThemesCreated != 1 ||
			rep.UsersCreated != 1 || rep.Redirects != 3 {
			t.Errorf("dry run report %+v", rep)
		}
		if got := h.counts(t); !mapsEqual(got, before) {
			t.Errorf("dry run changed rows: %v, before %v", got, before)
		}
		if h.blobCount(t) != 0 || src.opens.Load() != 0 {
			t.Errorf("dry run stored %d blobs and opened %d files", h.blobCount(t), src.opens.Load())
		}

		h.apply(t, sample(src), transfer.Options{})
		opened := src.opens.Load()
		b := sample(src)
		b.Items[2].Material.Summary = "Et nyt resumé."
		rep = h.apply(t, b, transfer.Options{DryRun: true})
		if rep.Unchanged != 2 || rep.Updated != 1 || rep.MediaReused != 3 || rep.Created != 0 {
			t.Errorf("dry run after an import: %+v; want 2 unchanged and 1 updated", rep)
		}
		if src.opens.Load() != opened {
			t.Error("dry run opened files")
		}
	})
}

func TestApplyNumbersTakenSlugs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		own := article("Trivsel i klassen", material.Draft)
		if err := st.CreateMaterial(ctx, &own); err != nil {
			t.Fatal(err)
		}
		src := newSource(t)
		rep := h.apply(t, sample(src), transfer.Options{})
		if m := h.byKey(t, rep, "post:1"); m.Slug != "trivsel-i-klassen-2" {
			t.Errorf("slug %q, want trivsel-i-klassen-2", m.Slug)
		}
		b := sample(src)
		b.Items[0].Material.Summary = "Ændret."
		rep = h.apply(t, b, transfer.Options{})
		if m := h.byKey(t, rep, "post:1"); m.Slug != "trivsel-i-klassen-2" || rep.Updated != 1 {
			t.Errorf("second run: slug %q, updated %d; want the same slug kept", m.Slug, rep.Updated)
		}
	})
}

func TestApplyPlansScheduledItems(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		b := sample(newSource(t))
		rep := h.apply(t, b, transfer.Options{})
		m := h.byKey(t, rep, "post:3")
		if m.Status != material.Scheduled || !m.ScheduledAt.Equal(b.Items[2].Material.ScheduledAt) {
			t.Errorf("status %s at %v", m.Status, m.ScheduledAt)
		}
		// The imported images' renditions are due at once; only the
		// publication is looked at here.
		if _, err := st.DB().ExecContext(ctx, `DELETE FROM jobs WHERE kind = 'renditions'`); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimJob(ctx, time.Now(), time.Minute); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a job is due before the planned time: %v", err)
		}
		job, err := st.ClaimJob(ctx, m.ScheduledAt.Add(time.Second), time.Minute)
		if err != nil || job.Kind != storage.JobPublish || job.MaterialID != m.ID || !job.RunAt.Equal(m.ScheduledAt) {
			t.Errorf("job %+v, %v; want the publication of material %d", job, err, m.ID)
		}
	})
}

func TestApplyGoesOnWithoutAMissingFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		src := newSource(t)
		delete(src.files, "uploads/forside.png")
		src.files["uploads/plan.pdf"] = []byte("just text, not a PDF")
		b := sample(src)
		b.Items[2].OldPaths = append(b.Items[2].OldPaths, "mailto:skole@example.dk")
		rep := h.apply(t, b, transfer.Options{})
		if rep.Created != 3 || rep.MediaMissing != 2 || rep.MediaStored != 1 {
			t.Errorf("report %+v; want 3 created, 2 files missing", rep)
		}
		wantProblems := []transfer.Problem{
			{Where: "export.xml: Trivsel i klassen", Code: "media_missing", Detail: "forside.png"},
			{Where: "export.xml: Plan", Code: "media_refused", Detail: "plan.pdf"},
			{Where: "export.xml: Skolestart", Code: "old_path", Detail: "mailto:skole@example.dk"},
		}
		for _, p := range wantProblems {
			if !slices.Contains(rep.Problems, p) {
				t.Errorf("problems %+v lack %+v", rep.Problems, p)
			}
		}
		m := h.byKey(t, rep, "post:1")
		if m.CoverID != 0 || m.CoverAlt != "" {
			t.Errorf("cover %d %q, want none", m.CoverID, m.CoverAlt)
		}
		if g := h.byKey(t, rep, "post:2"); len(g.Attachments) != 0 {
			t.Errorf("attachments %+v, want none", g.Attachments)
		}
	})
}

func TestInlineMediaIsPublicWithItsMaterial(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		rep := h.apply(t, sample(newSource(t)), transfer.Options{})
		m := h.byKey(t, rep, "post:1")
		ids, err := st.InlineMedia(ctx, m.ID)
		if err != nil || len(ids) != 1 {
			t.Fatalf("inline %v, %v", ids, err)
		}
		if public, err := st.MediaIsPublic(ctx, ids[0], 0); err != nil || !public {
			t.Errorf("inline image of a published material: public %v, %v", public, err)
		}
		m.Status = material.Unpublished
		if err := st.SaveMaterial(ctx, m, storage.Save{From: material.Published}); err != nil {
			t.Fatal(err)
		}
		if public, err := st.MediaIsPublic(ctx, ids[0], 0); err != nil || public {
			t.Errorf("inline image of an unpublished material: public %v, %v", public, err)
		}
	})
}

func TestApplyListsPublicMaterialsToFix(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		rep := h.apply(t, sample(newSource(t)), transfer.Options{})
		// The scheduled item fails the checks too: the publish job would keep
		// it unpublished, so it is listed with its time.
		if len(rep.ToFix) != 2 || rep.ToFix[0].Key != "post:1" || !rep.ToFix[0].Fix.Has("consent_rights") ||
			rep.ToFix[1].Key != "post:3" || !rep.ToFix[1].Fix.Has("consent_rights") ||
			!rep.ToFix[1].ScheduledAt.Equal(future) || !rep.ToFix[0].ScheduledAt.IsZero() {
			t.Errorf("to fix %+v; want the published and the scheduled item without consent answers", rep.ToFix)
		}
		if dry := h.apply(t, sample(newSource(t)), transfer.Options{DryRun: true}); len(dry.ToFix) != 2 {
			t.Errorf("dry run: to fix %+v; want both items again", dry.ToFix)
		}
		h2 := newHub(t, st)
		b := sample(newSource(t))
		b.Source = "test:own"
		for i := range b.Items {
			b.Items[i].Key += "-own"
			b.Items[i].Material.Slug = "own-" + material.Slugify(b.Items[i].Material.Title)
		}
		b.Items[0].Material.Body = "## Billede\n\nUden billeder."
		b.Items[0].Inline = nil
		rep = h2.apply(t, b, transfer.Options{OwnWork: true})
		if len(rep.ToFix) != 0 {
			t.Errorf("to fix %+v; want none when the importer answers for its own work", rep.ToFix)
		}
	})
}

func TestEveryProblemHasAMessage(t *testing.T) {
	english := i18n.Keys(i18n.English)
	for _, code := range transfer.Codes {
		key := "import.problem." + code
		if !i18n.Has(key) || !slices.Contains(english, key) {
			t.Errorf("%s lacks a Danish or English text", key)
		}
	}
}

func TestOldPathNormalises(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/2016/12/trivsel-i-klassen/", "/2016/12/trivsel-i-klassen"},
		{"https://Gammel.Example.DK/2016/12/trivsel-i-klassen", "/2016/12/trivsel-i-klassen"},
		{"/?p=123", "/?p=123"},
		{"/?page_id=7&lang=da", "/?lang=da&page_id=7"},
		{"/?lang=da&page_id=7", "/?lang=da&page_id=7"},
		{"/?p=123&utm_source=facebook&fbclid=abc", "/?p=123"},
		{"/", "/"},
		{"/2016/12/slug/attachment/foto/", "/2016/12/slug/attachment/foto"},
		{"/%C3%A6bler/", "/%C3%A6bler"},
		{"/æbler", "/%C3%A6bler"},
	}
	for _, c := range cases {
		got, ok := storage.OldPath(c.in)
		if !ok || got != c.want {
			t.Errorf("OldPath(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "relative/path", "mailto:a@b.dk", "javascript:alert(1)"} {
		if got, ok := storage.OldPath(bad); ok {
			t.Errorf("OldPath(%q) = %q, want refused", bad, got)
		}
	}
}

// TestSharedWarningsOnce: many items of an author the bundle lacks give
// one warning, not one per item.
func TestSharedWarningsOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHub(t, st)
		b := &transfer.Bundle{Source: "once"}
		for i := range 3 {
			b.Items = append(b.Items, transfer.Item{Key: fmt.Sprint(i), Where: fmt.Sprint("item ", i),
				Material: material.Material{Kind: material.Article, Title: fmt.Sprint("Nummer ", i),
					Summary: "Resumé.", Audiences: []material.Audience{material.Parents}, Status: material.Draft},
				AuthorKey: "author:ukendt", SchoolSlug: "ingen-skole"})
		}
		rep := h.apply(t, b, transfer.Options{})
		var codes []string
		for _, p := range rep.Problems {
			codes = append(codes, p.Code+" "+p.Where)
		}
		want := []string{transfer.CodeUnknownSchool + " item 0", transfer.CodeUnknownAuthor + " item 0"}
		if !slices.Equal(codes, want) {
			t.Errorf("warnings %v, want %v", codes, want)
		}
	})
}

func TestHubPathsAreNoOldAddresses(t *testing.T) {
	for raw, want := range map[string]bool{
		"/": true, "/?utm_source=nyhedsbrev": true, "/?fbclid=1": true, "/redaktion/login": true,
		"/materialer": true, "/Materialer/x": true, "/%6Dedia/a.png": true, "/sitemap.xml": true,
		"/?p=12": false, "/2016/12/trivsel/": false, "/om-os": false, "/omkring": false, "/?page_id=7": false,
	} {
		path, ok := storage.OldPath(raw)
		if !ok {
			t.Fatalf("%s: not an old address", raw)
		}
		if got := transfer.HubPath(path); got != want {
			t.Errorf("HubPath(%q from %q) = %v, want %v", path, raw, got, want)
		}
	}
}
