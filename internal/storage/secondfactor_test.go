package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

func TestLoginChallenges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		u := &storage.User{Email: "a@example.dk", Role: storage.RoleEditor, PasswordHash: "h", Active: true}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		c := &storage.LoginChallenge{IDHash: "c1", UserID: u.ID, Next: "/redaktion", CreatedAt: now,
			ExpiresAt: now.Add(5 * time.Minute)}
		if err := st.CreateLoginChallenge(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, got, err := st.LoginChallengeUser(ctx, "c1", now); err != nil || got.ID != u.ID {
			t.Fatalf("challenge: %v", err)
		}
		if _, _, err := st.LoginChallengeUser(ctx, "c1", now.Add(5*time.Minute)); !errors.Is(err,
			storage.ErrNotFound) {
			t.Errorf("an expired challenge: %v", err)
		}

		// Wrong codes end it at the limit.
		for i := range 3 {
			if err := st.FailLoginChallenge(ctx, "c1", 3); err != nil {
				t.Fatal(err)
			}
			_, _, err := st.LoginChallengeUser(ctx, "c1", now)
			if (i < 2) != (err == nil) {
				t.Errorf("after %d wrong codes: %v", i+1, err)
			}
		}

		// A challenge finishes one login only.
		c.IDHash = "c2"
		if err := st.CreateLoginChallenge(ctx, c); err != nil {
			t.Fatal(err)
		}
		first, _ := st.DeleteLoginChallenge(ctx, "c2")
		second, _ := st.DeleteLoginChallenge(ctx, "c2")
		if !first || second {
			t.Errorf("deleting twice: %v %v", first, second)
		}

		// Expired ones go with the expired sessions; log out everywhere ends the rest.
		c.IDHash, c.ExpiresAt = "c3", now.Add(-time.Second)
		if err := st.CreateLoginChallenge(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteExpiredSessions(ctx, now); err != nil {
			t.Fatal(err)
		}
		if ok, _ := st.DeleteLoginChallenge(ctx, "c3"); ok {
			t.Error("an expired challenge was kept")
		}
	})
}

func TestTOTPStepsAndRecoveryCodes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		u := &storage.User{Email: "a@example.dk", Role: storage.RoleEditor, PasswordHash: "h", Active: true}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := st.EnableTOTP(ctx, &storage.TOTP{UserID: u.ID, Secret: "S", ConfirmedAt: now, LastStep: 100},
			[]string{"r1", "r2"}); err != nil {
			t.Fatal(err)
		}
		if err := st.EnableTOTP(ctx, &storage.TOTP{UserID: u.ID, Secret: "T", ConfirmedAt: now},
			nil); !errors.Is(err, storage.ErrConflict) {
			t.Errorf("enabling twice: %v", err)
		}
		if got, _ := st.UserByID(ctx, u.ID); !got.SecondFactor {
			t.Error("user does not show the second factor")
		}
		for _, tt := range []struct {
			step int64
			want bool
		}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}, {102, false}} {
			if got, err := st.UseTOTPStep(ctx, u.ID, tt.step); err != nil || got != tt.want {
				t.Errorf("step %d: %v %v, want %v", tt.step, got, err, tt.want)
			}
		}
		for _, tt := range []struct {
			hash string
			want bool
		}{{"r1", true}, {"r1", false}, {"nope", false}, {"r2", true}} {
			if got, err := st.UseRecoveryCode(ctx, u.ID, tt.hash, now); err != nil || got != tt.want {
				t.Errorf("recovery %s: %v %v, want %v", tt.hash, got, err, tt.want)
			}
		}
		if had, err := st.DisableTOTP(ctx, u.ID); err != nil || !had {
			t.Fatalf("disable: %v %v", had, err)
		}
		if _, err := st.UserTOTP(ctx, u.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("after disabling: %v", err)
		}
	})
}
