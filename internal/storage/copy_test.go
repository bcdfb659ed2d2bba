package storage_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

func TestCopyCoversEveryTable(t *testing.T) {
	want := storage.KnownTables()
	sort.Strings(want)
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		got, err := st.SchemaTables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("schema has tables %v, copy knows %v", got, want)
		}
	})
}

// fill puts at least one row in every table.
func fill(t *testing.T, st *storage.Store) {
	t.Helper()
	th := storage.Theme{Slug: "trivsel", Name: "Trivsel", Description: "Om trivsel"}
	if err := st.SaveTheme(ctx, &th); err != nil {
		t.Fatal(err)
	}
	img := storage.Media{Key: "abc.png", Class: "image", ContentType: "image/png", Size: 99, Width: 3,
		Height: 2, Name: "x.png"}
	doc := storage.Media{Key: "def.pdf", Class: "document", ContentType: "application/pdf", Size: 10, Name: "y.pdf"}
	for _, m := range []*storage.Media{&img, &doc} {
		if err := st.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	sc := storage.School{Slug: "nord", Name: "Nordskolen", ShortName: "Nord", URL: "https://example.dk", LogoID: img.ID}
	if err := st.CreateSchool(ctx, &sc); err != nil {
		t.Fatal(err)
	}
	m := &material.Material{Kind: material.Guide, Title: "Tjekliste", Summary: "Kort", Body: "## A\n\nB",
		Audiences: []material.Audience{material.Parents,
			material.Leaders}, GradeBands: []material.GradeBand{material.Grades7to9},
		ThemeIDs: []int64{th.ID}, SchoolID: sc.ID, Language: "da", Status: material.Published, Featured: true,
		CoverID: img.ID, CoverAlt: "Et billede", Attachments: []material.Attachment{{MediaID: doc.ID, Title: "PDF"}}}
	if err := st.CreateMaterial(ctx, m); err != nil {
		t.Fatal(err)
	}
	m.Title = "Tjekliste til samtalen"
	if err := st.UpdateMaterial(ctx, m); err != nil {
		t.Fatal(err)
	}
	u := &storage.User{Email: "a@example.dk", Name: "Ada", Role: storage.RoleAdmin, PasswordHash: "h", Active: true}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	inactive := &storage.User{Email: "b@example.dk", Role: storage.RoleEditor, Active: false}
	if err := st.CreateUser(ctx, inactive); err != nil {
		t.Fatal(err)
	}
	if err := st.SetUserSchools(ctx, inactive.ID, []int64{sc.ID}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := st.CreateSession(ctx, &storage.Session{IDHash: "s", UserID: u.ID, CreatedAt: now,
		ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TakeAttempt(ctx, "login-addr", "k", now.Add(time.Hour), 5); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSetupToken(ctx, &storage.SetupToken{TokenHash: "t", Purpose: "first-admin",
		ExpiresAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutSettings(ctx, map[string]string{"brand.name": "Skole og hjem",
		"brand.colour": "#1b5e7a"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Audit(ctx, &storage.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: "material.publish",
		Subject: "material 1", Client: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	planned := &material.Material{Kind: material.Article, Title: "Planlagt", Summary: "x", Language: "da",
		Status: material.Draft, Audiences: []material.Audience{material.Parents}}
	if err := st.CreateMaterial(ctx, planned); err != nil {
		t.Fatal(err)
	}
	if err := st.ScheduleMaterial(ctx, planned, now.Add(48*time.Hour), storage.Save{UserID: u.ID,
		From: material.Draft, Message: "Klar"}); err != nil {
		t.Fatal(err)
	}
	round := &storage.Round{MaterialID: planned.ID, Deadline: now.Add(72 * time.Hour), Revision: 1, CreatedBy: u.ID}
	if err := st.StartRound(ctx, round, []int64{u.ID, inactive.ID}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetVerdict(ctx, round.ID, u.ID, storage.VerdictApprove, "Fint", 1); err != nil {
		t.Fatal(err)
	}
	c := &storage.Comment{MaterialID: planned.ID, RoundID: round.ID, UserID: u.ID, Paragraph: 2, Body: "Godt"}
	if err := st.AddComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.AddComment(ctx, &storage.Comment{MaterialID: planned.ID, ParentID: c.ID, UserID: u.ID,
		Body: "Enig"}); err != nil {
		t.Fatal(err)
	}
	if err := st.ResolveComment(ctx, planned.ID, c.ID, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := st.LogMissedSearch(ctx, "Madpakker på tur"); err != nil {
		t.Fatal(err)
	}
	if err := st.AddSynonymGroup(ctx, &storage.SynonymGroup{Words: []string{"mobbe", "mobning"}}); err != nil {
		t.Fatal(err)
	}
	edit := m.Clone()
	edit.Title = "Tjekliste, ny udgave"
	if err := st.SavePending(ctx, edit, material.InReview, u.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMaterialCreator(ctx, planned.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUserToken(ctx, &storage.UserToken{TokenHash: "r", UserID: inactive.ID,
		Purpose: storage.TokenInvite, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	note := &storage.Notification{UserID: u.ID, Kind: "published", MaterialID: m.ID, MaterialTitle: m.Title,
		Message: "Godt gået"}
	if err := st.Deliver(ctx, note, &storage.Mail{To: u.Email, Subject: "Udgivet", Body: "Hej"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetMailOptOuts(ctx, u.ID, []string{"comment"}); err != nil {
		t.Fatal(err)
	}
	if err := st.EnableTOTP(ctx, &storage.TOTP{UserID: u.ID, Secret: "v1.abcd.sealed", ConfirmedAt: now,
		LastStep: 7}, []string{"h1", "h2"}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateLoginChallenge(ctx, &storage.LoginChallenge{IDHash: "c", UserID: u.ID, Next: "/redaktion",
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.CountVisit(ctx, m.ID, "aula", "2030-04-02"); err != nil {
		t.Fatal(err)
	}
	ch := &storage.Channel{Platform: "linkedin", Name: "LinkedIn", Target: "urn:li:organization:5", Token: "v1.x",
		TokenExpiresAt: now.Add(24 * time.Hour), CreatedBy: u.ID}
	if err := st.SaveChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	post := &storage.Post{MaterialID: m.ID, ChannelID: ch.ID, Text: "Læs den", SiteURL: "https://h.dk",
		RunAt: now.Add(time.Hour), CreatedBy: u.ID}
	if err := st.PlanPosts(ctx, []*storage.Post{post}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateGrant(ctx, &storage.Grant{StateHash: "g", SessionHash: "s", UserID: u.ID,
		Platform: "linkedin", ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	imported := &material.Material{Kind: material.Article, Title: "Importeret", Summary: "x", Language: "da",
		Status: material.Published, Audiences: []material.Audience{material.Parents},
		Body: "![Et foto](/media/ghi.png)"}
	if _, err := st.Import(ctx, &storage.ImportSet{Source: "test:copy", Message: "Importeret",
		Files: []storage.ImportFile{{Key: "uploads/foto.png", Hash: "ab", Media: storage.Media{Key: "ghi.png",
			Class: "image", ContentType: "image/png", Size: 5, Width: 1, Height: 1, Name: "foto.png"}}},
		Items: []storage.ImportItem{{Key: "post:1", Hash: "cd", Slug: "importeret", M: imported,
			InlineFiles: []string{"uploads/foto.png"}, OldPaths: []string{"/?p=1"}}}}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.SaveRenditions(ctx, img.ID, []storage.Rendition{{Key: "abcw2.webp",
		ContentType: "image/webp", Width: 2, Height: 1, Size: 40}}); err != nil || !ok {
		t.Fatal(ok, err)
	}
}

func compareAll(t *testing.T, a, b *storage.Store) {
	t.Helper()
	for _, name := range storage.TableNames() {
		ra, err := a.TableRows(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := b.TableRows(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(ra) == 0 {
			t.Errorf("%s: the test fills no rows", name)
		}
		if !reflect.DeepEqual(ra, rb) {
			t.Errorf("%s differs after copy:\n%s: %v\n%s: %v", name, a.Backend(), ra, b.Backend(), rb)
		}
	}
}

func TestCopyRoundTrip(t *testing.T) {
	backends := storagetest.Backends(t)
	last := backends[len(backends)-1]
	src := storagetest.Open(t, storage.SQLite)
	fill(t, src)

	mid := storagetest.Open(t, last)
	if _, err := storage.Copy(ctx, src, mid); err != nil {
		t.Fatal(err)
	}
	compareAll(t, src, mid)

	back := storagetest.Open(t, storage.SQLite)
	counts, err := storage.Copy(ctx, mid, back)
	if err != nil {
		t.Fatal(err)
	}
	// Five jobs: the three the test plans and the renditions of the two
	// images.
	if counts["materials"] != 3 || counts["users"] != 2 || counts["jobs"] != 5 || counts["mails"] != 1 {
		t.Errorf("counts %v", counts)
	}
	compareAll(t, src, back)

	// New rows after a copy get fresh ids: the sequences moved along.
	for _, st := range []*storage.Store{mid, back} {
		m := &material.Material{Kind: material.Article, Title: "Ny", Summary: "x", Language: "da",
			Status: material.Draft, Audiences: []material.Audience{material.Parents}}
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Errorf("%s: insert after copy: %v", st.Backend(), err)
		}
	}
}

func TestCopyRefusesNonEmptyTarget(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, dst *storage.Store) {
		src := storagetest.Open(t, storage.SQLite)
		fill(t, src)
		th := storage.Theme{Slug: "eget", Name: "Eget"}
		if err := dst.SaveTheme(ctx, &th); err != nil {
			t.Fatal(err)
		}
		_, err := storage.Copy(ctx, src, dst)
		if err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("err = %v, want a refusal", err)
		}
		rows, _ := dst.TableRows(ctx, "materials")
		themes, _ := dst.Themes(ctx)
		if len(rows) != 0 || len(themes) != 1 {
			t.Errorf("a refused copy changed the target: %d materials, %d themes", len(rows), len(themes))
		}
	})
}
