package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/share"
	"github.com/bindeled/bindeled/internal/storage"
)

// The second factor's rules.
const (
	// challengeValidity is how long a right password waits for its code.
	challengeValidity = 5 * time.Minute
	// challengeTries is how many wrong codes one password allows.
	challengeTries = 5
	// recoveryCodes is how many recovery codes a user gets.
	recoveryCodes = 10
	// keyRequireSecondFactor is the setting that makes editors and admins
	// use a second factor.
	keyRequireSecondFactor = "auth.require_second_factor"

	challengeCookie       = "bindeled_login_code"
	secureChallengeCookie = "__Host-bindeled_login_code"
	secondFactorPath      = "/redaktion/profil/totp"
)

func (s *Server) challengeCookieName(r *http.Request) string {
	if state(r).https {
		return secureChallengeCookie
	}
	return challengeCookie
}

// finishPassword completes a right password: straight into a session, or,
// for a user with a second factor, on to the code step, which is not a
// session and lets its holder do nothing but try a code.
func (s *Server) finishPassword(w http.ResponseWriter, r *http.Request, u *storage.User, next string) error {
	if !u.SecondFactor {
		if err := s.startSession(w, r, u); err != nil {
			return err
		}
		state(r).user = u
		s.audit(r, "login", "")
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return nil
	}
	id := auth.NewToken()
	now := time.Now()
	err := s.store.CreateLoginChallenge(r.Context(), &storage.LoginChallenge{IDHash: hashToken(id), UserID: u.ID,
		Next: safeNext(next), CreatedAt: now, ExpiresAt: now.Add(challengeValidity)})
	if err != nil {
		return err
	}
	s.setCookie(w, r, s.challengeCookieName(r), id, int(challengeValidity.Seconds()))
	http.Redirect(w, r, "/redaktion/login/kode", http.StatusSeeOther)
	return nil
}

// CodePage asks for the second factor after a right password.
type CodePage struct {
	Base
	FormCSRF string
	// CodeError and RecoveryError are the problems of the two forms.
	CodeError     string
	RecoveryError string
	Code          string
	Recovery      string
	// Expired is set when no login waits for a code in this browser.
	Expired bool
}

func (s *Server) renderCode(w http.ResponseWriter, r *http.Request, status int, p CodePage) error {
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	b.Title = b.T("login.code_title")
	p.Base, p.FormCSRF = b, s.guestFormToken(w, r)
	return s.render(w, status, "ws/code", p)
}

// challenge returns the login waiting for a code in this browser.
func (s *Server) challenge(r *http.Request) (*storage.LoginChallenge, *storage.User, error) {
	c, err := r.Cookie(s.challengeCookieName(r))
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, nil, storage.ErrNotFound
	}
	return s.store.LoginChallengeUser(r.Context(), hashToken(c.Value), time.Now())
}

func (s *Server) codeForm(w http.ResponseWriter, r *http.Request) error {
	if state(r).user != nil {
		http.Redirect(w, r, "/redaktion", http.StatusSeeOther)
		return nil
	}
	_, _, err := s.challenge(r)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return s.renderCode(w, r, http.StatusOK, CodePage{Expired: err != nil})
}

// loginCode takes the code from the app, or a recovery code, that
// finishes a login. Wrong codes count against the same limits as wrong
// passwords, and against the login's own few tries.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) error {
	if err := s.readGuestForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	p := CodePage{Code: strings.TrimSpace(f.Get("code")), Recovery: strings.TrimSpace(f.Get("recovery"))}
	ch, u, err := s.challenge(r)
	if errors.Is(err, storage.ErrNotFound) {
		p.Expired = true
		return s.renderCode(w, r, http.StatusUnauthorized, p)
	}
	if err != nil {
		return err
	}

	now := time.Now()
	limits := s.loginLimits(s.cfg.Proxies.ClientIP(r).String(), u.Email)
	// The try counts before the code is checked, as a password's does.
	if p.CodeError, err = s.countTry(w, r, limits, now); err != nil {
		return err
	}
	if p.CodeError != "" {
		return s.renderCode(w, r, http.StatusTooManyRequests, p)
	}
	how, ok, err := s.checkSecondFactor(r.Context(), u, p.Code, p.Recovery, now)
	if err != nil {
		return err
	}
	if !ok {
		return s.wrongCode(w, r, ch, p)
	}
	if done, err := s.store.DeleteLoginChallenge(r.Context(), ch.IDHash); err != nil || !done {
		p.Expired = true
		return s.renderCode(w, r, http.StatusUnauthorized, p)
	}
	s.loginDone(r, limits, now)
	s.setCookie(w, r, s.challengeCookieName(r), "", -1)
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	state(r).user = u
	s.audit(r, "login", how)
	http.Redirect(w, r, safeNext(ch.Next), http.StatusSeeOther)
	return nil
}

// wrongCode answers a wrong code, which stays counted against the login
// limits and uses up one of the login's own few tries.
func (s *Server) wrongCode(w http.ResponseWriter, r *http.Request, ch *storage.LoginChallenge, p CodePage) error {
	if err := s.store.FailLoginChallenge(r.Context(), ch.IDHash, challengeTries); err != nil {
		return err
	}
	s.log.Info("login code failed", "request_id", state(r).requestID)
	b, _ := s.base(r, "")
	if p.Recovery != "" {
		p.RecoveryError = b.T("error.recovery_code")
	} else {
		p.CodeError = b.T("error.code")
	}
	if ch.Failures+1 >= challengeTries {
		p.Expired = true
	}
	return s.renderCode(w, r, http.StatusUnauthorized, p)
}

// checkSecondFactor checks a code from the user's app or, when recovery
// is given, spends one of their recovery codes. It names the way used.
func (s *Server) checkSecondFactor(ctx context.Context, u *storage.User, code, recovery string,
	now time.Time) (string, bool, error) {
	if recovery != "" {
		if len(recovery) > 40 {
			return "", false, nil
		}
		ok, err := s.store.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(recovery), now)
		return "gendannelseskode", ok, err
	}
	t, err := s.store.UserTOTP(ctx, u.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	secret, err := s.openTOTPSecret(t.Secret, u.ID)
	if err != nil {
		// A secret sealed with another key: recovery codes and an
		// admin's reset still work.
		s.log.Error("open second factor", "user_id", u.ID, "err", err)
		return "", false, nil
	}
	step, ok := auth.CheckTOTP(secret, code, now)
	if !ok {
		return "", false, nil
	}
	used, err := s.store.UseTOTPStep(ctx, u.ID, step)
	return "", used, err
}

func totpContext(userID int64) string { return "totp " + strconv.FormatInt(userID, 10) }

// sealTOTPSecret seals a secret for storage when the hub has a secret
// key; without one it is stored as is (docs/security.md).
func (s *Server) sealTOTPSecret(secret string, userID int64) (string, error) {
	if !s.sealer.Ready() {
		return secret, nil
	}
	return s.sealer.Seal(secret, totpContext(userID))
}

// openTOTPSecret reads a stored secret: sealed values start with "v1.",
// which base32 never contains.
func (s *Server) openTOTPSecret(stored string, userID int64) (string, error) {
	if !strings.HasPrefix(stored, "v1.") {
		return stored, nil
	}
	return s.sealer.Open(stored, totpContext(userID))
}

// secondFactorRequired reports whether the admins require a second
// factor of u's role.
func (s *Server) secondFactorRequired(r *http.Request, u *storage.User) bool {
	if u == nil || u.Role != storage.RoleAdmin && u.Role != storage.RoleEditor {
		return false
	}
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		s.log.Error("read settings", "request_id", state(r).requestID, "err", err)
		return true // fail closed
	}
	return kv[keyRequireSecondFactor] == "1"
}

// enrolOpen are the routes a user who must enrol a second factor may use
// before they have.
var enrolOpen = map[string]bool{secondFactorPath: true, "/redaktion/logout": true,
	"/redaktion/profil/log-ud-overalt": true}

// mustEnrol sends a user who must have a second factor and has none to
// set one up before anything else: pages redirect, forms are refused.
func (s *Server) mustEnrol(w http.ResponseWriter, r *http.Request, rt Route, u *storage.User) error {
	if u == nil || u.SecondFactor || enrolOpen[rt.Pattern] || !s.secondFactorRequired(r, u) {
		return nil
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, secondFactorPath, http.StatusSeeOther)
		return errHandled
	}
	return errForbidden
}

// WSSecondFactorPage sets up, shows or switches off a user's second
// factor.
type WSSecondFactorPage struct {
	Base
	On bool
	// Left is how many unused recovery codes the user has.
	Left int
	// Secret, while enrolling, is the new secret; SecretText the same in
	// groups of four for reading; QR the otpauth address as a QR code.
	Secret     string
	SecretText string
	QR         template.HTML
	Code       string
	Recovery   string
	Required   bool
	// Codes are the new recovery codes, shown once.
	Codes    []string
	Problems fieldTexts
}

func (s *Server) secondFactorBase(r *http.Request) (WSSecondFactorPage, error) {
	b, err := s.wsBase(r, "ws.totp")
	if err != nil {
		return WSSecondFactorPage{}, err
	}
	b.Section = "profile"
	u := state(r).user
	p := WSSecondFactorPage{Base: b, On: u.SecondFactor, Required: s.secondFactorRequired(r, u),
		Problems: fieldTexts{}}
	if p.On {
		if p.Left, err = s.store.RecoveryCodesLeft(r.Context(), u.ID); err != nil {
			return p, err
		}
	}
	return p, nil
}

// withSecret fills in the secret to enrol and its QR code.
func (p *WSSecondFactorPage) withSecret(issuer, email, secret string) error {
	p.Secret = secret
	var groups []string
	for i := 0; i < len(secret); i += 4 {
		groups = append(groups, secret[i:min(i+4, len(secret))])
	}
	p.SecretText = strings.Join(groups, " ")
	code, err := share.NewCode(auth.TOTPURL(issuer, email, secret))
	if err != nil {
		return err
	}
	// The SVG is built from the code's modules and an escaped title only.
	p.QR = template.HTML(code.SVG(p.T("ws.totp.qr_alt")))
	return nil
}

func (s *Server) wsSecondFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.secondFactorBase(r)
	if err != nil {
		return err
	}
	if !p.On {
		if err := p.withSecret(p.Brand.Name, state(r).user.Email, auth.NewTOTPSecret()); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "ws/totp", p)
}

func (s *Server) wsSaveSecondFactor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.secondFactorBase(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	p.Code, p.Recovery = strings.TrimSpace(f.Get("code")), strings.TrimSpace(f.Get("recovery"))
	switch f.Get("action") {
	case "enable":
		return s.enableSecondFactor(w, r, p, f.Get("secret"))
	case "disable":
		return s.disableSecondFactor(w, r, p)
	}
	return errBadInput
}

func (s *Server) enableSecondFactor(w http.ResponseWriter, r *http.Request, p WSSecondFactorPage,
	secret string) error {
	u := state(r).user
	if p.On {
		http.Redirect(w, r, secondFactorPath, http.StatusSeeOther)
		return nil
	}
	if !auth.ValidTOTPSecret(secret) {
		secret = auth.NewTOTPSecret()
	}
	if err := p.withSecret(p.Brand.Name, u.Email, secret); err != nil {
		return err
	}
	now := time.Now()
	step, ok := auth.CheckTOTP(secret, p.Code, now)
	if !ok {
		p.Problems["code"] = []string{p.T("error.code")}
		return s.render(w, http.StatusUnprocessableEntity, "ws/totp", p)
	}
	sealed, err := s.sealTOTPSecret(secret, u.ID)
	if err != nil {
		return err
	}
	p.Codes = auth.NewRecoveryCodes(recoveryCodes)
	hashes := make([]string, len(p.Codes))
	for i, c := range p.Codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	err = s.store.EnableTOTP(r.Context(), &storage.TOTP{UserID: u.ID, Secret: sealed, ConfirmedAt: now,
		LastStep: step}, hashes)
	if errors.Is(err, storage.ErrConflict) {
		http.Redirect(w, r, secondFactorPath, http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.audit(r, "login:second_factor_on", "")
	u.SecondFactor = true
	p.On, p.Left, p.Secret, p.QR, p.Code = true, len(p.Codes), "", "", ""
	p.Flash = p.T("ws.totp.enabled")
	return s.render(w, http.StatusOK, "ws/totp", p)
}

func (s *Server) disableSecondFactor(w http.ResponseWriter, r *http.Request, p WSSecondFactorPage) error {
	u := state(r).user
	if !p.On {
		http.Redirect(w, r, secondFactorPath, http.StatusSeeOther)
		return nil
	}
	if p.Required {
		p.Problems["code"] = []string{p.T("error.second_factor_required")}
		return s.render(w, http.StatusUnprocessableEntity, "ws/totp", p)
	}
	now := time.Now()
	limits := s.loginLimits(s.cfg.Proxies.ClientIP(r).String(), u.Email)
	problem, err := s.countTry(w, r, limits, now)
	if err != nil {
		return err
	}
	if problem != "" {
		p.Problems["code"] = []string{problem}
		return s.render(w, http.StatusTooManyRequests, "ws/totp", p)
	}
	_, ok, err := s.checkSecondFactor(r.Context(), u, p.Code, p.Recovery, now)
	if err != nil {
		return err
	}
	if !ok {
		field, key := "code", "error.code"
		if p.Recovery != "" {
			field, key = "recovery", "error.recovery_code"
		}
		p.Problems[field] = []string{p.T(key)}
		return s.render(w, http.StatusUnprocessableEntity, "ws/totp", p)
	}
	// Only wrong codes count.
	s.giveBack(r, limits, now)
	if _, err := s.store.DisableTOTP(r.Context(), u.ID); err != nil {
		return err
	}
	s.audit(r, "login:second_factor_off", "")
	http.Redirect(w, r, "/redaktion/profil?besked=totp-fra", http.StatusSeeOther)
	return nil
}

// logoutEverywhere ends every session of the user, this one included, and
// any login of theirs waiting for a code.
func (s *Server) logoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	s.audit(r, "login:logout_everywhere", "")
	if err := s.store.DeleteUserSessions(r.Context(), state(r).user.ID); err != nil {
		return err
	}
	s.setCookie(w, r, s.sessionCookieName(r), "", -1)
	http.Redirect(w, r, "/redaktion/login?besked=ude-overalt", http.StatusSeeOther)
	return nil
}

// resetSecondFactor lets an admin remove a user's second factor, for
// one who lost their phone and their recovery codes.
func (s *Server) resetSecondFactor(w http.ResponseWriter, r *http.Request, u *storage.User) error {
	had, err := s.store.DisableTOTP(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if had {
		s.audit(r, "user:second_factor_reset", auditUser(u))
	}
	http.Redirect(w, r, "/redaktion/brugere/"+strconv.FormatInt(u.ID, 10)+"?besked=totp-nulstillet",
		http.StatusSeeOther)
	return nil
}
