package pagecheck

import (
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// fetch GETs a page and parses it.
func fetch(t *testing.T, c *http.Client, u string) (*goquery.Document, *http.Response) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		t.Fatalf("parse %s: %v", u, err)
	}
	return doc, res
}

// page is one address to check, with the route that serves it.
type page struct {
	URL    string // path and query
	Route  string
	Editor bool // needs the editor's session
	Status int
	HTML   []byte
}

// perType bounds how many addresses of one page type are checked.
const perType = 3

// perRoute bounds how many addresses of one route are fetched, so that
// endless link chains (the calendar's next week, next week…) end.
const perRoute = 12

// crawler walks the hub's pages.
type crawler struct {
	t      *testing.T
	e      *env
	seen   map[string]bool
	types  map[string]int
	routes map[string]int // fetches per route
	pages  []page
	queue  []string
	editor bool
}

// skipPath reports addresses that are files or answers for programs, not
// pages: media, assets, feeds, share images, the sitemap, robots.txt,
// oEmbed and the widget's colours.
func skipPath(p string) bool {
	for _, prefix := range []string{"/media/", "/static/", "/brand/", "/redaktion/medier/", "/healthz",
		"/feed/", "/delingsbillede/", "/sitemap.xml", "/robots.txt", "/oembed", "/indlejr/farve/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	for _, ext := range []string{".png", ".svg", ".pdf", ".js", ".css"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// crawl visits pages breadth first from seeds, following links and the
// choices of GET forms, staying inside scope.
func (c *crawler) crawl(seeds []string, scope func(path string) bool) {
	c.queue = append(c.queue, seeds...)
	client := c.e.reader
	if c.editor {
		client = c.e.editor
	}
	for len(c.queue) > 0 && len(c.pages) < 200 {
		u := c.queue[0]
		c.queue = c.queue[1:]
		if c.seen[u] {
			continue
		}
		c.seen[u] = true

		req, _ := http.NewRequest("GET", c.e.srv.URL+u, nil)
		route := c.e.hub.Web.RouteOf(req)
		if c.routes == nil {
			c.routes = map[string]int{}
		}
		if c.routes[route] >= perRoute {
			continue
		}
		c.routes[route]++
		res, err := client.Do(req)
		if err != nil {
			c.t.Fatalf("GET %s: %v", u, err)
		}
		body, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
		res.Body.Close()
		if err != nil {
			c.t.Fatal(err)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
		if err != nil {
			c.t.Fatalf("parse %s: %v", u, err)
		}

		// One address per page type, except that each kind of material
		// is its own type.
		typ := route + " " + doc.Find("main article[class]").First().AttrOr("class", "")
		if c.types[typ] < perType {
			c.types[typ]++
			c.pages = append(c.pages, page{URL: u, Route: route, Editor: c.editor, Status: res.StatusCode, HTML: body})
		}
		c.follow(u, doc, scope)
	}
}

func (c *crawler) follow(from string, doc *goquery.Document, scope func(string) bool) {
	base, _ := url.Parse(from)
	add := func(raw string) {
		u, err := base.Parse(raw)
		if err != nil || u.Host != "" || skipPath(u.Path) || !scope(u.Path) {
			return
		}
		u.Fragment = ""
		if s := u.String(); !c.seen[s] {
			c.queue = append(c.queue, s)
		}
	}
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		add(a.AttrOr("href", ""))
	})
	// Each choice of a GET form is a page too (the listing's filters).
	doc.Find("form").Each(func(_ int, f *goquery.Selection) {
		if !strings.EqualFold(f.AttrOr("method", "get"), "get") {
			return
		}
		action := f.AttrOr("action", from)
		f.Find("input[type=checkbox][name]").Each(func(_ int, in *goquery.Selection) {
			add(action + "?" + url.Values{in.AttrOr("name", ""): {in.AttrOr("value", "on")}}.Encode())
		})
		f.Find("input[type=search][name]").Each(func(_ int, in *goquery.Selection) {
			add(action + "?" + url.Values{in.AttrOr("name", ""): {"forældre"}}.Encode())
		})
	})
}

// allPages crawls the hub as a reader and as an editor.
func allPages(t *testing.T, e *env) []page {
	t.Helper()
	public := &crawler{t: t, e: e, seen: map[string]bool{}, types: map[string]int{}}
	public.crawl([]string{"/", "/side-der-ikke-findes", "/redaktion/login", "/redaktion/login/kode",
		"/redaktion/opsaetning?token=" + url.QueryEscape(e.token),
		"/redaktion/adgangskode?token=" + url.QueryEscape(e.invite),
		"/redaktion/adgangskode?token=" + url.QueryEscape(e.reset)},
		func(p string) bool {
			return !strings.HasPrefix(p, "/redaktion/") || p == "/redaktion/login" || p == "/redaktion/login/kode" ||
				p == "/redaktion/glemt-adgangskode" || p == "/redaktion/adgangskode"
		})
	editor := &crawler{t: t, e: e, seen: map[string]bool{}, types: map[string]int{}, editor: true}
	// The editor also follows the previews of the embed pages, which are
	// public but linked only from the workspace; a light colour checks the
	// widget's text on it. The social channels' pages start from seeds
	// that show every state.
	seeds := append([]string{"/redaktion", "/redaktion/deling/indlejring?farve=%23ffd700&antal=3"}, e.social...)
	editor.crawl(seeds, func(p string) bool {
		return strings.HasPrefix(p, "/redaktion") || strings.HasPrefix(p, "/indlejr/")
	})
	return append(public.pages, editor.pages...)
}

// TestEveryPageRouteIsCrawled keeps the checks honest: a GET route that
// serves a page and that the crawl never reached fails here, so it cannot
// escape the browser checks.
func TestEveryPageRouteIsCrawled(t *testing.T) {
	e := newEnv(t)
	pages := allPages(t, e)
	reached := map[string]bool{}
	for _, p := range pages {
		reached[p.Route] = true
	}
	var missing []string
	for _, r := range e.hub.Web.Routes() {
		pattern := r.Method + " " + r.Pattern
		if r.Method != "GET" || skipPath(strings.TrimSuffix(r.Pattern, "{key}")) ||
			strings.HasPrefix(r.Pattern, "/static/") || strings.HasPrefix(r.Pattern, "/brand/") {
			continue
		}
		if !reached[pattern] {
			missing = append(missing, pattern)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("page routes no crawl reached (link to them or seed them): %v", missing)
	}
	if !reached["/"] {
		t.Error("the not-found page was not checked")
	}
	t.Logf("%d pages of %d types", len(pages), len(reached))
}
