package notify_test

import (
	"context"
	"errors"
	"io"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/mail"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/emersion/go-smtp"
)

var ctx = context.Background()

func user(t *testing.T, st *storage.Store, name string, role storage.Role, active bool) *storage.User {
	t.Helper()
	u := &storage.User{Email: strings.ToLower(name) + "@example.dk", Name: name, Role: role, PasswordHash: "h",
		Active: active}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func queuedMails(t *testing.T, st *storage.Store) []*storage.Mail {
	t.Helper()
	rows, err := st.TableRows(ctx, "mails")
	if err != nil {
		t.Fatal(err)
	}
	var out []*storage.Mail
	for _, r := range rows {
		m, err := st.MailByID(ctx, r[0].(int64))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestNotify(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		editor := user(t, st, "Eva", storage.RoleEditor, true)
		author := user(t, st, "Bo", storage.RoleContributor, true)
		reviewer := user(t, st, "Rita", storage.RoleReviewer, true)
		gone := user(t, st, "Gert", storage.RoleEditor, false)
		if err := st.SetMailOptOuts(ctx, reviewer.ID, []string{string(notify.KindChangesRequested)}); err != nil {
			t.Fatal(err)
		}
		n := notify.New(st, "https://skoleoghjem.example.dk/", true, storagetest.Logger())

		err := n.Notify(ctx, notify.Event{Kind: notify.KindChangesRequested, MaterialID: 0,
			MaterialTitle: "Første skoledag",
			ActorID:       editor.ID, Message: "Tilføj et billede.",
			Recipients: []int64{editor.ID, author.ID, reviewer.ID, gone.ID, author.ID, 0, 987654}})
		if err != nil {
			t.Fatal(err)
		}

		unread := map[int64]int{}
		for _, u := range []*storage.User{editor, author, reviewer, gone} {
			unread[u.ID], _ = st.UnreadCount(ctx, u.ID)
		}
		if unread[editor.ID] != 0 || unread[author.ID] != 1 || unread[reviewer.ID] != 1 || unread[gone.ID] != 0 {
			t.Errorf("unread: actor %d, author %d, reviewer %d, inactive %d; want 0 1 1 0",
				unread[editor.ID], unread[author.ID], unread[reviewer.ID], unread[gone.ID])
		}
		inbox, _, _ := st.Notifications(ctx, author.ID, 10, 0)
		if len(inbox) != 1 || inbox[0].ActorName != "Eva" || inbox[0].Message != "Tilføj et billede." {
			t.Fatalf("author's inbox: %+v", inbox)
		}
		if got := notify.Text(i18n.Danish, notify.Kind(inbox[0].Kind), inbox[0].ActorName,
			inbox[0].MaterialTitle); got !=
			"Eva har bedt om ændringer i »Første skoledag«." {
			t.Errorf("inbox text %q", got)
		}

		// Only the author gets mail: the reviewer turned this kind off.
		mails := queuedMails(t, st)
		if len(mails) != 1 {
			t.Fatalf("%d mails queued, want 1", len(mails))
		}
		m := mails[0]
		if m.To != author.Email || m.Subject != "Ændringer ønsket: Første skoledag" {
			t.Errorf("mail to %q subject %q", m.To, m.Subject)
		}
		for _, want := range []string{"Hej Bo", "Tilføj et billede.",
			"https://skoleoghjem.example.dk/redaktion/materialer/0\n",
			"https://skoleoghjem.example.dk/redaktion/profil"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("mail body lacks %q:\n%s", want, m.Body)
			}
		}

		if err := n.Notify(ctx, notify.Event{Kind: "liked"}); err == nil {
			t.Error("an unknown kind was accepted")
		}

		// With mail off, inboxes fill and nothing is queued.
		off := notify.New(st, "", false, storagetest.Logger())
		if err := off.Notify(ctx, notify.Event{Kind: notify.KindComment, MaterialTitle: "X", ActorID: editor.ID,
			Recipients: []int64{author.ID}}); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.UnreadCount(ctx, author.ID); n != 2 {
			t.Errorf("unread with mail off: %d", n)
		}
		if got := len(queuedMails(t, st)); got != 1 {
			t.Errorf("mail off queued mail: %d", got)
		}
	})
}

// smtpSink is an SMTP server on loopback that refuses the first refuse
// messages and keeps the rest.
type smtpSink struct {
	mu     sync.Mutex
	refuse int
	got    [][]byte
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s}, nil }

func (s *smtpSink) messages() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.got...)
}

type sinkSession struct{ s *smtpSink }

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Reset()                               {}
func (ss *sinkSession) Logout() error                        { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refuse > 0 {
		ss.s.refuse--
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	ss.s.got = append(ss.s.got, b)
	return nil
}

func startSink(t *testing.T, refuse int) (*smtpSink, mail.Config) {
	t.Helper()
	sink := &smtpSink{refuse: refuse}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }() // ends with Close below
	t.Cleanup(func() { srv.Close() })
	return sink, mail.Config{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, TLS: mail.TLSNone,
		From: "Skole og hjem <noreply@example.dk>", Timeout: 5 * time.Second}
}

// TestScheduledPublicationIsMailed follows a publication on schedule from
// the runner through the notifier and the mail queue to an SMTP server:
// the creator and the editors hear of it, a refused mail is retried, and
// nothing is sent twice.
func TestScheduledPublicationIsMailed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		sink, cfg := startSink(t, 1)
		sender, err := mail.NewSender(cfg)
		if err != nil {
			t.Fatal(err)
		}
		author := user(t, st, "Bo", storage.RoleContributor, true)
		editor := user(t, st, "Eva", storage.RoleEditor, true)
		admin := user(t, st, "Ali", storage.RoleAdmin, true)
		m := &material.Material{Kind: material.Article, Title: "Skolestart", Summary: "Kort.", Body: "## Hej\n\nTekst.",
			Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Approved}
		material.OwnWork(m)
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := st.SetMaterialCreator(ctx, m.ID, author.ID); err != nil {
			t.Fatal(err)
		}
		// Mail is queued to go at once, by the wall clock.
		at := time.Now().Add(-time.Minute)
		if err := st.ScheduleMaterial(ctx, m, at, storage.Save{}); err != nil {
			t.Fatal(err)
		}
		clock := time.Now().Add(time.Minute)
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
			Now: func() time.Time { return clock }, Mailer: sender,
			Notifier: notify.New(st, "https://hub.example.dk", true, storagetest.Logger())}

		// The publish job, then the two mails it queued; the first is refused.
		if n := r.RunDue(ctx); n != 3 {
			t.Fatalf("ran %d jobs, want 3", n)
		}
		if got, _ := st.GetMaterial(ctx, m.ID); got.Status != material.Published {
			t.Fatalf("status %s", got.Status)
		}
		for _, u := range []*storage.User{author, editor} {
			inbox, _, _ := st.Notifications(ctx, u.ID, 10, 0)
			if len(inbox) != 1 || inbox[0].Kind != string(notify.KindPublished) || inbox[0].ActorID != 0 {
				t.Errorf("%s's inbox: %+v", u.Name, inbox)
			}
		}
		if n, _ := st.UnreadCount(ctx, admin.ID); n != 0 {
			t.Errorf("the admin was told: %d", n)
		}
		if got := len(sink.messages()); got != 1 {
			t.Fatalf("server has %d messages after the first round, want 1", got)
		}

		// Nothing is due until the retry's time; then the refused one goes.
		if n := r.RunDue(ctx); n != 0 {
			t.Errorf("ran %d jobs before the retry was due", n)
		}
		clock = clock.Add(time.Hour)
		if n := r.RunDue(ctx); n != 1 {
			t.Errorf("retry ran %d jobs, want 1", n)
		}
		clock = clock.Add(48 * time.Hour)
		if n := r.RunDue(ctx); n != 0 {
			t.Errorf("ran %d more jobs; a mail was sent again", n)
		}
		msgs := sink.messages()
		if len(msgs) != 2 {
			t.Fatalf("server has %d messages, want 2", len(msgs))
		}
		var to []string
		for _, b := range msgs {
			msg, err := netmail.ReadMessage(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			addr, _ := msg.Header.AddressList("To")
			to = append(to, addr[0].Address)
			body, _ := io.ReadAll(msg.Body)
			if !strings.Contains(string(body), "Planl=C3=A6ggeren har udgivet") {
				t.Errorf("body:\n%s", body)
			}
		}
		if all := strings.Join(to, " "); !strings.Contains(all, author.Email) || !strings.Contains(all, editor.Email) {
			t.Errorf("mails went to %v", to)
		}
		for _, m := range queuedMails(t, st) {
			if m.SentAt.IsZero() {
				t.Errorf("mail %d not marked sent", m.ID)
			}
		}
	})
}

func TestMailGivenUpAfterRepeatedFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		sink, cfg := startSink(t, 1000)
		sender, err := mail.NewSender(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.QueueMail(ctx, &storage.Mail{To: "a@example.dk", Subject: "Hej", Body: "Tekst"}); err != nil {
			t.Fatal(err)
		}
		clock := time.Now()
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
			Now: func() time.Time { return clock }, Mailer: sender}
		runs := 0
		for range 20 {
			runs += r.RunDue(ctx)
			clock = clock.Add(25 * time.Hour)
		}
		if runs != jobs.MaxMailAttempts+1 {
			t.Errorf("the job ran %d times, want %d", runs, jobs.MaxMailAttempts+1)
		}
		if len(sink.messages()) != 0 {
			t.Error("a refused mail arrived")
		}
		if _, err := st.ClaimJob(ctx, clock.Add(100*time.Hour), time.Minute); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the given-up job is still waiting: %v", err)
		}
	})
}

// TestInvitedButNotJoinedAreNotTold: someone who has not accepted their
// invitation gets neither inbox entries nor mails about materials.
func TestInvitedButNotJoinedAreNotTold(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		actor := user(t, st, "Ida", storage.RoleEditor, true)
		invited := &storage.User{Email: "ny@example.dk", Role: storage.RoleEditor}
		if err := st.InviteUser(ctx, invited, nil, &storage.UserToken{TokenHash: "x", Purpose: storage.TokenInvite,
			ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		n := notify.New(st, "https://hub.example.dk", true, storagetest.Logger())
		if err := n.Notify(ctx, notify.Event{Kind: notify.KindPublished, MaterialTitle: "Hej", ActorID: actor.ID,
			Recipients: []int64{invited.ID}}); err != nil {
			t.Fatal(err)
		}
		if c, _ := st.UnreadCount(ctx, invited.ID); c != 0 || len(queuedMails(t, st)) != 0 {
			t.Errorf("the invited user was told: %d unread, %d mails", c, len(queuedMails(t, st)))
		}
		if us, _ := st.UsersWithRole(ctx, storage.RoleEditor); len(us) != 1 || us[0].ID != actor.ID {
			t.Errorf("editors who can act: %+v", us)
		}
	})
}

func TestSocialNotifications(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		editor := user(t, st, "Eva", storage.RoleEditor, true)
		n := notify.New(st, "https://skoleoghjem.example.dk", true, storagetest.Logger())
		err := n.Notify(ctx, notify.Event{Kind: notify.KindTokenExpiry, MaterialTitle: "Kommunen på LinkedIn",
			Recipients: []int64{editor.ID}, Note: "Adgangen udløber 2026-12-20 10:00 +01:00."})
		if err != nil {
			t.Fatal(err)
		}
		m := &material.Material{Kind: material.Article, Title: "Trivsel", Summary: "x", Language: "da",
			Status: material.Published, Audiences: []material.Audience{material.Parents}}
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		err = n.Notify(ctx, notify.Event{Kind: notify.KindSocialProblem, MaterialID: m.ID, MaterialTitle: "Trivsel",
			Recipients: []int64{editor.ID}, Note: "Opslaget på Facebook blev ikke sendt."})
		if err != nil {
			t.Fatal(err)
		}
		mails := queuedMails(t, st)
		if len(mails) != 2 {
			t.Fatalf("%d mails", len(mails))
		}
		for i, want := range []struct{ subject, link string }{
			{"Adgangen til Kommunen på LinkedIn udløber snart", "Se kanalerne her:\n" +
				"https://skoleoghjem.example.dk/redaktion/kanaler\n"},
			{"Opslag ikke sendt: Trivsel", "https://skoleoghjem.example.dk/redaktion/materialer/" +
				strconv.FormatInt(m.ID, 10) + "/kanaler\n"},
		} {
			if mails[i].Subject != want.subject || !strings.Contains(mails[i].Body, want.link) {
				t.Errorf("mail %d: %q\n%s", i, mails[i].Subject, mails[i].Body)
			}
		}
		if got := notify.Text(i18n.Danish, notify.KindTokenExpiry, "", "Kommunen på LinkedIn"); got !=
			"Hubbens adgang til kanalen »Kommunen på LinkedIn« udløber snart." {
			t.Errorf("inbox text %q", got)
		}
	})
}
