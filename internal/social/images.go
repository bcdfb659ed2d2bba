package social

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// maxImageBytes bounds the picture read for a post.
const maxImageBytes = 10 << 20

// MediaStore finds stored files; *storage.Store is one.
type MediaStore interface {
	GetMedia(ctx context.Context, id int64) (*storage.Media, error)
}

// CoverImages gives a post the material's cover image, or a film's
// poster when it has no cover. This is the one place that chooses a
// post's picture.
type CoverImages struct {
	Store MediaStore
	Blobs media.Blobs
}

// ShareImage returns the material's picture, or nil when it has none
// that can be shown (a withdrawn file is never used).
func (c CoverImages) ShareImage(ctx context.Context, m *material.Material) (*Image, error) {
	id := m.CoverID
	if id == 0 && m.Kind == material.Film {
		id = m.PosterID
	}
	if id == 0 {
		return nil, nil
	}
	rec, err := c.Store.GetMedia(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if rec.Class != string(media.Image) {
		return nil, nil
	}
	blob, err := c.Blobs.Open(ctx, rec.Key)
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", rec.Key, err)
	}
	defer blob.Close()
	data, err := io.ReadAll(io.LimitReader(blob, maxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", rec.Key, err)
	}
	if len(data) > maxImageBytes {
		return nil, nil // too large to send; the post goes without
	}
	return &Image{Data: data, ContentType: rec.ContentType}, nil
}
