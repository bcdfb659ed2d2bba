package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/storage"
)

// TestUserResetSecondFactor: the command line removes a locked-out admin's
// second factor and logs it.
func TestUserResetSecondFactor(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"user", "add", "--data", data, "--password-memory", "64", "--email",
		"admin@example.dk", "--role", "admin"}, strings.NewReader("en lang nok adgangskode\n"), &out,
		&errOut); err != nil {
		t.Fatalf("user add: %v %s", err, errOut.String())
	}
	withStore := func(fn func(st *storage.Store)) {
		t.Helper()
		h, err := hub.Open(ctx, hub.Config{DataDir: data, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		fn(h.Store)
	}
	withStore(func(st *storage.Store) {
		u, err := st.UserByEmail(ctx, "admin@example.dk")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.EnableTOTP(ctx, &storage.TOTP{UserID: u.ID, Secret: "S", ConfirmedAt: time.Now()},
			[]string{"r"}); err != nil {
			t.Fatal(err)
		}
	})

	out.Reset()
	args := []string{"user", "reset-2fa", "--data", data, "--email", "ADMIN@example.dk"}
	if err := run(ctx, args, strings.NewReader(""), &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "Removed") {
		t.Fatalf("reset: %v %q", err, out.String())
	}
	withStore(func(st *storage.Store) {
		if u, _ := st.UserByEmail(ctx, "admin@example.dk"); u == nil || u.SecondFactor {
			t.Error("the second factor is still there")
		}
		entries, _, err := st.AuditLog(ctx, storage.AuditFilter{Action: "user:second_factor_reset"}, 5, 0)
		if err != nil || len(entries) != 1 {
			t.Errorf("audit: %v %v", entries, err)
		}
	})
	if err := run(ctx, []string{"user", "reset-2fa", "--data", data, "--email", "ingen@example.dk"},
		strings.NewReader(""), &out, &errOut); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Errorf("an unknown user: %v", err)
	}
}
