package hub

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"path"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/starter"
	"github.com/bindeled/bindeled/internal/storage"
)

// LoadStarter fills a new hub with the starter collection: themes, example
// schools and materials with their files. It does nothing when the
// collection was loaded before or the hub already has materials.
func LoadStarter(ctx context.Context, st *storage.Store, blobs media.Blobs, log *slog.Logger) error {
	// Every start but the first ends here: reading the marker is one
	// small row, where counting the materials reads the whole table.
	settings, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	if settings[storage.StarterLoaded] != "" {
		return nil
	}
	existing, total, err := st.SearchMaterials(ctx, "", 1, 0)
	if err != nil {
		return err
	}
	if total > 0 || len(existing) > 0 {
		_, err := st.ClaimOnce(ctx, storage.StarterLoaded, nil)
		return err
	}

	loaded, err := st.ClaimOnce(ctx, storage.StarterLoaded, func(ctx context.Context) error {
		return loadStarter(ctx, st, blobs)
	})
	if err != nil {
		return fmt.Errorf("starter collection: %w", err)
	}
	if loaded {
		log.Info("starter collection loaded")
	}
	return nil
}

func loadStarter(ctx context.Context, st *storage.Store, blobs media.Blobs) error {
	c, err := starter.Load()
	if err != nil {
		return err
	}
	themes := map[string]int64{}
	for _, t := range c.Themes {
		th := storage.Theme{Slug: t.Slug, Name: t.Name, Description: t.Description}
		if err := st.SaveTheme(ctx, &th); err != nil {
			return err
		}
		themes[t.Slug] = th.ID
	}
	schools := map[string]int64{}
	for _, s := range c.Schools {
		sc := storage.School{Slug: s.Slug, Name: s.Name, ShortName: s.ShortName, URL: s.URL}
		if err := st.CreateSchool(ctx, &sc); err != nil {
			return err
		}
		schools[s.Slug] = sc.ID
	}

	l := &starterLoader{st: st, p: &media.Processor{Blobs: blobs, Limits: media.DefaultLimits()},
		files: starter.Files()}
	for _, it := range c.Items {
		if err := l.item(ctx, it, themes, schools); err != nil {
			return fmt.Errorf("%s: %w", it.Material.Title, err)
		}
	}
	return nil
}

type starterLoader struct {
	st    *storage.Store
	p     *media.Processor
	files fs.FS
}

func (l *starterLoader) item(ctx context.Context, it starter.Item, themes, schools map[string]int64) error {
	m := it.Material
	for _, slug := range it.ThemeSlugs {
		m.ThemeIDs = append(m.ThemeIDs, themes[slug])
	}
	m.SchoolID = schools[it.SchoolSlug]

	var err error
	if m.CoverID, err = l.file(ctx, it.Cover, media.Image); err != nil {
		return err
	}
	if m.VideoID, err = l.file(ctx, it.Video, media.Video); err != nil {
		return err
	}
	if m.CaptionsID, err = l.file(ctx, it.Captions, media.Captions); err != nil {
		return err
	}
	if m.PosterID, err = l.file(ctx, it.Poster, media.Image); err != nil {
		return err
	}
	for i, a := range it.Attachments {
		if m.Attachments[i].MediaID, err = l.file(ctx, a.Path, media.Document); err != nil {
			return err
		}
	}
	material.OwnWork(&m)
	return l.st.CreateMaterial(ctx, &m)
}

// file stores one file of the collection, through the same checks as an
// upload, and returns its media id (0 for no file).
func (l *starterLoader) file(ctx context.Context, name string, class media.Class) (int64, error) {
	if name == "" {
		return 0, nil
	}
	f, err := l.files.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := l.p.Ingest(ctx, f, class)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	rec := &storage.Media{Key: info.Key, Class: string(info.Class), ContentType: info.ContentType,
		Size: info.Size, Width: info.Width, Height: info.Height, Name: path.Base(name)}
	if err := l.st.CreateMedia(ctx, rec); err != nil {
		return 0, err
	}
	return rec.ID, nil
}
