package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer/export"
)

const exportSummary = `Writes everything the hub holds into a new folder DIR: materials in every
state with their pending versions, themes, schools, users (without
passwords), review rounds and comments, the workflow history, old
addresses, synonyms, the brand settings and every media file. With
--format markdown each material is a Markdown file with YAML front matter;
with --format json all materials are in materials.json. docs/export.md
describes every file. DIR must not exist or be empty. Without --database
the SQLite database must be in --data: a folder without one is refused.

  bindeled export --format markdown --data ./data ./eksport-2026-12-04`

func exportHub(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("export", exportSummary, stderr)
	format := f.String("format", "", "how materials are written: markdown or json (required)")
	revisions := f.Bool("revisions", false, "include every saved version of every material")
	data, database, s3 := hubFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	if *format != export.FormatMarkdown && *format != export.FormatJSON {
		f.Usage()
		return fmt.Errorf("export needs --format markdown or --format json")
	}
	dir, err := oneFolder(f.Args(), "export")
	if err != nil {
		f.Usage()
		return err
	}

	if err := hubExists(*data, *database); err != nil {
		return err
	}
	st, blobs, err := openStore(ctx, *data, *database, s3cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	m, err := export.Export(ctx, st, blobs, dir, export.ExportOptions{Format: *format, Revisions: *revisions})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Exported to %s in %v: %s.\n", dir, time.Since(start).Round(time.Millisecond),
		countsText(m.Counts))
	return nil
}

// bindeledFormat is the name under which bindeled import restores an
// export that bindeled export wrote.
const bindeledFormat = "bindeled"

// bindeledUsage is the restore's line in bindeled import's list of
// formats.
const bindeledUsage = "bindeled import bindeled [flags] DIR\n" +
	"  restore an export that bindeled export wrote into a hub without materials (docs/export.md)"

const importBindeledSummary = `Restores an export that bindeled export wrote (either format) into an
empty hub: one without materials. The starter collection is never loaded
into the restored hub.
Everything arrives in one transaction, or nothing does; every media file
is checked against its SHA-256 first. Users come back without passwords:
they set one with "Glemt adgangskode?" on the login page.

  bindeled import bindeled --data ./ny-data ./eksport-2026-12-04`

// importBindeled restores an export; it is the "bindeled" format of
// bindeled import.
func importBindeled(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("import bindeled", importBindeledSummary, stderr)
	data, database, s3 := hubFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	dir, err := oneFolder(f.Args(), "import bindeled")
	if err != nil {
		f.Usage()
		return err
	}

	st, blobs, err := openStore(ctx, *data, *database, s3cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	m, err := export.Restore(ctx, st, blobs, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored %s (exported %s) in %v: %s.\nUsers have no password: each sets one with "+
		"\"Glemt adgangskode?\" on the login page.\n", dir, m.ExportedAt.Format(time.RFC3339),
		time.Since(start).Round(time.Millisecond), countsText(m.Counts))
	return nil
}

func oneFolder(args []string, command string) (string, error) {
	if len(args) != 1 || args[0] == "" {
		return "", fmt.Errorf("%s needs one folder, given after the flags", command)
	}
	return filepath.Clean(args[0]), nil
}

// hubExists refuses a SQLite hub whose database file is not in data, so
// a mistyped --data is named instead of becoming a new, empty hub and an
// empty export. A PostgreSQL URL is not checked here: opening it fails on
// its own when the server or database is not there.
func hubExists(data, database string) error {
	if database != "" {
		return nil
	}
	path := filepath.Join(data, hub.DatabaseFile)
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no hub at %s: give --data the folder serve uses, or --database", path)
	}
	if err != nil {
		return fmt.Errorf("no hub at %s: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("no hub at %s: it is a folder, not a database file", path)
	}
	return nil
}

// openStore opens and migrates the database and the media folder, and
// loads nothing into them.
func openStore(ctx context.Context, data, database string, s3 media.S3Config) (*storage.Store, media.Blobs,
	error) {
	st, err := storage.Open(ctx, hub.DSN(data, database))
	if err != nil {
		return nil, nil, err
	}
	if err := st.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		st.Close()
		return nil, nil, err
	}
	blobs, err := hub.OpenBlobs(ctx, data, s3)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, blobs, nil
}

func countsText(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	return strings.Join(parts, ", ")
}
