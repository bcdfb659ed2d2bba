// Package material holds the hub's domain: materials, their kinds, audiences,
// grade bands and the rules a material must satisfy. It does no I/O.
package material

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/markdown"
	"github.com/bindeled/bindeled/internal/media"
)

// Kind is what sort of material something is; each kind is shown differently.
type Kind string

// The four kinds of material.
const (
	Article Kind = "article"
	Film    Kind = "film"
	Guide   Kind = "guide"
	Link    Kind = "link"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{Article, Film, Guide, Link}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Audience is a group of readers a material is written for.
type Audience string

// The audiences a material can be written for.
const (
	Parents     Audience = "parents"
	Teachers    Audience = "teachers"
	Pedagogues  Audience = "pedagogues"
	Leaders     Audience = "leaders"
	SchoolBoard Audience = "boards"
)

// Audiences lists every audience in display order.
var Audiences = []Audience{Parents, Teachers, Pedagogues, Leaders, SchoolBoard}

// Valid reports whether a is one of the known audiences.
func (a Audience) Valid() bool {
	for _, x := range Audiences {
		if a == x {
			return true
		}
	}
	return false
}

// GradeBand is a range of school years a material fits.
type GradeBand string

// The grade bands of the Danish folkeskole plus after-school care.
const (
	Grades0to3      GradeBand = "0-3"
	Grades4to6      GradeBand = "4-6"
	Grades7to9      GradeBand = "7-9"
	AfterSchoolCare GradeBand = "sfo"
)

// GradeBands lists every grade band in display order.
var GradeBands = []GradeBand{Grades0to3, Grades4to6, Grades7to9, AfterSchoolCare}

// Valid reports whether g is one of the known grade bands.
func (g GradeBand) Valid() bool {
	for _, x := range GradeBands {
		if g == x {
			return true
		}
	}
	return false
}

// Status is where a material is in its life.
type Status string

// The statuses a material can have. Workflow (workflow.go) says who moves
// a material from one to another.
const (
	Draft            Status = "draft"
	InReview         Status = "in_review"
	ChangesRequested Status = "changes_requested"
	Approved         Status = "approved"
	Scheduled        Status = "scheduled" // published by the scheduler at ScheduledAt
	Published        Status = "published"
	Unpublished      Status = "unpublished"
)

// Statuses lists every status in the order of a material's life.
var Statuses = []Status{Draft, InReview, ChangesRequested, Approved, Scheduled, Published, Unpublished}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Public reports whether readers see a material in status s.
func (s Status) Public() bool { return s == Published }

// SummaryMax is the longest summary allowed, in characters. Summaries are
// used on cards, in feeds and in social posts.
const SummaryMax = 300

// TitleMax is the longest title allowed, in characters.
const TitleMax = 160

// BodyMax is the longest body or transcript allowed, in characters: about
// fifty printed pages, far more than any material needs.
const BodyMax = 100000

// Material is one piece of inspiration or knowledge the hub publishes.
type Material struct {
	ID         int64
	Kind       Kind
	Title      string
	Slug       string
	Summary    string
	Body       string // Markdown; for a link, why it is worth reading
	Audiences  []Audience
	ThemeIDs   []int64
	GradeBands []GradeBand
	SchoolID   int64 // 0 when the material does not come from a school
	Language   string
	Status     Status
	Featured   bool

	CoverID  int64 // media id of the cover image, 0 for none
	CoverAlt string

	// Film.
	VideoID     int64 // uploaded MP4 or WebM
	CaptionsID  int64 // Danish WebVTT
	PosterID    int64
	ExternalURL string // YouTube or Vimeo, instead of an upload
	Transcript  string

	// Guide.
	Attachments []Attachment

	// Link.
	LinkURL       string
	LinkPublisher string

	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time // zero while never published

	// ScheduledAt is when a scheduled material goes public (UTC).
	ScheduledAt time.Time
	// UnpublishAt is when a published material is taken off the site
	// again (UTC), zero for never.
	UnpublishAt time.Time
	// ScheduleProblem is set when the scheduler could not publish the
	// material at its time: the publication checks failed.
	ScheduleProblem string

	// Consent holds the sender's answers on rights and consent.
	Consent Consent
	// CreatedBy is the user who created the material, 0 for imports.
	CreatedBy int64
	// Version counts saves; a save that names an older version than the
	// stored one is refused as a conflict (storage.ErrStale).
	Version int64
}

// Attachment is a downloadable file that belongs to a guide.
type Attachment struct {
	MediaID int64
	Title   string
}

// HasAudience reports whether a is among m's audiences.
func (m *Material) HasAudience(a Audience) bool {
	for _, x := range m.Audiences {
		if x == a {
			return true
		}
	}
	return false
}

// Revised reports whether m was changed more than a day after it was
// published, so that readers are told it was updated.
func (m *Material) Revised() bool {
	return !m.PublishedAt.IsZero() && m.UpdatedAt.Sub(m.PublishedAt) > 24*time.Hour
}

// Normalize trims the text fields and sets defaults for the empty ones.
func (m *Material) Normalize() {
	m.Title = strings.TrimSpace(m.Title)
	m.Summary = strings.TrimSpace(m.Summary)
	m.CoverAlt = strings.TrimSpace(m.CoverAlt)
	m.LinkURL = strings.TrimSpace(m.LinkURL)
	m.LinkPublisher = strings.TrimSpace(m.LinkPublisher)
	m.ExternalURL = strings.TrimSpace(m.ExternalURL)
	m.Transcript = strings.TrimSpace(m.Transcript)
	if m.Language == "" {
		m.Language = "da"
	}
	if m.Status == "" {
		m.Status = Draft
	}
	for i := range m.Attachments {
		m.Attachments[i].Title = strings.TrimSpace(m.Attachments[i].Title)
	}
}

// Problems maps a form field name to the message keys of what is wrong with
// it. The keys are translated by the web layer.
type Problems map[string][]string

// Add records a problem with field.
func (p Problems) Add(field, key string) { p[field] = append(p[field], key) }

// Has reports whether field has a problem.
func (p Problems) Has(field string) bool { return len(p[field]) > 0 }

// Validate returns what keeps m from being saved, or nil if nothing does.
// Stricter checks for publishing come from CheckPublishable.
func Validate(m *Material) Problems {
	p := Problems{}
	if !m.Kind.Valid() {
		p.Add("kind", "error.kind")
	}
	switch n := utf8.RuneCountInString(m.Title); {
	case n == 0:
		p.Add("title", "error.required")
	case n > TitleMax:
		p.Add("title", "error.title_too_long")
	}
	switch n := utf8.RuneCountInString(m.Summary); {
	case n == 0:
		p.Add("summary", "error.required")
	case n > SummaryMax:
		p.Add("summary", "error.summary_too_long")
	}
	if len(m.Audiences) == 0 {
		p.Add("audiences", "error.audience_required")
	}
	for _, a := range m.Audiences {
		if !a.Valid() {
			p.Add("audiences", "error.audience")
			break
		}
	}
	for _, g := range m.GradeBands {
		if !g.Valid() {
			p.Add("grades", "error.grade")
			break
		}
	}
	if !m.Status.Valid() {
		p.Add("status", "error.status")
	}
	if utf8.RuneCountInString(m.Body) > BodyMax {
		p.Add("body", "error.body_too_long")
	} else if markdown.TooDeep(m.Body) {
		p.Add("body", "error.body_nesting")
	}
	if utf8.RuneCountInString(m.Transcript) > BodyMax {
		p.Add("transcript", "error.body_too_long")
	}
	if m.Language != "da" && m.Language != "en" {
		p.Add("language", "error.language")
	}
	if m.CoverID != 0 && m.CoverAlt == "" {
		p.Add("cover_alt", "error.alt_required")
	}
	validateKind(m, p)
	if len(p) == 0 {
		return nil
	}
	return p
}

func validateKind(m *Material, p Problems) {
	switch m.Kind {
	case Link:
		if !IsWebURL(m.LinkURL) {
			p.Add("link_url", "error.url")
		}
		if m.LinkPublisher == "" {
			p.Add("link_publisher", "error.required")
		}
		if strings.TrimSpace(m.Body) == "" {
			p.Add("body", "error.link_why_required")
		}
	case Film:
		if m.ExternalURL != "" {
			if _, ok := ParseExternalVideo(m.ExternalURL); !ok {
				p.Add("external_url", "error.video_url")
			}
		}
	case Guide:
		for _, a := range m.Attachments {
			if a.Title == "" {
				p.Add("attachments", "error.attachment_title")
				break
			}
		}
	}
}

// CheckPublishable returns what keeps m from being shown to the public.
// It includes everything Validate checks.
func CheckPublishable(m *Material) Problems {
	p := Validate(m)
	if p == nil {
		p = Problems{}
	}
	if m.Kind == Film {
		if m.VideoID == 0 && m.ExternalURL == "" {
			p.Add("video", "error.video_required")
		}
		if m.VideoID != 0 && m.CaptionsID == 0 {
			p.Add("captions", "error.captions_required")
		}
		if m.Transcript == "" {
			p.Add("transcript", "error.transcript_required")
		}
	}
	if !p.Has("body") {
		checkBody(m.Body, p)
	}
	ConsentProblems(m, p)
	if len(p) == 0 {
		return nil
	}
	return p
}

// vagueLinkTexts are link texts that say nothing about where they lead, in
// Danish and English, compared in lower case without punctuation.
var vagueLinkTexts = map[string]bool{
	"klik her": true, "her": true, "læs mere": true, "læs her": true, "mere": true, "link": true,
	"klik": true, "se mere": true, "se her": true, "læs videre": true, "tryk her": true, "linket": true,
	"click here": true, "here": true, "read more": true, "more": true, "this link": true,
}

// checkBody applies the publication checks to a Markdown body: headings
// start at level 2 (the page's title is level 1) and skip no level, images
// have a description, and link texts say where they lead.
func checkBody(body string, p Problems) {
	f := markdown.Inspect(body)
	prev := 1
	for _, level := range f.HeadingLevels {
		if level > prev+1 || level == 1 {
			p.Add("body", "error.heading_levels")
			break
		}
		prev = level
	}
	if f.ImagesWithoutAlt > 0 {
		p.Add("body", "error.body_image_alt")
	}
	// Pages only show images from the hub itself: an image from another
	// site would show as broken. Editors cannot put uploads in the body
	// yet; imports do, as /media/ addresses.
	for _, src := range f.ImageSources {
		key, ok := strings.CutPrefix(src, "/media/")
		if !ok || !media.ValidKey(key) {
			p.Add("body", "error.body_image")
			break
		}
	}
	for _, text := range f.LinkTexts {
		t := strings.ToLower(strings.Trim(strings.TrimSpace(text), ".,:;!?…»«\"'()"))
		if t == "" || vagueLinkTexts[t] {
			p.Add("body", "error.link_text")
			break
		}
	}
}

// IsWebURL reports whether s is an absolute http or https URL with a host.
func IsWebURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}
