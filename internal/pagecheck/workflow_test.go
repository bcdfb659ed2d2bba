package pagecheck

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestWorkflowInBrowser takes a school's material from draft to the
// scheduler publishing it, in a real browser, as each person involved
// would: the contributor writes and submits it, the editor asks the
// steering group, a reviewer comments and asks for changes, the editor
// sends it back, the contributor revises, the editor approves and plans
// it. Screenshots of each step go to test-artifacts/.
func TestWorkflowInBrowser(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	schools, err := e.hub.Store.Schools(ctx)
	if err != nil || len(schools) == 0 {
		t.Fatalf("no school in the starter collection: %v", err)
	}
	school := schools[0]
	hash, err := auth.HashPassword(auth.TestParams(), "en lang nok adgangskode")
	if err != nil {
		t.Fatal(err)
	}
	people := map[string]*storage.User{
		"laerer":    {Email: "laerer@example.dk", Name: "Lærer Lise", Role: storage.RoleContributor},
		"foraelder": {Email: "foraelder@example.dk", Name: "Forælder Frank", Role: storage.RoleReviewer},
	}
	for _, u := range people {
		u.PasswordHash, u.Active = hash, true
		if err := e.hub.Store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.hub.Store.SetUserSchools(ctx, people["laerer"].ID, []int64{school.ID}); err != nil {
		t.Fatal(err)
	}

	j := &journey{t: t, ctx: newBrowser(t), base: e.srv.URL, shots: artifactDir(t), name: "arbejdsgang"}
	j.run(chromedp.EmulateViewport(1280, 900))
	login := func(email string) {
		j.t.Helper()
		j.run(chromedp.Navigate(e.srv.URL+"/redaktion/login"),
			chromedp.SetValue("#email", email, chromedp.ByQuery),
			chromedp.SetValue("#password", "en lang nok adgangskode", chromedp.ByQuery),
			chromedp.Click(`main form button[type=submit]`, chromedp.ByQuery))
		j.waitExact("/redaktion")
	}
	logout := func() {
		j.t.Helper()
		j.run(chromedp.Navigate(e.srv.URL+"/redaktion"), chromedp.Click(`.ws-user button`, chromedp.ByQuery))
		j.waitExact("/redaktion/login")
	}
	click := func(sel, wantQuery string) {
		j.t.Helper()
		j.run(chromedp.Click(sel, chromedp.ByQuery))
		j.waitQuery(wantQuery)
	}

	// The teacher writes a draft for her school and sends it for review.
	login("laerer@example.dk")
	j.run(chromedp.Navigate(e.srv.URL+"/redaktion/materialer/ny?type=article"),
		chromedp.SetValue("#title", "Forældremøder på vores skole", chromedp.ByQuery),
		chromedp.SetValue("#summary", "Sådan holder vi forældremøder, som forældrene gerne kommer til.",
			chromedp.ByQuery),
		chromedp.SetValue("#body",
			"## Før mødet\n\nVi sender dagsordenen ud en uge før.\n\n## Under mødet\n\nVi "+
				"starter med kaffe.", chromedp.ByQuery),
		chromedp.Click("#aud-parents", chromedp.ByQuery),
		chromedp.SetValue("#school", itoa(school.ID), chromedp.ByQuery),
		chromedp.Click("#consent_rights", chromedp.ByQuery),
		chromedp.Click("#consent_children_none", chromedp.ByQuery),
		chromedp.Click("#consent_names_none", chromedp.ByQuery))
	j.shoot("laerer-kladde")
	click(`button[value=submit]`, "besked=sendt")
	var edit string
	j.eval(`location.pathname`, &edit)
	j.shoot("laerer-sendt")
	logout()

	// The editor asks the parent representative for input by a date.
	login("redaktor@example.dk")
	deadline := time.Now().In(localtime.Zone).AddDate(0, 0, 7).Format(time.DateOnly)
	j.run(chromedp.Navigate(e.srv.URL+edit),
		chromedp.SetValue("#round-deadline", deadline, chromedp.ByQuery),
		chromedp.Click("#reviewer-"+itoa(people["foraelder"].ID), chromedp.ByQuery))
	click(`form.new-round button[type=submit]`, "besked=runde")
	logout()

	// The parent representative reads it, comments on a paragraph and
	// asks for changes.
	login("foraelder@example.dk")
	j.run(chromedp.Click(`.tasks a`, chromedp.ByQuery))
	j.waitPath(edit + "/vis")
	j.run(chromedp.SetValue("#comment-paragraph", "4", chromedp.ByQuery),
		chromedp.SetValue("#comment-body", "Skriv gerne, om der er børnepasning.", chromedp.ByQuery))
	click(`form.new-comment button[type=submit]`, "besked=kommentar")
	j.run(chromedp.Click("#verdict-changes", chromedp.ByQuery),
		chromedp.SetValue("#verdict-message", "Godt, men mangler børnepasning.", chromedp.ByQuery))
	j.shoot("foraelder-vurdering")
	click(`form.verdict button[type=submit]`, "besked=vurdering")
	logout()

	// The editor sees the verdict and sends it back with a message.
	login("redaktor@example.dk")
	j.run(chromedp.Navigate(e.srv.URL + edit))
	var round string
	j.eval(`document.querySelector(".round").textContent`, &round)
	if !strings.Contains(round, "Ønsker ændringer") {
		t.Errorf("the editor does not see the verdict: %q", round)
	}
	j.run(chromedp.SetValue("#move_message", "Se kommentaren fra forældrerepræsentanten.", chromedp.ByQuery))
	click(`button[value=request_changes]`, "besked=aendringer")
	logout()

	// The teacher sees why, revises and submits again.
	login("laerer@example.dk")
	j.run(chromedp.Navigate(e.srv.URL + edit))
	var review string
	j.eval(`document.querySelector(".review").textContent`, &review)
	if !strings.Contains(review, "Skriv gerne, om der er børnepasning.") ||
		!strings.Contains(review, "Se kommentaren fra forældrerepræsentanten.") {
		t.Errorf("the teacher does not see the comment and the message: %q", review)
	}
	j.run(chromedp.SetValue("#body", "## Før mødet\n\nVi sender dagsordenen ud en uge før.\n\n## Under mødet\n\n"+
		"Vi starter med kaffe, og der er børnepasning i SFO'en.", chromedp.ByQuery))
	click(`button[value=submit]`, "besked=sendt")
	logout()

	// The editor approves it and plans it for two hours from now.
	login("redaktor@example.dk")
	j.run(chromedp.Navigate(e.srv.URL + edit))
	click(`button[value=approve]`, "besked=godkendt")
	at := time.Now().Add(2 * time.Hour).In(localtime.Zone).Truncate(time.Minute)
	j.run(chromedp.SetValue("#publish_date", at.Format(time.DateOnly), chromedp.ByQuery),
		chromedp.SetValue("#publish_time", at.Format("15:04"), chromedp.ByQuery))
	click(`button[value=schedule]`, "besked=planlagt")
	j.shoot("redaktor-planlagt")
	logout()

	// At the time the scheduler publishes it; the teacher was told.
	runner := &jobs.Runner{Store: e.hub.Store, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
		Now: func() time.Time { return at.Add(time.Minute) }, Notifier: e.hub.Notifier}
	if n := runner.RunDue(ctx); n != 1 {
		t.Errorf("the scheduler ran %d jobs, want the one publication", n)
	}
	j.run(chromedp.Navigate(e.srv.URL + "/materialer/foraeldremoeder-paa-vores-skole"))
	var body string
	j.eval(`document.querySelector("main").textContent`, &body)
	if !strings.Contains(body, "børnepasning i SFO'en") {
		t.Errorf("the published page: %q", body)
	}
	login("laerer@example.dk")
	j.run(chromedp.Navigate(e.srv.URL + "/redaktion/indbakke"))
	var inbox string
	j.eval(`document.querySelector("main").textContent`, &inbox)
	for _, want := range []string{"Forældremøder på vores skole"} {
		if !strings.Contains(inbox, want) {
			t.Errorf("the teacher's inbox lacks %q: %q", want, inbox)
		}
	}
	j.shoot("laerer-indbakke")
}

// waitExact waits until the address's path is path.
func (j *journey) waitExact(path string) {
	j.t.Helper()
	for i := 0; i < 100; i++ {
		var got string
		j.eval(`document.readyState === "complete" ? location.pathname : ""`, &got)
		if got == path {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	j.t.Fatalf("step %d: never reached %s", j.step, path)
}

// waitQuery waits until the address's query contains want.
func (j *journey) waitQuery(want string) {
	j.t.Helper()
	for i := 0; i < 100; i++ {
		var search string
		j.eval(`location.search`, &search)
		if strings.Contains(search, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	var problems string
	j.eval(`Array.from(document.querySelectorAll(".problem")).map(e => e.textContent).join(" | ")`, &problems)
	j.t.Fatalf("step %d: never reached ?%s (problems: %s)", j.step, want, problems)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
