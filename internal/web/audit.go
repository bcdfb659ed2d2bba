package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

// audit records what the logged-in user just did. A failure to record is
// logged, not shown: the action itself has happened.
func (s *Server) audit(r *http.Request, action, subject string) {
	e := &storage.AuditEntry{Action: action, Subject: subject, Client: s.cfg.Proxies.ClientIP(r).String()}
	if u := state(r).user; u != nil {
		e.UserID, e.UserEmail = u.ID, u.Email
	}
	if err := s.store.Audit(r.Context(), e); err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}

// auditFor logs an action by u, who is not yet logged in.
func (s *Server) auditFor(r *http.Request, u *storage.User, action, subject string) {
	e := &storage.AuditEntry{UserID: u.ID, UserEmail: u.Email, Action: action, Subject: subject,
		Client: s.cfg.Proxies.ClientIP(r).String()}
	if err := s.store.Audit(r.Context(), e); err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}

func auditMaterial(m *material.Material) string {
	return "materiale " + strconv.FormatInt(m.ID, 10) + ": " + m.Title
}

// auditActions are the groups the log can be filtered by.
var auditActions = []string{"login", "material", "theme", "school", "settings", "user", "channel"}

// WSAuditPage shows the audit log to admins.
type WSAuditPage struct {
	Base
	Entries []storage.AuditEntry
	Total   int
	Who     string
	Action  string
	From    string
	To      string
	Actions []string
	Page    int
	Pages   int
	PrevURL string
	NextURL string
}

func (s *Server) wsAudit(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.audit")
	if err != nil {
		return err
	}
	b.Section = "audit"
	q := r.URL.Query()
	p := WSAuditPage{Base: b, Who: strings.TrimSpace(q.Get("bruger")), Action: q.Get("handling"),
		From: q.Get("fra"), To: q.Get("til"), Actions: auditActions}
	f := storage.AuditFilter{User: p.Who}
	for _, a := range auditActions {
		if p.Action == a {
			f.Action = a
		}
	}
	// Days in Copenhagen; an unreadable date is ignored, not an error.
	if t, err := localtime.Parse(p.From, "00:00", localtime.Earlier); err == nil {
		f.From = t
	}
	if t, err := localtime.Parse(p.To, "00:00", localtime.Earlier); err == nil {
		f.To = t.Add(24 * time.Hour)
	}
	page := parsePage(q.Get("side"), 1<<20)
	p.Entries, p.Total, err = s.store.AuditLog(r.Context(), f, wsPageSize, (page-1)*wsPageSize)
	if err != nil {
		return err
	}
	p.Pages = max(1, (p.Total+wsPageSize-1)/wsPageSize)
	p.Page = min(page, p.Pages)
	if p.Page > 1 {
		p.PrevURL = pageURL("/redaktion/logbog", q, p.Page-1)
	}
	if p.Page < p.Pages {
		p.NextURL = pageURL("/redaktion/logbog", q, p.Page+1)
	}
	return s.render(w, http.StatusOK, "ws/audit", p)
}
