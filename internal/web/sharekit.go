package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/share"
)

// channelLabels names each channel for editors.
var channelLabels = map[share.Channel]string{
	share.Aula:       "ws.share.channel_aula",
	share.Newsletter: "ws.share.channel_newsletter",
	share.QR:         "ws.share.channel_qr",
	share.Poster:     "ws.share.channel_poster",
	share.Widget:     "ws.share.channel_widget",
	share.Card:       "ws.share.channel_card",
	share.Facebook:   "ws.share.channel_facebook",
	share.LinkedIn:   "ws.share.channel_linkedin",
}

// ChannelColumn is a channel as a column of a table of visits.
type ChannelColumn struct {
	Channel share.Channel
	Label   string
}

// VisitRow is a row of a table of visits: a day or a material, with the
// visits per column and their sum.
type VisitRow struct {
	Day    time.Time
	ID     int64
	Title  string
	Counts []int
	Total  int
}

// VisitTable counts visits per channel, in the columns of the channels
// that brought any.
type VisitTable struct {
	Columns []ChannelColumn
	Rows    []VisitRow
	Totals  []int
	Total   int
}

// newVisitTable makes the table's columns for the channels that appear in
// used, in the order of share.Channels.
func newVisitTable(b Base, used map[string]bool) VisitTable {
	var t VisitTable
	for _, c := range share.Channels {
		if used[string(c)] {
			t.Columns = append(t.Columns, ChannelColumn{Channel: c, Label: b.T(channelLabels[c])})
		}
	}
	t.Totals = make([]int, len(t.Columns))
	return t
}

// add counts visits of channel in row i.
func (t *VisitTable) add(i int, channel string, visits int) {
	for j, col := range t.Columns {
		if string(col.Channel) == channel {
			t.Rows[i].Counts[j] += visits
			t.Rows[i].Total += visits
			t.Totals[j] += visits
			t.Total += visits
		}
	}
}

// period returns the first and last day of the days up to today, in
// Copenhagen, as YYYY-MM-DD.
func period(days int) (from, to string) {
	today := time.Now().In(copenhagen)
	return today.AddDate(0, 0, 1-days).Format(time.DateOnly), today.Format(time.DateOnly)
}

// shareDays is how far back a material's share kit counts its visits.
const shareDays = 30

// TaggedLink is a material's address for one channel.
type TaggedLink struct {
	Label string
	URL   string
}

// WSSharePage is a material's share kit: the texts, the QR code, the
// poster, the embed code and the visits each channel brought.
type WSSharePage struct {
	Base
	M           *material.Material
	Published   bool
	PublicURL   string // the material's address, without a tag
	AulaSubject string
	AulaBody    string
	Newsletter  string
	Links       []TaggedLink
	KitURL      string // the share kit's own address, for its files
	EmbedURL    string // the card that oEmbed frames
	EmbedCode   string // the card's iframe, for sites without oEmbed
	Visits      VisitTable
	Days        int
}

// wsShareKit shows what an editor needs to share a published material.
func (s *Server) wsShareKit(w http.ResponseWriter, r *http.Request) error {
	m, err := s.materialFromPath(r)
	if err != nil {
		return err
	}
	b, err := s.wsBase(r, "ws.share.title")
	if err != nil {
		return err
	}
	b.Title = b.T("ws.share.heading", m.Title) + " – " + b.T("ws.title")
	b.Section = "sharing"
	p := WSSharePage{Base: b, M: m, Published: m.Status == material.Published, Days: shareDays,
		KitURL: "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10) + "/deling"}
	if p.Published {
		it := s.shareItem(r, m, b.Brand)
		p.PublicURL = it.URL
		p.AulaSubject, p.AulaBody = share.AulaMessage(it)
		p.Newsletter = share.NewsletterText(it)
		for _, c := range []share.Channel{share.Facebook, share.LinkedIn, share.Aula, share.Newsletter} {
			p.Links = append(p.Links, TaggedLink{Label: b.T(channelLabels[c]), URL: share.Tagged(it.URL, c)})
		}
		base := s.publicBase(r)
		p.EmbedURL = "/indlejr/materialer/" + m.Slug
		p.EmbedCode = embedIframe(base+p.EmbedURL, cardWidth, cardHeight, m.Title+" – "+b.Brand.Name)
	}

	from, to := period(shareDays)
	visits, err := s.store.MaterialVisits(r.Context(), m.ID, from, to)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, v := range visits {
		used[v.Channel] = true
	}
	p.Visits = newVisitTable(b, used)
	for _, v := range visits {
		n := len(p.Visits.Rows)
		if n == 0 || p.Visits.Rows[n-1].Day.Format(time.DateOnly) != v.Day {
			day, _ := time.ParseInLocation(time.DateOnly, v.Day, copenhagen)
			p.Visits.Rows = append(p.Visits.Rows, VisitRow{Day: day, Counts: make([]int, len(p.Visits.Columns))})
			n++
		}
		p.Visits.add(n-1, v.Channel, v.Visits)
	}
	return s.render(w, http.StatusOK, "ws/share", p)
}

// shareItem is what the share kit's texts say about a material.
func (s *Server) shareItem(r *http.Request, m *material.Material, b brand.Settings) share.Item {
	return share.Item{Title: m.Title, Summary: m.Summary, Kind: m.Kind, Language: m.Language,
		URL: s.publicBase(r) + "/materialer/" + m.Slug, Hub: b.Name}
}

// publishedFromPath is the published material the address names; the
// files of the share kit exist only for those.
func (s *Server) publishedFromPath(r *http.Request) (*material.Material, brand.Settings, error) {
	m, err := s.materialFromPath(r)
	if err != nil {
		return nil, brand.Settings{}, err
	}
	if m.Status != material.Published {
		return nil, brand.Settings{}, errNotFound
	}
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return nil, brand.Settings{}, err
	}
	return m, brand.FromMap(kv), nil
}

// qrScale is how many pixels a module of the QR code's PNG gets: about
// 330 pixels for a material's address, enough to print at 3 cm.
const qrScale = 8

func (s *Server) wsQRPNG(w http.ResponseWriter, r *http.Request) error {
	m, b, err := s.publishedFromPath(r)
	if err != nil {
		return err
	}
	code, err := share.NewCode(share.Tagged(s.shareItem(r, m, b).URL, share.QR))
	if err != nil {
		return err
	}
	png, err := code.PNG(qrScale)
	if err != nil {
		return err
	}
	return sendFile(w, "image/png", "qr-"+m.Slug+".png", png)
}

func (s *Server) wsQRSVG(w http.ResponseWriter, r *http.Request) error {
	m, b, err := s.publishedFromPath(r)
	if err != nil {
		return err
	}
	code, err := share.NewCode(share.Tagged(s.shareItem(r, m, b).URL, share.QR))
	if err != nil {
		return err
	}
	title := i18n.T(i18n.Danish, "ws.share.qr_title", m.Title)
	return sendFile(w, "image/svg+xml", "qr-"+m.Slug+".svg", code.SVG(title))
}

func (s *Server) wsPoster(w http.ResponseWriter, r *http.Request) error {
	m, b, err := s.publishedFromPath(r)
	if err != nil {
		return err
	}
	pdf, err := share.PosterPDF(s.shareItem(r, m, b), b.Colour, m.UpdatedAt)
	if err != nil {
		return err
	}
	return sendFile(w, "application/pdf", "plakat-"+m.Slug+".pdf", pdf)
}

// sendFile sends a file made for the editor to download.
func sendFile(w http.ResponseWriter, contentType, name string, body []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

// The periods the visits overview offers, in days; the first is the
// default.
var visitPeriods = []int{30, 7, 90, 365}

// WSVisitsPage shows the visits every channel brought, per material.
type WSVisitsPage struct {
	Base
	Days    int
	Periods []int
	Visits  VisitTable
}

// wsVisits shows, for a period up to today, how many visits each channel
// brought to each material, the most visited first.
func (s *Server) wsVisits(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.visits")
	if err != nil {
		return err
	}
	b.Section = "sharing"
	p := WSVisitsPage{Base: b, Days: visitPeriods[0], Periods: visitPeriods}
	if n, err := strconv.Atoi(r.URL.Query().Get("dage")); err == nil && slices.Contains(visitPeriods, n) {
		p.Days = n
	}
	from, to := period(p.Days)
	totals, err := s.store.VisitTotals(r.Context(), from, to)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for _, t := range totals {
		used[t.Channel] = true
	}
	p.Visits = newVisitTable(b, used)
	for _, t := range totals {
		n := len(p.Visits.Rows)
		if n == 0 || p.Visits.Rows[n-1].ID != t.MaterialID {
			p.Visits.Rows = append(p.Visits.Rows, VisitRow{ID: t.MaterialID, Title: t.Title,
				Counts: make([]int, len(p.Visits.Columns))})
			n++
		}
		p.Visits.add(n-1, t.Channel, t.Visits)
	}
	slices.SortStableFunc(p.Visits.Rows, func(a, b VisitRow) int { return b.Total - a.Total })
	return s.render(w, http.StatusOK, "ws/visits", p)
}

// WSWidgetPage builds the list widget's snippet: the editor chooses
// filters, a number and a colour, sees the widget and copies the code.
type WSWidgetPage struct {
	Base
	Groups     []FilterGroup
	Colour     string // as typed
	Count      int
	Counts     []int
	Problems   map[string]string // by parameter, translated
	PreviewURL string            // the widget, on this hub
	Snippet    string            // the HTML to paste
	ScriptURL  string
	TextWhite  bool   // the heading's text on the colour is white
	Contrast   string // of the heading's text on the colour, as "7,4"
	LinkColour string
	Feeds      []WidgetFeed // of the same filter
}

// WidgetFeed is a feed of the widget's filter, offered beside its
// snippet for a site or reader that takes a feed: the light default and
// the one with the full text.
type WidgetFeed struct {
	Label   string
	URL     string
	FullURL string
}

// wsWidgetBuilder shows the widget builder. It is a GET form, so every
// choice is an address the editor can keep.
func (s *Server) wsWidgetBuilder(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.widget")
	if err != nil {
		return err
	}
	b.Section = "sharing"
	q := r.URL.Query()
	wd, problems := parseWidget(q)
	themes, schools, err := s.filterLists(r.Context())
	if err != nil {
		return err
	}
	f, bad := parseFilter(wd.Query, themes, schools)
	facets, err := s.store.PublishedFacets(r.Context())
	if err != nil {
		return err
	}
	_, counts := facets.Select(f)

	p := WSWidgetPage{Base: b, Colour: strings.TrimSpace(q.Get(paramColour)), Count: wd.Count,
		Groups: filterGroups(b, f, counts, themes, schools, nil), Problems: map[string]string{}}
	for i := 1; i <= widgetMax; i++ {
		p.Counts = append(p.Counts, i)
	}
	for name, key := range problems {
		p.Problems[name] = b.T(key)
	}
	if bad != nil { // a widget with a typing mistake would show everything
		p.Problems["filter"] = b.T("ws.widget.bad_filter", bad.Param, bad.Value)
		problems["filter"] = "ws.widget.bad_filter"
	}
	if len(problems) > 0 {
		p.Flash = b.T("error.form")
		return s.render(w, http.StatusUnprocessableEntity, "ws/widget", p)
	}

	colour := b.Brand.Colour
	if wd.Colour != nil {
		colour = *wd.Colour
	}
	text, ratio := brand.TextOn(colour)
	p.TextWhite, p.Contrast, p.LinkColour = text == brand.White, decimal(b, ratio), brand.Ink(colour).Hex()
	p.PreviewURL = "/indlejr/liste"
	if enc := wd.Encode(); enc != "" {
		p.PreviewURL += "?" + enc
	}
	base := s.publicBase(r)
	p.ScriptURL = base + widgetScriptPath
	p.Snippet = widgetSnippet(base+p.PreviewURL, b.T("site.widget.frame_title", b.Brand.Name), p.ScriptURL)
	p.Feeds = widgetFeeds(base, filterQuery(f, themes, schools))
	return s.render(w, http.StatusOK, "ws/widget", p)
}

// widgetSnippet is the HTML a site pastes to show the list widget: the
// sandboxed iframe, full width up to a reading measure, and the script
// that fits its height.
func widgetSnippet(src, title, script string) string {
	esc := template.HTMLEscapeString
	return `<iframe src="` + esc(src) + `" title="` + esc(title) + `" width="400" height="480"` +
		` style="width:100%;max-width:40rem;height:480px;border:0" sandbox="` + embedSandbox +
		`" loading="lazy" data-bindeled-liste></iframe>` + "\n" +
		`<script src="` + esc(script) + `" async></script>`
}

// decimal writes a ratio with one decimal the page's language's way.
func decimal(b Base, v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if b.Lang == i18n.Danish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
