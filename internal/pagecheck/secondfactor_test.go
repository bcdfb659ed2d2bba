package pagecheck

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/storage"
)

// TestSecondFactorInBrowser turns on the second factor and logs in with
// it in a real browser: the enrolment page, the recovery codes and the
// code step with and without an error are each checked with axe at both
// widths, and the code field's attributes are what phones need to offer
// the code.
func TestSecondFactorInBrowser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hash, err := auth.HashPassword(auth.TestParams(), "en lang nok adgangskode")
	if err != nil {
		t.Fatal(err)
	}
	u := &storage.User{Email: "totp@example.dk", Name: "Tove", Role: storage.RoleEditor, PasswordHash: hash,
		Active: true}
	if err := e.hub.Store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	axe, err := os.ReadFile(toolPath(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	j := &journey{t: t, ctx: newBrowser(t), base: e.srv.URL, shots: artifactDir(t), name: "totrin"}
	check := func(name string) {
		t.Helper()
		for _, w := range widths {
			var violations string
			j.run(chromedp.EmulateViewport(int64(w), 900), chromedp.Evaluate(string(axe), nil),
				chromedp.Evaluate(axeRun, &violations, awaitPromise))
			var path string
			j.eval(`location.pathname`, &path)
			reportAxe(t, path+" ("+name+")", w, violations)
			var overflow bool
			j.eval(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
			if overflow {
				t.Errorf("%s (%s) scrolls sideways at %d px", path, name, w)
			}
		}
		j.shoot(name)
	}
	login := func() {
		t.Helper()
		j.run(chromedp.Navigate(e.srv.URL+"/redaktion/login"),
			chromedp.SetValue("#email", u.Email, chromedp.ByQuery),
			chromedp.SetValue("#password", "en lang nok adgangskode", chromedp.ByQuery),
			chromedp.Click(`main form button[type=submit]`, chromedp.ByQuery))
	}

	// Enrol from the profile.
	login()
	j.waitExact("/redaktion")
	j.run(chromedp.Navigate(e.srv.URL+"/redaktion/profil"),
		chromedp.Click(`a[href="/redaktion/profil/totp"]`, chromedp.ByQuery))
	j.waitExact("/redaktion/profil/totp")
	check("tilmelding")
	var secret, shown string
	j.run(chromedp.Value(`input[name=secret]`, &secret, chromedp.ByQuery),
		chromedp.Text(`#secret`, &shown, chromedp.ByQuery))
	if strings.ReplaceAll(shown, " ", "") != secret || secret == "" {
		t.Fatalf("secret shown %q, in the form %q", shown, secret)
	}
	var qrSize float64
	j.eval(`document.querySelector(".qr svg").getBoundingClientRect().width`, &qrSize)
	if qrSize < 150 {
		t.Errorf("the QR code is %.0f px wide; too small to scan", qrSize)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	j.run(chromedp.SetValue("#code", code, chromedp.ByQuery),
		chromedp.Click(`button[value=enable]`, chromedp.ByQuery))
	var codes int
	for range 100 {
		j.eval(`document.querySelectorAll(".recovery-codes code").length`, &codes)
		if codes > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if codes != 10 {
		t.Fatalf("%d recovery codes shown", codes)
	}
	check("gendannelseskoder")

	// Log in again: the password leads to the code step.
	j.run(chromedp.Navigate(e.srv.URL+"/redaktion"), chromedp.Click(`.ws-user button`, chromedp.ByQuery))
	j.waitExact("/redaktion/login")
	login()
	j.waitExact("/redaktion/login/kode")
	var attrs string
	j.eval(`["autocomplete", "inputmode", "required"].map(a => document.querySelector("#code").getAttribute(a))
		.join(",")`, &attrs)
	if attrs != "one-time-code,numeric," {
		t.Errorf("code field attributes %q", attrs)
	}
	check("kode")
	j.run(chromedp.SetValue("#code", "000000", chromedp.ByQuery),
		chromedp.Click(`form button.button:not(.secondary)`, chromedp.ByQuery))
	var described string
	for range 100 {
		j.eval(`(document.querySelector("#code") || {}).getAttribute ?
			document.querySelector("#code").getAttribute("aria-describedby") || "" : ""`, &described)
		if described != "" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if described != "code-problem" {
		t.Errorf("the wrong code's message is not linked to the field: %q", described)
	}
	check("forkert-kode")
	code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	j.run(chromedp.SetValue("#code", code, chromedp.ByQuery),
		chromedp.Click(`form button.button:not(.secondary)`, chromedp.ByQuery))
	j.waitExact("/redaktion")
}
