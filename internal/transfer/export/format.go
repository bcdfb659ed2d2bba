// Package export writes everything a hub holds into a folder of
// documented files, and restores such a folder into an empty hub.
//
// The files refer to each other by natural keys (slugs, e-mail addresses,
// media keys), never by database ids, so an export reads well and can be
// restored into any hub on either backend. docs/export.md describes every
// file field by field.
package export

import (
	"time"

	"github.com/bindeled/bindeled/internal/transfer/export/mdfile"
)

// FormatName and FormatVersion identify an export in its manifest.
const (
	FormatName    = "bindeled-export"
	FormatVersion = 1
)

// The ways materials can be written.
const (
	FormatJSON     = "json"     // materials.json
	FormatMarkdown = "markdown" // materials/<slug>.md with YAML front matter
)

// The files of an export.
const (
	fileManifest    = "bindeled.json"
	fileSettings    = "settings.json"
	fileMedia       = "media.json"
	fileThemes      = "themes.json"
	fileSchools     = "schools.json"
	fileUsers       = "users.json"
	fileMaterials   = "materials.json"
	filePending     = "pending.json"
	fileRedirects   = "redirects.json"
	fileTransitions = "transitions.json"
	fileRevisions   = "revisions.json"
	fileReviews     = "reviews.json"
	fileComments    = "comments.json"
	fileSynonyms    = "synonyms.json"
	fileVisits      = "visits.json"
	fileImports     = "imports.json"
	fileOldPaths    = "old_paths.json"
	fileInline      = "inline_media.json"
	dirMedia        = "media"
	dirMaterials    = "materials"
)

// Manifest is bindeled.json, the first file a restore reads.
type Manifest struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	ExportedAt time.Time      `json:"exported_at"`
	Materials  string         `json:"materials"` // FormatJSON or FormatMarkdown
	Revisions  bool           `json:"revisions"`
	Counts     map[string]int `json:"counts"`
}

// Media is one stored file, listed in media.json; its bytes are
// media/<key>. A withdrawn file has no bytes and no SHA256.
type Media struct {
	Key         string    `json:"key"`
	Class       string    `json:"class"`
	Type        string    `json:"type"`
	Size        int64     `json:"size"`
	Width       int64     `json:"width"`
	Height      int64     `json:"height"`
	Name        string    `json:"name"`
	SHA256      string    `json:"sha256,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	WithdrawnAt time.Time `json:"withdrawn_at,omitzero"`
	UploadedBy  string    `json:"uploaded_by,omitempty"` // e-mail
}

// Theme is one of the editable themes.
type Theme struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// School is one of the schools.
type School struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	ShortName string `json:"short_name,omitempty"`
	URL       string `json:"url,omitempty"`
	Logo      string `json:"logo,omitempty"` // media key
}

// User is a person, without password, sessions or links.
type User struct {
	Email     string    `json:"email"`
	Name      string    `json:"name,omitempty"`
	Role      string    `json:"role"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	Schools   []string  `json:"schools,omitempty"`  // school slugs
	MailOff   []string  `json:"mail_off,omitempty"` // notification kinds not wanted by mail
}

// Material, Attachment and Consent are a material's fields, as
// materials.json, pending.json, revisions.json and the Markdown files hold
// them.
type (
	Material   = mdfile.Material
	Attachment = mdfile.Attachment
	Consent    = mdfile.Consent
)

// Pending is an edit of a published material waiting for approval.
type Pending struct {
	Material  string    `json:"material"` // slug
	Status    string    `json:"status"`
	By        string    `json:"by,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   Material  `json:"version"`
}

// Redirect is an old slug of a renamed material.
type Redirect struct {
	OldSlug  string `json:"old_slug"`
	Material string `json:"material"`
}

// Transition is one status move of a material.
type Transition struct {
	Material string    `json:"material"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	By       string    `json:"by,omitempty"` // "" for the scheduler or a deleted user
	Message  string    `json:"message,omitempty"`
	At       time.Time `json:"at"`
}

// Revision is one saved version of a material.
type Revision struct {
	Material string    `json:"material"`
	Number   int64     `json:"number"`
	By       string    `json:"by,omitempty"`
	At       time.Time `json:"at"`
	Pending  string    `json:"pending,omitempty"` // the state of a pending edit it saved
	Data     Material  `json:"data"`
}

// Round is a review round with its reviewers. Number counts the rounds of
// its material from 1 in the order they were opened.
type Round struct {
	Material  string     `json:"material"`
	Number    int        `json:"number"`
	Deadline  time.Time  `json:"deadline"`
	Revision  int64      `json:"revision"`
	CreatedBy string     `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  time.Time  `json:"closed_at,omitzero"`
	Reviewers []Reviewer `json:"reviewers,omitempty"`
}

// Reviewer is a reviewer of a round and the verdict given.
type Reviewer struct {
	User       string    `json:"user"`
	Verdict    string    `json:"verdict,omitempty"`
	Message    string    `json:"message,omitempty"`
	Revision   int64     `json:"revision,omitempty"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
}

// Comment is a comment on a material. Number counts the comments of its
// material from 1 in the order they were written; Round and Parent refer
// to a round's and a comment's number, 0 for none.
type Comment struct {
	Material   string    `json:"material"`
	Number     int       `json:"number"`
	Round      int       `json:"round,omitempty"`
	Parent     int       `json:"parent,omitempty"`
	By         string    `json:"by,omitempty"`
	Paragraph  int64     `json:"paragraph,omitempty"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	ResolvedBy string    `json:"resolved_by,omitempty"`
}

// Visit counts the visits to a material through one channel on one day.
type Visit struct {
	Material string `json:"material"`
	Channel  string `json:"channel"`
	Day      string `json:"day"` // YYYY-MM-DD
	Visits   int64  `json:"visits"`
}

// Imports is imports.json: what imports stored, so that running an import
// again after a restore updates the materials it made instead of
// duplicating them.
type Imports struct {
	Items []ImportItem `json:"items"`
	Files []ImportFile `json:"files"`
}

// ImportItem is an item of an import's source and the material it became.
type ImportItem struct {
	Source   string `json:"source"`
	Key      string `json:"key"`
	Material string `json:"material"` // slug
	Hash     string `json:"hash"`     // sums up what was stored; an unchanged item is left alone
}

// ImportFile is a media file of an import's source and the stored file it
// became.
type ImportFile struct {
	Source string `json:"source"`
	Key    string `json:"key"`
	Media  string `json:"media"`  // media key
	SHA256 string `json:"sha256"` // of the source's bytes
}

// OldPath is an address an imported material had on the old site,
// answered with a redirect while the material is public.
type OldPath struct {
	Path     string `json:"path"`
	Material string `json:"material"` // slug
}

// InlineMedia is an image a material's body shows: public exactly when
// the material is.
type InlineMedia struct {
	Material string `json:"material"` // slug
	Media    string `json:"media"`    // media key
}

// exportedTables are the tables whose rows an export carries, in one file
// or another.
var exportedTables = []string{
	"settings", "users", "media", "schools", "themes", "user_schools", "materials", "material_audiences",
	"material_grades", "material_themes", "attachments", "slug_redirects", "material_transitions",
	"material_revisions", "review_rounds", "review_reviewers", "comments", "search_synonyms",
	"pending_versions", "mail_optouts", "channel_visits", "import_items", "import_files", "old_paths",
	"material_inline_media",
}

// leftOutTables are the tables an export leaves out on purpose, and why;
// docs/export.md says the same.
var leftOutTables = map[string]string{
	"sessions":         "logins; everyone signs in again",
	"setup_tokens":     "secret one-time links",
	"user_tokens":      "secret invitation and password links",
	"audit_log":        "a security log with client addresses, kept for a limited time",
	"jobs":             "planned work; a restore plans the publications and unpublications again",
	"search_postings":  "the search index, built again by the restore",
	"search_words":     "the search index, built again by the restore",
	"search_misses":    "statistics of searches that found nothing",
	"notifications":    "the users' inboxes",
	"mails":            "mail queued or sent",
	"social_channels":  "connections to platforms hold secret tokens; connect them again",
	"social_posts":     "posts belong to the channels, which are left out",
	"social_grants":    "connections in progress",
	"media_renditions": "smaller copies of images, made again from the originals by the restored hub",
	"rate_limits":      "counts of recent login attempts, which end with their window",
	"user_totp":        "second-factor secrets; users set up two-step verification again",
	"recovery_codes":   "second-factor recovery codes, with the secrets they belong to",
	"login_challenges": "logins waiting for a code",
}
