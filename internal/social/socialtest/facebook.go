package socialtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/social"
)

// Facebook is a local Graph API. It follows the Graph API v25.0
// documentation (first written against v21.0, whose contract for these
// calls is the same):
//
//   - Facebook Login, "Manually Build a Login Flow": GET /{v}/dialog/oauth
//     (answered at once as if the person agreed, or refused when Deny is
//     set), GET /{v}/oauth/access_token for the code and for
//     grant_type=fb_exchange_token (a long-lived user token);
//   - GET /{v}/me/accounts: the Pages the user manages, with Page tokens
//     and the user's tasks;
//   - POST /{v}/{page-id}/feed with message and link, a Page token and
//     form parameters, answering {"id":"{page-id}_{post-id}"};
//   - POST /{v}/?id={url}&scrape=true, the Sharing Debugger's re-scrape;
//   - errors as {"error":{"message","type","code","error_subcode",
//     "fbtrace_id"}}: code 190 for an invalid token (subcode 463 when it
//     expired), 104 for a missing one, 200 for a missing permission, 100
//     for a bad parameter (a message over 63,206 characters, a link that
//     is not an absolute URL, a body of a type the API does not read).
//
// Versions before v21.0 are refused, as the API refuses versions it no
// longer serves.
type Facebook struct {
	recorder
	srv *httptest.Server
	// AppID and AppSecret are the municipality's app.
	AppID, AppSecret string
	// Deny makes the login dialog answer as if the person said no.
	Deny bool
	// Now is the platform's clock.
	Now func() time.Time

	mu      sync.Mutex
	tokens  map[string]*grant
	codes   map[string]string // code -> redirect_uri it was issued for
	pages   []fbPage
	posts   []FacebookPost
	scrapes []string
	seq     int
}

type fbPage struct {
	id, name, token string
	tasks           []string
}

// FacebookPost is a post the mock made.
type FacebookPost struct {
	ID, PageID, Message, Link string
}

// NewFacebook starts a Graph API on loopback, stopped when the test ends.
func NewFacebook(t testing.TB) *Facebook {
	f := &Facebook{recorder: newRecorder(), AppID: "1234567890123456", AppSecret: token("secret-"),
		Now: time.Now, tokens: map[string]*grant{}, codes: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.shutdown()
		f.srv.Close()
	})
	return f
}

// URL is the server's address.
func (f *Facebook) URL() string { return f.srv.URL }

// Configure points cfg's Facebook addresses at the mock.
func (f *Facebook) Configure(cfg *social.Config) {
	cfg.GraphURL, cfg.FacebookURL = f.srv.URL, f.srv.URL
}

// App is the municipality's app as the hub's settings hold it.
func (f *Facebook) App() social.App { return social.App{ClientID: f.AppID, ClientSecret: f.AppSecret} }

// AddPage makes a Page that the person logging in manages, with the
// CREATE_CONTENT task, and returns its Page token, which does not expire.
func (f *Facebook) AddPage(id, name string) string {
	return f.addPage(id, name, []string{"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"})
}

// AddReadOnlyPage makes a Page the person may only analyse.
func (f *Facebook) AddReadOnlyPage(id, name string) string {
	return f.addPage(id, name, []string{"ANALYZE"})
}

func (f *Facebook) addPage(id, name string, tasks []string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := token("EAAPage")
	f.pages = append(f.pages, fbPage{id: id, name: name, token: tok, tasks: tasks})
	f.tokens[tok] = &grant{kind: "page", page: id}
	return tok
}

// UserToken issues a user token that expires after d (0: never).
func (f *Facebook) UserToken(d time.Duration) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := token("EAAUser")
	g := &grant{kind: "user"}
	if d != 0 {
		g.expiresAt = f.Now().Add(d)
	}
	f.tokens[tok] = g
	return tok
}

// Expire makes a token expired, as after its time or a password change.
func (f *Facebook) Expire(tok string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.tokens[tok]; ok {
		g.expiresAt = f.Now().Add(-time.Hour)
	}
}

// Posts returns the posts made, oldest first.
func (f *Facebook) Posts() []FacebookPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FacebookPost(nil), f.posts...)
}

// Scrapes returns the addresses Facebook was asked to read again.
func (f *Facebook) Scrapes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.scrapes...)
}

var graphVersion = regexp.MustCompile(`^/v([0-9]+)\.([0-9]+)(/.*)$`)

func (f *Facebook) serve(w http.ResponseWriter, r *http.Request) {
	m := graphVersion.FindStringSubmatch(r.URL.Path)
	if m == nil {
		f.graphError(w, http.StatusBadRequest, "Unknown path components: "+r.URL.Path, "OAuthException", 2500, 0)
		return
	}
	if major, _ := strconv.Atoi(m[1]); major < 21 {
		f.graphError(w, http.StatusBadRequest, fmt.Sprintf("(#2635) You are calling a deprecated version of "+
			"the Graph API. Please update to the latest version: v%s.%s is no longer available.", m[1], m[2]),
			"OAuthException", 2635, 0)
		return
	}
	params, body, ok := f.params(w, r)
	if !ok {
		return
	}
	path := m[3]
	switch {
	case r.Method == http.MethodGet && path == "/dialog/oauth":
		f.record("dialog", r, body)
		f.dialog(w, r)
	case r.Method == http.MethodGet && path == "/oauth/access_token":
		f.record("token", r, body)
		f.accessToken(w, params)
	case r.Method == http.MethodGet && path == "/me/accounts":
		f.record("accounts", r, body)
		f.accounts(w, r, params)
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/feed") && strings.Count(path, "/") == 2:
		f.record("feed", r, body)
		f.feed(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/feed"), params)
	case r.Method == http.MethodPost && path == "/":
		f.record("scrape", r, body)
		f.scrape(w, r, params)
	default:
		f.record("unknown", r, body)
		f.graphError(w, http.StatusBadRequest, "Unsupported "+strings.ToLower(r.Method)+" request.",
			"GraphMethodException", 100, 33)
	}
}

// params reads the query and, for a body the Graph API reads (a form or
// JSON), its parameters. A body of another type adds nothing, so the
// parameters it meant to carry are missing, as on the real API.
func (f *Facebook) params(w http.ResponseWriter, r *http.Request) (url.Values, []byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return nil, nil, false
	}
	params := r.URL.Query()
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			f.graphError(w, http.StatusBadRequest, "(#100) Invalid form body", "OAuthException", 100, 0)
			return nil, nil, false
		}
		for k, v := range form {
			params[k] = v
		}
	case "application/json":
		var obj map[string]any
		if json.Unmarshal(body, &obj) == nil {
			for k, v := range obj {
				params.Set(k, fmt.Sprint(v))
			}
		}
	}
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && params.Get("access_token") == "" {
		params.Set("access_token", auth)
	}
	return params, body, true
}

func (f *Facebook) dialog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if q.Get("client_id") != f.AppID || err != nil || !redirect.IsAbs() {
		http.Error(w, "Invalid App ID or redirect_uri", http.StatusBadRequest)
		return
	}
	back := url.Values{"state": {q.Get("state")}}
	if f.Deny {
		back.Set("error", "access_denied")
		back.Set("error_code", "200")
		back.Set("error_reason", "user_denied")
		back.Set("error_description", "Permissions error")
	} else {
		code := token("AQ")
		f.mu.Lock()
		f.codes[code] = q.Get("redirect_uri")
		f.mu.Unlock()
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (f *Facebook) accessToken(w http.ResponseWriter, p url.Values) {
	if p.Get("client_id") != f.AppID {
		f.graphError(w, http.StatusBadRequest, "Error validating application. Invalid application ID.",
			"OAuthException", 101, 0)
		return
	}
	if p.Get("client_secret") != f.AppSecret {
		f.graphError(w, http.StatusBadRequest, "Error validating client secret.", "OAuthException", 1, 0)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if p.Get("grant_type") == "fb_exchange_token" {
		g, ok := f.tokens[p.Get("fb_exchange_token")]
		if !ok || g.kind != "user" || f.expired(g) {
			f.graphErrorLocked(w, http.StatusBadRequest, "Error validating access token: The session is invalid.",
				"OAuthException", 190, 460)
			return
		}
		long := token("EAAUser")
		f.tokens[long] = &grant{kind: "user", expiresAt: f.Now().Add(60 * 24 * time.Hour)}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": long, "token_type": "bearer",
			"expires_in": 60 * 24 * 3600})
		return
	}
	redirect, ok := f.codes[p.Get("code")]
	if !ok {
		f.graphErrorLocked(w, http.StatusBadRequest, "Invalid verification code format.", "OAuthException",
			100, 36007)
		return
	}
	if redirect != p.Get("redirect_uri") {
		f.graphErrorLocked(w, http.StatusBadRequest, "Error validating verification code. Please make sure your "+
			"redirect_uri is identical to the one you used in the OAuth dialog request", "OAuthException", 100, 36008)
		return
	}
	delete(f.codes, p.Get("code")) // a code is good once
	short := token("EAAUser")
	f.tokens[short] = &grant{kind: "user", expiresAt: f.Now().Add(2 * time.Hour)}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": short, "token_type": "bearer",
		"expires_in": 2 * 3600})
}

func (f *Facebook) accounts(w http.ResponseWriter, r *http.Request, p url.Values) {
	g, ok := f.checkToken(w, p)
	if !ok {
		return
	}
	if g.kind != "user" {
		f.graphError(w, http.StatusBadRequest, "(#100) Tried accessing nonexisting field (accounts) on node type "+
			"(Page)", "OAuthException", 100, 0)
		return
	}
	if fault, ok := f.nextFault("accounts"); ok {
		f.answerFault(w, r, fault)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	data := []map[string]any{}
	for _, pg := range f.pages {
		data = append(data, map[string]any{"access_token": pg.token, "category": "Government organization",
			"name": pg.name, "id": pg.id, "tasks": pg.tasks})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data,
		"paging": map[string]any{"cursors": map[string]string{"before": "QVFIUm", "after": "QVFIUn"}}})
}

func (f *Facebook) feed(w http.ResponseWriter, r *http.Request, pageID string, p url.Values) {
	g, ok := f.checkToken(w, p)
	if !ok {
		return
	}
	if g.kind != "page" || g.page != pageID {
		f.graphError(w, http.StatusForbidden, "(#200) If posting to a page, requires both pages_read_engagement "+
			"and pages_manage_posts as an admin with sufficient administrative permission", "OAuthException", 200, 0)
		return
	}
	message, link := p.Get("message"), p.Get("link")
	if message == "" && link == "" {
		f.graphError(w, http.StatusBadRequest, "(#100) Missing message or attachment", "OAuthException", 100, 0)
		return
	}
	if n := utf8.RuneCountInString(message); n > social.FacebookMaxText {
		f.graphError(w, http.StatusBadRequest, fmt.Sprintf("(#100) Param message must be at most %d characters "+
			"long, got %d", social.FacebookMaxText, n), "OAuthException", 100, 0)
		return
	}
	if u, err := url.Parse(link); link != "" && (err != nil || !u.IsAbs() || u.Host == "" ||
		(u.Scheme != "http" && u.Scheme != "https")) {
		f.graphError(w, http.StatusBadRequest, "(#100) The link URL is not properly formatted", "OAuthException",
			100, 0)
		return
	}
	fault, faulty := f.nextFault("feed")
	if faulty && !fault.Hang && !fault.Close {
		f.answerFault(w, r, fault) // refused before anything was made
		return
	}
	f.mu.Lock()
	f.seq++
	id := pageID + "_" + strconv.Itoa(100000+f.seq)
	f.posts = append(f.posts, FacebookPost{ID: id, PageID: pageID, Message: message, Link: link})
	f.mu.Unlock()
	if faulty {
		f.answerFault(w, r, fault)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id})
}

func (f *Facebook) scrape(w http.ResponseWriter, r *http.Request, p url.Values) {
	if _, ok := f.checkToken(w, p); !ok {
		return
	}
	target := p.Get("id")
	u, err := url.Parse(target)
	if target == "" || err != nil || !u.IsAbs() || p.Get("scrape") != "true" {
		f.graphError(w, http.StatusBadRequest, "(#100) Missing or invalid id and scrape parameters",
			"OAuthException", 100, 0)
		return
	}
	if fault, ok := f.nextFault("scrape"); ok {
		f.answerFault(w, r, fault)
		return
	}
	f.mu.Lock()
	f.scrapes = append(f.scrapes, target)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"url": target, "type": "article", "id": "9876543210",
		"updated_time": f.Now().UTC().Format("2006-01-02T15:04:05-0700")})
}

// checkToken answers as the Graph API does for a missing, unknown or
// expired token.
func (f *Facebook) checkToken(w http.ResponseWriter, p url.Values) (*grant, bool) {
	tok := p.Get("access_token")
	if tok == "" {
		f.graphError(w, http.StatusBadRequest, "An active access token must be used to query information about "+
			"the current user.", "OAuthException", 2500, 0)
		return nil, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.tokens[tok]
	if !ok {
		f.graphErrorLocked(w, http.StatusBadRequest, "Invalid OAuth access token - Cannot parse access token",
			"OAuthException", 190, 0)
		return nil, false
	}
	if f.expired(g) {
		now := f.Now()
		f.graphErrorLocked(w, http.StatusBadRequest, fmt.Sprintf("Error validating access token: Session has "+
			"expired on %s. The current time is %s.", g.expiresAt.Format("Monday, 02-Jan-06 15:04:05 MST"),
			now.Format("Monday, 02-Jan-06 15:04:05 MST")), "OAuthException", 190, 463)
		return nil, false
	}
	return g, true
}

func (f *Facebook) expired(g *grant) bool {
	return !g.expiresAt.IsZero() && !f.Now().Before(g.expiresAt)
}

func (f *Facebook) graphError(w http.ResponseWriter, status int, msg, typ string, code, subcode int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.graphErrorLocked(w, status, msg, typ, code, subcode)
}

func (f *Facebook) graphErrorLocked(w http.ResponseWriter, status int, msg, typ string, code, subcode int) {
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": token("A")[:12]}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	writeJSON(w, status, map[string]any{"error": e})
}

// FacebookError is a Graph API error body, for faults.
func FacebookError(msg, typ string, code, subcode int) string {
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
	if subcode != 0 {
		e["error_subcode"] = subcode
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
