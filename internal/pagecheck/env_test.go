package pagecheck

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/chromedp/chromedp"
)

// repoRoot is the repository's top folder.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// toolPath returns a file of the npm packages in tools/browser, failing
// the test with the command that installs them when it is missing.
func toolPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(repoRoot(), "tools", "browser", "node_modules", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: run scripts/setup (npm ci in tools/browser)", p)
	}
	return p
}

// artifactDir is where screenshots go: $BINDELED_ARTIFACTS or
// test-artifacts/ at the top of the repository.
func artifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("BINDELED_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(repoRoot(), "test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// env is a hub with its starter collection served on loopback, and an
// editor's session.
type env struct {
	hub     *hub.Hub
	srv     *httptest.Server
	session *http.Cookie
	editor  *http.Client
	reader  *http.Client
	token   string // a valid first-admin setup token
	invite  string // a valid invitation token
	reset   string // a valid password link token (the admin's)
	// social are workspace pages with every state of the social
	// channels: a material's posts and a connection's choice.
	social []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	h, err := hub.Open(ctx, hub.Config{DataDir: t.TempDir(), Starter: true, Passwords: auth.TestParams(),
		Logger: storagetest.Logger(), Social: loopbackPlatforms(t), SecretKey: secretKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	// The starter images' renditions are made first, so every check sees
	// the pictures as readers do.
	h.Jobs.RunDue(ctx)
	srv := httptest.NewServer(h.Web)
	t.Cleanup(srv.Close)
	e := &env{hub: h, srv: srv, reader: &http.Client{Timeout: 20 * time.Second}}

	link, err := h.FirstAdminLink(ctx, srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(link)
	e.token = u.Query().Get("token")

	hash, err := auth.HashPassword(auth.TestParams(), "en lang nok adgangskode")
	if err != nil {
		t.Fatal(err)
	}
	admin := &storage.User{Email: "redaktor@example.dk", Name: "Redaktør", Role: storage.RoleAdmin,
		PasswordHash: hash, Active: true}
	if err := h.Store.CreateUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	seedWorkflow(t, h, admin.ID)
	e.seedAccounts(t, admin)
	e.login(t)
	e.seedSocial(t, admin)
	return e
}

// seedWorkflow puts the workflow's pages in every state the checks should
// see: a material in review with an open round, a verdict form, comments
// and two revisions; a planned one for the calendar; a published one
// with a pending edit; and an imported one on the list of materials to fix.
func seedWorkflow(t *testing.T, h *hub.Hub, adminID int64) {
	t.Helper()
	ctx := context.Background()
	m := &material.Material{Kind: material.Article, Title: "Udkast til følgegruppen", Summary: "Et udkast.",
		Body:      "## Om udkastet\n\nFørste afsnit med en lang sætning om forældresamarbejde på tværs af skolerne.",
		Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Draft}
	material.OwnWork(m)
	if err := h.Store.SaveMaterial(ctx, m, storage.Save{UserID: adminID}); err != nil {
		t.Fatal(err)
	}
	m.Body += "\n\nEt nyt afsnit."
	m.Status = material.InReview
	if err := h.Store.SaveMaterial(ctx, m, storage.Save{UserID: adminID, From: material.Draft}); err != nil {
		t.Fatal(err)
	}
	round := &storage.Round{MaterialID: m.ID, Deadline: time.Now().AddDate(0, 0, 10), Revision: 2, CreatedBy: adminID}
	if err := h.Store.StartRound(ctx, round, []int64{adminID}); err != nil {
		t.Fatal(err)
	}
	c := &storage.Comment{MaterialID: m.ID, RoundID: round.ID, UserID: adminID, Paragraph: 2,
		Body: "Kan det siges kortere?"}
	if err := h.Store.AddComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.AddComment(ctx, &storage.Comment{MaterialID: m.ID, ParentID: c.ID, UserID: adminID,
		Body: "Ja, det ser jeg på."}); err != nil {
		t.Fatal(err)
	}
	planned := &material.Material{Kind: material.Article, Title: "Planlagt nyhedsbrev", Summary: "Kort.",
		Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Approved}
	material.OwnWork(planned)
	if err := h.Store.CreateMaterial(ctx, planned); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.ScheduleMaterial(ctx, planned, time.Now().Add(48*time.Hour), storage.Save{UserID: adminID,
		From: material.Approved}); err != nil {
		t.Fatal(err)
	}
	// Imported material public without the consent answers, for the list
	// of materials to fix.
	imported := &material.Material{Kind: material.Article, Title: "Importeret om lektier",
		Summary: "Fra den gamle side.", Body: "## Lektier\n\nEt afsnit om lektier.",
		Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Published}
	if err := h.Store.CreateMaterial(ctx, imported); err != nil {
		t.Fatal(err)
	}
	live, _, err := h.Store.SearchMaterials(ctx, "skærm", 1, 0)
	if err != nil || len(live) == 0 {
		t.Fatalf("no published starter material to edit: %v", err)
	}
	// Visits through shared links, for the share kit's and the overview's
	// tables.
	today := time.Now().Format(time.DateOnly)
	for _, c := range []string{"aula", "aula", "qr", "plakat"} {
		if err := h.Store.CountVisit(ctx, live[0].ID, c, today); err != nil {
			t.Fatal(err)
		}
	}
	edit := live[0].Clone()
	edit.Summary += " Opdateret."
	if err := h.Store.SavePending(ctx, edit, material.Draft, adminID, time.Time{}); err != nil {
		t.Fatal(err)
	}
}

// seedAccounts gives the admin's inbox something to show and makes an
// invited user and a password link, so their pages are checked too.
func (e *env) seedAccounts(t *testing.T, admin *storage.User) {
	t.Helper()
	ctx := context.Background()
	invited := &storage.User{Email: "ny@example.dk", Role: storage.RoleReviewer}
	e.invite = auth.NewToken()
	if err := e.hub.Store.InviteUser(ctx, invited, nil, &storage.UserToken{TokenHash: auth.HashToken(e.invite),
		Purpose: storage.TokenInvite, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	e.reset = auth.NewToken()
	if err := e.hub.Store.CreateUserToken(ctx, &storage.UserToken{TokenHash: auth.HashToken(e.reset), UserID: admin.ID,
		Purpose: storage.TokenReset, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	list, _, err := e.hub.Store.SearchMaterials(ctx, "", 1, 0)
	if err != nil || len(list) == 0 {
		t.Fatalf("no material to notify about: %v", err)
	}
	for _, kind := range []notify.Kind{notify.KindSubmitted, notify.KindComment} {
		if err := e.hub.Notifier.Notify(ctx, notify.Event{Kind: kind, MaterialID: list[0].ID,
			MaterialTitle: list[0].Title, ActorID: invited.ID, Recipients: []int64{admin.ID},
			Message: "Kan vi tilføje et afsnit om madpakker?\n\nTak."}); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) login(t *testing.T) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	e.editor = &http.Client{Jar: jar, Timeout: 20 * time.Second}
	doc, _ := fetch(t, e.editor, e.srv.URL+"/redaktion/login")
	csrf, _ := doc.Find("input[name=csrf]").Attr("value")
	res, err := e.editor.PostForm(e.srv.URL+"/redaktion/login", url.Values{"csrf": {csrf},
		"email": {"redaktor@example.dk"}, "password": {"en lang nok adgangskode"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	base, _ := url.Parse(e.srv.URL)
	for _, c := range jar.Cookies(base) {
		if c.Name == "bindeled_session" {
			e.session = c
		}
	}
	if e.session == nil {
		t.Fatal("no session after login")
	}
}

// newBrowser starts Debian's Chromium headless, as the project's browser
// checks run it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run scripts/setup")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.UserDataDir(profileDir(t)),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	// This Chromium speaks a newer protocol than the Go bindings know; the
	// events it cannot decode are network details the checks do not use.
	quiet := func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			t.Logf("chromium: %s", msg)
		}
	}
	bctx, cancel2 := chromedp.NewContext(actx, chromedp.WithErrorf(quiet))
	t.Cleanup(func() {
		_ = chromedp.Cancel(bctx) // closes the browser and waits for it; errors mean it is gone already
		cancel2()
	})
	if err := chromedp.Run(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// profileDir makes the browser's profile folder and removes it after the
// test. Chromium's helper processes can still be writing to it for a
// moment after the browser exits, so removal is retried briefly.
func profileDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "bindeled-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 50; i++ {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("remove the browser profile: %v", err)
	})
	return dir
}

// screenshotName turns a URL path into a file name.
func screenshotName(path string, width int) string {
	name := strings.Trim(strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "-").Replace(path), "_")
	if name == "" {
		name = "forside"
	}
	if len(name) > 80 {
		name = name[:80]
	}
	return fmt.Sprintf("%s-%d.jpg", name, width)
}
