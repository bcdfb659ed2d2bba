package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

func schools(t *testing.T, h *hubT, names ...string) []storage.School {
	t.Helper()
	var out []storage.School
	for _, n := range names {
		sc := storage.School{Slug: material.Slugify(n), Name: n}
		if err := h.st.CreateSchool(ctx, &sc); err != nil {
			t.Fatal(err)
		}
		out = append(out, sc)
	}
	return out
}

func TestContributorsStayWithinTheirSchools(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		sc := schools(t, h, "A-skolen", "B-skolen")
		a, b := sc[0], sc[1]
		draftB := &material.Material{Kind: material.Article, Title: "B's kladde", Summary: "x", Language: "da",
			Status: material.Draft, SchoolID: b.ID, Audiences: []material.Audience{material.Parents}}
		if err := h.st.CreateMaterial(ctx, draftB); err != nil {
			t.Fatal(err)
		}
		c, csrf := h.loginContributor(a.ID)

		// The list shows only A's materials; B's draft cannot be read or changed.
		if list := c.get("/redaktion"); strings.Contains(list.body, "B's kladde") {
			t.Error("a contributor of A sees B's draft in the list")
		}
		idB := strconv.FormatInt(draftB.ID, 10)
		for _, path := range []string{"/redaktion/materialer/" + idB, "/redaktion/materialer/" + idB + "/vis"} {
			if p := c.get(path); p.status != http.StatusForbidden {
				t.Errorf("GET %s: %d, want 403", path, p.status)
			}
		}
		fields := [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Overtaget"}, {"summary", "x"},
			{"audiences", "parents"}, {"language", "da"}, {"school", strconv.FormatInt(b.ID, 10)}, {"action", "save"}}
		if p := c.postMultipart("/redaktion/materialer/"+idB, fields); p.status != http.StatusForbidden {
			t.Errorf("saving B's draft: %d", p.status)
		}

		// A new material must name one of the contributor's schools.
		p := c.postMultipart("/redaktion/materialer", fields)
		if p.status != http.StatusUnprocessableEntity || p.text("#school-problem") == "" {
			t.Errorf("a draft for B: %d %q", p.status, p.text("#school-problem"))
		}
		if p.doc.Find("#school option[value='"+strconv.FormatInt(b.ID, 10)+"']").Length() != 0 {
			t.Error("the form offers another school")
		}
		fields[6] = [2]string{"school", strconv.FormatInt(a.ID, 10)}
		p = c.postMultipart("/redaktion/materialer", fields)
		if p.status != http.StatusSeeOther {
			t.Fatalf("a draft for A: %d", p.status)
		}
		edit := strings.Split(p.header.Get("Location"), "?")[0]
		form := c.get(edit)
		if form.doc.Find("button[value=publish], button[value=schedule]").Length() != 0 {
			t.Error("a contributor is offered to publish or plan")
		}

		// Publishing, planning and unpublishing are refused on the server.
		for _, action := range []string{"publish", "schedule", "unpublish"} {
			fields[7] = [2]string{"action", action}
			if p := c.postMultipart(edit, fields); p.status != http.StatusForbidden {
				t.Errorf("action %s: %d, want 403", action, p.status)
			}
		}
		m, _ := h.st.GetMaterialBySlug(ctx, "overtaget")
		if m == nil || m.Status != material.Draft {
			t.Fatal("the contributor's draft changed status")
		}

		// Once an editor has published it, the contributor can no longer change it.
		m.Status = material.Published
		if err := h.st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		fields[7] = [2]string{"action", "save"}
		if p := c.postMultipart(edit, fields); p.status != http.StatusForbidden {
			t.Errorf("editing a published material: %d", p.status)
		}
		for _, path := range []string{"/redaktion/temaer", "/redaktion/indstillinger", "/redaktion/skoler",
			"/redaktion/logbog"} {
			if p := c.get(path); p.status != http.StatusForbidden {
				t.Errorf("GET %s: %d", path, p.status)
			}
		}
	})
}

func TestReviewerReadsButDoesNotWrite(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		img := storage.Media{Key: "0a1b2c3d4e5f.png", Class: "image", ContentType: "image/png", Size: 1,
			Width: 1, Height: 1}
		if err := h.st.CreateMedia(ctx, &img); err != nil {
			t.Fatal(err)
		}
		draft := &material.Material{Kind: material.Article, Title: "Til styregruppen", Summary: "x", Language: "da",
			Status: material.InReview, Body: "## Udkast\n\nTekst.", CoverID: img.ID, CoverAlt: "Et billede",
			Audiences: []material.Audience{material.Parents}}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}
		// A draft not yet sent for review is the writer's own.
		early := &material.Material{Kind: material.Article, Title: "Endnu ikke klar", Summary: "x", Language: "da",
			Status: material.Draft, Audiences: []material.Audience{material.Parents}}
		if err := h.st.CreateMaterial(ctx, early); err != nil {
			t.Fatal(err)
		}
		r, csrf := h.login(storage.RoleReviewer)
		list := r.get("/redaktion")
		link := list.attr("tbody a", "href")
		if link != "/redaktion/materialer/"+strconv.FormatInt(draft.ID, 10)+"/vis" {
			t.Fatalf("the reviewer's list links to %q", link)
		}
		if n := list.doc.Find("tbody tr").Length(); n != 1 {
			t.Errorf("the reviewer's list has %d rows, want only the one in review", n)
		}
		if p := r.get("/redaktion/materialer/" + strconv.FormatInt(early.ID,
			10) + "/vis"); p.status != http.StatusForbidden {
			t.Errorf("reviewer reads a draft not in review: %d", p.status)
		}
		if list.doc.Find(".newlinks").Length() != 0 {
			t.Error("a reviewer is offered to write")
		}
		view := r.get(link)
		if view.status != 200 || view.text("h1") != "Til styregruppen" || view.doc.Find(".notice").Length() == 0 {
			t.Errorf("draft view: %d %q", view.status, view.text("h1"))
		}
		if src := view.attr(".cover img", "src"); src != "/redaktion/medier/0a1b2c3d4e5f.png" {
			t.Errorf("the draft's image comes from %q", src)
		}
		if p := r.get("/redaktion/materialer/" + strconv.FormatInt(draft.ID, 10)); p.status != http.StatusForbidden {
			t.Errorf("reviewer opens the edit form: %d", p.status)
		}
		p := r.postMultipart("/redaktion/materialer/"+strconv.FormatInt(draft.ID, 10), [][2]string{{"csrf", csrf},
			{"title", "Ændret"}, {"action", "publish"}})
		if p.status != http.StatusForbidden {
			t.Errorf("reviewer saves: %d", p.status)
		}
		if got, _ := h.st.GetMaterial(ctx, draft.ID); got.Title != "Til styregruppen" ||
			got.Status != material.InReview {
			t.Error("the reviewer changed the draft")
		}
	})
}

// TestFilesStayWithTheirSchool: a contributor can neither attach nor see
// another school's unpublished files by guessing their ids or keys.
func TestFilesStayWithTheirSchool(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		a := storage.School{Slug: "a-skolen", Name: "A-skolen"}
		b := storage.School{Slug: "b-skolen", Name: "B-skolen"}
		for _, sc := range []*storage.School{&a, &b} {
			if err := h.st.CreateSchool(ctx, sc); err != nil {
				t.Fatal(err)
			}
		}
		ca, csrfA := h.loginContributor(a.ID)
		p := ca.postMultipart("/redaktion/materialer", [][2]string{{"csrf", csrfA}, {"kind", "article"},
			{"title", "A's kladde"}, {"summary", "Kort."}, {"school", strconv.FormatInt(a.ID, 10)},
			{"audiences", "parents"}, {"language", "da"}, {"cover_alt", "Børn i skolegården"}, {"featured", "on"},
			{"action", "save"}}, file{"cover", "boern.png", pngBytes(t, 20, 20)})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save with a photo: %d %q", p.status, p.text(".problem"))
		}
		if got, _, _ := h.st.SearchMaterials(ctx, "kladde", 10, 0); len(got) != 1 || got[0].Featured {
			t.Error("a contributor put a material on the front page")
		}
		form := ca.get(p.header.Get("Location"))
		coverID, src := form.attr("input[name=cover_id]", "value"), form.attr(".file-current img", "src")
		if coverID == "" || ca.get(src).status != http.StatusOK {
			t.Fatalf("the uploader cannot see her own photo (%q)", src)
		}

		cb, csrfB := h.loginContributor(b.ID)
		p = cb.postMultipart("/redaktion/materialer", [][2]string{{"csrf", csrfB}, {"kind", "article"},
			{"title", "B's kladde"}, {"summary", "Kort."}, {"school", strconv.FormatInt(b.ID, 10)},
			{"audiences", "parents"}, {"language", "da"}, {"cover_id", coverID}, {"cover_alt",
				"x"}, {"action", "save"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d", p.status)
		}
		if got := cb.get(p.header.Get("Location")); got.attr("input[name=cover_id]", "value") != "" {
			t.Error("another school's photo was attached by its id")
		}
		if got := cb.get(src); got.status != http.StatusNotFound {
			t.Errorf("another school's draft photo is served: %d", got.status)
		}
		reviewer, _ := h.login(storage.RoleReviewer)
		if got := reviewer.get(src); got.status != http.StatusNotFound {
			t.Errorf("a reviewer sees the photo of a draft not in review: %d", got.status)
		}
		ed, _ := h.login(storage.RoleEditor)
		if got := ed.get(src); got.status != http.StatusOK {
			t.Errorf("an editor cannot see it: %d", got.status)
		}
	})
}
