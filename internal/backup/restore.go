package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// ErrNotEmpty is returned when the data folder to restore into holds a
// hub already and replacing it was not asked for.
var ErrNotEmpty = errors.New("the data folder is not empty")

// Target is where a backup is restored to.
type Target struct {
	DataDir string // the hub's data folder: its SQLite file and media
	// Database is a postgres:// URL to restore the database into, which
	// must be empty; empty restores the SQLite file into DataDir.
	Database string
	// Replace allows a data folder that holds a hub's database or media:
	// they are deleted first. The hub must be stopped.
	Replace bool
	// DatabaseFile is the SQLite file's name in DataDir.
	DatabaseFile string
}

// Verify reads the manifest of the backup folder dir and checks that every
// file it lists is there with its size and checksum.
func Verify(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("verify backup %s: no manifest, so not a whole backup: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("verify backup %s: manifest: %w", dir, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("verify backup %s: format %d, this program reads %d", dir, m.Format, Format)
	}
	problems := checkListing(dir, m.Files)
	for _, f := range m.Files {
		if err := checkFile(dir, f); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("verify backup %s: %s", dir, strings.Join(problems, "; "))
	}
	return &m, nil
}

// checkListing reports what a manifest that was cut or edited would let
// through unchecked: a database it does not list (which a restore would
// copy all the same), a path listed twice, and a file in the media folder
// it does not list (a media entry dropped from it).
func checkListing(dir string, files []File) []string {
	var problems []string
	listed := map[string]bool{}
	for _, f := range files {
		if listed[f.Path] {
			problems = append(problems, fmt.Sprintf("%s: listed twice in the manifest", f.Path))
		}
		listed[f.Path] = true
	}
	if !listed[DatabaseFile] {
		problems = append(problems, DatabaseFile+": not in the manifest")
	}
	entries, err := os.ReadDir(filepath.Join(dir, MediaDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return append(problems, fmt.Sprintf("%s: %v", MediaDir, err))
	}
	for _, e := range entries {
		if p := MediaDir + "/" + e.Name(); !listed[p] {
			problems = append(problems, p+": not in the manifest")
		}
	}
	return problems
}

func checkFile(dir string, f File) error {
	if !validPath(f.Path) {
		return fmt.Errorf("%q: not a path of a backup", f.Path)
	}
	got, err := fileOf(dir, f.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if got.Size != f.Size || got.SHA256 != f.SHA256 {
		return fmt.Errorf("%s: the contents differ from the manifest (damaged or changed)", f.Path)
	}
	return nil
}

// validPath accepts only the names Write makes, so a manifest cannot lead
// a restore outside its folders.
func validPath(p string) bool {
	if p == DatabaseFile {
		return true
	}
	dir, name := path.Split(p)
	return dir == MediaDir+"/" && media.ValidKey(name)
}

// Restore verifies the backup folder dir and brings it back into target.
func Restore(ctx context.Context, dir string, target Target) (*Manifest, error) {
	m, err := Verify(dir)
	if err != nil {
		return nil, err
	}
	if target.DatabaseFile == "" {
		target.DatabaseFile = DatabaseFile
	}
	if err := prepare(target); err != nil {
		return nil, err
	}
	if err := restoreMedia(dir, m, filepath.Join(target.DataDir, MediaDir)); err != nil {
		return nil, fmt.Errorf("restore media: %w", err)
	}
	if err := restoreDatabase(ctx, dir, target); err != nil {
		return nil, fmt.Errorf("restore database: %w", err)
	}
	return m, nil
}

// prepare checks that the data folder holds no hub, or empties it when
// asked to.
func prepare(t Target) error {
	if err := os.MkdirAll(t.DataDir, 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	entries, err := os.ReadDir(t.DataDir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	if !t.Replace {
		return fmt.Errorf("restore into %s: %w (%d entries); stop the hub and pass --force to replace "+
			"its database and media", t.DataDir, ErrNotEmpty, len(entries))
	}
	db := filepath.Join(t.DataDir, t.DatabaseFile)
	for _, p := range []string{db, db + "-wal", db + "-shm", db + ".lock", filepath.Join(t.DataDir, MediaDir)} {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("restore: replace %s: %w", p, err)
		}
	}
	return nil
}

func restoreMedia(dir string, m *Manifest, to string) error {
	if err := os.MkdirAll(to, 0o750); err != nil {
		return err
	}
	for _, f := range m.Files {
		if f.Path == DatabaseFile {
			continue
		}
		if err := placeFile(filepath.Join(dir, filepath.FromSlash(f.Path)), to, path.Base(f.Path)); err != nil {
			return err
		}
	}
	syncDir(to)
	return nil
}

// placeFile copies from into the folder dir under name, through a
// temporary file renamed into place, as the media store writes.
func placeFile(from, dir, name string) error {
	tmp, err := os.CreateTemp(dir, ".restore-*")
	if err != nil {
		return err
	}
	_ = tmp.Close()
	_ = os.Remove(tmp.Name())
	if _, err := copyFile(from, tmp.Name()); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return nil
}

func restoreDatabase(ctx context.Context, dir string, t Target) error {
	from := filepath.Join(dir, DatabaseFile)
	if t.Database == "" {
		if err := placeFile(from, t.DataDir, t.DatabaseFile); err != nil {
			return err
		}
		syncDir(t.DataDir)
		return checkRestored(ctx, filepath.Join(t.DataDir, t.DatabaseFile))
	}

	// Into PostgreSQL: read a working copy of the file, so the backup
	// folder stays as it was, and copy every table across.
	work, err := os.MkdirTemp("", "bindeled-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := placeFile(from, work, DatabaseFile); err != nil {
		return err
	}
	return copyToPostgres(ctx, filepath.Join(work, DatabaseFile), t.Database)
}

// checkRestored runs the integrity check on a restored SQLite file.
func checkRestored(ctx context.Context, path string) error {
	st, err := storage.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.IntegrityCheck(ctx)
}

func copyToPostgres(ctx context.Context, from, to string) error {
	src, err := storage.Open(ctx, from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := storage.Open(ctx, to)
	if err != nil {
		return err
	}
	defer dst.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, st := range []*storage.Store{src, dst} {
		if err := st.Migrate(ctx, log); err != nil {
			return err
		}
	}
	_, err = storage.Copy(ctx, src, dst)
	return err
}
