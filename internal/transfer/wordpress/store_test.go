package wordpress

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	blobstore "github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/transfer"
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

// uploadsWithRealFiles returns an uploads folder holding the fixture's
// files as real ones: a JPEG that decodes and a PDF.
func uploadsWithRealFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "2016", "12"), 0o755); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{R: 200, G: 120, B: 40, A: 255})
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"2016/12/skolegaard.jpg": jpg.Bytes(),
		"2016/12/tjekliste.pdf":  []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestApplyStoresTheExport imports the fixture with the import core on
// every backend, twice: the second run changes nothing.
func TestApplyStoresTheExport(t *testing.T) {
	uploads := uploadsWithRealFiles(t)
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		blobs, err := blobstore.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		apply := func() *transfer.Report {
			b := readSite(t, Options{MediaDir: uploads})
			rep, err := transfer.Apply(ctx, st, blobs, b, transfer.Options{SkipInvalid: true, TempDir: t.TempDir()})
			if err != nil {
				t.Fatalf("Apply: %v (report %+v)", err, rep)
			}
			return rep
		}

		rep := apply()
		if rep.Created != 9 || len(rep.Refused) != 1 || rep.Refused[0].Code != ProblemTitleMissing {
			t.Errorf("first run: %d created, refused %+v; want 9 and the post without a title", rep.Created,
				rep.Refused)
		}
		// The school yard photo, cover and inline image at once, and the
		// checklist are stored; the fruit photo and the song are in no
		// folder and not fetched.
		if rep.MediaStored != 2 || rep.MediaMissing != 2 {
			t.Errorf("first run: %d files stored, %d missing; want 2 and 2", rep.MediaStored, rep.MediaMissing)
		}
		for _, name := range []string{"frugt.jpg", "sang.mp3"} {
			if !hasProblem(rep.Problems, transfer.CodeMediaMissing, name) {
				t.Errorf("no media_missing for %s among %+v", name, rep.Problems)
			}
		}
		var post *material.Material
		for _, it := range rep.Items {
			if it.Key == "post:101" {
				if post, err = st.GetMaterial(ctx, it.MaterialID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if post == nil {
			t.Fatalf("post:101 not in the report %+v", rep.Items)
		}
		if post.CoverID == 0 || post.CoverAlt != "Børn i skolegården" || len(post.Attachments) != 1 ||
			strings.Contains(post.Body, "bindeled-inline:") || post.Status != material.Published {
			t.Errorf("stored post: cover %d %q, attachments %+v, status %s, body\n%s", post.CoverID,
				post.CoverAlt, post.Attachments, post.Status, post.Body)
		}

		again := apply()
		if again.Created != 0 || again.Updated+again.Unchanged != 9 {
			t.Errorf("second run: %d created, %d updated, %d unchanged; want all 9 matched", again.Created,
				again.Updated, again.Unchanged)
		}
	})
}
