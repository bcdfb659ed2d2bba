package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
)

// InboxItem is one notification as the inbox shows it.
type InboxItem struct {
	storage.Notification
	Text string
	Link string
}

// WSInboxPage is a user's inbox.
type WSInboxPage struct {
	Base
	Items   []InboxItem
	Total   int
	Page    int
	Pages   int
	PrevURL string
	NextURL string
}

func (s *Server) wsInbox(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.inbox")
	if err != nil {
		return err
	}
	b.Section = "inbox"
	u := state(r).user
	p := WSInboxPage{Base: b}
	q := r.URL.Query()
	page := parsePage(q.Get("side"), 1<<20)
	list, total, err := s.store.Notifications(r.Context(), u.ID, wsPageSize, (page-1)*wsPageSize)
	if err != nil {
		return err
	}
	for _, n := range list {
		item := InboxItem{Notification: n,
			Text: notify.Text(b.Lang, notify.Kind(n.Kind), n.ActorName, n.MaterialTitle)}
		if n.MaterialID != 0 || n.Kind == string(notify.KindTokenExpiry) {
			item.Link = notify.LinkPath(u.Role, notify.Kind(n.Kind), n.MaterialID)
		}
		p.Items = append(p.Items, item)
	}
	p.Total = total
	p.Pages = max(1, (total+wsPageSize-1)/wsPageSize)
	p.Page = min(page, p.Pages)
	if p.Page > 1 {
		p.PrevURL = pageURL("/redaktion/indbakke", q, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = pageURL("/redaktion/indbakke", q, p.Page+1)
	}
	return s.render(w, http.StatusOK, "ws/inbox", p)
}

// wsInboxRead marks one notification read (id) or all of them (all).
func (s *Server) wsInboxRead(w http.ResponseWriter, r *http.Request) error {
	u := state(r).user
	id := formID(r.PostForm.Get("id"))
	if id != 0 || r.PostForm.Get("all") != "" {
		if err := s.store.MarkRead(r.Context(), u.ID, id, time.Now()); err != nil {
			return err
		}
	}
	target := "/redaktion/indbakke"
	if page := parsePage(r.PostForm.Get("side"), 1<<20); page > 1 {
		target += "?side=" + strconv.Itoa(page)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// MailChoice is one kind of notification on the profile page.
type MailChoice struct {
	Kind  notify.Kind
	Label string
	On    bool
}

// WSProfilePage shows a member their account and lets them choose which
// notifications they also get by e-mail.
type WSProfilePage struct {
	Base
	MailOn  bool
	Choices []MailChoice
	Role    string
}

func (s *Server) wsProfile(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.profile")
	if err != nil {
		return err
	}
	b.Section = "profile"
	u := state(r).user
	off, err := s.store.MailOptOuts(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p := WSProfilePage{Base: b, MailOn: s.notifier.MailOn(), Role: b.T(roleKey(u.Role))}
	for _, k := range notify.Kinds() {
		p.Choices = append(p.Choices, MailChoice{Kind: k, Label: b.T(k.LabelKey()), On: !off[string(k)]})
	}
	return s.render(w, http.StatusOK, "ws/profile", p)
}

func (s *Server) wsSaveProfile(w http.ResponseWriter, r *http.Request) error {
	u := state(r).user
	on := map[string]bool{}
	for _, k := range r.PostForm["mail"] {
		on[k] = true
	}
	var off []string
	for _, k := range notify.Kinds() {
		if !on[string(k)] {
			off = append(off, string(k))
		}
	}
	if err := s.store.SetMailOptOuts(r.Context(), u.ID, off); err != nil {
		return err
	}
	http.Redirect(w, r, "/redaktion/profil?besked=gemt", http.StatusSeeOther)
	return nil
}

// roleKey is the message key that names a role.
func roleKey(r storage.Role) string {
	switch r {
	case storage.RoleAdmin:
		return "ws.role.admin"
	case storage.RoleEditor:
		return "ws.role.editor"
	case storage.RoleReviewer:
		return "ws.role.reviewer"
	}
	return "ws.role.contributor"
}
