package storage_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// openJobs maps the de-duplication key of every job not yet done to when
// it is due.
func openJobs(t *testing.T, st *storage.Store) map[string]time.Time {
	t.Helper()
	rows, err := st.TableRows(ctx, "jobs")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, r := range rows { // id, kind, dedupe_key, material_id, run_at, claimed_until, attempts, last_error, done_at
		if r[8] == nil {
			out[r[2].(string)] = time.UnixMilli(r[4].(int64))
		}
	}
	return out
}

func TestChannels(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		expires := time.Now().Add(10 * 24 * time.Hour).UTC().Truncate(time.Millisecond)
		li := &storage.Channel{Platform: "linkedin", Name: "Kommunen på LinkedIn", Target: "urn:li:organization:1",
			Token: "v1.sealed", TokenExpiresAt: expires}
		manual := &storage.Channel{Platform: "manual", Name: "Skolens Instagram", URL: "https://instagram.com/x"}
		other := &storage.Channel{Platform: "manual", Name: "Aula-gruppen"}
		for _, ch := range []*storage.Channel{li, manual, other} {
			if err := st.SaveChannel(ctx, ch); err != nil {
				t.Fatal(err)
			}
		}
		if manual.ID == other.ID {
			t.Fatal("two manual channels share a row")
		}

		// Connecting the same page again replaces its token and expiry.
		later := expires.Add(50 * 24 * time.Hour)
		again := &storage.Channel{Platform: "linkedin", Name: "Nyt navn", Target: "urn:li:organization:1",
			Token: "v1.newer", TokenExpiresAt: later}
		if err := st.SaveChannel(ctx, again); err != nil {
			t.Fatal(err)
		}
		if again.ID != li.ID {
			t.Errorf("reconnecting made channel %d, want %d", again.ID, li.ID)
		}
		got, err := st.ChannelByID(ctx, li.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Token != "v1.newer" || !got.TokenExpiresAt.Equal(later) || got.Name != "Nyt navn" {
			t.Errorf("channel after reconnecting: %+v", got)
		}
		all, err := st.Channels(ctx)
		if err != nil || len(all) != 3 || all[0].Name != "Aula-gruppen" {
			t.Fatalf("channels = %v, %v", all, err)
		}

		soon, err := st.ChannelsExpiring(ctx, later.Add(time.Hour))
		if err != nil || len(soon) != 1 || soon[0].ID != li.ID {
			t.Fatalf("expiring = %v, %v", soon, err)
		}
		if none, _ := st.ChannelsExpiring(ctx, later.Add(-time.Hour)); len(none) != 0 {
			t.Errorf("expiring before the expiry: %v", none)
		}
		// Two instances warn at once: one records it.
		var wg sync.WaitGroup
		var mu sync.Mutex
		first := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.MarkChannelWarned(ctx, li.ID, later)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					first++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if first != 1 {
			t.Errorf("%d instances recorded the warning, want 1", first)
		}
		if err := st.DeleteChannel(ctx, manual.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ChannelByID(ctx, manual.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("deleted channel: %v", err)
		}
	})
}

func TestPostsFollowPublication(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		fb := &storage.Channel{Platform: "facebook", Name: "Facebook", Target: "111", Token: "v1.x"}
		hand := &storage.Channel{Platform: "manual", Name: "Nyhedsbrev"}
		for _, ch := range []*storage.Channel{fb, hand} {
			if err := st.SaveChannel(ctx, ch); err != nil {
				t.Fatal(err)
			}
		}
		m := article("Skal snart ud", material.Approved)
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Millisecond)
		withPub := &storage.Post{MaterialID: m.ID, ChannelID: fb.ID, Text: "Ved udgivelsen", SiteURL: "https://h.dk"}
		ownTime := &storage.Post{MaterialID: m.ID, ChannelID: fb.ID, Text: "Senere", RunAt: at, SiteURL: "https://h.dk"}
		byHand := &storage.Post{MaterialID: m.ID, ChannelID: hand.ID, Text: "Kopiér mig", Mode: storage.PostByHand,
			SiteURL: "https://h.dk"}
		if err := st.PlanPosts(ctx, []*storage.Post{withPub, ownTime, byHand}); err != nil {
			t.Fatal(err)
		}
		jobs := openJobs(t, st)
		if _, ok := jobs[storage.SocialPostJobKey(withPub.ID)]; ok {
			t.Error("a post waiting for publication has a job before the material is published")
		}
		if got := jobs[storage.SocialPostJobKey(ownTime.ID)]; !got.Equal(at) {
			t.Errorf("post at its own time: job at %v, want %v", got, at)
		}
		if _, ok := jobs[storage.SocialPostJobKey(byHand.ID)]; ok {
			t.Error("a post by hand has a job")
		}

		// Publishing releases the post that waited for it, in the same save.
		m.Status = material.Published
		before := time.Now()
		if err := st.SaveMaterial(ctx, m, storage.Save{From: material.Approved}); err != nil {
			t.Fatal(err)
		}
		jobs = openJobs(t, st)
		due, ok := jobs[storage.SocialPostJobKey(withPub.ID)]
		if !ok || due.Before(before.Add(-time.Second)) || due.After(time.Now().Add(time.Second)) {
			t.Errorf("after publishing, the post's job is due at %v (%v), want now", due, ok)
		}
		if len(jobs) != 2 {
			t.Errorf("jobs = %v, want the two API posts'", jobs)
		}

		// A post planned after publication for "when published" is due now.
		late := &storage.Post{MaterialID: m.ID, ChannelID: fb.ID, Text: "Efter", SiteURL: "https://h.dk"}
		if err := st.PlanPosts(ctx, []*storage.Post{late}); err != nil {
			t.Fatal(err)
		}
		if _, ok := openJobs(t, st)[storage.SocialPostJobKey(late.ID)]; !ok {
			t.Error("a post planned for an already published material has no job")
		}

		// No scrape while nothing is on Facebook; one after a sent post's material changes.
		m.Summary = "Nyt resumé."
		if err := st.SaveMaterial(ctx, m, storage.Save{From: material.Published}); err != nil {
			t.Fatal(err)
		}
		if _, ok := openJobs(t, st)[storage.SocialScrapeJobKey(m.ID)]; ok {
			t.Error("a scrape was queued for a material never posted on Facebook")
		}
		now := time.Now()
		for _, u := range []storage.PostUpdate{{From: []storage.PostState{storage.PostPlanned}, To: storage.PostSending},
			{From: []storage.PostState{storage.PostSending}, To: storage.PostSent, RemoteID: "111_1"}} {
			if ok, err := st.MovePost(ctx, withPub.ID, now, u); !ok || err != nil {
				t.Fatalf("move to %s: %v %v", u.To, ok, err)
			}
		}
		m.Summary = "Endnu et resumé."
		if err := st.SaveMaterial(ctx, m, storage.Save{From: material.Published}); err != nil {
			t.Fatal(err)
		}
		if _, ok := openJobs(t, st)[storage.SocialScrapeJobKey(m.ID)]; !ok {
			t.Error("no scrape queued after an edit of a material shown on Facebook")
		}
		p, err := st.PostByID(ctx, withPub.ID)
		if err != nil || p.State != storage.PostSent || p.RemoteID != "111_1" || p.Attempts != 1 || p.SentAt.IsZero() ||
			p.ChannelName != "Facebook" || p.ChannelPlatform != "facebook" {
			t.Errorf("sent post = %+v, %v", p, err)
		}
	})
}

func TestPostMovesOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		ch := &storage.Channel{Platform: "facebook", Name: "F", Target: "1", Token: "v1.x"}
		if err := st.SaveChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
		m := article("Et opslag", material.Published)
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		p := &storage.Post{MaterialID: m.ID, ChannelID: ch.ID, Text: "x", SiteURL: "https://h.dk"}
		if err := st.PlanPosts(ctx, []*storage.Post{p}); err != nil {
			t.Fatal(err)
		}

		// Several instances try to mark it sending: exactly one may send.
		var wg sync.WaitGroup
		var mu sync.Mutex
		winners := 0
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := st.MovePost(ctx, p.ID, time.Now(), storage.PostUpdate{
					From: []storage.PostState{storage.PostPlanned}, To: storage.PostSending})
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					winners++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if winners != 1 {
			t.Fatalf("%d instances may send the post, want 1", winners)
		}
		if ok, _ := st.DeletePost(ctx, p.ID); ok {
			t.Error("a post being sent was deleted")
		}
		if ok, _ := st.MovePost(ctx, p.ID, time.Now(), storage.PostUpdate{From: []storage.PostState{storage.PostSending},
			To: storage.PostUnknown, Problem: "no answer"}); !ok {
			t.Fatal("sending to unknown refused")
		}
		// Sending again is explicit: back to planned, due now, with a fresh job.
		now := time.Now().UTC().Truncate(time.Millisecond)
		ok, err := st.MovePost(ctx, p.ID, now, storage.PostUpdate{From: []storage.PostState{storage.PostUnknown,
			storage.PostFailed}, To: storage.PostPlanned, RunAt: now})
		if !ok || err != nil {
			t.Fatalf("send again: %v %v", ok, err)
		}
		if due := openJobs(t, st)[storage.SocialPostJobKey(p.ID)]; !due.Equal(now) {
			t.Errorf("job due %v, want %v", due, now)
		}
		if ok, _ := st.DeletePost(ctx, p.ID); !ok {
			t.Fatal("a planned post could not be deleted")
		}
		if _, ok := openJobs(t, st)[storage.SocialPostJobKey(p.ID)]; ok {
			t.Error("the deleted post's job remains")
		}
	})
}

func TestGrants(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		u := &storage.User{Email: "admin@example.dk", Role: storage.RoleAdmin, Active: true}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		g := &storage.Grant{StateHash: "s1", SessionHash: "sess", UserID: u.ID, Platform: "facebook",
			ExpiresAt: time.Now().Add(30 * time.Minute)}
		if err := st.CreateGrant(ctx, g); err != nil {
			t.Fatal(err)
		}
		got, err := st.GrantByState(ctx, "s1")
		if err != nil || got.ID != g.ID || got.SessionHash != "sess" || got.Platform != "facebook" {
			t.Fatalf("grant = %+v, %v", got, err)
		}
		if ok, _ := st.SetGrantChoices(ctx, g.ID, "v1.sealed"); !ok {
			t.Fatal("choices not stored")
		}
		if ok, _ := st.SetGrantChoices(ctx, g.ID, "v1.other"); ok {
			t.Error("choices stored twice: a code could be used again")
		}
		if n, err := st.PruneGrants(ctx, time.Now()); err != nil || n != 0 {
			t.Errorf("pruned %d, %v", n, err)
		}
		if n, _ := st.PruneGrants(ctx, time.Now().Add(time.Hour)); n != 1 {
			t.Errorf("pruned %d expired grants, want 1", n)
		}
		if _, err := st.GrantByID(ctx, g.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("pruned grant: %v", err)
		}
	})
}
