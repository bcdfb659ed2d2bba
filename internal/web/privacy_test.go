package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// settingsFields are the fields of a valid settings form, with extra ones
// after them.
func settingsFields(csrf string, extra ...[2]string) [][2]string {
	return append([][2]string{{"csrf", csrf}, {"name", "Skole og hjem"}, {"colour", "#1b5e7a"}}, extra...)
}

func TestPrivacyNotice(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHubWith(t, st, web.Config{AuditRetention: 365 * 24 * time.Hour})
		anon := h.client()
		if got := anon.get("/").attr("footer a[href='/privatliv']", "href"); got == "" {
			t.Error("no link to the privacy notice in the footer")
		}

		// Until the admin completes it, the starter text shows what is
		// missing, and what the hub keeps comes from the settings.
		p := anon.get("/privatliv")
		if p.status != http.StatusOK || p.doc.Find("#privacy-unfilled").Length() != 1 ||
			!strings.Contains(p.text(".prose"), "[UDFYLD: DPO'ens navn og e-mailadresse]") {
			t.Fatalf("starter notice: %d %q", p.status, p.text("main"))
		}
		for sel, want := range map[string]string{"#kept-cookies": "Ingen cookies", "#kept-visits": "gemmes, indtil",
			"#kept-searches": "90 dage", "#kept-audit": "365 dage", "#kept-mail": "30 dage",
			"#kept-requests": "driftsmiljøets log", "#kept-accounts": "tidligere bruger"} {
			if got := p.text(sel); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want %q", sel, got, want)
			}
		}
		etag := p.header.Get("ETag")
		if etag == "" || anon.get("/privatliv").header.Get("ETag") != etag {
			t.Errorf("the notice is not a kept page: ETag %q", etag)
		}

		admin, csrf := h.login(storage.RoleAdmin)
		form := admin.get("/redaktion/indstillinger")
		if n := form.doc.Find("#privacy-unfilled li").Length(); n != 4 {
			t.Errorf("the settings name %d placeholders to fill, want 4", n)
		}
		text := "## Dataansvarlig\n\nBindeby Kommune, Torvet 1.\n\n<script>alert(1)</script>" +
			"[a](javascript&colon;alert(1)) <img src=x onerror=alert(1)>"
		p = admin.postMultipart("/redaktion/indstillinger", settingsFields(csrf, [2]string{"privacy_text", text},
			[2]string{"retain_audit", " 30 "}, [2]string{"retain_visits", "400"}, [2]string{"retain_missed", ""},
			[2]string{"retain_mail", "7"}))
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %q", p.status, p.text(".problem"))
		}

		// The change reaches the kept page at once.
		p = anon.get("/privatliv")
		if p.header.Get("ETag") == etag || !strings.Contains(p.text(".prose"), "Bindeby Kommune") ||
			p.doc.Find("#privacy-unfilled").Length() != 0 {
			t.Errorf("after saving: ETag %q, %q", p.header.Get("ETag"), p.text(".prose"))
		}
		for sel, want := range map[string]string{"#kept-visits": "400 dage", "#kept-searches": "90 dage",
			"#kept-audit": "30 dage", "#kept-mail": "7 dage"} {
			if got := p.text(sel); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want %q", sel, got, want)
			}
		}
		if p.doc.Find("main script, main img, main [onerror]").Length() != 0 ||
			strings.Contains(p.body, "javascript") {
			t.Errorf("the notice's text is not sanitised: %s", p.text("main"))
		}
		kv, err := st.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if kv[storage.KeyRetainAudit] != "30" || kv[storage.KeyRetainMissedSearch] != "" {
			t.Errorf("stored retention: %q %q", kv[storage.KeyRetainAudit], kv[storage.KeyRetainMissedSearch])
		}
	})
}

func TestRetentionSettingsValidated(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHubWith(t, st, web.Config{AuditRetention: 365 * 24 * time.Hour})
		admin, csrf := h.login(storage.RoleAdmin)
		// Where 0 is allowed, the help says what it means.
		settings := admin.get("/redaktion/indstillinger")
		for _, field := range []string{"retain_audit", "retain_visits"} {
			if help := settings.text("#" + field + "-help"); !strings.Contains(help, "0: gemmes altid") {
				t.Errorf("%s help: %q", field, help)
			}
		}
		for _, tc := range []struct{ field, value, want string }{
			{"retain_audit", "et år", "fra 0 til 3650"},
			{"retain_audit", "3651", "fra 0 til 3650"},
			{"retain_visits", "-1", "fra 0 til 3650"},
			{"retain_missed", "0", "fra 1 til 365"},
			{"retain_mail", "1.5", "fra 1 til 365"},
		} {
			p := admin.postMultipart("/redaktion/indstillinger", settingsFields(csrf, [2]string{tc.field, tc.value},
				[2]string{"privacy_text", "Min tekst"}))
			if p.status != http.StatusUnprocessableEntity {
				t.Errorf("%s=%q: %d", tc.field, tc.value, p.status)
				continue
			}
			if got := p.text("#" + tc.field + "-problem"); !strings.Contains(got, tc.want) {
				t.Errorf("%s=%q: message %q", tc.field, tc.value, got)
			}
			if p.attr("#"+tc.field, "value") != tc.value || p.text("#privacy_text") != "Min tekst" {
				t.Errorf("%s=%q: the form lost what was typed", tc.field, tc.value)
			}
		}
		kv, err := h.st.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := kv[storage.KeyRetainAudit]; ok {
			t.Error("a refused form stored a retention period")
		}
	})
}

func TestUserDataExportedAndAnonymised(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		admin, csrf := h.login(storage.RoleAdmin)
		me := whoAmI(t, admin)
		ed, edCSRF := h.login(storage.RoleEditor)
		edUser := whoAmI(t, ed)
		m := h.publish(&material.Material{Title: "Skolestart"})
		if err := h.st.AddComment(ctx, &storage.Comment{MaterialID: m.ID, UserID: edUser.ID,
			Body: "Godt skrevet"}); err != nil {
			t.Fatal(err)
		}
		theirs := "/redaktion/brugere/" + strconv.FormatInt(edUser.ID, 10)

		// The export is the admin's, through a form with the token.
		if p := ed.post(theirs+"/eksport", url.Values{"csrf": {edCSRF}}); p.status != http.StatusForbidden {
			t.Errorf("an editor exports: %d", p.status)
		}
		if p := admin.post(theirs+"/eksport", url.Values{}); p.status != http.StatusForbidden {
			t.Errorf("export without the token: %d", p.status)
		}
		p := admin.post(theirs+"/eksport", url.Values{"csrf": {csrf}})
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment") ||
			!strings.HasPrefix(p.header.Get("Content-Type"), "application/json") {
			t.Fatalf("export: %d %v", p.status, p.header)
		}
		var data struct {
			UserID int64                               `json:"user_id"`
			Tables map[string][]map[string]interface{} `json:"tables"`
		}
		if err := json.Unmarshal([]byte(p.body), &data); err != nil {
			t.Fatal(err)
		}
		if data.UserID != edUser.ID || data.Tables["users"][0]["email"] != edUser.Email ||
			len(data.Tables["comments"]) != 1 || len(data.Tables["sessions"]) != 1 {
			t.Errorf("export: %+v", data)
		}
		if strings.Contains(p.body, "password_hash") || strings.Contains(p.body, "id_hash") {
			t.Error("the export holds a secret")
		}

		// Anonymising needs the address typed, and never one's own.
		p = admin.post(theirs, url.Values{"csrf": {csrf}, "action": {"anonymise"},
			"confirm_email": {"en@anden.dk"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#anonymise-problem") == "" ||
			p.attr("#confirm_email", "value") != "en@anden.dk" {
			t.Errorf("wrong confirmation: %d %q", p.status, p.text("#anonymise-problem"))
		}
		mine := "/redaktion/brugere/" + strconv.FormatInt(me.ID, 10)
		// One's own page has no form to anonymise, so the reason is shown
		// above the facts.
		if p := admin.post(mine, url.Values{"csrf": {csrf}, "action": {"anonymise"},
			"confirm_email": {me.Email}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.text("main .problem"), "Du kan ikke slette din egen konto") {
			t.Errorf("anonymise oneself: %d %q", p.status, p.text("main"))
		}
		p = admin.post(theirs, url.Values{"csrf": {csrf}, "action": {"anonymise"},
			"confirm_email": {strings.ToUpper(edUser.Email)}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("anonymise: %d %q", p.status, p.text(".problem"))
		}

		if p := ed.get("/redaktion"); p.status != http.StatusSeeOther {
			t.Errorf("the anonymised user's session works: %d", p.status)
		}
		if p := admin.get(theirs); p.doc.Find("#anonymised").Length() != 1 || p.text("h1") != "Tidligere bruger" {
			t.Errorf("user page after: %q", p.text("main"))
		}
		if p := admin.post(theirs, url.Values{"csrf": {csrf}, "action": {"reactivate"}}); p.status !=
			http.StatusUnprocessableEntity {
			t.Errorf("reactivating a former user: %d", p.status)
		}
		comments, err := h.st.Comments(ctx, m.ID)
		if err != nil || len(comments) != 1 || comments[0].UserName != "Tidligere bruger" {
			t.Errorf("the comment after: %v %+v", err, comments)
		}
		entries, _, err := h.st.AuditLog(ctx, storage.AuditFilter{}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range entries {
			actions[e.Action] = true
			if strings.Contains(e.UserEmail+e.Subject, edUser.Email) {
				t.Errorf("the audit log still names %s: %+v", edUser.Email, e)
			}
		}
		if !actions["user:export"] || !actions["user:anonymise"] {
			t.Errorf("audit actions: %v", actions)
		}
		// No one can be invited under a former user's kind of address.
		if p := admin.post("/redaktion/brugere", url.Values{"csrf": {csrf}, "role": {"editor"},
			"email": {"tidligere-bruger-99@anonym.invalid"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("invite under a former user's address: %d", p.status)
		}
	})
}
