// Package storage keeps the hub's data in SQLite or PostgreSQL.
//
// Both backends share one implementation written against database/sql: the
// SQL is portable (RETURNING, ON CONFLICT, no backend-only functions), and
// the few differences—placeholders, the driver, the migration files and how
// the schema is locked while it changes—live in a dialect. Times are stored
// as Unix milliseconds so both backends sort and copy them alike.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Sentinel errors, matched with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrStale: the material was saved by someone else since it was read.
	ErrStale = errors.New("saved by someone else in the meantime")
)

//go:embed migrations
var migrations embed.FS

// Backend names a database engine.
type Backend string

// The supported backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Store is the hub's database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	backend Backend
	path    string // the SQLite file
	content contentCache
	// pages remembers the page version between commits (pageversion.go);
	// nil in a read-only snapshot.
	pages *pageVersions
	// snap, when set, is the read-only transaction a ReadSnapshot store
	// reads through.
	snap *sql.Tx
}

// Open connects to the database that dsn names: a postgres:// or
// postgresql:// URL selects PostgreSQL; anything else is taken as the path
// of an SQLite file, created if missing. It does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if IsPostgresURL(dsn) {
		return openPostgres(ctx, dsn)
	}
	if strings.Contains(dsn, "://") {
		return nil, fmt.Errorf("database %q: only postgres:// URLs and SQLite file paths are supported",
			redactURL(dsn))
	}
	return openSQLite(ctx, dsn)
}

// redactURL hides a password in a URL for messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(unreadable address)"
}

// IsPostgresURL reports whether dsn names a PostgreSQL database.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}

	// busy_timeout comes first so that switching to WAL waits for other
	// connections instead of failing. Write transactions take the lock at
	// BEGIN (immediate) so two writers never deadlock on an upgrade. Each
	// connection keeps 512 KB of pages instead of SQLite's 2 MB: the
	// operating system caches the file for all of them, and eight full
	// caches were a sixth of a busy hub's memory.
	dsn := "file:" + path + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(ON)" +
		"&_pragma=cache_size(-512)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)

	// The first connection may switch the file to WAL, which SQLite does
	// not wait for; starts of several processes take turns.
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	err = db.PingContext(ctx)
	unlock()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &Store{db: db, backend: SQLite, path: path, pages: &pageVersions{}}, nil
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)

	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &Store{db: db, backend: Postgres, pages: &pageVersions{}}, nil
}

// Backend tells which database engine s uses.
func (s *Store) Backend() Backend { return s.backend }

// DB returns the underlying handle, for tools that copy whole tables.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrations returns the migration files of a backend.
func Migrations(b Backend) (fs.FS, error) {
	return fs.Sub(migrations, "migrations/"+string(b))
}

// Migrate brings the schema up to date. On PostgreSQL it holds an advisory
// lock while it works, so instances starting together apply each migration
// once. It refuses a database whose schema is newer than this binary knows.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	fsys, err := Migrations(s.backend)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithSlog(log), goose.WithDisableGlobalRegistry(true)}
	if s.backend == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}

	if s.backend == SQLite {
		unlock, err := lockFile(s.path + ".lock")
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer unlock()
	}

	p, err := goose.NewProvider(dialect, s.db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if current > target {
		return fmt.Errorf("migrate: database schema %d is newer than this program's %d", current, target)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q wraps a querier with the backend's placeholder style.
type q struct {
	x       querier
	backend Backend
	// committed, outside a transaction, records each statement exec
	// runs as a commit that may move the page version.
	committed func()
}

func (s *Store) q() q {
	if s.snap != nil {
		return q{x: s.snap, backend: s.backend}
	}
	return q{x: s.db, backend: s.backend, committed: s.committed}
}

func (c q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := c.x.ExecContext(ctx, c.rebind(query), args...)
	if c.committed != nil {
		c.committed() // also after an error: the statement may have run
	}
	return res, err
}

func (c q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.x.QueryContext(ctx, c.rebind(query), args...)
}

func (c q) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.x.QueryRowContext(ctx, c.rebind(query), args...)
}

// forUpdate locks the rows a SELECT reads until the transaction ends, on
// PostgreSQL; SQLite has one writer at a time anyway.
func (c q) forUpdate() string {
	if c.backend == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (c q) rebind(query string) string {
	if c.backend != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// inTx runs fn in a transaction, committing when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(c q) error) error {
	if s.snap != nil {
		return errors.New("storage: a snapshot is read-only")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(q{x: tx, backend: s.backend}); err != nil {
		_ = tx.Rollback() // the error from fn is the one that matters
		return err
	}
	err = tx.Commit()
	s.committed() // also after an error: the commit may have reached the database
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// millis converts a time to what the database stores.
func millis(t time.Time) int64 { return t.UnixMilli() }

// nullMillis stores the zero time as NULL.
func nullMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMillis converts a stored time back, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func fromNullMillis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromMillis(n.Int64)
}

// nullID stores 0 as NULL for optional references.
func nullID(id int64) sql.NullInt64 {
	return sql.NullInt64{Int64: id, Valid: id != 0}
}

// isUniqueViolation reports whether err says a unique constraint failed.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || // SQLite
		strings.Contains(msg, "SQLSTATE 23505") // PostgreSQL
}
