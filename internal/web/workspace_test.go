package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/clientip"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

func TestWorkspaceNeedsLogin(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c := h.client()
		for _, path := range []string{"/redaktion", "/redaktion/materialer/ny", "/redaktion/temaer",
			"/redaktion/indstillinger", "/redaktion/materialer/1"} {
			p := c.get(path)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"),
				"/redaktion/login?next=") {
				t.Errorf("GET %s anonymous: %d %q", path, p.status, p.header.Get("Location"))
			}
		}
		for _, path := range []string{"/redaktion/materialer", "/redaktion/temaer", "/redaktion/indstillinger",
			"/redaktion/forhaandsvisning", "/redaktion/logout"} {
			if p := c.post(path, url.Values{"name": {"x"}}); p.status != http.StatusForbidden {
				t.Errorf("POST %s anonymous: %d, want 403", path, p.status)
			}
		}
	})
}

func TestLogin(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		hash, _ := auth.HashPassword(auth.TestParams(), "korrekt hest batteri")
		if err := h.st.CreateUser(ctx, &storage.User{Email: "ed@example.dk", Role: storage.RoleEditor,
			PasswordHash: hash, Active: true}); err != nil {
			t.Fatal(err)
		}
		c := h.client()
		token := c.get("/redaktion/login").attr("input[name=csrf]", "value")

		// Without the token the form is refused.
		if p := c.post("/redaktion/login", url.Values{"email": {"ed@example.dk"},
			"password": {"korrekt hest batteri"}}); p.status != http.StatusForbidden {
			t.Errorf("login without csrf: %d", p.status)
		}

		p := c.post("/redaktion/login", url.Values{"csrf": {token}, "email": {"ED@example.dk"},
			"password": {"forkert"}})
		if p.status != http.StatusUnauthorized || p.text("#login-error") != "E-mail eller adgangskode er forkert." {
			t.Errorf("wrong password: %d %q", p.status, p.text("#login-error"))
		}
		if p.attr("#email", "value") != "ed@example.dk" {
			t.Errorf("e-mail not kept: %q", p.attr("#email", "value"))
		}

		// A login page opened in a second tab leaves the first one's form
		// working.
		c.get("/redaktion/login")
		p = c.post("/redaktion/login", url.Values{"csrf": {token}, "email": {"ed@example.dk"},
			"password": {"forkert"}})
		if p.status != http.StatusUnauthorized {
			t.Errorf("the first tab's form after a second tab: %d", p.status)
		}

		token = p.attr("input[name=csrf]", "value")
		p = c.post("/redaktion/login", url.Values{"csrf": {token}, "email": {"ed@example.dk"},
			"password": {"korrekt hest batteri"}, "next": {"https://evil.example/"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/redaktion" {
			t.Fatalf("login: %d to %q (an outside next must be ignored)", p.status, p.header.Get("Location"))
		}
		cookie := p.header.Get("Set-Cookie")
		for _, want := range []string{"bindeled_session=", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(strings.Join(p.header.Values("Set-Cookie"), "\n"), want) {
				t.Errorf("session cookie lacks %s: %s", want, cookie)
			}
		}
		ws := c.get("/redaktion")
		if ws.status != 200 || !strings.Contains(ws.header.Get("Cache-Control"), "no-store") {
			t.Errorf("workspace: %d, cache %q", ws.status, ws.header.Get("Cache-Control"))
		}

		// Logging out ends the session on the server.
		csrf := ws.attr("input[name=csrf]", "value")
		if p := c.post("/redaktion/logout", url.Values{"csrf": {csrf}}); p.status != http.StatusSeeOther {
			t.Errorf("logout: %d", p.status)
		}
		if p := c.get("/redaktion"); p.status != http.StatusSeeOther {
			t.Errorf("after logout: %d", p.status)
		}
	})
}

func TestLoginRateLimited(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c := h.client()
		var last page
		for i := 0; i < 6; i++ {
			token := c.get("/redaktion/login").attr("input[name=csrf]", "value")
			last = c.post("/redaktion/login", url.Values{"csrf": {token}, "email": {"x@example.dk"},
				"password": {"nej"}})
		}
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
			t.Errorf("6th attempt: %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
		}
		if !strings.Contains(last.text(".flash"), "For mange forsøg") {
			t.Errorf("message %q", last.text(".flash"))
		}
	})
}

func TestFirstAdminSetup(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		token := auth.NewToken()
		if err := h.st.CreateSetupToken(ctx, &storage.SetupToken{TokenHash: auth.HashToken(token),
			Purpose: "first-admin", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		c := h.client()
		if p := c.get("/redaktion/opsaetning?token=wrong"); p.status != http.StatusNotFound {
			t.Errorf("wrong token: %d", p.status)
		}
		form := c.get("/redaktion/opsaetning?token=" + url.QueryEscape(token))
		csrf := form.attr("input[name=csrf]", "value")
		p := c.post("/redaktion/opsaetning", url.Values{"csrf": {csrf}, "token": {token}, "name": {"Ada"},
			"email": {"ada@example.dk"}, "password": {"kort"}, "password2": {"kort"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#password-problem") == "" {
			t.Errorf("short password: %d %q", p.status, p.text("#password-problem"))
		}
		if p.attr("#name", "value") != "Ada" || p.attr("#email", "value") != "ada@example.dk" {
			t.Error("setup form did not keep what was typed")
		}
		csrf = p.attr("input[name=csrf]", "value")
		p = c.post("/redaktion/opsaetning", url.Values{"csrf": {csrf}, "token": {token}, "name": {"Ada"},
			"email": {"ada@example.dk"}, "password": {"en lang og god sætning"}, "password2": {"en lang og god sætning"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("setup: %d", p.status)
		}
		if ws := c.get("/redaktion/indstillinger"); ws.status != 200 {
			t.Errorf("the first user is not an admin: %d", ws.status)
		}
		// The link works once.
		if p := h.client().get("/redaktion/opsaetning?token=" + url.QueryEscape(token)); p.status != http.StatusNotFound {
			t.Errorf("reused token: %d", p.status)
		}
	})
}

func TestEditorCreatesAndPublishes(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleEditor)

		// A form with problems comes back with everything kept, errors by their fields.
		p := c.postMultipart("/redaktion/materialer", [][2]string{
			{"csrf", csrf}, {"kind", "article"}, {"title", "Trivsel i 4.b"}, {"summary", strings.Repeat("ø", 301)},
			{"body", "## Sådan\n\nTekst med æøå."}, {"cover_alt", ""}, {"action", "save"},
		}, file{"cover", "barn.png", pngBytes(t, 40, 30)})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid form: status %d", p.status)
		}
		if p.attr("#title", "value") != "Trivsel i 4.b" || !strings.Contains(p.text("#body"), "Tekst med æøå.") {
			t.Error("the form lost what was typed")
		}
		for _, id := range []string{"#summary-problem", "#audiences-problem", "#cover_alt-problem"} {
			if p.text(id) == "" {
				t.Errorf("no message at %s", id)
			}
		}
		coverID := p.attr("input[name=cover_id]", "value")
		if coverID == "" {
			t.Fatal("the uploaded cover was not kept for the next try")
		}

		// Fixed and saved as a draft.
		p = c.postMultipart("/redaktion/materialer", [][2]string{
			{"csrf", csrf}, {"kind", "article"}, {"title", "Trivsel i 4.b"}, {"summary", "Kort."},
			{"body", "## Sådan\n\nTekst."}, {"cover_id", coverID}, {"cover_alt", "En tegning af en klasse"},
			{"audiences", "parents"}, {"audiences", "teachers"}, {"language", "da"}, {"action", "save"},
		})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", p.status, p.text(".flash"))
		}
		edit := p.header.Get("Location")
		if h.client().get("/materialer/trivsel-i-4-b").status != http.StatusNotFound {
			t.Error("a draft is public")
		}
		form := c.get(edit)
		cover := form.attr(".file-current img", "src")
		key := strings.TrimPrefix(cover, "/redaktion/medier/")
		if key == "" || h.client().get("/media/"+key).status != http.StatusNotFound {
			t.Errorf("a draft's image is public (key %q)", key)
		}

		// Published through the form: sent for review, approved, published.
		fields := append([][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Trivsel i 4.b"},
			{"summary", "Kort."}, {"body", "## Sådan\n\nTekst."}, {"cover_id", coverID},
			{"cover_alt", "En tegning af en klasse"}, {"audiences", "parents"}, {"language", "da"}},
			consentFields(coverID)...)
		c.publishThrough(edit, fields)
		pub := h.client().get("/materialer/trivsel-i-4-b")
		if pub.status != 200 || pub.attr(".cover img", "alt") != "En tegning af en klasse" {
			t.Fatalf("published page: %d, alt %q", pub.status, pub.attr(".cover img", "alt"))
		}
		img := h.client().get(pub.attr(".cover img", "src"))
		if img.status != 200 || img.header.Get("Content-Type") != "image/png" ||
			img.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("cover image: %d %q", img.status, img.header.Get("Content-Type"))
		}
		list := h.client().get("/materialer?maalgruppe=foraeldre")
		if list.doc.Find("a[href='/materialer/trivsel-i-4-b']").Length() != 1 {
			t.Error("published material missing from the filtered listing")
		}
	})
}

func TestUploadRefusals(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleEditor)
		base := [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Med billede"}, {"summary", "Kort."},
			{"audiences", "parents"}, {"language", "da"}, {"cover_alt", "alt"}, {"action", "save"}}
		tests := []struct {
			name string
			f    file
			want string
		}{
			{"svg", file{"cover", "logo.png",
				[]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, "SVG"},
			{"html as jpg", file{"cover", "foto.jpg", []byte("<html><body>hej</body></html>")}, "JPEG, PNG, GIF, WebP"},
			{"too large", file{"cover", "stor.png", append(pngBytes(t, 10, 10), make([]byte, 3<<20)...)}, "2,1 MB"},
		}
		for _, tt := range tests {
			p := c.postMultipart("/redaktion/materialer", base, tt.f)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#cover-problem"), tt.want) {
				t.Errorf("%s: %d %q, want a message with %q", tt.name, p.status, p.text("#cover-problem"), tt.want)
			}
			if p.attr("#title", "value") != "Med billede" {
				t.Errorf("%s: form lost the title", tt.name)
			}
		}
	})
}

func TestMultipartNeedsCSRFFirst(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleEditor)
		p := c.postMultipart("/redaktion/materialer", [][2]string{{"title", "x"}, {"csrf", csrf}})
		if p.status != http.StatusForbidden {
			t.Errorf("csrf not first: %d", p.status)
		}
		p = c.postMultipart("/redaktion/materialer", [][2]string{{"csrf", "forged"}, {"title", "x"}})
		if p.status != http.StatusForbidden {
			t.Errorf("forged csrf: %d", p.status)
		}
		n, _ := materialsCount(h)
		if n != 0 {
			t.Errorf("%d materials created by refused posts", n)
		}
	})
}

func materialsCount(h *hubT) (int, error) {
	_, n, err := h.st.SearchMaterials(ctx, "", 1, 0)
	return n, err
}

func TestFilmServedWithRanges(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		// A minimal WebM header is enough for the type check.
		webm := append([]byte{0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01,
			0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm',
			0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02}, make([]byte, 4000)...)
		c, csrf := h.login(storage.RoleEditor)
		p := c.postMultipart("/redaktion/materialer", [][2]string{
			{"csrf", csrf}, {"kind", "film"}, {"title", "Filmen"}, {"summary", "Kort."},
			{"audiences", "parents"}, {"language", "da"}, {"transcript", "Hej."}, {"action", "save"},
		}, file{"video", "film.webm", webm},
			file{"captions", "da.vtt", []byte("WEBVTT\n\n00:00.000 --> 00:02.000\nHej.\n")})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save film: %d %v", p.status, p.text(".problem"))
		}
		edit := p.header.Get("Location")
		form := c.get(edit)
		videoID, captionsID := form.attr("input[name=video_id]", "value"), form.attr("input[name=captions_id]", "value")
		c.publishThrough(edit, append([][2]string{{"csrf", csrf}, {"kind", "film"}, {"title", "Filmen"},
			{"summary", "Kort."}, {"audiences", "parents"}, {"language", "da"}, {"transcript", "Hej."},
			{"video_id", videoID}, {"captions_id", captionsID}}, consentFields(videoID)...))
		page := h.client().get("/materialer/filmen")
		src := page.attr("video source", "src")
		if page.attr("video track", "srclang") != "da" || page.attr("video track", "kind") != "captions" {
			t.Error("no Danish caption track")
		}
		size := strconv.Itoa(len(webm))
		tests := []struct {
			rng, status, contentRange string
			n                         int
		}{
			{"", "200", "", len(webm)},
			{"bytes=0-1", "206", "bytes 0-1/" + size, 2},
			{"bytes=-500", "206",
				"bytes " + strconv.Itoa(len(webm)-500) + "-" + strconv.Itoa(len(webm)-1) + "/" + size, 500},
			{"bytes=99999-", "416", "", -1},
		}
		for _, tt := range tests {
			req, _ := http.NewRequest("GET", h.srv.URL+src, nil)
			if tt.rng != "" {
				req.Header.Set("Range", tt.rng)
			}
			req.Header.Set("Accept-Encoding", "gzip")
			res := h.client().do(req)
			if strconv.Itoa(res.status) != tt.status ||
				res.header.Get("Content-Range") != tt.contentRange && tt.contentRange != "" {
				t.Errorf("Range %q: %d %q", tt.rng, res.status, res.header.Get("Content-Range"))
			}
			if tt.n >= 0 && len(res.body) != tt.n {
				t.Errorf("Range %q: %d bytes, want %d", tt.rng, len(res.body), tt.n)
			}
			if res.header.Get("Content-Encoding") != "" || (tt.status != "416" &&
				res.header.Get("Content-Type") != "video/webm") {
				t.Errorf("Range %q: encoding %q type %q", tt.rng, res.header.Get("Content-Encoding"),
					res.header.Get("Content-Type"))
			}
			if tt.rng == "" && res.header.Get("Accept-Ranges") != "bytes" {
				t.Error("no Accept-Ranges on a plain answer")
			}
		}
	})
}

func TestSettingsAdminOnlyAndColourChecked(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		ed, csrf := h.login(storage.RoleEditor)
		if p := ed.get("/redaktion/indstillinger"); p.status != http.StatusForbidden {
			t.Errorf("editor sees settings: %d", p.status)
		}
		if p := ed.postMultipart("/redaktion/indstillinger", [][2]string{{"csrf", csrf}, {"name", "X"},
			{"colour", "#000000"}}); p.status != http.StatusForbidden {
			t.Errorf("editor saves settings: %d", p.status)
		}
		admin, csrf := h.login(storage.RoleAdmin)
		p := admin.postMultipart("/redaktion/indstillinger", [][2]string{{"csrf", csrf}, {"name",
			"Forældrehjørnet"}, {"colour", "blå"}},
			file{"logo", "logo.png", pngBytes(t, 120, 40)})
		if p.status != http.StatusUnprocessableEntity || p.text("#colour-problem") == "" || p.attr("#name",
			"value") != "Forældrehjørnet" {
			t.Errorf("bad colour: %d %q", p.status, p.text("#colour-problem"))
		}
		logoID := p.attr("input[name=logo_id]", "value")
		if logoID == "" {
			t.Fatal("the uploaded logo was not kept")
		}
		p = admin.postMultipart("/redaktion/indstillinger", [][2]string{{"csrf", csrf}, {"name", "Forældrehjørnet"},
			{"colour", "#2a6041"}, {"logo_id", logoID}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("save settings: %d", p.status)
		}
		home := h.client().get("/")
		if got := home.attr(".brand img", "alt"); !strings.Contains(got, "Forældrehjørnet") {
			t.Errorf("logo alt %q", got)
		}
		if logo := h.client().get(home.attr(".brand img", "src")); logo.status != 200 {
			t.Errorf("logo is not public: %d", logo.status)
		}
		p = admin.postMultipart("/redaktion/indstillinger", [][2]string{{"csrf", csrf}, {"name", "Forældrehjørnet"},
			{"colour", "#2a6041"}, {"logo_id", logoID}, {"logo_remove", "on"}})
		if got := h.client().get("/").text(".brand-name"); got != "Forældrehjørnet" {
			t.Errorf("site name without logo %q (%d)", got, p.status)
		}
	})
}

func TestThemesManaged(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleEditor)
		p := c.post("/redaktion/temaer", url.Values{"csrf": {csrf}, "name": {"Skole-hjem-samtaler"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("add theme: %d", p.status)
		}
		p = c.post("/redaktion/temaer", url.Values{"csrf": {csrf}, "name": {"Skole hjem samtaler"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#slug-problem") == "" {
			t.Errorf("duplicate slug: %d %q", p.status, p.text("#slug-problem"))
		}
		th, err := h.st.ThemeBySlug(ctx, "skole-hjem-samtaler")
		if err != nil {
			t.Fatal(err)
		}
		h.publish(&material.Material{Title: "Samtalen", ThemeIDs: []int64{th.ID}})
		if got := h.client().get("/temaer/skole-hjem-samtaler").doc.Find(".card").Length(); got != 1 {
			t.Errorf("theme page shows %d cards", got)
		}
	})
}

func TestThemeRenamed(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		th := storage.Theme{Slug: "trivsel", Name: "Trivsel"}
		if err := h.st.SaveTheme(ctx, &th); err != nil {
			t.Fatal(err)
		}
		c, csrf := h.login(storage.RoleEditor)
		form := c.get("/redaktion/temaer?rediger=" + strconv.FormatInt(th.ID, 10))
		if form.attr("#theme-name", "value") != "Trivsel" || form.attr("input[name=id]",
			"value") != strconv.FormatInt(th.ID, 10) {
			t.Fatalf("edit form not filled: %q", form.attr("#theme-name", "value"))
		}
		p := c.post("/redaktion/temaer", url.Values{"csrf": {csrf}, "id": {strconv.FormatInt(th.ID, 10)},
			"name": {"Trivsel og fællesskab"}, "slug": {"trivsel"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("rename: %d", p.status)
		}
		if got := h.client().get("/temaer/trivsel").text("h1"); got != "Trivsel og fællesskab" {
			t.Errorf("renamed theme page h1 %q", got)
		}
	})
}

func TestLivePreviewIsSanitised(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleEditor)
		p := c.post("/redaktion/forhaandsvisning", url.Values{"csrf": {csrf},
			"body": {"## Hej\n\n<script>alert(1)</script>[x](javascript:alert(1))"}})
		if p.status != 200 || p.doc.Find("h2").Text() != "Hej" {
			t.Fatalf("preview: %d %q", p.status, p.body)
		}
		if strings.Contains(p.body, "<script") || strings.Contains(p.body, "javascript:") {
			t.Errorf("preview not sanitised: %q", p.body)
		}
		if p := c.post("/redaktion/forhaandsvisning", url.Values{"body": {"x"}}); p.status != http.StatusForbidden {
			t.Errorf("preview without csrf: %d", p.status)
		}
	})
}

func TestWorkspaceSearch(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		h.publish(&material.Material{Title: "Forældremøde i 0. klasse"})
		h.publish(&material.Material{Title: "Trivsel"})
		c, _ := h.login(storage.RoleEditor)
		p := c.get("/redaktion?q=for%C3%A6ldrem%C3%B8de")
		if n := p.doc.Find("tbody tr").Length(); n != 1 || !strings.Contains(p.text("tbody"), "Forældremøde") {
			t.Errorf("search found %d rows: %q", n, p.text("tbody"))
		}
	})
}

func TestPublicMaterialFailingChecksIsListed(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		// As an import may bring it: public, with a vague link text.
		h.publish(&material.Material{Title: "Gammel artikel", Body: "Se [klik her](https://example.dk)."})
		h.publish(&material.Material{Title: "God artikel", Body: "Se [Skole og Forældre](https://example.dk)."})
		c, _ := h.login(storage.RoleEditor)
		p := c.get("/redaktion")
		var failing []string
		p.doc.Find("tbody tr").Each(func(_ int, row *goquery.Selection) {
			if row.Find(".problem").Length() > 0 {
				failing = append(failing, strings.TrimSpace(row.Find("td a").First().Text()))
			}
		})
		if len(failing) != 1 || failing[0] != "Gammel artikel" {
			t.Errorf("listed as failing: %q", failing)
		}
		if h.client().get("/materialer/gammel-artikel").status != 200 {
			t.Error("a public material failing the checks must keep its state")
		}
	})
}

func TestPublishRefusedWithReasons(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		if err := h.st.PutSettings(ctx, map[string]string{"workflow.review_unit_off": "1"}); err != nil {
			t.Fatal(err)
		}
		c, csrf := h.login(storage.RoleEditor)
		p := c.postMultipart("/redaktion/materialer", append([][2]string{
			{"csrf", csrf}, {"kind", "article"}, {"title", "Springer over"}, {"summary", "Kort."},
			{"body", "## A\n\n#### D\n\n![](x.png) [læs mere](https://example.dk)"},
			{"audiences", "parents"}, {"language", "da"}, {"action", "approve"}}, consentFields()...))
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("approve with a bad body: %d", p.status)
		}
		got := p.text("#body-problem")
		for _, want := range []string{"niveau 2", "billedbeskrivelse", "klik her"} {
			if !strings.Contains(p.doc.Find(".problem").Text(), want) {
				t.Errorf("no reason with %q in %q", want, got)
			}
		}
		if p.doc.Find("button[value=approve]").Length() != 1 {
			t.Error("after a refused approval the material should still be a draft to approve")
		}
		if p.doc.Find("#consent_rights[checked]").Length() != 1 {
			t.Error("the consent answers were lost")
		}
		// Saving it as a draft is allowed.
		fields := [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Springer over"}, {"summary", "Kort."},
			{"body", "## A\n\n#### D"}, {"audiences", "parents"}, {"language", "da"}, {"action", "save"}}
		if p := c.postMultipart("/redaktion/materialer", fields); p.status != http.StatusSeeOther {
			t.Errorf("save draft: %d", p.status)
		}
	})
}

func TestReadabilityShownAndWarnsForParents(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleEditor)
		long := "Skolebestyrelsens principbeslutninger vedrørende forældresamarbejdet " +
			"implementeres kontinuerligt gennem inddragelsesprocesser."
		p := c.post("/redaktion/forhaandsvisning", url.Values{"csrf": {csrf}, "body": {long}, "audiences": {"parents"}})
		if !strings.Contains(p.text("#readability"), "LIX") || p.doc.Find("#readability .problem").Length() != 1 {
			t.Errorf("no parent warning: %q", p.text("#readability"))
		}
		if !strings.Contains(p.text("#readability"), "principbeslutninger") {
			t.Error("the long words are not shown")
		}
		p = c.post("/redaktion/forhaandsvisning", url.Values{"csrf": {csrf}, "body": {long}, "audiences": {"leaders"}})
		if p.doc.Find("#readability .problem").Length() != 0 {
			t.Error("warned for a text that is not for parents")
		}
	})
}

func TestAccessibilityStatement(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		admin, csrf := h.login(storage.RoleAdmin)
		fields := [][2]string{{"csrf", csrf}, {"name", "Skole og hjem"}, {"colour", "#1b5e7a"},
			{"a11y_contact", "tilgaengelighed@example.dk"}, {"a11y_issues", "- Ældre PDF-filer er ikke tilgængelige."},
			{"a11y_reviewed", "1. december"}}
		p := admin.postMultipart("/redaktion/indstillinger", fields)
		if p.status != http.StatusUnprocessableEntity || p.text("#a11y_reviewed-problem") == "" {
			t.Fatalf("bad date: %d", p.status)
		}
		fields[len(fields)-1] = [2]string{"a11y_reviewed", "2026-12-01"}
		if p := admin.postMultipart("/redaktion/indstillinger", fields); p.status != http.StatusSeeOther {
			t.Fatalf("save: %d", p.status)
		}
		s := h.client().get("/tilgaengelighed")
		if s.status != 200 || !strings.Contains(s.body, "tilgaengelighed@example.dk") ||
			!strings.Contains(s.text(".prose ul"), "Ældre PDF-filer") || s.attr("time", "datetime") != "2026-12-01" {
			t.Errorf("statement page: %d %q", s.status, s.text("main"))
		}
		if h.client().get("/").attr("footer a[href='/tilgaengelighed']", "href") == "" {
			t.Error("no link to the statement in the footer")
		}
		fields = append(fields, [2]string{"a11y_url", "https://www.was.digst.dk/example-dk"})
		if p := admin.postMultipart("/redaktion/indstillinger", fields); p.status != http.StatusSeeOther {
			t.Fatalf("save with url: %d", p.status)
		}
		if got := h.client().get("/tilgaengelighed").attr("main a.button",
			"href"); got != "https://www.was.digst.dk/example-dk" {
			t.Errorf("external statement link %q", got)
		}
	})
}

func TestScheduleInCopenhagenTime(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		c, csrf := h.login(storage.RoleEditor)
		approved := &material.Material{Kind: material.Article, Title: "Til forældremødet", Summary: "Kort.",
			Body: "## Hej\n\nTekst.", Audiences: []material.Audience{material.Parents}, Language: "da",
			Status: material.Approved}
		material.OwnWork(approved)
		if err := h.st.CreateMaterial(ctx, approved); err != nil {
			t.Fatal(err)
		}
		edit := "/redaktion/materialer/" + strconv.FormatInt(approved.ID, 10)
		base := append([][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Til forældremødet"},
			{"summary", "Kort."}, {"body", "## Hej\n\nTekst."}, {"audiences", "parents"}, {"language", "da"},
			{"action", "schedule"}}, consentFields()...)
		with := func(extra ...[2]string) [][2]string {
			return append(append(slices.Clone(base), [2]string{"version", c.version(edit)}), extra...)
		}

		// The spring jump: 02:30 does not exist; the form keeps what was typed.
		p := c.postMultipart(edit, with([2]string{"publish_date", "2030-03-31"}, [2]string{"publish_time", "02:30"}))
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#publish_at-problem"), "03:00") {
			t.Fatalf("gap: %d %q", p.status, p.text("#publish_at-problem"))
		}
		if p.attr("#publish_date", "value") != "2030-03-31" || p.attr("#publish_time", "value") != "02:30" {
			t.Error("the gap message lost the typed time")
		}

		// The autumn repeat: asks which, then takes the answer.
		p = c.postMultipart(edit, with([2]string{"publish_date", "2030-10-27"}, [2]string{"publish_time", "02:30"}))
		if p.status != http.StatusUnprocessableEntity || p.doc.Find("input[name=publish_choice]").Length() != 2 {
			t.Fatalf("overlap: %d, %d choices", p.status, p.doc.Find("input[name=publish_choice]").Length())
		}
		p = c.postMultipart(edit, with([2]string{"publish_date", "2030-10-27"},
			[2]string{"publish_time", "02:30"}, [2]string{"publish_choice", "later"}))
		if p.status != http.StatusSeeOther {
			t.Fatalf("schedule: %d %q", p.status, p.text(".problem"))
		}
		m, err := h.st.GetMaterialBySlug(ctx, "til-foraeldremoedet")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2030, 10, 27, 1, 30, 0, 0, time.UTC); m.Status != material.Scheduled ||
			!m.ScheduledAt.Equal(want) {
			t.Errorf("scheduled %s at %v, want %v", m.Status, m.ScheduledAt, want)
		}
		if h.client().get("/materialer/til-foraeldremoedet").status != http.StatusNotFound {
			t.Error("a scheduled material is public before its time")
		}
		form := c.get(strings.Split(p.header.Get("Location"), "?")[0])
		if !strings.Contains(form.text(".schedule strong"), "kl. 02:30 (+01:00)") {
			t.Errorf("the form shows %q", form.text(".schedule strong"))
		}

		// A summer date shows +02:00 and is stored two hours earlier in UTC.
		p = c.postMultipart(strings.Split(p.header.Get("Location"), "?")[0], with([2]string{"publish_date",
			"2030-04-02"},
			[2]string{"publish_time", "07:00"}))
		m, _ = h.st.GetMaterial(ctx, m.ID)
		if want := time.Date(2030, 4, 2, 5, 0, 0, 0, time.UTC); p.status != http.StatusSeeOther ||
			!m.ScheduledAt.Equal(want) {
			t.Errorf("rescheduled: %d at %v, want %v", p.status, m.ScheduledAt, want)
		}
		if list := c.get("/redaktion"); !strings.Contains(list.text("tbody"), "2. april 2030 kl. 07:00 (+02:00)") {
			t.Errorf("list shows %q", list.text("tbody"))
		}
	})
}

func TestSchoolsManagedByAdmins(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		admin, csrf := h.login(storage.RoleAdmin)
		p := admin.post("/redaktion/skoler", url.Values{"csrf": {csrf}, "name": {"Ørestad Skole"},
			"url": {"ikke en adresse"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#url-problem") == "" ||
			p.attr("#school-name", "value") != "Ørestad Skole" {
			t.Errorf("bad address: %d %q", p.status, p.text("#url-problem"))
		}
		p = admin.post("/redaktion/skoler", url.Values{"csrf": {csrf}, "name": {"Ørestad Skole"}, "short_name": {"ØS"},
			"url": {"https://oerestad-skole.example.dk"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("add school: %d", p.status)
		}
		sc, err := h.st.SchoolBySlug(ctx, "oerestad-skole")
		if err != nil {
			t.Fatal(err)
		}
		h.publish(&material.Material{Title: "Fra Ørestad", SchoolID: sc.ID})
		if got := h.client().get("/skoler/oerestad-skole"); got.status != 200 || got.doc.Find(".card").Length() != 1 {
			t.Errorf("school page: %d", got.status)
		}
		p = admin.post("/redaktion/skoler", url.Values{"csrf": {csrf}, "id": {strconv.FormatInt(sc.ID, 10)},
			"action": {"delete"}})
		if p.status != http.StatusSeeOther || h.client().get("/skoler/oerestad-skole").status != http.StatusNotFound {
			t.Errorf("delete school: %d", p.status)
		}
		if got := h.client().get("/materialer/fra-oerestad"); got.status != 200 {
			t.Errorf("the school's material went with it: %d", got.status)
		}
	})
}

func TestStrangerCannotLockOutAUser(t *testing.T) {
	st := storagetest.Open(t, storage.SQLite)
	blobs, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proxies, _ := clientip.ParseTrusted("127.0.0.1/32")
	w, err := web.New(ctx, web.Config{Passwords: auth.TestParams(), Logger: testLogger(t), Proxies: proxies,
		LoginLimit: 3, LoginWindow: 24 * time.Hour}, st, blobs)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	defer srv.Close()
	h := &hubT{t: t, st: st, srv: srv, web: w, blobs: blobs}
	hash, _ := auth.HashPassword(auth.TestParams(), "den rigtige adgangskode")
	if err := st.CreateUser(ctx, &storage.User{Email: "ed@example.dk", Role: storage.RoleEditor,
		PasswordHash: hash, Active: true}); err != nil {
		t.Fatal(err)
	}
	try := func(from, password string) int {
		c := h.client()
		req, _ := http.NewRequest("GET", srv.URL+"/redaktion/login", nil)
		req.Header.Set("X-Forwarded-For", from)
		token := c.do(req).attr("input[name=csrf]", "value")
		form := url.Values{"csrf": {token}, "email": {"ed@example.dk"}, "password": {password}}
		req, _ = http.NewRequest("POST", srv.URL+"/redaktion/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", from)
		return c.do(req).status
	}
	for i := 0; i < 5; i++ {
		try("203.0.113.9", "gæt")
	}
	if got := try("203.0.113.9", "den rigtige adgangskode"); got != http.StatusTooManyRequests {
		t.Errorf("the guessing address is not stopped: %d", got)
	}
	if got := try("198.51.100.7", "den rigtige adgangskode"); got != http.StatusSeeOther {
		t.Errorf("the real user from another address is locked out: %d", got)
	}
}

func TestAuditLog(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		ed, csrf := h.login(storage.RoleEditor)
		fields := append([][2]string{{"csrf", csrf}, {"kind", "article"},
			{"title", "Logget artikel"}, {"summary", "Kort."}, {"audiences", "parents"}, {"language", "da"}},
			consentFields()...)
		p := ed.postMultipart("/redaktion/materialer", append(fields, [2]string{"action", "save"}))
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d", p.status)
		}
		ed.publishThrough(p.header.Get("Location"), fields)
		if p := ed.post("/redaktion/temaer", url.Values{"csrf": {csrf},
			"name": {"Nyt tema"}}); p.status != http.StatusSeeOther {
			t.Fatalf("theme: %d", p.status)
		}
		if p := ed.get("/redaktion/logbog"); p.status != http.StatusForbidden {
			t.Errorf("an editor reads the audit log: %d", p.status)
		}

		admin, _ := h.login(storage.RoleAdmin)
		log := admin.get("/redaktion/logbog")
		rows := log.doc.Find("tbody tr")
		var actions []string
		rows.Each(func(_ int, row *goquery.Selection) {
			actions = append(actions, strings.TrimSpace(row.Find("td").Eq(2).Text()))
		})
		for _, want := range []string{"material:publish", "theme:save", "login"} {
			found := false
			for _, a := range actions {
				found = found || a == want
			}
			if !found {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
		if !strings.Contains(log.text("tbody"), "Logget artikel") || !strings.Contains(log.text("tbody"), "127.0.0.1") {
			t.Errorf("audit rows lack the subject or the address: %q", log.text("tbody"))
		}
		only := admin.get("/redaktion/logbog?handling=material&bruger=editor")
		if n := only.doc.Find("tbody tr").Length(); n != 4 { // saved, sent, approved, published
			t.Errorf("filtered log has %d rows, want 4", n)
		}
		if p := admin.get("/redaktion/logbog?fra=ikke-en-dato&til=%ff&side=-3"); p.status != http.StatusOK {
			t.Errorf("bad filter values: %d", p.status)
		}
	})
}
