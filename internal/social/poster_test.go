package social_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/social/socialtest"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

const site = "https://skoleoghjem.example.dk"

// rig is a hub's posting machinery on a real database, with both
// platforms on loopback and a clock the test moves.
type rig struct {
	t      *testing.T
	st     *storage.Store
	fb     *socialtest.Facebook
	li     *socialtest.LinkedIn
	sealer *social.Sealer
	blobs  media.Blobs
	editor *storage.User

	mu  sync.Mutex
	now time.Time

	fbChannel, liChannel *storage.Channel
	fbToken, liToken     string
	covers               int
}

func newRig(t *testing.T, st *storage.Store) *rig {
	t.Helper()
	sealer, err := social.NewSealer(testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, st: st, fb: socialtest.NewFacebook(t), li: socialtest.NewLinkedIn(t), sealer: sealer,
		blobs: blobs, now: time.Now().Add(time.Second)}
	r.editor = &storage.User{Email: "redaktor@example.dk", Name: "Rikke", Role: storage.RoleEditor,
		PasswordHash: "x", Active: true}
	if err := st.CreateUser(ctx, r.editor); err != nil {
		t.Fatal(err)
	}
	r.fbToken = r.fb.AddPage("1122334455", "Kommunens Facebook")
	org := r.li.AddOrganisation("2414183", "Kommunen")
	r.liToken = r.li.Token(0)
	r.fbChannel = r.channel("facebook", "Kommunens Facebook", "1122334455", r.fbToken, time.Time{})
	r.liChannel = r.channel("linkedin", "Kommunen på LinkedIn", org, r.liToken, time.Now().Add(60*24*time.Hour))
	return r
}

func (r *rig) channel(platform, name, target, token string, expires time.Time) *storage.Channel {
	r.t.Helper()
	sealed, err := r.sealer.Seal(token, storage.TokenContext(platform, target))
	if err != nil {
		r.t.Fatal(err)
	}
	ch := &storage.Channel{Platform: platform, Name: name, Target: target, Token: sealed, TokenExpiresAt: expires}
	if err := r.st.SaveChannel(ctx, ch); err != nil {
		r.t.Fatal(err)
	}
	return ch
}

// coverImages gives a post the material's stored cover, as the hub's
// share images do for a cover that needs no crop.
type coverImages struct {
	st    *storage.Store
	blobs media.Blobs
}

func (c coverImages) ShareImage(ctx context.Context, m *material.Material) (*social.Image, error) {
	if m.CoverID == 0 {
		return nil, nil
	}
	rec, err := c.st.GetMedia(ctx, m.CoverID)
	if err != nil {
		return nil, err
	}
	blob, err := c.blobs.Open(ctx, rec.Key)
	if err != nil {
		return nil, err
	}
	defer blob.Close()
	data, err := io.ReadAll(blob)
	return &social.Image{Data: data, ContentType: rec.ContentType}, err
}

func (r *rig) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *rig) advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = r.now.Add(d)
}

// poster is one instance's poster; timeout bounds its calls.
func (r *rig) poster(timeout time.Duration) *social.Poster {
	cfg := social.Config{HTTP: social.NewHTTPClient(timeout)}
	r.fb.Configure(&cfg)
	r.li.Configure(&cfg)
	return &social.Poster{Store: r.st, Facebook: social.NewFacebook(cfg), LinkedIn: social.NewLinkedIn(cfg),
		Sealer: r.sealer, Images: coverImages{st: r.st, blobs: r.blobs},
		Notifier: notify.New(r.st, site, false, storagetest.Logger()), Log: storagetest.Logger(), Now: r.clock,
		Timeout: timeout}
}

// runner is one instance's job runner with the rig's clock.
func (r *rig) runner(p *social.Poster) *jobs.Runner {
	return &jobs.Runner{Store: r.st, Log: storagetest.Logger(), Interval: time.Minute, Lease: 5 * time.Minute,
		Now: r.clock, Social: p}
}

// material stores a material in status with a cover image.
func (r *rig) material(title string, status material.Status) *material.Material {
	r.t.Helper()
	data := []byte("\x89PNG\r\n\x1a\n a cover")
	r.covers++
	key := fmt.Sprintf("cover%04d.png", r.covers)
	if _, err := r.blobs.Put(ctx, key, bytes.NewReader(data)); err != nil {
		r.t.Fatal(err)
	}
	img := &storage.Media{Key: key, Class: "image", ContentType: "image/png", Size: int64(len(data)),
		Width: 1200, Height: 630}
	if err := r.st.CreateMedia(ctx, img); err != nil {
		r.t.Fatal(err)
	}
	// The cover is no real image, and its renditions job is not one of
	// the jobs these tests count.
	if _, err := r.st.DB().ExecContext(ctx, `DELETE FROM jobs WHERE kind = 'renditions'`); err != nil {
		r.t.Fatal(err)
	}
	m := &material.Material{Kind: material.Article, Title: title, Summary: "Sådan lykkes det.", Body: "Tekst.",
		Audiences: []material.Audience{material.Parents}, Language: "da", Status: status, CoverID: img.ID,
		CoverAlt: "Forældre ved et bord"}
	if err := r.st.CreateMaterial(ctx, m); err != nil {
		r.t.Fatal(err)
	}
	return m
}

func (r *rig) plan(m *material.Material, ch *storage.Channel, text string, at time.Time) *storage.Post {
	r.t.Helper()
	p := &storage.Post{MaterialID: m.ID, ChannelID: ch.ID, Text: text, RunAt: at, SiteURL: site,
		CreatedBy: r.editor.ID}
	if err := r.st.PlanPosts(ctx, []*storage.Post{p}); err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *rig) post(id int64) *storage.Post {
	r.t.Helper()
	p, err := r.st.PostByID(ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

// inbox returns the editor's notifications of a kind.
func (r *rig) inbox(kind notify.Kind) []storage.Notification {
	r.t.Helper()
	list, _, err := r.st.Notifications(ctx, r.editor.ID, 100, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []storage.Notification
	for _, n := range list {
		if n.Kind == string(kind) {
			out = append(out, n)
		}
	}
	return out
}

func TestPostsGoOutWhenPublished(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Det gode forældremøde", material.Approved)
		fbPost := r.plan(m, r.fbChannel, "Nyt materiale om forældremøder.", time.Time{})
		liPost := r.plan(m, r.liChannel, "Forældremøder (0.-3. klasse) #skolehjem", time.Time{})
		run := r.runner(r.poster(5 * time.Second))

		if n := run.RunDue(ctx); n != 0 {
			t.Fatalf("%d jobs ran before the material was published", n)
		}
		m.Status = material.Published
		if err := st.SaveMaterial(ctx, m, storage.Save{UserID: r.editor.ID, From: material.Approved}); err != nil {
			t.Fatal(err)
		}
		if n := run.RunDue(ctx); n != 2 {
			t.Fatalf("%d jobs ran after publication, want the two posts", n)
		}

		link := site + "/materialer/" + m.Slug
		fbPosts := r.fb.Posts()
		if len(fbPosts) != 1 || fbPosts[0].Message != "Nyt materiale om forældremøder." ||
			fbPosts[0].Link != link+"?k=fb" ||
			fbPosts[0].PageID != "1122334455" {
			t.Errorf("Facebook posts = %+v", fbPosts)
		}
		liPosts := r.li.Posts()
		if len(liPosts) != 1 {
			t.Fatalf("LinkedIn posts = %+v", liPosts)
		}
		lp := liPosts[0]
		if lp.Shown != "Forældremøder (0.-3. klasse) #skolehjem" || lp.Article.Source != link+"?k=li" ||
			lp.Article.Title != m.Title || lp.Article.Description != m.Summary {
			t.Errorf("LinkedIn post = %+v", lp)
		}
		img := r.li.Image(lp.Article.Thumbnail)
		if img == nil || !img.Uploaded || !bytes.HasPrefix(img.Data, []byte("\x89PNG")) {
			t.Errorf("thumbnail %q is not the cover: %+v", lp.Article.Thumbnail, img)
		}
		for _, id := range []int64{fbPost.ID, liPost.ID} {
			p := r.post(id)
			if p.State != storage.PostSent || p.RemoteURL == "" || p.Attempts != 1 {
				t.Errorf("post %d: %+v", id, p)
			}
		}
		if got := r.post(fbPost.ID).RemoteURL; got != social.FacebookPostURL(fbPosts[0].ID) {
			t.Errorf("Facebook link %q", got)
		}
		if got := r.post(liPost.ID).RemoteURL; got != social.LinkedInPostURL(lp.ID) {
			t.Errorf("LinkedIn link %q", got)
		}

		// Nothing is ever sent twice, whatever runs later.
		r.advance(48 * time.Hour)
		run.RunDue(ctx)
		if r.fb.Count("feed") != 1 || r.li.Count("posts") != 1 {
			t.Errorf("requests: %d to Facebook, %d to LinkedIn", r.fb.Count("feed"), r.li.Count("posts"))
		}
	})
}

// A request that reached the platform and got no answer leaves the post
// unknown, and nothing sends it again by itself.
func TestNoAnswerMeansUnknownAndNoSecondRequest(t *testing.T) {
	for _, fault := range []socialtest.Fault{{Hang: true}, {Close: true}} {
		name := "hang"
		if fault.Close {
			name = "close"
		}
		t.Run(name, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, st *storage.Store) {
				r := newRig(t, st)
				m := r.material("Skærm og sociale medier", material.Published)
				fbPost := r.plan(m, r.fbChannel, "På Facebook", time.Time{})
				liPost := r.plan(m, r.liChannel, "På LinkedIn", time.Time{})
				r.fb.Fail("feed", fault)
				r.li.Fail("posts", fault)
				run := r.runner(r.poster(400 * time.Millisecond))
				run.RunDue(ctx)

				for _, id := range []int64{fbPost.ID, liPost.ID} {
					p := r.post(id)
					if p.State != storage.PostUnknown || p.Problem == "" {
						t.Errorf("post %d after %s: state %s, problem %q", id, name, p.State, p.Problem)
					}
				}
				if got := r.inbox(notify.KindSocialProblem); len(got) != 2 {
					t.Errorf("%d notifications of the unknown posts, want 2", len(got))
				}
				for range 3 {
					r.advance(26 * time.Hour)
					run.RunDue(ctx)
				}
				if r.fb.Count("feed") != 1 || r.li.Count("posts") != 1 {
					t.Errorf("requests after %s: %d to Facebook, %d to LinkedIn, want 1 each", name,
						r.fb.Count("feed"), r.li.Count("posts"))
				}
				// The platforms did make the posts: sending again would double them.
				if len(r.fb.Posts()) != 1 || len(r.li.Posts()) != 1 {
					t.Errorf("posts made: %d, %d", len(r.fb.Posts()), len(r.li.Posts()))
				}
			})
		})
	}
}

// A job whose instance stopped after marking the post sending comes back
// after its lease; it must not send again.
func TestReclaimedJobDoesNotResend(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Første skoledag", material.Published)
		post := r.plan(m, r.fbChannel, "Første skoledag", time.Time{})

		// Instance A claims the job, marks the post sending and sends; the
		// platform takes the request and never answers.
		r.fb.Fail("feed", socialtest.Fault{Hang: true})
		a := r.runner(r.poster(1500 * time.Millisecond))
		done := make(chan struct{})
		go func() {
			defer close(done)
			a.RunDue(ctx)
		}()
		deadline := time.Now().Add(5 * time.Second)
		for r.fb.Count("feed") == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := r.post(post.ID).State; got != storage.PostSending {
			t.Fatalf("while instance A waits, the post is %s, want sending", got)
		}

		// Instance B finds the job's lease run out and claims it.
		r.advance(6 * time.Minute)
		b := r.runner(r.poster(3 * time.Second))
		if n := b.RunDue(ctx); n != 1 {
			t.Fatalf("instance B ran %d jobs, want the reclaimed one", n)
		}
		p := r.post(post.ID)
		if p.State != storage.PostUnknown || p.Problem != social.ProblemStalled {
			t.Errorf("after the reclaim: state %s, problem %q", p.State, p.Problem)
		}
		<-done
		if r.fb.Count("feed") != 1 {
			t.Errorf("%d requests, want 1", r.fb.Count("feed"))
		}
		if got := r.post(post.ID).State; got != storage.PostUnknown {
			t.Errorf("after instance A gave up: %s", got)
		}
	})
}

// A crash right after the post was marked sending: nothing was sent, and
// still nothing is sent, since the hub cannot know.
func TestCrashAfterMarkingIsNotResent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Klassens forældreråd", material.Published)
		post := r.plan(m, r.liChannel, "Forældreråd", time.Time{})
		if _, err := st.ClaimJob(ctx, r.clock(), 5*time.Minute); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.MovePost(ctx, post.ID, r.clock(), storage.PostUpdate{
			From: []storage.PostState{storage.PostPlanned}, To: storage.PostSending}); !ok || err != nil {
			t.Fatal(ok, err)
		}
		// The hub starts again, later.
		r.advance(time.Hour)
		r.runner(r.poster(time.Second)).RunDue(ctx)
		if got := r.post(post.ID).State; got != storage.PostUnknown {
			t.Errorf("state %s, want unknown", got)
		}
		if n := r.li.Count("posts") + r.li.Count("images"); n != 0 {
			t.Errorf("%d requests to LinkedIn, want none", n)
		}
	})
}

func TestTransientFailuresRetryWithBackoff(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Trivsel", material.Published)
		r.fb.Fail("feed", socialtest.Fault{Status: 503,
			Body: socialtest.FacebookError("Service temporarily unavailable", "OAuthException", 2, 0)})
		r.li.Fail("posts", socialtest.Fault{Status: 429, Header: map[string]string{"Retry-After": "3600"},
			Body: socialtest.LinkedInError(429, 0, "", "Resource level throttle APPLICATION DAY limit")})
		fbPost := r.plan(m, r.fbChannel, "Facebook", time.Time{})
		liPost := r.plan(m, r.liChannel, "LinkedIn", time.Time{})
		run := r.runner(r.poster(time.Second))
		run.RunDue(ctx)
		for _, id := range []int64{fbPost.ID, liPost.ID} {
			if p := r.post(id); p.State != storage.PostPlanned || p.Problem == "" {
				t.Errorf("post %d after a transient failure: %s %q", id, p.State, p.Problem)
			}
		}
		if !strings.Contains(r.post(fbPost.ID).Problem, "Service temporarily unavailable") {
			t.Errorf("problem %q lacks the platform's message", r.post(fbPost.ID).Problem)
		}

		r.advance(time.Minute) // before the first backoff of two minutes
		run.RunDue(ctx)
		if r.fb.Count("feed") != 1 {
			t.Errorf("retried before its backoff: %d requests", r.fb.Count("feed"))
		}
		r.advance(2 * time.Minute)
		run.RunDue(ctx)
		if r.fb.Count("feed") != 2 || r.post(fbPost.ID).State != storage.PostSent {
			t.Errorf("after the backoff: %d requests, state %s", r.fb.Count("feed"), r.post(fbPost.ID).State)
		}
		if r.li.Count("posts") != 1 {
			t.Errorf("LinkedIn retried before its Retry-After: %d requests", r.li.Count("posts"))
		}
		r.advance(58 * time.Minute)
		run.RunDue(ctx)
		if r.li.Count("posts") != 2 || r.post(liPost.ID).State != storage.PostSent {
			t.Errorf("after Retry-After: %d requests, state %s", r.li.Count("posts"), r.post(liPost.ID).State)
		}
		if len(r.fb.Posts()) != 1 || len(r.li.Posts()) != 1 {
			t.Errorf("posts made: %d, %d", len(r.fb.Posts()), len(r.li.Posts()))
		}
	})
}

func TestTransientFailuresGiveUp(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Trivsel", material.Published)
		fail := socialtest.Fault{Status: 500, Body: socialtest.FacebookError("Unknown error", "OAuthException", 1, 0)}
		r.fb.Fail("feed", fail, fail, fail)
		post := r.plan(m, r.fbChannel, "Facebook", time.Time{})
		p := r.poster(time.Second)
		p.MaxAttempts = 2
		run := r.runner(p)
		for range 3 {
			run.RunDue(ctx)
			r.advance(time.Hour)
		}
		if got := r.post(post.ID); got.State != storage.PostFailed || !strings.Contains(got.Problem, "Unknown error") {
			t.Errorf("after repeated failures: %s %q", got.State, got.Problem)
		}
		if r.fb.Count("feed") != 2 {
			t.Errorf("%d requests, want 2", r.fb.Count("feed"))
		}
	})
}

func TestRequestNeverSentIsRetried(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Trivsel", material.Published)
		post := r.plan(m, r.fbChannel, "Facebook", time.Time{})
		broken := r.poster(time.Second)
		broken.Facebook = social.NewFacebook(social.Config{GraphURL: "http://127.0.0.1:1",
			HTTP: social.NewHTTPClient(time.Second)}) // nothing listens on port 1
		r.runner(broken).RunDue(ctx)
		if got := r.post(post.ID); got.State != storage.PostPlanned || got.Problem == "" {
			t.Errorf("after a refused connection: %s %q", got.State, got.Problem)
		}
		r.advance(5 * time.Minute)
		r.runner(r.poster(time.Second)).RunDue(ctx)
		if got := r.post(post.ID); got.State != storage.PostSent || r.fb.Count("feed") != 1 {
			t.Errorf("after the retry: %s, %d requests", got.State, r.fb.Count("feed"))
		}
	})
}

func TestPermanentFailuresShowThePlatformsMessage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Trivsel", material.Published)
		r.fb.Expire(r.fbToken)
		fbPost := r.plan(m, r.fbChannel, "Facebook", time.Time{})
		// Planned past the form's check, as an import might: LinkedIn refuses it.
		liPost := r.plan(m, r.liChannel, strings.Repeat("ø", social.LinkedInMaxText+1), time.Time{})
		run := r.runner(r.poster(time.Second))
		run.RunDue(ctx)

		fp := r.post(fbPost.ID)
		if fp.State != storage.PostFailed || !strings.Contains(fp.Problem, "Session has expired") ||
			!strings.Contains(fp.Problem, "190/463") || !strings.Contains(fp.Problem, "fbtrace_id") {
			t.Errorf("expired token: %s %q", fp.State, fp.Problem)
		}
		lp := r.post(liPost.ID)
		if lp.State != storage.PostFailed || !strings.Contains(lp.Problem, "/commentary") ||
			!strings.Contains(lp.Problem, "HTTP 422") {
			t.Errorf("text too long: %s %q", lp.State, lp.Problem)
		}
		notes := r.inbox(notify.KindSocialProblem)
		if len(notes) != 2 || notes[0].MaterialID != m.ID || !strings.Contains(notes[0].Message+notes[1].Message,
			"Kommunens Facebook") {
			t.Errorf("notifications = %+v", notes)
		}
		r.advance(48 * time.Hour)
		run.RunDue(ctx)
		if r.fb.Count("feed") != 1 || r.li.Count("posts") != 1 {
			t.Errorf("a permanent failure was retried: %d, %d", r.fb.Count("feed"), r.li.Count("posts"))
		}
	})
}

func TestPostsThatCannotBeSent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		draft := r.material("Kladde", material.Approved)
		early := r.plan(draft, r.fbChannel, "For tidligt", time.Now().Add(-time.Second))
		live := r.material("Udgivet", material.Published)
		noKey := r.plan(live, r.fbChannel, "Uden nøgle", time.Time{})

		p := r.poster(time.Second)
		p.Sealer = nil // started without BINDELED_SECRET_KEY
		r.runner(p).RunDue(ctx)
		if got := r.post(early.ID); got.State != storage.PostFailed || got.Problem != social.ProblemNotPublished {
			t.Errorf("a post of an unpublished material at its time: %s %q", got.State, got.Problem)
		}
		if got := r.post(noKey.ID); got.State != storage.PostFailed || got.Problem != social.ProblemNoKey {
			t.Errorf("a post without the key: %s %q", got.State, got.Problem)
		}
		other, _ := social.NewSealer(testKey(9))
		p.Sealer = other
		wrongKey := r.plan(live, r.fbChannel, "Med en anden nøgle", time.Time{})
		r.runner(p).RunDue(ctx)
		if got := r.post(wrongKey.ID); got.State != storage.PostFailed || got.Problem != social.ProblemWrongKey {
			t.Errorf("a post with another key: %s %q", got.State, got.Problem)
		}
		if r.fb.Count("feed") != 0 {
			t.Errorf("%d requests", r.fb.Count("feed"))
		}
	})
}

func TestFacebookScrapesAfterAnEdit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		m := r.material("Det gode forældremøde", material.Published)
		r.plan(m, r.fbChannel, "Facebook", time.Time{})
		run := r.runner(r.poster(time.Second))
		run.RunDue(ctx)
		if len(r.fb.Scrapes()) != 0 {
			t.Fatal("scraped before any edit")
		}

		// An approved pending edit replaces the published material.
		edit, err := st.GetMaterial(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		edit.Summary = "Et bedre resumé."
		if err := st.ApplyPending(ctx, edit, storage.Save{UserID: r.editor.ID}, time.Time{}); err != nil {
			t.Fatal(err)
		}
		run.RunDue(ctx)
		if got := r.fb.Scrapes(); len(got) != 1 || got[0] != site+"/materialer/"+m.Slug+"?k=fb" {
			t.Errorf("scrapes = %v", got)
		}

		// So does a save of the published material itself.
		edit, err = st.GetMaterial(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		edit.Title = "Det gode forældremøde, opdateret"
		if err := st.SaveMaterial(ctx, edit, storage.Save{UserID: r.editor.ID, From: material.Published}); err != nil {
			t.Fatal(err)
		}
		run.RunDue(ctx)
		if got := r.fb.Scrapes(); len(got) != 2 {
			t.Errorf("scrapes after the second edit = %v", got)
		}
	})
}

func TestEditorsAreWarnedBeforeATokenExpires(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		r := newRig(t, st)
		admin := &storage.User{Email: "admin@example.dk", Role: storage.RoleAdmin, PasswordHash: "x", Active: true}
		if err := st.CreateUser(ctx, admin); err != nil {
			t.Fatal(err)
		}
		run := r.runner(r.poster(time.Second))
		run.Housekeeping(ctx) // the LinkedIn token has 60 days left
		if got := r.inbox(notify.KindTokenExpiry); len(got) != 0 {
			t.Fatalf("warned 60 days ahead: %v", got)
		}
		r.advance(47 * 24 * time.Hour) // 13 days left
		run.Housekeeping(ctx)
		run.Housekeeping(ctx)
		got := r.inbox(notify.KindTokenExpiry)
		if len(got) != 1 || got[0].MaterialTitle != "Kommunen på LinkedIn" || got[0].Message == "" {
			t.Fatalf("editor's warnings = %+v", got)
		}
		list, _, _ := st.Notifications(ctx, admin.ID, 10, 0)
		if len(list) != 1 {
			t.Errorf("admin's warnings = %+v", list)
		}
		// A new token for the channel, later nearly expired, is warned of again.
		r.channel("linkedin", "Kommunen på LinkedIn", r.liChannel.Target, r.liToken, r.clock().Add(5*24*time.Hour))
		run.Housekeeping(ctx)
		if got := r.inbox(notify.KindTokenExpiry); len(got) != 2 {
			t.Errorf("after reconnecting with a short token: %d warnings, want 2", len(got))
		}
	})
}
