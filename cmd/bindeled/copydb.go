package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/bindeled/bindeled/internal/storage"
)

const copyDBSummary = `Copies a whole hub from one database to another: SQLite to PostgreSQL or
back. Both are brought to the current schema first; the target must be
empty. Everything is copied in one transaction, so a failed copy leaves the
target as it was. Media files stay in the data folder: use the same --data
with the new database.

  bindeled copy-db --from ./data/bindeled.db --to postgres://postgres@127.0.0.1:5432/bindeled`

func copyDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("copy-db", copyDBSummary, stderr)
	from := f.String("from", "", "source: an SQLite file or a postgres:// URL (required)")
	to := f.String("to", "", "target: an SQLite file or a postgres:// URL (required)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		f.Usage()
		return fmt.Errorf("copy-db needs --from and --to")
	}
	if *from == *to {
		return fmt.Errorf("--from and --to are the same database")
	}

	if !storage.IsPostgresURL(*from) {
		if _, err := os.Stat(*from); err != nil {
			return fmt.Errorf("--from %s: no such database file", *from)
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	src, err := storage.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := storage.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	for _, st := range []*storage.Store{src, dst} {
		if err := st.Migrate(ctx, log); err != nil {
			return err
		}
	}

	counts, err := storage.Copy(ctx, src, dst)
	if err != nil {
		return err
	}
	for _, name := range storage.TableNames() {
		fmt.Fprintf(stdout, "%-20s %6d rows\n", name, counts[name])
	}
	fmt.Fprintf(stdout, "Copied from %s to %s.\n", src.Backend(), dst.Backend())
	return nil
}
