package storage

import (
	"context"
	"fmt"
	"strings"
)

// table describes a table for copying between backends.
type table struct {
	name    string
	columns []string
	key     string          // the columns that order its rows
	bools   map[string]bool // columns that are BOOLEAN on PostgreSQL, INTEGER on SQLite
	serial  bool            // has an identity id whose sequence must follow
	blobs   map[string]bool // columns of bytes
	// replace: a new database has rows of its own here, which the copied
	// ones replace.
	replace bool
}

// tables lists every table in an order that respects the foreign keys.
// TestCopyCoversEveryTable fails when a table is missing here.
var tables = []table{
	{name: "settings", columns: []string{"key", "value"}, key: "key", replace: true},
	{name: "users", columns: []string{"id", "email", "name", "role", "password_hash", "active", "created_at"},
		key: "id", serial: true, bools: map[string]bool{"active": true}},
	{name: "media", columns: []string{"id", "key", "class", "content_type", "size", "width", "height", "name",
		"created_at", "withdrawn_at", "uploaded_by"}, key: "id", serial: true},
	{name: "schools", columns: []string{"id", "slug", "name", "short_name", "url", "logo_id"}, key: "id", serial: true},
	{name: "themes", columns: []string{"id", "slug", "name", "description"}, key: "id", serial: true},
	{name: "user_schools", columns: []string{"user_id", "school_id"}, key: "user_id, school_id"},
	{name: "sessions", columns: []string{"id_hash", "user_id", "created_at", "expires_at"}, key: "id_hash"},
	{name: "rate_limits", columns: []string{"bucket", "key_hash", "window_end", "attempts"},
		key: "bucket, key_hash, window_end"},
	{name: "setup_tokens", columns: []string{"token_hash", "purpose", "email", "role", "expires_at", "used_at"},
		key: "token_hash"},
	{name: "materials", columns: []string{"id", "kind", "title", "slug", "summary", "body", "school_id", "language",
		"status", "featured", "cover_id", "cover_alt", "video_id", "captions_id", "poster_id", "external_url",
		"transcript", "link_url", "link_publisher", "search_text", "created_at", "updated_at", "published_at",
		"scheduled_at", "schedule_problem", "version", "created_by", "consent", "unpublish_at"},
		key: "id", serial: true, bools: map[string]bool{"featured": true}},
	{name: "material_audiences", columns: []string{"material_id", "audience"}, key: "material_id, audience"},
	{name: "material_grades", columns: []string{"material_id", "grade"}, key: "material_id, grade"},
	{name: "material_themes", columns: []string{"material_id", "theme_id"}, key: "material_id, theme_id"},
	{name: "attachments", columns: []string{"material_id", "position", "media_id", "title"},
		key: "material_id, position"},
	{name: "slug_redirects", columns: []string{"old_slug", "material_id"}, key: "old_slug"},
	{name: "audit_log", columns: []string{"id", "at", "user_id", "user_email", "action", "subject", "client"},
		key: "id", serial: true},
	{name: "jobs", columns: []string{"id", "kind", "dedupe_key", "material_id", "run_at", "claimed_until",
		"attempts", "last_error", "done_at"}, key: "id", serial: true},
	{name: "material_transitions", columns: []string{"id", "material_id", "from_status", "to_status", "user_id",
		"message", "at"}, key: "id", serial: true},
	{name: "material_revisions", columns: []string{"id", "material_id", "number", "data", "user_id", "at", "pending"},
		key: "id", serial: true},
	{name: "review_rounds", columns: []string{"id", "material_id", "deadline", "revision", "created_by",
		"created_at", "closed_at"}, key: "id", serial: true},
	{name: "review_reviewers", columns: []string{"round_id", "user_id", "verdict", "message", "revision",
		"answered_at"}, key: "round_id, user_id"},
	{name: "comments", columns: []string{"id", "material_id", "round_id", "parent_id", "user_id", "paragraph",
		"body", "created_at", "resolved_at", "resolved_by"}, key: "id", serial: true},
	{name: "search_postings", columns: []string{"word", "block", "ids"}, key: "word, block",
		blobs: map[string]bool{"ids": true}},
	{name: "search_words", columns: []string{"word", "stem", "loose", "tail"}, key: "word"},
	{name: "search_synonyms", columns: []string{"id", "words"}, key: "id", serial: true},
	{name: "search_misses", columns: []string{"query", "count", "last_at"}, key: "query"},
	{name: "pending_versions", columns: []string{"material_id", "data", "status", "user_id", "updated_at"},
		key: "material_id"},
	{name: "user_tokens", columns: []string{"token_hash", "user_id", "purpose", "created_at", "expires_at", "used_at"},
		key: "token_hash"},
	{name: "notifications", columns: []string{"id", "user_id", "kind", "material_id", "material_title", "actor_id",
		"actor_name", "message", "created_at", "read_at"}, key: "id", serial: true},
	{name: "mail_optouts", columns: []string{"user_id", "kind"}, key: "user_id, kind"},
	{name: "mails", columns: []string{"id", "to_addr", "subject", "body", "created_at", "sent_at"},
		key: "id", serial: true},
	{name: "channel_visits", columns: []string{"material_id", "channel", "day", "visits"},
		key: "material_id, channel, day"},

	{name: "social_channels", columns: []string{"id", "platform", "name", "target", "url", "token",
		"token_expires_at", "warned_for", "created_by", "created_at", "updated_at"}, key: "id", serial: true},
	{name: "social_posts", columns: []string{"id", "material_id", "channel_id", "text", "mode", "state", "run_at",
		"site_url", "remote_id", "remote_url", "problem", "attempts", "created_by", "created_at", "updated_at",
		"sending_at", "sent_at"}, key: "id", serial: true},
	{name: "social_grants", columns: []string{"id", "state_hash", "session_hash", "user_id", "platform", "choices",
		"created_at", "expires_at"}, key: "id", serial: true},

	{name: "import_items", columns: []string{"source", "key", "material_id", "hash"}, key: "source, key"},
	{name: "import_files", columns: []string{"source", "key", "media_id", "hash"}, key: "source, key"},
	{name: "old_paths", columns: []string{"path", "material_id"}, key: "path"},
	{name: "material_inline_media", columns: []string{"material_id", "media_id"}, key: "material_id, media_id"},
	{name: "media_renditions", columns: []string{"key", "media_id", "content_type", "width", "height", "size"},
		key: "key"},
	{name: "user_totp", columns: []string{"user_id", "secret", "confirmed_at", "last_step"}, key: "user_id"},
	{name: "recovery_codes", columns: []string{"user_id", "code_hash", "used_at"}, key: "user_id, code_hash"},
	{name: "login_challenges", columns: []string{"id_hash", "user_id", "next", "failures", "created_at",
		"expires_at"}, key: "id_hash"},
}

// ownTables are kept by each database for itself and not copied: the
// content and page counters of the target move as the rows arrive.
var ownTables = []string{"content_state", "page_state"}

// KnownTables lists every table of the schema: those Copy moves and
// those each database keeps for itself.
func KnownTables() []string { return append(TableNames(), ownTables...) }

// TableNames lists the tables Copy moves, in the order it moves them.
func TableNames() []string {
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = t.name
	}
	return out
}

// Copy moves every row of from into to, which must be migrated to the same
// schema version and empty. It runs in one transaction on to: either the
// whole hub arrives or nothing does. It returns the rows copied per table.
func Copy(ctx context.Context, from, to *Store) (map[string]int, error) {
	if err := sameVersion(ctx, from, to); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	err := to.inTx(ctx, func(c q) error {
		for _, t := range tables {
			var n int
			if err := c.queryRow(ctx, `SELECT COUNT(*) FROM `+t.name).Scan(&n); err != nil {
				return fmt.Errorf("count %s: %w", t.name, err)
			}
			if n > 0 && !t.replace {
				return fmt.Errorf("the target is not empty: %s has %d rows", t.name, n)
			}
		}
		for _, t := range tables {
			// A new hub keeps a server secret and one-time markers in its
			// settings; the copied hub's settings replace them.
			if t.replace {
				if _, err := c.exec(ctx, `DELETE FROM `+t.name); err != nil {
					return err
				}
			}
			n, err := copyTable(ctx, from, c, t)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			counts[t.name] = n
		}
		if to.backend == Postgres {
			return resetSequences(ctx, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copy database: %w", err)
	}
	return counts, nil
}

func sameVersion(ctx context.Context, a, b *Store) error {
	va, err := a.schemaVersion(ctx)
	if err != nil {
		return err
	}
	vb, err := b.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if va != vb {
		return fmt.Errorf("copy database: schema versions differ (%d and %d)", va, vb)
	}
	return nil
}

func (s *Store) schemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.q().queryRow(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

func copyTable(ctx context.Context, from *Store, to q, t table) (int, error) {
	rows, err := from.TableRows(ctx, t.name)
	if err != nil {
		return 0, err
	}
	insert := `INSERT INTO ` + t.name + ` (` + strings.Join(t.columns, ", ") + `) VALUES (` +
		placeholders(len(t.columns)) + `)`
	for _, row := range rows {
		args := make([]any, len(row))
		for i, v := range row {
			args[i] = toBackend(v, t.bools[t.columns[i]], to.backend)
			if s, ok := v.(string); ok && t.blobs[t.columns[i]] {
				args[i] = []byte(s)
			}
		}
		if _, err := to.exec(ctx, insert, args...); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// toBackend converts a neutral value (see TableRows) for the target.
func toBackend(v any, isBool bool, b Backend) any {
	if !isBool || v == nil {
		return v
	}
	n, _ := v.(int64)
	if b == Postgres {
		return n != 0
	}
	return n
}

func resetSequences(ctx context.Context, c q) error {
	for _, t := range tables {
		if !t.serial {
			continue
		}
		_, err := c.exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t.name+`', 'id'),
			COALESCE((SELECT MAX(id) FROM `+t.name+`), 0) + 1, false)`)
		if err != nil {
			return fmt.Errorf("reset sequence of %s: %w", t.name, err)
		}
	}
	return nil
}

// TableRows returns every row of a table in key order, with values in a
// form that does not depend on the backend: text as string, numbers as
// int64, booleans as 0 or 1, NULL as nil.
func (s *Store) TableRows(ctx context.Context, name string) ([][]any, error) {
	var t *table
	for i := range tables {
		if tables[i].name == name {
			t = &tables[i]
		}
	}
	if t == nil {
		return nil, fmt.Errorf("unknown table %q", name)
	}
	rows, err := s.q().query(ctx, `SELECT `+strings.Join(t.columns, ", ")+` FROM `+t.name+` ORDER BY `+t.key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out [][]any
	for rows.Next() {
		vals := make([]any, len(t.columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			vals[i] = neutral(v)
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

func neutral(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	}
	return v
}

// SchemaTables lists the tables that exist in the database, apart from the
// migration tool's own.
func (s *Store) SchemaTables(ctx context.Context) ([]string, error) {
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name`
	if s.backend == Postgres {
		query = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := s.q().query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if n != "goose_db_version" {
			out = append(out, n)
		}
	}
	return out, rows.Err()
}
