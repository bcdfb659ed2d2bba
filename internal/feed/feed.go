// Package feed writes a list of entries as RSS 2.0, Atom 1.0 and JSON Feed
// 1.1. It knows nothing of materials: the web layer fills in a Feed with
// absolute addresses and sanitised HTML, and each format writes what it
// can carry of it.
package feed

import (
	"time"
)

// Feed is one feed, the same in every format.
type Feed struct {
	Title       string
	Description string
	Language    string // a BCP 47 tag, such as "da"
	HomeURL     string // the page the feed follows
	// SelfURL is the feed's own address in the format being written; the
	// caller sets it per format.
	SelfURL string
	IconURL string
	Author  string
	// Updated is when an entry last changed; zero for an empty feed.
	Updated time.Time
	Items   []Item
}

// Item is one entry of a feed.
type Item struct {
	// ID never changes, even when the entry's address does.
	ID      string
	URL     string
	Title   string
	Summary string // plain text
	// ContentHTML is the full text as sanitised HTML with absolute
	// addresses; empty when only the summary is given.
	ContentHTML string
	// ExternalURL is the resource elsewhere that the entry is about.
	ExternalURL string
	ImageURL    string
	Language    string
	Author      string
	Published   time.Time
	Updated     time.Time
	Categories  []Category
	Enclosures  []Enclosure
}

// Category is a term an entry is filed under.
type Category struct {
	Term   string // the value in its scheme, such as "trivsel"
	Label  string // what readers see, such as "Trivsel"
	Scheme string // an address that names the vocabulary
}

// Enclosure is a file that comes with an entry: a film or a download.
type Enclosure struct {
	URL    string
	Type   string
	Length int64
	Title  string
}

// The media types of the three formats.
const (
	RSSType  = "application/rss+xml"
	AtomType = "application/atom+xml"
	JSONType = "application/feed+json"
)
