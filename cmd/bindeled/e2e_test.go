package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// buildBinary compiles the real command once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bindeled")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// running is the binary serving on a free loopback port.
type running struct {
	cmd    *exec.Cmd
	base   string
	link   string
	stderr *bytes.Buffer
	log    *syncBuffer // the log, when started by startInstance
	done   chan error
}

func startHub(t *testing.T, bin string, args ...string) *running {
	t.Helper()
	return startCmd(t, exec.Command(bin, serveArgs(args...)...))
}

// serveArgs are the arguments of a quick test hub on a free loopback port.
func serveArgs(args ...string) []string {
	return append([]string{"serve", "--addr", "127.0.0.1:0", "--password-memory", "64",
		"--password-iterations", "1", "--shutdown-grace", "5s"}, args...)
}

// startCmd starts cmd, a new hub, and waits for its setup link.
func startCmd(t *testing.T, cmd *exec.Cmd) *running {
	t.Helper()
	cmd.Env = append(os.Environ(), "BINDELED_STARTER=true")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &running{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // already ended in the normal case
	})

	linkRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+/redaktion/opsaetning\?token=\S+`)
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(60 * time.Second)
	for r.link == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the hub stopped before printing the setup link; log:\n%s", r.stderr)
			}
			r.link = linkRE.FindString(line)
		case <-timeout:
			t.Fatalf("no setup link within 60 s; log:\n%s", r.stderr)
		}
	}
	go func() {
		for range lines { // drain
		}
	}()
	u, _ := url.Parse(r.link)
	r.base = "http://" + u.Host
	return r
}

func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func getDoc(t *testing.T, c *http.Client, u string) (*goquery.Document, int) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc, res.StatusCode
}

func TestBinaryEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			args := []string{"--data", t.TempDir()}
			if b == storage.Postgres {
				args = append(args, "--database", storagetest.DSN(t, b))
			}
			endToEnd(t, bin, args)
		})
	}
}

func endToEnd(t *testing.T, bin string, args []string) {
	h := startHub(t, bin, args...)
	c := newBrowser()

	// The starter collection is there.
	doc, status := getDoc(t, c, h.base+"/materialer")
	if status != 200 {
		t.Fatalf("listing: %d", status)
	}
	if n := doc.Find(".card").Length(); n < 12 {
		t.Errorf("listing shows %d starter materials, want at least 12", n)
	}

	// The one-time link creates the first admin and logs them in.
	createAdmin(t, c, h)

	// Log out, then log in again with the password.
	doc, _ = getDoc(t, c, h.base+"/redaktion")
	csrf, _ := doc.Find("input[name=csrf]").Attr("value")
	res, err := c.PostForm(h.base+"/redaktion/logout", url.Values{"csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	doc, _ = getDoc(t, c, h.base+"/redaktion/login")
	csrf, _ = doc.Find("input[name=csrf]").Attr("value")
	res, err = c.PostForm(h.base+"/redaktion/login", url.Values{"csrf": {csrf}, "email": {"admin@example.dk"},
		"password": {"en meget hemmelig sætning"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/redaktion" {
		t.Fatalf("login ended at %s", res.Request.URL.Path)
	}

	// A new article goes through the editor's form: sent for review,
	// approved by the editor, published.
	doc, _ = getDoc(t, c, h.base+"/redaktion/materialer/ny?type=article")
	csrf, _ = doc.Find("input[name=csrf]").Attr("value")
	fields := [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Madpakker på tur"},
		{"summary", "Gode råd til madpakken, når klassen skal på tur."}, {"body", "## Det skal med\n\nVand og frugt."},
		{"audiences", "parents"}, {"grades", "0-3"}, {"language", "da"}, {"consent_form", "1"},
		{"consent_rights", "on"}, {"consent_children", "none"}, {"consent_names", "none"}}
	at := postFields(t, c, h.base+"/redaktion/materialer", append(fields, [2]string{"action", "submit"}))
	if at.Query().Get("besked") != "sendt" {
		t.Fatalf("submit ended at %s", at)
	}
	for _, step := range []struct{ action, message string }{{"approve", "godkendt"}, {"publish", "udgivet"}} {
		edit := h.base + at.Path
		doc, _ = getDoc(t, c, edit)
		version, _ := doc.Find("input[name=version]").Attr("value")
		at = postFields(t, c, edit, append(fields, [2]string{"version", version}, [2]string{"action", step.action}))
		if at.Query().Get("besked") != step.message {
			t.Fatalf("%s ended at %s", step.action, at)
		}
	}

	// A reader finds it on the public site.
	reader := newBrowser()
	doc, _ = getDoc(t, reader, h.base+"/materialer?maalgruppe=foraeldre&klassetrin=0-3")
	link := doc.Find("a[href='/materialer/madpakker-paa-tur']")
	if link.Length() != 1 {
		t.Fatal("the new material is not in the filtered listing")
	}
	doc, status = getDoc(t, reader, h.base+"/materialer/madpakker-paa-tur")
	if status != 200 || strings.TrimSpace(doc.Find("h1").Text()) != "Madpakker på tur" {
		t.Errorf("material page: %d %q", status, doc.Find("h1").Text())
	}

	// SIGTERM ends the server cleanly.
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; log:\n%s", err, h.stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop within 15 s of SIGTERM")
	}
	logText := h.stderr.String()
	if strings.Contains(logText, tokenOf(h.link)) || strings.Contains(logText, "hemmelig") {
		t.Error("a token or password reached the log")
	}
	if !strings.Contains(logText, "msg=request") {
		t.Error("no request log lines")
	}
}

// createAdmin follows the hub's one-time link, creates the first admin and
// leaves c logged in as them.
func createAdmin(t *testing.T, c *http.Client, h *running) {
	t.Helper()
	doc, status := getDoc(t, c, h.link)
	if status != 200 {
		t.Fatalf("setup page: %d", status)
	}
	csrf, _ := doc.Find("input[name=csrf]").Attr("value")
	res, err := c.PostForm(h.base+"/redaktion/opsaetning", url.Values{"csrf": {csrf},
		"token": {tokenOf(h.link)}, "name": {"Admin"}, "email": {"admin@example.dk"},
		"password": {"en meget hemmelig sætning"}, "password2": {"en meget hemmelig sætning"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/redaktion" || res.StatusCode != 200 {
		t.Fatalf("after setup: %d at %s", res.StatusCode, res.Request.URL.Path)
	}
}

// postFields posts a multipart form and returns where it ended.
func postFields(t *testing.T, c *http.Client, target string, fields [][2]string) *url.URL {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range fields {
		_ = mw.WriteField(kv[0], kv[1])
	}
	_ = mw.Close()
	res, err := c.Post(target, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.Request.URL
}

func tokenOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Query().Get("token")
}

func TestUserAddCommand(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	add := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"user", "add", "--data", data, "--password-memory", "64",
			"--password-iterations", "1"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := add("en rigtig god adgangskode\n", "--email", "ed@example.dk", "--role", "editor"); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"en rigtig god adgangskode\n", []string{"--email", "ED@example.dk", "--role", "editor"}, "already exists"},
		{"kort\n", []string{"--email", "b@example.dk"}, "password refused"},
		{"en rigtig god adgangskode\n", []string{"--email", "c@example.dk", "--role", "king"}, "--role"},
		{"en rigtig god adgangskode\n", []string{"--email", "ikke en adresse"}, "--email"},
		{"en rigtig god adgangskode\n", []string{"--email", "d@example.dk", "--role", "contributor"}, "--school"},
		{"en rigtig god adgangskode\n", []string{"--email", "d@example.dk", "--role", "contributor",
			"--school", "nope"}, "no such school"},
	} {
		out, err := add(tt.stdin, tt.args...)
		if err == nil || !strings.Contains(out, tt.want) {
			t.Errorf("user add %v: err %v, output %q, want %q", tt.args, err, out, tt.want)
		}
	}

	// A contributor is tied to the schools named by --school.
	st, err := storage.Open(context.Background(), filepath.Join(data, "bindeled.db"))
	if err != nil {
		t.Fatal(err)
	}
	school := &storage.School{Slug: "aaskolen", Name: "Åskolen"}
	if err := st.CreateSchool(context.Background(), school); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out, err := add("en rigtig god adgangskode\n", "--email", "bidrag@example.dk", "--role", "contributor",
		"--school", "aaskolen"); err != nil {
		t.Fatalf("user add contributor: %v\n%s", err, out)
	}
	st, err = storage.Open(context.Background(), filepath.Join(data, "bindeled.db"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByEmail(context.Background(), "bidrag@example.dk")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.UserSchoolIDs(context.Background(), u.ID)
	st.Close()
	if err != nil || len(ids) != 1 || ids[0] != school.ID || u.Role != storage.RoleContributor {
		t.Errorf("contributor: role %q schools %v (%v), want contributor of school %d", u.Role, ids, err, school.ID)
	}

	// The new editor can log in on the running hub.
	h := startHubWithUsers(t, bin, data)
	c := newBrowser()
	doc, _ := getDoc(t, c, h+"/redaktion/login")
	csrf, _ := doc.Find("input[name=csrf]").Attr("value")
	res, err := c.PostForm(h+"/redaktion/login", url.Values{"csrf": {csrf}, "email": {"ed@example.dk"},
		"password": {"en rigtig god adgangskode"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/redaktion" {
		t.Errorf("editor login ended at %s", res.Request.URL.Path)
	}
}

// startHubWithUsers starts a hub that has users, so it prints no link; it
// waits for /healthz instead.
func startHubWithUsers(t *testing.T, bin, data string) string {
	return startHubWithUsersDSN(t, bin, data, "")
}

func startHubWithUsersDSN(t *testing.T, bin, data, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--starter=false",
		"--password-memory", "64", "--password-iterations", "1", "--database", dsn)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	addrRE := regexp.MustCompile(`msg=listening addr=(127\.0\.0\.1:\d+)`)
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			base := "http://" + m[1]
			if res, err := http.Get(base + "/healthz"); err != nil || res.StatusCode != 200 {
				t.Fatalf("healthz: %v", err)
			}
			return base
		}
	}
	t.Fatal("the hub did not say where it listens")
	return ""
}

func TestCopyDBCommand(t *testing.T) {
	backends := storagetest.Backends(t)
	if len(backends) < 2 {
		t.Log("SKIPPED copy to PostgreSQL: no server (see storagetest)")
		return
	}
	bin := buildBinary(t)
	data := t.TempDir()

	// A hub on SQLite with its starter collection.
	h := startHub(t, bin, "--data", data)
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-h.done
	// The search index can be built again by hand.
	if out, err := exec.Command(bin, "reindex", "--data", data).CombinedOutput(); err != nil ||
		!regexp.MustCompile(`^Indexed 1[0-9] materials in `).Match(out) {
		t.Errorf("reindex: %v\n%s", err, out)
	}

	pg := storagetest.DSN(t, storage.Postgres)
	out, err := exec.Command(bin, "copy-db", "--from", filepath.Join(data, "bindeled.db"), "--to", pg).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Copied from sqlite to postgres") {
		t.Fatalf("copy-db: %v\n%s", err, out)
	}
	// A source that does not exist is an error, not an empty copy.
	run := func(args ...string) ([]byte, error) { return exec.Command(bin, args...).CombinedOutput() }
	if out, err := run("copy-db", "--from", filepath.Join(data, "nope.db"), "--to", pg); err == nil ||
		!strings.Contains(string(out), "no such database file") {
		t.Errorf("copy from a missing file: %v\n%s", err, out)
	}
	if out, err := run("serve", "--database", "mysql://x/y", "--data", t.TempDir()); err == nil ||
		!strings.Contains(string(out), "only postgres://") {
		t.Errorf("serve with a MySQL URL: %v\n%s", err, out)
	}
	// Copying again refuses: the target is not empty.
	if out, err := run("copy-db", "--from", filepath.Join(data, "bindeled.db"), "--to", pg); err == nil ||
		!strings.Contains(string(out), "not empty") {
		t.Errorf("second copy: %v\n%s", err, out)
	}

	// The same data folder on PostgreSQL serves the same hub, media included.
	base := startHubWithUsersDSN(t, bin, data, pg)
	c := newBrowser()
	doc, status := getDoc(t, c, base+"/materialer/fire-gode-vaner-i-samarbejdet-mellem-skole-og-hjem")
	if status != 200 {
		t.Fatalf("film page on PostgreSQL: %d", status)
	}
	src, _ := doc.Find("video source").Attr("src")
	res, err := c.Get(base + src)
	if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("film file after copy: %v %v", err, res)
	}
	if res != nil {
		res.Body.Close()
	}
}
