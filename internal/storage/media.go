package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/bindeled/bindeled/internal/material"
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
	UploadedBy  int64 // 0 for the starter collection and older files
}

// CreateMedia records a stored file and sets its ID. An image gets a job
// that makes its renditions, in the same transaction.
func (s *Store) CreateMedia(ctx context.Context, m *Media) error {
	m.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	err := s.inTx(ctx, func(c q) error {
		err := c.queryRow(ctx, `
			INSERT INTO media (key, class, content_type, size, width, height, name, created_at, uploaded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.Key, m.Class, m.ContentType, m.Size, m.Width, m.Height, m.Name, millis(m.CreatedAt),
			nullID(m.UploadedBy),
		).Scan(&m.ID)
		if err != nil || m.Class != "image" {
			return err
		}
		return planRenditions(ctx, c, m.ID, millis(m.CreatedAt))
	})
	if err != nil {
		return fmt.Errorf("create media %s: %w", m.Key, err)
	}
	return nil
}

const mediaColumns = `id, key, class, content_type, size, width, height, name, created_at, uploaded_by`

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
	var by sql.NullInt64
	err := s.q().queryRow(ctx, `SELECT `+mediaColumns+` FROM media WHERE withdrawn_at IS NULL AND `+cond, arg).
		Scan(&m.ID, &m.Key, &m.Class, &m.ContentType, &m.Size, &m.Width, &m.Height, &m.Name, &created, &by)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("media %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("media %v: %w", arg, err)
	}
	m.CreatedAt, m.UploadedBy = fromMillis(created), by.Int64
	return &m, nil
}

// MediaByIDs returns the media records with the given IDs, keyed by ID.
func (s *Store) MediaByIDs(ctx context.Context, ids []int64) (map[int64]*Media, error) {
	ms, err := s.mediaWhereIn(ctx, "id", int64Args(dedupe(ids)))
	if err != nil {
		return nil, fmt.Errorf("media by ids: %w", err)
	}
	out := make(map[int64]*Media, len(ms))
	for _, m := range ms {
		out[m.ID] = m
	}
	return out, nil
}

// MediaByKeys returns the media records stored under the given keys,
// keyed by key.
func (s *Store) MediaByKeys(ctx context.Context, keys []string) (map[string]*Media, error) {
	keys = dedupe(keys)
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	ms, err := s.mediaWhereIn(ctx, "key", args)
	if err != nil {
		return nil, fmt.Errorf("media by keys: %w", err)
	}
	out := make(map[string]*Media, len(ms))
	for _, m := range ms {
		out[m.Key] = m
	}
	return out, nil
}

// mediaWhereIn returns the media records, not withdrawn, whose column
// (id or key) is one of values.
func (s *Store) mediaWhereIn(ctx context.Context, column string, values []any) ([]*Media, error) {
	if len(values) == 0 {
		return nil, nil
	}
	rows, err := s.q().query(ctx, `SELECT `+mediaColumns+` FROM media WHERE withdrawn_at IS NULL AND `+
		column+` IN (`+placeholders(len(values))+`)`, values...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Media
	for rows.Next() {
		var m Media
		var created int64
		var by sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Key, &m.Class, &m.ContentType, &m.Size, &m.Width, &m.Height,
			&m.Name, &created, &by); err != nil {
			return nil, err
		}
		m.CreatedAt, m.UploadedBy = fromMillis(created), by.Int64
		out = append(out, &m)
	}
	return out, rows.Err()
}

// MediaIsPublic reports whether a media file may be shown to anyone: it
// belongs to a published material (its body's images included), is a
// school's logo or is the hub's logo.
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
			SELECT i.material_id FROM material_inline_media i JOIN materials m ON m.id = i.material_id
			WHERE m.status = ? AND i.media_id = ?
			UNION ALL
			SELECT id FROM schools WHERE logo_id = ?
		) refs`,
		"published", id, id, id, id, "published", id, "published", id, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("media %d public: %w", id, err)
	}
	return n > 0, nil
}

// WithdrawMedia marks a file withdrawn, for instance when a guardian
// withdraws consent: it is taken off every material and pending version
// that uses it, is never served or listed again, its renditions are
// forgotten, and the caller deletes the stored bytes of both. It returns the ids of the materials it was taken off.
func (s *Store) WithdrawMedia(ctx context.Context, id int64) ([]int64, error) {
	var affected []int64
	err := s.inTx(ctx, func(c q) error {
		res, err := c.exec(ctx, `UPDATE media SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL`,
			millis(time.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		pending, err := collectIDs(ctx, c, `SELECT material_id FROM pending_versions`)
		if err != nil {
			return err
		}
		if affected, err = collectIDs(ctx, c, `
			SELECT id FROM materials WHERE cover_id = ? OR video_id = ? OR captions_id = ? OR poster_id = ?
			UNION SELECT material_id FROM attachments WHERE media_id = ?
			UNION SELECT material_id FROM material_inline_media WHERE media_id = ?`,
			id, id, id, id, id, id); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE materials SET cover_alt = '' WHERE cover_id = ?`, id); err != nil {
			return err
		}
		for _, col := range []string{"cover_id", "video_id", "captions_id", "poster_id"} {
			if _, err := c.exec(ctx, `UPDATE materials SET `+col+` = NULL, version = version + 1 WHERE `+col+` = ?`,
				id); err != nil {
				return err
			}
		}
		if _, err := c.exec(ctx, `DELETE FROM attachments WHERE media_id = ?`, id); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM material_inline_media WHERE media_id = ?`, id); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM media_renditions WHERE media_id = ?`, id); err != nil {
			return err
		}
		for _, mid := range pending {
			changed, err := dropFromPending(ctx, c, mid, id)
			if err != nil {
				return err
			}
			if changed && !slices.Contains(affected, mid) {
				affected = append(affected, mid)
			}
		}
		return nil
	})
	return affected, err
}

// dropFromPending takes a withdrawn file off a material's pending version.
func dropFromPending(ctx context.Context, c q, materialID, mediaID int64) (bool, error) {
	var data string
	err := c.queryRow(ctx, `SELECT data FROM pending_versions WHERE material_id = ?`, materialID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var m material.Material
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return false, err
	}
	if !m.DropMedia(mediaID) {
		return false, nil
	}
	b, err := json.Marshal(&m)
	if err != nil {
		return false, err
	}
	_, err = c.exec(ctx, `UPDATE pending_versions SET data = ? WHERE material_id = ?`, string(b), materialID)
	return true, err
}

func collectIDs(ctx context.Context, c q, query string, args ...any) ([]int64, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MediaUse is a material that uses a file.
type MediaUse struct {
	MaterialID int64
	SchoolID   int64
	Status     material.Status
}

// MediaUses lists the materials whose live version uses a file.
func (s *Store) MediaUses(ctx context.Context, mediaID int64) ([]MediaUse, error) {
	rows, err := s.q().query(ctx, `
		SELECT id, COALESCE(school_id, 0), status FROM materials
		WHERE cover_id = ? OR video_id = ? OR captions_id = ? OR poster_id = ?
		UNION
		SELECT m.id, COALESCE(m.school_id, 0), m.status FROM attachments a JOIN materials m ON m.id = a.material_id
		WHERE a.media_id = ?
		UNION
		SELECT m.id, COALESCE(m.school_id, 0), m.status
		FROM material_inline_media i JOIN materials m ON m.id = i.material_id
		WHERE i.media_id = ?`, mediaID, mediaID, mediaID, mediaID, mediaID, mediaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MediaUse
	for rows.Next() {
		var u MediaUse
		if err := rows.Scan(&u.MaterialID, &u.SchoolID, &u.Status); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
