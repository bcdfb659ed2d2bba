package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bindeled/bindeled/internal/backup"
	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

const checkSummary = `Checks a hub after a crash, a full disk or a restore, while it serves or
not: runs SQLite's integrity check on the database and checks that every
media file the database names is in the media folder. It writes nothing.

  bindeled check --data ./data`

// errCheckFailed ends the check command with exit status 1 after it has
// printed what it found.
var errCheckFailed = errors.New("the check found problems")

func checkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("check", checkSummary, stderr)
	data, database, s3 := hubFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	if err := hubExists(*data, *database); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	st, err := storage.Open(ctx, hub.DSN(*data, *database))
	if err != nil {
		return err
	}
	defer st.Close()

	failed := false
	if err := st.IntegrityCheck(ctx); err != nil {
		fmt.Fprintf(stdout, "Database: %v\n", err)
		failed = true
	} else {
		fmt.Fprintf(stdout, "Database: ok (%s)\n", st.Backend())
	}
	keys, err := st.StoredKeys(ctx)
	if err != nil {
		return err
	}
	exists := func(key string) error {
		_, err := os.Stat(filepath.Join(*data, backup.MediaDir, key))
		return err
	}
	if s3cfg.Enabled() {
		blobs, err := media.NewS3(s3cfg)
		if err != nil {
			return err
		}
		exists = func(key string) error {
			b, err := blobs.Open(ctx, key)
			if err == nil {
				err = b.Close()
			}
			return err
		}
	}
	missing := 0
	for _, k := range keys {
		if err := exists(k); err != nil {
			fmt.Fprintf(stdout, "Media file %s: %v\n", k, err)
			missing++
		}
	}
	fmt.Fprintf(stdout, "Media: %d files named, %d missing\n", len(keys), missing)
	if failed || missing > 0 {
		return errCheckFailed
	}
	return nil
}
