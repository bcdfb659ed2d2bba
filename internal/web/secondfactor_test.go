package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
	"github.com/pquerna/otp/totp"
)

const staffPassword = "en god lang adgangskode"

// newStaff creates an active user of role with staffPassword.
func (h *hubT) newStaff(role storage.Role) *storage.User {
	h.t.Helper()
	hash, err := auth.HashPassword(auth.TestParams(), staffPassword)
	if err != nil {
		h.t.Fatal(err)
	}
	u := &storage.User{Email: string(role) + strconv.FormatInt(time.Now().UnixNano(), 10) + "@example.dk",
		Role: role, PasswordHash: hash, Active: true}
	if err := h.st.CreateUser(ctx, u); err != nil {
		h.t.Fatal(err)
	}
	return u
}

// passwordLogin sends the login form with the right password.
func (c *client) passwordLogin(email string) page {
	c.h.t.Helper()
	form := c.get("/redaktion/login")
	return c.post("/redaktion/login", url.Values{"csrf": {form.attr("input[name=csrf]", "value")},
		"email": {email}, "password": {staffPassword}, "next": {"/redaktion/indbakke"}})
}

// sendCode sends the code step's form with one field filled in.
func (c *client) sendCode(field, code string) page {
	c.h.t.Helper()
	token := c.get("/redaktion/login/kode").attr("input[name=csrf]", "value")
	if token == "" { // no login waits for a code: the page has no form
		token = c.get("/redaktion/login").attr("input[name=csrf]", "value")
	}
	return c.post("/redaktion/login/kode", url.Values{"csrf": {token}, field: {code}})
}

// csrfOf returns the workspace's CSRF token for a logged-in client.
func (c *client) csrfOf() string {
	c.h.t.Helper()
	return c.get("/redaktion/profil").attr("input[name=csrf]", "value")
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// enrol turns on the second factor of c's user and returns the secret,
// the code used to confirm it and the recovery codes.
func enrol(t *testing.T, c *client) (secret, used string, codes []string) {
	t.Helper()
	p := c.get("/redaktion/profil/totp")
	secret = p.attr("input[name=secret]", "value")
	if p.status != http.StatusOK || secret == "" || p.doc.Find(".qr svg title").Length() != 1 {
		t.Fatalf("enrol page: %d, secret %q, qr %d", p.status, secret, p.doc.Find(".qr svg").Length())
	}
	if got := strings.ReplaceAll(p.text("#secret"), " ", ""); got != secret {
		t.Errorf("the secret as text is %q, want %q", got, secret)
	}
	used = codeAt(t, secret, time.Now())
	p = c.post("/redaktion/profil/totp", url.Values{"csrf": {c.csrfOf()}, "secret": {secret}, "code": {used},
		"action": {"enable"}})
	p.doc.Find(".recovery-codes code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, s.Text()) })
	if p.status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("confirming: %d, %d recovery codes", p.status, len(codes))
	}
	return secret, used, codes
}

func TestSecondFactorLogin(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		u := h.newStaff(storage.RoleEditor)
		c := h.client()
		if p := c.passwordLogin(u.Email); p.status != http.StatusSeeOther {
			t.Fatalf("login: %d", p.status)
		}

		// A wrong code at enrolment keeps the secret and says why, linked to the field.
		p := c.get("/redaktion/profil/totp")
		secret := p.attr("input[name=secret]", "value")
		for sel, want := range map[string]string{"autocomplete": "one-time-code", "inputmode": "numeric"} {
			if got := p.attr("#code", sel); got != want {
				t.Errorf("code field %s=%q, want %q", sel, got, want)
			}
		}
		p = c.post("/redaktion/profil/totp", url.Values{"csrf": {c.csrfOf()}, "secret": {secret},
			"code": {"000000x"}, "action": {"enable"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#code-problem") == "" ||
			p.attr("#code", "aria-describedby") != "code-problem" || p.attr("input[name=secret]", "value") != secret ||
			p.attr("#code", "value") != "000000x" {
			t.Errorf("wrong enrolment code: %d %q, secret kept %v", p.status, p.text("#code-problem"),
				p.attr("input[name=secret]", "value") == secret)
		}
		if got, _ := h.st.UserByID(ctx, u.ID); got.SecondFactor {
			t.Fatal("a wrong code turned the second factor on")
		}

		secret, used, codes := enrol(t, c)
		stored, err := h.st.UserTOTP(ctx, u.ID)
		if err != nil || stored.Secret != secret {
			t.Errorf("without a secret key the secret is stored as is: %v", err)
		}
		logout(t, c)

		// The password alone gives no session, only the code step.
		p = c.passwordLogin(u.Email)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/redaktion/login/kode" ||
			strings.Contains(strings.Join(p.header.Values("Set-Cookie"), "\n"), "bindeled_session=") {
			t.Fatalf("password of a second-factor user: %d to %q, cookies %v", p.status, p.header.Get("Location"),
				p.header.Values("Set-Cookie"))
		}
		if ws := c.get("/redaktion"); ws.status != http.StatusSeeOther {
			t.Errorf("the workspace before the code: %d", ws.status)
		}
		form := c.get("/redaktion/login/kode")
		if form.status != http.StatusOK || form.attr("#code", "autocomplete") != "one-time-code" {
			t.Errorf("code page: %d", form.status)
		}

		// The code that confirmed the enrolment is spent; a new one works once.
		if p := c.sendCode("code", used); p.status != http.StatusUnauthorized || p.text("#code-problem") == "" ||
			p.attr("#code", "aria-describedby") != "code-problem" {
			t.Errorf("a used code: %d %q", p.status, p.text("#code-problem"))
		}
		next := codeAt(t, secret, time.Now().Add(30*time.Second))
		p = c.sendCode("code", next)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/redaktion/indbakke" {
			t.Fatalf("right code: %d to %q", p.status, p.header.Get("Location"))
		}
		if ws := c.get("/redaktion"); ws.status != http.StatusOK {
			t.Errorf("workspace after the code: %d", ws.status)
		}
		logout(t, c)
		if p := c.passwordLogin(u.Email); p.status != http.StatusSeeOther {
			t.Fatal(p.status)
		}
		if p := c.sendCode("code", next); p.status != http.StatusUnauthorized {
			t.Errorf("the same code again within its window: %d", p.status)
		}

		// A recovery code logs in once, however it is typed.
		if p := c.sendCode("recovery", " "+strings.ToUpper(codes[3])+" "); p.status != http.StatusSeeOther {
			t.Fatalf("recovery code: %d %q", p.status, p.text("#recovery-problem"))
		}
		logout(t, c)
		c.passwordLogin(u.Email)
		if p := c.sendCode("recovery", codes[3]); p.status != http.StatusUnauthorized ||
			p.text("#recovery-problem") == "" {
			t.Errorf("a used recovery code: %d", p.status)
		}
		entries, _, err := h.st.AuditLog(ctx, storage.AuditFilter{Action: "login"}, 50, 0)
		if err != nil || !hasAudit(entries, "login", "gendannelseskode") {
			t.Errorf("a login by recovery code is not in the audit log: %v", err)
		}
	})
}

func hasAudit(entries []storage.AuditEntry, action, subject string) bool {
	for _, e := range entries {
		if e.Action == action && strings.Contains(e.Subject, subject) {
			return true
		}
	}
	return false
}

func logout(t *testing.T, c *client) {
	t.Helper()
	if p := c.post("/redaktion/logout", url.Values{"csrf": {c.csrfOf()}}); p.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", p.status)
	}
}

// TestCodeStepIsBounded: the half-logged-in state takes few wrong codes,
// and they count against the login limits. TestLoginChallenges (storage)
// shows that it expires.
func TestCodeStepIsBounded(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		u := h.newStaff(storage.RoleAdmin)
		c := h.client()
		c.passwordLogin(u.Email)
		secret, _, _ := enrol(t, c)
		logout(t, c)

		c.passwordLogin(u.Email)
		var p page
		for range 5 {
			p = c.sendCode("code", "123456")
		}
		if p.status != http.StatusUnauthorized || p.text(".flash.error") == "" {
			t.Errorf("fifth wrong code: %d, expired %q", p.status, p.text(".flash.error"))
		}
		if p := c.get("/redaktion/login/kode"); p.doc.Find("#code").Length() != 0 || p.text(".flash.error") == "" {
			t.Error("the code page still asks for a code after five wrong ones")
		}
		if p := c.sendCode("code", codeAt(t, secret, time.Now().Add(30*time.Second))); p.status !=
			http.StatusUnauthorized {
			t.Errorf("a right code after five wrong ones: %d, want 401 (the login ended)", p.status)
		}
		// The wrong codes counted against the account's limit (5 a minute here).
		if p := c.passwordLogin(u.Email); p.status != http.StatusTooManyRequests {
			t.Errorf("password after five wrong codes: %d, want 429", p.status)
		}

	})
}

// TestRightPasswordKeepsWrongCodesCounted: a right password does not wipe
// the wrong codes counted for the account from this address; only a
// finished login does.
func TestRightPasswordKeepsWrongCodesCounted(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		u := h.newStaff(storage.RoleAdmin)
		c := h.client()
		c.passwordLogin(u.Email)
		secret, _, _ := enrol(t, c)
		logout(t, c)

		// Four wrong codes, one short of the login's own tries and of the
		// limit (5 here); then the right password again, and one more.
		c.passwordLogin(u.Email)
		for range 4 {
			c.sendCode("code", "123456")
		}
		if p := c.passwordLogin(u.Email); p.status != http.StatusSeeOther {
			t.Fatalf("the right password after four wrong codes: %d, want 303", p.status)
		}
		if p := c.sendCode("code", "123456"); p.status != http.StatusUnauthorized {
			t.Errorf("fifth wrong code: %d, want 401", p.status)
		}
		if p := c.sendCode("code", codeAt(t, secret, time.Now().Add(30*time.Second))); p.status !=
			http.StatusTooManyRequests || p.header.Get("Retry-After") == "" {
			t.Errorf("a code after five wrong ones: %d, want 429 with Retry-After", p.status)
		}
	})
}

// TestSwitchingOffCountsWrongCodes: the code that switches the second
// factor off counts against the login limits, so a borrowed session cannot
// guess it.
func TestSwitchingOffCountsWrongCodes(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		u := h.newStaff(storage.RoleEditor)
		c := h.client()
		c.passwordLogin(u.Email)
		secret, _, _ := enrol(t, c)
		off := func(code string) page {
			return c.post("/redaktion/profil/totp", url.Values{"csrf": {c.csrfOf()}, "code": {code},
				"action": {"disable"}})
		}
		for i := range 5 {
			if p := off("111111"); p.status != http.StatusUnprocessableEntity {
				t.Fatalf("wrong code %d: %d, want 422", i+1, p.status)
			}
		}
		p := off(codeAt(t, secret, time.Now().Add(30*time.Second)))
		if p.status != http.StatusTooManyRequests || p.text("#code-problem") == "" {
			t.Errorf("a right code after five wrong ones: %d, want 429 with the wait", p.status)
		}
		if got, _ := h.st.UserByID(ctx, u.ID); !got.SecondFactor {
			t.Error("switched off past the limit")
		}
	})
}

func TestSecondFactorOffAndReset(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		u := h.newStaff(storage.RoleEditor)
		c := h.client()
		c.passwordLogin(u.Email)
		secret, _, codes := enrol(t, c)

		// Off with a wrong code: refused; with a right one: off.
		p := c.post("/redaktion/profil/totp", url.Values{"csrf": {c.csrfOf()}, "code": {"111111"},
			"action": {"disable"}})
		if p.status != http.StatusUnprocessableEntity || p.text("#code-problem") == "" {
			t.Errorf("off with a wrong code: %d", p.status)
		}
		p = c.post("/redaktion/profil/totp", url.Values{"csrf": {c.csrfOf()},
			"code": {codeAt(t, secret, time.Now().Add(30*time.Second))}, "action": {"disable"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("off with a right code: %d", p.status)
		}
		if got, _ := h.st.UserByID(ctx, u.ID); got.SecondFactor {
			t.Error("still on")
		}
		if n, _ := h.st.RecoveryCodesLeft(ctx, u.ID); n != 0 {
			t.Errorf("%d recovery codes left after switching off", n)
		}
		if len(codes) != 10 {
			t.Errorf("%d recovery codes", len(codes))
		}

		// On again; an admin resets it, and it is in the audit log.
		enrol(t, c)
		admin, csrf := h.login(storage.RoleAdmin)
		id := strconv.FormatInt(u.ID, 10)
		row := admin.get("/redaktion/brugere").doc.Find("tr:has(a[href='/redaktion/brugere/" + id + "']) td")
		if got := strings.TrimSpace(row.Eq(5).Text()); got != "Ja" {
			t.Errorf("the users' list shows the second factor as %q", got)
		}
		if page := admin.get("/redaktion/brugere/" + id); page.doc.Find("button[value=reset_second_factor]").Length() != 1 {
			t.Error("no reset button for a user with a second factor")
		}
		p = admin.post("/redaktion/brugere/"+id, url.Values{"csrf": {csrf}, "action": {"reset_second_factor"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("reset: %d", p.status)
		}
		if got, _ := h.st.UserByID(ctx, u.ID); got.SecondFactor {
			t.Error("the reset left the second factor")
		}
		entries, _, _ := h.st.AuditLog(ctx, storage.AuditFilter{Action: "user:second_factor_reset"}, 10, 0)
		if len(entries) != 1 || !strings.Contains(entries[0].Subject, u.Email) {
			t.Errorf("audit entries %v", entries)
		}
		logout(t, c)
		if p := c.passwordLogin(u.Email); p.status != http.StatusSeeOther || p.header.Get("Location") !=
			"/redaktion/indbakke" {
			t.Errorf("after the reset the password alone logs in: %d %q", p.status, p.header.Get("Location"))
		}
	})
}

// TestSecondFactorSealedAtRest: with a secret key the stored secret is
// sealed, bound to its user, and logging in still works.
func TestSecondFactorSealedAtRest(t *testing.T) {
	sealer, err := social.NewSealer(bytes.Repeat([]byte{7}, social.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		h := newHubWith(t, st, web.Config{Uploads: media.DefaultLimits(), LoginLimit: 5, LoginWindow: time.Minute,
			Sealer: sealer})
		u := h.newStaff(storage.RoleEditor)
		c := h.client()
		c.passwordLogin(u.Email)
		secret, _, _ := enrol(t, c)
		stored, err := st.UserTOTP(ctx, u.ID)
		if err != nil || !strings.HasPrefix(stored.Secret, "v1.") || strings.Contains(stored.Secret, secret) {
			t.Fatalf("stored secret %q (%v), want it sealed", stored.Secret, err)
		}
		logout(t, c)
		c.passwordLogin(u.Email)
		if p := c.sendCode("code", codeAt(t, secret, time.Now().Add(30*time.Second))); p.status != http.StatusSeeOther {
			t.Errorf("login with a sealed secret: %d", p.status)
		}
	})
}

// TestRequiredSecondFactorComesFirst: with the setting on, an editor
// without a second factor can do nothing before enrolling.
func TestRequiredSecondFactorComesFirst(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		admin, csrf := h.login(storage.RoleAdmin)
		settings := admin.get("/redaktion/indstillinger")
		if settings.doc.Find("#require_second_factor").Length() != 1 {
			t.Fatal("no setting for a required second factor")
		}
		fields := [][2]string{{"csrf", csrf}, {"name", "Skole og hjem"}, {"colour", "#1b5e7a"},
			{"require_second_factor", "on"}}
		if p := admin.postMultipart("/redaktion/indstillinger", fields); p.status != http.StatusSeeOther {
			t.Fatalf("saving settings: %d %s", p.status, p.text(".problem"))
		}
		// The admin who saved it has no second factor either.
		if p := admin.get("/redaktion/indstillinger"); p.status != http.StatusSeeOther ||
			p.header.Get("Location") != "/redaktion/profil/totp" {
			t.Errorf("admin without a second factor: %d to %q", p.status, p.header.Get("Location"))
		}

		u := h.newStaff(storage.RoleEditor)
		c := h.client()
		if p := c.passwordLogin(u.Email); p.status != http.StatusSeeOther {
			t.Fatal(p.status)
		}
		for _, path := range []string{"/redaktion", "/redaktion/indbakke", "/redaktion/profil"} {
			if p := c.get(path); p.status != http.StatusSeeOther || p.header.Get("Location") != "/redaktion/profil/totp" {
				t.Errorf("GET %s before enrolling: %d to %q", path, p.status, p.header.Get("Location"))
			}
		}
		p := c.get("/redaktion/profil/totp")
		token := p.attr("input[name=csrf]", "value")
		if p.status != http.StatusOK || p.text(".notice") == "" {
			t.Errorf("enrol page: %d, notice %q", p.status, p.text(".notice"))
		}
		if p := c.post("/redaktion/profil", url.Values{"csrf": {token}}); p.status != http.StatusForbidden {
			t.Errorf("a form before enrolling: %d, want 403", p.status)
		}

		secret := p.attr("input[name=secret]", "value")
		p = c.post("/redaktion/profil/totp", url.Values{"csrf": {token}, "secret": {secret},
			"code": {codeAt(t, secret, time.Now())}, "action": {"enable"}})
		if p.status != http.StatusOK {
			t.Fatalf("enrolling: %d", p.status)
		}
		if p := c.get("/redaktion"); p.status != http.StatusOK {
			t.Errorf("workspace after enrolling: %d", p.status)
		}
		// A required second factor cannot be switched off.
		p = c.post("/redaktion/profil/totp", url.Values{"csrf": {token},
			"code": {codeAt(t, secret, time.Now().Add(30*time.Second))}, "action": {"disable"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("switching off a required second factor: %d", p.status)
		}

		// Reviewers are not asked: h.login fails unless the workspace opens.
		h.login(storage.RoleReviewer)
	})
}

func TestLogoutEverywhere(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		u := h.newStaff(storage.RoleEditor)
		laptop, phone, other := h.client(), h.client(), h.client()
		laptop.passwordLogin(u.Email)
		phone.passwordLogin(u.Email)
		someone := h.newStaff(storage.RoleEditor)
		other.passwordLogin(someone.Email)

		p := phone.get("/redaktion/profil")
		if p.doc.Find("form[action='/redaktion/profil/log-ud-overalt'] button").Length() != 1 {
			t.Fatal("no log out everywhere button on the profile")
		}
		p = phone.post("/redaktion/profil/log-ud-overalt", url.Values{"csrf": {p.attr("input[name=csrf]", "value")}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/redaktion/login") {
			t.Fatalf("log out everywhere: %d %q", p.status, p.header.Get("Location"))
		}
		if msg := phone.get(p.header.Get("Location")).text(".flash"); msg != "Du er logget ud på alle enheder." {
			t.Errorf("message %q", msg)
		}
		for name, c := range map[string]*client{"laptop": laptop, "phone": phone} {
			if p := c.get("/redaktion"); p.status != http.StatusSeeOther {
				t.Errorf("%s still logged in: %d", name, p.status)
			}
		}
		if p := other.get("/redaktion"); p.status != http.StatusOK {
			t.Errorf("another user was logged out: %d", p.status)
		}
	})
}

// TestRoleChangeEndsSessions: a user's sessions end when an admin changes
// their role, and not when the admin saves it unchanged.
func TestRoleChangeEndsSessions(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		admin, csrf := h.login(storage.RoleAdmin)
		u := h.newStaff(storage.RoleEditor)
		c := h.client()
		c.passwordLogin(u.Email)
		path := "/redaktion/brugere/" + strconv.FormatInt(u.ID, 10)

		save := func(role string) {
			t.Helper()
			if p := admin.post(path, url.Values{"csrf": {csrf}, "action": {"save"}, "role": {role}}); p.status !=
				http.StatusSeeOther {
				t.Fatalf("saving role %s: %d", role, p.status)
			}
		}
		save("editor")
		if p := c.get("/redaktion/kalender"); p.status != http.StatusOK {
			t.Fatalf("an unchanged role ended the session: %d", p.status)
		}
		save("reviewer")
		if p := c.get("/redaktion"); p.status != http.StatusSeeOther ||
			!strings.HasPrefix(p.header.Get("Location"), "/redaktion/login") {
			t.Errorf("after the role changed the old session still works: %d", p.status)
		}
		c.passwordLogin(u.Email)
		if p := c.get("/redaktion/kalender"); p.status != http.StatusForbidden {
			t.Errorf("a reviewer's new session reaches the calendar: %d", p.status)
		}
	})
}

// TestPasswordLinkStillNeedsTheCode: a password reset link proves the
// e-mail address, not the second factor.
func TestPasswordLinkStillNeedsTheCode(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		u := h.newStaff(storage.RoleEditor)
		c := h.client()
		c.passwordLogin(u.Email)
		enrol(t, c)
		logout(t, c)

		token := auth.NewToken()
		if err := h.st.CreateUserToken(ctx, &storage.UserToken{TokenHash: auth.HashToken(token), UserID: u.ID,
			Purpose: storage.TokenReset, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		form := c.get("/redaktion/adgangskode?token=" + url.QueryEscape(token))
		p := c.post("/redaktion/adgangskode", url.Values{"csrf": {form.attr("input[name=csrf]", "value")},
			"token": {token}, "password": {"en helt ny lang adgangskode"}, "password2": {"en helt ny lang adgangskode"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/redaktion/login/kode" {
			t.Errorf("a reset for a second-factor user: %d to %q", p.status, p.header.Get("Location"))
		}
		if p := c.get("/redaktion"); p.status != http.StatusSeeOther {
			t.Errorf("workspace without the code: %d", p.status)
		}
	})
}
