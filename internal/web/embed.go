package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/share"
	"github.com/bindeled/bindeled/internal/storage"
)

// Other sites show the hub's materials in two ways, both as an iframe of
// an embed page: a material's card, found through oEmbed when its address
// is pasted into a site that asks for one, and the list widget, pasted as
// a snippet. The embed pages are the only pages that other sites may
// frame; they read no session, set no cookie and are the same bytes for
// every reader.

// The card's size in an oEmbed answer, in CSS pixels: its width and
// height unless the consumer asks for less, and the least it can be shown
// in.
const (
	cardWidth     = 560
	cardHeight    = 200
	cardMinWidth  = 200
	cardMinHeight = 120
	// oembedCacheAge is how long, in seconds, a consumer may keep an answer.
	oembedCacheAge = 3600
)

// embedSandbox is what the embed iframes allow: scripts (to report their
// height), and opening a link in a new tab or, on a click, in the page
// that frames them. Not allow-same-origin: the frame gets an origin of its
// own and cannot touch the host's page or storage.
const embedSandbox = "allow-scripts allow-popups allow-popups-to-escape-sandbox " +
	"allow-top-navigation-by-user-activation"

// OEmbed is an oEmbed 1.0 response of type rich.
type OEmbed struct {
	XMLName         xml.Name `json:"-" xml:"oembed"`
	Type            string   `json:"type" xml:"type"`
	Version         string   `json:"version" xml:"version"`
	Title           string   `json:"title" xml:"title"`
	ProviderName    string   `json:"provider_name" xml:"provider_name"`
	ProviderURL     string   `json:"provider_url" xml:"provider_url"`
	CacheAge        int      `json:"cache_age" xml:"cache_age"`
	HTML            string   `json:"html" xml:"html"`
	Width           int      `json:"width" xml:"width"`
	Height          int      `json:"height" xml:"height"`
	ThumbnailURL    string   `json:"thumbnail_url,omitempty" xml:"thumbnail_url,omitempty"`
	ThumbnailWidth  int      `json:"thumbnail_width,omitempty" xml:"thumbnail_width,omitempty"`
	ThumbnailHeight int      `json:"thumbnail_height,omitempty" xml:"thumbnail_height,omitempty"`
}

// oembedError is an answer the oEmbed specification names: 400 for a
// malformed request, 404 when there is nothing to embed, 501 for a format
// the provider does not speak.
type oembedError struct {
	status int
	key    string // the message, translated
}

func (e *oembedError) Error() string { return fmt.Sprintf("oembed %d: %s", e.status, e.key) }

// oembed answers a consumer that asks how to embed a material's address.
func (s *Server) oembed(w http.ResponseWriter, r *http.Request) error {
	res, format, err := s.oembedAnswer(r)
	var oe *oembedError
	if errors.As(err, &oe) {
		b, berr := s.base(r, "")
		if berr != nil {
			return berr
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.Error(w, b.T(oe.key), oe.status)
		return nil
	}
	if err != nil {
		return err
	}

	var body []byte
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		x, err := xml.Marshal(res)
		if err != nil {
			return fmt.Errorf("oembed xml: %w", err)
		}
		body = append([]byte(`<?xml version="1.0" encoding="utf-8" standalone="yes"?>`+"\n"), x...)
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if body, err = json.Marshal(res); err != nil {
			return fmt.Errorf("oembed json: %w", err)
		}
	}
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(oembedCacheAge))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err = w.Write(append(body, '\n'))
	return err
}

// oembedAnswer reads the request's parameters and builds the answer.
func (s *Server) oembedAnswer(r *http.Request) (*OEmbed, string, error) {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "xml" {
		return nil, "", &oembedError{http.StatusNotImplemented, "site.oembed.format"}
	}
	width, okW := sizeParam(q.Get("maxwidth"), cardWidth)
	height, okH := sizeParam(q.Get("maxheight"), cardHeight)
	if !okW || !okH {
		return nil, "", &oembedError{http.StatusBadRequest, "site.oembed.size"}
	}
	if q.Get("url") == "" {
		return nil, "", &oembedError{http.StatusBadRequest, "site.oembed.url"}
	}
	if width < cardMinWidth || height < cardMinHeight {
		return nil, "", &oembedError{http.StatusNotFound, "site.oembed.too_small"}
	}
	m, err := s.materialAt(r, q.Get("url"))
	if errors.Is(err, errNotFound) || errors.Is(err, storage.ErrNotFound) {
		return nil, "", &oembedError{http.StatusNotFound, "site.oembed.unknown"}
	}
	if err != nil {
		return nil, "", err
	}

	b, err := s.base(r, m.Title)
	if err != nil {
		return nil, "", err
	}
	base := s.publicBase(r)
	res := &OEmbed{Type: "rich", Version: "1.0", Title: m.Title, ProviderName: b.Brand.Name,
		ProviderURL: base + "/", CacheAge: oembedCacheAge, Width: width, Height: height}
	res.HTML = embedIframe(base+"/indlejr/materialer/"+m.Slug, width, height, m.Title+" – "+b.Brand.Name)
	if img, err := s.coverOf(r, m); err != nil {
		return nil, "", err
	} else if img != nil && fits(img.Width, q.Get("maxwidth")) && fits(img.Height, q.Get("maxheight")) {
		// The thumbnail must respect the consumer's bounds too; a cover
		// larger than asked for is left out rather than stretched.
		res.ThumbnailURL, res.ThumbnailWidth, res.ThumbnailHeight = base+"/media/"+img.Key, img.Width, img.Height
	}
	return res, format, nil
}

// sizeParam reads maxwidth or maxheight: absent gives def; a positive
// whole number gives the smaller of it and def.
func sizeParam(v string, def int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, false
	}
	return min(n, def), true
}

// fits reports whether a thumbnail's side of n pixels respects a bound
// given as maxwidth or maxheight, already checked to read; none is no
// bound.
func fits(n int, bound string) bool {
	b, err := strconv.Atoi(bound)
	return err != nil || n <= b
}

// embedIframe is the html of an oEmbed answer: one sandboxed iframe, with
// only the attributes that hosts such as WordPress keep from a provider
// they do not know, and the sandbox and loading hints they may add to.
func embedIframe(src string, width, height int, title string) string {
	esc := template.HTMLEscapeString
	return `<iframe src="` + esc(src) + `" width="` + strconv.Itoa(width) + `" height="` + strconv.Itoa(height) +
		`" title="` + esc(title) + `" sandbox="` + embedSandbox + `" loading="lazy" frameborder="0"></iframe>`
}

// materialPath matches the path of a material's page.
var materialPath = regexp.MustCompile(`^/materialer/([a-z0-9-]+)/?$`)

// materialAt returns the published material whose public address raw is,
// following renamed slugs. An address of another site, of any other page
// or of a material that is not public is errNotFound.
func (s *Server) materialAt(r *http.Request, raw string) (*material.Material, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errNotFound
	}
	base, err := url.Parse(s.publicBase(r))
	if err != nil || !strings.EqualFold(u.Host, base.Host) {
		return nil, errNotFound
	}
	path, ok := strings.CutPrefix(u.Path, base.Path)
	if !ok {
		return nil, errNotFound
	}
	sub := materialPath.FindStringSubmatch(path)
	if sub == nil || !material.ValidSlug(sub[1]) {
		return nil, errNotFound
	}
	m, err := s.store.GetMaterialBySlug(r.Context(), sub[1])
	if errors.Is(err, storage.ErrNotFound) {
		current, rerr := s.store.RedirectSlug(r.Context(), sub[1])
		if rerr != nil {
			return nil, rerr
		}
		m, err = s.store.GetMaterialBySlug(r.Context(), current)
	}
	if err != nil {
		return nil, err
	}
	if m.Status != material.Published {
		return nil, errNotFound
	}
	return m, nil
}

// coverOf returns the image that stands for a material: its cover, or a
// film's poster; nil when it has neither.
func (s *Server) coverOf(r *http.Request, m *material.Material) (*storage.Media, error) {
	files, err := s.store.MediaByIDs(r.Context(), []int64{m.CoverID, m.PosterID})
	if err != nil {
		return nil, err
	}
	if img := files[m.CoverID]; img != nil {
		return img, nil
	}
	return files[m.PosterID], nil
}

// EmbedCardPage is a material's card, shown in a frame on another site.
type EmbedCardPage struct {
	Base
	Card Card
	Link string // the material's address, tagged
}

// embedCard shows a material as a compact card for other sites to frame.
func (s *Server) embedCard(w http.ResponseWriter, r *http.Request) error {
	m, err := s.publishedBySlug(w, r)
	if err != nil {
		return err
	}
	cards, err := s.cards(r, []*material.Material{m})
	if err != nil {
		return err
	}
	b, err := s.base(r, m.Title)
	if err != nil {
		return err
	}
	b.Description = m.Summary
	p := EmbedCardPage{Base: b, Card: cards[0], Link: share.Tagged(cards[0].URL, share.Card)}
	return s.render(w, http.StatusOK, "embed/card", p)
}

// The list widget shows at most this many materials, and by default this
// many.
const (
	widgetMax     = 12
	widgetDefault = 5
)

// The list widget's own parameters, beside the listing's filters.
const (
	paramColour = "farve"
	paramCount  = "antal"
)

// EmbedListPage is the list widget: the newest published materials for a
// choice of the listing's filters, in the host site's colour.
type EmbedListPage struct {
	Base
	Cards     []Card
	AllURL    string // the listing with the same filters
	BadFilter bool
	// ColourCSS is the stylesheet with the host's colour, or the brand's.
	ColourCSS string
}

// Widget is what the list widget shows: the filters, how many and in
// which colour. The zero value is the newest five in the brand's colour.
type Widget struct {
	Query  url.Values // the listing's filters, as the listing reads them
	Count  int
	Colour *brand.Colour
}

// parseWidget reads the widget's parameters. A colour or a count that
// does not read is reported in problems under its parameter's name.
func parseWidget(q url.Values) (Widget, map[string]string) {
	wd := Widget{Query: url.Values{}, Count: widgetDefault}
	problems := map[string]string{}
	for _, name := range []string{paramKind, paramAudience, paramTheme, paramGrade, paramSchool} {
		for i, v := range q[name] {
			if i < maxFilterValues {
				wd.Query.Add(name, v)
			}
		}
	}
	if v := strings.TrimSpace(q.Get(paramCount)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > widgetMax {
			problems[paramCount] = "error.widget_count"
		} else {
			wd.Count = n
		}
	}
	if v := strings.TrimSpace(q.Get(paramColour)); v != "" {
		c, err := brand.ParseColour("#" + strings.TrimPrefix(v, "#"))
		if err != nil {
			problems[paramColour] = "error.widget_colour"
		} else {
			wd.Colour = &c
		}
	}
	return wd, problems
}

// Encode returns the widget's query string, in a stable order.
func (wd Widget) Encode() string {
	v := url.Values{}
	for k, vs := range wd.Query {
		v[k] = vs
	}
	if wd.Count != widgetDefault {
		v.Set(paramCount, strconv.Itoa(wd.Count))
	}
	if wd.Colour != nil {
		v.Set(paramColour, strings.TrimPrefix(wd.Colour.Hex(), "#"))
	}
	return v.Encode()
}

// embedList shows the list widget for other sites to frame. A colour or
// count that does not read is left out, so a widget on a live site keeps
// working; the builder in the workspace names such mistakes.
func (s *Server) embedList(w http.ResponseWriter, r *http.Request) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title = b.T("site.widget.title")
	wd, _ := parseWidget(r.URL.Query())
	themes, schools, err := s.filterLists(r.Context())
	if err != nil {
		return err
	}
	f, bad := parseFilter(wd.Query, themes, schools)
	facets, err := s.store.PublishedFacets(r.Context())
	if err != nil {
		return err
	}
	ids, _ := facets.Select(f)
	ms, err := s.store.MaterialsByID(r.Context(), ids[:min(wd.Count, len(ids))])
	if err != nil {
		return err
	}
	p := EmbedListPage{Base: b, BadFilter: bad != nil, ColourCSS: b.BrandCSS(), AllURL: "/materialer"}
	if p.Cards, err = s.cards(r, ms); err != nil {
		return err
	}
	for i := range p.Cards {
		p.Cards[i].URL = share.Tagged(p.Cards[i].URL, share.Widget)
	}
	if len(wd.Query) > 0 {
		p.AllURL += "?" + wd.Query.Encode()
	}
	if wd.Colour != nil {
		p.ColourCSS = "/indlejr/farve/" + strings.TrimPrefix(wd.Colour.Hex(), "#") + ".css"
	}
	return s.render(w, http.StatusOK, "embed/list", p)
}

// colourCSSName matches the name of a widget colour's stylesheet.
var colourCSSName = regexp.MustCompile(`^([0-9a-f]{6})\.css$`)

// embedColourCSS serves the stylesheet that puts a host's colour on the
// list widget, with the text colour that reads on it and a shade of it
// that reads as links on white. The colour is in the name, so the file
// never changes.
func (s *Server) embedColourCSS(w http.ResponseWriter, r *http.Request) error {
	m := colourCSSName.FindStringSubmatch(r.PathValue("name"))
	if m == nil {
		return errNotFound
	}
	c, err := brand.ParseColour("#" + m[1])
	if err != nil {
		return errNotFound
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err = w.Write([]byte(colourCSS(c)))
	return err
}

// colourCSS sets the widget's colours: the host's colour, the text on it
// (white or black, whichever reaches 4.5:1) and the colour of links.
func colourCSS(c brand.Colour) string {
	text, _ := brand.TextOn(c)
	return fmt.Sprintf(":root{--brand:%s;--brand-text:%s;--brand-ink:%s}\n", c.Hex(), text.Hex(), brand.Ink(c).Hex())
}

// widgetScriptPath is the stable address of the script that sizes the
// list widget on the host's page. Pasted snippets keep it for years, so
// it is versioned by its protocol rather than by its content: a change
// that host pages would notice gets a new number.
const widgetScriptPath = "/indlejr/liste.v1.js"

// widgetScript serves the script that fits the list widget's frame to its
// content on the host's page.
func (s *Server) widgetScript(w http.ResponseWriter, r *http.Request) error {
	b := s.assets.files[s.assets.hashed["widget.js"]]
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err := w.Write(b)
	return err
}
