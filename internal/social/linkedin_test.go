package social_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/social/socialtest"
)

func linkedInClient(li *socialtest.LinkedIn, timeout time.Duration) *social.LinkedInClient {
	cfg := social.Config{HTTP: social.NewHTTPClient(timeout)}
	li.Configure(&cfg)
	return social.NewLinkedIn(cfg)
}

var jpeg = []byte("\xff\xd8\xff\xe0 a small picture")

func TestLinkedInConnectAndPost(t *testing.T) {
	li := socialtest.NewLinkedIn(t)
	org := li.AddOrganisation("2414183", "Skole og hjem i Kommunen")
	c := linkedInClient(li, 5*time.Second)
	const redirect = "http://127.0.0.1:9/redaktion/kanaler/retur"

	back := visit(t, c.AuthURL(li.App(), redirect, "state-9"))
	if back.Get("state") != "state-9" || back.Get("code") == "" {
		t.Fatalf("authorization sent back %v", back)
	}
	if got := li.Requests()[0].Query.Get("scope"); got != "w_organization_social rw_organization_admin" {
		t.Errorf("scope = %q", got)
	}
	tok, err := c.ExchangeCode(ctx, li.App(), redirect, back.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(tok.ExpiresAt); d < 59*24*time.Hour || d > 61*24*time.Hour {
		t.Errorf("token expires in %v, want about 60 days", d)
	}
	if _, err := c.ExchangeCode(ctx, li.App(), "http://127.0.0.1:9/other", back.Get("code")); err == nil {
		t.Error("a code was exchanged twice, or with another redirect address")
	}

	orgs, err := c.Organisations(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 1 || orgs[0].ID != org || orgs[0].Name != "Skole og hjem i Kommunen" {
		t.Fatalf("organisations = %+v", orgs)
	}

	img, err := c.UploadImage(ctx, tok.Value, org, social.Image{Data: jpeg, ContentType: "image/jpeg"})
	if err != nil {
		t.Fatal(err)
	}
	if got := li.Image(img); got == nil || !got.Uploaded || !bytes.Equal(got.Data, jpeg) {
		t.Fatalf("image %s not uploaded: %+v", img, got)
	}

	text := "Nyt om forældremøder (for 0.-3. klasse) #skolehjem – læs *her*"
	res, err := c.Post(ctx, tok.Value, org, text, social.Article{Source: "https://skoleoghjem.example.dk/materialer/m",
		Title: "Det gode forældremøde", Description: "Sådan lykkes mødet.", Thumbnail: img})
	if err != nil {
		t.Fatal(err)
	}
	posts := li.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	p := posts[0]
	if p.Shown != text {
		t.Errorf("LinkedIn would show %q, want %q: the commentary was not escaped", p.Shown, text)
	}
	if p.Author != org || p.Visibility != "PUBLIC" || p.LifecycleState != "PUBLISHED" ||
		p.Article.Source != "https://skoleoghjem.example.dk/materialer/m" || p.Article.Title != "Det gode forældremøde" ||
		p.Article.Description != "Sådan lykkes mødet." || p.Article.Thumbnail != img ||
		p.Version != social.DefaultLinkedInVersion {
		t.Errorf("post = %+v", p)
	}
	if res.ID != p.ID || res.URL != "https://www.linkedin.com/feed/update/"+p.ID+"/" {
		t.Errorf("result = %+v", res)
	}
}

func TestLinkedInFailures(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(li *socialtest.LinkedIn, tok string)
		fault   *socialtest.Fault
		text    string
		kind    social.Kind
		code    string
		message string
		retry   time.Duration
		posts   int
	}{
		{name: "expired token", prepare: func(li *socialtest.LinkedIn, tok string) { li.Expire(tok) },
			kind: social.Permanent, code: "EXPIRED_ACCESS_TOKEN 65602", message: "has expired"},
		{name: "revoked token", prepare: func(li *socialtest.LinkedIn, tok string) { li.Revoke(tok) },
			kind: social.Permanent, code: "REVOKED_ACCESS_TOKEN 65601", message: "revoked"},
		{name: "text over the limit", text: strings.Repeat("ø", social.LinkedInMaxText+1), kind: social.Permanent,
			message: "/commentary"},
		{name: "server error", fault: &socialtest.Fault{Status: 500,
			Body: socialtest.LinkedInError(500, 0, "INTERNAL_SERVER_ERROR", "Internal Server Error")},
			kind: social.Transient, code: "INTERNAL_SERVER_ERROR"},
		{name: "throttled", fault: &socialtest.Fault{Status: 429, Header: map[string]string{"Retry-After": "30"},
			Body: socialtest.LinkedInError(429, 0, "", "Resource level throttle APPLICATION DAY limit")},
			kind: social.Transient, retry: 30 * time.Second},
		{name: "made, then no answer", fault: &socialtest.Fault{Hang: true}, kind: social.Unknown, posts: 1},
		{name: "made, then connection closed", fault: &socialtest.Fault{Close: true}, kind: social.Unknown,
			posts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			li := socialtest.NewLinkedIn(t)
			org := li.AddOrganisation("42", "Siden")
			tok := li.Token(0)
			if tt.prepare != nil {
				tt.prepare(li, tok)
			}
			if tt.fault != nil {
				li.Fail("posts", *tt.fault)
			}
			text := tt.text
			if text == "" {
				text = "Hej"
			}
			_, err := linkedInClient(li, 300*time.Millisecond).Post(ctx, tok, org, text,
				social.Article{Source: "https://example.dk/m", Title: "Titel"})
			var e *social.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *social.Error", err)
			}
			if e.Kind != tt.kind || (tt.code != "" && e.Code != tt.code) || !strings.Contains(e.Message, tt.message) ||
				e.RetryAfter != tt.retry {
				t.Errorf("got %v (kind %v, code %q, retry %v), want kind %v, code %q, message with %q, retry %v",
					e, e.Kind, e.Code, e.RetryAfter, tt.kind, tt.code, tt.message, tt.retry)
			}
			if got := len(li.Posts()); got != tt.posts {
				t.Errorf("%d posts made, want %d", got, tt.posts)
			}
			if li.Count("posts") != 1 {
				t.Errorf("%d requests, want 1", li.Count("posts"))
			}
		})
	}
}

func TestLinkedInInactiveVersion(t *testing.T) {
	li := socialtest.NewLinkedIn(t)
	org := li.AddOrganisation("42", "Siden")
	cfg := social.Config{LinkedInVersion: "202411", HTTP: social.NewHTTPClient(time.Second)}
	li.Configure(&cfg)
	_, err := social.NewLinkedIn(cfg).Post(ctx, li.Token(0), org, "x", social.Article{Source: "https://e.dk/",
		Title: "t"})
	var e *social.Error
	if !errors.As(err, &e) || e.Status != 426 || e.Code != "NONEXISTENT_VERSION" || e.Kind != social.Permanent {
		t.Errorf("an inactive version: %v", err)
	}
}

// The mock must refuse what LinkedIn refuses, or the client tests prove
// nothing.
func TestLinkedInMockKeepsTheContract(t *testing.T) {
	li := socialtest.NewLinkedIn(t)
	org := li.AddOrganisation("42", "Siden")
	tok := li.Token(0)
	good := `{"author":"` + org + `","commentary":"Hej","visibility":"PUBLIC",` +
		`"distribution":{"feedDistribution":"MAIN_FEED","targetEntities":[],"thirdPartyDistributionChannels":[]},` +
		`"content":{"article":{"source":"https://example.dk/m","title":"T"}},"lifecycleState":"PUBLISHED"}`
	headers := func() http.Header {
		return http.Header{"Authorization": {"Bearer " + tok}, "Linkedin-Version": {"202607"},
			"X-Restli-Protocol-Version": {"2.0.0"}, "Content-Type": {"application/json"}}
	}
	tests := []struct {
		name   string
		edit   func(h http.Header)
		body   string
		status int
		want   string
	}{
		{"no version", func(h http.Header) { h.Del("Linkedin-Version") }, good, 400, "VERSION_MISSING"},
		{"old version", func(h http.Header) { h.Set("Linkedin-Version", "202411") }, good, 426, "NONEXISTENT_VERSION"},
		{"no Rest.li protocol", func(h http.Header) { h.Del("X-Restli-Protocol-Version") }, good, 400, "2.0.0"},
		{"wrong content type", func(h http.Header) { h.Set("Content-Type", "text/plain") }, good, 415, "Media Type"},
		{"no token", func(h http.Header) { h.Del("Authorization") }, good, 401, "INVALID_ACCESS_TOKEN"},
		{"unknown field", nil, strings.Replace(good, `"lifecycleState"`, `"shareText":"x","lifecycleState"`, 1), 422,
			"/shareText"},
		{"commentary too long", nil, strings.Replace(good, `"Hej"`, `"`+strings.Repeat("a", 3001)+`"`, 1), 422,
			"/commentary"},
		{"thumbnail never uploaded", nil, strings.Replace(good, `"title":"T"`,
			`"title":"T","thumbnail":"urn:li:image:C4E10AQnone"`, 1), 422, "thumbnail"},
		{"another organisation", nil, strings.Replace(good, org, "urn:li:organization:99", 1), 403, "permissions"},
		{"good", nil, good, 201, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("POST", li.URL()+"/rest/posts", strings.NewReader(tt.body))
		req.Header = headers()
		if tt.edit != nil {
			tt.edit(req.Header)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: %d %s, want %d with %q", tt.name, res.StatusCode, b, tt.status, tt.want)
		}
		if tt.status == 201 && !strings.HasPrefix(res.Header.Get("X-Restli-Id"), "urn:li:share:") {
			t.Errorf("%s: x-restli-id %q", tt.name, res.Header.Get("X-Restli-Id"))
		}
	}
	if n := len(li.Posts()); n != 1 {
		t.Errorf("%d posts made, want only the good one", n)
	}
}
