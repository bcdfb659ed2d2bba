package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/bits"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
)

// DefaultPageCacheBytes bounds the page cache when the configuration does
// not say: a few thousand compressed pages.
const DefaultPageCacheBytes = 32 << 20

// The public pages are the same bytes for every reader, so their responses
// are kept, compressed, in memory. An entry belongs to an epoch: the page
// version (which moves with every committed change to what public pages
// show) and the date in Copenhagen (pages name days relative to today).
// The version is read before a page is rendered, so a page is never kept
// under a version newer than what it shows; when the epoch moves, every
// entry goes.
//
// The bytes are bounded. Pages whose address has a query (filters,
// searches, a film's player), and without a configured base URL those
// asked for under another host than the canonical one, are kept apart from
// the others and get a quarter of the bound, so that random queries or
// Host headers cannot push the front page and the materials out. Filling is single-flight per address: when many
// readers ask at once for a page that is not kept, one renders it and the
// others wait for it.
type pageCache struct {
	mu      sync.Mutex
	epoch   pageEpoch
	plain   pageLRU // addresses without a query, on the canonical host
	queried pageLRU // the variants: addresses with one, or on another host
	flights map[string]*pageFlight
	// canonical is the public base (scheme and host) of the first page
	// kept when no base URL is configured.
	canonical string
	// Counters, for tests and the docs.
	hits, fills atomic.Int64
}

// pageEpoch is what every kept page depends on.
type pageEpoch struct {
	version int64
	day     string
}

// cachedPage is a kept response: its headers, and its body compressed
// with brotli and gzip. Readers that take neither get the gzip bytes
// decompressed, which is rare enough not to keep a third copy for pages;
// static files keep theirs (plain).
type cachedPage struct {
	key    string
	header http.Header
	etag   string // the quoted hash of the uncompressed body
	length int    // of the uncompressed body
	br, gz []byte
	plain  []byte
	// visit is the material whose tagged visits a hit still counts, and
	// missed the search a hit still logs as finding nothing.
	visit  int64
	missed string
	elem   *list.Element
	// heads are the ETag and Content-Length values of the plain, gzip
	// and brotli bodies, made once (see prepare) rather than per request.
	heads [3]pageHeads
}

// pageHeads are the header values of one encoding of a kept page.
type pageHeads struct {
	etag, length []string
}

// The encodings of a kept page, as indexes into its heads.
const (
	plainBody = iota
	gzipBody
	brotliBody
)

var contentEncodings = [3][]string{nil, {"gzip"}, {"br"}}

// prepare makes the header values of each of the page's bodies. The
// compressed ones have their encoding in the entity tag, as one resource's
// encodings must have different tags.
func (p *cachedPage) prepare() {
	lengths := [3]int{p.length, len(p.gz), len(p.br)}
	for i, enc := range [3]string{"", "gzip", "br"} {
		etag := p.etag
		if enc != "" {
			etag = p.etag[:len(p.etag)-1] + "-" + enc + `"`
		}
		p.heads[i] = pageHeads{etag: []string{etag}, length: []string{strconv.Itoa(lengths[i])}}
	}
}

func (p *cachedPage) size() int64 {
	return int64(len(p.br) + len(p.gz) + len(p.key) + len(p.missed) + 512)
}

// pageLRU is a byte-bounded list of pages, the least recently used last.
type pageLRU struct {
	max, used int64
	order     list.List
	byKey     map[string]*cachedPage
}

func (l *pageLRU) get(key string) *cachedPage {
	p := l.byKey[key]
	if p != nil {
		l.order.MoveToFront(p.elem)
	}
	return p
}

func (l *pageLRU) put(p *cachedPage) {
	if p.size() > l.max/8 { // one huge page would push out too many others
		return
	}
	if old := l.byKey[p.key]; old != nil {
		l.remove(old)
	}
	if l.byKey == nil {
		l.byKey = map[string]*cachedPage{}
	}
	p.elem = l.order.PushFront(p)
	l.byKey[p.key] = p
	l.used += p.size()
	for l.used > l.max {
		l.remove(l.order.Back().Value.(*cachedPage))
	}
}

func (l *pageLRU) remove(p *cachedPage) {
	l.order.Remove(p.elem)
	delete(l.byKey, p.key)
	l.used -= p.size()
}

func (l *pageLRU) clear() {
	l.order.Init()
	l.byKey, l.used = nil, 0
}

// drop forgets every kept page.
func (c *pageCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.plain.clear()
	c.queried.clear()
}

// pageFlight is one rendering that others wait for.
type pageFlight struct {
	done chan struct{}
	page *cachedPage // nil when the response was not one to keep
}

func newPageCache(maxBytes int64) *pageCache {
	c := &pageCache{flights: map[string]*pageFlight{}}
	c.queried.max = maxBytes / 4
	c.plain.max = maxBytes - c.queried.max
	return c
}

// keeps reports whether the cache keeps pages at all; a cache that keeps
// none only adds the ETag to what the handler writes.
func (c *pageCache) keeps() bool { return c.plain.max > 0 }

// bytes is how much the kept pages take.
func (c *pageCache) bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.plain.used + c.queried.used
}

// stats reports the hits, the misses (pages rendered to be kept) and the
// bytes kept, for the metrics.
func (c *pageCache) stats() (hits, misses, bytes int64) {
	return c.hits.Load(), c.fills.Load(), c.bytes()
}

// lru is the share of a page's key: a variant's or the others'.
func (c *pageCache) lru(k pageKey) *pageLRU {
	if k.variant {
		return &c.queried
	}
	return &c.plain
}

// pageKey is the address a page is kept under, and whether it is a variant
// (kept in the bounded share for queried pages).
type pageKey struct {
	key     string
	variant bool
}

// lookup returns the kept page for key in epoch e; or, when none is kept,
// either a flight to wait for or, for the caller who is to render it, a
// new flight with lead set.
func (c *pageCache) lookup(e pageEpoch, k pageKey) (p *cachedPage, f *pageFlight, lead bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e != c.epoch {
		c.epoch = e
		c.plain.clear()
		c.queried.clear()
	}
	if p := c.lru(k).get(k.key); p != nil {
		return p, nil, false
	}
	fk := strconv.FormatInt(e.version, 10) + " " + e.day + " " + k.key
	if f := c.flights[fk]; f != nil {
		return nil, f, false
	}
	f = &pageFlight{done: make(chan struct{})}
	c.flights[fk] = f
	return nil, f, true
}

// finish ends the flight for key in epoch e, keeping p if it is a page to
// keep and the epoch has not moved meanwhile.
func (c *pageCache) finish(e pageEpoch, k pageKey, f *pageFlight, p *cachedPage) {
	c.mu.Lock()
	delete(c.flights, strconv.FormatInt(e.version, 10)+" "+e.day+" "+k.key)
	if p != nil && e == c.epoch {
		c.lru(k).put(p)
	}
	c.mu.Unlock()
	f.page = p
	close(f.done)
}

// pageRecorder takes a handler's response in memory.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *pageRecorder) Header() http.Header { return w.header }

func (w *pageRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *pageRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// replay sends what the recorder took, uncompressed.
func (w *pageRecorder) replay(to http.ResponseWriter, r *http.Request) {
	h := to.Header()
	for k, v := range w.header {
		h[k] = v
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	to.WriteHeader(w.status)
	if r.Method != http.MethodHead {
		_, _ = w.body.WriteTo(to) // the reader may have gone
	}
}

// Compression levels of pages, which are compressed as they are rendered:
// brotli's level 5 and gzip's default take about a millisecond for a page
// and come within one per cent of the best levels, which take several
// times as long; static files are compressed once and get the best of both
// (views.go).
const (
	pageBrotliLevel = 5
	pageGzipLevel   = gzip.DefaultCompression
)

// newCachedPage compresses a recorded 200 response; without compress it
// keeps the bytes as they are, for a cache that keeps nothing.
func newCachedPage(key string, rec *pageRecorder, compress bool) *cachedPage {
	body := rec.body.Bytes()
	sum := sha256.Sum256(body)
	p := &cachedPage{key: key, header: rec.header.Clone(), length: len(body),
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	p.header.Del("ETag")
	p.header.Del("Content-Length")
	if !compress {
		p.plain = body
		p.prepare()
		return p
	}
	p.br = brotliBytes(body, pageBrotliLevel)
	p.gz = gzipBytes(body, pageGzipLevel)
	p.prepare()
	return p
}

// brotliBytes compresses b with a window just large enough for it: the
// encoder's memory grows with its window (35 MB at level 11 with the
// default one, 3 MB with a 64 KB one), and a larger window than the input
// gains nothing.
func brotliBytes(b []byte, level int) []byte {
	var out bytes.Buffer
	win := min(max(bits.Len(uint(len(b)+16)), 10), 24)
	w := brotli.NewWriterOptions(&out, brotli.WriterOptions{Quality: level, LGWin: win})
	_, _ = w.Write(b) // writing to memory does not fail
	_ = w.Close()
	return bytes.Clone(out.Bytes())
}

// gzipWriters keeps gzip writers of each level for reuse: each holds
// about a megabyte of state that would otherwise be garbage after a page.
var gzipWriters sync.Map // level -> *sync.Pool

func gzipBytes(b []byte, level int) []byte {
	pool, _ := gzipWriters.LoadOrStore(level, &sync.Pool{})
	var out bytes.Buffer
	w, _ := pool.(*sync.Pool).Get().(*gzip.Writer)
	if w == nil {
		w, _ = gzip.NewWriterLevel(&out, level) // the level is valid
	} else {
		w.Reset(&out)
	}
	_, _ = w.Write(b)
	_ = w.Close()
	pool.(*sync.Pool).Put(w)
	return bytes.Clone(out.Bytes())
}

// allParams as a route's Query keeps its pages under their whole query,
// for a handler that refuses parameters it does not know: a refusal is
// never kept, so such a query makes no entry.
var allParams = []string{"*"}

// cachePath is the path a page is kept under: its one canonical spelling,
// so that the many ways to escape an address ("/%6Fm" is the page "/om")
// make no entries of their own. An escaped slash stays as it is: the
// router reads "a%2Fb" as one segment, so it is not the page "a/b".
func cachePath(u *url.URL) string {
	if u.RawPath == "" || strings.Contains(u.RawPath, "%2F") || strings.Contains(u.RawPath, "%2f") {
		return u.EscapedPath()
	}
	return (&url.URL{Path: u.Path}).EscapedPath()
}

// pageKey is the address a public page is kept under: the public base
// (scheme and host unless configured), the path and the parameters the
// route reads (rt.Query), sorted. It also returns the request the handler
// is to see: one whose query has only those parameters and the tracking
// ones, so that a page never shows what is not in its key.
func (s *Server) pageKey(r *http.Request, rt Route) (pageKey, *http.Request) {
	base := s.publicBase(r)
	k := pageKey{key: base + cachePath(r.URL), variant: s.cfg.BaseURL == nil && !s.pageCache.isCanonical(base)}
	if r.URL.RawQuery == "" {
		return k, r
	}
	whole := len(rt.Query) == 1 && rt.Query[0] == allParams[0]
	q, err := url.ParseQuery(r.URL.RawQuery) // on an error, q has the pairs that read, as handlers see
	if err != nil && whole {
		k.key, k.variant = k.key+"?"+r.URL.RawQuery, true // a query that does not read is its own page
		return k, r
	}
	kept, seen := url.Values{}, url.Values{}
	for name, vs := range q {
		switch {
		case trackingParam(name):
			seen[name] = vs
		case whole || slices.Contains(rt.Query, name):
			kept[name], seen[name] = vs, vs
		}
	}
	if len(kept) > 0 {
		k.key, k.variant = k.key+"?"+kept.Encode(), true
	}
	if err == nil && len(seen) == len(q) {
		return k, r
	}
	return k, requestWithQuery(r, seen.Encode())
}

// requestWithQuery is a shallow copy of r with another query.
func requestWithQuery(r *http.Request, query string) *http.Request {
	r2 := *r
	u := *r.URL
	u.RawQuery = query
	r2.URL = &u
	return &r2
}

// isCanonical reports whether base is the public base whose pages share
// the larger part of the bound. Without a configured base URL that is the
// base of the first page kept (see keepCanonical); until one is, every
// page is a variant.
func (c *pageCache) isCanonical(base string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.canonical != "" && c.canonical == base
}

// keepCanonical makes base canonical if none is yet, and reports whether
// it is.
func (c *pageCache) keepCanonical(base string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.canonical == "" {
		c.canonical = base
	}
	return c.canonical == base
}

// trackingParam reports whether a query parameter only says where a reader
// came from: campaign tags, click ids and the hub's own channel tag. No
// public page shows them.
func trackingParam(k string) bool {
	return strings.HasPrefix(k, "utm_") || k == "fbclid" || k == "gclid" || k == "k"
}

// pageEpoch returns the epoch a request is served in.
func (s *Server) pageEpoch(r *http.Request) (pageEpoch, error) {
	v, err := s.store.CurrentPageVersion(r.Context())
	if err != nil {
		return pageEpoch{}, err
	}
	return pageEpoch{version: v, day: s.today()}, nil
}

// today is the date in Copenhagen, worked out once a day.
func (s *Server) today() string {
	now := time.Now()
	if d := s.day.Load(); d != nil && now.Before(d.until) {
		return d.date
	}
	l := now.In(copenhagen)
	y, m, dd := l.Date()
	next := time.Date(y, m, dd+1, 0, 0, 0, 0, copenhagen)
	s.day.Store(&dayCache{date: l.Format(time.DateOnly), until: next})
	return l.Format(time.DateOnly)
}

type dayCache struct {
	date  string
	until time.Time
}

// cacheMeta is what a public handler tells the page cache about its page:
// what a hit must still do.
type cacheMeta struct {
	visit  int64
	missed string
	// once marks a response that is sent but not kept: one of the many
	// addresses that answer with the same bytes as a kept one (an old
	// stylesheet name), which would otherwise each make an entry.
	once bool
}

// servePage answers a request for a public page from the page cache,
// rendering and keeping the page when it is not kept.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, rt Route) {
	e, err := s.pageEpoch(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rt.Ahead != nil {
		if done, err := rt.Ahead(w, r); done {
			if err != nil {
				s.fail(w, r, err)
			}
			return
		}
	}
	key, r := s.pageKey(r, rt)
	p, f, lead := s.pageCache.lookup(e, key)
	if p == nil && !lead {
		<-f.done
		p = f.page
		if p == nil { // the response was not one to keep: render this one
			s.renderUncached(w, r, rt)
			return
		}
	}
	if p != nil {
		s.pageCache.hits.Add(1)
		s.pageHit(r, p)
		writePage(w, r, p)
		return
	}

	s.pageCache.fills.Add(1)
	finished := false
	defer func() {
		if !finished { // the handler panicked: let the waiters render
			s.pageCache.finish(e, key, f, nil)
		}
	}()
	rec := &pageRecorder{header: http.Header{}}
	st := state(r)
	st.cache = &cacheMeta{}
	err = rt.Handle(rec, r)
	finished = true
	if err != nil || rec.status != http.StatusOK {
		s.pageCache.finish(e, key, f, nil)
		if err != nil && !errors.Is(err, errHandled) {
			s.fail(w, r, err)
			return
		}
		rec.replay(w, r)
		return
	}
	if st.cache.once {
		s.pageCache.finish(e, key, f, nil)
		writePage(w, r, newCachedPage(key.key, rec, false))
		return
	}
	p = newCachedPage(key.key, rec, s.pageCache.keeps())
	p.visit, p.missed = st.cache.visit, st.cache.missed
	if s.cfg.BaseURL == nil && key.variant && !strings.Contains(key.key, "?") {
		// The first page kept names the canonical host; until then
		// every page is a variant.
		key.variant = !s.pageCache.keepCanonical(s.publicBase(r))
	}
	s.pageCache.finish(e, key, f, p)
	writePage(w, r, p)
}

// renderUncached runs a public handler straight to the reader.
func (s *Server) renderUncached(w http.ResponseWriter, r *http.Request, rt Route) {
	if err := rt.Handle(w, r); err != nil {
		s.fail(w, r, err)
	}
}

// pageHit does for a kept page what its handler does besides rendering.
func (s *Server) pageHit(r *http.Request, p *cachedPage) {
	if p.visit != 0 {
		s.countVisitID(r, p.visit)
	}
	if p.missed != "" {
		s.logMissedSearch(r, p.missed)
	}
}

// writePage sends a kept page in the encoding the reader takes best, or
// 304 Not Modified when the reader has it.
func writePage(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	if _, ok := h["Cache-Control"]; !ok {
		// Kept by browsers and proxies but asked again each time: a
		// publish shows at once, and an unchanged page costs a 304.
		h["Cache-Control"] = noCacheValue
	}
	h["Vary"] = varyValue
	enc := plainBody
	if p.gz != nil { // else a static file not yet compressed
		switch pickEncoding(r.Header.Get("Accept-Encoding")) {
		case "br":
			enc = brotliBody
		case "gzip":
			enc = gzipBody
		}
	}
	heads := &p.heads[enc]
	h["Etag"] = heads.etag
	if notModified(r, heads.etag[0]) {
		h.Del("Content-Type")
		h.Del("Last-Modified")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var body []byte
	switch enc {
	case brotliBody:
		body = p.br
	case gzipBody:
		body = p.gz
	}
	if enc != plainBody {
		h["Content-Encoding"] = contentEncodings[enc]
	}
	h["Content-Length"] = heads.length
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if enc == plainBody && p.plain != nil {
		body = p.plain
	}
	if body != nil {
		_, _ = w.Write(body) // the reader may have gone
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(p.gz))
	if err == nil {
		_, _ = io.Copy(w, zr) // our own gzip bytes: only the reader can fail
	}
}

// notModified reports whether the reader has the page, by its entity tag
// alone. If-Modified-Since is not evaluated (HTTP lets a server answer a
// conditional request in full): the one page date the hub sends, a feed's
// Last-Modified, is its newest material's, which does not move when an
// older material goes, a theme is renamed or the hub's name changes, and
// whole seconds cannot tell two changes in one second apart. The ETag is
// the hash of the bytes, so it moves with every change.
func notModified(r *http.Request, etag string) bool {
	return noneMatch(r.Header.Get("If-None-Match"), etag)
}

// Header values that writePage shares between responses; each has its
// length as capacity, so an Add makes a new slice.
var (
	noCacheValue = []string{"public, no-cache"}
	varyValue    = []string{"Accept-Encoding"}
)

// noneMatch reports whether an If-None-Match header names the entity tag
// etag, compared weakly (W/"abc" matches "abc"), or is "*". The tag is
// the one of the representation being sent: a page in brotli has its
// own, so a reader holding the gzip bytes is sent the brotli ones in
// full, as HTTP has a server compare the selected representation only.
func noneMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// pickEncoding chooses br, gzip or "" (identity) by an Accept-Encoding
// header with its q-values; of equal weights brotli wins, and "*" stands
// for any coding not named.
func pickEncoding(header string) string {
	if header == "" {
		return ""
	}
	br, gz, star := -1.0, -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		q := 1.0
		if params != "" {
			q = parseQ(params)
		}
		switch {
		case strings.EqualFold(name, "br"):
			br = q
		case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
			gz = q
		case name == "*":
			star = q
		}
	}
	if br < 0 {
		br = star
	}
	if gz < 0 {
		gz = star
	}
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}

// parseQ reads the q parameter of one Accept-Encoding entry; a weight that
// does not read counts as 0.
func parseQ(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || q < 0 || q > 1 {
				return 0
			}
			return q
		}
	}
	return 1
}
