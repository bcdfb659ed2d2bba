package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/media/s3test"
	"github.com/bindeled/bindeled/internal/social/socialtest"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestTwoInstances runs two real hubs on loopback against one PostgreSQL
// database and one S3 server in this process, as behind a load balancer:
// a login on one is valid on the other, a material published on one is
// served by the other within a second, a file uploaded through one is
// served by the other with ranges, and a planned publication and its
// posts happen once.
func TestTwoInstances(t *testing.T) {
	if !hasPostgres(t) {
		t.Log("SKIPPED two instances: no PostgreSQL server (see storagetest)")
		return
	}
	bin := buildBinary(t)
	dsn := storagetest.DSN(t, storage.Postgres)
	s3cfg := s3test.Config{Bucket: "bindeled-media", Region: "eu-north-1", AccessKey: "AKIDTWOINSTANCES",
		SecretKey: "to-instanser/én-nøgle"}
	s3 := s3test.New(s3cfg)
	s3srv := httptest.NewServer(s3)
	t.Cleanup(s3srv.Close)
	t.Setenv(envS3AccessKey, s3cfg.AccessKey)
	t.Setenv(envS3SecretKey, s3cfg.SecretKey)
	fb := socialtest.NewFacebook(t)
	li := socialtest.NewLinkedIn(t)

	s3Flags := []string{"--media-s3-endpoint", strings.TrimPrefix(s3srv.URL, "http://"),
		"--media-s3-bucket", s3cfg.Bucket, "--media-s3-prefix", "media/", "--media-s3-region", s3cfg.Region,
		"--media-s3-path-style", "--media-s3-insecure"}
	common := append([]string{"--database", dsn, "--job-interval", "200ms",
		"--secret-key", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)),
		"--facebook-graph-url", fb.URL(), "--facebook-dialog-url", fb.URL(),
		"--linkedin-api-url", li.URL(), "--linkedin-oauth-url", li.URL() + "/oauth"}, s3Flags...)
	dataA, dataB := t.TempDir(), t.TempDir()
	a := startInstance(t, bin, append([]string{"--data", dataA}, common...)...)
	b := startInstance(t, bin, append([]string{"--data", dataB}, common...)...)
	if s3.Keys() == 0 {
		t.Fatal("the starter media are not in the S3 server")
	}

	// Each start makes a new setup link; the newest, printed by b, sets up
	// the admin on a.
	if b.link == "" {
		t.Fatal("the second instance printed no setup link")
	}
	c := newBrowser()
	setupAdmin(t, c, &running{base: a.base, link: strings.Replace(b.link, b.base, a.base, 1)})
	loginIsShared(t, c, a, b)
	addChannels(t, c, b, fb, li)

	planned, at := planPublication(t, c, a, b)
	cover := publishedOnOneServedByOther(t, c, a, b, s3, dataA, dataB)
	plannedOnce(t, a, b, planned, at, fb, li)

	// An export of the hub reads its media from the bucket.
	dir := filepath.Join(t.TempDir(), "eksport")
	args := append([]string{"export", "--format", "json", "--data", t.TempDir(), "--database", dsn}, s3Flags...)
	if out, err := exec.Command(bin, append(args, dir)...).CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	stored, _ := s3.Object("media/" + cover)
	if got, err := os.ReadFile(filepath.Join(dir, "media", cover)); err != nil || !bytes.Equal(got, stored) {
		t.Errorf("the exported cover %s: %d bytes, %v", cover, len(got), err)
	}

	if _, refused, _ := s3.Stats(); refused != 0 {
		t.Errorf("the S3 server refused %d requests of the hubs", refused)
	}
	for _, h := range []*running{a, b} {
		if strings.Contains(h.log.String(), s3cfg.SecretKey) {
			t.Error("the S3 secret reached the log")
		}
	}
}

// hasPostgres reports whether the tests have a PostgreSQL server.
func hasPostgres(t *testing.T) bool {
	for _, b := range storagetest.Backends(t) {
		if b == storage.Postgres {
			return true
		}
	}
	return false
}

// syncBuffer is a log that the test reads while the hub writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// instance is a hub started by startInstance.
type instance = running

// startInstance starts the binary and waits until it listens; the setup
// link, when one is printed, is kept.
func startInstance(t *testing.T, bin string, args ...string) *instance {
	t.Helper()
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--password-memory", "64",
		"--password-iterations", "1", "--shutdown-grace", "2s"}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	log := &syncBuffer{}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &running{cmd: cmd, done: make(chan error, 1)}
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-r.done })

	addrRE := regexp.MustCompile(`msg=listening addr=(127\.0\.0\.1:\d+)`)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text())
			if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		r.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		r.base = "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatalf("the hub did not listen within 60 s; log:\n%s", log)
	}
	// The link is printed just after the address.
	linkRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+/redaktion/opsaetning\?token=\S+`)
	for i := 0; i < 50 && r.link == ""; i++ {
		r.link = linkRE.FindString(out.String())
		time.Sleep(10 * time.Millisecond)
	}
	r.stderr = &bytes.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of %s:\n%s", r.base, log)
		}
	})
	r.log = log
	return r
}

// loginIsShared: the session made on a is valid on b; a client without
// it is sent to the login page.
func loginIsShared(t *testing.T, c *http.Client, a, b *instance) {
	t.Helper()
	u, _ := url.Parse(a.base)
	if len(c.Jar.Cookies(u)) == 0 {
		t.Fatal("no session cookie after setup")
	}
	other := newBrowser()
	bu, _ := url.Parse(b.base)
	other.Jar.SetCookies(bu, c.Jar.Cookies(u))
	doc, status := getDoc(t, other, b.base+"/redaktion")
	if status != http.StatusOK || doc.Find("form[action='/redaktion/logout']").Length() == 0 {
		t.Fatalf("the session of %s on %s: %d, no logout button", a.base, b.base, status)
	}
	res, err := newBrowser().Get(b.base + "/redaktion")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/redaktion/login" {
		t.Errorf("without the cookie %s/redaktion ended at %s", b.base, res.Request.URL.Path)
	}
}

// addChannels adds a Facebook Page and a LinkedIn page through b, whose
// sealed tokens a must be able to use.
func addChannels(t *testing.T, c *http.Client, b *instance, fb *socialtest.Facebook, li *socialtest.LinkedIn) {
	t.Helper()
	for _, ch := range []url.Values{
		{"platform": {"facebook"}, "name": {"Kommunens side"}, "target": {"1122334455"},
			"token": {fb.AddPage("1122334455", "Kommunens side")}},
		{"platform": {"linkedin"}, "name": {"Kommunen"}, "target": {li.AddOrganisation("2414183", "Kommunen")},
			"token": {li.Token(0)}},
	} {
		doc, _ := getDoc(t, c, b.base+"/redaktion/kanaler")
		ch.Set("csrf", doc.Find("input[name=csrf]").First().AttrOr("value", ""))
		ch.Set("action", "add")
		res, err := c.PostForm(b.base+"/redaktion/kanaler", ch)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.Query().Get("besked") != "kanal-gemt" {
			t.Fatalf("adding %s ended at %s (%d)", ch.Get("platform"), res.Request.URL, res.StatusCode)
		}
	}
}

// articleFields are the form fields of an article that passes every
// check.
func articleFields(csrf, title string) [][2]string {
	return [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", title},
		{"summary", "Gode råd, når to servere deler arbejdet."}, {"body", "## Det skal med\n\nVand og frugt."},
		{"audiences", "parents"}, {"grades", "0-3"}, {"language", "da"}, {"consent_form", "1"},
		{"consent_rights", "on"}, {"consent_children", "none"}, {"consent_names", "none"}}
}

// createApproved saves a new article through h, with a cover if one is
// given, sends it for review and approves it; it returns its edit
// address and fields.
func createApproved(t *testing.T, c *http.Client, h *instance, title string, cover []byte) (string, [][2]string) {
	t.Helper()
	doc, _ := getDoc(t, c, h.base+"/redaktion/materialer/ny?type=article")
	fields := articleFields(doc.Find("input[name=csrf]").AttrOr("value", ""), title)
	var files map[string][]byte
	if cover != nil {
		fields = append(fields, [2]string{"cover_alt", "Et barn med en madpakke"})
		files = map[string][]byte{"cover": cover}
	}
	at := postMultipart(t, c, h.base+"/redaktion/materialer", append(fields, [2]string{"action", "save"}), files)
	if !editPath.MatchString(at.Path) {
		t.Fatalf("saving %q ended at %s", title, at)
	}
	edit := h.base + at.Path
	if cover != nil {
		// The stored cover now has an id, and needs a licence.
		doc, _ = getDoc(t, c, edit)
		id := doc.Find("input[name=cover_id]").AttrOr("value", "")
		if id == "" {
			t.Fatalf("the cover of %q was not kept", title)
		}
		fields = append(fields, [2]string{"cover_id", id}, [2]string{"licence_" + id, "own"})
	}
	move(t, c, edit, fields, "submit", "sendt")
	move(t, c, edit, fields, "approve", "godkendt")
	return edit, fields
}

// move makes a workflow move from the material's form.
func move(t *testing.T, c *http.Client, edit string, fields [][2]string, action, want string,
	extra ...[2]string) {
	t.Helper()
	doc, _ := getDoc(t, c, edit)
	version := doc.Find("input[name=version]").AttrOr("value", "")
	f := append(append(append([][2]string{}, fields...), extra...), [2]string{"version", version},
		[2]string{"action", action})
	if at := postMultipart(t, c, edit, f, nil); at.Query().Get("besked") != want {
		t.Fatalf("%s ended at %s", action, at)
	}
}

// postMultipart posts fields, then files, as the material form does, and
// returns where it ended.
func postMultipart(t *testing.T, c *http.Client, target string, fields [][2]string,
	files map[string][]byte) *url.URL {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range fields {
		_ = mw.WriteField(kv[0], kv[1]) // a bytes.Buffer takes every write
	}
	for name, data := range files {
		w, _ := mw.CreateFormFile(name, name+".jpg")
		_, _ = w.Write(data)
	}
	_ = mw.Close()
	res, err := c.Post(target, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.Request.URL
}

// planPublication plans an approved article on a for the next whole
// minute at least five seconds away, with posts on both channels planned
// through b for its publication. It returns its slug and the time.
func planPublication(t *testing.T, c *http.Client, a, b *instance) (string, time.Time) {
	t.Helper()
	edit, fields := createApproved(t, c, a, "Planlagt på to servere", nil)
	at := time.Now().Add(5 * time.Second).In(localtime.Zone).Truncate(time.Minute).Add(time.Minute)
	move(t, c, edit, fields, "schedule", "planlagt", [2]string{"publish_date", at.Format(time.DateOnly)},
		[2]string{"publish_time", at.Format("15:04")})

	path := strings.TrimPrefix(edit, a.base)
	doc, status := getDoc(t, c, b.base+path+"/kanaler")
	if status != http.StatusOK {
		t.Fatalf("posts page on %s: %d", b.base, status)
	}
	form := url.Values{"csrf": {doc.Find("input[name=csrf]").First().AttrOr("value", "")}, "action": {"plan"},
		"when": {"publish"}}
	doc.Find("input[name=channel]").Each(func(_ int, in *goquery.Selection) {
		id := in.AttrOr("value", "")
		form.Add("channel", id)
		form.Set("text_"+id, "Nu kan I læse om to servere, der deler arbejdet.")
	})
	if len(form["channel"]) != 2 {
		t.Fatalf("%d channels to post to, want 2", len(form["channel"]))
	}
	res, err := c.PostForm(b.base+path+"/kanaler", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Query().Get("besked") != "opslag-planlagt" {
		t.Fatalf("planning posts ended at %s (%d)", res.Request.URL, res.StatusCode)
	}
	return "planlagt-paa-to-servere", at
}

// publishedOnOneServedByOther publishes an article with a cover on a and
// measures how soon b serves it, its listing and its cover, whose key it
// returns.
func publishedOnOneServedByOther(t *testing.T, c *http.Client, a, b *instance, s3 *s3test.Server,
	dataA, dataB string) string {
	t.Helper()
	edit, fields := createApproved(t, c, a, "Madpakker på to servere", testJPEG(t))
	reader := newBrowser()
	const slug = "/materialer/madpakker-paa-to-servere"
	// b has the listing kept in its page cache, and the page not found.
	for range 2 {
		if doc, _ := getDoc(t, reader, b.base+"/materialer"); doc.Find("a[href='"+slug+"']").Length() != 0 {
			t.Fatal("listed before it is published")
		}
	}
	if _, status := getDoc(t, reader, b.base+slug); status != http.StatusNotFound {
		t.Fatalf("before publication %s on %s: %d", slug, b.base, status)
	}

	move(t, c, edit, fields, "publish", "udgivet")
	published := time.Now()
	waitFor(t, "the page served by the other instance", func() bool {
		_, status := getDoc(t, reader, b.base+slug)
		return status == http.StatusOK
	})
	page := time.Since(published)
	waitFor(t, "the material in the other instance's kept listing", func() bool {
		doc, _ := getDoc(t, reader, b.base+"/materialer")
		return doc.Find("a[href='"+slug+"']").Length() == 1
	})
	listed := time.Since(published)
	t.Logf("published on one instance: its page served by the other after %v, the listing after %v",
		page.Round(time.Millisecond), listed.Round(time.Millisecond))
	if page > time.Second || listed > time.Second {
		t.Errorf("the other instance took %v for the page and %v for the listing, want under 1 s", page, listed)
	}

	doc, _ := getDoc(t, reader, b.base+slug)
	src := doc.Find(".cover img, picture img").First().AttrOr("src", "")
	key := strings.TrimPrefix(src, "/media/")
	if src == "" || key == src {
		t.Fatalf("no cover image on %s: %q", slug, src)
	}
	rangesFromOther(t, a, b, s3, src, key)
	for _, dir := range []string{dataA, dataB} {
		if files, _ := filepath.Glob(filepath.Join(dir, "media", "*")); len(files) != 0 {
			t.Errorf("media files on disk in %s: %v", dir, files)
		}
	}
	return key
}

// rangesFromOther fetches the cover through a whole, and through b in
// ranges, and compares both with the object in S3.
func rangesFromOther(t *testing.T, a, b *instance, s3 *s3test.Server, src, key string) {
	t.Helper()
	whole := fetch(t, a.base+src, "", http.StatusOK)
	stored, ok := s3.Object("media/" + key)
	if !ok || !bytes.Equal(stored, whole) {
		t.Fatalf("the S3 object media/%s (%d bytes) is not what %s serves (%d bytes)", key, len(stored),
			a.base, len(whole))
	}
	_, _, before := s3.Stats()
	n := len(whole)
	for _, tt := range []struct {
		rng  string
		want []byte
	}{
		{"bytes=0-99", whole[:100]},
		{"bytes=100-", whole[100:]},
		{"bytes=-50", whole[n-50:]},
		{fmt.Sprintf("bytes=%d-%d", n/2, n/2+9), whole[n/2 : n/2+10]},
	} {
		if got := fetch(t, b.base+src, tt.rng, http.StatusPartialContent); !bytes.Equal(got, tt.want) {
			t.Errorf("%s of %s from %s: %d bytes, not the stored ones", tt.rng, src, b.base, len(got))
		}
	}
	if _, _, after := s3.Stats(); after == before {
		t.Error("the other instance asked S3 for no range")
	}
}

// fetch GETs u with a Range header when rng is set.
func fetch(t *testing.T, u, rng string, want int) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != want {
		t.Fatalf("GET %s %s: %d %v, want %d", u, rng, res.StatusCode, err, want)
	}
	return body
}

// waitFor polls ok every 10 ms until it holds, for up to 5 s; what
// names it in the failure.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("%s: still not so after 5 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// plannedOnce waits for the planned publication and checks that it and
// each post happened once, though both instances run the job runner.
func plannedOnce(t *testing.T, a, b *instance, slug string, at time.Time, fb *socialtest.Facebook,
	li *socialtest.LinkedIn) {
	t.Helper()
	reader := newBrowser()
	if _, status := getDoc(t, reader, b.base+"/materialer/"+slug); status != http.StatusNotFound {
		t.Fatalf("the planned material is public before %v: %d", at, status)
	}
	time.Sleep(time.Until(at))
	deadline := time.Now().Add(20 * time.Second)
	for len(fb.Posts()) == 0 || len(li.Posts()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("posts after the planned publication: %d on Facebook, %d on LinkedIn", len(fb.Posts()),
				len(li.Posts()))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, h := range []*instance{a, b} {
		if _, status := getDoc(t, reader, h.base+"/materialer/"+slug); status != http.StatusOK {
			t.Errorf("the planned material on %s after its time: %d", h.base, status)
		}
	}
	time.Sleep(time.Second) // several more rounds of both job runners
	if fb.Count("feed") != 1 || li.Count("posts") != 1 {
		t.Errorf("requests: %d to Facebook's feed, %d to LinkedIn's posts; want 1 each", fb.Count("feed"),
			li.Count("posts"))
	}
	// Each instance logs the jobs it ran: one publication, two posts.
	jobRE := regexp.MustCompile(`msg=job .*kind=(publish|social_post) `)
	ran := map[string]int{}
	for _, h := range []*instance{a, b} {
		for _, m := range jobRE.FindAllStringSubmatch(h.log.String(), -1) {
			ran[m[1]]++
		}
	}
	if ran["publish"] != 1 || ran["social_post"] != 2 {
		t.Errorf("jobs run on both instances: %v, want one publish and two social_post", ran)
	}
}

// testJPEG returns a small photo-like JPEG.
func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 400))
	for y := range 400 {
		for x := range 640 {
			img.Set(x, y, color.RGBA{uint8(x * 255 / 640), uint8(y * 255 / 400), uint8((x ^ y) & 255), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
