package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"golang.org/x/text/unicode/norm"
)

// LoginPage is the workspace's login form.
type LoginPage struct {
	Base
	Email    string
	Next     string
	Error    string
	FormCSRF string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if state(r).user != nil {
		http.Redirect(w, r, "/redaktion", http.StatusSeeOther)
		return nil
	}
	return s.renderLogin(w, r, http.StatusOK, "", r.URL.Query().Get("next"), "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, email, next, problem string) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title = b.T("login.title")
	p := LoginPage{Base: b, Email: email, Next: safeNext(next), FormCSRF: s.guestFormToken(w, r)}
	if problem != "" {
		p.Error = problem
	}
	if key, ok := flashMessages[r.URL.Query().Get("besked")]; ok && r.Method == http.MethodGet {
		p.Flash = b.T(key)
	}
	return s.render(w, status, "ws/login", p)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := s.readGuestForm(w, r); err != nil {
		return err
	}
	email := storage.NormalizeEmail(r.PostForm.Get("email"))
	password := norm.NFC.String(r.PostForm.Get("password"))
	next := r.PostForm.Get("next")

	now := time.Now()
	addr := s.cfg.Proxies.ClientIP(r).String()
	limits := s.loginLimits(addr, email)
	// The attempt counts before the password is checked, so that attempts
	// made at the same moment on any instance cannot pass the limit.
	problem, err := s.countTry(w, r, limits, now)
	if err != nil {
		return err
	}
	if problem != "" {
		return s.renderLogin(w, r, http.StatusTooManyRequests, email, next, problem)
	}

	u, err := s.checkLogin(r.Context(), email, password)
	if err != nil {
		s.log.Info("login failed", "request_id", state(r).requestID)
		b, _ := s.base(r, "")
		return s.renderLogin(w, r, http.StatusUnauthorized, email, next, b.T("error.login"))
	}
	if u.SecondFactor {
		// The password was right, but the login is not done until the
		// code is: the account's failures from here are kept.
		s.giveBack(r, limits, now)
	} else {
		s.loginDone(r, limits, now)
	}
	return s.finishPassword(w, r, u, next)
}

var errBadLogin = errors.New("wrong e-mail or password")

// checkLogin returns the user whose password this is. Unknown accounts
// cost as much time as known ones.
func (s *Server) checkLogin(ctx context.Context, email, password string) (*storage.User, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, storage.ErrNotFound) {
		auth.DummyCheck(s.cfg.Passwords, password)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	ok, rehash, err := auth.CheckPassword(s.cfg.Passwords, u.PasswordHash, password)
	if err != nil || !ok || !u.Active {
		return nil, errBadLogin
	}
	if rehash {
		if h, err := auth.HashPassword(s.cfg.Passwords, password); err == nil {
			if err := s.store.SetPasswordHash(ctx, u.ID, h); err != nil {
				s.log.Error("rehash password", "err", err)
			}
		}
	}
	return u, nil
}

// startSession logs u in with a fresh session id.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *storage.User) error {
	id := auth.NewToken()
	now := time.Now()
	err := s.store.CreateSession(r.Context(), &storage.Session{
		IDHash: hashToken(id), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL),
	})
	if err != nil {
		return err
	}
	// An old session cookie from before the login ends here too.
	if st := state(r); st.sessionID != "" {
		_ = s.store.DeleteSession(r.Context(), hashToken(st.sessionID)) // best effort; it expires anyway
	}
	s.setCookie(w, r, s.sessionCookieName(r), id, int(s.cfg.SessionTTL.Seconds()))
	s.setCookie(w, r, loginCookie, "", -1)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	s.audit(r, "login:logout", "")
	if err := s.store.DeleteSession(r.Context(), hashToken(state(r).sessionID)); err != nil {
		return err
	}
	s.setCookie(w, r, s.sessionCookieName(r), "", -1)
	http.Redirect(w, r, "/redaktion/login", http.StatusSeeOther)
	return nil
}

// SetupPage creates the first admin from a one-time link.
type SetupPage struct {
	Base
	Token    string
	Name     string
	Email    string
	Problems material.Problems
	FormCSRF string
	Invalid  bool
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	_, err := s.store.ValidSetupToken(r.Context(), hashToken(token), time.Now())
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return s.renderSetup(w, r, http.StatusOK, SetupPage{Token: token, Invalid: err != nil})
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, p SetupPage) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title = b.T("setup.title")
	p.Base = b
	p.FormCSRF = s.guestFormToken(w, r)
	if p.Invalid {
		status = http.StatusNotFound
	}
	return s.render(w, status, "ws/setup", p)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	if err := s.readGuestForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	p := SetupPage{Token: f.Get("token"), Name: strings.TrimSpace(f.Get("name")),
		Email: strings.TrimSpace(f.Get("email")), Problems: material.Problems{}}
	password := norm.NFC.String(f.Get("password"))

	if !auth.ValidEmail(p.Email) {
		p.Problems.Add("email", "error.email")
	}
	if key := auth.PasswordProblem(password); key != "" {
		p.Problems.Add("password", key)
	} else if password != norm.NFC.String(f.Get("password2")) {
		p.Problems.Add("password2", "error.password_mismatch")
	}
	if len(p.Problems) > 0 {
		return s.renderSetup(w, r, http.StatusUnprocessableEntity, p)
	}

	hash, err := auth.HashPassword(s.cfg.Passwords, password)
	if err != nil {
		return err
	}
	u := &storage.User{Email: p.Email, Name: p.Name, PasswordHash: hash}
	err = s.store.CreateFirstAdmin(r.Context(), hashToken(p.Token), u, time.Now())
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrConflict) {
		p.Invalid = true
		return s.renderSetup(w, r, http.StatusNotFound, p)
	}
	if err != nil {
		return err
	}
	s.log.Info("first admin created", "user_id", u.ID)
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	state(r).user = u
	s.audit(r, "login:first_admin", "")
	http.Redirect(w, r, "/redaktion", http.StatusSeeOther)
	return nil
}

// guestFormToken gives a form for people not logged in (login, first
// admin, links, forgotten password) its CSRF token, tied to a cookie. A
// cookie the browser already has is kept, so a form opened earlier in
// another tab still works.
func (s *Server) guestFormToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCookie); err == nil {
		if token := auth.LoginCSRFFor(s.secret, c.Value); token != "" {
			s.setCookie(w, r, loginCookie, c.Value, 3600)
			return token
		}
	}
	cookie, token := auth.NewLoginCSRF(s.secret)
	s.setCookie(w, r, loginCookie, cookie, 3600)
	return token
}

// readGuestForm reads such a form and checks its token against the
// cookie.
func (s *Server) readGuestForm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || !auth.CheckLoginCSRF(s.secret, c.Value, r.PostForm.Get("csrf")) {
		return errCSRF
	}
	return nil
}

// limitedKey is a limit and the key an attempt counts under in it.
type limitedKey struct {
	limiter *auth.Limiter
	key     string
}

// takeAll counts an attempt at now under every limit. When one refuses,
// the attempts already counted are given back, and takeAll returns how
// long until the next attempt would be allowed.
func (s *Server) takeAll(ctx context.Context, limits []limitedKey, now time.Time) (time.Duration, error) {
	for i, l := range limits {
		wait, err := l.limiter.Take(ctx, l.key, now)
		if err == nil && wait == 0 {
			continue
		}
		for _, taken := range limits[:i] {
			if err := taken.limiter.GiveBack(ctx, taken.key, now); err != nil {
				s.log.Error("give back attempt", "err", err)
			}
		}
		if err != nil {
			return 0, fmt.Errorf("rate limit: %w", err)
		}
		return wait, nil
	}
	return 0, nil
}

// giveBack takes back the attempts counted at now under limits, for a
// request that turned out not to count. A failure is logged: the count
// ends with its window anyway.
func (s *Server) giveBack(r *http.Request, limits []limitedKey, now time.Time) {
	for _, l := range limits {
		if err := l.limiter.GiveBack(r.Context(), l.key, now); err != nil {
			s.log.Error("give back attempt", "request_id", state(r).requestID, "err", err)
		}
	}
}

// loginLimits are the limits a try at account email from addr counts
// under: the address, the account from the address, and the account.
func (s *Server) loginLimits(addr, email string) []limitedKey {
	return []limitedKey{{s.byAddr, addr}, {s.byAccountAddr, accountAddrKey(email, addr)}, {s.byAccount, email}}
}

func accountAddrKey(email, addr string) string { return email + "\x00" + addr }

// countTry counts a try at a password or code under limits before it is
// checked, so that tries made at the same moment on any instance cannot
// pass the limits. A try over a limit gets the text that says how long to
// wait; "" means the try may go on.
func (s *Server) countTry(w http.ResponseWriter, r *http.Request, limits []limitedKey, now time.Time) (string, error) {
	wait, err := s.takeAll(r.Context(), limits, now)
	if err != nil || wait == 0 {
		return "", err
	}
	return s.tooMany(w, r, wait), nil
}

// tooMany answers a rate-limited try with the wait in minutes.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) string {
	s.log.Warn("login rate limited", "request_id", state(r).requestID)
	w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
	b, _ := s.base(r, "")
	return b.T("error.toomany", max(1, int(math.Ceil(wait.Minutes()))))
}

// loginDone settles the limits of a finished login, counted at now under
// loginLimits: only failures count, so a busy shared address is not
// stopped, and the account's failures from this address are forgotten.
func (s *Server) loginDone(r *http.Request, limits []limitedKey, now time.Time) {
	s.giveBack(r, []limitedKey{limits[0], limits[2]}, now)
	if err := limits[1].limiter.Reset(r.Context(), limits[1].key); err != nil {
		s.log.Error("reset login limit", "request_id", state(r).requestID, "err", err)
	}
}
