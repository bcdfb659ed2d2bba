// Package transfer brings material into the hub from other systems and
// takes everything out again.
//
// Every import reads its source (a WordPress export, a folder of Markdown,
// a spreadsheet of links) into a Bundle: plain values that say what the
// source holds, with keys that stay the same from one run to the next.
// Apply then stores a Bundle in one transaction, so an import is
// all-or-nothing, and matches those keys with what an earlier run
// stored, so running an import again updates instead of duplicating.
package transfer

import (
	"context"
	"io"
	"strconv"

	"github.com/bindeled/bindeled/internal/material"
)

// Bundle is what one import brings, read and checked but not yet stored.
type Bundle struct {
	// Source names where the bundle comes from, such as
	// "wordpress:https://gammel.example.dk" or "links". With an
	// item's Key it identifies the item across runs.
	Source string

	Themes []Theme
	Users  []User
	Items  []Item

	// Problems are what the reader could not bring over as it was but did
	// not stop for: a shortcode removed, a protected post kept unpublished.
	Problems []Problem

	// Refused are the items the reader could not read at all, each with
	// its reason. An import stops at the first unless the user asked to
	// skip invalid items, and then reports them.
	Refused []Problem
}

// Theme is a theme the source groups its items under. A theme whose slug
// the hub already has is the same theme.
type Theme struct {
	Key         string // how items refer to it, such as "category:skole-hjem"
	Slug        string
	Name        string
	Description string
}

// User is a person the source names as an author. Users are matched by
// e-mail address; new ones are created inactive, as contributors, with no
// password, so they can sign in only after an admin turns them on.
type User struct {
	Key   string // how items refer to it, such as "author:jens"
	Email string
	Name  string
}

// Item is one material of the source.
type Item struct {
	// Key identifies the item within the Source across runs, such as
	// "post:123", "file:vejledninger/trivsel.md" or a link's URL.
	Key string
	// Where says where the item is, for messages: the file and the item's
	// position or title.
	Where string

	// Material holds the material's own fields: kind, title, slug (the one
	// wanted; Apply adds a number when another material has it), summary,
	// body, audiences, grade bands, language, status and its times, and the
	// fields of its kind. Its IDs are left zero: the references below
	// stand for them. Status is never more public than in the source:
	// drafts, pending, private and protected items are Draft.
	Material material.Material

	ThemeKeys  []string // Theme.Key values
	SchoolSlug string   // a school the hub has, "" for none
	AuthorKey  string   // a User.Key, "" for none

	Cover       *File
	Attachments []Attachment
	// Inline are images the body shows. The body refers to Inline[i] by
	// InlineRef(i); Apply replaces that with the stored image's address.
	Inline []File

	// OldPaths are the addresses the item had on the old site, as a path
	// with its query ("/?p=123", "/2016/12/trivsel/"); they redirect to the
	// material.
	OldPaths []string

	// UpdateOnly says the source no longer offers the item, as a post in
	// WordPress's trash: Apply updates the material an earlier run made
	// from it (so an Unpublished status takes it off the site) and never
	// creates one. Without an earlier import the item is left out without
	// a word. Readers that do not set it are unaffected.
	UpdateOnly bool
}

// Attachment is a downloadable file of a guide or article.
type Attachment struct {
	File  File
	Title string
}

// File is a media file an item uses. Open is called once, when the import
// is applied (not on a dry run); a file that cannot be opened or is not a
// kind of file the hub takes is reported and left out, and does not fail
// the import.
type File struct {
	// Key identifies the file in the source, such as its URL or its path,
	// so a second run reuses what the first one stored.
	Key  string
	Name string // the file name to show, such as "tjekliste.pdf"
	Alt  string // for images: the text in place of the picture
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// InlineRef is how an item's body refers to its i'th inline image until the
// import stores it.
func InlineRef(i int) string { return "bindeled-inline:" + strconv.Itoa(i) }

// Problem is something an import reports: a warning when it reads and goes
// on, or the reason an item was refused. Code selects the message, which
// is in the i18n catalogue under "import.problem." + Code in every
// language; Detail is the one value the message names (a shortcode, a
// file name, a field).
type Problem struct {
	Where  string
	Code   string
	Detail string
}

// Getter fetches a file the source names by URL. The guarded fetcher
// implements it; imports get one only when the user asks for fetching.
type Getter interface {
	Get(ctx context.Context, url string) (io.ReadCloser, error)
}
