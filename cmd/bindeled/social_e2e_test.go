package main

import (
	"bytes"
	"encoding/base64"
	"image"
	_ "image/jpeg" // share images of photos
	_ "image/png"  // share images drawn as cards
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/social/socialtest"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// editPath is the address of a material's form.
var editPath = regexp.MustCompile(`^/redaktion/materialer/\d+$`)

// TestBinaryPostsToSocialChannels follows a published starter material
// from the real binary to a Facebook Page and a LinkedIn page, both
// served on loopback, with every platform address given as a flag.
func TestBinaryPostsToSocialChannels(t *testing.T) {
	bin := buildBinary(t)
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			fb := socialtest.NewFacebook(t)
			li := socialtest.NewLinkedIn(t)
			key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
			args := []string{"--data", t.TempDir(), "--job-interval", "200ms", "--secret-key", key,
				"--facebook-graph-url", fb.URL(), "--facebook-dialog-url", fb.URL(),
				"--linkedin-api-url", li.URL(), "--linkedin-oauth-url", li.URL() + "/oauth"}
			if b == storage.Postgres {
				args = append(args, "--database", storagetest.DSN(t, b))
			}
			socialEndToEnd(t, startHub(t, bin, args...), fb, li)
		})
	}
}

func socialEndToEnd(t *testing.T, h *running, fb *socialtest.Facebook, li *socialtest.LinkedIn) {
	pageToken := fb.AddPage("1122334455", "Kommunens side")
	org := li.AddOrganisation("2414183", "Kommunen")
	memberToken := li.Token(0)
	c := newBrowser()
	setupAdmin(t, c, h)

	// The admin adds both pages by pasting their tokens.
	for _, ch := range []url.Values{
		{"platform": {"facebook"}, "name": {"Kommunens side"}, "target": {"1122334455"}, "token": {pageToken}},
		{"platform": {"linkedin"}, "name": {"Kommunen"}, "target": {org}, "token": {memberToken}},
	} {
		doc, _ := getDoc(t, c, h.base+"/redaktion/kanaler")
		ch.Set("csrf", doc.Find("input[name=csrf]").First().AttrOr("value", ""))
		ch.Set("action", "add")
		res, err := c.PostForm(h.base+"/redaktion/kanaler", ch)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.Query().Get("besked") != "kanal-gemt" {
			t.Fatalf("adding %s ended at %s (%d)", ch.Get("platform"), res.Request.URL, res.StatusCode)
		}
	}

	// The editor plans posts of a published starter material with a cover.
	doc, _ := getDoc(t, c, h.base+"/redaktion?q="+url.QueryEscape("første forældremøde"))
	var edit string
	doc.Find("a[href^='/redaktion/materialer/']").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		href := a.AttrOr("href", "")
		if strings.Contains(a.Text(), "Et godt første forældremøde") && editPath.MatchString(href) {
			edit = href
			return false
		}
		return true
	})
	if edit == "" {
		t.Fatal("the starter material is not in the workspace")
	}
	doc, status := getDoc(t, c, h.base+edit+"/kanaler")
	if status != http.StatusOK {
		t.Fatalf("posts page: %d", status)
	}
	form := url.Values{"csrf": {doc.Find("input[name=csrf]").First().AttrOr("value", "")}, "action": {"plan"},
		"when": {"publish"}}
	doc.Find("input[name=channel]").Each(func(_ int, in *goquery.Selection) {
		id := in.AttrOr("value", "")
		form.Add("channel", id)
		form.Set("text_"+id, "Sådan bliver skoleårets første forældremøde godt (0.-9. klasse).")
	})
	res, err := c.PostForm(h.base+edit+"/kanaler", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Query().Get("besked") != "opslag-planlagt" {
		t.Fatalf("planning ended at %s (%d)", res.Request.URL, res.StatusCode)
	}

	// The job runner posts both, once.
	deadline := time.Now().Add(20 * time.Second)
	for (len(fb.Posts()) == 0 || len(li.Posts()) == 0) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	fbPosts, liPosts := fb.Posts(), li.Posts()
	if len(fbPosts) != 1 || len(liPosts) != 1 {
		t.Fatalf("posts: %d on Facebook, %d on LinkedIn; log:\n%s", len(fbPosts), len(liPosts), h.stderr)
	}
	// Each link carries its platform's tag, so the visits it brings are counted.
	link := fbPosts[0].Link
	if !strings.HasPrefix(link, h.base+"/materialer/") || !strings.HasSuffix(link, "?k=fb") ||
		liPosts[0].Article.Source != strings.TrimSuffix(link, "fb")+"li" {
		t.Errorf("links: Facebook %q, LinkedIn %q", link, liPosts[0].Article.Source)
	}
	reader := newBrowser()
	for _, l := range []string{link, liPosts[0].Article.Source} {
		if doc, status := getDoc(t, reader, l); status != http.StatusOK ||
			!strings.Contains(doc.Find("h1").Text(), "Et godt første forældremøde") {
			t.Errorf("the posted link %s: %d %q", l, status, doc.Find("h1").Text())
		}
	}
	// The server writes the visits it counted every few seconds.
	got := ""
	for deadline := time.Now().Add(15 * time.Second); got != "2" && time.Now().Before(deadline); {
		time.Sleep(250 * time.Millisecond)
		doc, _ = getDoc(t, c, h.base+"/redaktion/deling")
		got = strings.TrimSpace(doc.Find("tfoot td").Last().Text())
	}
	if got != "2" {
		t.Errorf("visits counted from the two posts: %q, want 2", got)
	}
	img := li.Image(liPosts[0].Article.Thumbnail)
	if img == nil {
		t.Fatal("no thumbnail was uploaded")
	}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(img.Data)); err != nil || cfg.Width != 1200 ||
		cfg.Height != 630 {
		t.Errorf("LinkedIn's thumbnail is not the 1200×630 share image: %v %v", cfg, err)
	}
	if liPosts[0].Shown != "Sådan bliver skoleårets første forældremøde godt (0.-9. klasse)." {
		t.Errorf("LinkedIn shows %q", liPosts[0].Shown)
	}

	// The editor sees both as shared, with their links.
	doc, _ = getDoc(t, c, h.base+edit+"/kanaler")
	if n := doc.Find(".posts .post-sent").Length(); n != 2 {
		t.Errorf("%d posts shown as shared, want 2", n)
	}
	time.Sleep(500 * time.Millisecond) // a few more runs of the job runner
	if fb.Count("feed") != 1 || li.Count("posts") != 1 {
		t.Errorf("requests: %d to Facebook, %d to LinkedIn", fb.Count("feed"), li.Count("posts"))
	}
	logText := h.stderr.String()
	for _, secret := range []string{pageToken, memberToken} {
		if strings.Contains(logText, secret) {
			t.Error("a platform token reached the log")
		}
	}
}

// setupAdmin creates the first admin through the one-time link and
// leaves c logged in.
func setupAdmin(t *testing.T, c *http.Client, h *running) {
	t.Helper()
	doc, status := getDoc(t, c, h.link)
	if status != http.StatusOK {
		t.Fatalf("setup page: %d", status)
	}
	res, err := c.PostForm(h.base+"/redaktion/opsaetning", url.Values{
		"csrf": {doc.Find("input[name=csrf]").AttrOr("value", "")}, "token": {tokenOf(h.link)},
		"name": {"Admin"}, "email": {"admin@example.dk"}, "password": {"en meget hemmelig sætning"},
		"password2": {"en meget hemmelig sætning"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request.URL.Path != "/redaktion" {
		t.Fatalf("after setup: %d at %s", res.StatusCode, res.Request.URL.Path)
	}
}
