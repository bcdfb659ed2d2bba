package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/bindeled/bindeled/internal/backup"
	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/storage"
)

const backupSummary = `Writes a backup of a hub into a new folder while the hub keeps serving: the
database as it stood at one moment (one SQLite file, also for a hub on
PostgreSQL), the files of the media folder, and manifest.json with the size
and SHA-256 of each. The folder appears only when the backup is whole.
See docs/backup.md.

  bindeled backup --data ./data /srv/backup/bindeled-2026-12-05`

const restoreSummary = `Brings a backup folder back: checks every file against the manifest, then
writes the media files and the database into the data folder, which must be
empty (or, with --force and the hub stopped, has its database and media
replaced). With --database the database goes into that PostgreSQL
database, which must be empty.

  bindeled restore --data ./data /srv/backup/bindeled-2026-12-05`

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("backup", backupSummary, stderr)
	data, database, s3 := hubFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	out, err := oneFolder(f.Args(), "backup")
	if err != nil {
		f.Usage()
		return err
	}
	if err := hubExists(*data, *database); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	src := backup.Source{MediaDir: filepath.Join(*data, backup.MediaDir), Program: versionString()}
	if s3cfg.Enabled() {
		src.MediaDir, src.MediaElsewhere = "", "s3://"+s3cfg.Bucket+"/"+s3cfg.Prefix
	}

	st, err := storage.Open(ctx, hub.DSN(*data, *database))
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	src.Store = st
	m, err := backup.Write(ctx, src, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backup written to %s in %v: the database (schema %d) and %d media files, %s.\n",
		out, time.Since(start).Round(time.Millisecond), m.Schema, len(m.Files)-1, sizeText(m.Files))
	if m.MediaElsewhere != "" {
		fmt.Fprintf(stdout, "The media are in %s and not in the backup: keep them with the bucket's "+
			"versioning and replication (docs/backup.md).\n", m.MediaElsewhere)
	}
	if len(m.Missing) > 0 {
		fmt.Fprintf(stdout, "Warning: %d media files the database names were not in the media folder "+
			"(listed in the manifest).\n", len(m.Missing))
	}
	return nil
}

func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("restore", restoreSummary, stderr)
	data, database, _ := hubFlags(f) // media in S3 stay where they are
	force := f.Bool("force", false, "replace the database and media of a data folder that has them "+
		"(stop the hub first)")
	if err := f.parse(args); err != nil {
		return err
	}
	dir, err := oneFolder(f.Args(), "restore")
	if err != nil {
		f.Usage()
		return err
	}

	start := time.Now()
	m, err := backup.Restore(ctx, dir, backup.Target{DataDir: *data, Database: *database, Replace: *force,
		DatabaseFile: hub.DatabaseFile})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Restored the backup of %s (schema %d, %d media files) into %s in %v; "+
		"every checksum matched.\n", m.CreatedAt.Format(time.RFC3339), m.Schema, len(m.Files)-1, *data,
		time.Since(start).Round(time.Millisecond))
	return nil
}

func sizeText(files []backup.File) string {
	var n int64
	for _, f := range files {
		n += f.Size
	}
	return fmt.Sprintf("%.1f MB in all", float64(n)/1e6)
}
