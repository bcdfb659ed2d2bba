package socialtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/social"
)

// LinkedIn is a local LinkedIn: its OAuth server under /oauth and its
// versioned REST API under /rest. It follows the LinkedIn Marketing API
// documentation for version 202607 (first written against 202411, whose
// contract for these calls is the same):
//
//   - Authorization Code Flow (3-legged OAuth): GET /oauth/v2/authorization
//     (answered at once as if the member agreed, or refused when Deny is
//     set) and POST /oauth/v2/accessToken with a form body, answering
//     {"access_token","expires_in"} (60 days);
//   - Organization Access Control: GET /rest/organizationAcls?q=roleAssignee;
//     Organization Lookup: GET /rest/organizations?ids=List(…);
//   - Images API: POST /rest/images?action=initializeUpload, then a PUT of
//     the bytes to the uploadUrl it gives;
//   - Posts API: POST /rest/posts with author, commentary, visibility,
//     distribution, lifecycleState and content.article (source, title,
//     description, thumbnail), answering 201 with the post's URN in the
//     x-restli-id header.
//
// Every /rest call needs Authorization: Bearer, a LinkedIn-Version header
// naming an active version (YYYYMM) and X-Restli-Protocol-Version: 2.0.0;
// a body must be application/json. Errors are {"status",
// "serviceErrorCode","code","message"} as LinkedIn sends them, and OAuth
// errors {"error","error_description"}. A commentary over 3,000
// characters is refused; one with an unescaped reserved character is
// shown cut off there, as LinkedIn shows it.
type LinkedIn struct {
	recorder
	srv *httptest.Server
	// ClientID and ClientSecret are the municipality's app.
	ClientID, ClientSecret string
	// Deny makes the authorization page answer as if the member said no.
	Deny bool
	// Oldest and Newest bound the active versions.
	Oldest, Newest string
	// Now is the platform's clock.
	Now func() time.Time

	mu     sync.Mutex
	tokens map[string]*grant
	codes  map[string]string         // code -> redirect_uri
	orgs   map[string]string         // organisation id -> name
	admins map[string][]string       // member -> organisation ids they administer
	images map[string]*LinkedInImage // image URN -> image
	posts  []LinkedInPost
	seq    int
}

// LinkedInImage is an image registered with the Images API.
type LinkedInImage struct {
	URN, Owner string
	Data       []byte
	Uploaded   bool
}

// LinkedInPost is a post the mock made.
type LinkedInPost struct {
	ID, Author, Commentary, Visibility, LifecycleState string
	// Shown is the commentary as LinkedIn would show it.
	Shown   string
	Article struct{ Source, Title, Description, Thumbnail string }
	Version string // the LinkedIn-Version it was made with
}

// The member who logs in through the mock's authorization page.
const linkedInMember = "urn:li:person:mock-member"

// NewLinkedIn starts a LinkedIn on loopback, stopped when the test ends.
func NewLinkedIn(t testing.TB) *LinkedIn {
	l := &LinkedIn{recorder: newRecorder(), ClientID: "78mockclient", ClientSecret: token("WPL_AP1."),
		Oldest: "202601", Newest: "202612", Now: time.Now, tokens: map[string]*grant{}, codes: map[string]string{},
		orgs: map[string]string{}, admins: map[string][]string{}, images: map[string]*LinkedInImage{}}
	l.srv = httptest.NewServer(http.HandlerFunc(l.serve))
	t.Cleanup(func() {
		l.shutdown()
		l.srv.Close()
	})
	return l
}

// URL is the server's address.
func (l *LinkedIn) URL() string { return l.srv.URL }

// Configure points cfg's LinkedIn addresses at the mock.
func (l *LinkedIn) Configure(cfg *social.Config) {
	cfg.LinkedInAPIURL, cfg.LinkedInOAuthURL = l.srv.URL, l.srv.URL+"/oauth"
}

// App is the municipality's app as the hub's settings hold it.
func (l *LinkedIn) App() social.App {
	return social.App{ClientID: l.ClientID, ClientSecret: l.ClientSecret}
}

// AddOrganisation makes an organisation page that the member logging in
// administers, and returns its URN.
func (l *LinkedIn) AddOrganisation(id, name string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.orgs[id] = name
	l.admins[linkedInMember] = append(l.admins[linkedInMember], id)
	return "urn:li:organization:" + id
}

// Token issues a member token with the posting scope that expires after
// d (0: the usual 60 days).
func (l *LinkedIn) Token(d time.Duration) string {
	if d == 0 {
		d = 60 * 24 * time.Hour
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tok := token("AQV")
	l.tokens[tok] = &grant{kind: "member", member: linkedInMember, expiresAt: l.Now().Add(d),
		scopes: []string{"w_organization_social", "rw_organization_admin"}}
	return tok
}

// Expire makes a token expired.
func (l *LinkedIn) Expire(tok string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if g, ok := l.tokens[tok]; ok {
		g.expiresAt = l.Now().Add(-time.Hour)
	}
}

// Revoke revokes a token, as a member does in their settings.
func (l *LinkedIn) Revoke(tok string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if g, ok := l.tokens[tok]; ok {
		g.revoked = true
	}
}

// Posts returns the posts made, oldest first.
func (l *LinkedIn) Posts() []LinkedInPost {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]LinkedInPost(nil), l.posts...)
}

// Image returns an image registered with the Images API.
func (l *LinkedIn) Image(urn string) *LinkedInImage {
	l.mu.Lock()
	defer l.mu.Unlock()
	if img, ok := l.images[urn]; ok {
		c := *img
		return &c
	}
	return nil
}

func (l *LinkedIn) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && p == "/oauth/v2/authorization":
		l.record("authorization", r, body)
		l.authorization(w, r)
	case r.Method == http.MethodPost && p == "/oauth/v2/accessToken":
		l.record("accessToken", r, body)
		l.accessToken(w, r, body)
	case r.Method == http.MethodPut && strings.HasPrefix(p, "/dms-uploads/"):
		l.record("upload", r, body)
		l.upload(w, r, strings.TrimPrefix(p, "/dms-uploads/"), body)
	case strings.HasPrefix(p, "/rest/"):
		l.rest(w, r, body)
	default:
		l.record("unknown", r, body)
		l.fail(w, http.StatusNotFound, 0, "", "No resource found at "+p)
	}
}

func (l *LinkedIn) authorization(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if q.Get("client_id") != l.ClientID || err != nil || !redirect.IsAbs() || q.Get("response_type") != "code" {
		http.Error(w, "The passed in client_id or redirect_uri is invalid", http.StatusBadRequest)
		return
	}
	back := url.Values{"state": {q.Get("state")}}
	if l.Deny {
		back.Set("error", "user_cancelled_authorize")
		back.Set("error_description", "The user cancelled the authorization")
	} else {
		code := token("AQT")
		l.mu.Lock()
		l.codes[code] = q.Get("redirect_uri")
		l.mu.Unlock()
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (l *LinkedIn) accessToken(w http.ResponseWriter, r *http.Request, body []byte) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		l.oauthError(w, "invalid_request", "A required parameter \"grant_type\" is missing")
		return
	}
	f, err := url.ParseQuery(string(body))
	switch {
	case err != nil || f.Get("grant_type") != "authorization_code":
		l.oauthError(w, "invalid_request", "A required parameter \"grant_type\" is missing")
		return
	case f.Get("client_id") != l.ClientID || f.Get("client_secret") != l.ClientSecret:
		l.oauthError(w, "invalid_client", "Client authentication failed")
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	redirect, ok := l.codes[f.Get("code")]
	if !ok || redirect != f.Get("redirect_uri") {
		l.oauthErrorLocked(w, "invalid_request", "Unable to retrieve access token: appid/redirect uri/code "+
			"verifier does not match authorization code. Or authorization code expired.")
		return
	}
	delete(l.codes, f.Get("code"))
	tok := token("AQV")
	l.tokens[tok] = &grant{kind: "member", member: linkedInMember, expiresAt: l.Now().Add(60 * 24 * time.Hour),
		scopes: []string{"w_organization_social", "rw_organization_admin"}}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_in": 60 * 24 * 3600,
		"scope": "rw_organization_admin,w_organization_social"})
}

var versionPattern = regexp.MustCompile(`^[0-9]{6}(\.[0-9]{2})?$`)

// rest checks what every versioned call needs, then serves it.
func (l *LinkedIn) rest(w http.ResponseWriter, r *http.Request, body []byte) {
	endpoint := l.restEndpoint(r)
	l.record(endpoint, r, body)

	version := r.Header.Get("LinkedIn-Version")
	switch {
	case version == "":
		l.fail(w, http.StatusBadRequest, 0, "VERSION_MISSING",
			"A version must be present. Please specify a version by adding the LinkedIn-Version header.")
		return
	case !versionPattern.MatchString(version):
		l.fail(w, http.StatusBadRequest, 0, "INVALID_VERSION", "Invalid version format: "+version)
		return
	case version[:6] < l.Oldest || version[:6] > l.Newest:
		l.fail(w, 426, 0, "NONEXISTENT_VERSION", "Requested version "+version+" is not active")
		return
	}
	if r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" {
		l.fail(w, http.StatusBadRequest, 0, "ILLEGAL_ARGUMENT",
			"This resource only supports Rest.li protocol version 2.0.0; send X-Restli-Protocol-Version: 2.0.0")
		return
	}
	g, ok := l.checkToken(w, r)
	if !ok {
		return
	}
	if r.Method == http.MethodPost {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
			l.fail(w, http.StatusUnsupportedMediaType, 0, "", "Unsupported Media Type: "+r.Header.Get("Content-Type"))
			return
		}
	}
	switch endpoint {
	case "organizationAcls":
		l.organisationAcls(w, r, g)
	case "organizations":
		l.organisations(w, r)
	case "images":
		l.initializeUpload(w, r, g, body)
	case "posts":
		l.createPost(w, r, g, body, version)
	default:
		l.fail(w, http.StatusNotFound, 0, "", "No virtual resource found")
	}
}

func (l *LinkedIn) restEndpoint(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/rest/")
	switch {
	case r.Method == http.MethodGet && p == "organizationAcls":
		return "organizationAcls"
	case r.Method == http.MethodGet && p == "organizations":
		return "organizations"
	case r.Method == http.MethodPost && p == "images" && r.URL.Query().Get("action") == "initializeUpload":
		return "images"
	case r.Method == http.MethodPost && p == "posts":
		return "posts"
	}
	return "unknown"
}

func (l *LinkedIn) checkToken(w http.ResponseWriter, r *http.Request) (*grant, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.tokens[tok]
	switch {
	case !ok || g == nil:
		l.failLocked(w, http.StatusUnauthorized, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token")
		return nil, false
	case g.revoked:
		l.failLocked(w, http.StatusUnauthorized, 65601, "REVOKED_ACCESS_TOKEN",
			"The token used in the request has been revoked by the user")
		return nil, false
	case !l.Now().Before(g.expiresAt):
		l.failLocked(w, http.StatusUnauthorized, 65602, "EXPIRED_ACCESS_TOKEN",
			"The token used in the request has expired")
		return nil, false
	}
	return g, true
}

func (l *LinkedIn) organisationAcls(w http.ResponseWriter, r *http.Request, g *grant) {
	if r.URL.Query().Get("q") != "roleAssignee" {
		l.fail(w, http.StatusBadRequest, 0, "ILLEGAL_ARGUMENT", "Invalid finder: "+r.URL.Query().Get("q"))
		return
	}
	if !slices.Contains(g.scopes, "rw_organization_admin") {
		l.fail(w, http.StatusForbidden, 100, "ACCESS_DENIED",
			"Not enough permissions to access: organizationAcls.FINDER-roleAssignee")
		return
	}
	if fault, ok := l.nextFault("organizationAcls"); ok {
		l.answerFault(w, r, fault)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	elements := []map[string]string{}
	for _, id := range l.admins[g.member] {
		elements = append(elements, map[string]string{"roleAssignee": g.member, "state": "APPROVED",
			"role": "ADMINISTRATOR", "organization": "urn:li:organization:" + id})
	}
	writeJSON(w, http.StatusOK, map[string]any{"paging": map[string]int{"start": 0, "count": 100,
		"total": len(elements)}, "elements": elements})
}

var batchIDs = regexp.MustCompile(`^List\(([0-9,]+)\)$`)

func (l *LinkedIn) organisations(w http.ResponseWriter, r *http.Request) {
	// The raw query: Rest.li 2.0 writes the list syntax unescaped.
	raw, _ := strings.CutPrefix(r.URL.RawQuery, "ids=")
	m := batchIDs.FindStringSubmatch(raw)
	if m == nil {
		l.fail(w, http.StatusBadRequest, 0, "ILLEGAL_ARGUMENT", "Invalid ids parameter: "+raw)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	results, errs := map[string]any{}, map[string]any{}
	for _, id := range strings.Split(m[1], ",") {
		name, ok := l.orgs[id]
		if !ok {
			errs[id] = map[string]any{"status": 404, "message": "Not Found"}
			continue
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		results[id] = map[string]any{"id": n, "localizedName": name, "vanityName": strings.ToLower(
			strings.ReplaceAll(name, " ", "-"))}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "statuses": map[string]int{}, "errors": errs})
}

// mayPostAs reports whether the token's member administers the
// organisation author and holds the posting scope.
func (l *LinkedIn) mayPostAs(g *grant, author string) bool {
	id, ok := strings.CutPrefix(author, "urn:li:organization:")
	if !ok || !slices.Contains(g.scopes, "w_organization_social") {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Contains(l.admins[g.member], id)
}

func (l *LinkedIn) initializeUpload(w http.ResponseWriter, r *http.Request, g *grant, body []byte) {
	var req struct {
		InitializeUploadRequest *struct {
			Owner string `json:"owner"`
		} `json:"initializeUploadRequest"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.InitializeUploadRequest == nil {
		l.fail(w, http.StatusUnprocessableEntity, 0, "", "ERROR :: /initializeUploadRequest :: field is required "+
			"but not found and has no default value")
		return
	}
	owner := req.InitializeUploadRequest.Owner
	if !l.mayPostAs(g, owner) {
		l.fail(w, http.StatusForbidden, 100, "ACCESS_DENIED",
			"Not enough permissions to access: partnerApiImages.ACTION-initializeUpload")
		return
	}
	if fault, ok := l.nextFault("images"); ok {
		l.answerFault(w, r, fault)
		return
	}
	l.mu.Lock()
	l.seq++
	id := "C4E10AQ" + strconv.Itoa(700000+l.seq)
	urn := "urn:li:image:" + id
	l.images[urn] = &LinkedInImage{URN: urn, Owner: owner}
	l.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"value": map[string]any{
		"uploadUrlExpiresAt": l.Now().Add(time.Hour).UnixMilli(),
		"uploadUrl":          l.srv.URL + "/dms-uploads/" + id + "/uploaded-image/0?ca=vector_feedshare&cn=uploads",
		"image":              urn}})
}

func (l *LinkedIn) upload(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	if _, ok := l.checkToken(w, r); !ok {
		return
	}
	id, _, _ := strings.Cut(path, "/")
	if fault, ok := l.nextFault("upload"); ok {
		l.answerFault(w, r, fault)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	img, ok := l.images["urn:li:image:"+id]
	if !ok || len(body) == 0 {
		l.failLocked(w, http.StatusBadRequest, 0, "", "Upload failed: unknown upload or empty body")
		return
	}
	img.Data, img.Uploaded = bytes.Clone(body), true
	w.WriteHeader(http.StatusCreated)
}

// postFields are the fields the Posts API accepts on create.
var postFields = []string{"author", "commentary", "visibility", "distribution", "content", "lifecycleState",
	"isReshareDisabledByAuthor", "contentLandingPage", "contentCallToActionLabel", "adContext", "container"}

func (l *LinkedIn) createPost(w http.ResponseWriter, r *http.Request, g *grant, body []byte, version string) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		l.fail(w, http.StatusBadRequest, 0, "", "Unable to parse the request body as JSON")
		return
	}
	var unknown []string
	for k := range raw {
		if !slices.Contains(postFields, k) {
			unknown = append(unknown, "/"+k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		l.fail(w, http.StatusUnprocessableEntity, 0, "", "Unpermitted fields present in REQUEST_BODY: "+
			"Data Processing Exception while processing fields ["+strings.Join(unknown, ", ")+"]")
		return
	}
	var p struct {
		Author         string `json:"author"`
		Commentary     string `json:"commentary"`
		Visibility     string `json:"visibility"`
		LifecycleState string `json:"lifecycleState"`
		Distribution   *struct {
			FeedDistribution string `json:"feedDistribution"`
		} `json:"distribution"`
		Content *struct {
			Article *struct {
				Source      string `json:"source"`
				Title       string `json:"title"`
				Description string `json:"description"`
				Thumbnail   string `json:"thumbnail"`
			} `json:"article"`
		} `json:"content"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		l.fail(w, http.StatusUnprocessableEntity, 0, "", "ERROR :: a field has the wrong type: "+err.Error())
		return
	}
	if problem := l.checkPost(g, &p.Author, p.Visibility, p.LifecycleState, p.Distribution != nil &&
		p.Distribution.FeedDistribution == "MAIN_FEED", p.Commentary); problem != "" {
		status := http.StatusUnprocessableEntity
		if strings.HasPrefix(problem, "Not enough permissions") {
			status = http.StatusForbidden
		}
		l.fail(w, status, 0, "", problem)
		return
	}
	post := LinkedInPost{Author: p.Author, Commentary: p.Commentary, Visibility: p.Visibility,
		LifecycleState: p.LifecycleState, Shown: shownCommentary(p.Commentary), Version: version}
	if p.Content != nil && p.Content.Article != nil {
		a := p.Content.Article
		if problem := l.checkArticle(p.Author, a.Source, a.Title, a.Thumbnail); problem != "" {
			l.fail(w, http.StatusUnprocessableEntity, 0, "", problem)
			return
		}
		post.Article.Source, post.Article.Title, post.Article.Description = a.Source, a.Title, a.Description
		post.Article.Thumbnail = a.Thumbnail
	}

	fault, faulty := l.nextFault("posts")
	if faulty && !fault.Hang && !fault.Close {
		l.answerFault(w, r, fault)
		return
	}
	l.mu.Lock()
	l.seq++
	post.ID = "urn:li:share:" + strconv.Itoa(7100000000+l.seq)
	l.posts = append(l.posts, post)
	l.mu.Unlock()
	if faulty {
		l.answerFault(w, r, fault)
		return
	}
	w.Header().Set("x-restli-id", post.ID)
	w.WriteHeader(http.StatusCreated)
}

// checkPost returns the Posts API's message for what it refuses in a post.
func (l *LinkedIn) checkPost(g *grant, author *string, visibility, lifecycle string, mainFeed bool,
	commentary string) string {
	switch {
	case *author == "":
		return "ERROR :: /author :: field is required but not found and has no default value"
	case !l.mayPostAs(g, *author):
		return "Not enough permissions to access: partnerApiPostsExternal.CREATE"
	case visibility != "PUBLIC":
		return "ERROR :: /visibility :: organization posts must be PUBLIC"
	case lifecycle != "PUBLISHED":
		return "ERROR :: /lifecycleState :: field is required and must be PUBLISHED"
	case !mainFeed:
		return "ERROR :: /distribution/feedDistribution :: field is required but not found"
	case utf8.RuneCountInString(commentary) > social.LinkedInMaxText:
		return fmt.Sprintf("ERROR :: /commentary :: length %d exceeds maximum length %d",
			utf8.RuneCountInString(commentary), social.LinkedInMaxText)
	}
	return ""
}

func (l *LinkedIn) checkArticle(author, source, title, thumbnail string) string {
	u, err := url.Parse(source)
	switch {
	case source == "" || err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https"):
		return "ERROR :: /content/article/source :: invalid URL"
	case title == "":
		return "ERROR :: /content/article/title :: field is required but not found"
	case thumbnail == "":
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	img, ok := l.images[thumbnail]
	if !ok || !img.Uploaded || img.Owner != author {
		return "ERROR :: /content/article/thumbnail :: image " + thumbnail + " is not available to " + author
	}
	return ""
}

// shownCommentary is a commentary as LinkedIn shows it: escapes removed,
// and the text cut at the first reserved character that is not escaped.
func shownCommentary(s string) string {
	var b strings.Builder
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			b.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case strings.ContainsRune(`|{}@[]()<>#*_~`, r):
			return b.String()
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (l *LinkedIn) fail(w http.ResponseWriter, status, service int, code, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failLocked(w, status, service, code, msg)
}

func (l *LinkedIn) failLocked(w http.ResponseWriter, status, service int, code, msg string) {
	writeJSON(w, status, LinkedInErrorBody(status, service, code, msg))
}

// LinkedInErrorBody is a LinkedIn REST error body.
func LinkedInErrorBody(status, service int, code, msg string) map[string]any {
	e := map[string]any{"status": status, "message": msg}
	if service != 0 {
		e["serviceErrorCode"] = service
	}
	if code != "" {
		e["code"] = code
	}
	return e
}

// LinkedInError is a LinkedIn REST error body as text, for faults.
func LinkedInError(status, service int, code, msg string) string {
	b, _ := json.Marshal(LinkedInErrorBody(status, service, code, msg))
	return string(b)
}

func (l *LinkedIn) oauthError(w http.ResponseWriter, code, desc string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.oauthErrorLocked(w, code, desc)
}

func (l *LinkedIn) oauthErrorLocked(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}
