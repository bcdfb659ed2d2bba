package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"golang.org/x/text/unicode/norm"
)

// How long one-time links work.
const (
	inviteValidity = 7 * 24 * time.Hour
	resetValidity  = time.Hour
)

// publicBase is the hub's address for links: the configured base URL, or
// the request's own address when none is configured. Mail is only sent
// with a configured base URL, so a forged Host header never reaches a mail.
func (s *Server) publicBase(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if state(r).https {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// passwordLink is the address where a token's owner sets a password.
func (s *Server) passwordLink(r *http.Request, token string) string {
	return s.publicBase(r) + "/redaktion/adgangskode?token=" + url.QueryEscape(token)
}

// ForgotPage asks for an e-mail address to send a password link to.
type ForgotPage struct {
	Base
	Email    string
	Sent     bool
	MailOn   bool
	Error    string
	FormCSRF string
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderForgot(w, r, http.StatusOK, ForgotPage{})
}

func (s *Server) renderForgot(w http.ResponseWriter, r *http.Request, status int, p ForgotPage) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title = b.T("login.forgot")
	p.Base, p.MailOn = b, s.notifier.MailOn()
	p.FormCSRF = s.guestFormToken(w, r)
	return s.render(w, status, "ws/forgot", p)
}

// forgot sends a password link when the address belongs to an active
// user, and gives the same answer whether it does or not. Every request
// counts against the limits, per address and per account.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	if err := s.readGuestForm(w, r); err != nil {
		return err
	}
	email := storage.NormalizeEmail(r.PostForm.Get("email"))
	if !s.notifier.MailOn() {
		return s.renderForgot(w, r, http.StatusOK, ForgotPage{Email: email})
	}
	now := time.Now()
	addr := s.cfg.Proxies.ClientIP(r).String()
	wait, err := s.takeAll(r.Context(), []limitedKey{{s.resetByAddr, addr}, {s.resetByAccount, email}}, now)
	if err != nil {
		return err
	}
	if wait > 0 {
		s.log.Warn("password link rate limited", "request_id", state(r).requestID)
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		b, _ := s.base(r, "")
		return s.renderForgot(w, r, http.StatusTooManyRequests, ForgotPage{Email: email,
			Error: b.T("error.toomany", max(1, int(math.Ceil(wait.Minutes()))))})
	}
	if err := s.sendReset(r, email, now); err != nil {
		// Logged, not shown: the answer must not tell whether the account exists.
		s.log.Error("password link", "request_id", state(r).requestID, "err", err)
	}
	return s.renderForgot(w, r, http.StatusOK, ForgotPage{Sent: true})
}

func (s *Server) sendReset(r *http.Request, email string, now time.Time) error {
	u, err := s.store.UserByEmail(r.Context(), email)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !u.Active {
		return nil
	}
	token := auth.NewToken()
	err = s.store.CreateUserToken(r.Context(), &storage.UserToken{TokenHash: hashToken(token), UserID: u.ID,
		Purpose: storage.TokenReset, CreatedAt: now, ExpiresAt: now.Add(resetValidity)})
	if err != nil {
		return err
	}
	return s.notifier.SendReset(r.Context(), u, s.passwordLink(r, token))
}

// PasswordPage sets a password from a one-time link: an invitation, with
// the user's name, or a reset.
type PasswordPage struct {
	Base
	Token    string
	Invite   bool
	Name     string
	Email    string
	Problems material.Problems
	FormCSRF string
	Invalid  bool
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	p := PasswordPage{Token: r.URL.Query().Get("token")}
	if err := s.loadLink(r, &p); err != nil {
		return err
	}
	return s.renderPassword(w, r, http.StatusOK, p)
}

// loadLink fills in what the page's token says, or marks it invalid.
func (s *Server) loadLink(r *http.Request, p *PasswordPage) error {
	t, err := s.store.ValidUserToken(r.Context(), hashToken(p.Token), time.Now())
	if errors.Is(err, storage.ErrNotFound) || p.Token == "" || len(p.Token) > 100 {
		p.Invalid = true
		return nil
	}
	if err != nil {
		return err
	}
	u, err := s.store.UserByID(r.Context(), t.UserID)
	if err != nil {
		return err
	}
	p.Invite, p.Email = t.Purpose == storage.TokenInvite, u.Email
	if p.Name == "" {
		p.Name = u.Name
	}
	return nil
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, status int, p PasswordPage) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title = b.T("login.reset_title")
	if p.Invite {
		b.Title = b.T("login.invite_title")
	}
	p.Base = b
	p.FormCSRF = s.guestFormToken(w, r)
	if p.Invalid {
		status = http.StatusNotFound
	}
	return s.render(w, status, "ws/password", p)
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) error {
	if err := s.readGuestForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	p := PasswordPage{Token: f.Get("token"), Name: strings.TrimSpace(f.Get("name")), Problems: material.Problems{}}
	if err := s.loadLink(r, &p); err != nil {
		return err
	}
	if p.Invalid {
		return s.renderPassword(w, r, http.StatusNotFound, p)
	}
	password := norm.NFC.String(f.Get("password"))
	if p.Invite {
		switch n := utf8.RuneCountInString(p.Name); {
		case n == 0:
			p.Problems.Add("name", "error.required")
		case n > 80:
			p.Problems.Add("name", "error.name_too_long")
		}
	}
	if key := auth.PasswordProblem(password); key != "" {
		p.Problems.Add("password", key)
	} else if password != norm.NFC.String(f.Get("password2")) {
		p.Problems.Add("password2", "error.password_mismatch")
	}
	if len(p.Problems) > 0 {
		return s.renderPassword(w, r, http.StatusUnprocessableEntity, p)
	}

	hash, err := auth.HashPassword(s.cfg.Passwords, password)
	if err != nil {
		return err
	}
	name := ""
	if p.Invite {
		name = p.Name
	}
	u, err := s.store.UseUserToken(r.Context(), hashToken(p.Token), name, hash, time.Now())
	if errors.Is(err, storage.ErrNotFound) {
		p.Invalid = true
		return s.renderPassword(w, r, http.StatusNotFound, p)
	}
	if err != nil {
		return err
	}
	action := "login:password_reset"
	if p.Invite {
		action = "login:invitation_accepted"
	}
	s.auditFor(r, u, action, "")
	// A new password is one factor: a user with a second factor still
	// gives a code.
	return s.finishPassword(w, r, u, "/redaktion")
}
