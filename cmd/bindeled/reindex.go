package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/bindeled/bindeled/internal/hub"
)

const reindexSummary = `Builds the search index again from every material. Saves keep the index
current and a hub builds it by itself when it is missing; run this after an
upgrade whose notes ask for it. Searches keep working meanwhile; saves wait
until it is done.

  bindeled reindex --data ./data`

func reindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("reindex", reindexSummary, stderr)
	data, database, s3 := hubFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	h, err := openQuiet(ctx, hub.Config{DataDir: *data, Database: *database, MediaS3: s3cfg})
	if err != nil {
		return err
	}
	defer h.Close()
	start := time.Now()
	n, err := h.Store.Reindex(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Indexed %d materials in %v.\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
