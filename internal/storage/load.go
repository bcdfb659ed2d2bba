package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/material"
)

// AllMaterials returns every material in every status, with its lists,
// ordered by slug. Exports read the hub through it.
func (s *Store) AllMaterials(ctx context.Context) ([]*material.Material, error) {
	ms, err := s.materialsWhere(ctx, `1 = 1 ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("read every material: %w", err)
	}
	return ms, nil
}

// TableColumns returns the columns of a table Copy moves, in the order
// TableRows gives their values.
func TableColumns(name string) ([]string, error) {
	t, err := findTable(name)
	if err != nil {
		return nil, err
	}
	return slices.Clone(t.columns), nil
}

func findTable(name string) (*table, error) {
	for i := range tables {
		if tables[i].name == name {
			return &tables[i], nil
		}
	}
	return nil, fmt.Errorf("unknown table %q", name)
}

// Loader writes a hub's content row by row inside one transaction. It is
// what restoring an export uses: the rows keep the values they are given
// (times, versions, slugs) instead of what a save would set.
type Loader struct {
	ctx context.Context
	c   q
}

// Load runs fn with a Loader in one transaction, committed when fn
// returns nil, so a restore arrives whole or not at all.
func (s *Store) Load(ctx context.Context, fn func(l *Loader) error) error {
	return s.inTx(ctx, func(c q) error { return fn(&Loader{ctx: ctx, c: c}) })
}

// Count returns how many rows a table has.
func (l *Loader) Count(name string) (int, error) {
	if _, err := findTable(name); err != nil {
		return 0, err
	}
	var n int
	if err := l.c.queryRow(l.ctx, `SELECT COUNT(*) FROM `+name).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", name, err)
	}
	return n, nil
}

// Lookup returns the id of the row of a table whose column has value, or
// 0 when there is none.
func (l *Loader) Lookup(name, column string, value any) (int64, error) {
	t, err := findTable(name)
	if err != nil {
		return 0, err
	}
	if !slices.Contains(t.columns, column) || !slices.Contains(t.columns, "id") {
		return 0, fmt.Errorf("look up %s by %s: no such column", name, column)
	}
	var id int64
	err = l.c.queryRow(l.ctx, `SELECT id FROM `+name+` WHERE `+column+` = ?`, value).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("look up %s by %s: %w", name, column, err)
	}
	return id, nil
}

// Insert adds a row to a table and returns its new id, or 0 for a table
// without one. Values may be strings, integers, booleans, times (the zero
// time is NULL) and nil; an id column is never given, the database makes
// it.
func (l *Loader) Insert(name string, row map[string]any) (int64, error) {
	t, cols, args, err := l.values(name, row)
	if err != nil {
		return 0, err
	}
	query := `INSERT INTO ` + name + ` (` + strings.Join(cols, ", ") + `) VALUES (` + placeholders(len(cols)) + `)`
	if !t.serial {
		if _, err := l.c.exec(l.ctx, query, args...); err != nil {
			return 0, fmt.Errorf("insert into %s: %w", name, err)
		}
		return 0, nil
	}
	var id int64
	if err := l.c.queryRow(l.ctx, query+` RETURNING id`, args...).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert into %s: %w", name, err)
	}
	return id, nil
}

// Update sets the given columns of the row of a table with id.
func (l *Loader) Update(name string, id int64, row map[string]any) error {
	_, cols, args, err := l.values(name, row)
	if err != nil {
		return err
	}
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + ` = ?`
	}
	args = append(args, id)
	if _, err := l.c.exec(l.ctx, `UPDATE `+name+` SET `+strings.Join(set, ", ")+` WHERE id = ?`, args...); err != nil {
		return fmt.Errorf("update %s %d: %w", name, id, err)
	}
	return nil
}

// values checks a row's columns against the table and converts its values
// for the backend, in a stable column order.
func (l *Loader) values(name string, row map[string]any) (*table, []string, []any, error) {
	t, err := findTable(name)
	if err != nil {
		return nil, nil, nil, err
	}
	cols := make([]string, 0, len(row))
	for c := range row {
		if c == "id" || !slices.Contains(t.columns, c) {
			return nil, nil, nil, fmt.Errorf("write %s: column %q cannot be given", name, c)
		}
		cols = append(cols, c)
	}
	sort.Strings(cols)
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = l.value(row[c], t.bools[c])
	}
	return t, cols, args, nil
}

func (l *Loader) value(v any, isBool bool) any {
	switch x := v.(type) {
	case time.Time:
		return nullMillis(x)
	case bool:
		if l.c.backend == Postgres || !isBool {
			return x
		}
		if x {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// InsertMaterial adds m as it is: its slug, status, times, version,
// consent answers and lists, with the search text made from it. It sets
// m.ID.
func (l *Loader) InsertMaterial(m *material.Material) error {
	err := l.c.queryRow(l.ctx, `
		INSERT INTO materials (kind, title, slug, summary, body, school_id, language, status,
		       featured, cover_id, cover_alt, video_id, captions_id, poster_id, external_url,
		       transcript, link_url, link_publisher, search_text, created_at, updated_at,
		       published_at, scheduled_at, schedule_problem, version, created_by, consent, unpublish_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		m.Kind, m.Title, m.Slug, m.Summary, m.Body, nullID(m.SchoolID), m.Language, m.Status,
		m.Featured, nullID(m.CoverID), m.CoverAlt, nullID(m.VideoID), nullID(m.CaptionsID),
		nullID(m.PosterID), m.ExternalURL, m.Transcript, m.LinkURL, m.LinkPublisher,
		searchText(m), millis(m.CreatedAt), millis(m.UpdatedAt), nullMillis(m.PublishedAt),
		nullMillis(m.ScheduledAt), m.ScheduleProblem, m.Version, nullID(m.CreatedBy), consentJSON(m.Consent),
		nullMillis(m.UnpublishAt),
	).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("insert material %s: %w", m.Slug, err)
	}
	if err := writeRelations(l.ctx, l.c, m); err != nil {
		return fmt.Errorf("material %s: %w", m.Slug, err)
	}
	return nil
}

// InsertIgnore adds a row to a table without an id unless a row with the
// same key is there already.
func (l *Loader) InsertIgnore(name string, row map[string]any) error {
	t, cols, args, err := l.values(name, row)
	if err != nil {
		return err
	}
	if t.serial {
		return fmt.Errorf("insert into %s: only for tables without an id", name)
	}
	query := `INSERT INTO ` + name + ` (` + strings.Join(cols, ", ") + `) VALUES (` + placeholders(len(cols)) +
		`) ON CONFLICT DO NOTHING`
	if _, err := l.c.exec(l.ctx, query, args...); err != nil {
		return fmt.Errorf("insert into %s: %w", name, err)
	}
	return nil
}

// PutSetting stores a setting, replacing its value.
func (l *Loader) PutSetting(key, value string) error {
	_, err := l.c.exec(l.ctx, `
		INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}

// ReadSnapshot runs fn with a store that reads one consistent state of
// the database, in a read-only transaction: what others save meanwhile is
// not seen, and nothing can be written through it. Exports read through
// it, so a material and its comments and history agree.
func (s *Store) ReadSnapshot(ctx context.Context, fn func(st *Store) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.backend == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin a read: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read-only: nothing to keep
	return fn(&Store{db: s.db, backend: s.backend, path: s.path, snap: tx})
}
