package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search/corpus"
)

// seedVersion changes whenever seed makes different materials, so that a
// cached hub of an older seed is not reused.
const seedVersion = "1"

// corpusSeed and corpusWords make the materials' words; queries draws its
// search words from the same generator.
const (
	corpusSeed  = 7
	corpusWords = 30000
)

// cacheKey names a seeded hub by what made it: the number of materials,
// the seed, and the migrations and starter collection it was made with.
func cacheKey(n int) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "seed %s\nmaterials %d\n", seedVersion, n)
	for _, dir := range []string{"internal/storage/migrations", "internal/starter/content"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d\n", path, len(data))
			h.Write(data)
			return nil
		})
		if err != nil {
			return "", fmt.Errorf("cache key (run from the repository's root): %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// cachedHub returns a data folder at dst holding a hub with n materials:
// a copy of the one cached under cacheDir, seeded first when missing.
func cachedHub(ctx context.Context, cacheDir, dst string, n int, logf func(string, ...any)) error {
	key, err := cacheKey(n)
	if err != nil {
		return err
	}
	cached := filepath.Join(cacheDir, fmt.Sprintf("hub-%d-%s", n, key))
	if _, err := os.Stat(filepath.Join(cached, hub.DatabaseFile)); err != nil {
		logf("seeding %d materials into %s (kept for later runs)", n, cached)
		tmp := cached + ".tmp"
		if err := os.RemoveAll(tmp); err != nil {
			return err
		}
		start := time.Now()
		if err := seed(ctx, tmp, "", n); err != nil {
			return err
		}
		if err := os.Rename(tmp, cached); err != nil {
			return err
		}
		logf("seeded in %v", time.Since(start).Round(100*time.Millisecond))
	} else {
		logf("reusing the seeded hub in %s", cached)
	}
	return copyDir(cached, dst)
}

// seed makes a hub in dataDir (and database, when given) with the
// starter collection and generated published materials up to n in all.
func seed(ctx context.Context, dataDir, database string, n int) error {
	h, err := hub.Open(ctx, hub.Config{DataDir: dataDir, Database: database, Starter: true,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer h.Close()
	// The starter images' renditions are made now, as a running hub's job
	// runner would in its first seconds, so the measured server serves
	// them and encodes nothing during the run.
	h.Jobs.RunDue(ctx)
	st := h.Store

	existing, _, err := st.SearchMaterials(ctx, "", 1000, 0)
	if err != nil {
		return err
	}
	templates := map[material.Kind]*material.Material{}
	for _, e := range existing {
		m, err := st.GetMaterial(ctx, e.ID)
		if err != nil {
			return err
		}
		t := templates[m.Kind]
		// the template of a kind is its starter material with the most files
		if t == nil || len(m.Files()) > len(t.Files()) {
			templates[m.Kind] = m
		}
	}
	for _, k := range material.Kinds {
		if templates[k] == nil {
			return fmt.Errorf("the starter collection has no %s to copy files from", k)
		}
	}
	themes, err := st.Themes(ctx)
	if err != nil {
		return err
	}
	schools, err := st.Schools(ctx)
	if err != nil {
		return err
	}

	g := corpus.New(corpusSeed, corpusWords)
	rng := g.Rand()
	kinds := []material.Kind{material.Article, material.Article, material.Article, material.Article,
		material.Article, material.Film, material.Film, material.Guide, material.Guide, material.Link,
		material.Link}
	now := time.Now().UTC()
	const batchSize = 2000
	for done := len(existing); done < n; {
		batch := make([]*material.Material, 0, batchSize)
		for ; done < n && len(batch) < batchSize; done++ {
			m := templates[kinds[rng.IntN(len(kinds))]].Clone()
			m.ID, m.Slug, m.Version, m.CreatedBy = 0, "", 0, 0
			m.Title = sentence(g, 3+rng.IntN(6), material.TitleMax)
			m.Summary = sentence(g, 15+rng.IntN(20), material.SummaryMax)
			m.Body = body(g, m.Kind)
			if m.Kind == material.Film {
				m.Transcript = g.Text(250)
			}
			if m.Kind == material.Link {
				m.LinkURL = "https://example.dk/" + material.Slugify(m.Title)
				m.LinkPublisher = sentence(g, 2, 60)
			}
			m.Audiences = pick(rng.Perm(len(material.Audiences))[:1+rng.IntN(3)], material.Audiences)
			m.GradeBands = pick(rng.Perm(len(material.GradeBands))[:rng.IntN(3)], material.GradeBands)
			m.ThemeIDs = nil
			for _, i := range rng.Perm(len(themes))[:min(len(themes), 1+rng.IntN(2))] {
				m.ThemeIDs = append(m.ThemeIDs, themes[i].ID)
			}
			m.SchoolID = 0
			if len(schools) > 0 && rng.IntN(3) == 0 {
				m.SchoolID = schools[rng.IntN(len(schools))].ID
			}
			m.Featured = false
			m.Status = material.Published
			m.CreatedAt = now.Add(-time.Duration(rng.IntN(3*365*24)) * time.Hour).Truncate(time.Millisecond)
			m.UpdatedAt, m.PublishedAt = m.CreatedAt, m.CreatedAt
			material.OwnWork(m)
			batch = append(batch, m)
		}
		if err := st.CreateMaterials(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// sentence is n words of the corpus as a sentence without its full stop,
// cut to at most max characters.
func sentence(g *corpus.Generator, n, max int) string {
	s := strings.TrimSuffix(g.Text(n), ".")
	for utf8.RuneCountInString(s) > max {
		s = s[:strings.LastIndexByte(s, ' ')]
	}
	return s
}

// body is a material's Markdown: about 570 words in paragraphs under
// headings for an article or a guide, a few paragraphs for the others.
func body(g *corpus.Generator, kind material.Kind) string {
	paragraphs := 2
	if kind == material.Article || kind == material.Guide {
		paragraphs = 8
	}
	var b strings.Builder
	for i := range paragraphs {
		if i > 0 && i%3 == 0 {
			fmt.Fprintf(&b, "## %s\n\n", sentence(g, 4, 80))
		}
		b.WriteString(g.Text(70))
		b.WriteString("\n\n")
	}
	return b.String()
}

func pick[T any](idx []int, from []T) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

// copyDir copies the files of src into dst, which it creates.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
