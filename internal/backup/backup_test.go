package backup_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/backup"
	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

var ctx = context.Background()

// counters are rows that triggers update in place; a backup taken at
// another moment holds other values, so only their number is compared.
var counters = map[string]bool{"content_state": true, "page_state": true}

// TestBackupWhileServing backs up a hub with its starter collection while
// readers load public pages and a writer adds themes and media files, then
// restores the backup into an empty data folder (and, on PostgreSQL, an
// empty database). Every table the schema has and every media file must
// come back as it was at one moment: each row and file there before the
// backup started is there, and nothing is there that the hub never held.
// (TestSnapshotToCoversEveryTable in storage has a row in every table.)
func TestBackupWhileServing(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			data := t.TempDir()
			cfg := hub.Config{DataDir: data, Starter: true, Passwords: auth.TestParams(),
				Logger: storagetest.Logger()}
			if b == storage.Postgres {
				cfg.Database = storagetest.DSN(t, b)
			}
			h, err := hub.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			srv := httptest.NewServer(h.Web)
			defer srv.Close()

			before, mediaBefore := dumpTables(t, h.Store), dumpMedia(t, filepath.Join(data, backup.MediaDir))
			load := startLoad(t, h, srv.URL)
			time.Sleep(200 * time.Millisecond) // writes and reads are under way
			out := filepath.Join(t.TempDir(), "backup")
			m, err := backup.Write(ctx, backup.Source{Store: h.Store, MediaDir: filepath.Join(data, backup.MediaDir),
				Program: "test"}, out)
			time.Sleep(100 * time.Millisecond)
			load.stop(t)
			if err != nil {
				t.Fatal(err)
			}
			after, mediaAfter := dumpTables(t, h.Store), dumpMedia(t, filepath.Join(data, backup.MediaDir))
			if len(m.Missing) > 0 {
				t.Errorf("media missing from the backup: %v", m.Missing)
			}

			target := backup.Target{DataDir: t.TempDir()}
			restoredDSN := filepath.Join(target.DataDir, backup.DatabaseFile)
			if b == storage.Postgres {
				target.Database = storagetest.DSN(t, b)
				restoredDSN = target.Database
			}
			if _, err := backup.Restore(ctx, out, target); err != nil {
				t.Fatal(err)
			}
			restored, err := storage.Open(ctx, restoredDSN)
			if err != nil {
				t.Fatal(err)
			}
			defer restored.Close()

			compareTables(t, before, dumpTables(t, restored), after)
			compareSets(t, "media", mediaBefore, dumpMedia(t, filepath.Join(target.DataDir, backup.MediaDir)),
				mediaAfter)
		})
	}
}

// load reads public pages and writes themes and media files until stopped.
type load struct {
	done    chan struct{}
	wg      sync.WaitGroup
	failed  atomic.Int64
	reads   atomic.Int64
	writes  atomic.Int64
	lastErr atomic.Value
}

func startLoad(t *testing.T, h *hub.Hub, base string) *load {
	l := &load{done: make(chan struct{})}
	for range 2 {
		l.wg.Go(func() { l.read(base) })
	}
	l.wg.Go(func() { l.write(h) })
	return l
}

func (l *load) read(base string) {
	pages := []string{"/", "/materialer", "/materialer?q=trivsel", "/feed/rss", "/sitemap.xml"}
	for i := 0; ; i++ {
		select {
		case <-l.done:
			return
		default:
		}
		res, err := http.Get(base + pages[i%len(pages)])
		if err != nil || res.StatusCode != http.StatusOK {
			l.failed.Add(1)
			l.lastErr.Store(fmt.Sprint(pages[i%len(pages)], err, res))
		}
		if res != nil {
			res.Body.Close()
		}
		l.reads.Add(1)
	}
}

func (l *load) write(h *hub.Hub) {
	for i := 0; ; i++ {
		select {
		case <-l.done:
			return
		default:
		}
		theme := storage.Theme{Slug: fmt.Sprintf("tema-%d", i), Name: fmt.Sprintf("Tema %d", i)}
		if err := h.Store.SaveTheme(ctx, &theme); err != nil {
			l.failed.Add(1)
			l.lastErr.Store(err.Error())
		}
		key, _ := media.NewKey(".txt")
		if _, err := h.Blobs.Put(ctx, key, strings.NewReader(strings.Repeat("bindeled ", 1000+i))); err != nil {
			l.failed.Add(1)
			l.lastErr.Store(err.Error())
		}
		l.writes.Add(1)
	}
}

func (l *load) stop(t *testing.T) {
	t.Helper()
	close(l.done)
	l.wg.Wait()
	if n := l.failed.Load(); n > 0 {
		t.Errorf("%d requests or writes failed during the backup; last: %v", n, l.lastErr.Load())
	}
	if l.reads.Load() < 5 || l.writes.Load() < 5 {
		t.Errorf("only %d reads and %d writes during the backup; the test did not load the hub",
			l.reads.Load(), l.writes.Load())
	}
	t.Logf("during the backup: %d page loads, %d themes and files written", l.reads.Load(), l.writes.Load())
}

// dumpTables returns every row of every table in the schema, each row as
// one string, by table.
func dumpTables(t *testing.T, st *storage.Store) map[string][]string {
	t.Helper()
	names, err := st.SchemaTables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, name := range names {
		out[name] = storagetest.TableRows(t, st, name)
	}
	return out
}

// dumpMedia returns each stored file of dir as its name and checksum.
func dumpMedia(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !media.ValidKey(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out = append(out, e.Name()+" "+hex.EncodeToString(sum[:]))
	}
	return out
}

// compareTables checks every table of the schema: before ⊆ restored ⊆
// after, and the same tables on both sides.
func compareTables(t *testing.T, before, restored, after map[string][]string) {
	t.Helper()
	filled := 0
	for name, rows := range before {
		got, ok := restored[name]
		if !ok {
			t.Errorf("table %s is not in the restored database", name)
			continue
		}
		if len(rows) > 0 {
			filled++
		}
		if counters[name] {
			if len(got) != len(rows) {
				t.Errorf("%s: %d rows restored, want %d", name, len(got), len(rows))
			}
			continue
		}
		compareSets(t, name, rows, got, after[name])
	}
	for name := range restored {
		if _, ok := before[name]; !ok {
			t.Errorf("the restored database has a table %s the hub does not", name)
		}
	}
	t.Logf("%d tables compared, %d of them with rows", len(before), filled)
}

// compareSets checks before ⊆ got ⊆ after.
func compareSets(t *testing.T, what string, before, got, after []string) {
	t.Helper()
	have := map[string]bool{}
	for _, r := range got {
		have[r] = true
	}
	lost := 0
	for _, r := range before {
		if !have[r] {
			if lost == 0 {
				t.Errorf("%s: a row or file from before the backup did not come back: %.300s", what, r)
			}
			lost++
		}
	}
	if lost > 1 {
		t.Errorf("%s: %d rows or files from before the backup did not come back", what, lost)
	}
	held := map[string]bool{}
	for _, r := range after {
		held[r] = true
	}
	for _, r := range got {
		if !held[r] {
			t.Errorf("%s: restored something the hub never held: %.300s", what, r)
			return
		}
	}
}

// starterBackup opens a hub with the starter collection in a folder of the
// test's and writes its backup: the hub, its data folder, the backup's
// folder and its manifest.
func starterBackup(t *testing.T) (*hub.Hub, string, string, *backup.Manifest) {
	t.Helper()
	data := t.TempDir()
	h, err := hub.Open(ctx, hub.Config{DataDir: data, Starter: true, Passwords: auth.TestParams(),
		Logger: storagetest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	out := filepath.Join(t.TempDir(), "backup")
	m, err := backup.Write(ctx, backup.Source{Store: h.Store, MediaDir: filepath.Join(data, "media")}, out)
	if err != nil {
		t.Fatal(err)
	}
	return h, data, out, m
}

// TestRestoreRefuses checks what restore will not do: restore a damaged or
// incomplete backup, or write over a hub without --force.
func TestRestoreRefuses(t *testing.T) {
	h, data, out, m := starterBackup(t)
	if _, err := backup.Write(ctx, backup.Source{Store: h.Store, MediaDir: filepath.Join(data, "media")},
		out); err == nil {
		t.Error("a second backup into the same folder worked")
	}

	// Into a folder that holds a hub: refused, then replaced with Replace.
	if _, err := backup.Restore(ctx, out, backup.Target{DataDir: data}); !errors.Is(err, backup.ErrNotEmpty) {
		t.Errorf("restore over a hub: %v, want ErrNotEmpty", err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "bindeled.db"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Restore(ctx, out, backup.Target{DataDir: other, Replace: true}); err != nil {
		t.Errorf("restore with Replace: %v", err)
	}

	// One changed byte in one media file: nothing is restored.
	victim := filepath.Join(out, filepath.FromSlash(m.Files[len(m.Files)-1].Path))
	b, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(victim, b, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if _, err := backup.Restore(ctx, out, backup.Target{DataDir: empty}); err == nil ||
		!strings.Contains(err.Error(), "differ from the manifest") {
		t.Errorf("restore of a damaged backup: %v", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("a damaged backup left %d entries in the data folder", len(entries))
	}

	// Without its manifest a folder is not a backup.
	if err := os.Remove(filepath.Join(out, backup.ManifestFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Restore(ctx, out, backup.Target{DataDir: empty}); err == nil {
		t.Error("a folder without a manifest was restored")
	}
}

// TestRestoreRefusesAManifestCutShort: a manifest that leaves out the
// database, leaves out a media file that is in the folder, or lists a file
// twice would let a damaged file through unchecked, so the backup is
// refused and nothing is written.
func TestRestoreRefusesAManifestCutShort(t *testing.T) {
	_, _, out, m := starterBackup(t)
	var aMedium backup.File
	for _, f := range m.Files {
		if f.Path != backup.DatabaseFile {
			aMedium = f
		}
	}
	if aMedium.Path == "" {
		t.Fatal("the starter backup holds no media file")
	}

	cases := map[string]func(files []backup.File) []backup.File{
		"without the database": func(files []backup.File) []backup.File {
			return slices.DeleteFunc(files, func(f backup.File) bool { return f.Path == backup.DatabaseFile })
		},
		"without a media file": func(files []backup.File) []backup.File {
			return slices.DeleteFunc(files, func(f backup.File) bool { return f.Path == aMedium.Path })
		},
		"with a file twice": func(files []backup.File) []backup.File { return append(files, aMedium) },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			edited := *m
			edited.Files = edit(slices.Clone(m.Files))
			b, err := json.Marshal(edited)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, backup.ManifestFile), b, 0o600); err != nil {
				t.Fatal(err)
			}
			empty := t.TempDir()
			if _, err := backup.Restore(ctx, out, backup.Target{DataDir: empty}); err == nil {
				t.Error("restored")
			}
			if entries, _ := os.ReadDir(empty); len(entries) != 0 {
				t.Errorf("the refused backup left %d entries in the data folder", len(entries))
			}
		})
	}
}

// TestBackupWithMediaElsewhere: with the media in a bucket, a backup holds
// the database alone and says where the media are.
func TestBackupWithMediaElsewhere(t *testing.T) {
	st := storagetest.Open(t, storage.SQLite)
	out := filepath.Join(t.TempDir(), "backup")
	m, err := backup.Write(ctx, backup.Source{Store: st, MediaElsewhere: "s3://medier/"}, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 || m.Files[0].Path != backup.DatabaseFile || m.MediaElsewhere != "s3://medier/" ||
		len(m.Missing) != 0 {
		t.Errorf("manifest %+v, want the database alone and where the media are", m)
	}
	if _, err := os.Stat(filepath.Join(out, backup.MediaDir)); err == nil {
		t.Error("a media folder in a backup of a hub whose media are elsewhere")
	}
	if _, err := backup.Restore(ctx, out, backup.Target{DataDir: t.TempDir()}); err != nil {
		t.Error(err)
	}
}
