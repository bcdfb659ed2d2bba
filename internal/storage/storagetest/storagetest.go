// Package storagetest gives tests a fresh, migrated database on every
// backend this machine has: always SQLite, and PostgreSQL when a server
// answers. Each call creates a database of its own and drops it when the
// test ends, so test packages can run in parallel.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/storage"
)

// EnvPostgres names the variable with the PostgreSQL server's admin URL.
const EnvPostgres = "BINDELED_TEST_POSTGRES"

// defaultPostgres is the server on the developers' and CI machines.
const defaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Backends lists the backends to run a test on. PostgreSQL is left out,
// with the reason logged, only when no server answers and neither CI nor
// BINDELED_TEST_POSTGRES asks for it; then the test fails instead.
func Backends(t testing.TB) []storage.Backend {
	t.Helper()
	if err := postgresReachable(); err != nil {
		if os.Getenv("CI") != "" || os.Getenv(EnvPostgres) != "" {
			t.Fatalf("PostgreSQL is required here but not reachable at %s: %v", redacted(), err)
		}
		t.Logf("SKIPPED on PostgreSQL: no server at %s (%v); set %s to run these tests there",
			redacted(), err, EnvPostgres)
		return []storage.Backend{storage.SQLite}
	}
	return []storage.Backend{storage.SQLite, storage.Postgres}
}

var (
	probeOnce sync.Once
	probeErr  error
)

func postgresReachable() error {
	probeOnce.Do(func() {
		db, err := sql.Open("pgx", adminURL())
		if err != nil {
			probeErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		probeErr = db.PingContext(ctx)
	})
	return probeErr
}

func adminURL() string {
	if u := os.Getenv(EnvPostgres); u != "" {
		return u
	}
	return defaultPostgres
}

func redacted() string {
	u, err := url.Parse(adminURL())
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// DSN returns the address of a new, empty database on backend b, dropped
// when the test ends. It does not migrate.
func DSN(t testing.TB, b storage.Backend) string {
	t.Helper()
	if b == storage.SQLite {
		return filepath.Join(t.TempDir(), "bindeled.db")
	}

	var suffix [6]byte
	_, _ = rand.Read(suffix[:]) // never fails on supported systems
	name := "bindeled_test_" + hex.EncodeToString(suffix[:])
	admin, err := sql.Open("pgx", adminURL())
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})

	u, err := url.Parse(adminURL())
	if err != nil {
		t.Fatalf("postgres URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open returns a migrated store on backend b, closed when the test ends.
func Open(t testing.TB, b storage.Backend) *storage.Store {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, DSN(t, b))
	if err != nil {
		t.Fatalf("open %s: %v", b, err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx, Logger()); err != nil {
		t.Fatalf("migrate %s: %v", b, err)
	}
	return st
}

// Logger discards log lines; tests check behaviour, not logs.
func Logger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Each runs fn as a subtest on every backend in Backends.
func Each(t *testing.T, fn func(t *testing.T, st *storage.Store)) {
	t.Helper()
	for _, b := range Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			fn(t, Open(t, b))
		})
	}
}

// Name is a short description for messages.
func Name(st *storage.Store) string { return fmt.Sprint(st.Backend()) }
