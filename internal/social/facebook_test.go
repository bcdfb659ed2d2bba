package social_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/social/socialtest"
)

var ctx = context.Background()

// noFollow is a browser that stops at redirects, to read where the
// platform's dialog sends the person back to.
var noFollow = &http.Client{Timeout: 5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// visit opens an authorization address as the admin's browser would and
// returns the query of the address it is sent back to.
func visit(t *testing.T, authURL string) url.Values {
	t.Helper()
	res, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorization page: status %d", res.StatusCode)
	}
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return back.Query()
}

func facebookClient(fb *socialtest.Facebook, timeout time.Duration) *social.FacebookClient {
	cfg := social.Config{HTTP: social.NewHTTPClient(timeout)}
	fb.Configure(&cfg)
	return social.NewFacebook(cfg)
}

func TestFacebookConnectAndPost(t *testing.T) {
	fb := socialtest.NewFacebook(t)
	pageToken := fb.AddPage("1122334455", "Skole og hjem i Kommunen")
	fb.AddReadOnlyPage("9988776655", "Kun statistik")
	c := facebookClient(fb, 5*time.Second)
	const redirect = "http://127.0.0.1:9/redaktion/kanaler/retur"

	back := visit(t, c.AuthURL(fb.App(), redirect, "state-123"))
	if back.Get("state") != "state-123" || back.Get("code") == "" {
		t.Fatalf("dialog sent back %v", back)
	}
	dialog := fb.Requests()[0]
	if got := dialog.Query.Get("scope"); got != "pages_show_list,pages_read_engagement,pages_manage_posts" {
		t.Errorf("scope = %q", got)
	}
	if dialog.Path != "/"+social.DefaultGraphVersion+"/dialog/oauth" {
		t.Errorf("dialog path %q", dialog.Path)
	}

	user, err := c.ExchangeCode(ctx, fb.App(), redirect, back.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(user.ExpiresAt); d < 59*24*time.Hour || d > 61*24*time.Hour {
		t.Errorf("long-lived token expires in %v, want about 60 days", d)
	}
	if fb.Count("token") != 2 {
		t.Errorf("%d token requests, want the code exchange and the long-lived exchange", fb.Count("token"))
	}
	// A code is good once.
	if _, err := c.ExchangeCode(ctx, fb.App(), redirect, back.Get("code")); social.KindOf(err) != social.Permanent {
		t.Errorf("second use of a code: %v", err)
	}

	pages, err := c.Pages(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].ID != "1122334455" || pages[0].Token.Value != pageToken ||
		!pages[0].Token.ExpiresAt.IsZero() {
		t.Fatalf("pages = %+v, want only the page the user may post on, with a token that does not expire", pages)
	}

	res, err := c.Post(ctx, "1122334455", pageToken, "Læs om det gode forældremøde.",
		"https://skoleoghjem.example.dk/materialer/det-gode-foraeldremoede")
	if err != nil {
		t.Fatal(err)
	}
	posts := fb.Posts()
	if len(posts) != 1 || posts[0].Message != "Læs om det gode forældremøde." ||
		posts[0].Link != "https://skoleoghjem.example.dk/materialer/det-gode-foraeldremoede" {
		t.Fatalf("posts = %+v", posts)
	}
	if res.ID != posts[0].ID || res.URL != "https://www.facebook.com/1122334455/posts/"+
		strings.TrimPrefix(res.ID, "1122334455_") {
		t.Errorf("result = %+v", res)
	}
	feed := fb.Requests()[len(fb.Requests())-1]
	if feed.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || feed.Query.Has("access_token") {
		t.Errorf("feed request: content type %q, token in the address: %v", feed.Header.Get("Content-Type"),
			feed.Query.Has("access_token"))
	}

	if err := c.Scrape(ctx, pageToken, "https://skoleoghjem.example.dk/materialer/x"); err != nil {
		t.Fatal(err)
	}
	if got := fb.Scrapes(); len(got) != 1 || got[0] != "https://skoleoghjem.example.dk/materialer/x" {
		t.Errorf("scrapes = %v", got)
	}
}

func TestFacebookDenied(t *testing.T) {
	fb := socialtest.NewFacebook(t)
	fb.Deny = true
	back := visit(t, facebookClient(fb, time.Second).AuthURL(fb.App(), "http://127.0.0.1:9/x", "s"))
	if back.Get("error") != "access_denied" || back.Get("state") != "s" || back.Has("code") {
		t.Errorf("denied dialog sent back %v", back)
	}
}

func TestFacebookFailures(t *testing.T) {
	const link = "https://skoleoghjem.example.dk/materialer/x"
	tests := []struct {
		name    string
		prepare func(fb *socialtest.Facebook, token string) (string, string) // page id and token to use
		fault   *socialtest.Fault
		kind    social.Kind
		code    string
		message string
		retry   time.Duration
		posts   int // posts the platform made
	}{
		{name: "expired token", prepare: func(fb *socialtest.Facebook, tok string) (string, string) {
			fb.Expire(tok)
			return "111", tok
		}, kind: social.Permanent, code: "OAuthException 190/463", message: "Session has expired"},
		{name: "unknown token", prepare: func(*socialtest.Facebook, string) (string, string) {
			return "111", "EAAnonsense"
		}, kind: social.Permanent, code: "OAuthException 190", message: "Invalid OAuth access token"},
		{name: "another page's token", prepare: func(fb *socialtest.Facebook, _ string) (string, string) {
			return "111", fb.AddPage("222", "Anden side")
		}, kind: social.Permanent, code: "OAuthException 200", message: "pages_manage_posts"},
		{name: "server error", fault: &socialtest.Fault{Status: 500,
			Body: socialtest.FacebookError("An unexpected error has occurred.", "OAuthException", 2, 0)},
			kind: social.Transient, code: "OAuthException 2"},
		{name: "rate limited", fault: &socialtest.Fault{Status: 429, Header: map[string]string{"Retry-After": "120"},
			Body: "Too Many Requests"}, kind: social.Transient, retry: 2 * time.Minute},
		{name: "page rate limit as 400", fault: &socialtest.Fault{Status: 400,
			Body: socialtest.FacebookError("(#32) Page request limit reached", "OAuthException", 32, 0)},
			kind: social.Transient, code: "OAuthException 32"},
		{name: "gateway timeout", fault: &socialtest.Fault{Status: 504, Body: "<html>Gateway Timeout</html>"},
			kind: social.Unknown},
		{name: "made, then no answer", fault: &socialtest.Fault{Hang: true}, kind: social.Unknown, posts: 1},
		{name: "made, then connection closed", fault: &socialtest.Fault{Close: true}, kind: social.Unknown,
			posts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb := socialtest.NewFacebook(t)
			tok := fb.AddPage("111", "Siden")
			page := "111"
			if tt.prepare != nil {
				page, tok = tt.prepare(fb, tok)
			}
			if tt.fault != nil {
				fb.Fail("feed", *tt.fault)
			}
			_, err := facebookClient(fb, 300*time.Millisecond).Post(ctx, page, tok, "Tekst", link)
			var e *social.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *social.Error", err)
			}
			if e.Kind != tt.kind {
				t.Errorf("kind = %v, want %v (%v)", e.Kind, tt.kind, e)
			}
			if tt.code != "" && e.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Code, tt.code)
			}
			if !strings.Contains(e.Message, tt.message) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tt.message)
			}
			if e.RetryAfter != tt.retry {
				t.Errorf("retry after %v, want %v", e.RetryAfter, tt.retry)
			}
			if got := len(fb.Posts()); got != tt.posts {
				t.Errorf("%d posts made, want %d", got, tt.posts)
			}
			if fb.Count("feed") != 1 {
				t.Errorf("%d requests, want 1", fb.Count("feed"))
			}
		})
	}
}

func TestFacebookUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cfg := social.Config{GraphURL: "http://" + addr, FacebookURL: "http://" + addr,
		HTTP: social.NewHTTPClient(time.Second)}
	c := social.NewFacebook(cfg)
	_, err = c.Post(ctx, "111", "EAAsecret-token", "x", "https://example.dk/")
	if social.KindOf(err) != social.Transient {
		t.Errorf("refused connection: %v, want transient (the request was never sent)", err)
	}
	_, err = c.Pages(ctx, social.Token{Value: "EAAsecret-token"})
	if err == nil || strings.Contains(err.Error(), "secret-token") {
		t.Errorf("error %q must not show the token from the address", err)
	}
}

func TestFacebookOldVersionRefused(t *testing.T) {
	fb := socialtest.NewFacebook(t)
	tok := fb.AddPage("111", "Siden")
	cfg := social.Config{GraphVersion: "v20.0", HTTP: social.NewHTTPClient(time.Second)}
	fb.Configure(&cfg)
	_, err := social.NewFacebook(cfg).Post(ctx, "111", tok, "x", "https://example.dk/")
	var e *social.Error
	if !errors.As(err, &e) || e.Kind != social.Permanent || !strings.Contains(e.Message, "deprecated version") {
		t.Errorf("v20.0: %v", err)
	}
}

// The mock itself must refuse what the Graph API refuses, or the client
// tests above prove nothing.
func TestFacebookMockKeepsTheContract(t *testing.T) {
	fb := socialtest.NewFacebook(t)
	tok := fb.AddPage("111", "Siden")
	post := func(contentType, body string) (int, string) {
		req, _ := http.NewRequest("POST", fb.URL()+"/v25.0/111/feed", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	form := url.Values{"message": {"Hej"}, "link": {"https://example.dk/"}, "access_token": {tok}}
	if status, body := post("text/plain", form.Encode()); status != 400 || !strings.Contains(body, `"code":`) {
		t.Errorf("text/plain body: %d %s", status, body)
	}
	long := url.Values{"message": {strings.Repeat("a", social.FacebookMaxText+1)}, "access_token": {tok}}
	if status, body := post("application/x-www-form-urlencoded", long.Encode()); status != 400 ||
		!strings.Contains(body, "63206") {
		t.Errorf("over-long message: %d %s", status, body)
	}
	bad := url.Values{"message": {"Hej"}, "link": {"/relativ"}, "access_token": {tok}}
	if status, _ := post("application/x-www-form-urlencoded", bad.Encode()); status != 400 {
		t.Errorf("relative link: %d", status)
	}
	if status, body := post("application/x-www-form-urlencoded", url.Values{"message": {"Hej"}}.Encode()); status !=
		400 || !strings.Contains(body, "access token") {
		t.Errorf("no token: %d %s", status, body)
	}
	if status, _ := post("application/x-www-form-urlencoded", form.Encode()); status != 200 {
		t.Errorf("a good post: %d", status)
	}
	if len(fb.Posts()) != 1 {
		t.Errorf("%d posts, want 1", len(fb.Posts()))
	}
}
