package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Media is the record of a stored file; the bytes live in the media store
// under Key.
type Media struct {
	ID          int64
	Key         string
	Class       string
	ContentType string
	Size        int64
	Width       int
	Height      int
	Name        string // a display name, never used as a path
	CreatedAt   time.Time
}

// CreateMedia records a stored file and sets its ID.
func (s *Store) CreateMedia(ctx context.Context, m *Media) error {
	m.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	err := s.q().queryRow(ctx, `
		INSERT INTO media (key, class, content_type, size, width, height, name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.Key, m.Class, m.ContentType, m.Size, m.Width, m.Height, m.Name, millis(m.CreatedAt),
	).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("create media %s: %w", m.Key, err)
	}
	return nil
}

const mediaColumns = `id, key, class, content_type, size, width, height, name, created_at`

// GetMedia returns the media record with the given ID.
func (s *Store) GetMedia(ctx context.Context, id int64) (*Media, error) {
	return s.mediaWhere(ctx, `id = ?`, id)
}

// MediaByKey returns the media record stored under key.
func (s *Store) MediaByKey(ctx context.Context, key string) (*Media, error) {
	return s.mediaWhere(ctx, `key = ?`, key)
}

func (s *Store) mediaWhere(ctx context.Context, cond string, arg any) (*Media, error) {
	var m Media
	var created int64
	err := s.q().queryRow(ctx, `SELECT `+mediaColumns+` FROM media WHERE `+cond, arg).
		Scan(&m.ID, &m.Key, &m.Class, &m.ContentType, &m.Size, &m.Width, &m.Height, &m.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("media %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("media %v: %w", arg, err)
	}
	m.CreatedAt = fromMillis(created)
	return &m, nil
}

// MediaByIDs returns the media records with the given IDs, keyed by ID.
func (s *Store) MediaByIDs(ctx context.Context, ids []int64) (map[int64]*Media, error) {
	out := map[int64]*Media{}
	ids = dedupe(ids)
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.q().query(ctx, `SELECT `+mediaColumns+` FROM media WHERE id IN (`+
		placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("media by ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m Media
		var created int64
		if err := rows.Scan(&m.ID, &m.Key, &m.Class, &m.ContentType, &m.Size, &m.Width, &m.Height,
			&m.Name, &created); err != nil {
			return nil, fmt.Errorf("media by ids: %w", err)
		}
		m.CreatedAt = fromMillis(created)
		out[m.ID] = &m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("media by ids: %w", err)
	}
	return out, nil
}

// MediaIsPublic reports whether a media file may be shown to anyone: it
// belongs to a published material, is a school's logo or is the hub's logo.
// Files of drafts stay private however their key becomes known.
func (s *Store) MediaIsPublic(ctx context.Context, id int64, brandLogoID int64) (bool, error) {
	if id == brandLogoID {
		return true, nil
	}
	var n int
	err := s.q().queryRow(ctx, `
		SELECT COUNT(*) FROM (
			SELECT id FROM materials
			WHERE status = ? AND (cover_id = ? OR video_id = ? OR captions_id = ? OR poster_id = ?)
			UNION ALL
			SELECT a.material_id FROM attachments a JOIN materials m ON m.id = a.material_id
			WHERE m.status = ? AND a.media_id = ?
			UNION ALL
			SELECT id FROM schools WHERE logo_id = ?
		) refs`,
		"published", id, id, id, id, "published", id, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("media %d public: %w", id, err)
	}
	return n > 0, nil
}
