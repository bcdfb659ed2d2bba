package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PublishedPage is a published material's address and when it last
// changed, for the sitemap.
type PublishedPage struct {
	ID       int64
	Slug     string
	Modified time.Time // the later of its publication and its last save
}

// PublishedPages lists every published material's address and date, in
// the order of their ids.
func (s *Store) PublishedPages(ctx context.Context) ([]PublishedPage, error) {
	rows, err := s.q().query(ctx, `
		SELECT id, slug, updated_at, published_at
		FROM materials
		WHERE status = ?
		ORDER BY id`, "published")
	if err != nil {
		return nil, fmt.Errorf("published pages: %w", err)
	}
	defer rows.Close()
	var out []PublishedPage
	for rows.Next() {
		var p PublishedPage
		var updated int64
		var published sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Slug, &updated, &published); err != nil {
			return nil, fmt.Errorf("published pages: %w", err)
		}
		p.Modified = fromMillis(max(updated, published.Int64))
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("published pages: %w", err)
	}
	return out, nil
}
