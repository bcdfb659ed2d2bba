// Package links reads a spreadsheet of links, saved as CSV, into a
// transfer.Bundle: one link material per row.
//
// docs/import.md, section "Spreadsheets of links (CSV)", says which
// columns are read and what each becomes.
package links

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// Limits on what one file may hold.
const (
	MaxFileSize  = 16 << 20 // bytes
	MaxRows      = 10000    // rows of links, the header not counted
	MaxFieldSize = 10000    // characters in one cell
)

// Source is the Bundle.Source of every spreadsheet of links. A link's key
// is its address, so the same link brought in again from another file
// updates the material made the first time.
const Source = "links"

// Options says how to read a file.
type Options struct {
	// Name is the file's name, for the Where of every item
	// ("links.csv: line 4"); "links.csv" when empty.
	Name string
	// Audiences are given to the rows whose audience cell is empty, or to
	// every row when the file has no audience column; parents when empty.
	Audiences []material.Audience
}

// column is a column the reader knows.
type column string

const (
	colURL         column = "url"
	colTitle       column = "title"
	colDescription column = "description"
	colAudience    column = "audience"
	colTheme       column = "theme"
	colPublisher   column = "publisher"
	colStatus      column = "status"
)

// headerNames maps the header names a spreadsheet may use, in lower case,
// in Danish or English, to the columns.
var headerNames = map[string]column{
	"url": colURL, "adresse": colURL, "link": colURL, "links": colURL, "webadresse": colURL, "address": colURL,
	"title": colTitle, "titel": colTitle, "overskrift": colTitle,
	"description": colDescription, "beskrivelse": colDescription,
	"audience": colAudience, "audiences": colAudience, "målgruppe": colAudience, "målgrupper": colAudience,
	"theme": colTheme, "themes": colTheme, "tema": colTheme, "temaer": colTheme,
	"publisher": colPublisher, "udgiver": colPublisher, "afsender": colPublisher,
	"status": colStatus,
}

// ReadCSV reads a spreadsheet of links. A row that cannot be a link is
// refused with its reason; a file that is not CSV, has no URL column or
// has too many rows is an error.
func ReadCSV(ctx context.Context, r io.Reader, opts Options) (*transfer.Bundle, error) {
	if opts.Name == "" {
		opts.Name = "links.csv"
	}
	if len(opts.Audiences) == 0 {
		opts.Audiences = []material.Audience{material.Parents}
	}
	data, err := readText(r)
	if err != nil {
		return nil, fmt.Errorf("links: %s: %w", opts.Name, err)
	}
	sep, skipped := excelSeparator(data)
	data = data[skipped:]
	if sep == 0 {
		sep = separator(data)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1

	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("links: %s: read the header: %w", opts.Name, err)
	}
	rd := &reader{
		opts: opts, cr: cr, lineOffset: min(skipped, 1),
		bundle: &transfer.Bundle{Source: Source},
		seen:   map[string]int{}, themes: map[string]bool{}, slugs: map[string]bool{},
	}
	if err := rd.readHeader(header); err != nil {
		return nil, fmt.Errorf("links: %s: %w", opts.Name, err)
	}
	if err := rd.readRows(ctx); err != nil {
		return nil, fmt.Errorf("links: %s: %w", opts.Name, err)
	}
	return rd.bundle, nil
}

// readText reads the whole file as UTF-8 text. It drops a UTF-8 byte
// order mark and decodes a file that is not valid UTF-8 as Windows-1252,
// which Danish Excel writes; it refuses files of another kind.
func readText(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("the file is larger than %d MiB", MaxFileSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the file is empty")
	}
	if kind := sniff(data); kind != "" {
		return nil, fmt.Errorf("not a CSV file but %s", kind)
	}
	if !utf8.Valid(data) {
		data, err = charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("decode as Windows-1252: %w", err)
		}
	}
	return data, nil
}

// sniff names the kind of a file that is not text, or returns "".
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "a ZIP archive or an Excel workbook (.xlsx); save it as CSV"
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return "an old Excel workbook (.xls); save it as CSV"
	}
	head := data[:min(len(data), 512)]
	if kind := http.DetectContentType(head); !strings.HasPrefix(kind, "text/") {
		return kind
	}
	for _, c := range data[:min(len(data), 8192)] {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return "binary data"
		}
	}
	return ""
}

// excelSeparator reads the line "sep=;" that Excel may put before the
// header to name the separator. It returns the separator, or 0 when there
// is no such line, and the length of the line.
func excelSeparator(data []byte) (rune, int) {
	line, _, found := bytes.Cut(data, []byte("\n"))
	if !found {
		return 0, 0
	}
	v, ok := bytes.CutPrefix(bytes.ToLower(bytes.TrimRight(line, "\r")), []byte("sep="))
	if !ok || len(v) != 1 || !bytes.ContainsAny(v, ",;\t|") {
		return 0, 0
	}
	return rune(v[0]), len(line) + 1
}

// separator chooses the separator the header line uses most: a comma, a
// semicolon (Danish Excel) or a tab.
func separator(data []byte) rune {
	line := data
	inQuote := false
	for i, c := range data {
		if c == '"' {
			inQuote = !inQuote
		}
		if c == '\n' && !inQuote {
			line = data[:i]
			break
		}
	}
	best, n := ',', bytes.Count(line, []byte(","))
	for _, sep := range []rune{';', '\t'} {
		if c := bytes.Count(line, []byte(string(sep))); c > n {
			best, n = sep, c
		}
	}
	return best
}

// reader holds what ReadCSV has read so far.
type reader struct {
	opts    Options
	cr      *csv.Reader
	bundle  *transfer.Bundle
	columns []column        // by position; "" for a column the reader does not use
	names   []string        // the header as written
	seen    map[string]int  // the line of each address so far
	slugs   map[string]bool // the slugs of the items so far
	themes  map[string]bool
	// lineOffset is 1 when a "sep=" line came before the header.
	lineOffset int
}

func (rd *reader) readHeader(header []string) error {
	found := map[column]bool{}
	for _, h := range header {
		name := strings.TrimSpace(h)
		col := headerNames[strings.ToLower(name)]
		if col != "" && found[col] {
			return fmt.Errorf("the column %q is there twice", name)
		}
		if col == "" && name != "" {
			rd.bundle.Problems = append(rd.bundle.Problems,
				transfer.Problem{Where: rd.where(1), Code: "unknown-column", Detail: name})
		}
		found[col] = true
		rd.columns = append(rd.columns, col)
		rd.names = append(rd.names, name)
	}
	if !found[colURL] {
		return errors.New("the header has no URL column (url, adresse or link)")
	}
	if !found[colTitle] {
		return errors.New("the header has no title column (title or titel)")
	}
	return nil
}

func (rd *reader) readRows(ctx context.Context) error {
	rows := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		record, err := rd.cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			rd.refuse(perr.StartLine, "bad-row", perr.Err.Error())
			if rows++; rows > MaxRows {
				return fmt.Errorf("more than %d rows", MaxRows)
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		line, _ := rd.cr.FieldPos(0)
		if isBlank(record) {
			continue
		}
		if rows++; rows > MaxRows {
			return fmt.Errorf("more than %d rows", MaxRows)
		}
		rd.row(line, record)
	}
}

func isBlank(record []string) bool {
	for _, f := range record {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func (rd *reader) where(line int) string {
	return rd.opts.Name + ": line " + strconv.Itoa(line+rd.lineOffset)
}

func (rd *reader) refuse(line int, code, detail string) {
	rd.bundle.Refused = append(rd.bundle.Refused, transfer.Problem{Where: rd.where(line), Code: code, Detail: detail})
}

func (rd *reader) warn(line int, code, detail string) {
	rd.bundle.Problems = append(rd.bundle.Problems, transfer.Problem{Where: rd.where(line), Code: code, Detail: detail})
}

// row reads one row into an item, or refuses it.
func (rd *reader) row(line int, record []string) {
	cells := map[column]string{}
	names := map[column]string{}
	for i, v := range record {
		if i >= len(rd.columns) || rd.columns[i] == "" {
			continue
		}
		if utf8.RuneCountInString(v) > MaxFieldSize {
			rd.refuse(line, "too-long", rd.names[i])
			return
		}
		cells[rd.columns[i]] = strings.TrimSpace(v)
		names[rd.columns[i]] = rd.names[i]
	}
	item, code, detail := rd.item(cells, names)
	if code != "" {
		rd.refuse(line, code, detail)
		return
	}
	if first, ok := rd.seen[item.Key]; ok {
		rd.refuse(line, "duplicate", rd.where(first))
		return
	}
	rd.seen[item.Key] = line
	item.Where = rd.where(line)
	if slug := transfer.UniqueSlug(item.Material.Slug, rd.slugs); slug != item.Material.Slug {
		rd.warn(line, "duplicate-slug", item.Material.Slug+" → "+slug)
		item.Material.Slug = slug
	}
	if cells[colDescription] == "" {
		rd.warn(line, "no-description", item.Material.Title)
	}
	rd.bundle.Items = append(rd.bundle.Items, *item)
}

// item builds a row's item; code and detail say why it cannot be one.
func (rd *reader) item(cells, names map[column]string) (item *transfer.Item, code, detail string) {
	raw := cells[colURL]
	if raw == "" {
		return nil, "missing-url", rd.header(colURL, names)
	}
	link, ok := normalizeURL(raw)
	if !ok {
		if u, err := url.Parse(raw); err == nil && u.User != nil && (u.Scheme == "http" || u.Scheme == "https") {
			// Such an address can hide where it leads, and a password in it
			// would be published.
			return nil, "url-user", raw
		}
		return nil, "bad-url", raw
	}
	m := material.Material{
		Kind:          material.Link,
		Title:         strings.Join(strings.Fields(cells[colTitle]), " "),
		LinkURL:       link,
		LinkPublisher: cells[colPublisher],
		Language:      "da",
		Status:        material.Published,
	}
	if m.Title == "" {
		return nil, "missing-title", rd.header(colTitle, names)
	}
	if m.LinkPublisher == "" {
		u, _ := url.Parse(link)
		m.LinkPublisher = strings.TrimPrefix(u.Hostname(), "www.")
	}
	m.Body = cells[colDescription]
	m.Summary = shorten(strings.Join(strings.Fields(m.Body), " "))
	if m.Body == "" {
		// The hub asks every link for why it is worth reading; without it
		// the link arrives as a draft for an editor to finish.
		m.Body, m.Summary, m.Status = m.Title, m.Title, material.Draft
	}
	switch s := strings.ToLower(cells[colStatus]); s {
	case "", "published", "udgivet", "publiceret", "offentlig":
	case "draft", "kladde":
		m.Status = material.Draft
	default:
		return nil, "bad-status", cells[colStatus]
	}
	for _, name := range transfer.SplitList(cells[colAudience]) {
		a, ok := transfer.ParseAudience(name)
		if !ok {
			return nil, "unknown-audience", name
		}
		if !slices.Contains(m.Audiences, a) {
			m.Audiences = append(m.Audiences, a)
		}
	}
	if len(m.Audiences) == 0 {
		m.Audiences = slices.Clone(rd.opts.Audiences)
	}
	item = &transfer.Item{Key: link}
	for _, name := range transfer.SplitList(cells[colTheme]) {
		slug := material.Slugify(name)
		if slug == "" {
			return nil, "bad-theme", name
		}
		key := "theme:" + slug
		if !rd.themes[key] {
			rd.themes[key] = true
			rd.bundle.Themes = append(rd.bundle.Themes, transfer.Theme{Key: key, Slug: slug, Name: name})
		}
		if !slices.Contains(item.ThemeKeys, key) {
			item.ThemeKeys = append(item.ThemeKeys, key)
		}
	}
	m.Slug = material.Slugify(m.Title)
	if m.Slug == "" {
		m.Slug = material.Slugify(m.LinkPublisher)
	}
	m.Normalize()
	if p := material.Validate(&m); p != nil {
		fields := make([]string, 0, len(p))
		for f := range p {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		return nil, "invalid-fields", strings.Join(fields, ", ")
	}
	item.Material = m
	return item, "", ""
}

// header returns the header name of a column as the file writes it.
func (rd *reader) header(col column, names map[column]string) string {
	if n := names[col]; n != "" {
		return n
	}
	for i, c := range rd.columns {
		if c == col {
			return rd.names[i]
		}
	}
	return string(col)
}

// normalizeURL checks that raw is a web address and writes it the same way
// every time: scheme and host in lower case, no default port, no fragment,
// "/" for an empty path. An address without a scheme, such as
// "www.emu.dk", gets https.
func normalizeURL(raw string) (string, bool) {
	if !strings.Contains(raw, "://") && !strings.Contains(raw, ":") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	if !strings.Contains(host, ".") {
		return "", false
	}
	port := u.Port()
	if port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		port = ""
	}
	u.Host = host
	if strings.Contains(host, ":") {
		u.Host = "[" + host + "]"
	}
	if port != "" {
		u.Host += ":" + port
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	s := u.String()
	if !material.IsWebURL(s) {
		return "", false
	}
	return s, true
}

// shorten cuts s to material.SummaryMax characters at a word, with an
// ellipsis.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= material.SummaryMax {
		return s
	}
	head := string([]rune(s)[:material.SummaryMax-1])
	if i := strings.LastIndexByte(head, ' '); i > 0 {
		head = head[:i]
	}
	return strings.TrimRight(head, " ,;:-") + "…"
}
