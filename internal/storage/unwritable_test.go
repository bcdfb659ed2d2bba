package storage_test

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/bindeled/bindeled/internal/storage"
)

// TestIsUnwritable feeds IsUnwritable the errors SQLite really returns for
// a full database and a read-only one, and the file system's errors.
func TestIsUnwritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the page limit below belongs to one connection
	mustExec(t, db, `CREATE TABLE t (v TEXT)`)
	mustExec(t, db, `PRAGMA max_page_count = 3`)
	_, full := db.Exec(`INSERT INTO t SELECT hex(randomblob(40000))`)

	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, readOnly := ro.Exec(`INSERT INTO t VALUES ('x')`)

	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"sqlite full", full, true},
		{"sqlite read-only", readOnly, true},
		{"no space", fmt.Errorf("put: %w", &fs.PathError{Op: "write", Path: "k", Err: syscall.ENOSPC}), true},
		{"read-only file system", &fs.PathError{Op: "open", Path: "k", Err: syscall.EROFS}, true},
		{"quota", syscall.EDQUOT, true},
		{"not found", storage.ErrNotFound, false},
		{"other", errors.New("constraint failed"), false},
		{"nil", nil, false},
	} {
		if got := storage.IsUnwritable(tt.err); got != tt.want {
			t.Errorf("%s: IsUnwritable(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

func mustExec(t *testing.T, db *sql.DB, query string) {
	t.Helper()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
