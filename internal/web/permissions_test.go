package web_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

func TestPermissionsTableMatchesRoutes(t *testing.T) {
	f, err := os.Open("../../docs/permissions.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| (GET|POST) \\| `([^`]+)` \\| (public|guest|member|writer|editor|admin) \\|$")
	documented := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			documented[m[1]+" "+m[2]] = m[3]
		}
	}
	h := newHub(t, storagetest.Open(t, storage.SQLite))
	for _, r := range h.web.Routes() {
		key := r.Method + " " + r.Pattern
		if got, ok := documented[key]; !ok {
			t.Errorf("route %s is missing from docs/permissions.md", key)
		} else if got != r.Access.String() {
			t.Errorf("route %s: docs say %s, the router says %s", key, got, r.Access)
		}
		delete(documented, key)
	}
	for key := range documented {
		t.Errorf("docs/permissions.md lists %s, which the router does not have", key)
	}
}

// fill replaces a pattern's wildcards with values that exist.
func fill(pattern string, values map[string]string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	return regexp.MustCompile(`\{([a-z]+)\}`).ReplaceAllStringFunc(p, func(w string) string {
		return values[strings.Trim(w, "{}")]
	})
}

func TestEveryRouteEnforcesItsAccess(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		a := storage.School{Slug: "a-skolen", Name: "A-skolen"}
		b := storage.School{Slug: "b-skolen", Name: "B-skolen"}
		for _, sc := range []*storage.School{&a, &b} {
			if err := h.st.CreateSchool(ctx, sc); err != nil {
				t.Fatal(err)
			}
		}
		m := h.publish(&material.Material{Title: "Et materiale", SchoolID: a.ID})
		values := map[string]string{"slug": m.Slug, "id": strconv.FormatInt(m.ID, 10),
			"key": "0123456789abcdef.png", "name": "site.css", "cid": "1"}
		editor, csrfEd := h.login(storage.RoleEditor)
		admin, csrfAd := h.login(storage.RoleAdmin)
		reviewer, csrfRe := h.login(storage.RoleReviewer)
		other, csrfOther := h.loginContributor(b.ID)
		anon := h.client()

		// The table is the router's own: every entry is what the router
		// serves its requests with, so no route escapes the checks below.
		for _, r := range h.web.Routes() {
			path := fill(r.Pattern, values)
			req := httptest.NewRequest(r.Method, path, nil)
			if got := h.web.RouteOf(req); got != r.Method+" "+r.Pattern {
				t.Errorf("%s %s is served by %q, not by its entry %s", r.Method, path, got, r.Pattern)
			}
			if r.Pattern == "/redaktion/logout" || r.Pattern == "/redaktion/profil/log-ud-overalt" {
				// Allowed, they would end the sessions the loop uses
				// (TestLogin, TestLogoutEverywhere cover that); refused
				// without a session.
				if p := anon.post(path, url.Values{}); p.status != http.StatusForbidden {
					t.Errorf("POST %s anonymous: %d, want 403", path, p.status)
				}
				continue
			}
			check := func(who string, c *client, csrf string, allowed bool) {
				var p page
				switch {
				case r.Method == "GET":
					p = c.get(path)
				case r.Multipart:
					p = c.postMultipart(path, [][2]string{{"csrf", csrf}})
				default:
					p = c.post(path, url.Values{"csrf": {csrf}})
				}
				denied := p.status == http.StatusForbidden ||
					p.status == http.StatusSeeOther && strings.HasPrefix(p.header.Get("Location"), "/redaktion/login")
				// Guests' forms carry their own token (TestLogin, TestFirstAdminSetup).
				guestForm := r.Access == web.Guest && r.Method == "POST"
				if allowed == denied && !guestForm {
					t.Errorf("%s %s as %s: status %d (location %q), allowed %v", r.Method, path, who, p.status,
						p.header.Get("Location"), allowed)
				}
				if p.status >= 500 {
					t.Errorf("%s %s as %s: status %d", r.Method, path, who, p.status)
				}
			}
			check("anonymous", anon, "", r.Access <= web.Guest)
			check("reviewer", reviewer, csrfRe, r.Access <= web.Member)
			// The material belongs to A-skolen: a contributor of B-skolen
			// reaches writer routes, but never this material.
			onMaterial := strings.Contains(r.Pattern, "{id}")
			check("contributor of another school", other, csrfOther, r.Access <= web.Writer && !onMaterial)
			check("editor", editor, csrfEd, r.Access <= web.Editor)
			check("admin", admin, csrfAd, true)
		}

		// A multipart form to a plain form's route is refused, so it
		// cannot slip past the CSRF check.
		if p := editor.postMultipart("/redaktion/logout", [][2]string{{"x", "y"}}); p.status != http.StatusBadRequest {
			t.Errorf("multipart logout without a token: %d", p.status)
		}
		if p := editor.get("/redaktion"); p.status != http.StatusOK {
			t.Errorf("the editor was logged out by a forged form: %d", p.status)
		}
	})
}
