package web_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// readTouches are the tables that reading legitimately writes to, and what
// does so. Every other table must be the same after any GET or HEAD.
var readTouches = map[string]string{
	// Visits through a tagged link (?k=aula) are counted by day and
	// channel (site.go countVisit, written in batches by counts.go).
	"channel_visits": "visit counts",
	// Searches that found nothing are listed for the editors (site.go
	// logMissedSearch, batched the same way).
	"search_misses": "searches that found nothing",
}

// tableDigest is a table's row count and a hash of its rows.
type tableDigest struct {
	rows int
	hash string
}

// snapshotTables digests every table of the schema, as the database lists
// them, so that a table added later is covered without naming it here.
func snapshotTables(t *testing.T, st *storage.Store) map[string]tableDigest {
	t.Helper()
	names, err := st.SchemaTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]tableDigest{}
	for _, name := range names {
		rows := storagetest.TableRows(t, st, name)
		sum := sha256.Sum256([]byte(strings.Join(rows, "\n")))
		out[name] = tableDigest{rows: len(rows), hash: fmt.Sprintf("%x", sum[:8])}
	}
	return out
}

// fillForReading gives the hub a school, a theme, a published material
// with a cover image and a draft, and returns the values that fill the
// route patterns' wildcards.
func fillForReading(t *testing.T, h *hubT) map[string]string {
	t.Helper()
	sc := schools(t, h, "A-skolen")[0]
	theme := storage.Theme{Slug: "trivsel", Name: "Trivsel", Description: "Om trivsel."}
	if err := h.st.SaveTheme(ctx, &theme); err != nil {
		t.Fatal(err)
	}
	const key = "0a1b2c3d4e5f.png"
	img := pngBytes(t, 20, 20)
	if _, err := h.blobs.Put(ctx, key, bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
	cover := storage.Media{Key: key, Class: "image", ContentType: "image/png", Size: int64(len(img)),
		Width: 20, Height: 20}
	if err := h.st.CreateMedia(ctx, &cover); err != nil {
		t.Fatal(err)
	}
	m := h.publish(&material.Material{Title: "Trivsel i klassen", SchoolID: sc.ID, ThemeIDs: []int64{theme.ID},
		Body: "## Om trivsel\n\nTekst.", CoverID: cover.ID, CoverAlt: "Børn i skolegården"})
	draft := &material.Material{Kind: material.Article, Title: "En kladde", Summary: "x", Language: "da",
		Status: material.Draft, Audiences: []material.Audience{material.Parents}}
	if err := h.st.CreateMaterial(ctx, draft); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"slug": m.Slug, "id": strconv.FormatInt(m.ID, 10), "key": key,
		"theme": theme.Slug, "school": sc.Slug}
}

// readPaths returns the addresses to read for each GET pattern whose
// wildcards need more than the material's values: the names of files come
// from the material's own page, as a browser finds them.
func readPaths(t *testing.T, h *hubT, values map[string]string, userID string) map[string][]string {
	t.Helper()
	page := h.client().get("/materialer/" + values["slug"])
	asset := strings.TrimPrefix(page.attr("script[src^='/static/']", "src"), "/static/")
	brandCSS := strings.TrimPrefix(page.attr("link[href^='/brand/']", "href"), "/brand/")
	share := page.attr("meta[property='og:image']", "content")
	share = share[strings.Index(share, "/delingsbillede/")+len("/delingsbillede/"):]
	if asset == "" || brandCSS == "" || share == "" {
		t.Fatalf("the material page names no script (%q), stylesheet (%q) or share image (%q)",
			asset, brandCSS, share)
	}
	search := func(p string) []string { return []string{p, p + "?q=trivsel", p + "?q=zzyzx"} }
	return map[string][]string{
		"/{$}":                    search("/"),
		"/materialer":             search("/materialer"),
		"/materialer/{slug}":      {"/materialer/" + values["slug"], "/materialer/" + values["slug"] + "?k=aula"},
		"/temaer/{slug}":          {"/temaer/" + values["theme"]},
		"/skoler/{slug}":          {"/skoler/" + values["school"]},
		"/static/{name}":          {"/static/" + asset},
		"/brand/{name}":           {"/brand/" + brandCSS},
		"/delingsbillede/{name}":  {"/delingsbillede/" + share},
		"/indlejr/farve/{name}":   {"/indlejr/farve/1a5fb4.css"},
		"/oembed":                 {"/oembed?url=" + h.srv.URL + "/materialer/" + values["slug"]},
		"/redaktion/brugere/{id}": {"/redaktion/brugere/" + userID},
	}
}

// TestReadingChangesNothing: no GET or HEAD of any route, by an admin who
// may read them all or by an anonymous reader, changes a table, apart
// from the counters in readTouches.
func TestReadingChangesNothing(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		values := fillForReading(t, h)
		admin, _ := h.login(storage.RoleAdmin)
		anon := h.client()
		users, err := h.st.Users(ctx)
		if err != nil || len(users) == 0 {
			t.Fatalf("users: %v", err)
		}
		userID := strconv.FormatInt(users[0].ID, 10)
		special := readPaths(t, h, values, userID)

		h.web.FlushCounts(ctx)
		before := snapshotTables(t, h.st)
		read := 0
		for _, r := range h.web.Routes() {
			if r.Method != http.MethodGet {
				continue
			}
			paths, ok := special[r.Pattern]
			if !ok {
				paths = []string{fill(r.Pattern, values)}
			}
			for _, path := range paths {
				for _, c := range []*client{admin, anon} {
					for _, method := range []string{http.MethodGet, http.MethodHead} {
						req, _ := http.NewRequest(method, h.srv.URL+path, nil)
						p := c.do(req)
						// The admin reaches every page that is not a
						// guest's, so each one's reading is exercised.
						served := p.status < 400 || c == anon || r.Access == web.Guest
						if p.status >= 500 || !served {
							t.Errorf("%s %s: status %d", method, path, p.status)
						}
						read++
					}
				}
			}
		}
		h.web.FlushCounts(ctx)
		after := snapshotTables(t, h.st)

		if len(before) < 20 {
			t.Fatalf("only %d tables found", len(before))
		}
		for name, b := range before {
			if _, ok := readTouches[name]; ok {
				continue
			}
			if a := after[name]; a != b {
				t.Errorf("table %s changed on reading: %d rows (%s) before, %d rows (%s) after",
					name, b.rows, b.hash, a.rows, a.hash)
			}
		}
		// The list stays as short as the code allows: each entry is there
		// because reading does change it.
		for name, why := range readTouches {
			if b, ok := before[name]; !ok || after[name] == b {
				t.Errorf("table %s (%s) is allowed to change on reading but did not", name, why)
			}
		}
		t.Logf("%d requests, %d tables compared", read, len(before)-len(readTouches))
	})
}
