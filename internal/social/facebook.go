package social

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// App is a platform app of the municipality's own: its client id (the
// Facebook app id) and secret.
type App struct {
	ClientID     string
	ClientSecret string
}

// Token is an access token and when it expires; zero for never.
type Token struct {
	Value     string
	ExpiresAt time.Time
}

// Target is a page or organisation a token may post to, as found after
// connecting: its id (a Facebook Page id or a LinkedIn organisation URN),
// its name and the token to post with.
type Target struct {
	ID    string
	Name  string
	Token Token
}

// Result is a post the platform made: its id and its address.
type Result struct {
	ID  string
	URL string
}

// FacebookClient speaks to the Graph API: the login flow, the Pages a user
// manages, posting to a Page's feed and asking Facebook to read a page's
// Open Graph tags again.
type FacebookClient struct {
	cfg Config
	now func() time.Time
}

// NewFacebook returns a Graph API client for cfg.
func NewFacebook(cfg Config) *FacebookClient {
	return &FacebookClient{cfg: cfg.withDefaults(), now: time.Now}
}

// FacebookScopes are the permissions the login dialog asks for: to list
// the Pages the user manages and to post on them.
var FacebookScopes = []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts"}

func (f *FacebookClient) graph(path string) string {
	return f.cfg.GraphURL + "/" + f.cfg.GraphVersion + path
}

// AuthURL is the login dialog's address, to which the admin's browser is
// sent; Facebook sends it back to redirectURI with a code and state.
func (f *FacebookClient) AuthURL(app App, redirectURI, state string) string {
	q := url.Values{"client_id": {app.ClientID}, "redirect_uri": {redirectURI}, "state": {state},
		"response_type": {"code"}, "scope": {strings.Join(FacebookScopes, ",")}}
	return f.cfg.FacebookURL + "/" + f.cfg.GraphVersion + "/dialog/oauth?" + q.Encode()
}

// ExchangeCode trades the code from the login dialog for a user token,
// then that short-lived token for a long-lived one (about 60 days).
func (f *FacebookClient) ExchangeCode(ctx context.Context, app App, redirectURI, code string) (Token, error) {
	short, err := f.accessToken(ctx, url.Values{"client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"redirect_uri": {redirectURI}, "code": {code}})
	if err != nil {
		return Token{}, err
	}
	return f.accessToken(ctx, url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "fb_exchange_token": {short.Value}})
}

func (f *FacebookClient) accessToken(ctx context.Context, q url.Values) (Token, error) {
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := f.get(ctx, f.graph("/oauth/access_token"), q, &out); err != nil {
		return Token{}, err
	}
	if out.AccessToken == "" {
		return Token{}, &Error{Platform: Facebook, Kind: Permanent, Message: "the answer has no access token"}
	}
	t := Token{Value: out.AccessToken}
	if out.ExpiresIn > 0 {
		t.ExpiresAt = f.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC()
	}
	return t, nil
}

// Pages lists the Pages the user may post to, each with its Page token.
// A Page token read with a long-lived user token does not expire.
func (f *FacebookClient) Pages(ctx context.Context, user Token) ([]Target, error) {
	var out struct {
		Data []struct {
			ID          string   `json:"id"`
			Name        string   `json:"name"`
			AccessToken string   `json:"access_token"`
			Tasks       []string `json:"tasks"`
		} `json:"data"`
	}
	q := url.Values{"fields": {"id,name,access_token,tasks"}, "limit": {"100"}, "access_token": {user.Value}}
	if err := f.get(ctx, f.graph("/me/accounts"), q, &out); err != nil {
		return nil, err
	}
	var pages []Target
	for _, p := range out.Data {
		if p.ID == "" || p.AccessToken == "" {
			continue
		}
		if p.Tasks != nil && !slices.Contains(p.Tasks, "CREATE_CONTENT") {
			continue // the user may not post on this Page
		}
		pages = append(pages, Target{ID: p.ID, Name: p.Name, Token: Token{Value: p.AccessToken}})
	}
	return pages, nil
}

// Post publishes message with link on a Page's feed.
func (f *FacebookClient) Post(ctx context.Context, pageID, pageToken, message, link string) (Result, error) {
	form := url.Values{"message": {message}, "link": {link}, "access_token": {pageToken}}
	var out struct {
		ID string `json:"id"`
	}
	a, err := f.post(ctx, f.graph("/"+url.PathEscape(pageID)+"/feed"), form)
	if err != nil {
		return Result{}, err
	}
	if json.Unmarshal(a.body, &out) != nil || out.ID == "" {
		// Facebook made the post but the answer does not say which.
		return Result{}, nil
	}
	return Result{ID: out.ID, URL: FacebookPostURL(out.ID)}, nil
}

// FacebookPostURL is the address of a Page post with the id the Graph API
// gives it, "{page-id}_{post-id}".
func FacebookPostURL(id string) string {
	page, post, ok := strings.Cut(id, "_")
	if !ok {
		return "https://www.facebook.com/" + url.PathEscape(id)
	}
	return "https://www.facebook.com/" + url.PathEscape(page) + "/posts/" + url.PathEscape(post)
}

// Scrape asks Facebook to read the Open Graph tags of pageURL again, so
// posts that share it show the material as it is now.
func (f *FacebookClient) Scrape(ctx context.Context, token, pageURL string) error {
	q := url.Values{"id": {pageURL}, "scrape": {"true"}}
	_, err := f.post(ctx, f.graph("/")+"?"+q.Encode(), url.Values{"access_token": {token}})
	return err
}

func (f *FacebookClient) get(ctx context.Context, target string, q url.Values, out any) error {
	req, err := newRequest(http.MethodGet, target+"?"+q.Encode(), "", nil)
	if err != nil {
		return &Error{Platform: Facebook, Kind: Permanent, Message: "bad address"}
	}
	a, err := send(ctx, f.cfg.HTTP, Facebook, req)
	if err != nil {
		return err
	}
	if !a.ok() {
		return f.failure(a)
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		return &Error{Platform: Facebook, Kind: Transient, Status: a.status,
			Message: "the answer is not the JSON the Graph API documents"}
	}
	return nil
}

func (f *FacebookClient) post(ctx context.Context, target string, form url.Values) (*answer, error) {
	req, err := newRequest(http.MethodPost, target, "application/x-www-form-urlencoded", []byte(form.Encode()))
	if err != nil {
		return nil, &Error{Platform: Facebook, Kind: Permanent, Message: "bad address"}
	}
	a, err := send(ctx, f.cfg.HTTP, Facebook, req)
	if err != nil {
		return nil, err
	}
	if !a.ok() {
		return nil, f.failure(a)
	}
	return a, nil
}

// facebookTransient are the Graph API's error codes for a temporary
// problem or a rate limit: the same request may succeed later.
var facebookTransient = []int{1, 2, 4, 17, 32, 341, 613}

// failure reads the Graph API's error body:
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}.
func (f *FacebookClient) failure(a *answer) *Error {
	e := &Error{Platform: Facebook, Status: a.status, Kind: statusKind(a.status)}
	var body struct {
		Error *struct {
			Message     string `json:"message"`
			Type        string `json:"type"`
			Code        int    `json:"code"`
			Subcode     int    `json:"error_subcode"`
			Trace       string `json:"fbtrace_id"`
			IsTransient bool   `json:"is_transient"`
			UserTitle   string `json:"error_user_title"`
			UserMessage string `json:"error_user_msg"`
		} `json:"error"`
	}
	if json.Unmarshal(a.body, &body) != nil || body.Error == nil {
		e.Message = firstLine(a.body)
	} else {
		g := body.Error
		e.Message, e.Trace = g.Message, g.Trace
		if g.UserMessage != "" {
			e.Message = g.UserMessage
		}
		e.Code = strconv.Itoa(g.Code)
		if g.Subcode != 0 {
			e.Code += "/" + strconv.Itoa(g.Subcode)
		}
		if g.Type != "" {
			e.Code = g.Type + " " + e.Code
		}
		if (g.IsTransient || slices.Contains(facebookTransient, g.Code)) && e.Kind == Permanent {
			e.Kind = Transient
		}
	}
	if e.Status == http.StatusTooManyRequests || e.Kind == Transient {
		e.RetryAfter = retryAfter(a.header, f.now())
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP status %d", a.status)
	}
	return e
}
