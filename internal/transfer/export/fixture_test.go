package export

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer"
)

var ctx = context.Background()

// hub is what fillHub made, for tests that need its ids.
type hub struct {
	admin, editor, reviewer, contributor, retired *storage.User
	files                                         map[string]*storage.Media
	published                                     *material.Material
	// imported is the material the bundle of importBundle made, and
	// importedFiles the keys of its stored cover and inline image.
	imported      *material.Material
	importedFiles []string
}

// fillHub makes a hub with every kind of entity an export carries, and
// some it leaves out.
func fillHub(t *testing.T, st *storage.Store, blobs media.Blobs) *hub {
	t.Helper()
	h := &hub{files: map[string]*storage.Media{}}
	h.admin = addUser(t, st, "ada@example.dk", "Ada Admin", storage.RoleAdmin, true)
	h.editor = addUser(t, st, "erik@example.dk", "Erik Redaktør", storage.RoleEditor, true)
	h.reviewer = addUser(t, st, "rita@example.dk", "Rita", storage.RoleReviewer, true)
	h.contributor = addUser(t, st, "kim@example.dk", "Kim Lærer", storage.RoleContributor, true)
	h.retired = addUser(t, st, "gammel@example.dk", "", storage.RoleContributor, false)

	for _, f := range []struct{ key, class, typ string }{
		{"cover01.jpg", "image", "image/jpeg"}, {"logo01.png", "image", "image/png"},
		{"brand01.svg", "image", "image/svg+xml"}, {"film01.mp4", "video", "video/mp4"},
		{"capt01.vtt", "captions", "text/vtt"}, {"poster01.jpg", "image", "image/jpeg"},
		{"guide01.pdf", "document", "application/pdf"}, {"guide02.pdf", "document", "application/pdf"},
		{"gone01.jpg", "image", "image/jpeg"},
	} {
		data := bytes.Repeat([]byte(f.key+"|æøå|"), 1+len(f.key))
		if _, err := blobs.Put(ctx, f.key, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		m := &storage.Media{Key: f.key, Class: f.class, ContentType: f.typ, Size: int64(len(data)), Width: 40,
			Height: 30, Name: "Fil " + f.key, UploadedBy: h.editor.ID}
		if err := st.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
		h.files[f.key] = m
	}

	trivsel := storage.Theme{Slug: "trivsel", Name: "Trivsel", Description: "Om at have det godt"}
	lektier := storage.Theme{Slug: "lektier", Name: "Lektier"}
	for _, th := range []*storage.Theme{&trivsel, &lektier} {
		if err := st.SaveTheme(ctx, th); err != nil {
			t.Fatal(err)
		}
	}
	nord := storage.School{Slug: "nordskolen", Name: "Nordskolen", ShortName: "Nord", URL: "https://nord.example.dk",
		LogoID: h.files["logo01.png"].ID}
	syd := storage.School{Slug: "sydskolen", Name: "Sydskolen"}
	// Not in slug order, as a restore writes them, so the ids differ after
	// a restore.
	for _, sc := range []*storage.School{&syd, &nord} {
		if err := st.CreateSchool(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	must(t, st.SetUserSchools(ctx, h.contributor.ID, []int64{nord.ID, syd.ID}))
	must(t, st.SetUserSchools(ctx, h.retired.ID, []int64{syd.ID}))
	must(t, st.SetMailOptOuts(ctx, h.editor.ID, []string{"comment", "submitted"}))

	base := func(kind material.Kind, title string) *material.Material {
		return &material.Material{Kind: kind, Title: title, Summary: "Kort om " + title, Body: "# " + title +
			"\n\nFørste afsnit.\n\nAndet afsnit med **fed** tekst.\n", Language: "da", Status: material.Draft,
			Audiences:  []material.Audience{material.Teachers, material.Parents},
			GradeBands: []material.GradeBand{material.Grades0to3}, ThemeIDs: []int64{trivsel.ID, lektier.ID}}
	}
	save := func(m *material.Material, by int64, from material.Status, msg string) {
		t.Helper()
		must(t, st.SaveMaterial(ctx, m, storage.Save{UserID: by, From: from, Message: msg}))
	}

	draft := base(material.Article, "Et udkast med æøå")
	draft.SchoolID = nord.ID
	draft.CoverID, draft.CoverAlt = h.files["cover01.jpg"].ID, "Børn i skolegården"
	draft.Consent = material.Consent{Rights: true, Children: "all", Names: "none", By: h.contributor.ID,
		At:       time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		Licences: map[int64]string{h.files["cover01.jpg"].ID: "own"}}
	save(draft, h.contributor.ID, "", "")
	must(t, st.SetMaterialCreator(ctx, draft.ID, h.contributor.ID))

	guide := base(material.Guide, "Tjekliste til forældremødet")
	guide.Attachments = []material.Attachment{{MediaID: h.files["guide01.pdf"].ID, Title: "Tjekliste"},
		{MediaID: h.files["guide02.pdf"].ID, Title: "Invitation"}}
	save(guide, h.contributor.ID, "", "")
	guide.Status = material.InReview
	save(guide, h.contributor.ID, material.Draft, "Klar til at blive læst")
	round := &storage.Round{MaterialID: guide.ID, Deadline: time.Now().Add(72 * time.Hour).Truncate(time.Hour),
		Revision: 2, CreatedBy: h.editor.ID}
	must(t, st.StartRound(ctx, round, []int64{h.reviewer.ID, h.admin.ID}))
	must(t, st.SetVerdict(ctx, round.ID, h.reviewer.ID, storage.VerdictChanges, "Mere om lektier", 2))
	c1 := &storage.Comment{MaterialID: guide.ID, RoundID: round.ID, UserID: h.reviewer.ID, Paragraph: 2,
		Body: "Kan det siges kortere?"}
	must(t, st.AddComment(ctx, c1))
	must(t, st.AddComment(ctx, &storage.Comment{MaterialID: guide.ID, ParentID: c1.ID, UserID: h.contributor.ID,
		Body: "Ja, rettet"}))
	must(t, st.ResolveComment(ctx, guide.ID, c1.ID, h.editor.ID, true))
	must(t, st.AddComment(ctx, &storage.Comment{MaterialID: guide.ID, UserID: h.admin.ID, Body: "Åben tråd"}))

	changes := base(material.Article, "Skal rettes")
	save(changes, h.editor.ID, "", "")
	changes.Status = material.ChangesRequested
	save(changes, h.editor.ID, material.Draft, "Se kommentarerne")

	approved := base(material.Link, "God side om trivsel")
	approved.LinkURL, approved.LinkPublisher = "https://example.org/trivsel", "Eksempel"
	approved.Status = material.Approved
	save(approved, h.editor.ID, material.Draft, "")

	planned := base(material.Article, "Planlagt artikel")
	save(planned, h.editor.ID, "", "")
	must(t, st.ScheduleMaterial(ctx, planned, time.Date(2031, 5, 1, 6, 0, 0, 0, time.UTC),
		storage.Save{UserID: h.editor.ID, From: material.Draft}))

	film := base(material.Film, "Film om samarbejde")
	film.VideoID, film.CaptionsID, film.PosterID = h.files["film01.mp4"].ID, h.files["capt01.vtt"].ID,
		h.files["poster01.jpg"].ID
	film.Transcript, film.Status, film.Featured = "Hej.\n\nVelkommen.", material.Published, true
	film.SchoolID = syd.ID
	save(film, h.editor.ID, material.Draft, "Udgivet")
	must(t, st.PlanUnpublish(ctx, film, time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC), storage.Save{UserID: h.editor.ID}))
	film.Title = "Film om samarbejdet mellem skole og hjem" // a new slug, the old one redirects
	save(film, h.editor.ID, "", "")
	edit := film.Clone()
	edit.Summary = "En ny udgave venter"
	edit.ThemeIDs = []int64{lektier.ID}
	must(t, st.SavePending(ctx, edit, material.InReview, h.contributor.ID, time.Time{}))
	h.published = film

	gone := base(material.Link, "Ikke længere")
	gone.LinkURL, gone.LinkPublisher = "https://example.org/gammel", "Eksempel"
	gone.Status = material.Published
	save(gone, h.admin.ID, material.Draft, "")
	gone.Status = material.Unpublished
	save(gone, h.admin.ID, material.Published, "Forældet")

	// A withdrawn file: listed, no bytes.
	withdrawnOn := base(material.Article, "Med tilbagetrukket billede")
	withdrawnOn.CoverID, withdrawnOn.CoverAlt = h.files["gone01.jpg"].ID, "Et barn"
	save(withdrawnOn, h.editor.ID, "", "")
	if _, err := st.WithdrawMedia(ctx, h.files["gone01.jpg"].ID); err != nil {
		t.Fatal(err)
	}
	must(t, blobs.Delete(ctx, "gone01.jpg"))

	must(t, st.AddSynonymGroup(ctx, &storage.SynonymGroup{Words: []string{"mobbe", "mobning"}}))
	must(t, st.AddSynonymGroup(ctx, &storage.SynonymGroup{Words: []string{"forældre", "mor", "far"}}))
	must(t, st.CountVisit(ctx, film.ID, "aula", "2030-04-02"))
	must(t, st.CountVisit(ctx, film.ID, "aula", "2030-04-02"))
	must(t, st.CountVisit(ctx, gone.ID, "nyhedsbrev", "2030-04-03"))
	must(t, st.PutSettings(ctx, map[string]string{"brand.name": "Skole og hjem i Bindeled",
		"brand.colour": "#1b5e7a", "brand.logo": strconv.FormatInt(h.files["brand01.svg"].ID, 10),
		"a11y.contact": "web@example.dk", "workflow.review_unit_off": "1",
		"server.secret": "not-for-export", "social.facebook.app_secret": "hemmelig"}))
	must(t, st.CreateSession(ctx, &storage.Session{IDHash: "s1", UserID: h.admin.ID, CreatedAt: time.Now(),
		ExpiresAt: time.Now().Add(time.Hour)}))

	h.imported, h.importedFiles = importInto(t, st, blobs, importBundle(t))
	return h
}

// importBundle is what an import from an old site brings: one published
// article under an existing theme, with a cover, an image in its body and
// two old addresses.
func importBundle(t *testing.T) *transfer.Bundle {
	t.Helper()
	file := func(key, alt string, data []byte) *transfer.File {
		return &transfer.File{Key: key, Name: key, Alt: alt, Open: func(context.Context) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}}
	}
	cover := file("https://gammel.example.dk/uploads/forside.png", "Forsiden", pngBytes(t, 40, 30, 10))
	inline := file("https://gammel.example.dk/uploads/inde.png", "", pngBytes(t, 20, 20, 200))
	m := material.Material{Kind: material.Article, Title: "Importeret om trivsel", Slug: "importeret-om-trivsel",
		Summary: "Fra det gamle site.", Body: "## Billede\n\n![Elever i skolegården](" + transfer.InlineRef(0) +
			")\n\nMere tekst.", Audiences: []material.Audience{material.Parents}, Language: "da",
		Status: material.Published, PublishedAt: time.Date(2016, 12, 1, 9, 0, 0, 0, time.UTC)}
	return &transfer.Bundle{
		Source: "wordpress:https://gammel.example.dk",
		Themes: []transfer.Theme{{Key: "category:trivsel", Slug: "trivsel", Name: "Trivsel"}},
		Items: []transfer.Item{{Key: "post:7", Material: m, ThemeKeys: []string{"category:trivsel"}, Cover: cover,
			SchoolSlug: "nordskolen",
			Inline:     []transfer.File{*inline}, OldPaths: []string{"/2016/12/importeret-om-trivsel/", "/?p=7"}}},
	}
}

// importInto applies a bundle of one item and returns the material it
// made or found and the keys of the material's cover and inline images.
func importInto(t *testing.T, st *storage.Store, blobs media.Blobs, b *transfer.Bundle) (*material.Material,
	[]string) {
	t.Helper()
	rep, err := transfer.Apply(ctx, st, blobs, b, transfer.Options{OwnWork: true, TempDir: t.TempDir()})
	if err != nil {
		t.Fatalf("import: %v (%+v)", err, rep)
	}
	if len(rep.Items) != 1 {
		t.Fatalf("import: %d items, want 1 (%+v)", len(rep.Items), rep)
	}
	m, err := st.GetMaterial(ctx, rep.Items[0].MaterialID)
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{}
	inline, err := st.InlineMedia(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range append([]int64{m.CoverID}, inline...) {
		f, err := st.GetMedia(ctx, id)
		if err != nil {
			t.Fatalf("media %d of the imported material: %v", id, err)
		}
		keys = append(keys, f.Key)
	}
	return m, keys
}

func pngBytes(t *testing.T, w, h int, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, 0, color.RGBA{shade, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func addUser(t *testing.T, st *storage.Store, email, name string, role storage.Role, active bool) *storage.User {
	t.Helper()
	u := &storage.User{Email: email, Name: name, Role: role, PasswordHash: "argon2id$secret-hash", Active: active}
	must(t, st.CreateUser(ctx, u))
	return u
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
