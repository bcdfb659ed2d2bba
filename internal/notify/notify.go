// Package notify tells people what happened to materials they care about:
// an entry in their in-app inbox and, unless they turned it off for that
// kind, an e-mail queued for the job runner to send. It also writes the
// account mails (invitations and password links).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/storage"
)

// Kind is what happened.
type Kind string

// The kinds of notification.
const (
	KindSubmitted        Kind = "submitted"
	KindComment          Kind = "comment"
	KindChangesRequested Kind = "changes_requested"
	KindApproved         Kind = "approved"
	KindScheduled        Kind = "scheduled"
	KindPublished        Kind = "published"
	// KindSocialProblem: a post on a social channel failed, or the hub
	// cannot know whether it reached the platform.
	KindSocialProblem Kind = "social_problem"
	// KindTokenExpiry: a social channel's access runs out soon.
	KindTokenExpiry Kind = "token_expiry"
)

// kindText holds the message keys of a kind.
type kindText struct {
	kind    Kind
	label   string // what the settings page calls it
	subject string // the mail's subject, with the title
	text    string // one line, with the actor and the title
}

var kindTexts = []kindText{
	{KindSubmitted, "notify.kind.submitted", "notify.submitted.subject", "notify.submitted.text"},
	{KindComment, "notify.kind.comment", "notify.comment.subject", "notify.comment.text"},
	{KindChangesRequested, "notify.kind.changes_requested", "notify.changes_requested.subject",
		"notify.changes_requested.text"},
	{KindApproved, "notify.kind.approved", "notify.approved.subject", "notify.approved.text"},
	{KindScheduled, "notify.kind.scheduled", "notify.scheduled.subject", "notify.scheduled.text"},
	{KindPublished, "notify.kind.published", "notify.published.subject", "notify.published.text"},
	{KindSocialProblem, "notify.kind.social_problem", "notify.social_problem.subject",
		"notify.social_problem.text"},
	{KindTokenExpiry, "notify.kind.token_expiry", "notify.token_expiry.subject", "notify.token_expiry.text"},
}

func textOf(k Kind) (kindText, bool) {
	for _, t := range kindTexts {
		if t.kind == k {
			return t, true
		}
	}
	return kindText{}, false
}

// Kinds lists every kind, in the order settings show them.
func Kinds() []Kind {
	out := make([]Kind, len(kindTexts))
	for i, t := range kindTexts {
		out[i] = t.kind
	}
	return out
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	_, ok := textOf(k)
	return ok
}

// LabelKey is the message key that names the kind.
func (k Kind) LabelKey() string {
	t, _ := textOf(k)
	return t.label
}

// Text is the one-line description of a notification in lang: who did
// what to which material. An unknown kind gives "".
func Text(lang i18n.Lang, k Kind, actorName, title string) string {
	t, ok := textOf(k)
	if !ok {
		return ""
	}
	if actorName == "" {
		actorName = i18n.T(lang, "notify.scheduler")
	}
	return i18n.T(lang, t.text, actorName, title)
}

// Event is something that happened to a material, for its recipients.
type Event struct {
	Kind       Kind
	MaterialID int64 // 0 for a token's expiry
	// MaterialTitle is the material's title, or for a token's expiry
	// the channel's name.
	MaterialTitle string
	ActorID       int64   // 0 = the scheduler
	Recipients    []int64 // user ids; the actor is dropped
	Message       string  // optional, e.g. the comment text or the editor's note
	// Note is an optional line of the hub's own that follows the main
	// text, such as the last day for input of a review round.
	Note string
}

// Notifier delivers events to inboxes and queues their mails.
type Notifier struct {
	store   *storage.Store
	baseURL string
	mailOn  bool
	log     *slog.Logger
}

// New returns a Notifier. baseURL is the hub's public address, used for
// the links in mails; mailOn says whether mails are queued at all.
func New(store *storage.Store, baseURL string, mailOn bool, logger *slog.Logger) *Notifier {
	if logger == nil {
		logger = slog.Default()
	}
	return &Notifier{store: store, baseURL: strings.TrimSuffix(baseURL, "/"), mailOn: mailOn, log: logger}
}

// MailOn reports whether the hub sends e-mail.
func (n *Notifier) MailOn() bool { return n.mailOn }

// maxMessageRunes bounds the message copied into inboxes and mails.
const maxMessageRunes = 2000

// Notify stores an inbox entry for every recipient and queues an e-mail
// for each one who has not turned that kind off. The actor, unknown users
// and inactive users get nothing. A failure for one recipient does not
// stop the others; the errors are returned together.
func (n *Notifier) Notify(ctx context.Context, ev Event) error {
	if !ev.Kind.Valid() {
		return fmt.Errorf("notify: unknown kind %q", ev.Kind)
	}
	ev.Message = truncate(strings.TrimSpace(ev.Message), maxMessageRunes)
	actorName := ""
	if ev.ActorID != 0 {
		u, err := n.store.UserByID(ctx, ev.ActorID)
		switch {
		case err == nil:
			actorName = u.DisplayName()
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("notify: %w", err)
		}
	}
	brandName := n.brandName(ctx)

	var errs []error
	seen := map[int64]bool{}
	for _, id := range ev.Recipients {
		if id == 0 || id == ev.ActorID || seen[id] {
			continue
		}
		seen[id] = true
		if err := n.deliver(ctx, ev, id, actorName, brandName); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("notify %s of material %d: %w", ev.Kind, ev.MaterialID, err)
	}
	return nil
}

func (n *Notifier) deliver(ctx context.Context, ev Event, userID int64, actorName, brandName string) error {
	u, err := n.store.UserByID(ctx, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !u.Active || u.PasswordHash == "" { // deactivated, or has not accepted the invitation yet
		return nil
	}
	message := ev.Message
	if ev.Note != "" {
		message = strings.TrimSpace(ev.Note + "\n\n" + ev.Message)
	}
	note := &storage.Notification{UserID: u.ID, Kind: string(ev.Kind), MaterialID: ev.MaterialID,
		MaterialTitle: ev.MaterialTitle, ActorID: ev.ActorID, ActorName: actorName, Message: message}
	var m *storage.Mail
	if n.mailOn {
		off, err := n.store.MailOptOuts(ctx, u.ID)
		if err != nil {
			return err
		}
		if !off[string(ev.Kind)] {
			m = n.eventMail(u, ev, actorName, brandName)
		}
	}
	return n.store.Deliver(ctx, note, m)
}

// MaterialPath is where a user opens a material in the workspace: the
// form for those who write, the reader's view for reviewers.
func MaterialPath(role storage.Role, id int64) string {
	p := "/redaktion/materialer/" + strconv.FormatInt(id, 10)
	if role == storage.RoleReviewer {
		p += "/vis"
	}
	return p
}

// LinkPath is where a notification of kind about a material leads a
// user in the workspace: the material, its posts, or the channels.
func LinkPath(role storage.Role, k Kind, materialID int64) string {
	switch k {
	case KindTokenExpiry:
		return "/redaktion/kanaler"
	case KindSocialProblem:
		return "/redaktion/materialer/" + strconv.FormatInt(materialID, 10) + "/kanaler"
	}
	return MaterialPath(role, materialID)
}

// eventMail writes the Danish mail for one recipient of an event.
func (n *Notifier) eventMail(u *storage.User, ev Event, actorName, brandName string) *storage.Mail {
	t, _ := textOf(ev.Kind)
	da := i18n.Danish
	var b strings.Builder
	b.WriteString(greeting(u) + "\n\n")
	b.WriteString(Text(da, ev.Kind, actorName, ev.MaterialTitle) + "\n\n")
	if ev.Note != "" {
		b.WriteString(ev.Note + "\n\n")
	}
	if ev.Message != "" {
		b.WriteString(i18n.T(da, "notify.mail.message") + "\n\n" + ev.Message + "\n\n")
	}
	open := "notify.mail.open"
	if ev.Kind == KindTokenExpiry {
		open = "notify.mail.open_channels"
	}
	b.WriteString(i18n.T(da, open) + "\n" + n.baseURL + LinkPath(u.Role, ev.Kind, ev.MaterialID) + "\n\n")
	b.WriteString("-- \n" + i18n.T(da, "notify.mail.footer", brandName, n.baseURL+"/redaktion/profil") + "\n")
	return &storage.Mail{To: u.Email, Subject: i18n.T(da, t.subject, oneLine(ev.MaterialTitle)), Body: b.String()}
}

// SendInvitation queues the mail that invites u to choose a name and a
// password at link, valid for validDays.
func (n *Notifier) SendInvitation(ctx context.Context, u *storage.User, link, inviter string, validDays int) error {
	da := i18n.Danish
	brandName := n.brandName(ctx)
	body := i18n.T(da, "notify.invite.body", inviter, brandName, link, validDays)
	return n.queue(ctx, u, i18n.T(da, "notify.invite.subject", brandName), body, brandName)
}

// SendReset queues the mail with a password link valid for an hour.
func (n *Notifier) SendReset(ctx context.Context, u *storage.User, link string) error {
	da := i18n.Danish
	brandName := n.brandName(ctx)
	body := i18n.T(da, "notify.reset.body", brandName, link)
	return n.queue(ctx, u, i18n.T(da, "notify.reset.subject", brandName), body, brandName)
}

func (n *Notifier) queue(ctx context.Context, u *storage.User, subject, body, brandName string) error {
	if !n.mailOn {
		return errors.New("notify: mail is off")
	}
	text := greeting(u) + "\n\n" + body + "\n\n-- \n" + brandName + "\n"
	if err := n.store.QueueMail(ctx, &storage.Mail{To: u.Email, Subject: oneLine(subject), Body: text}); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

func (n *Notifier) brandName(ctx context.Context) string {
	kv, err := n.store.Settings(ctx)
	if err != nil {
		n.log.Warn("read brand settings for mail", "err", err)
	}
	return brand.FromMap(kv).Name
}

func greeting(u *storage.User) string {
	name := storage.CleanName(u.Name)
	if name == "" {
		return i18n.T(i18n.Danish, "notify.mail.hello")
	}
	return i18n.T(i18n.Danish, "notify.mail.hello_name", name)
}

// oneLine keeps a subject on one line, as mail headers need.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
