package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assets maps each static file to a name with its content hash, so that
// the files can be cached for a year and still change with a release.
type assets struct {
	hashed map[string]string // "site.css" -> "site.3f2a9c1d7e.css"
	files  map[string][]byte // hashed name -> content
	// served is each file's response by hashed name: at first only the
	// bytes as they are, then also compressed (compress).
	served map[string]*atomic.Pointer[cachedPage]
	// compressed is closed when every file has its compressed bytes.
	compressed   chan struct{}
	compressOnce sync.Once
}

// staticAssets are the embedded files, the same for every server of the
// process, hashed once. They are compressed once, in the background from
// the server's start (startCompressing; about 60 ms of one core), so that
// the start and the first page are not kept waiting; a file asked for
// before then is sent as it is.
var staticAssets = sync.OnceValues(loadAssets)

// startCompressing begins compressing the static files, once.
func (a *assets) startCompressing() {
	a.compressOnce.Do(func() { go a.compress() })
}

// compress makes the brotli and gzip bytes of every file at the best
// levels, which a few hundred milliseconds of one core do once.
func (a *assets) compress() {
	for _, p := range a.served {
		old := p.Load()
		c := *old
		c.br = brotliBytes(old.plain, brotli.BestCompression)
		c.gz = gzipBytes(old.plain, gzip.BestCompression)
		c.prepare()
		p.Store(&c)
	}
	close(a.compressed)
}

func loadAssets() (*assets, error) {
	a := &assets{hashed: map[string]string{}, files: map[string][]byte{},
		served: map[string]*atomic.Pointer[cachedPage]{}, compressed: make(chan struct{})}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.hashed[name], a.files[h] = h, b
		cp := &cachedPage{key: h, plain: b, length: len(b), etag: `"` + strings.TrimSuffix(h, ext) + `"`,
			header: http.Header{"Content-Type": {mime.TypeByExtension(ext)},
				"Cache-Control": {"public, max-age=31536000, immutable"}}}
		cp.prepare()
		a.served[h] = &atomic.Pointer[cachedPage]{}
		a.served[h].Store(cp)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load assets: %w", err)
	}
	return a, nil
}

// url returns the address of a static file; an unknown name panics at the
// first render, which the template tests catch.
func (a *assets) url(name string) string {
	h, ok := a.hashed[name]
	if !ok {
		panic("unknown asset " + name)
	}
	return "/static/" + h
}

// views holds the page templates. Each is parsed, with its face's layout
// and the shared templates, when a page of its kind is first shown, and
// then kept for the life of the process: parsed, a page takes about 200 KB
// of memory, and a hub that only serves readers never needs the forty
// pages of the workspace. The templates are part of the binary, so
// TestEveryTemplateParses proves before a release what parsing them all at
// each start would.
type views struct {
	pages map[string]func() (*template.Template, error)
}

// pageViews are the page templates, the same for every server of the
// process.
var pageViews = sync.OnceValues(listViews)

// listViews names every page template ("site/article") without parsing it.
func listViews() (*views, error) {
	v := &views{pages: map[string]func() (*template.Template, error){}}
	for _, face := range []string{"site", "ws", "embed"} {
		names, err := fs.Glob(templateFS, "templates/"+face+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			base := path.Base(name)
			if base == "layout.html" {
				continue
			}
			v.pages[face+"/"+strings.TrimSuffix(base, ".html")] = sync.OnceValues(func() (*template.Template, error) {
				t, err := template.New(base).Funcs(templateFuncs).ParseFS(templateFS,
					"templates/"+face+"/layout.html", "templates/shared/*.html", name)
				if err != nil {
					return nil, fmt.Errorf("parse template %s: %w", name, err)
				}
				return t, nil
			})
		}
	}
	return v, nil
}

// page returns the parsed template of a page, such as "site/article".
func (v *views) page(name string) (*template.Template, error) {
	parse, ok := v.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	return parse()
}

// templateFuncs are the few helpers that templates cannot do with methods.
var templateFuncs = template.FuncMap{
	"cardList":      func(p pager, cards []Card) CardList { return CardList{Base: p.PageBase(), Cards: cards} },
	"audienceParam": audienceParams.param,
	"humanSize":     media.HumanSize,
	"paragraphs":    paragraphs,
	"problems":      fieldProblems,
	"fileField":     newFileField,
	"audiences":     func() []material.Audience { return material.Audiences },
	"grades":        func() []material.GradeBand { return material.GradeBands },
	"hasID":         slices.Contains[[]int64],
	"hasGrade":      slices.Contains[[]material.GradeBand],
	"inc":           func(i int) int { return i + 1 },
	"scaledHeight": func(m *storage.Media, width int) int {
		if m.Width == 0 {
			return width
		}
		return m.Height * width / m.Width
	},
}

// paragraphs shows plain text with its blank-line paragraphs kept.
func paragraphs(text string) template.HTML {
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + template.HTMLEscapeString(p) + "</p>")
		}
	}
	return template.HTML(b.String()) // every piece of text is escaped above
}

// pager is any page; each embeds Base.
type pager interface{ PageBase() Base }

// CardList is what the "cards" template shows.
type CardList struct {
	Base
	Cards []Card
}

// Base is what every page shows: the brand, the language, the title and,
// in the workspace, who is logged in.
type Base struct {
	Lang        i18n.Lang
	Brand       brand.Settings
	Title       string
	Description string
	Canonical   string
	Section     string // the current menu item
	LogoURL     string
	LogoWidth   int
	LogoHeight  int
	User        *storage.User
	CSRF        string
	Flash       string
	RequestID   string
	// WorkspaceCSS adds the workspace's styles to a public page shown in
	// the workspace, such as a reviewer's reading view with its forms.
	WorkspaceCSS bool
	Unread       int // the user's unread notifications
	// Feeds are offered to feed readers in the page's head.
	Feeds []FeedLink
	// Social describes a public page for links shared elsewhere, and
	// JSONLD describes its material in schema.org terms.
	Social *SocialMeta
	JSONLD template.JS

	assets   *assets
	brandCSS string
	siteCSS  string
}

// CanWrite reports whether the user writes materials.
func (b Base) CanWrite() bool { return accessOf(b.User) >= Writer }

// CanEditAll reports whether the user edits and publishes every material.
func (b Base) CanEditAll() bool { return accessOf(b.User) >= Editor }

// IsAdmin reports whether the user is an admin.
func (b Base) IsAdmin() bool { return accessOf(b.User) >= Admin }

// PageBase returns b; pages that embed Base inherit it.
func (b Base) PageBase() Base { return b }

// T translates a message key into the page's language.
func (b Base) T(key string, args ...any) string { return i18n.T(b.Lang, key, args...) }

// Asset returns the content-hashed address of a static file.
func (b Base) Asset(name string) string { return b.assets.url(name) }

// BrandCSS returns the address of the stylesheet with the brand colour.
func (b Base) BrandCSS() string { return b.brandCSS }

// SiteCSS returns the address of the public site's one stylesheet: site.css
// followed by the brand colour, named by a hash of both.
func (b Base) SiteCSS() string { return b.siteCSS }

var danishMonths = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli",
	"august", "september", "oktober", "november", "december"}

// Date formats a date the way the page's language writes it.
func (b Base) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(copenhagen)
	if b.Lang == i18n.English {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d. %s %d", t.Day(), danishMonths[t.Month()-1], t.Year())
}

// DateTime formats a moment as Copenhagen time with its offset, such as
// "2. april 2025 kl. 07:00 (+02:00)".
func (b Base) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(copenhagen)
	return b.T("datetime", b.Date(t), l.Format("15:04"), l.Format("-07:00"))
}

// ISODate formats a date for the datetime attribute of <time>.
func (b Base) ISODate(t time.Time) string { return t.In(copenhagen).Format("2006-01-02") }

var copenhagen = localtime.Zone

// base builds the Base of a page for this request.
func (s *Server) base(r *http.Request, title string) (Base, error) {
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return Base{}, err
	}
	st := state(r)
	b := Base{
		Lang:      i18n.Danish,
		Brand:     brand.FromMap(kv),
		Title:     title,
		User:      st.user,
		RequestID: st.requestID,
		assets:    s.assets,
	}
	b.brandCSS = "/brand/" + brandCSSName(b.Brand)
	b.siteCSS = "/brand/" + siteCSSName(s.assets, b.Brand)
	b.Description = b.T("home.lead")
	if b.Brand.LogoID != 0 {
		if m, err := s.store.GetMedia(r.Context(), b.Brand.LogoID); err == nil {
			b.LogoURL, b.LogoWidth, b.LogoHeight = "/media/"+m.Key, m.Width, m.Height
		}
	}
	if st.sessionID != "" {
		b.CSRF = auth.CSRFToken(s.secret, st.sessionID)
	}
	if st.user != nil {
		if b.Unread, err = s.store.UnreadCount(r.Context(), st.user.ID); err != nil {
			return Base{}, err
		}
	}
	return b, nil
}

func brandCSSName(b brand.Settings) string {
	sum := sha256.Sum256([]byte(b.CSS()))
	return "brand." + hex.EncodeToString(sum[:5]) + ".css"
}

// siteCSSName names the public stylesheet by a hash of site.css (its
// hashed name) and the brand colour's rules.
func siteCSSName(a *assets, b brand.Settings) string {
	sum := sha256.Sum256([]byte(a.hashed["site.css"] + "\n" + b.CSS()))
	return fmt.Sprintf("site.%s.css", hex.EncodeToString(sum[:5]))
}

// render executes a page template into a buffer first, so that a template
// error gives a clean error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, status int, page string, data any) error {
	t, err := s.views.page(page)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = buf.WriteTo(w)
	return err
}

// ErrorPage shows a problem to the reader.
type ErrorPage struct {
	Base
	Heading string
	Text    string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, titleKey, textKey string) {
	s.renderProblem(w, r, status, titleKey, func(b Base) string {
		if status >= 500 {
			return b.T(textKey, b.RequestID) // the only text that names the request
		}
		return b.T(textKey)
	})
}

// renderProblem writes an error page whose text the caller words, such as
// one that names the part of an address that was not understood.
func (s *Server) renderProblem(w http.ResponseWriter, r *http.Request, status int, titleKey string,
	text func(Base) string) {
	b, err := s.base(r, "")
	if err != nil {
		b = Base{Lang: i18n.Danish, Brand: brand.FromMap(nil), assets: s.assets, RequestID: state(r).requestID}
		b.brandCSS = "/brand/" + brandCSSName(b.Brand)
		b.siteCSS = "/brand/" + siteCSSName(s.assets, b.Brand)
	}
	b.Title = b.T(titleKey)
	face := "site/error"
	if strings.HasPrefix(r.URL.Path, "/redaktion") && b.User != nil {
		face = "ws/error"
	}
	p := ErrorPage{Base: b, Heading: b.T(titleKey), Text: text(b)}
	if err := s.render(w, status, face, p); err != nil {
		s.log.Error("render error page", "err", err)
		http.Error(w, http.StatusText(status), status)
	}
}

// serveAsset serves a content-hashed static file, compressed when the
// reader takes it and its compressed bytes are made.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) error {
	p, ok := s.assets.served[r.PathValue("name")]
	if !ok {
		return errNotFound
	}
	s.assets.startCompressing()
	writePage(w, r, p.Load())
	return nil
}

// serveBrandCSS serves the stylesheets with the municipality's colour:
// site.….css, the public site's one stylesheet (site.css and the colour),
// and brand.….css, the colour alone, for the workspace and embed pages.
// It is in the page cache, which compresses it.
func (s *Server) serveBrandCSS(w http.ResponseWriter, r *http.Request) error {
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	b := brand.FromMap(kv)
	name, current := r.PathValue("name"), brandCSSName(b)
	site := strings.HasPrefix(name, "site.")
	if site {
		current = siteCSSName(s.assets, b)
	}
	if name != current {
		// An old name after a colour change: send the current one, briefly
		// cached, and not kept in the page cache, where any name would
		// otherwise make an entry of its own.
		w.Header().Set("Cache-Control", "public, max-age=60")
		if st := state(r); st.cache != nil {
			st.cache.once = true
		}
	} else {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	if site {
		if _, err := w.Write(s.assets.files[s.assets.hashed["site.css"]]); err != nil {
			return err
		}
	}
	_, err = w.Write([]byte(b.CSS()))
	return err
}

func hashToken(t string) string { return auth.HashToken(t) }
