package web_test

import (
	"bytes"
	"image"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/social/socialtest"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// socialHub is a hub whose platforms are local servers.
type socialHub struct {
	*hubT
	fb     *socialtest.Facebook
	li     *socialtest.LinkedIn
	cfg    social.Config
	sealer *social.Sealer
	logs   *syncBuffer // the hub's log at the info level
}

func newSocialHub(t *testing.T, st *storage.Store, withKey bool) *socialHub {
	t.Helper()
	h := &socialHub{fb: socialtest.NewFacebook(t), li: socialtest.NewLinkedIn(t), logs: &syncBuffer{},
		cfg: social.Config{HTTP: social.NewHTTPClient(5 * time.Second)}}
	h.fb.Configure(&h.cfg)
	h.li.Configure(&h.cfg)
	if withKey {
		var err error
		if h.sealer, err = social.NewSealer(bytes.Repeat([]byte{3}, social.KeySize)); err != nil {
			t.Fatal(err)
		}
	}
	blobs, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(h.logs, testWriter{t}), nil))
	w, err := web.New(ctx, web.Config{Passwords: auth.TestParams(), Logger: logger, LoginLimit: 5,
		LoginWindow: 24 * time.Hour, Social: h.cfg, Sealer: h.sealer}, st, blobs)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	h.hubT = &hubT{t: t, st: st, srv: srv, web: w, blobs: blobs}
	return h
}

// runJobs runs the due jobs as the hub's job runner would.
func (h *socialHub) runJobs() {
	p := &social.Poster{Store: h.st, Facebook: social.NewFacebook(h.cfg), LinkedIn: social.NewLinkedIn(h.cfg),
		Sealer: h.sealer, Images: h.web,
		Notifier: notify.New(h.st, "", false, testLogger(h.t)), Log: testLogger(h.t), Timeout: 2 * time.Second}
	r := &jobs.Runner{Store: h.st, Log: testLogger(h.t), Interval: time.Minute, Lease: 5 * time.Minute, Social: p}
	r.RunDue(ctx)
}

// browse follows an address on a platform as the admin's browser would,
// stopping at the redirect back to the hub, and returns its path and query.
func browse(t *testing.T, address string) string {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(address)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("platform answered %d, location %q", res.StatusCode, res.Header.Get("Location"))
	}
	return back.RequestURI()
}

func TestChannelsAddedByHand(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newSocialHub(t, st, true)
		admin, csrf := h.login(storage.RoleAdmin)
		const token = "EAAPagesecrettoken123"

		// Bad input comes back with every message and what was typed.
		p := admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"add"}, "platform": {"facebook"},
			"name": {"Kommunens side"}, "target": {"abc"}, "token": {""}, "url": {"ikke en adresse"},
			"expires": {"31-12-2026"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad channel: %d", p.status)
		}
		for _, id := range []string{"#add-target-problem", "#add-token-problem", "#add-url-problem",
			"#add-expires-problem"} {
			if p.text(id) == "" {
				t.Errorf("no message at %s", id)
			}
		}
		if p.attr("#add-name", "value") != "Kommunens side" || p.attr("#add-url", "value") != "ikke en adresse" ||
			p.doc.Find("#add-platform-facebook[checked]").Length() != 1 {
			t.Error("the form lost what was typed")
		}
		// A token typed with another field wrong is not written back into
		// the page; the admin is asked to paste it again.
		p = admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"add"}, "platform": {"facebook"},
			"name": {"Kommunens side"}, "target": {"1122334455"}, "token": {token}, "expires": {"2020-13-45"}})
		if p.status != http.StatusUnprocessableEntity || strings.Contains(p.body, token) ||
			!strings.Contains(p.text("#add-token-problem"), "igen") {
			t.Errorf("a token after a form error: %d, in the page %v, message %q", p.status,
				strings.Contains(p.body, token), p.text("#add-token-problem"))
		}
		p = admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"add"}, "platform": {"linkedin"},
			"name": {"LinkedIn"}, "target": {"urn:li:company:1"}, "token": {"x"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#add-target-problem"), "URN") {
			t.Errorf("bad URN: %d %q", p.status, p.text("#add-target-problem"))
		}

		p = admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"add"}, "platform": {"facebook"},
			"name": {"Kommunens side"}, "target": {"1122334455"}, "token": {token}, "expires": {"2027-01-31"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("add: %d %s", p.status, p.text(".problem"))
		}
		p = admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"add"}, "platform": {"manual"},
			"name": {"Skolens Instagram"}, "target": {"ignored"}, "token": {"ignored"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("add manual: %d %s", p.status, p.text(".problem"))
		}

		chs, err := st.Channels(ctx)
		if err != nil || len(chs) != 2 {
			t.Fatalf("channels = %v, %v", chs, err)
		}
		fb := chs[0]
		if fb.Platform != "facebook" {
			fb = chs[1]
		}
		if fb.Token == token || strings.Contains(fb.Token, "EAAPage") {
			t.Fatalf("the token is stored as it was given: %q", fb.Token)
		}
		if got, err := h.sealer.Open(fb.Token, storage.TokenContext("facebook", "1122334455")); err != nil ||
			got != token {
			t.Errorf("sealed token opens to %q, %v", got, err)
		}
		if fb.URL != "https://www.facebook.com/1122334455" || fb.TokenExpiresAt.IsZero() {
			t.Errorf("channel = %+v", fb)
		}
		for _, ch := range chs {
			if ch.Platform == "manual" && (ch.Token != "" || ch.Target != "") {
				t.Errorf("a manual channel kept a token or target: %+v", ch)
			}
		}
		// The token is never shown again.
		page := admin.get("/redaktion/kanaler")
		if page.status != http.StatusOK || strings.Contains(page.body, token) ||
			page.doc.Find("table.channels tbody tr").Length() != 2 {
			t.Errorf("channel page: %d, shows the token: %v", page.status, strings.Contains(page.body, token))
		}

		// Editors see the channels but cannot change them.
		editor, csrfEd := h.login(storage.RoleEditor)
		page = editor.get("/redaktion/kanaler")
		if page.status != http.StatusOK || page.doc.Find("form button[value=add], form button[value=remove]").Length() != 0 {
			t.Errorf("editor's channel page: %d, with admin forms", page.status)
		}
		if p := editor.post("/redaktion/kanaler", url.Values{"csrf": {csrfEd}, "action": {"remove"},
			"id": {strconv.FormatInt(fb.ID, 10)}}); p.status != http.StatusForbidden {
			t.Errorf("editor removing a channel: %d", p.status)
		}
		if p := admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"remove"},
			"id": {strconv.FormatInt(fb.ID, 10)}}); p.status != http.StatusSeeOther {
			t.Errorf("admin removing a channel: %d", p.status)
		}
		if _, err := st.ChannelByID(ctx, fb.ID); err == nil {
			t.Error("the channel was not removed")
		}
	})
}

func TestTokensNeedTheSecretKey(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newSocialHub(t, st, false)
		admin, csrf := h.login(storage.RoleAdmin)
		page := admin.get("/redaktion/kanaler")
		if !strings.Contains(page.body, "BINDELED_SECRET_KEY") {
			t.Error("the page does not say that the key is missing")
		}
		p := admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"add"}, "platform": {"linkedin"},
			"name": {"LinkedIn"}, "target": {"urn:li:organization:5"}, "token": {"AQVtoken"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#add-token-problem"),
			"BINDELED_SECRET_KEY") {
			t.Errorf("a token without the key: %d %q", p.status, p.text("#add-token-problem"))
		}
		p = admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"app"}, "platform": {"facebook"},
			"client_id": {"123"}, "client_secret": {"hemmelig"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#facebook-client-secret-problem") == "" {
			t.Errorf("an app secret without the key: %d", p.status)
		}
		p = admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"add"}, "platform": {"manual"},
			"name": {"Nyhedsbrevet"}})
		if p.status != http.StatusSeeOther {
			t.Errorf("a manual channel without the key: %d", p.status)
		}
		if chs, _ := st.Channels(ctx); len(chs) != 1 || chs[0].Platform != "manual" {
			t.Errorf("channels = %v", chs)
		}
	})
}

// saveApp stores a platform's app through the form.
func saveApp(t *testing.T, c *client, csrf, platform string, app social.App) {
	t.Helper()
	p := c.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"app"}, "platform": {platform},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("save %s app: %d %s", platform, p.status, p.text(".problem"))
	}
}

// connect starts connecting a platform and returns the link to it.
func connect(t *testing.T, c *client, csrf, platform string) string {
	t.Helper()
	p := c.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"connect"}, "platform": {platform}})
	link := p.attr(".connect a.button", "href")
	if p.status != http.StatusOK || link == "" {
		t.Fatalf("connect %s: %d, link %q", platform, p.status, link)
	}
	return link
}

func TestConnectFacebookPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newSocialHub(t, st, true)
		pageToken := h.fb.AddPage("1122334455", "Skole og hjem i Kommunen")
		admin, csrf := h.login(storage.RoleAdmin)
		saveApp(t, admin, csrf, "facebook", h.fb.App())

		link := connect(t, admin, csrf, "facebook")
		if !strings.HasPrefix(link, h.fb.URL()+"/v25.0/dialog/oauth?") {
			t.Fatalf("link %q does not lead to the dialog", link)
		}
		back := browse(t, link)
		if !strings.HasPrefix(back, "/redaktion/kanaler/retur?") {
			t.Fatalf("the dialog sent the admin to %q", back)
		}

		// Another admin's session cannot use the state.
		other, _ := h.login(storage.RoleAdmin)
		if p := other.get(back); !strings.Contains(p.header.Get("Location"), "besked=forbindelse-ugyldig") {
			t.Errorf("another session's return: %d %q", p.status, p.header.Get("Location"))
		}
		if h.fb.Count("token") != 0 {
			t.Error("the code was exchanged for another session")
		}

		p := admin.get(back)
		loc := p.header.Get("Location")
		if p.status != http.StatusSeeOther || !strings.Contains(loc, "valg=") {
			t.Fatalf("return: %d %q %s", p.status, loc, p.text(".notice"))
		}
		// A read that went well, but one that changes something: logged.
		if !slices.Contains(requestLines(h.logs.String()), "GET /redaktion/kanaler/retur 303") {
			t.Errorf("the platform's return is not in the request log: %q", requestLines(h.logs.String()))
		}
		choice := admin.get(loc)
		if choice.doc.Find("#valg input[name=target]").Length() != 1 || strings.Contains(choice.body, pageToken) {
			t.Fatalf("choice page offers %d pages, shows the token: %v", choice.doc.Find("#valg input[name=target]").Length(),
				strings.Contains(choice.body, pageToken))
		}
		grant := choice.attr("#valg input[name=grant]", "value")

		// The code is good once: the return cannot be replayed.
		if p := admin.get(back); !strings.Contains(p.header.Get("Location"), "besked=forbindelse-ugyldig") {
			t.Errorf("replayed return: %q", p.header.Get("Location"))
		}

		p = admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"choose"}, "grant": {grant},
			"target": {"1122334455"}})
		if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "kanal-forbundet") {
			t.Fatalf("choose: %d %q", p.status, p.header.Get("Location"))
		}
		chs, _ := st.Channels(ctx)
		if len(chs) != 1 || chs[0].Target != "1122334455" || chs[0].Name != "Skole og hjem i Kommunen" {
			t.Fatalf("channels = %+v", chs)
		}
		if got, _ := h.sealer.Open(chs[0].Token, storage.TokenContext("facebook", "1122334455")); got != pageToken {
			t.Error("the channel's token is not the Page token")
		}
		// The grant is used up.
		if p := admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"choose"}, "grant": {grant},
			"target": {"1122334455"}}); !strings.Contains(p.header.Get("Location"), "forbindelse-udloebet") {
			t.Errorf("second choice: %d %q", p.status, p.header.Get("Location"))
		}
	})
}

func TestConnectRefusals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newSocialHub(t, st, true)
		admin, csrf := h.login(storage.RoleAdmin)

		// No app yet: the hub says so.
		p := admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"connect"},
			"platform": {"facebook"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#forbind .problem") == "" {
			t.Errorf("connect without an app: %d", p.status)
		}

		// The person says no on the platform.
		saveApp(t, admin, csrf, "linkedin", h.li.App())
		h.li.Deny = true
		back := browse(t, connect(t, admin, csrf, "linkedin"))
		if p := admin.get(back); !strings.Contains(p.header.Get("Location"), "forbindelse-afbrudt") {
			t.Errorf("denied: %q", p.header.Get("Location"))
		}

		// A wrong secret: the platform's message is shown.
		h.li.Deny = false
		saveApp(t, admin, csrf, "linkedin", social.App{ClientID: h.li.ClientID, ClientSecret: "forkert"})
		back = browse(t, connect(t, admin, csrf, "linkedin"))
		p = admin.get(back)
		if p.status != http.StatusBadGateway || !strings.Contains(p.text("[role=alert]"),
			"Client authentication failed") {
			t.Errorf("wrong secret: %d %q", p.status, p.text("[role=alert]"))
		}

		// A made-up state: the page says the connection was not made.
		p = admin.get("/redaktion/kanaler/retur?code=x&state=made-up")
		if loc := p.header.Get("Location"); !strings.Contains(loc, "forbindelse-ugyldig") {
			t.Errorf("made-up state: %q", loc)
		} else if back := admin.get(loc); back.text(".flash.error[role=alert]") == "" || back.text(".flash") == "" {
			t.Errorf("no message after a made-up state: %q", back.text(".flash"))
		}
		if chs, _ := st.Channels(ctx); len(chs) != 0 {
			t.Errorf("channels = %v", chs)
		}
	})
}

func TestConnectLinkedInPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newSocialHub(t, st, true)
		urn := h.li.AddOrganisation("2414183", "Kommunen")
		admin, csrf := h.login(storage.RoleAdmin)
		saveApp(t, admin, csrf, "linkedin", h.li.App())
		back := browse(t, connect(t, admin, csrf, "linkedin"))
		loc := admin.get(back).header.Get("Location")
		choice := admin.get(loc)
		if got := choice.attr("#valg input[name=target]", "value"); got != urn {
			t.Fatalf("choice offers %q, want %s", got, urn)
		}
		p := admin.post("/redaktion/kanaler", url.Values{"csrf": {csrf}, "action": {"choose"},
			"grant": {choice.attr("#valg input[name=grant]", "value")}, "target": {urn}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("choose: %d", p.status)
		}
		chs, _ := st.Channels(ctx)
		if len(chs) != 1 || chs[0].Target != urn {
			t.Fatalf("channels = %+v", chs)
		}
		if d := time.Until(chs[0].TokenExpiresAt); d < 59*24*time.Hour || d > 61*24*time.Hour {
			t.Errorf("token expires in %v, want about 60 days", d)
		}
		if chs[0].URL != "https://www.linkedin.com/company/2414183/" {
			t.Errorf("url %q", chs[0].URL)
		}
	})
}

// addChannel stores a channel with a sealed token.
func (h *socialHub) addChannel(platform, name, target, token string) *storage.Channel {
	h.t.Helper()
	ch := &storage.Channel{Platform: platform, Name: name, Target: target}
	if token != "" {
		var err error
		if ch.Token, err = h.sealer.Seal(token, storage.TokenContext(platform, target)); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := h.st.SaveChannel(ctx, ch); err != nil {
		h.t.Fatal(err)
	}
	return ch
}

func TestPostsPlannedAndSettled(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newSocialHub(t, st, true)
		fb := h.addChannel("facebook", "Kommunens Facebook", "111", h.fb.AddPage("111", "Kommunen"))
		li := h.addChannel("linkedin", "Kommunen på LinkedIn", h.li.AddOrganisation("42", "Kommunen"), h.li.Token(0))
		manual := h.addChannel("manual", "Skolens Instagram", "", "")
		m := h.publish(&material.Material{Title: "Det gode forældremøde", Summary: "Sådan lykkes mødet."})
		editor, csrf := h.login(storage.RoleEditor)
		path := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10) + "/kanaler"
		field := func(name string, ch *storage.Channel) string { return name + "_" + strconv.FormatInt(ch.ID, 10) }

		form := editor.get(path)
		if form.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, form.status)
		}
		if got := form.text("#" + field("text", fb)); got != "Sådan lykkes mødet." {
			t.Errorf("text not prefilled from the summary: %q", got)
		}
		if form.doc.Find("#"+field("hand", manual)).Length() != 0 {
			t.Error("a manual channel offers posting through an API")
		}

		// Problems keep what was typed.
		long := strings.Repeat("a", social.LinkedInMaxText-5) + "(((((("
		p := editor.post(path, url.Values{"csrf": {csrf}, "action": {"plan"},
			"channel":         {strconv.FormatInt(fb.ID, 10), strconv.FormatInt(li.ID, 10)},
			field("text", fb): {""}, field("text", li): {long}, "when": {"time"}, "post_date": {"2020-01-01"},
			"post_time": {"10:00"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad plan: %d", p.status)
		}
		if p.text("#"+field("text", fb)+"-problem") == "" || !strings.Contains(p.text("#"+field("text", li)+"-problem"),
			"3000") || p.text("#post_at-problem") == "" {
			t.Errorf("problems: fb %q, li %q, time %q", p.text("#"+field("text", fb)+"-problem"),
				p.text("#"+field("text", li)+"-problem"), p.text("#post_at-problem"))
		}
		if p.text("#"+field("text", li)) != long || p.attr("#post_date", "value") != "2020-01-01" ||
			p.doc.Find("#when-time[checked]").Length() != 1 || p.doc.Find("#"+field("channel", li)+"[checked]").Length() != 1 {
			t.Error("the form lost what was typed")
		}
		if p := editor.post(path, url.Values{"csrf": {csrf}, "action": {"plan"}}); p.status !=
			http.StatusUnprocessableEntity || p.text("#channel-problem") == "" {
			t.Errorf("no channel: %d", p.status)
		}

		p = editor.post(path, url.Values{"csrf": {csrf}, "action": {"plan"},
			"channel":         {strconv.FormatInt(fb.ID, 10), strconv.FormatInt(li.ID, 10), strconv.FormatInt(manual.ID, 10)},
			field("text", fb): {"Til Facebook"}, field("text", li): {"Til LinkedIn (nyt)"},
			field("text", manual): {"Til Instagram"}, "when": {"publish"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("plan: %d %s", p.status, p.text(".problem"))
		}
		h.runJobs()
		if len(h.fb.Posts()) != 1 || len(h.li.Posts()) != 1 || h.li.Posts()[0].Shown != "Til LinkedIn (nyt)" {
			t.Fatalf("posts made: %+v %+v", h.fb.Posts(), h.li.Posts())
		}
		// LinkedIn's preview shows the material's share image, a card here as it has no cover.
		thumb := h.li.Image(h.li.Posts()[0].Article.Thumbnail)
		if thumb == nil {
			t.Fatal("no thumbnail uploaded")
		}
		if cfg, format, err := image.DecodeConfig(bytes.NewReader(thumb.Data)); err != nil || format != "png" ||
			cfg.Width != 1200 || cfg.Height != 630 {
			t.Errorf("thumbnail: %s %dx%d %v", format, cfg.Width, cfg.Height, err)
		}

		page := editor.get(path)
		states := page.doc.Find(".posts .post-state")
		if states.Length() != 3 {
			t.Fatalf("%d posts shown", states.Length())
		}
		if page.doc.Find(".posts a[href^='https://www.facebook.com/111/posts/']").Length() != 1 ||
			page.doc.Find(".posts a[href^='https://www.linkedin.com/feed/update/urn:li:share:']").Length() != 1 {
			t.Error("the sent posts' links are not shown")
		}
		posts, _ := st.PostsOfMaterial(ctx, m.ID)
		var byHand *storage.Post
		for _, post := range posts {
			if post.ChannelID == manual.ID {
				byHand = post
			}
		}
		id := strconv.FormatInt(byHand.ID, 10)
		copyText := page.text("#copy-" + id)
		if !strings.Contains(copyText, "Til Instagram") || !strings.Contains(copyText, "/materialer/"+m.Slug) {
			t.Errorf("copy text %q lacks the text or the link", copyText)
		}

		// Marked as posted by hand, with its address.
		p = editor.post(path, url.Values{"csrf": {csrf}, "action": {"mark"}, "post": {id}, "url_" + id: {"ikke-en-url"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#post-"+id+"-problem") == "" ||
			p.attr("#url-"+id, "value") != "ikke-en-url" {
			t.Errorf("a bad address: %d %q", p.status, p.text("#post-"+id+"-problem"))
		}
		p = editor.post(path, url.Values{"csrf": {csrf}, "action": {"mark"}, "post": {id},
			"url_" + id: {"https://www.instagram.com/p/abc/"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("mark: %d", p.status)
		}
		if got, _ := st.PostByID(ctx, byHand.ID); got.State != storage.PostSent ||
			got.RemoteURL != "https://www.instagram.com/p/abc/" {
			t.Errorf("marked post = %+v", got)
		}
	})
}

func TestUnknownPostsAreSettledByTheEditor(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newSocialHub(t, st, true)
		fb := h.addChannel("facebook", "Kommunens Facebook", "111", h.fb.AddPage("111", "Kommunen"))
		m := h.publish(&material.Material{Title: "Trivsel", Summary: "Om trivsel."})
		editor, csrf := h.login(storage.RoleEditor)
		path := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10) + "/kanaler"
		h.fb.Fail("feed", socialtest.Fault{Close: true})
		p := editor.post(path, url.Values{"csrf": {csrf}, "action": {"plan"}, "channel": {strconv.FormatInt(fb.ID, 10)},
			"text_" + strconv.FormatInt(fb.ID, 10): {"Om trivsel"}, "when": {"publish"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("plan: %d", p.status)
		}
		h.runJobs()
		posts, _ := st.PostsOfMaterial(ctx, m.ID)
		if len(posts) != 1 || posts[0].State != storage.PostUnknown {
			t.Fatalf("posts = %+v", posts)
		}
		id := strconv.FormatInt(posts[0].ID, 10)
		page := editor.get(path)
		if !strings.Contains(page.text(".posts .post-state"), "tjek siden") || page.doc.Find("#confirm-"+id).Length() != 1 {
			t.Errorf("the unknown post is not shown as such: %q", page.text(".posts .post-state"))
		}

		// Sending again needs the editor's word that the post is not there.
		p = editor.post(path, url.Values{"csrf": {csrf}, "action": {"resend"}, "post": {id}})
		if p.status != http.StatusUnprocessableEntity || p.text("#post-"+id+"-problem") == "" {
			t.Errorf("resend without confirming: %d", p.status)
		}
		h.runJobs()
		if h.fb.Count("feed") != 1 {
			t.Fatalf("%d requests before the editor confirmed", h.fb.Count("feed"))
		}
		p = editor.post(path, url.Values{"csrf": {csrf}, "action": {"resend"}, "post": {id}, "confirm_" + id: {"on"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("resend: %d", p.status)
		}
		h.runJobs()
		if got, _ := st.PostByID(ctx, posts[0].ID); got.State != storage.PostSent || h.fb.Count("feed") != 2 {
			t.Errorf("after resending: %s, %d requests", got.State, h.fb.Count("feed"))
		}

		// A post of another material is not reachable through this one.
		other := h.publish(&material.Material{Title: "Andet"})
		p = editor.post("/redaktion/materialer/"+strconv.FormatInt(other.ID, 10)+"/kanaler", url.Values{
			"csrf": {csrf}, "action": {"delete"}, "post": {id}})
		if p.status != http.StatusNotFound {
			t.Errorf("another material's post: %d", p.status)
		}
	})
}
