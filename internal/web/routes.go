package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/metrics"
	"github.com/bindeled/bindeled/internal/storage"
)

// Access is who may use a route.
type Access int

// The access levels, each including the ones after it.
const (
	// Public routes are open to everyone and never read a session.
	Public Access = iota
	// Guest routes are for the login and setup pages; they read the
	// session to send logged-in users on.
	Guest
	// Member routes need any logged-in user, reviewers included.
	Member
	// Writer routes need a user who writes: a contributor (for the
	// materials of their own schools), an editor or an admin.
	Writer
	// Editor routes need a logged-in editor or admin.
	Editor
	// Admin routes need a logged-in admin.
	Admin
)

// String names the access level as the docs' table does.
func (a Access) String() string {
	return [...]string{"public", "guest", "member", "writer", "editor", "admin"}[a]
}

// accessOf is the highest access level a user's role reaches.
func accessOf(u *storage.User) Access {
	if u == nil {
		return Guest
	}
	switch u.Role {
	case storage.RoleAdmin:
		return Admin
	case storage.RoleEditor:
		return Editor
	case storage.RoleContributor:
		return Writer
	case storage.RoleReviewer:
		return Member
	}
	return Guest
}

// Route is one entry of the route table.
type Route struct {
	Method  string
	Pattern string
	Access  Access
	Handle  func(w http.ResponseWriter, r *http.Request) error
	// Multipart routes take multipart forms with files; their handler
	// checks the CSRF token as the form streams in. Every other POST
	// takes a plain form, checked before the handler runs.
	Multipart bool
	// Framed routes serve the embed pages, the only pages other sites may
	// show in a frame; every other page refuses to be framed.
	Framed bool
	// Cached routes are public pages that are the same for every reader;
	// their responses are kept in the page cache (pagecache.go).
	Cached bool
	// Query names the query parameters a cached route reads. Its handler
	// sees only these (and the tracking ones) and its pages are kept under
	// them alone, so that other parameters neither cost a rendering nor
	// make a new entry. A route whose handler refuses parameters it does
	// not know would name allParams, to be kept under its whole query.
	Query []string
	// Changes marks a GET that changes something (the platform's return
	// after connecting a channel): the request log keeps its line, as it
	// keeps every form sent, where it drops a read that went well.
	Changes bool
	// Ahead runs before the page cache is asked, for what depends on the
	// whole address; it reports whether it answered the request.
	Ahead func(w http.ResponseWriter, r *http.Request) (bool, error)
}

// route makes an entry of the route table.
func route(method, pattern string, access Access, h func(http.ResponseWriter, *http.Request) error) Route {
	return Route{Method: method, Pattern: pattern, Access: access, Handle: h}
}

// withFiles makes an entry for a POST route that takes multipart forms.
func withFiles(pattern string, access Access, h func(http.ResponseWriter, *http.Request) error) Route {
	return Route{Method: http.MethodPost, Pattern: pattern, Access: access, Handle: h, Multipart: true}
}

// embedPage makes an entry for a public page that other sites may frame.
func embedPage(pattern string, h func(http.ResponseWriter, *http.Request) error, query ...string) Route {
	return Route{Method: http.MethodGet, Pattern: pattern, Access: Public, Handle: h, Framed: true, Cached: true,
		Query: query}
}

// page makes an entry for a public page kept in the page cache; query
// names the parameters its handler reads.
func page(pattern string, h func(http.ResponseWriter, *http.Request) error, query ...string) Route {
	return Route{Method: http.MethodGet, Pattern: pattern, Access: Public, Handle: h, Cached: true, Query: query}
}

func (s *Server) routeTable() []Route {
	return []Route{
		{Method: http.MethodGet, Pattern: "/{$}", Access: Public, Handle: s.home, Cached: true, Ahead: s.oldFrontAddress},
		page("/materialer", s.listing, listingParams...),
		page("/materialer/{slug}", s.materialPage, "video"),
		page("/materialer/{slug}/udskriv", s.printPage),
		page("/temaer", s.themes),
		page("/temaer/{slug}", s.themePage, listingParams...),
		page("/skoler", s.schools),
		page("/skoler/{slug}", s.schoolPage, listingParams...),
		page("/om", s.about),
		page("/tilgaengelighed", s.accessibility),
		page("/privatliv", s.privacy),
		route("GET", "/media/{key}", Public, s.serveMedia),
		route("GET", "/static/{name}", Public, s.serveAsset),
		page("/brand/{name}", s.serveBrandCSS),
		route("GET", "/healthz", Public, s.healthz),
		page("/feed/rss", s.feedHandler(feedFormats[0]), feedParams...),
		page("/feed/atom", s.feedHandler(feedFormats[1]), feedParams...),
		page("/feed/json", s.feedHandler(feedFormats[2]), feedParams...),
		route("GET", "/delingsbillede/{name}", Public, s.serveShareImage),
		page("/sitemap.xml", s.sitemap, "del"),
		page("/robots.txt", s.robots),
		page("/oembed", s.oembed, "url", "format", "maxwidth", "maxheight"),
		embedPage("/indlejr/materialer/{slug}", s.embedCard),
		embedPage("/indlejr/liste", s.embedList, widgetParams...),
		route("GET", "/indlejr/farve/{name}", Public, s.embedColourCSS),
		route("GET", widgetScriptPath, Public, s.widgetScript),

		route("GET", "/redaktion/login", Guest, s.loginForm),
		route("POST", "/redaktion/login", Guest, s.login),
		route("GET", "/redaktion/login/kode", Guest, s.codeForm),
		route("POST", "/redaktion/login/kode", Guest, s.loginCode),
		route("GET", "/redaktion/opsaetning", Guest, s.setupForm),
		route("POST", "/redaktion/opsaetning", Guest, s.setup),
		route("GET", "/redaktion/glemt-adgangskode", Guest, s.forgotForm),
		route("POST", "/redaktion/glemt-adgangskode", Guest, s.forgot),
		route("GET", "/redaktion/adgangskode", Guest, s.passwordForm),
		route("POST", "/redaktion/adgangskode", Guest, s.setPassword),

		route("POST", "/redaktion/logout", Member, s.logout),
		route("GET", "/redaktion", Member, s.wsMaterials),
		route("GET", "/redaktion/materialer/ny", Writer, s.wsNewMaterial),
		withFiles("/redaktion/materialer", Writer, s.wsCreateMaterial),
		route("GET", "/redaktion/materialer/{id}", Writer, s.wsEditMaterial),
		route("GET", "/redaktion/materialer/{id}/vis", Member, s.wsViewMaterial),
		withFiles("/redaktion/materialer/{id}", Writer, s.wsSaveMaterial),
		route("POST", "/redaktion/materialer/{id}/runde", Editor, s.wsStartRound),
		route("POST", "/redaktion/materialer/{id}/afpublicering", Editor, s.wsPlanUnpublish),
		route("POST", "/redaktion/materialer/{id}/kommentarer", Member, s.wsAddComment),
		route("POST", "/redaktion/materialer/{id}/kommentarer/{cid}", Writer, s.wsResolveComment),
		route("POST", "/redaktion/materialer/{id}/vurdering", Member, s.wsVerdict),
		route("GET", "/redaktion/materialer/{id}/versioner", Member, s.wsRevisions),
		route("GET", "/redaktion/kalender", Editor, s.wsCalendar),
		route("GET", "/redaktion/soegninger", Editor, s.wsMissedSearches),
		route("GET", "/redaktion/at-rette", Editor, s.wsFix),
		route("POST", "/redaktion/soegninger", Editor, s.wsDeleteMissedSearch),
		route("GET", "/redaktion/synonymer", Editor, s.wsSynonyms),
		route("POST", "/redaktion/synonymer", Editor, s.wsSaveSynonyms),
		route("POST", "/redaktion/medier/{key}/tilbagetraek", Editor, s.wsWithdrawMedia),
		route("POST", "/redaktion/forhaandsvisning", Writer, s.wsPreview),
		route("GET", "/redaktion/temaer", Editor, s.wsThemes),
		route("POST", "/redaktion/temaer", Editor, s.wsSaveTheme),
		route("GET", "/redaktion/medier/{key}", Member, s.wsServeMedia),
		route("GET", "/redaktion/skoler", Admin, s.wsSchools),
		route("POST", "/redaktion/skoler", Admin, s.wsSaveSchool),
		route("GET", "/redaktion/logbog", Admin, s.wsAudit),
		route("GET", "/redaktion/indstillinger", Admin, s.wsSettings),
		withFiles("/redaktion/indstillinger", Admin, s.wsSaveSettings),
		route("GET", "/redaktion/indbakke", Member, s.wsInbox),
		route("POST", "/redaktion/indbakke", Member, s.wsInboxRead),
		route("GET", "/redaktion/profil", Member, s.wsProfile),
		route("POST", "/redaktion/profil", Member, s.wsSaveProfile),
		route("GET", secondFactorPath, Member, s.wsSecondFactor),
		route("POST", secondFactorPath, Member, s.wsSaveSecondFactor),
		route("POST", "/redaktion/profil/log-ud-overalt", Member, s.logoutEverywhere),
		route("GET", "/redaktion/import", Admin, s.wsImport),
		withFiles("/redaktion/import", Admin, s.wsRunImport),
		route("GET", "/redaktion/brugere", Admin, s.wsUsers),
		route("POST", "/redaktion/brugere", Admin, s.wsInvite),
		route("GET", "/redaktion/brugere/{id}", Admin, s.wsUser),
		route("POST", "/redaktion/brugere/{id}", Admin, s.wsSaveUser),
		route("POST", "/redaktion/brugere/{id}/eksport", Admin, s.wsExportUser),
		route("GET", "/redaktion/materialer/{id}/deling", Editor, s.wsShareKit),
		route("GET", "/redaktion/materialer/{id}/deling/qr.png", Editor, s.wsQRPNG),
		route("GET", "/redaktion/materialer/{id}/deling/qr.svg", Editor, s.wsQRSVG),
		route("GET", "/redaktion/materialer/{id}/deling/plakat.pdf", Editor, s.wsPoster),
		route("GET", "/redaktion/deling", Editor, s.wsVisits),
		route("GET", "/redaktion/deling/indlejring", Editor, s.wsWidgetBuilder),

		route("GET", "/redaktion/kanaler", Editor, s.wsChannels),
		route("POST", "/redaktion/kanaler", Admin, s.wsSaveChannels),
		{Method: http.MethodGet, Pattern: "/redaktion/kanaler/retur", Access: Admin, Handle: s.wsChannelReturn,
			Changes: true},
		route("GET", "/redaktion/materialer/{id}/kanaler", Editor, s.wsPosts),
		route("POST", "/redaktion/materialer/{id}/kanaler", Editor, s.wsSavePosts),
	}
}

type ctxKey struct{}

// reqState is what the middleware learns about a request.
type reqState struct {
	requestID string
	user      *storage.User
	sessionID string // the raw session id, only known inside the request
	https     bool
	// logIt makes the request log write this request's line even for a
	// read that looks as if it went well: a route that changes something
	// (Route.Changes), or an error line that names its request ID (a file
	// its store cut off after a 200).
	logIt bool
	// cache, while a public page is rendered for the page cache, is what
	// the handler tells it.
	cache *cacheMeta
	// route records the request in the metrics of its route pattern; nil
	// until a route of the table takes the request, or when metrics are off.
	route *metrics.Route
}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(ctxKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

// wrap applies the route's access rule and CSRF check, and turns the
// handler's error into a page.
func (s *Server) wrap(rt Route, rm *metrics.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		st.route, st.logIt = rm, rt.Changes
		cleanQuery(r)
		if rt.Framed {
			w.Header().Set("Content-Security-Policy", framedContentSecurityPolicy)
			w.Header().Del("X-Frame-Options")
		}
		if rt.Access != Public {
			s.loadSession(r, st)
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("X-Robots-Tag", "noindex")
		}

		if r.Method == http.MethodPost {
			// A body that trickles in is cut off: plain forms are small,
			// and even a large film arrives within the hour.
			limit := 30 * time.Second
			if rt.Multipart {
				limit = time.Hour
			}
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(limit)) // not all writers support it
		}
		if err := s.authorize(w, r, rt, st); err != nil {
			s.fail(w, r, err)
			return
		}
		if rt.Cached {
			s.servePage(w, r, rt)
			return
		}
		if err := rt.Handle(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request, rt Route, st *reqState) error {
	if rt.Access >= Member && st.user == nil {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			target := "/redaktion/login?next=" + url.QueryEscape(r.URL.RequestURI())
			http.Redirect(w, r, target, http.StatusSeeOther)
			return errHandled
		}
		return errForbidden
	}
	if rt.Access >= Member && accessOf(st.user) < rt.Access {
		return errForbidden
	}
	if rt.Access >= Member {
		if err := s.mustEnrol(w, r, rt, st.user); err != nil {
			return err
		}
	}
	if r.Method == http.MethodPost && crossSite(r) {
		return errCSRF
	}
	// Multipart forms are checked by the handler as it streams them, from
	// their first field; every other form is checked here.
	if r.Method == http.MethodPost && rt.Multipart != isMultipart(r) {
		return errBadInput
	}
	if r.Method == http.MethodPost && rt.Access >= Member && !rt.Multipart {
		if err := parseForm(w, r); err != nil {
			return err
		}
		if !auth.CheckCSRF(s.secret, st.sessionID, r.PostForm.Get("csrf")) {
			return errCSRF
		}
	}
	return nil
}

// maxFormBytes bounds a form without files.
const maxFormBytes = 2 << 20

// crossSite reports whether the browser says the request came from another
// site. It is a second line of defence behind the CSRF token.
func crossSite(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// Errors that handlers return to get a particular page.
var (
	errHandled   = errors.New("response already written")
	errNotFound  = errors.New("not found")
	errForbidden = errors.New("forbidden")
	errCSRF      = errors.New("csrf check failed")
	errBadInput  = errors.New("bad input")
	errTooLarge  = errors.New("request too large")
)

func withState(ctx context.Context, st *reqState) context.Context {
	return context.WithValue(ctx, ctxKey{}, st)
}

// parseForm reads a form without files, bounded in size, with its values
// made safe to store.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return errBadInput
	}
	cleanValues(r.PostForm)
	cleanValues(r.Form)
	return nil
}

// cleanQuery makes the query string's values valid UTF-8 without NUL, as
// every database accepts, before any handler reads them.
func cleanQuery(r *http.Request) {
	if r.URL.RawQuery == "" {
		return
	}
	q := r.URL.Query()
	if cleanValues(q) {
		r.URL.RawQuery = q.Encode()
	}
}

// cleanValues replaces invalid UTF-8 and removes NUL bytes in place and
// reports whether it changed anything.
func cleanValues(v url.Values) bool {
	changed := false
	for k, vs := range v {
		ck := cleanText(k)
		for i, s := range vs {
			if c := cleanText(s); c != s {
				vs[i], changed = c, true
			}
		}
		if ck != k {
			delete(v, k)
			v[ck] = append(v[ck], vs...)
			changed = true
		}
	}
	return changed
}

func cleanText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
