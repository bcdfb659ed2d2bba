package storage

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// SnapshotTo writes a consistent copy of the whole database, as it stands
// at one moment, into a new SQLite file at path while the hub keeps
// serving. On SQLite it is the online VACUUM INTO, one read transaction
// that writers do not wait for; on PostgreSQL every table is read in one
// repeatable-read transaction and copied into the new file (see Copy).
func (s *Store) SnapshotTo(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("snapshot to %s: the file exists", path)
	}
	if s.backend == SQLite {
		if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
			return fmt.Errorf("snapshot to %s: %w", path, err)
		}
		return nil
	}

	dst, err := Open(ctx, path)
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	defer dst.Close()
	if err := dst.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	err = s.ReadSnapshot(ctx, func(snap *Store) error {
		_, err := Copy(ctx, snap, dst)
		return err
	})
	if err != nil {
		return fmt.Errorf("snapshot to %s: %w", path, err)
	}
	return dst.Checkpoint(ctx)
}

// Checkpoint moves everything in an SQLite file's write-ahead log into the
// file itself, so the file alone holds the database. It does nothing on
// PostgreSQL.
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.backend != SQLite {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// SchemaVersion returns the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) { return s.schemaVersion(ctx) }

// IntegrityCheck runs SQLite's full integrity check and returns an error
// naming the problems it finds. PostgreSQL has no such check; it returns
// nil there.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.backend != SQLite {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}

// StoredKeys lists the media keys the database expects in the media store:
// every file not withdrawn and every rendition.
func (s *Store) StoredKeys(ctx context.Context) ([]string, error) {
	rows, err := s.q().query(ctx, `
		SELECT key FROM media WHERE withdrawn_at IS NULL
		UNION
		SELECT key FROM media_renditions
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("stored keys: %w", err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("stored keys: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
