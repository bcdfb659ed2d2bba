package hub_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/starter"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

var ctx = context.Background()

func config(t *testing.T, dsn string) hub.Config {
	cfg := hub.Config{DataDir: t.TempDir(), Starter: true, Passwords: auth.TestParams(),
		Logger: storagetest.Logger()}
	if storage.IsPostgresURL(dsn) {
		cfg.Database = dsn
	} else {
		cfg.DataDir = dsnDir(dsn)
	}
	return cfg
}

// dsnDir is the folder of an SQLite file path.
func dsnDir(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[:i]
		}
	}
	return "."
}

func TestStarterLoadedOnceEvenWhenStartedTogether(t *testing.T) {
	want, err := starter.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			dsn := storagetest.DSN(t, b)
			var wg sync.WaitGroup
			hubs := make([]*hub.Hub, 3)
			errs := make([]error, len(hubs))
			for i := range hubs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					hubs[i], errs[i] = hub.Open(ctx, config(t, dsn))
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("instance %d: %v", i, err)
				}
				defer hubs[i].Close()
			}

			// Once more, as after a restart.
			again, err := hub.Open(ctx, config(t, dsn))
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()

			_, total, err := again.Store.SearchMaterials(ctx, "", 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(want.Items) {
				t.Errorf("%d materials after four starts, want %d", total, len(want.Items))
			}
			themes, err := again.Store.Themes(ctx)
			if err != nil || len(themes) != len(want.Themes) {
				t.Errorf("%d themes (%v), want %d", len(themes), err, len(want.Themes))
			}
		})
	}
}

func TestStarterOff(t *testing.T) {
	dsn := storagetest.DSN(t, storage.SQLite)
	cfg := config(t, dsn)
	cfg.Starter = false
	h, err := hub.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, total, _ := h.Store.SearchMaterials(ctx, "", 1, 0); total != 0 {
		t.Errorf("--starter=false loaded %d materials", total)
	}
}

func TestFirstAdminLink(t *testing.T) {
	h, err := hub.Open(ctx, config(t, storagetest.DSN(t, storage.SQLite)))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	link, err := h.FirstAdminLink(ctx, "[::]:8080")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "http://localhost:8080/redaktion/opsaetning?token="
	if len(link) <= len(prefix) || link[:len(prefix)] != prefix {
		t.Errorf("link %q", link)
	}
	if err := h.Store.CreateUser(ctx, &storage.User{Email: "a@example.dk", Role: storage.RoleAdmin, Active: true}); err != nil {
		t.Fatal(err)
	}
	if link, err := h.FirstAdminLink(ctx, ":8080"); link != "" || err != nil {
		t.Errorf("with a user: link %q, %v", link, err)
	}
}

func TestServeRunsTheScheduler(t *testing.T) {
	cfg := config(t, storagetest.DSN(t, storage.SQLite))
	cfg.Starter, cfg.JobInterval = false, 20*time.Millisecond
	h, err := hub.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	m := &material.Material{Kind: material.Article, Title: "Klar", Summary: "Kort.", Language: "da",
		Status: material.Draft, Audiences: []material.Audience{material.Parents}}
	if err := h.Store.CreateMaterial(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.ScheduleMaterial(ctx, m, time.Now().Add(150*time.Millisecond)); err != nil {
		t.Fatal(err)
	}

	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.Serve(sctx, "127.0.0.1:0", time.Second, nil) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := h.Store.GetMaterial(ctx, m.ID)
		if err == nil && got.Status == material.Published {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not published by the running hub: %v %v", got.Status, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
