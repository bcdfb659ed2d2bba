package hub_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
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
	// An imported author (inactive) and a restored user (no password)
	// cannot sign in, so the hub still offers the link.
	for _, u := range []*storage.User{
		{Email: "forfatter@example.dk", Role: storage.RoleContributor, PasswordHash: "h"},
		{Email: "gendannet@example.dk", Role: storage.RoleAdmin, Active: true},
	} {
		if err := h.Store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if link, err := h.FirstAdminLink(ctx, ":8080"); link == "" || err != nil {
			t.Errorf("with only %s: link %q, %v", u.Email, link, err)
		}
	}
	if err := h.Store.CreateUser(ctx, &storage.User{Email: "a@example.dk", Role: storage.RoleEditor,
		Active: true, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if link, err := h.FirstAdminLink(ctx, ":8080"); link != "" || err != nil {
		t.Errorf("with a user who can sign in: link %q, %v", link, err)
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
		Status: material.Approved, Audiences: []material.Audience{material.Parents}}
	material.OwnWork(m)
	if err := h.Store.CreateMaterial(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.ScheduleMaterial(ctx, m, time.Now().Add(150*time.Millisecond), storage.Save{}); err != nil {
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

func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	cfg := config(t, storagetest.DSN(t, storage.SQLite))
	h, err := hub.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	sctx, cancel := context.WithCancel(ctx)
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- h.Serve(sctx, "127.0.0.1:0", 10*time.Second, func(a string) { addr <- a }) }()
	base := "http://" + <-addr

	page, err := http.Get(base + "/materialer/fire-gode-vaner-i-samarbejdet-mellem-skole-og-hjem")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	src := regexp.MustCompile(`<source src="(/media/[a-z0-9.]+)"`).FindSubmatch(body)
	if src == nil {
		t.Fatal("no film on the film page")
	}

	// Start a download and read it slowly, so the server is still writing.
	res, err := http.Get(base + string(src[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	first := make([]byte, 1024)
	if _, err := io.ReadFull(res.Body, first); err != nil {
		t.Fatal(err)
	}
	cancel() // as SIGTERM does
	time.Sleep(100 * time.Millisecond)
	rest, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("the download in flight was cut: %v", err)
	}
	if got := int64(len(first) + len(rest)); got != res.ContentLength {
		t.Errorf("got %d of %d bytes", got, res.ContentLength)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

// TestCountsKeptAtShutdown: tagged visits are gathered in memory and
// written every few seconds; those of the last requests before a shutdown
// are written too.
func TestCountsKeptAtShutdown(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			h, err := hub.Open(ctx, config(t, storagetest.DSN(t, b)))
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			ms, _, err := h.Store.SearchMaterials(ctx, "", 1, 0)
			if err != nil || len(ms) == 0 {
				t.Fatalf("no starter material: %v", err)
			}
			m := ms[0]
			sctx, stop := context.WithCancel(ctx)
			addr := make(chan string, 1)
			done := make(chan error, 1)
			go func() { done <- h.Serve(sctx, "127.0.0.1:0", 10*time.Second, func(a string) { addr <- a }) }()
			base := "http://" + <-addr
			for range 7 {
				res, err := http.Get(base + "/materialer/" + m.Slug + "?k=aula")
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("material page: %d", res.StatusCode)
				}
			}
			stop()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			visits, err := h.Store.MaterialVisits(ctx, m.ID, "2000-01-01", "2999-12-31")
			if err != nil {
				t.Fatal(err)
			}
			if len(visits) != 1 || visits[0].Channel != "aula" || visits[0].Visits != 7 {
				t.Errorf("visits after shutdown %+v, want 7 from aula", visits)
			}
		})
	}
}
