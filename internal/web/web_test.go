package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

var ctx = context.Background()

// hubT is a running web server on a real store and media folder.
type hubT struct {
	t     testing.TB
	st    *storage.Store
	srv   *httptest.Server
	web   *web.Server
	blobs media.Blobs
}

func newHub(t *testing.T, st *storage.Store) *hubT {
	t.Helper()
	limits := media.DefaultLimits()
	limits.MaxBytes[media.Image] = 2 << 20
	// A day's window: fixed windows end on the clock, and a test should not
	// straddle the end of one.
	return newHubWith(t, st, web.Config{Uploads: limits, LoginLimit: 5, LoginWindow: 24 * time.Hour})
}

// newHubWith serves a hub of cfg over a real connection until the test
// ends, with fast password hashing and the test's log unless cfg says
// otherwise, and its media in a folder of the test's.
func newHubWith(t testing.TB, st *storage.Store, cfg web.Config) *hubT {
	t.Helper()
	blobs, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return newHubOn(t, st, cfg, blobs)
}

// newHubOn is newHubWith on a media store of the test's.
func newHubOn(t testing.TB, st *storage.Store, cfg web.Config, blobs media.Blobs) *hubT {
	t.Helper()
	if cfg.Passwords == (auth.Params{}) {
		cfg.Passwords = auth.TestParams()
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	w, err := web.New(ctx, cfg, st, blobs)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return &hubT{t: t, st: st, srv: srv, web: w, blobs: blobs}
}

// testLogger sends the hub's log to the test's log, shown when it fails.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// eachHub runs fn on every backend with a fresh hub.
func eachHub(t *testing.T, fn func(t *testing.T, h *hubT)) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) { fn(t, newHub(t, st)) })
}

// client is a browser with its own cookies that does not follow redirects.
type client struct {
	h    *hubT
	http *http.Client
}

func (h *hubT) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

func (p page) text(sel string) string { return strings.TrimSpace(p.doc.Find(sel).First().Text()) }
func (p page) attr(sel, name string) string {
	v, _ := p.doc.Find(sel).First().Attr(name)
	return v
}

func (c *client) do(req *http.Request) page {
	c.h.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.h.t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(b))
	return page{status: res.StatusCode, header: res.Header, body: string(b), doc: doc}
}

func (c *client) get(path string) page {
	c.h.t.Helper()
	req, _ := http.NewRequest("GET", c.h.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) page {
	c.h.t.Helper()
	req, _ := http.NewRequest("POST", c.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// file is an upload in a multipart form.
type file struct {
	field, name string
	data        []byte
}

// postMultipart sends fields in order (csrf first, as a browser sends the
// form) followed by files.
func (c *client) postMultipart(path string, fields [][2]string, files ...file) page {
	c.h.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		_ = mw.WriteField(f[0], f[1])
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		_, _ = w.Write(f.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.h.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// loginContributor logs in a new contributor of the given schools.
func (h *hubT) loginContributor(schools ...int64) (*client, string) {
	h.t.Helper()
	return h.loginWith(storage.RoleContributor, schools)
}

// login creates a user with a password and returns a logged-in client and
// its CSRF token.
func (h *hubT) login(role storage.Role) (*client, string) {
	h.t.Helper()
	return h.loginWith(role, nil)
}

func (h *hubT) loginWith(role storage.Role, schools []int64) (*client, string) {
	h.t.Helper()
	email := fmt.Sprintf("%s%d@example.dk", role, time.Now().UnixNano())
	hash, err := auth.HashPassword(auth.TestParams(), "en god lang adgangskode")
	if err != nil {
		h.t.Fatal(err)
	}
	u := &storage.User{Email: email, Role: role, PasswordHash: hash, Active: true}
	if err := h.st.CreateUser(ctx, u); err != nil {
		h.t.Fatal(err)
	}
	if err := h.st.SetUserSchools(ctx, u.ID, schools); err != nil {
		h.t.Fatal(err)
	}
	c := h.client()
	form := c.get("/redaktion/login")
	res := c.post("/redaktion/login", url.Values{"csrf": {form.attr("input[name=csrf]", "value")},
		"email": {email}, "password": {"en god lang adgangskode"}, "next": {"/redaktion"}})
	if res.status != http.StatusSeeOther {
		h.t.Fatalf("login: status %d", res.status)
	}
	ws := c.get("/redaktion")
	token := ws.attr("input[name=csrf]", "value")
	if ws.status != http.StatusOK || token == "" {
		h.t.Fatalf("workspace after login: status %d, csrf %q", ws.status, token)
	}
	return c, token
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, 0, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// publish stores a published article directly.
func (h *hubT) publish(m *material.Material) *material.Material {
	h.t.Helper()
	if m.Kind == "" {
		m.Kind = material.Article
	}
	if m.Summary == "" {
		m.Summary = "Et kort resumé."
	}
	if len(m.Audiences) == 0 {
		m.Audiences = []material.Audience{material.Parents}
	}
	m.Language, m.Status = "da", material.Published
	material.OwnWork(m)
	if err := h.st.CreateMaterial(ctx, m); err != nil {
		h.t.Fatal(err)
	}
	return m
}

// version reads the version token of a material's edit form, as a
// browser sends it back.
func (c *client) version(editPath string) string {
	c.h.t.Helper()
	p := c.get(strings.Split(editPath, "?")[0])
	v := p.attr("input[name=version]", "value")
	if v == "" {
		c.h.t.Fatalf("no version in the form at %s (status %d)", editPath, p.status)
	}
	return v
}

// move posts the material form with fields and the action, as sent from
// the form as it is now.
func (c *client) move(editPath string, fields [][2]string, action string) page {
	c.h.t.Helper()
	path := strings.Split(editPath, "?")[0]
	all := append(slices.Clone(fields), [2]string{"version", c.version(path)}, [2]string{"action", action})
	return c.postMultipart(path, all)
}

// consentFields answer the consent questions for a material without
// children or names; licences gives each file id a licence.
func consentFields(fileIDs ...string) [][2]string {
	out := [][2]string{{"consent_form", "1"}, {"consent_rights", "on"}, {"consent_children", "none"},
		{"consent_names", "none"}}
	for _, id := range fileIDs {
		out = append(out, [2]string{"licence_" + id, "own"})
	}
	return out
}

// publishThrough takes a material from draft to published through the
// form: sent for review, approved and published, checking each step.
func (c *client) publishThrough(editPath string, fields [][2]string) page {
	c.h.t.Helper()
	var p page
	for _, step := range []struct{ action, message string }{
		{"submit", "sendt"}, {"approve", "godkendt"}, {"publish", "udgivet"}} {
		p = c.move(editPath, fields, step.action)
		if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "besked="+step.message) {
			c.h.t.Fatalf("%s: %d %q %s", step.action, p.status, p.header.Get("Location"), p.text(".problem"))
		}
	}
	return p
}
