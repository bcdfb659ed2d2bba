package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

var ctx = context.Background()

func TestMigrationsNumbered(t *testing.T) {
	var want []int
	for _, b := range []storage.Backend{storage.SQLite, storage.Postgres} {
		fsys, err := storage.Migrations(b)
		if err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		if len(names) == 0 {
			t.Fatalf("%s: no migrations", b)
		}
		sort.Strings(names)
		re := regexp.MustCompile(`^(\d{5})_[a-z0-9_]+\.sql$`)
		var got []int
		next := 1
		for _, name := range names {
			m := re.FindStringSubmatch(name)
			if m == nil {
				t.Fatalf("%s: migration %q is not named NNNNN_words.sql", b, name)
			}
			n, _ := strconv.Atoi(m[1])
			if n != next {
				t.Errorf("%s: migration %q has number %d, want %d (unique and contiguous)", b, name, n, next)
			}
			got = append(got, n)
			next = n + 1
		}
		if want != nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s migrations %v differ from sqlite's %v", b, got, want)
		}
		want = got
	}
}

func TestMigrateTwiceIsHarmless(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			st := storagetest.Open(t, b)
			if err := st.Migrate(ctx, storagetest.Logger()); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
		})
	}
}

func article(title string, status material.Status) *material.Material {
	return &material.Material{Kind: material.Article, Title: title, Summary: "Kort resumé.",
		Body: "## Overskrift\n\nTekst.", Audiences: []material.Audience{material.Parents},
		Language: "da", Status: status}
}

func TestMaterialRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		th := storage.Theme{Slug: "trivsel", Name: "Trivsel"}
		if err := st.SaveTheme(ctx, &th); err != nil {
			t.Fatal(err)
		}
		sc := storage.School{Slug: "nordskolen", Name: "Nordskolen"}
		if err := st.CreateSchool(ctx, &sc); err != nil {
			t.Fatal(err)
		}
		doc := storage.Media{Key: "abc123.pdf", Class: "document", ContentType: "application/pdf", Size: 10}
		if err := st.CreateMedia(ctx, &doc); err != nil {
			t.Fatal(err)
		}

		m := article("Skolestart på Ørestad Skole – få styr på madpakken 🍎", material.Published)
		m.Kind = material.Guide
		m.Audiences = []material.Audience{material.Teachers, material.Parents}
		m.GradeBands = []material.GradeBand{material.Grades4to6, material.Grades0to3}
		m.ThemeIDs = []int64{th.ID}
		m.SchoolID = sc.ID
		m.Featured = true
		m.Attachments = []material.Attachment{{MediaID: doc.ID, Title: "Tjekliste"}}
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if want := "skolestart-paa-oerestad-skole-faa-styr-paa-madpakken"; m.Slug != want {
			t.Errorf("slug = %q, want %q", m.Slug, want)
		}

		got, err := st.GetMaterialBySlug(ctx, m.Slug)
		if err != nil {
			t.Fatal(err)
		}
		// Display order, not insertion order.
		wantAud := []material.Audience{material.Parents, material.Teachers}
		wantGrades := []material.GradeBand{material.Grades0to3, material.Grades4to6}
		if !reflect.DeepEqual(got.Audiences, wantAud) || !reflect.DeepEqual(got.GradeBands, wantGrades) {
			t.Errorf("audiences %v grades %v, want %v %v", got.Audiences, got.GradeBands, wantAud, wantGrades)
		}
		if !reflect.DeepEqual(got.ThemeIDs, []int64{th.ID}) || got.SchoolID != sc.ID || !got.Featured {
			t.Errorf("themes %v school %d featured %v", got.ThemeIDs, got.SchoolID, got.Featured)
		}
		if !reflect.DeepEqual(got.Attachments, m.Attachments) {
			t.Errorf("attachments %+v, want %+v", got.Attachments, m.Attachments)
		}
		if !got.PublishedAt.Equal(m.PublishedAt) || got.PublishedAt.IsZero() {
			t.Errorf("published %v, want %v", got.PublishedAt, m.PublishedAt)
		}
		if _, err := st.GetMaterial(ctx, m.ID+1000); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("missing material: err = %v, want ErrNotFound", err)
		}
	})
}

func TestSlugsUniqueAndRenamesRedirect(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		var slugs []string
		for _, title := range []string{"Det gode forældremøde", "Det gode forældremøde!", "🍎🍎", "مرحبا", "🍎"} {
			m := article(title, material.Draft)
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, m.Slug)
		}
		want := []string{"det-gode-foraeldremoede", "det-gode-foraeldremoede-2", "materiale-2",
			"materiale-3", "materiale-4"}
		if !reflect.DeepEqual(slugs, want) {
			t.Errorf("slugs = %q, want %q", slugs, want)
		}
		// A title used more often than slugs are tried one by one.
		for i := 1; i <= 11; i++ {
			m := article("Nyhedsbrev", material.Draft)
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			if want := "nyhedsbrev-" + strconv.Itoa(i); i > 1 && m.Slug != want || i == 1 && m.Slug != "nyhedsbrev" {
				t.Errorf("material %d of one title: slug %q", i, m.Slug)
			}
		}

		m, err := st.GetMaterialBySlug(ctx, "det-gode-foraeldremoede")
		if err != nil {
			t.Fatal(err)
		}
		m.Title = "Årets første forældremøde"
		if err := st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if m.Slug != "aarets-foerste-foraeldremoede" {
			t.Errorf("renamed slug = %q", m.Slug)
		}
		if cur, err := st.RedirectSlug(ctx, "det-gode-foraeldremoede"); err != nil || cur != m.Slug {
			t.Errorf("redirect = %q, %v; want %q", cur, err, m.Slug)
		}

		// The old slug stays reserved: a new material cannot take it.
		n := article("Det gode forældremøde", material.Draft)
		if err := st.CreateMaterial(ctx, n); err != nil {
			t.Fatal(err)
		}
		if n.Slug == "det-gode-foraeldremoede" {
			t.Error("a new material took a slug that still redirects")
		}

		// Renaming back takes the old slug back and drops its redirect.
		m.Title = "Det gode forældremøde"
		if err := st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if m.Slug != "det-gode-foraeldremoede" {
			t.Errorf("renamed back: slug = %q", m.Slug)
		}
		if cur, err := st.RedirectSlug(ctx, "aarets-foerste-foraeldremoede"); err != nil || cur != m.Slug {
			t.Errorf("second redirect = %q, %v", cur, err)
		}

		// A small edit that keeps the title keeps the slug.
		m.Summary = "Nyt resumé."
		if err := st.UpdateMaterial(ctx, m); err != nil || m.Slug != "det-gode-foraeldremoede" {
			t.Errorf("edit changed slug to %q (%v)", m.Slug, err)
		}
	})
}

func TestFacetsOnlyPublished(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		pub := article("Udgivet", material.Published)
		pub.GradeBands = []material.GradeBand{material.Grades7to9}
		draft := article("Kladde", material.Draft)
		for _, m := range []*material.Material{pub, draft} {
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		listing, err := st.PublishedFacets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fs := listing.Facets()
		if len(fs) != 1 || fs[0].ID != pub.ID {
			t.Fatalf("facets = %+v, want only the published material", fs)
		}
		if !reflect.DeepEqual(fs[0].Grades, pub.GradeBands) || fs[0].Kind != material.Article {
			t.Errorf("facet = %+v", fs[0])
		}
	})
}

func TestSearchMaterials(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		for _, title := range []string{"Trivsel i klassen", "100% forældre_samarbejde", "ØRESTAD og æbler"} {
			if err := st.CreateMaterial(ctx, article(title, material.Draft)); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			q    string
			want int
		}{
			{"", 3}, {"trivsel", 1}, {"TRIVSEL klassen", 1}, {"%", 1}, {"_", 1},
			{"ørestad", 1}, {"æbler", 1}, {"'; DROP TABLE materials; --", 0}, {"\\", 0},
		}
		for _, tt := range tests {
			ms, total, err := st.SearchMaterials(ctx, tt.q, 10, 0)
			if err != nil {
				t.Fatalf("search %q: %v", tt.q, err)
			}
			if total != tt.want || len(ms) != tt.want {
				t.Errorf("search %q: %d results (total %d), want %d", tt.q, len(ms), total, tt.want)
			}
		}
	})
}

func TestThemesAndSchoolsConflict(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		a := storage.Theme{Slug: "trivsel", Name: "Trivsel"}
		if err := st.SaveTheme(ctx, &a); err != nil {
			t.Fatal(err)
		}
		b := storage.Theme{Slug: "trivsel", Name: "Trivsel igen"}
		if err := st.SaveTheme(ctx, &b); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("duplicate theme slug: err = %v, want ErrConflict", err)
		}
		a.Name = "Trivsel og fællesskab"
		if err := st.SaveTheme(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.ThemeBySlug(ctx, "trivsel"); got == nil || got.Name != a.Name {
			t.Errorf("renamed theme = %+v", got)
		}
		s := storage.School{Slug: "a", Name: "A"}
		if err := st.CreateSchool(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if err := st.CreateSchool(ctx, &storage.School{Slug: "a", Name: "B"}); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("duplicate school: err = %v", err)
		}
	})
}

func TestUsersAndSessions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		u := &storage.User{Email: " Ed@Example.DK ", Role: storage.RoleEditor, PasswordHash: "h", Active: true}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		dup := &storage.User{Email: "ed@example.dk", Role: storage.RoleAdmin, Active: true}
		if err := st.CreateUser(ctx, dup); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("same e-mail in other case: err = %v, want ErrConflict", err)
		}
		now := time.Now()
		live := &storage.Session{IDHash: "live", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		old := &storage.Session{IDHash: "old", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(-time.Second)}
		for _, s := range []*storage.Session{live, old} {
			if err := st.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := st.SessionUser(ctx, "live", now); err != nil || got.ID != u.ID {
			t.Errorf("live session: %v, %v", got, err)
		}
		if _, err := st.SessionUser(ctx, "old", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired session: err = %v", err)
		}
		if err := st.DeleteSession(ctx, "live"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionUser(ctx, "live", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("deleted session still works: %v", err)
		}
	})
}

// TestFirstAdminOverUsersWhoCannotSignIn: after an import (inactive
// authors) or a restore (users without passwords) the first admin can
// still be made, also with the address of such a user.
func TestFirstAdminOverUsersWhoCannotSignIn(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		author := &storage.User{Email: "jens@example.dk", Name: "Jens", Role: storage.RoleContributor}
		if err := st.CreateUser(ctx, author); err != nil {
			t.Fatal(err)
		}
		token := func(hash string) {
			tok := &storage.SetupToken{TokenHash: hash, Purpose: "first-admin", ExpiresAt: now.Add(time.Hour)}
			if err := st.CreateSetupToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		token("t1")
		u := &storage.User{Email: "Jens@example.dk", Name: "Jens Hansen", PasswordHash: "h"}
		if err := st.CreateFirstAdmin(ctx, "t1", u, now); err != nil {
			t.Fatal(err)
		}
		got, err := st.UserByEmail(ctx, "jens@example.dk")
		if err != nil || got.ID != author.ID || got.Role != storage.RoleAdmin || !got.Active ||
			got.PasswordHash != "h" || got.Name != "Jens Hansen" {
			t.Errorf("first admin over an imported author: %+v, %v", got, err)
		}
		// Now someone can sign in: a second token makes nobody.
		token("t2")
		other := &storage.User{Email: "b@example.dk", PasswordHash: "h"}
		if err := st.CreateFirstAdmin(ctx, "t2", other, now); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("a second first admin: %v", err)
		}
	})
}

func TestFirstAdminTokenIsOneTime(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		tok := &storage.SetupToken{TokenHash: "t1", Purpose: "first-admin", ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateSetupToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := &storage.User{Email: fmt.Sprintf("a%d@example.dk", i), PasswordHash: "h"}
				errs[i] = st.CreateFirstAdmin(ctx, "t1", u, now)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d concurrent uses succeeded, want exactly 1: %v", ok, len(errs), errs)
		}
		if n, _ := st.CountUsers(ctx); n != 1 {
			t.Errorf("users = %d, want 1", n)
		}

		expired := &storage.SetupToken{TokenHash: "t2", Purpose: "first-admin", ExpiresAt: now.Add(-time.Minute)}
		if err := st.CreateSetupToken(ctx, expired); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ValidSetupToken(ctx, "t2", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired token valid: %v", err)
		}
	})
}

func TestClaimOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		runs := 0
		for i := 0; i < 3; i++ {
			if _, err := st.ClaimOnce(ctx, "job", func(context.Context) error { runs++; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if runs != 1 {
			t.Errorf("ran %d times, want 1", runs)
		}
		// A failed task releases its claim so it runs again next time.
		boom := errors.New("boom")
		if _, err := st.ClaimOnce(ctx, "flaky", func(context.Context) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("err = %v, want boom", err)
		}
		claimed, err := st.ClaimOnce(ctx, "flaky", nil)
		if err != nil || !claimed {
			t.Errorf("after a failure: claimed = %v, %v; want a fresh claim", claimed, err)
		}
	})
}

func TestMediaIsPublic(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		mk := func(key string) int64 {
			m := storage.Media{Key: key, Class: "image", ContentType: "image/png", Size: 1}
			if err := st.CreateMedia(ctx, &m); err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		pubImg, draftImg, logo, loose := mk("aa.png"), mk("bb.png"), mk("cc.png"), mk("dd.png")
		pub := article("Udgivet", material.Published)
		pub.CoverID, pub.CoverAlt = pubImg, "alt"
		draft := article("Kladde", material.Draft)
		draft.CoverID, draft.CoverAlt = draftImg, "alt"
		for _, m := range []*material.Material{pub, draft} {
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			id   int64
			want bool
		}{{pubImg, true}, {draftImg, false}, {logo, true}, {loose, false}} {
			got, err := st.MediaIsPublic(ctx, tt.id, logo)
			if err != nil || got != tt.want {
				t.Errorf("MediaIsPublic(%d) = %v, %v; want %v", tt.id, got, err, tt.want)
			}
		}
	})
}

func TestConcurrentCreatesGetTheirOwnSlugs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		slugs := make([]string, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := article("Dobbeltklik på udgiv", material.Published)
				errs[i] = st.CreateMaterial(ctx, m)
				slugs[i] = m.Slug
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, err := range errs {
			if err != nil {
				t.Errorf("create %d: %v", i, err)
			}
			if seen[slugs[i]] {
				t.Errorf("slug %q given twice", slugs[i])
			}
			seen[slugs[i]] = true
		}
	})
}

func TestNewFirstAdminLinkReplacesTheOld(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		for _, h := range []string{"old", "new"} {
			if err := st.CreateSetupToken(ctx, &storage.SetupToken{TokenHash: h, Purpose: "first-admin",
				ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.ValidSetupToken(ctx, "old", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the older link still works: %v", err)
		}
		if _, err := st.ValidSetupToken(ctx, "new", now); err != nil {
			t.Errorf("the newest link: %v", err)
		}
	})
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"Eva Hansen":                     "Eva Hansen",
		"  Eva\n\nVIGTIGT: log ind her ": "Eva VIGTIGT: log ind her",
		"Mix\r\nLink:\thttp://x":         "Mix Link: http://x",
		"A\u2028B\x00C":                  "A B C",
		"":                               "",
	} {
		if got := storage.CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamesAreStoredOnOneLine(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		u := &storage.User{Email: "eva@example.dk", Name: "Eva\n\nVIGTIGT: log ind",
			Role: storage.RoleEditor, Active: true}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := st.UserByID(ctx, u.ID)
		if err != nil || got.Name != "Eva VIGTIGT: log ind" {
			t.Errorf("stored name %q (%v)", got.Name, err)
		}
	})
}

func TestSearchIndexKeptWithTheMaterial(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := article("Det gode forældremøde", material.Published)
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		found := func(q string) bool {
			hits, err := st.Search(ctx, q, storage.SearchOptions{})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			return len(hits) == 1 && hits[0].ID == m.ID
		}
		if !found("forældremøder") || !found("foraeldremoede") || found("skoleudflugt") {
			t.Error("the new material is not found by its title's forms")
		}
		m.Title = "Skoleudflugt til skoven"
		if err := st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if found("forældremøde") || !found("skoleudflugt") {
			t.Error("the index did not follow the new title")
		}
		// A database from before the index is built again in full.
		n, err := st.Reindex(ctx)
		if err != nil || n != 1 || !found("skoven") {
			t.Errorf("reindex: %d %v", n, err)
		}
		for _, q := range []string{"", "   ", strings.Repeat("ø", 1000), `"'; DROP TABLE materials; --`, "*", ":",
			"a:b OR c*", "\x01\x02", "日本語 mixed Ελληνικά", "NEAR(x y)", "%_\\"} {
			if _, err := st.Search(ctx, q, storage.SearchOptions{}); err != nil {
				t.Errorf("search %q: %v", q, err)
			}
		}
	})
}

// TestReindexTwiceAtOnce: instances starting together may both build the
// index; both succeed and the index is whole.
func TestReindexTwiceAtOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		for _, title := range []string{"Det gode forældremøde", "Trivsel i klassen", "Skolestart"} {
			if err := st.CreateMaterial(ctx, article(title, material.Published)); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := st.TableRows(ctx, "search_postings")
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() { _, err := st.Reindex(ctx); errs <- err }()
		}
		for i := 0; i < 2; i++ {
			if err := <-errs; err != nil {
				t.Errorf("reindex: %v", err)
			}
		}
		after, _ := st.TableRows(ctx, "search_postings")
		if !reflect.DeepEqual(after, before) || len(after) == 0 {
			t.Errorf("%d postings rows after two builds, %d before", len(after), len(before))
		}
	})
}

func TestSynonymsWidenAQuery(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := article("Mobning: hvad kan forældre gøre?", material.Published)
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			hits, err := st.Search(ctx, q, storage.SearchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return len(hits)
		}
		if count("drilleri") != 0 {
			t.Fatal("found without a synonym")
		}
		g := &storage.SynonymGroup{Words: []string{"drilleri", "mobning"}}
		if err := st.AddSynonymGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
		if count("drilleri") != 1 || count("drillerier") != 1 {
			t.Error("the synonym did not widen the query")
		}
		if err := st.DeleteSynonymGroup(ctx, g.ID); err != nil || count("drilleri") != 0 {
			t.Errorf("delete: %v", err)
		}
		if err := st.DeleteSynonymGroup(ctx, g.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("delete twice: %v", err)
		}
	})
}

// TestSearchKeepsDraftsPrivate: the words of drafts neither find public
// results nor turn up as suggestions; markup is not indexed.
func TestSearchKeepsDraftsPrivate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		draft := article("Kladde om flodheste", material.Draft)
		pub := article("Økonomi i SFO'en", material.Published)
		pub.Body = "## Priser\n\nSe [prislisten](https://example.dk/priser)."
		for _, m := range []*material.Material{draft, pub} {
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		public := storage.SearchOptions{PublishedOnly: true}
		if s, err := st.Suggest(ctx, "flodhest", public); err != nil || s != "" {
			t.Errorf("a draft's word is suggested to readers: %q %v", s, err)
		}
		if s, _ := st.Suggest(ctx, "flodhest", storage.SearchOptions{}); s != "flodheste" {
			t.Errorf("editors get no suggestion: %q", s)
		}
		for q, want := range map[string]int{"oko": 1, "sfo": 1, "en": 0, "https": 0, "example": 0, "prislisten": 1} {
			hits, err := st.Search(ctx, q, public)
			if err != nil || len(hits) != want {
				t.Errorf("%q: %d hits, want %d (%v)", q, len(hits), want, err)
			}
		}
		if err := st.LogMissedSearch(ctx, "Hjme"); err != nil {
			t.Fatal(err)
		}
		misses, _ := st.MissedSearches(ctx, 10)
		if len(misses) != 1 || misses[0].Query != "hjme" ||
			!misses[0].LastAt.Equal(misses[0].LastAt.Truncate(24*time.Hour)) {
			t.Errorf("missed searches: %+v", misses)
		}

		// What a query may say about a person is hidden before it is kept.
		if err := st.LogMissedSearch(ctx, "Anna anna@skole.dk 010203-1234 tlf 22334455 klasse 7"); err != nil {
			t.Fatal(err)
		}
		misses, _ = st.MissedSearches(ctx, 10)
		if len(misses) != 2 || misses[1].Query != "anna [e-mail] [tal]-[tal] tlf [tal] klasse 7" {
			t.Errorf("masked: %+v", misses)
		}
		// A query not asked since the cut-off is deleted; one asked since stays.
		if n, err := st.PruneMissedSearches(ctx, time.Now().Add(-48*time.Hour)); err != nil || n != 0 {
			t.Errorf("pruned %d within 90 days (%v)", n, err)
		}
		if n, err := st.PruneMissedSearches(ctx, time.Now().Add(2*24*time.Hour)); err != nil || n != 2 {
			t.Errorf("pruned %d after 90 days (%v)", n, err)
		}
		for _, q := range []string{"hjme", "trivsl"} {
			if err := st.LogMissedSearch(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.DeleteMissedSearch(ctx, "hjme"); err != nil {
			t.Fatal(err)
		}
		if misses, _ = st.MissedSearches(ctx, 10); len(misses) != 1 || misses[0].Query != "trivsl" {
			t.Errorf("after deleting one: %+v", misses)
		}
		if err := st.DeleteMissedSearch(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if misses, _ = st.MissedSearches(ctx, 10); len(misses) != 0 {
			t.Errorf("after deleting all: %+v", misses)
		}
	})
}

func TestPageVersionMovesWithWhatPagesShow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		last, err := st.PageVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		step := func(what string, wantMoved bool, change func() error) {
			t.Helper()
			if err := change(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			v, err := st.PageVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if moved := v != last; moved != wantMoved {
				t.Errorf("%s: page version %d -> %d, moved = %v, want %v", what, last, v, moved, wantMoved)
			}
			last = v
		}
		draft := article("Kladde", material.Draft)
		step("a new draft", false, func() error { return st.CreateMaterial(ctx, draft) })
		draft.Audiences = []material.Audience{material.Parents}
		step("a draft's audiences", false, func() error { return st.UpdateMaterial(ctx, draft) })
		draft.Status = material.Published
		step("publishing", true, func() error { return st.UpdateMaterial(ctx, draft) })
		draft.GradeBands = []material.GradeBand{material.Grades7to9}
		step("a published material's grades", true, func() error { return st.UpdateMaterial(ctx, draft) })
		draft.Status = material.Draft
		step("unpublishing", true, func() error { return st.UpdateMaterial(ctx, draft) })
		theme := &storage.Theme{Slug: "trivsel", Name: "Trivsel"}
		step("a new theme", true, func() error { return st.SaveTheme(ctx, theme) })
		theme.Name = "Trivsel og fællesskab"
		step("a theme renamed", true, func() error { return st.SaveTheme(ctx, theme) })
		step("a setting", true, func() error { return st.PutSettings(ctx, map[string]string{"brand.name": "X"}) })
		// Many rows in one transaction move it, once on PostgreSQL.
		var many []*material.Material
		for i := range 5 {
			many = append(many, article(fmt.Sprintf("Udgivet %d", i), material.Published))
		}
		before := last
		step("five published in one go", true, func() error { return st.CreateMaterials(ctx, many) })
		if st.Backend() == storage.Postgres && last != before+1 {
			t.Errorf("five materials in one transaction moved the version by %d, want 1", last-before)
		}
	})
}

// CurrentPageVersion remembers the version but never hides a change this
// process committed, whether in a transaction or a single statement.
func TestCurrentPageVersionSeesOwnCommits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		check := func(what string) int64 {
			t.Helper()
			got, err := st.CurrentPageVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.PageVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: current page version %d, the database has %d", what, got, want)
			}
			return got
		}
		first := check("at first")
		m := article("Udgivet", material.Published)
		if err := st.CreateMaterial(ctx, m); err != nil { // a transaction
			t.Fatal(err)
		}
		if check("after publishing") == first {
			t.Error("publishing did not move the page version")
		}
		theme := &storage.Theme{Slug: "trivsel", Name: "Trivsel"}
		if err := st.SaveTheme(ctx, theme); err != nil { // one statement
			t.Fatal(err)
		}
		check("after a new theme")
		theme.Name = "Trivsel og fællesskab"
		if err := st.SaveTheme(ctx, theme); err != nil {
			t.Fatal(err)
		}
		check("after a theme renamed")
		if err := st.PutSettings(ctx, map[string]string{"brand.name": "Y"}); err != nil {
			t.Fatal(err)
		}
		check("after a setting")
	})
}
