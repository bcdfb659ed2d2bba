package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"strconv"
	"time"
)

// RSS writes f as RSS 2.0 with the content, Dublin Core and Atom
// modules: the full text in content:encoded, the author in dc:creator
// (RSS's own author element must be an e-mail address) and the feed's
// address in atom:link. RSS allows one enclosure per item, so an item
// carries its first; the others are links in its content when it has one.
func RSS(f *Feed) ([]byte, error) {
	doc := rssDoc{Version: "2.0", NSAtom: "http://www.w3.org/2005/Atom",
		NSContent: "http://purl.org/rss/1.0/modules/content/", NSDC: "http://purl.org/dc/elements/1.1/"}
	ch := &doc.Channel
	// Readers take an RSS description as HTML: plain text is escaped for
	// that first, so "forældre <3" stays text.
	ch.Title, ch.Link, ch.Description, ch.Language = f.Title, f.HomeURL, html.EscapeString(f.Description), f.Language
	ch.Self = rssAtomLink{Href: f.SelfURL, Rel: "self", Type: RSSType}
	ch.Generator = "Bindeled"
	if !f.Updated.IsZero() {
		ch.LastBuildDate = rssDate(f.Updated)
	}
	if f.IconURL != "" {
		ch.Image = &rssImage{URL: f.IconURL, Title: f.Title, Link: f.HomeURL}
	}
	for _, it := range f.Items {
		ri := rssItem{Title: it.Title, Link: it.URL, GUID: rssGUID{Value: it.ID, IsPermaLink: "false"},
			Description: html.EscapeString(it.Summary), Content: it.ContentHTML, Creator: it.Author,
			PubDate: rssDate(it.Published)}
		for _, c := range it.Categories {
			ri.Categories = append(ri.Categories, rssCategory{Domain: c.Scheme, Value: c.Label})
		}
		if len(it.Enclosures) > 0 {
			e := it.Enclosures[0]
			ri.Enclosure = &rssEnclosure{URL: e.URL, Length: strconv.FormatInt(e.Length, 10), Type: e.Type}
		}
		ch.Items = append(ch.Items, ri)
	}
	return marshalXML(doc)
}

func rssDate(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string      `xml:"title"`
	Link          string      `xml:"link"`
	Description   string      `xml:"description"`
	Language      string      `xml:"language,omitempty"`
	LastBuildDate string      `xml:"lastBuildDate,omitempty"`
	Generator     string      `xml:"generator"`
	Self          rssAtomLink `xml:"atom:link"`
	Image         *rssImage   `xml:"image"`
	Items         []rssItem   `xml:"item"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssImage struct {
	URL   string `xml:"url"`
	Title string `xml:"title"`
	Link  string `xml:"link"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	Description string        `xml:"description"`
	Content     string        `xml:"content:encoded,omitempty"`
	Creator     string        `xml:"dc:creator,omitempty"`
	PubDate     string        `xml:"pubDate"`
	Categories  []rssCategory `xml:"category"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
}

type rssGUID struct {
	Value       string `xml:",chardata"`
	IsPermaLink string `xml:"isPermaLink,attr"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Value  string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

// Atom writes f as Atom 1.0 (RFC 4287). Every enclosure is a link with
// rel="enclosure", and a resource elsewhere a link with rel="related".
func Atom(f *Feed) ([]byte, error) {
	doc := atomFeed{NS: "http://www.w3.org/2005/Atom", Lang: f.Language, ID: f.HomeURL,
		Title: atomText{Type: "text", Value: f.Title}, Updated: atomDate(f.Updated),
		Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: f.HomeURL},
			{Rel: "self", Type: AtomType, Href: f.SelfURL}},
		Author: &atomPerson{Name: f.Author}, Generator: "Bindeled", Icon: f.IconURL}
	if f.Description != "" {
		doc.Subtitle = &atomText{Type: "text", Value: f.Description}
	}
	for _, it := range f.Items {
		e := atomEntry{ID: it.ID, Title: atomText{Type: "text", Value: it.Title},
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: it.URL}},
			Published: atomDate(it.Published), Updated: atomDate(it.Updated), Lang: it.Language,
			Summary: &atomText{Type: "text", Value: it.Summary}}
		if it.ExternalURL != "" {
			e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: it.ExternalURL})
		}
		for _, enc := range it.Enclosures {
			e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: enc.Type, Href: enc.URL,
				Length: strconv.FormatInt(enc.Length, 10), Title: enc.Title})
		}
		if it.ContentHTML != "" {
			e.Content = &atomText{Type: "html", Value: it.ContentHTML}
		}
		if it.Author != "" {
			e.Author = &atomPerson{Name: it.Author}
		}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: c.Term, Scheme: c.Scheme, Label: c.Label})
		}
		doc.Entries = append(doc.Entries, e)
	}
	return marshalXML(doc)
}

// atomDate writes an RFC 3339 time; an empty feed's zero time is written
// as the start of Unix time, as Atom requires some time.
func atomDate(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

type atomFeed struct {
	XMLName   xml.Name    `xml:"feed"`
	NS        string      `xml:"xmlns,attr"`
	Lang      string      `xml:"xml:lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Author    *atomPerson `xml:"author"`
	Generator string      `xml:"generator"`
	Icon      string      `xml:"icon,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Rel    string `xml:"rel,attr"`
	Type   string `xml:"type,attr,omitempty"`
	Href   string `xml:"href,attr"`
	Length string `xml:"length,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	Lang       string         `xml:"xml:lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     *atomPerson    `xml:"author"`
	Summary    *atomText      `xml:"summary"`
	Content    *atomText      `xml:"content"`
	Categories []atomCategory `xml:"category"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("write feed: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// JSON writes f as JSON Feed 1.1. An item without full text carries its
// summary as content_text, since every item must have one of the two.
func JSON(f *Feed) ([]byte, error) {
	doc := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.HomeURL,
		FeedURL: f.SelfURL, Description: f.Description, Icon: f.IconURL, Language: f.Language,
		Items: []jsonItem{}}
	if f.Author != "" {
		doc.Authors = []jsonAuthor{{Name: f.Author}}
	}
	for _, it := range f.Items {
		ji := jsonItem{ID: it.ID, URL: it.URL, ExternalURL: it.ExternalURL, Title: it.Title,
			ContentHTML: it.ContentHTML, Summary: it.Summary, Image: it.ImageURL,
			DatePublished: jsonDate(it.Published), DateModified: jsonDate(it.Updated), Language: it.Language}
		if ji.ContentHTML == "" {
			ji.ContentText = it.Summary
		}
		if it.Author != "" {
			ji.Authors = []jsonAuthor{{Name: it.Author}}
		}
		for _, c := range it.Categories {
			ji.Tags = append(ji.Tags, c.Label)
		}
		for _, e := range it.Enclosures {
			ji.Attachments = append(ji.Attachments, jsonAttachment{URL: e.URL, MimeType: e.Type, Title: e.Title,
				SizeInBytes: e.Length})
		}
		doc.Items = append(doc.Items, ji)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("write feed: %w", err)
	}
	return buf.Bytes(), nil
}

func jsonDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Icon        string       `json:"icon,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	ExternalURL   string           `json:"external_url,omitempty"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html,omitempty"`
	ContentText   string           `json:"content_text,omitempty"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published,omitempty"`
	DateModified  string           `json:"date_modified,omitempty"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
}

type jsonAttachment struct {
	URL         string `json:"url"`
	MimeType    string `json:"mime_type"`
	Title       string `json:"title,omitempty"`
	SizeInBytes int64  `json:"size_in_bytes,omitempty"`
}
