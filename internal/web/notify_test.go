package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// newMailHub is a hub that sends mail, with links to its base URL.
func newMailHub(t *testing.T, st *storage.Store) *hubT {
	t.Helper()
	blobs, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://hub.example.dk")
	w, err := web.New(ctx, web.Config{Passwords: auth.TestParams(), Logger: testLogger(t), BaseURL: base,
		LoginLimit: 5, LoginWindow: 24 * time.Hour,
		Notifier: notify.New(st, base.String(), true, testLogger(t))}, st, blobs)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return &hubT{t: t, st: st, srv: srv, web: w, blobs: blobs}
}

// mails returns the queued mails, oldest first.
func (h *hubT) mails() []*storage.Mail {
	h.t.Helper()
	rows, err := h.st.TableRows(ctx, "mails")
	if err != nil {
		h.t.Fatal(err)
	}
	var out []*storage.Mail
	for _, r := range rows {
		m, err := h.st.MailByID(ctx, r[0].(int64))
		if err != nil {
			h.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

var linkInMail = regexp.MustCompile(`https://hub\.example\.dk(/redaktion/adgangskode\?token=[A-Za-z0-9_%-]+)`)

// linkPath finds the one-time link in a mail and returns its path.
func linkPath(t *testing.T, m *storage.Mail) string {
	t.Helper()
	match := linkInMail.FindStringSubmatch(m.Body)
	if match == nil {
		t.Fatalf("no link in mail:\n%s", m.Body)
	}
	return match[1]
}

func (h *hubT) userID(email string) *storage.User {
	h.t.Helper()
	u, err := h.st.UserByEmail(ctx, email)
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

func TestInboxAndProfile(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		m := h.publish(&material.Material{Title: "Første skoledag"})
		c, csrf := h.login(storage.RoleReviewer)
		other, _ := h.login(storage.RoleEditor)
		me := whoAmI(t, c)
		n := notify.New(h.st, "", false, testLogger(t))
		for _, kind := range []notify.Kind{notify.KindSubmitted, notify.KindComment} {
			if err := n.Notify(ctx, notify.Event{Kind: kind, MaterialID: m.ID, MaterialTitle: m.Title,
				Recipients: []int64{me.ID}, Message: "Se afsnit 2."}); err != nil {
				t.Fatal(err)
			}
		}

		ws := c.get("/redaktion")
		if got := ws.text("nav .badge"); !strings.HasPrefix(got, "2") {
			t.Errorf("unread badge %q, want 2", got)
		}
		inbox := c.get("/redaktion/indbakke")
		items := inbox.doc.Find(".inbox li")
		if inbox.status != 200 || items.Length() != 2 {
			t.Fatalf("inbox: %d, %d items", inbox.status, items.Length())
		}
		if got := inbox.text(".inbox li .inbox-text a"); got != "Planlæggeren har kommenteret »"+m.Title+"«." {
			t.Errorf("newest entry %q", got)
		}
		if href := inbox.attr(".inbox li .inbox-text a",
			"href"); href != "/redaktion/materialer/"+strconv.FormatInt(m.ID, 10)+"/vis" {
			t.Errorf("a reviewer's link goes to %q", href)
		}
		if inbox.text(".inbox-message") != "Se afsnit 2." {
			t.Errorf("message %q", inbox.text(".inbox-message"))
		}
		if p := other.get("/redaktion/indbakke"); p.doc.Find(".inbox li").Length() != 0 {
			t.Error("another user sees the inbox")
		}

		id := inbox.attr(".inbox li button[name=id]", "value")
		if p := c.post("/redaktion/indbakke", url.Values{"csrf": {csrf}, "id": {id}}); p.status != http.StatusSeeOther {
			t.Fatalf("mark read: %d", p.status)
		}
		if n, _ := h.st.UnreadCount(ctx, me.ID); n != 1 {
			t.Errorf("unread after marking one: %d", n)
		}
		if p := c.post("/redaktion/indbakke", url.Values{"csrf": {"forged"},
			"all": {"1"}}); p.status != http.StatusForbidden {
			t.Errorf("mark all without a token: %d", p.status)
		}
		c.post("/redaktion/indbakke", url.Values{"csrf": {csrf}, "all": {"1"}})
		if n, _ := h.st.UnreadCount(ctx, me.ID); n != 0 {
			t.Errorf("unread after marking all: %d", n)
		}
		if c.get("/redaktion").doc.Find("nav .badge").Length() != 0 {
			t.Error("badge shown with nothing unread")
		}

		prof := c.get("/redaktion/profil")
		if got, want := prof.doc.Find("input[name=mail]:checked").Length(), len(notify.Kinds()); got != want {
			t.Errorf("%d kinds on by default, want %d", got, want)
		}
		p := c.post("/redaktion/profil", url.Values{"csrf": {csrf}, "mail": {"comment", "published", "bogus"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save profile: %d", p.status)
		}
		off, _ := h.st.MailOptOuts(ctx, me.ID)
		if len(off) != len(notify.Kinds())-2 || off["comment"] || off["published"] || !off["submitted"] {
			t.Errorf("opt-outs %v", off)
		}
		if got := c.get("/redaktion/profil").doc.Find("input[name=mail]:checked").Length(); got != 2 {
			t.Errorf("%d kinds on after saving, want 2", got)
		}
	})
}

// whoAmI returns the user a client is logged in as, read from the page.
func whoAmI(t *testing.T, c *client) *storage.User {
	t.Helper()
	p := c.get("/redaktion/profil")
	email := strings.TrimSpace(p.doc.Find(".facts dd").Eq(1).Text())
	return c.h.userID(email)
}

func TestInvitationAccepted(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newMailHub(t, st)
		sc := schools(t, h, "Nordskolen")[0]
		admin, csrf := h.login(storage.RoleAdmin)

		// A contributor needs a school; the form keeps what was typed.
		form := url.Values{"csrf": {csrf}, "email": {"nina@example.dk"}, "name": {"Nina"}, "role": {"contributor"}}
		p := admin.post("/redaktion/brugere", form)
		if p.status != http.StatusUnprocessableEntity || p.attr("#user-email", "value") != "nina@example.dk" ||
			p.doc.Find(".problem").Length() == 0 {
			t.Fatalf("contributor without school: %d", p.status)
		}
		form.Set("school", strconv.FormatInt(sc.ID, 10))
		p = admin.post("/redaktion/brugere", form)
		if p.status != http.StatusOK || !strings.Contains(p.text(".flash"), "nina@example.dk") {
			t.Fatalf("invite: %d %q", p.status, p.text(".flash"))
		}
		if p.doc.Find(".invite-link").Length() != 0 {
			t.Error("the link is shown although it was mailed")
		}
		if again := admin.post("/redaktion/brugere", form); again.status != http.StatusUnprocessableEntity {
			t.Errorf("second invite to the same address: %d", again.status)
		}
		nina := h.userID("nina@example.dk")
		if ids, _ := h.st.UserSchoolIDs(ctx, nina.ID); len(ids) != 1 || ids[0] != sc.ID {
			t.Errorf("schools %v", ids)
		}
		mails := h.mails()
		if len(mails) != 1 || mails[0].To != "nina@example.dk" || !strings.Contains(mails[0].Subject, "Invitation") {
			t.Fatalf("mails %+v", mails)
		}
		link := linkPath(t, mails[0])
		list := admin.get("/redaktion/brugere")
		if !strings.Contains(list.body, "Har ikke taget imod invitationen") {
			t.Error("the list does not show the pending invitation")
		}

		// Nina opens the link, sets her name and password, and is in.
		c := h.client()
		page := c.get(link)
		if page.status != 200 || page.text("h1") != "Velkommen til redaktionen" {
			t.Fatalf("invitation page: %d %q", page.status, page.text("h1"))
		}
		token := page.attr("input[name=csrf]", "value")
		fields := url.Values{"csrf": {token}, "token": {page.attr("input[name=token]", "value")},
			"name": {"Nina Holm"}, "password": {"kort"}, "password2": {"kort"}}
		p = c.post("/redaktion/adgangskode", fields)
		if p.status != http.StatusUnprocessableEntity || p.attr("#name", "value") != "Nina Holm" ||
			p.text("#password-problem") == "" {
			t.Fatalf("short password: %d", p.status)
		}
		fields.Set("csrf", p.attr("input[name=csrf]", "value"))
		fields.Set("password", "en god lang adgangskode")
		fields.Set("password2", "en god lang adgangskode")
		if p = c.post("/redaktion/adgangskode", fields); p.status != http.StatusSeeOther {
			t.Fatalf("accept: %d", p.status)
		}
		if ws := c.get("/redaktion"); ws.status != 200 {
			t.Fatalf("not logged in after accepting: %d", ws.status)
		}
		if u := h.userID("nina@example.dk"); u.Name != "Nina Holm" || u.PasswordHash == "" {
			t.Errorf("after accepting: %+v", u)
		}
		if p := h.client().get(link); p.status != http.StatusNotFound {
			t.Errorf("the link works twice: %d", p.status)
		}
		entries, _, _ := h.st.AuditLog(ctx, storage.AuditFilter{}, 50, 0)
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); !strings.Contains(got, "user:invite") ||
			!strings.Contains(got, "login:invitation_accepted") {
			t.Errorf("audit %s", got)
		}
	})
}

func TestForgottenPassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newMailHub(t, st)
		old, _ := h.login(storage.RoleEditor)
		me := whoAmI(t, old)

		ask := func(email string) page {
			c := h.client()
			f := c.get("/redaktion/glemt-adgangskode")
			return c.post("/redaktion/glemt-adgangskode", url.Values{"csrf": {f.attr("input[name=csrf]", "value")},
				"email": {email}})
		}
		known, unknown := ask(strings.ToUpper(me.Email)), ask("ingen@example.dk")
		if known.status != 200 || unknown.status != 200 || known.text(".flash") != unknown.text(".flash") ||
			known.text(".flash") == "" {
			t.Errorf("answers differ: %d %q / %d %q", known.status, known.text(".flash"), unknown.status,
				unknown.text(".flash"))
		}
		mails := h.mails()
		if len(mails) != 1 || mails[0].To != me.Email {
			t.Fatalf("mails: %+v", mails)
		}
		first := linkPath(t, mails[0])

		// A second request makes the first link stop working.
		ask(me.Email)
		mails = h.mails()
		second := linkPath(t, mails[len(mails)-1])
		if p := h.client().get(first); p.status != http.StatusNotFound {
			t.Errorf("the older link still works: %d", p.status)
		}
		c := h.client()
		page := c.get(second)
		if page.text("h1") != "Vælg en ny adgangskode" || page.doc.Find("#name").Length() != 0 {
			t.Errorf("reset page %q", page.text("h1"))
		}
		p := c.post("/redaktion/adgangskode", url.Values{"csrf": {page.attr("input[name=csrf]", "value")},
			"token": {page.attr("input[name=token]", "value")}, "password": {"en helt ny adgangskode"},
			"password2": {"en helt ny adgangskode"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("reset: %d", p.status)
		}
		// The old session ended with the reset.
		if p := old.get("/redaktion"); p.status != http.StatusSeeOther {
			t.Errorf("the session from before the reset still works: %d", p.status)
		}

		// Three requests for one account per window, then it is limited.
		if p := ask(me.Email); p.status != http.StatusOK {
			t.Errorf("third request: %d", p.status)
		}
		if p := ask(me.Email); p.status != http.StatusTooManyRequests {
			t.Errorf("fourth request: %d", p.status)
		}
		if n := len(h.mails()); n != 3 {
			t.Errorf("%d mails after four requests, want 3", n)
		}
	})
}

func TestUsersAdministered(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		admin, csrf := h.login(storage.RoleAdmin)
		me := whoAmI(t, admin)
		ed, _ := h.login(storage.RoleEditor)
		edUser := whoAmI(t, ed)
		mine := "/redaktion/brugere/" + strconv.FormatInt(me.ID, 10)
		theirs := "/redaktion/brugere/" + strconv.FormatInt(edUser.ID, 10)

		if p := admin.post(mine, url.Values{"csrf": {csrf},
			"action": {"deactivate"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("deactivate self: %d", p.status)
		}
		p := admin.post(mine, url.Values{"csrf": {csrf}, "action": {"save"}, "role": {"editor"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "mindst én aktiv administrator") {
			t.Errorf("demote the last admin: %d", p.status)
		}
		if p := admin.post(theirs, url.Values{"csrf": {csrf}, "action": {"save"},
			"role": {"pope"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown role: %d", p.status)
		}
		if p := admin.post(theirs, url.Values{"csrf": {csrf},
			"action": {"deactivate"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("deactivate without confirming: %d", p.status)
		}
		if p := admin.post(theirs, url.Values{"csrf": {csrf}, "action": {"deactivate"},
			"confirm": {"on"}}); p.status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d", p.status)
		}
		if p := ed.get("/redaktion"); p.status != http.StatusSeeOther {
			t.Errorf("a deactivated user's session works: %d", p.status)
		}
		if p := admin.get(theirs); !strings.Contains(p.body, "Genaktiver") {
			t.Error("no way to reactivate")
		}
		admin.post(theirs, url.Values{"csrf": {csrf}, "action": {"reactivate"}})
		if p := admin.post(theirs, url.Values{"csrf": {csrf}, "action": {"save"},
			"role": {"reviewer"}}); p.status != http.StatusSeeOther {
			t.Fatalf("role change: %d", p.status)
		}
		if u := h.userID(edUser.Email); u.Role != storage.RoleReviewer || !u.Active {
			t.Errorf("after changes: %+v", u)
		}
		if p := admin.post("/redaktion/brugere/999999", url.Values{"csrf": {csrf},
			"action": {"save"}}); p.status != http.StatusNotFound {
			t.Errorf("unknown user: %d", p.status)
		}
		if p := admin.post(theirs, url.Values{"csrf": {csrf},
			"action": {"explode"}}); p.status != http.StatusBadRequest {
			t.Errorf("unknown action: %d", p.status)
		}

		// Without mail, the invitation link is shown to the admin once.
		p = admin.post("/redaktion/brugere", url.Values{"csrf": {csrf}, "email": {"bo@example.dk"},
			"role": {"reviewer"}})
		link := p.text(".invite-link")
		if p.status != 200 || !strings.Contains(link, "/redaktion/adgangskode?token=") {
			t.Fatalf("manual link: %d %q", p.status, link)
		}
		u, _ := url.Parse(link)
		if got := h.client().get(u.RequestURI()); got.status != 200 || got.text("h1") != "Velkommen til redaktionen" {
			t.Errorf("manual link: %d", got.status)
		}
		entries, _, _ := h.st.AuditLog(ctx, storage.AuditFilter{Action: "user"}, 50, 0)
		if len(entries) != 4 {
			t.Errorf("%d user entries in the audit log, want 4 (deactivate, reactivate, update, invite)", len(entries))
		}
	})
}
