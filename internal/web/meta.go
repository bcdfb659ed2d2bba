package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/shareimage"
	"github.com/bindeled/bindeled/internal/storage"
)

// SocialMeta is what a page tells Facebook, LinkedIn, chat apps and search
// engines about itself in Open Graph and Twitter card tags. Every address
// in it is absolute.
type SocialMeta struct {
	Type        string // Open Graph type: "website" or "article"
	Title       string
	Description string
	URL         string
	Locale      string // such as "da_DK"
	Image       string
	ImageType   string
	ImageAlt    string
	ImageWidth  int
	ImageHeight int
	Published   string // RFC 3339, for articles
	Modified    string
	Tags        []string
	VideoURL    string // an uploaded film
	VideoType   string
}

// locales maps a material's language to its Open Graph locale.
var locales = map[string]string{"da": "da_DK", "en": "en_GB"}

// siteMeta gives a public page without a material its canonical address
// and the tags that describe it when shared: path is the page's own
// address without the host, with its query in a fixed order.
func (s *Server) siteMeta(r *http.Request, b *Base, path string) {
	b.Canonical = s.publicBase(r) + path
	title := b.Title
	if title != b.Brand.Name && title != "" {
		title += " – " + b.Brand.Name
	} else {
		title = b.Brand.Name
	}
	description := b.Description
	if description == "" {
		description = b.T("home.lead")
	}
	b.Social = &SocialMeta{Type: "website", Title: title, Description: description, URL: b.Canonical,
		Locale: locales["da"]}
}

// materialMeta fills in a material page's canonical address, its Open
// Graph and Twitter tags with its share image, and its schema.org
// description as JSON-LD.
func (s *Server) materialMeta(r *http.Request, p *MaterialPage, files map[int64]*storage.Media) error {
	base := s.publicBase(r)
	m := p.M
	p.Canonical = base + "/materialer/" + m.Slug
	si := shareImageOf(p.Base, m, files)
	p.ShareImage = base + sharePath + si.Name
	alt := p.T("share.alt", p.T("kind."+string(m.Kind)), m.Title)
	if si.photo != nil && si.photo.ID == m.CoverID && m.CoverAlt != "" {
		alt = m.CoverAlt
	}
	sm := &SocialMeta{Type: "article", Title: m.Title, Description: m.Summary, URL: p.Canonical,
		Locale: locales[m.Language], Image: p.ShareImage, ImageType: si.ContentType(), ImageAlt: alt,
		ImageWidth: shareimage.Width, ImageHeight: shareimage.Height,
		Published: rfc3339(m.PublishedAt), Modified: rfc3339(m.UpdatedAt)}
	if sm.Locale == "" {
		sm.Locale = locales["da"]
	}
	for _, t := range p.Themes {
		sm.Tags = append(sm.Tags, t.Name)
	}
	if p.Video != nil && m.Kind == material.Film {
		sm.VideoURL, sm.VideoType = base+"/media/"+p.Video.Key, p.Video.ContentType
	}
	p.Social = sm

	ld, err := json.Marshal(materialLD(p, base))
	if err != nil {
		return err
	}
	// json.Marshal writes <, > and & as \u escapes, so nothing in the data
	// can end the script element; the element is data, not script, and
	// the CSP's script-src does not apply to it.
	p.JSONLD = template.JS(ld)
	return nil
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ld is a schema.org node; json.Marshal writes its keys in sorted order,
// so a page's bytes never change between requests.
type ld map[string]any

// materialLD describes a material in schema.org terms: an Article for
// articles and guides (a guide's files as its associated media), a
// VideoObject with its caption track and transcript for films, and for
// links a WebPage whose main entity is the resource elsewhere.
func materialLD(p *MaterialPage, base string) ld {
	m := p.M
	owner := ld{"@type": "Organization", "name": ownerName(p.Base), "url": base + "/"}
	if p.LogoURL != "" {
		owner["logo"] = base + p.LogoURL
	}
	author := owner
	if p.School != nil {
		author = ld{"@type": "Organization", "name": p.School.Name, "url": base + "/skoler/" + p.School.Slug}
	}
	image := ld{"@type": "ImageObject", "url": p.ShareImage, "width": shareimage.Width,
		"height": shareimage.Height}
	node := ld{"@context": "https://schema.org", "url": p.Canonical, "description": m.Summary,
		"inLanguage": m.Language, "datePublished": rfc3339(m.PublishedAt), "dateModified": rfc3339(m.UpdatedAt),
		"publisher": owner, "author": author, "image": image, "isAccessibleForFree": true,
		"mainEntityOfPage": p.Canonical}
	var audiences []ld
	for _, a := range m.Audiences {
		audiences = append(audiences, ld{"@type": "Audience", "audienceType": p.T("audience." + string(a))})
	}
	node["audience"] = audiences
	var keywords []string
	for _, t := range p.Themes {
		keywords = append(keywords, t.Name)
	}
	if len(keywords) > 0 {
		node["keywords"] = strings.Join(keywords, ", ")
	}

	switch m.Kind {
	case material.Film:
		node["@type"], node["name"] = "VideoObject", m.Title
		node["uploadDate"] = rfc3339(m.PublishedAt)
		thumb := p.ShareImage
		if p.Poster != nil {
			thumb = base + "/media/" + p.Poster.Key
		}
		node["thumbnailUrl"] = thumb
		if p.Video != nil {
			node["contentUrl"] = base + "/media/" + p.Video.Key
			node["encodingFormat"] = p.Video.ContentType
		}
		if p.External != nil {
			node["embedUrl"] = p.External.EmbedURL()
		}
		if p.Captions != nil {
			node["caption"] = ld{"@type": "MediaObject", "contentUrl": base + "/media/" + p.Captions.Key,
				"encodingFormat": "text/vtt", "inLanguage": "da"}
		}
		if m.Transcript != "" {
			node["transcript"] = m.Transcript
		}
		node["mainEntityOfPage"] = p.Canonical
	case material.Link:
		node["@type"], node["name"] = "WebPage", m.Title
		node["relatedLink"] = m.LinkURL
		node["significantLink"] = m.LinkURL
		node["mainEntity"] = ld{"@type": "CreativeWork", "name": m.Title, "url": m.LinkURL,
			"publisher": ld{"@type": "Organization", "name": m.LinkPublisher}}
		delete(node, "mainEntityOfPage")
	default: // articles and guides
		node["@type"], node["headline"] = "Article", m.Title
		node["genre"] = p.T("kind." + string(m.Kind))
		var files []ld
		for _, a := range p.Attachments {
			files = append(files, ld{"@type": "MediaObject", "name": a.Title, "contentUrl": base + a.URL,
				"encodingFormat": a.ContentType, "contentSize": a.Size})
		}
		if len(files) > 0 {
			node["associatedMedia"] = files
		}
	}
	return node
}

// listingPath is a listing's own address: its filter, search and page in
// a fixed order.
func listingPath(action string, f material.Filter, q string, page int, themes []storage.Theme,
	schools []storage.School) string {
	v := filterQuery(f, themes, schools)
	if q != "" {
		v.Set("q", q)
	}
	if page > 1 {
		v.Set("side", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return action
	}
	return action + "?" + v.Encode()
}

// fixedFilter removes from f what a theme's or school's page adds by
// itself, so its address does not repeat it.
func fixedFilter(f material.Filter, hide map[string]bool) material.Filter {
	if hide[paramTheme] {
		f.ThemeIDs = nil
	}
	if hide[paramSchool] {
		f.SchoolIDs = nil
	}
	return f
}
