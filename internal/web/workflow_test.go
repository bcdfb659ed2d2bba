package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestWorkflowEndToEnd follows a school's material from its first draft to
// the scheduler publishing it: the contributor submits, a reviewer
// comments and asks for changes, the editor sends it back, the contributor
// revises and submits again, the editor approves and plans it.
func TestWorkflowEndToEnd(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		school := storage.School{Slug: "aaskolen", Name: "Åskolen"}
		if err := h.st.CreateSchool(ctx, &school); err != nil {
			t.Fatal(err)
		}
		contrib, csrfC := h.loginContributor(school.ID)
		reviewer, csrfR := h.login(storage.RoleReviewer)
		editor, csrfE := h.login(storage.RoleEditor)
		sid := strconv.FormatInt(school.ID, 10)
		fields := func(csrf, body string) [][2]string {
			return [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Vores forældremøder"},
				{"summary", "Sådan holder Åskolen gode forældremøder."}, {"body", body}, {"school", sid},
				{"audiences", "teachers"}, {"language", "da"}}
		}
		first := "## Før mødet\n\nVi sender dagsordenen ud.\n\n## Under mødet\n\nVi starter med kaffe."

		// Submitting without the consent answers is refused, with all typed kept.
		p := contrib.postMultipart("/redaktion/materialer", append(fields(csrfC, first), [2]string{"action", "submit"}))
		if p.status != http.StatusUnprocessableEntity || p.text("#consent_rights-problem") == "" ||
			p.text("#consent_children-problem") == "" || !strings.Contains(p.text("#body"), "kaffe") {
			t.Fatalf("submit without consent: %d %q", p.status, p.text(".problem"))
		}
		p = contrib.postMultipart("/redaktion/materialer",
			append(append(fields(csrfC, first), consentFields()...), [2]string{"action", "submit"}))
		if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "besked=sendt") {
			t.Fatalf("submit: %d %q", p.status, p.text(".problem"))
		}
		edit := strings.Split(p.header.Get("Location"), "?")[0]
		id, _ := strconv.ParseInt(strings.TrimPrefix(edit, "/redaktion/materialer/"), 10, 64)
		m, err := h.st.GetMaterial(ctx, id)
		if err != nil || m.Status != material.InReview || !m.Consent.Rights || m.Consent.By == 0 {
			t.Fatalf("after submit: %+v %v", m, err)
		}
		view := "/redaktion/materialer/" + strconv.FormatInt(id, 10) + "/vis"

		// In review, the contributor can no longer change it, nor approve it.
		p = contrib.postMultipart(edit, append(fields(csrfC, "Ændret"), [2]string{"version", "v2"},
			[2]string{"action", "save"}))
		if p.status != http.StatusForbidden {
			t.Errorf("contributor saves a material in review: %d", p.status)
		}
		if p = contrib.move(edit, fields(csrfC, first), "approve"); p.status != http.StatusForbidden {
			t.Errorf("contributor approves: %d", p.status)
		}

		// The editor opens a round with a deadline and names the reviewer.
		revID := reviewerID(t, h)
		deadline := time.Now().In(localtime.Zone).AddDate(0, 0, 8).Format(time.DateOnly)
		p = editor.post(edit+"/runde", url.Values{"csrf": {csrfE}, "deadline": {"i går"}, "reviewers": {revID},
			"message": {"Se især afsnit 2."}})
		if p.status != http.StatusUnprocessableEntity || p.text("#deadline-problem") == "" ||
			p.attr("#round-deadline", "aria-invalid") != "true" ||
			p.doc.Find("#reviewer-"+revID+"[checked]").Length() != 1 ||
			p.text("#round-message") != "Se især afsnit 2." {
			t.Errorf("round with a bad date: %d, problem %q, kept %q", p.status, p.text("#deadline-problem"),
				p.text("#round-message"))
		}
		if p = editor.post(edit+"/runde", url.Values{"csrf": {csrfE}, "deadline": {"9999-12-31"},
			"reviewers": {revID}}); p.status != http.StatusUnprocessableEntity || p.text("#deadline-problem") == "" {
			t.Errorf("a deadline far away: %d", p.status)
		}
		if p = editor.post(edit+"/kommentarer", url.Values{"csrf": {csrfE}, "body": {"Hej"},
			"paragraph": {"999"}}); p.status != http.StatusUnprocessableEntity || p.text("#comment-problem") == "" {
			t.Errorf("a comment on a paragraph that does not exist: %d", p.status)
		}
		long := strings.Repeat("ord ", 1300)
		p = editor.post(edit+"/kommentarer", url.Values{"csrf": {csrfE}, "body": {long}, "paragraph": {"2"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#comment-problem") == "" ||
			len(p.text("#comment-body")) < 5000 || p.attr("#comment-paragraph option[selected]", "value") != "2" {
			t.Errorf("too long a comment: %d %q", p.status, p.text("#comment-problem"))
		}
		p = editor.post(edit+"/runde", url.Values{"csrf": {csrfE}, "deadline": {deadline}, "reviewers": {revID}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("start round: %d %q", p.status, p.text(".problem"))
		}
		if tasks := reviewer.get("/redaktion"); !strings.Contains(tasks.text(".tasks"), "Vores forældremøder") {
			t.Errorf("the reviewer's tasks: %q", tasks.text(".tasks"))
		}
		if who := editor.get(edit); !strings.Contains(who.text(".round"), "har ikke svaret") {
			t.Errorf("the editor does not see who has not answered: %q", who.text(".round"))
		}

		// The reviewer comments on a paragraph and asks for changes.
		p = reviewer.post(view[:len(view)-4]+"/kommentarer", url.Values{"csrf": {csrfR}, "body": {"   "},
			"from": {"vis"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("empty comment: %d", p.status)
		}
		p = reviewer.post(edit+"/kommentarer", url.Values{"csrf": {csrfR}, "paragraph": {"4"},
			"body": {"Skriv hvad forældrene selv kan tage med."}, "from": {"vis"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), view) {
			t.Fatalf("comment: %d %q", p.status, p.header.Get("Location"))
		}
		p = reviewer.post(edit+"/vurdering", url.Values{"csrf": {csrfR}, "verdict": {"changes"},
			"message": {"Godt, men mangler noget om børnepasning."}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("verdict: %d", p.status)
		}
		if p = reviewer.postMultipart(edit, append(fields(csrfR, first), [2]string{"version", "v2"},
			[2]string{"action", "publish"})); p.status != http.StatusForbidden {
			t.Errorf("reviewer publishes: %d", p.status)
		}

		// The editor asks for changes; the contributor sees why.
		p = editor.move(edit, append(append(fields(csrfE, first), consentFields()...),
			[2]string{"move_message", "Se styregruppens kommentar."}), "request_changes")
		if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "besked=aendringer") {
			t.Fatalf("request changes: %d %q", p.status, p.text(".problem"))
		}
		form := contrib.get(edit)
		if !strings.Contains(form.text(".review"), "Skriv hvad forældrene selv kan tage med.") ||
			!strings.Contains(form.text(".review"), "Afsnit 4") ||
			!strings.Contains(form.text(".history"), "Se styregruppens kommentar.") {
			t.Errorf("the contributor does not see the comments: %q", form.text(".review"))
		}

		// The contributor revises and submits again.
		revised := first + "\n\nHusk at sige, om der er børnepasning."
		p = contrib.move(edit, append(fields(csrfC, revised), consentFields()...), "submit")
		if p.status != http.StatusSeeOther {
			t.Fatalf("resubmit: %d %q", p.status, p.text(".problem"))
		}
		// The reviewer sees what changed since their answer.
		changed := reviewer.get(view)
		link := changed.attr(".review .notice a", "href")
		if link == "" {
			t.Fatal("no link to what changed since the reviewer answered")
		}
		diff := reviewer.get(link)
		if !strings.Contains(diff.doc.Find("ins").Text(), "børnepasning") {
			t.Errorf("the changes are not marked: %q", diff.text(".diff"))
		}

		// Approved and planned; the scheduler publishes it at the time.
		if p = editor.move(edit, append(fields(csrfE, revised), consentFields()...),
			"approve"); p.status != http.StatusSeeOther {
			t.Fatalf("approve: %d %q", p.status, p.text(".problem"))
		}
		at := time.Now().Add(2 * time.Hour).In(localtime.Zone).Truncate(time.Minute)
		p = editor.move(edit, append(append(fields(csrfE, revised), consentFields()...),
			[2]string{"publish_date", at.Format(time.DateOnly)}, [2]string{"publish_time",
				at.Format("15:04")}), "schedule")
		if p.status != http.StatusSeeOther {
			t.Fatalf("schedule: %d %q", p.status, p.text(".problem"))
		}
		slug := "vores-foraeldremoeder"
		if h.client().get("/materialer/"+slug).status != http.StatusNotFound {
			t.Error("public before its time")
		}
		runner := &jobs.Runner{Store: h.st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
			Now:      func() time.Time { return at.Add(time.Minute) },
			Notifier: notify.New(h.st, "", false, storagetest.Logger())}
		if n := runner.RunDue(ctx); n != 1 {
			t.Fatalf("the scheduler ran %d jobs", n)
		}
		pub := h.client().get("/materialer/" + slug)
		if pub.status != http.StatusOK || !strings.Contains(pub.text("main"), "børnepasning") {
			t.Fatalf("published page: %d", pub.status)
		}

		// Every move is recorded, the scheduler's too.
		moves, err := h.st.Transitions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for _, mv := range moves {
			path = append(path, string(mv.To))
		}
		want := "in_review changes_requested in_review approved scheduled published"
		if strings.Join(path, " ") != want {
			t.Errorf("moves %q, want %q", strings.Join(path, " "), want)
		}
		if moves[len(moves)-1].UserName != "" {
			t.Errorf("the last move was made by %q, want the scheduler", moves[len(moves)-1].UserName)
		}

		// Everyone concerned was told, in their inbox.
		for role, want := range map[storage.Role]string{
			storage.RoleContributor: "comment changes_requested approved scheduled published",
			storage.RoleEditor:      "submitted comment comment submitted published",
			storage.RoleReviewer:    "submitted",
		} {
			us, err := h.st.UsersWithRole(ctx, role)
			if err != nil || len(us) != 1 {
				t.Fatalf("%s: %v", role, err)
			}
			ns, _, err := h.st.Notifications(ctx, us[0].ID, 50, 0)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for i := len(ns) - 1; i >= 0; i-- { // oldest first
				kinds = append(kinds, ns[i].Kind)
			}
			if strings.Join(kinds, " ") != want {
				t.Errorf("%s was told %q, want %q", role, strings.Join(kinds, " "), want)
			}
		}
		inbox := contrib.get("/redaktion/indbakke")
		if !strings.Contains(inbox.text("main"), "Vores forældremøder") {
			t.Errorf("the contributor's inbox: %q", inbox.text("main"))
		}
	})
}

func reviewerID(t *testing.T, h *hubT) string {
	t.Helper()
	us, err := h.st.UsersWithRole(ctx, storage.RoleReviewer)
	if err != nil || len(us) == 0 {
		t.Fatalf("no reviewer: %v", err)
	}
	return strconv.FormatInt(us[0].ID, 10)
}

// TestSecondSaveDoesNotOverwrite: two editors open the same material; the
// second save is refused with both versions shown and nothing lost.
func TestSecondSaveDoesNotOverwrite(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := &material.Material{Kind: material.Article, Title: "Fælles tekst", Summary: "Kort.", Language: "da",
			Body: "## Start\n\nFørste udgave.", Audiences: []material.Audience{material.Parents}, Status: material.Draft}
		if err := h.st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		edit := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10)
		anna, csrfA := h.login(storage.RoleEditor)
		bo, csrfB := h.login(storage.RoleEditor)
		versionA, versionB := anna.version(edit), bo.version(edit)
		form := func(csrf, version, body string) [][2]string {
			return [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Fælles tekst"}, {"summary", "Kort."},
				{"body", body}, {"audiences", "parents"}, {"language", "da"}, {"version", version}, {"action", "save"}}
		}
		if p := anna.postMultipart(edit, form(csrfA, versionA,
			"## Start\n\nAnnas udgave.")); p.status != http.StatusSeeOther {
			t.Fatalf("first save: %d", p.status)
		}
		p := bo.postMultipart(edit, form(csrfB, versionB, "## Start\n\nBos udgave."))
		if p.status != http.StatusConflict {
			t.Fatalf("second save: %d, want 409", p.status)
		}
		if !strings.Contains(p.text("#body"), "Bos udgave.") || !strings.Contains(p.text(".conflict"),
			"Annas udgave.") {
			t.Errorf("the conflict screen lost a version: form %q, shown %q", p.text("#body"), p.text(".conflict"))
		}
		if got, _ := h.st.GetMaterial(ctx, m.ID); !strings.Contains(got.Body, "Annas udgave.") {
			t.Error("the second save overwrote the first")
		}
		// Saving again from the conflict screen keeps Bo's version on purpose.
		again := p.attr("input[name=version]", "value")
		if p := bo.postMultipart(edit, form(csrfB, again, "## Start\n\nBos udgave.")); p.status != http.StatusSeeOther {
			t.Fatalf("save after the conflict: %d", p.status)
		}
		if got, _ := h.st.GetMaterial(ctx, m.ID); !strings.Contains(got.Body, "Bos udgave.") {
			t.Error("the deliberate save did not take")
		}
		revs, _ := h.st.Revisions(ctx, m.ID, true)
		if len(revs) != 2 {
			t.Errorf("%d revisions kept, want 2", len(revs))
		}
	})
}

// TestPendingVersionWaitsForApproval: edits of a published material stay
// out of sight until an editor approves them.
func TestPendingVersionWaitsForApproval(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Live tekst", Body: "## Om\n\nDen gamle tekst."})
		edit := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10)
		ed, csrf := h.login(storage.RoleEditor)
		fields := append([][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Live tekst"},
			{"summary", "Et kort resumé."}, {"body", "## Om\n\nDen nye tekst."}, {"audiences", "parents"},
			{"language", "da"}}, consentFields()...)
		if p := ed.move(edit, fields, "save"); p.status != http.StatusSeeOther ||
			!strings.Contains(p.header.Get("Location"), "besked=ventende") {
			t.Fatalf("save pending: %d %q", p.status, p.header.Get("Location"))
		}
		if pub := h.client().get("/materialer/" + m.Slug); !strings.Contains(pub.text("main"), "Den gamle tekst.") {
			t.Error("an unapproved edit reached the public page")
		}
		if form := ed.get(edit); !strings.Contains(form.text("#body"), "Den nye tekst.") || form.text(".notice") == "" {
			t.Error("the form does not show the pending version")
		}
		reviewer, _ := h.login(storage.RoleReviewer)
		if p := reviewer.get(edit + "/versioner"); p.status != http.StatusOK || strings.Contains(p.body,
			"Den nye tekst.") {
			t.Errorf("a reviewer reads the unsent pending edit in the history: %d", p.status)
		}
		if p := reviewer.get(edit + "/vis"); strings.Contains(p.body, "Den nye tekst.") {
			t.Error("a reviewer reads the unsent pending edit")
		}
		// Sent for review, the steering group can be asked about it.
		if p := ed.move(edit, fields, "submit"); p.status != http.StatusSeeOther ||
			!strings.Contains(p.header.Get("Location"), "besked=ventende-sendt") {
			t.Fatalf("submit pending: %d %q", p.status, p.header.Get("Location"))
		}
		if ed.get(edit).doc.Find("form.new-round").Length() != 1 {
			t.Error("no review round can be started for the pending edit")
		}
		if cal := ed.get("/redaktion/kalender"); !strings.Contains(cal.text("main"), "Live tekst") {
			t.Error("the pending edit in review is not listed as waiting")
		}
		if p := ed.move(edit, fields, "approve"); p.status != http.StatusSeeOther {
			t.Fatalf("approve pending: %d %q", p.status, p.text(".problem"))
		}
		if pub := h.client().get("/materialer/" + m.Slug); !strings.Contains(pub.text("main"), "Den nye tekst.") {
			t.Error("the approved edit is not public")
		}
		if p, _ := h.st.PendingVersion(ctx, m.ID); p != nil {
			t.Error("the pending version stayed after approval")
		}

		// A draft edit that is discarded stays out of others' history.
		secret := append([][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Live tekst"},
			{"summary", "Et kort resumé."}, {"body", "## Om\n\nHEMMELIG KLADDE."}, {"audiences", "parents"},
			{"language", "da"}}, consentFields()...)
		ed.move(edit, secret, "save")
		if p := ed.move(edit, secret, "discard"); p.status != http.StatusSeeOther {
			t.Fatalf("discard: %d", p.status)
		}
		if p := reviewer.get(edit + "/versioner?a=1"); strings.Contains(p.body, "HEMMELIG") {
			t.Error("a reviewer reads a discarded draft edit in the history")
		}
		if p := ed.get(edit + "/versioner"); !strings.Contains(p.body, "HEMMELIG") {
			t.Error("the editors lost the discarded draft from the history")
		}
	})
}

// TestWithdrawnFileDisappears: when consent is withdrawn the file leaves
// the page at once, its bytes are deleted, and the log names no file.
func TestWithdrawnFileDisappears(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		key := "0f1e2d3c4b5a6978.png"
		if _, err := h.blobs.Put(ctx, key, strings.NewReader(string(pngBytes(t, 4, 4)))); err != nil {
			t.Fatal(err)
		}
		img := storage.Media{Key: key, Class: "image", ContentType: "image/png", Size: 10, Width: 4, Height: 4,
			Name: "lise-og-ole.png"}
		if err := h.st.CreateMedia(ctx, &img); err != nil {
			t.Fatal(err)
		}
		m := h.publish(&material.Material{Title: "Med foto", CoverID: img.ID, CoverAlt: "To børn"})
		if got := h.client().get("/media/" + key); got.status != http.StatusOK {
			t.Fatalf("cover before: %d", got.status)
		}
		ed, csrf := h.login(storage.RoleEditor)
		p := ed.post("/redaktion/medier/"+key+"/tilbagetraek", url.Values{"csrf": {csrf},
			"material": {strconv.FormatInt(m.ID, 10)}})
		if p.status != http.StatusSeeOther || h.client().get("/media/"+key).status != http.StatusOK {
			t.Fatalf("withdraw without confirming: %d", p.status)
		}
		p = ed.post("/redaktion/medier/"+key+"/tilbagetraek", url.Values{"csrf": {csrf},
			"material": {strconv.FormatInt(m.ID, 10)}, "confirm": {"on"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", p.status)
		}
		if got := h.client().get("/media/" + key); got.status != http.StatusNotFound {
			t.Errorf("the withdrawn file is still served: %d", got.status)
		}
		if page := h.client().get("/materialer/" + m.Slug); page.doc.Find(".cover img").Length() != 0 {
			t.Error("the page still shows the withdrawn picture")
		}
		if _, err := h.blobs.Open(ctx, key); err == nil {
			t.Error("the stored file was not deleted")
		}
		admin, _ := h.login(storage.RoleAdmin)
		log := admin.get("/redaktion/logbog")
		if !strings.Contains(log.text("tbody"), "material:withdraw_file") || strings.Contains(log.body, "lise-og-ole") {
			t.Errorf("audit log: %q", log.text("tbody"))
		}
		if p := ed.post("/redaktion/medier/"+key+"/tilbagetraek", url.Values{"csrf": {csrf},
			"confirm": {"on"}}); p.status != http.StatusNotFound {
			t.Errorf("withdrawing twice: %d", p.status)
		}
	})
}

// TestRevisionsCompareAndRestore: any two revisions side by side with the
// changes marked, and an old one loaded back into the form.
func TestRevisionsCompareAndRestore(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		ed, csrf := h.login(storage.RoleEditor)
		fields := func(body string) [][2]string {
			return [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Versioneret"}, {"summary", "Kort."},
				{"body", body}, {"audiences", "parents"}, {"language", "da"}}
		}
		p := ed.postMultipart("/redaktion/materialer", append(fields("## A\n\nEn rød bil."),
			[2]string{"action", "save"}))
		edit := strings.Split(p.header.Get("Location"), "?")[0]
		ed.move(edit, fields("## A\n\nEn blå bil."), "save")
		ed.move(edit, fields("## A\n\nEn blå cykel."), "save")

		cmp := ed.get(edit + "/versioner?a=1&b=3")
		if cmp.status != http.StatusOK || cmp.doc.Find("del").Text() == "" ||
			!strings.Contains(cmp.doc.Find("ins").Text(), "blå") {
			t.Fatalf("compare: %d del %q ins %q", cmp.status, cmp.doc.Find("del").Text(), cmp.doc.Find("ins").Text())
		}
		if p := ed.get(edit + "/versioner?a=1&b=99"); p.status != http.StatusNotFound {
			t.Errorf("unknown revision: %d", p.status)
		}
		if p := ed.get(edit + "/versioner?a=x&b=%ff"); p.status != http.StatusOK {
			t.Errorf("bad revision numbers: %d", p.status)
		}
		old := ed.get(edit + "?version=1")
		if !strings.Contains(old.text("#body"), "En rød bil.") || old.text(".flash") == "" {
			t.Errorf("restore form: %q", old.text("#body"))
		}
		if p := ed.move(edit, fields(old.text("#body")), "save"); p.status != http.StatusSeeOther {
			t.Fatalf("save restored: %d", p.status)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(edit, "/redaktion/materialer/"), 10, 64)
		if got, _ := h.st.GetMaterial(ctx, id); !strings.Contains(got.Body, "rød bil") {
			t.Error("the restored revision was not saved")
		}
	})
}

// TestCalendarShowsPlans: the calendar lists a planned material on its
// day and what waits for review.
func TestCalendarShowsPlans(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		planned := &material.Material{Kind: material.Article, Title: "Planlagt til juni", Summary: "Kort.",
			Language: "da", Audiences: []material.Audience{material.Parents}, Status: material.Approved}
		material.OwnWork(planned)
		if err := h.st.CreateMaterial(ctx, planned); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2031, 6, 3, 5, 0, 0, 0, time.UTC) // 07:00 in Copenhagen, a Tuesday in week 23
		if err := h.st.ScheduleMaterial(ctx, planned, at, storage.Save{}); err != nil {
			t.Fatal(err)
		}
		waiting := &material.Material{Kind: material.Article, Title: "Venter", Summary: "Kort.", Language: "da",
			Audiences: []material.Audience{material.Parents}, Status: material.InReview}
		if err := h.st.CreateMaterial(ctx, waiting); err != nil {
			t.Fatal(err)
		}
		ed, _ := h.login(storage.RoleEditor)
		week := ed.get("/redaktion/kalender?uge=2031-W23")
		if week.status != http.StatusOK {
			t.Fatalf("week: %d", week.status)
		}
		var day string
		week.doc.Find(".calendar > li").Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(s.Text(), "Planlagt til juni") {
				day = s.Find("h2").Text()
			}
		})
		if !strings.HasPrefix(day, "Tirsdag 3.6.") || !strings.Contains(week.text(".calendar"), "07:00") {
			t.Errorf("planned on %q: %q", day, week.text(".calendar"))
		}
		if !strings.Contains(week.text("main"), "Venter") {
			t.Error("what waits for review is not listed")
		}
		month := ed.get("/redaktion/kalender?maaned=2031-06")
		if month.doc.Find(".calendar > li").Length() != 30 || !strings.Contains(month.text(".calendar"),
			"Planlagt til juni") {
			t.Errorf("month: %d days", month.doc.Find(".calendar > li").Length())
		}
		for _, bad := range []string{"uge=9999-W99", "uge=0000-W01", "maaned=x", "maaned=2031-13", "uge=abc"} {
			if p := ed.get("/redaktion/kalender?" + bad); p.status != http.StatusOK || p.text(".flash") == "" {
				t.Errorf("bad period %s: %d %q", bad, p.status, p.text(".flash"))
			}
		}
		if other := week.attr(".pager a:nth-child(2)", "href"); other != "/redaktion/kalender?maaned=2031-06" {
			t.Errorf("the week links to the month %q", other)
		}
		if c, _ := h.loginContributor(); c.get("/redaktion/kalender").status != http.StatusForbidden {
			t.Error("a contributor reads the calendar")
		}
	})
}

// TestPlanUnpublishing: an editor plans when a published material leaves
// the site, in Danish time with the daylight-saving rules.
func TestPlanUnpublishing(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Juleaktiviteter"})
		path := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10) + "/afpublicering"
		ed, csrf := h.login(storage.RoleEditor)
		p := ed.post(path, url.Values{"csrf": {csrf}, "unpublish_date": {"2031-03-30"}, "unpublish_time": {"02:30"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#unpublish_at-problem"), "03:00") ||
			p.attr("#unpublish_time", "value") != "02:30" {
			t.Fatalf("spring gap: %d %q", p.status, p.text("#unpublish_at-problem"))
		}
		p = ed.post(path, url.Values{"csrf": {csrf}, "unpublish_date": {"2031-10-26"}, "unpublish_time": {"02:30"}})
		if p.status != http.StatusUnprocessableEntity || p.doc.Find("input[name=unpublish_choice]").Length() != 2 {
			t.Fatalf("autumn repeat: %d", p.status)
		}
		p = ed.post(path, url.Values{"csrf": {csrf}, "unpublish_date": {"2031-10-26"}, "unpublish_time": {"02:30"},
			"unpublish_choice": {"earlier"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("plan: %d %q", p.status, p.text(".problem"))
		}
		got, _ := h.st.GetMaterial(ctx, m.ID)
		if want := time.Date(2031, 10, 26, 0, 30, 0, 0, time.UTC); !got.UnpublishAt.Equal(want) {
			t.Errorf("planned at %v, want %v (02:30 +02:00)", got.UnpublishAt, want)
		}
		if form := ed.get("/redaktion/materialer/" + strconv.FormatInt(m.ID, 10)); !strings.Contains(
			form.text(".unpublish-plan strong"), "02:30 (+02:00)") {
			t.Errorf("the form shows %q", form.text(".unpublish-plan strong"))
		}
		if cal := ed.get("/redaktion/kalender?uge=2031-W43"); !strings.Contains(cal.text(".calendar"),
			"Tages af siden") {
			t.Errorf("calendar: %q", cal.text(".calendar"))
		}
		if p := ed.post(path, url.Values{"csrf": {csrf}, "action": {"cancel"}}); p.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", p.status)
		}
		if got, _ := h.st.GetMaterial(ctx, m.ID); !got.UnpublishAt.IsZero() {
			t.Error("the plan was not cancelled")
		}
		draft := &material.Material{Kind: material.Article, Title: "Kladde", Summary: "Kort.", Language: "da",
			Audiences: []material.Audience{material.Parents}, Status: material.InReview}
		if err := h.st.CreateMaterial(ctx, draft); err != nil {
			t.Fatal(err)
		}
		p = ed.post("/redaktion/materialer/"+strconv.FormatInt(draft.ID, 10)+"/afpublicering", url.Values{
			"csrf": {csrf}, "unpublish_date": {"2031-01-01"}, "unpublish_time": {"10:00"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(".flash"), "udgivne") {
			t.Errorf("planning a material in review: %d %q", p.status, p.text(".flash"))
		}
		c, csrfC := h.loginContributor()
		if p := c.post(path, url.Values{"csrf": {csrfC}, "unpublish_date": {"2031-01-01"},
			"unpublish_time": {"10:00"}}); p.status != http.StatusForbidden {
			t.Errorf("a contributor plans: %d", p.status)
		}
	})
}

// TestConcurrentPendingSaves: of several saves of a pending edit made from
// the same form at once, exactly one wins; the rest see the conflict.
func TestConcurrentPendingSaves(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Mange hænder", Body: "## Om\n\nTekst."})
		edit := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10)
		ed, csrf := h.login(storage.RoleEditor)
		fields := func(title string) [][2]string {
			return append([][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", title},
				{"summary", "Et kort resumé."}, {"body", "## Om\n\nTekst."}, {"audiences", "parents"},
				{"language", "da"}}, consentFields()...)
		}
		if p := ed.move(edit, fields("Første ventende"), "save"); p.status != http.StatusSeeOther {
			t.Fatalf("first pending save: %d", p.status)
		}
		token := ed.version(edit)
		const n = 6
		statuses := make(chan int, n)
		for i := 0; i < n; i++ {
			go func(i int) {
				p := ed.postMultipart(edit, append(fields("Udgave "+strconv.Itoa(i)),
					[2]string{"version", token}, [2]string{"action", "save"}))
				statuses <- p.status
			}(i)
		}
		won := 0
		for i := 0; i < n; i++ {
			switch s := <-statuses; s {
			case http.StatusSeeOther:
				won++
			case http.StatusConflict:
			default:
				t.Errorf("status %d", s)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent saves won, want exactly 1", won, n)
		}
	})
}
