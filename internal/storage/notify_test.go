package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

func newUser(t *testing.T, st *storage.Store, email string, role storage.Role) *storage.User {
	t.Helper()
	u := &storage.User{Email: email, Role: role, PasswordHash: "h", Active: true}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestInboxAndMailQueue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		ann := newUser(t, st, "ann@example.dk", storage.RoleEditor)
		bo := newUser(t, st, "bo@example.dk", storage.RoleEditor)
		m := &material.Material{Kind: material.Article, Title: "Trivsel", Summary: "x", Language: "da",
			Status: material.Draft, Audiences: []material.Audience{material.Parents}}
		if err := st.CreateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := st.SetMaterialCreator(ctx, m.ID, bo.ID); err != nil {
			t.Fatal(err)
		}
		if by, err := st.MaterialCreator(ctx, m.ID); err != nil || by != bo.ID {
			t.Errorf("creator = %d, %v; want %d", by, err, bo.ID)
		}

		base := time.Now().Add(-time.Hour)
		for i, kind := range []string{"submitted", "comment", "approved"} {
			n := &storage.Notification{UserID: ann.ID, Kind: kind, MaterialID: m.ID, MaterialTitle: m.Title,
				ActorID: bo.ID, ActorName: "Bo", CreatedAt: base.Add(time.Duration(i) * time.Minute)}
			var mail *storage.Mail
			if kind != "comment" {
				mail = &storage.Mail{To: ann.Email, Subject: "Emne " + kind, Body: "Tekst"}
			}
			if err := st.Deliver(ctx, n, mail); err != nil {
				t.Fatal(err)
			}
		}
		// Bo's inbox is his own.
		if err := st.Deliver(ctx, &storage.Notification{UserID: bo.ID, Kind: "published", MaterialID: m.ID},
			nil); err != nil {
			t.Fatal(err)
		}

		list, total, err := st.Notifications(ctx, ann.ID, 2, 0)
		if err != nil || total != 3 || len(list) != 2 || list[0].Kind != "approved" || list[0].ActorName != "Bo" {
			t.Fatalf("inbox: %+v, total %d, %v", list, total, err)
		}
		if n, _ := st.UnreadCount(ctx, ann.ID); n != 3 {
			t.Errorf("unread = %d, want 3", n)
		}
		// Marking another user's notification does nothing.
		if err := st.MarkRead(ctx, bo.ID, list[0].ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.UnreadCount(ctx, ann.ID); n != 3 {
			t.Errorf("another user marked Ann's notification read: unread %d", n)
		}
		if err := st.MarkRead(ctx, ann.ID, list[0].ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.UnreadCount(ctx, ann.ID); n != 2 {
			t.Errorf("unread after one = %d, want 2", n)
		}
		if err := st.MarkRead(ctx, ann.ID, 0, time.Now()); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.UnreadCount(ctx, ann.ID); n != 0 {
			t.Errorf("unread after all = %d", n)
		}
		if n, _ := st.UnreadCount(ctx, bo.ID); n != 1 {
			t.Errorf("Bo's unread = %d, want 1", n)
		}

		// Two mails were queued, each with one job, claimed once.
		var sent []string
		for {
			j, err := st.ClaimJob(ctx, time.Now(), time.Minute)
			if errors.Is(err, storage.ErrNotFound) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if j.Kind != storage.JobMail || !strings.HasPrefix(j.Key, "mail:") {
				t.Fatalf("job %+v", j)
			}
			var id int64
			fmt.Sscanf(strings.TrimPrefix(j.Key, "mail:"), "%d", &id)
			mail, err := st.MailByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, mail.Subject)
			if err := st.MarkMailSent(ctx, id, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := st.FinishJob(ctx, j.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if strings.Join(sent, ",") != "Emne submitted,Emne approved" {
			t.Errorf("mails sent: %v", sent)
		}
		if n, err := st.PruneMails(ctx, time.Now().Add(time.Minute)); err != nil || n != 2 {
			t.Errorf("pruned %d mails, %v", n, err)
		}

		if err := st.SetMailOptOuts(ctx, ann.ID, []string{"comment", "comment", "approved"}); err != nil {
			t.Fatal(err)
		}
		if got, err := st.MailOptOuts(ctx, ann.ID); err != nil || len(got) != 2 || !got["comment"] || !got["approved"] {
			t.Errorf("opt-outs %v, %v", got, err)
		}
		if ids, err := st.ActiveUserIDs(ctx, storage.RoleEditor); err != nil || len(ids) != 2 {
			t.Errorf("editors %v, %v", ids, err)
		}
	})
}

func TestUserTokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		u := &storage.User{Email: "Ny@Example.dk", Role: storage.RoleContributor}
		sc := storage.School{Slug: "nord", Name: "Nord"}
		if err := st.CreateSchool(ctx, &sc); err != nil {
			t.Fatal(err)
		}
		first := &storage.UserToken{TokenHash: "inv1", Purpose: storage.TokenInvite, ExpiresAt: now.Add(time.Hour)}
		if err := st.InviteUser(ctx, u, []int64{sc.ID}, first); err != nil {
			t.Fatal(err)
		}
		again := &storage.User{Email: "ny@example.dk", Role: storage.RoleEditor}
		if err := st.InviteUser(ctx, again, nil, &storage.UserToken{TokenHash: "x", Purpose: storage.TokenInvite,
			ExpiresAt: now.Add(time.Hour)}); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("invite of an address in use: %v", err)
		}
		rows, err := st.Users(ctx)
		if err != nil || len(rows) != 1 || !rows[0].Pending() || rows[0].LastInvite.IsZero() ||
			len(rows[0].SchoolIDs) != 1 {
			t.Fatalf("users %+v, %v", rows, err)
		}

		// A newer link replaces the first.
		second := &storage.UserToken{TokenHash: "inv2", UserID: u.ID, Purpose: storage.TokenInvite,
			ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateUserToken(ctx, second); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ValidUserToken(ctx, "inv1", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the older link still works: %v", err)
		}
		if tok, err := st.ValidUserToken(ctx, "inv2", now); err != nil || tok.UserID != u.ID {
			t.Fatalf("newest link: %+v, %v", tok, err)
		}

		// Used at once by several: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = st.UseUserToken(ctx, "inv2", "Nina", "hash", now)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			}
		}
		if ok != 1 {
			t.Errorf("%d uses succeeded, want 1: %v", ok, errs)
		}
		got, _ := st.UserByID(ctx, u.ID)
		if got.Name != "Nina" || got.PasswordHash != "hash" {
			t.Errorf("after invitation: %+v", got)
		}

		// Expired links and inactive users' links do nothing.
		expired := &storage.UserToken{TokenHash: "old", UserID: u.ID, Purpose: storage.TokenReset,
			ExpiresAt: now.Add(-time.Second)}
		if err := st.CreateUserToken(ctx, expired); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UseUserToken(ctx, "old", "", "h2", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired link: %v", err)
		}
		reset := &storage.UserToken{TokenHash: "rst", UserID: u.ID, Purpose: storage.TokenReset,
			ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateUserToken(ctx, reset); err != nil {
			t.Fatal(err)
		}
		admin := newUser(t, st, "admin@example.dk", storage.RoleAdmin)
		if err := st.UpdateUserAccess(ctx, u.ID, storage.RoleContributor, false, []int64{sc.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ValidUserToken(ctx, "rst", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an inactive user's link is valid: %v", err)
		}
		if _, err := st.UseUserToken(ctx, "rst", "", "h3", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an inactive user's link worked: %v", err)
		}

		// The last active admin stays.
		if err := st.UpdateUserAccess(ctx, admin.ID, storage.RoleEditor, true, nil); !errors.Is(err,
			storage.ErrLastAdmin) {
			t.Errorf("demoting the last admin: %v", err)
		}
		if err := st.UpdateUserAccess(ctx, admin.ID, storage.RoleAdmin, false, nil); !errors.Is(err,
			storage.ErrLastAdmin) {
			t.Errorf("deactivating the last admin: %v", err)
		}
		if got, _ := st.UserByID(ctx, admin.ID); got.Role != storage.RoleAdmin || !got.Active {
			t.Errorf("a refused change stuck: %+v", got)
		}
	})
}
