package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// JobRenditions is the kind of job that makes the smaller copies of an
// image. Its key is JobRenditions + ":" + the media id.
const JobRenditions = "renditions"

// Rendition is a smaller copy of an image, or the image in another
// format, kept in the media store under Key.
type Rendition struct {
	Key         string
	MediaID     int64
	ContentType string
	Width       int
	Height      int
	Size        int64
}

// renditionsJobKey is the de-duplication key of an image's renditions job.
func renditionsJobKey(mediaID int64) string {
	return JobRenditions + ":" + strconv.FormatInt(mediaID, 10)
}

// planRenditions plans the renditions job of a newly stored image.
func planRenditions(ctx context.Context, c q, mediaID int64, at int64) error {
	if _, err := c.exec(ctx, `
		INSERT INTO jobs (kind, dedupe_key, run_at) VALUES (?, ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		JobRenditions, renditionsJobKey(mediaID), at); err != nil {
		return fmt.Errorf("plan renditions of media %d: %w", mediaID, err)
	}
	return nil
}

// PlanMissingRenditions plans the renditions job of every image that has
// no renditions and never had a job for them, such as the images of a
// hub from before renditions or of a restored copy. It returns how many
// it planned.
func (s *Store) PlanMissingRenditions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.q().exec(ctx, `
		INSERT INTO jobs (kind, dedupe_key, run_at)
		SELECT ?, ? || CAST(m.id AS TEXT), ? FROM media m
		WHERE m.class = 'image' AND m.withdrawn_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM media_renditions r WHERE r.media_id = m.id)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		JobRenditions, JobRenditions+":", millis(now))
	if err != nil {
		return 0, fmt.Errorf("plan missing renditions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// SaveRenditions records the renditions of an image, in place of any it
// had. It records nothing and returns false when the image is withdrawn
// or gone, and the caller then deletes the stored copies. On PostgreSQL
// the image's row is share-locked, so a withdrawal waits for the save
// and then deletes what it saved, or the save sees the withdrawal.
func (s *Store) SaveRenditions(ctx context.Context, mediaID int64, rs []Rendition) (bool, error) {
	lock := ""
	if s.backend == Postgres {
		lock = " FOR SHARE"
	}
	saved := false
	err := s.inTx(ctx, func(c q) error {
		var id int64
		err := c.queryRow(ctx, `SELECT id FROM media WHERE id = ? AND withdrawn_at IS NULL`+lock, mediaID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM media_renditions WHERE media_id = ?`, mediaID); err != nil {
			return err
		}
		for _, r := range rs {
			if _, err := c.exec(ctx, `
				INSERT INTO media_renditions (key, media_id, content_type, width, height, size)
				VALUES (?, ?, ?, ?, ?, ?)`,
				r.Key, mediaID, r.ContentType, r.Width, r.Height, r.Size); err != nil {
				return err
			}
		}
		saved = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("save renditions of media %d: %w", mediaID, err)
	}
	return saved, nil
}

// RenditionsOf returns the renditions of the given images that are not
// withdrawn, keyed by media id, each list by content type and width.
func (s *Store) RenditionsOf(ctx context.Context, ids []int64) (map[int64][]Rendition, error) {
	out := map[int64][]Rendition{}
	ids = dedupe(ids)
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.q().query(ctx, `
		SELECT r.key, r.media_id, r.content_type, r.width, r.height, r.size
		FROM media_renditions r JOIN media m ON m.id = r.media_id
		WHERE m.withdrawn_at IS NULL AND r.media_id IN (`+placeholders(len(ids))+`)
		ORDER BY r.media_id, r.content_type, r.width`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("renditions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Rendition
		if err := rows.Scan(&r.Key, &r.MediaID, &r.ContentType, &r.Width, &r.Height, &r.Size); err != nil {
			return nil, fmt.Errorf("renditions: %w", err)
		}
		out[r.MediaID] = append(out[r.MediaID], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("renditions: %w", err)
	}
	return out, nil
}

// RenditionByKey returns the rendition stored under key, while its
// original is not withdrawn.
func (s *Store) RenditionByKey(ctx context.Context, key string) (*Rendition, error) {
	var r Rendition
	err := s.q().queryRow(ctx, `
		SELECT r.key, r.media_id, r.content_type, r.width, r.height, r.size
		FROM media_renditions r JOIN media m ON m.id = r.media_id
		WHERE m.withdrawn_at IS NULL AND r.key = ?`, key).
		Scan(&r.Key, &r.MediaID, &r.ContentType, &r.Width, &r.Height, &r.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("rendition %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("rendition %s: %w", key, err)
	}
	return &r, nil
}
