// Package backup writes a hub's database and media files into one folder
// with a manifest of checksums while the hub serves, and brings such a
// folder back into an empty data folder.
//
// A backup folder holds the database as one SQLite file (whatever the
// hub's backend), a media folder with the stored files, and manifest.json,
// written last, that lists every file with its size and SHA-256. A folder
// without a manifest is not a backup.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// Names inside a backup folder.
const (
	ManifestFile = "manifest.json"
	DatabaseFile = "bindeled.db"
	MediaDir     = "media"
)

// Format is the version of the folder's layout that this package writes.
const Format = 1

// Manifest describes a backup folder.
type Manifest struct {
	Format    int             `json:"format"`
	CreatedAt time.Time       `json:"created_at"`
	Program   string          `json:"program"`
	Source    storage.Backend `json:"source"`
	Schema    int64           `json:"schema_version"`
	Files     []File          `json:"files"`
	// Missing lists media keys the database names that were not in the
	// media folder when it was copied (deleted meanwhile, or lost before).
	Missing []string `json:"missing_media,omitempty"`
	// MediaElsewhere names where the media are kept when they are not in
	// a folder the backup copies (an S3 bucket), so none are in it.
	MediaElsewhere string `json:"media_elsewhere,omitempty"`
}

// File is one file of a backup, by its slash-separated path in the folder.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Source is the hub to back up.
type Source struct {
	Store *storage.Store
	// MediaDir is the local media folder; empty when the media are kept
	// elsewhere, as MediaElsewhere says.
	MediaDir       string
	MediaElsewhere string
	Program        string // the program's version, for the manifest
}

// Write backs up src into the folder out, which must not exist. The
// database is copied first, at one moment; the media files are copied
// afterwards, each whole (the media store renames a file into place only
// once it is complete). The folder is built under a temporary name beside
// out and renamed at the end, so out either is a whole backup or is not
// there.
func Write(ctx context.Context, src Source, out string) (*Manifest, error) {
	if _, err := os.Lstat(out); err == nil {
		return nil, fmt.Errorf("backup: %s exists; name a new folder", out)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m, err := writeInto(ctx, src, tmp)
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		_ = os.RemoveAll(tmp) // a partial backup is of no use
		return nil, fmt.Errorf("backup: %w", err)
	}
	syncDir(filepath.Dir(out))
	return m, nil
}

func writeInto(ctx context.Context, src Source, dir string) (*Manifest, error) {
	m := &Manifest{Format: Format, CreatedAt: time.Now().UTC().Truncate(time.Second),
		Program: src.Program, Source: src.Store.Backend(), MediaElsewhere: src.MediaElsewhere}

	dbPath := filepath.Join(dir, DatabaseFile)
	if err := src.Store.SnapshotTo(ctx, dbPath); err != nil {
		return nil, err
	}
	snap, err := describeSnapshot(ctx, dbPath, m)
	if err != nil {
		return nil, err
	}
	removeSidecars(dbPath)
	f, err := fileOf(dir, DatabaseFile)
	if err != nil {
		return nil, err
	}
	m.Files = append(m.Files, f)

	if src.MediaDir != "" {
		files, err := copyMedia(ctx, src.MediaDir, filepath.Join(dir, MediaDir))
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, files...)
		m.Missing = missing(snap, files)
	}

	if err := writeManifest(dir, m); err != nil {
		return nil, err
	}
	return m, nil
}

// describeSnapshot reads the schema version and the expected media keys
// from the copied database, and checks it.
func describeSnapshot(ctx context.Context, path string, m *Manifest) ([]string, error) {
	st, err := storage.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		return nil, fmt.Errorf("the copied database: %w", err)
	}
	if m.Schema, err = st.SchemaVersion(ctx); err != nil {
		return nil, err
	}
	keys, err := st.StoredKeys(ctx)
	if err != nil {
		return nil, err
	}
	// Back to one file without a write-ahead log beside it.
	if _, err := st.DB().ExecContext(ctx, `PRAGMA journal_mode=DELETE`); err != nil {
		return nil, fmt.Errorf("the copied database: %w", err)
	}
	return keys, nil
}

// removeSidecars removes what opening an SQLite file leaves beside it
// (the lock file of storage.Open; an empty log), so the folder holds only
// what the manifest lists.
func removeSidecars(dbPath string) {
	for _, suffix := range []string{".lock", "-wal", "-shm"} {
		_ = os.Remove(dbPath + suffix) // absent is fine
	}
}

// copyMedia copies every stored file of from into to and returns them in
// name order. Temporary files of uploads in progress are not stored files
// and are left out; a file deleted while the copy runs is skipped.
func copyMedia(ctx context.Context, from, to string) ([]File, error) {
	if err := os.MkdirAll(to, 0o750); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the media folder: %w", err)
	}
	var files []File
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !e.Type().IsRegular() || !media.ValidKey(e.Name()) {
			continue
		}
		f, err := copyFile(filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		f.Path = MediaDir + "/" + e.Name()
		files = append(files, f)
	}
	syncDir(to)
	return files, nil
}

// missing returns the keys the database names that are not among files.
func missing(keys []string, files []File) []string {
	have := make(map[string]bool, len(files))
	for _, f := range files {
		have[filepath.Base(f.Path)] = true
	}
	var out []string
	for _, k := range keys {
		if !have[k] {
			out = append(out, k)
		}
	}
	return out
}

func writeManifest(dir string, m *Manifest) error {
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileSync(filepath.Join(dir, ManifestFile), append(b, '\n'))
}

// fileOf describes a file already in the backup folder.
func fileOf(dir, name string) (File, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("read %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return File{}, fmt.Errorf("sync %s: %w", name, err)
	}
	return File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// copyFile copies from to a new file to, flushed to disk, and returns its
// size and checksum.
func copyFile(from, to string) (File, error) {
	in, err := os.Open(from)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, fmt.Errorf("copy %s: %w", filepath.Base(from), err)
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir flushes a folder's entries; best effort, as in the media store.
func syncDir(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = f.Sync()
	_ = f.Close()
}
