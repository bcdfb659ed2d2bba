package social

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// LinkedInClient speaks to LinkedIn's Marketing APIs: the 3-legged OAuth flow,
// the organisations a member administers, the Images API and the Posts
// API, every call with the LinkedIn-Version and Rest.li protocol headers.
type LinkedInClient struct {
	cfg Config
	now func() time.Time
}

// NewLinkedIn returns a LinkedIn client for cfg.
func NewLinkedIn(cfg Config) *LinkedInClient {
	return &LinkedInClient{cfg: cfg.withDefaults(), now: time.Now}
}

// LinkedInScopes are the permissions the hub asks for: to post as an
// organisation and to list the organisations the member administers.
var LinkedInScopes = []string{"w_organization_social", "rw_organization_admin"}

// organisationURN is the form of an organisation's URN.
var organisationURN = regexp.MustCompile(`^urn:li:organization:[0-9]{1,20}$`)

// ValidOrganisation reports whether s is an organisation URN, such as
// urn:li:organization:2414183.
func ValidOrganisation(s string) bool { return organisationURN.MatchString(s) }

// AuthURL is LinkedIn's authorization page, to which the admin's browser
// is sent; LinkedIn sends it back to redirectURI with a code and state.
func (l *LinkedInClient) AuthURL(app App, redirectURI, state string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {app.ClientID}, "redirect_uri": {redirectURI},
		"state": {state}, "scope": {strings.Join(LinkedInScopes, " ")}}
	return l.cfg.LinkedInOAuthURL + "/v2/authorization?" + q.Encode()
}

// ExchangeCode trades the code from the authorization page for an access
// token (valid about 60 days).
func (l *LinkedInClient) ExchangeCode(ctx context.Context, app App, redirectURI, code string) (Token, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}}
	req, err := newRequest(http.MethodPost, l.cfg.LinkedInOAuthURL+"/v2/accessToken",
		"application/x-www-form-urlencoded", []byte(form.Encode()))
	if err != nil {
		return Token{}, &Error{Platform: LinkedIn, Kind: Permanent, Message: "bad address"}
	}
	a, err := send(ctx, l.cfg.HTTP, LinkedIn, req)
	if err != nil {
		return Token{}, err
	}
	if !a.ok() {
		return Token{}, l.failure(a)
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if json.Unmarshal(a.body, &out) != nil || out.AccessToken == "" {
		return Token{}, &Error{Platform: LinkedIn, Kind: Permanent, Status: a.status,
			Message: "the answer has no access token"}
	}
	t := Token{Value: out.AccessToken}
	if out.ExpiresIn > 0 {
		t.ExpiresAt = l.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC()
	}
	return t, nil
}

// Organisations lists the organisations whose pages the token's member
// may post on: those where the member is an approved administrator or
// content administrator.
func (l *LinkedInClient) Organisations(ctx context.Context, token Token) ([]Target, error) {
	var acls struct {
		Elements []struct {
			Organization string `json:"organization"`
			Role         string `json:"role"`
			State        string `json:"state"`
		} `json:"elements"`
	}
	q := url.Values{"q": {"roleAssignee"}, "state": {"APPROVED"}, "count": {"100"}}
	if err := l.getJSON(ctx, "/rest/organizationAcls?"+q.Encode(), token.Value, &acls); err != nil {
		return nil, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, e := range acls.Elements {
		if e.State != "APPROVED" || (e.Role != "ADMINISTRATOR" && e.Role != "CONTENT_ADMINISTRATOR") {
			continue
		}
		id, ok := strings.CutPrefix(e.Organization, "urn:li:organization:")
		if !ok || !ValidOrganisation(e.Organization) || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, nil
	}

	var orgs struct {
		Results map[string]struct {
			LocalizedName string `json:"localizedName"`
		} `json:"results"`
	}
	// A Rest.li 2.0 batch get: ids=List(1,2,3), with the list syntax unescaped.
	if err := l.getJSON(ctx, "/rest/organizations?ids=List("+strings.Join(ids, ",")+")", token.Value,
		&orgs); err != nil {
		return nil, err
	}
	out := make([]Target, 0, len(ids))
	for _, id := range ids {
		name := orgs.Results[id].LocalizedName
		if name == "" {
			name = "urn:li:organization:" + id
		}
		out = append(out, Target{ID: "urn:li:organization:" + id, Name: name, Token: token})
	}
	return out, nil
}

// Image is a picture to upload, with its media type.
type Image struct {
	Data        []byte
	ContentType string
}

// UploadImage uploads img for owner (an organisation URN) through the
// Images API, initializeUpload and then a PUT of the bytes, and returns
// the image's URN for a post's thumbnail.
func (l *LinkedInClient) UploadImage(ctx context.Context, token, owner string, img Image) (string, error) {
	body, _ := json.Marshal(map[string]any{"initializeUploadRequest": map[string]string{"owner": owner}})
	a, err := l.call(ctx, http.MethodPost, "/rest/images?action=initializeUpload", token, body)
	if err != nil {
		return "", err
	}
	var out struct {
		Value struct {
			UploadURL string `json:"uploadUrl"`
			Image     string `json:"image"`
		} `json:"value"`
	}
	if json.Unmarshal(a.body, &out) != nil || out.Value.UploadURL == "" || out.Value.Image == "" {
		return "", &Error{Platform: LinkedIn, Kind: Transient, Status: a.status,
			Message: "the Images API's answer has no upload address or image"}
	}
	if !l.trustedUpload(out.Value.UploadURL) {
		return "", &Error{Platform: LinkedIn, Kind: Permanent,
			Message: "the Images API gave an upload address outside LinkedIn"}
	}

	req, err := newRequest(http.MethodPut, out.Value.UploadURL, img.ContentType, img.Data)
	if err != nil {
		return "", &Error{Platform: LinkedIn, Kind: Permanent, Message: "bad upload address"}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	up, err := send(ctx, l.cfg.HTTP, LinkedIn, req)
	if err != nil {
		if KindOf(err) == Unknown {
			err.(*Error).Kind = Transient // an image uploaded twice is harmless
		}
		return "", err
	}
	if !up.ok() {
		return "", l.failure(up)
	}
	return out.Value.Image, nil
}

// trustedUpload reports whether an upload address from the Images API
// may receive the token: LinkedIn's own hosts over HTTPS, or the hosts
// the hub was configured with.
func (l *LinkedInClient) trustedUpload(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	for _, base := range []string{l.cfg.LinkedInAPIURL, l.cfg.LinkedInOAuthURL} {
		if b, err := url.Parse(base); err == nil && b.Scheme == u.Scheme && b.Host == u.Host {
			return true
		}
	}
	host := u.Hostname()
	return u.Scheme == "https" && (host == "linkedin.com" || strings.HasSuffix(host, ".linkedin.com"))
}

// Article is what a LinkedIn post shows of the material: LinkedIn makes
// no preview of a link by itself.
type Article struct {
	Source      string // the material's address
	Title       string
	Description string
	Thumbnail   string // an image URN from UploadImage, or ""
}

// Post publishes commentary with an article as author (an organisation
// URN). The text is escaped for LinkedIn's commentary format here.
func (l *LinkedInClient) Post(ctx context.Context, token, author, commentary string, art Article) (Result, error) {
	article := map[string]string{"source": art.Source, "title": art.Title}
	if art.Description != "" {
		article["description"] = art.Description
	}
	if art.Thumbnail != "" {
		article["thumbnail"] = art.Thumbnail
	}
	body, _ := json.Marshal(map[string]any{
		"author":     author,
		"commentary": EscapeCommentary(commentary),
		"visibility": "PUBLIC",
		"distribution": map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{},
			"thirdPartyDistributionChannels": []any{}},
		"content":                   map[string]any{"article": article},
		"lifecycleState":            "PUBLISHED",
		"isReshareDisabledByAuthor": false,
	})
	a, err := l.call(ctx, http.MethodPost, "/rest/posts", token, body)
	if err != nil {
		return Result{}, err
	}
	id := a.header.Get("X-Restli-Id")
	if id == "" {
		return Result{}, nil // made, but the answer does not say which
	}
	return Result{ID: id, URL: LinkedInPostURL(id)}, nil
}

// LinkedInPostURL is the address of a post with the URN LinkedIn gives it.
func LinkedInPostURL(urn string) string {
	return "https://www.linkedin.com/feed/update/" + url.PathEscape(urn) + "/"
}

func (l *LinkedInClient) getJSON(ctx context.Context, pathAndQuery, token string, out any) error {
	a, err := l.call(ctx, http.MethodGet, pathAndQuery, token, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		return &Error{Platform: LinkedIn, Kind: Transient, Status: a.status,
			Message: "the answer is not the JSON LinkedIn documents"}
	}
	return nil
}

// call makes a request to the REST API with the headers every versioned
// call needs, and judges the answer.
func (l *LinkedInClient) call(ctx context.Context, method, pathAndQuery, token string, body []byte) (*answer, error) {
	contentType := ""
	if body != nil {
		contentType = "application/json"
	}
	req, err := newRequest(method, l.cfg.LinkedInAPIURL+pathAndQuery, contentType, body)
	if err != nil {
		return nil, &Error{Platform: LinkedIn, Kind: Permanent, Message: "bad address"}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("LinkedIn-Version", l.cfg.LinkedInVersion)
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	a, err := send(ctx, l.cfg.HTTP, LinkedIn, req)
	if err != nil {
		return nil, err
	}
	if !a.ok() {
		return nil, l.failure(a)
	}
	return a, nil
}

// failure reads LinkedIn's error body,
// {"status","serviceErrorCode","code","message"}, or its OAuth server's,
// {"error","error_description"}.
func (l *LinkedInClient) failure(a *answer) *Error {
	e := &Error{Platform: LinkedIn, Status: a.status, Kind: statusKind(a.status)}
	var body struct {
		Status           int    `json:"status"`
		ServiceErrorCode int    `json:"serviceErrorCode"`
		Code             string `json:"code"`
		Message          string `json:"message"`
		// The OAuth server's errors.
		OAuthError  string `json:"error"`
		Description string `json:"error_description"`
	}
	err := json.NewDecoder(bytes.NewReader(a.body)).Decode(&body)
	switch {
	case err == nil && body.Message == "" && body.Description != "":
		e.Message, e.Code = body.Description, body.OAuthError
	case err != nil || body.Message == "":
		e.Message = firstLine(a.body)
	default:
		e.Message, e.Code = body.Message, body.Code
		if body.ServiceErrorCode != 0 {
			if e.Code != "" {
				e.Code += " "
			}
			e.Code += strconv.Itoa(body.ServiceErrorCode)
		}
	}
	if e.Kind == Transient {
		e.RetryAfter = retryAfter(a.header, l.now())
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP status %d", a.status)
	}
	return e
}
