// Package share makes what an editor hands out to bring readers to a
// material: a message for the parent platform Aula, a text for school
// newsletters, a QR code and a printable poster. Every link it makes
// carries a channel tag, so the hub can count how many visits each way of
// sharing brought, without knowing anything about the visitors.
package share

import (
	"net/url"
	"strings"

	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
)

// Channel is how a link reached its reader. Its value is the tag in the
// link's query, as in /materialer/foraeldremoede?k=aula.
type Channel string

// The channels the hub counts.
const (
	Aula       Channel = "aula"       // a message on the parent platform
	Newsletter Channel = "nyhedsbrev" // a school's newsletter
	QR         Channel = "qr"         // the QR code on its own
	Poster     Channel = "plakat"     // the QR code on the printed poster
	Widget     Channel = "widget"     // the list widget on another site
	Card       Channel = "kort"       // a card embedded through oEmbed
	Facebook   Channel = "fb"         // a post on a Facebook page
	LinkedIn   Channel = "li"         // a post on a LinkedIn page
)

// Channels lists every channel, in the order editors see them.
var Channels = []Channel{Aula, Newsletter, QR, Poster, Widget, Card, Facebook, LinkedIn}

// TagParam is the query parameter that carries the channel.
const TagParam = "k"

// ParseChannel returns the channel a tag names, and whether it names one.
func ParseChannel(tag string) (Channel, bool) {
	for _, c := range Channels {
		if string(c) == tag {
			return c, true
		}
	}
	return "", false
}

// Tagged returns link with the channel's tag in its query, replacing any
// tag it had. A link that does not parse is returned as it is.
func Tagged(link string, c Channel) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	q := u.Query()
	q.Set(TagParam, string(c))
	u.RawQuery = q.Encode()
	return u.String()
}

// Item is what the texts say about a material.
type Item struct {
	Title   string
	Summary string
	Kind    material.Kind
	// Language is the material's language, "da" or "en"; the texts are
	// written in it.
	Language string
	// URL is the material's public address, without a tag.
	URL string
	// Hub is the hub's name, which the texts say the material comes from.
	Hub string
}

func (it Item) lang() i18n.Lang { return i18n.Parse(it.Language) }

func (it Item) t(key string, args ...any) string { return i18n.T(it.lang(), key, args...) }

// action is the line that sends the reader on, such as "Se filmen her".
func (it Item) action() string {
	switch it.Kind {
	case material.Film:
		return it.t("ws.share.msg.action_film")
	case material.Guide:
		return it.t("ws.share.msg.action_guide")
	case material.Link:
		return it.t("ws.share.msg.action_link")
	}
	return it.t("ws.share.msg.action_article")
}

// AulaMessage returns a subject and a body for a message or a post on
// Aula. Aula takes plain text and makes a link of an address that stands
// on its own line, so the body is short paragraphs with the tagged link on
// a line of its own and no markup.
func AulaMessage(it Item) (subject, body string) {
	subject = oneLine(it.Title)
	var b strings.Builder
	b.WriteString(subject + "\n\n")
	if s := oneLine(it.Summary); s != "" {
		b.WriteString(s + "\n\n")
	}
	b.WriteString(it.action() + ":\n")
	b.WriteString(Tagged(it.URL, Aula) + "\n\n")
	b.WriteString(it.t("ws.share.msg.from", it.Hub))
	return subject, b.String()
}

// NewsletterText returns a short notice for a school's newsletter: the
// title, the summary and the tagged link.
func NewsletterText(it Item) string {
	var b strings.Builder
	b.WriteString(oneLine(it.Title) + "\n")
	if s := oneLine(it.Summary); s != "" {
		b.WriteString(s + " ")
	}
	b.WriteString(it.action() + ": " + Tagged(it.URL, Newsletter))
	return b.String()
}

// oneLine folds the line breaks and runs of spaces of s into single
// spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
