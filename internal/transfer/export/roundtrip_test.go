package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// TestExportCoversEveryTable fails when a table is neither exported nor
// listed as left out on purpose, such as a table a new migration adds.
func TestExportCoversEveryTable(t *testing.T) {
	for _, name := range storage.TableNames() {
		_, left := leftOutTables[name]
		if slices.Contains(exportedTables, name) == left {
			t.Errorf("table %s: export it, or list it in leftOutTables with the reason (and in docs/export.md)",
				name)
		}
	}
	for _, name := range exportedTables {
		if _, err := storage.TableColumns(name); err != nil {
			t.Errorf("exportedTables: %v", err)
		}
	}
	for name := range leftOutTables {
		if _, err := storage.TableColumns(name); err != nil {
			t.Errorf("leftOutTables: %v", err)
		}
	}
}

// TestRoundTrip exports a full hub in both formats and restores it into
// an empty hub on every backend, then compares the two hubs entity by
// entity and a second export with the first, file by file.
func TestRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, src *storage.Store) {
		srcBlobs := newBlobs(t)
		h := fillHub(t, src, srcBlobs)
		for _, format := range []string{FormatJSON, FormatMarkdown} {
			for _, revisions := range []bool{true, false} {
				dir := filepath.Join(t.TempDir(), "eksport")
				opts := ExportOptions{Format: format, Revisions: revisions}
				m, err := Export(ctx, src, srcBlobs, dir, opts)
				if err != nil {
					t.Fatal(err)
				}
				if m.Counts["materials"] != 9 || m.Counts["media"] != 11 || m.Counts["users"] != 5 ||
					m.Counts["import_items"] != 1 || m.Counts["import_files"] != 2 || m.Counts["old_paths"] != 2 ||
					m.Counts["inline_media"] != 1 {
					t.Errorf("%s: counts %v", format, m.Counts)
				}
				for _, b := range storagetest.Backends(t) {
					name := fmt.Sprintf("%s revisions=%v into %s", format, revisions, b)
					t.Run(name, func(t *testing.T) {
						dst, dstBlobs := storagetest.Open(t, b), newBlobs(t)
						if _, err := Restore(ctx, dst, dstBlobs, dir); err != nil {
							t.Fatal(err)
						}
						compareHubs(t, src, dst, revisions)
						compareBlobs(t, srcBlobs, dstBlobs, h.importedFiles)

						again := filepath.Join(t.TempDir(), "igen")
						if _, err := Export(ctx, dst, dstBlobs, again, opts); err != nil {
							t.Fatal(err)
						}
						compareDirs(t, dir, again)
					})
				}
			}
		}
	})
}

func newBlobs(t *testing.T) *media.Disk {
	t.Helper()
	d, err := media.NewDisk(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// refs says which table an id column refers to.
var refs = map[string]string{
	"user_id": "users", "created_by": "users", "uploaded_by": "users", "resolved_by": "users",
	"media_id": "media", "logo_id": "media", "cover_id": "media", "video_id": "media", "captions_id": "media",
	"poster_id": "media", "school_id": "schools", "theme_id": "themes", "material_id": "materials",
	"round_id": "review_rounds", "parent_id": "comments",
}

// naturalKeys gives every row with an id a key that does not depend on
// the database: its slug, e-mail or media key, or for rounds and comments
// their material and time.
func naturalKeys(t *testing.T, st *storage.Store) map[string]map[int64]string {
	t.Helper()
	keys := map[string]map[int64]string{}
	simple := map[string]string{"users": "email", "media": "key", "schools": "slug", "themes": "slug",
		"materials": "slug"}
	for table, col := range simple {
		keys[table] = map[int64]string{}
		for _, r := range rowsOf(t, st, table) {
			keys[table][r.num("id")] = r.str(col)
		}
	}
	keys["review_rounds"] = map[int64]string{}
	for _, r := range rowsOf(t, st, "review_rounds") {
		keys["review_rounds"][r.num("id")] = fmt.Sprintf("%s@%d", keys["materials"][r.num("material_id")],
			r.num("created_at"))
	}
	keys["comments"] = map[int64]string{}
	for _, r := range rowsOf(t, st, "comments") {
		keys["comments"][r.num("id")] = fmt.Sprintf("%s@%d:%s", keys["materials"][r.num("material_id")],
			r.num("created_at"), r.str("body"))
	}
	return keys
}

func rowsOf(t *testing.T, st *storage.Store, table string) []row {
	t.Helper()
	rows, err := readTable(ctx, st, table)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// snapshot reads every exported table with ids replaced by natural keys,
// one JSON line per row, sorted.
func snapshot(t *testing.T, st *storage.Store, revisions bool) map[string][]string {
	t.Helper()
	keys := naturalKeys(t, st)
	out := map[string][]string{}
	tables := append(slices.Clone(exportedTables), "jobs")
	for _, table := range tables {
		if table == "material_revisions" && !revisions {
			continue
		}
		for _, r := range rowsOf(t, st, table) {
			n, keep := normalize(t, table, r, keys)
			if !keep {
				continue
			}
			b, err := json.Marshal(n)
			if err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], string(b))
		}
		sort.Strings(out[table])
	}
	return out
}

func normalize(t *testing.T, table string, r row, keys map[string]map[int64]string) (map[string]any, bool) {
	t.Helper()
	n := map[string]any{}
	for col, v := range r {
		switch {
		case col == "id" || col == "password_hash":
		case table == "jobs" && col == "dedupe_key":
			n[col] = strings.SplitN(v.(string), ":", 2)[0]
		case refs[col] != "":
			if id, ok := v.(int64); ok {
				n[col] = keys[refs[col]][id]
			} else {
				n[col] = v
			}
		case col == "data" || (table == "materials" && col == "consent"):
			n[col] = normalizeJSON(t, v.(string), keys)
		default:
			n[col] = v
		}
	}
	switch table {
	case "settings":
		k := r.str("key")
		if k == "brand.logo" {
			var id int64
			fmt.Sscan(r.str("value"), &id)
			n["value"] = keys["media"][id]
		}
		return n, isContentSetting(k)
	case "jobs":
		kind := r.str("kind")
		return n, r["done_at"] == nil && (kind == storage.JobPublish || kind == storage.JobUnpublish)
	}
	return n, true
}

// normalizeJSON replaces the ids in a stored material or consent.
func normalizeJSON(t *testing.T, data string, keys map[string]map[int64]string) any {
	t.Helper()
	if data == "" {
		return ""
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
	id := func(table string, x any) any {
		f, ok := x.(float64)
		if !ok || f == 0 {
			return x
		}
		return keys[table][int64(f)]
	}
	consent := func(c map[string]any) {
		c["by"] = id("users", c["by"])
		if l, ok := c["licences"].(map[string]any); ok {
			m := map[string]any{}
			for k, v := range l {
				var n int64
				fmt.Sscan(k, &n)
				m[keys["media"][n]] = v
			}
			c["licences"] = m
		}
	}
	if _, ok := v["Kind"]; !ok {
		consent(v)
		return v
	}
	v["ID"] = id("materials", v["ID"])
	for col, table := range map[string]string{"SchoolID": "schools", "CoverID": "media", "VideoID": "media",
		"CaptionsID": "media", "PosterID": "media", "CreatedBy": "users"} {
		v[col] = id(table, v[col])
	}
	if ts, ok := v["ThemeIDs"].([]any); ok {
		var slugs []string
		for _, x := range ts {
			slugs = append(slugs, id("themes", x).(string))
		}
		slices.Sort(slugs)
		v["ThemeIDs"] = slugs
	}
	if as, ok := v["Attachments"].([]any); ok {
		for _, a := range as {
			a.(map[string]any)["MediaID"] = id("media", a.(map[string]any)["MediaID"])
		}
	}
	if c, ok := v["Consent"].(map[string]any); ok {
		consent(c)
	}
	return v
}

func compareHubs(t *testing.T, a, b *storage.Store, revisions bool) {
	t.Helper()
	sa, sb := snapshot(t, a, revisions), snapshot(t, b, revisions)
	for _, table := range append(slices.Clone(exportedTables), "jobs") {
		if table == "material_revisions" && !revisions {
			if n := len(rowsOf(t, b, table)); n != 0 {
				t.Errorf("material_revisions: %d rows restored from an export without revisions", n)
			}
			continue
		}
		if len(sa[table]) == 0 {
			t.Errorf("%s: the test hub has no rows here", table)
		}
		if !reflect.DeepEqual(sa[table], sb[table]) {
			t.Errorf("%s differs:\nsource:   %s\nrestored: %s", table, strings.Join(sa[table], "\n          "),
				strings.Join(sb[table], "\n          "))
		}
	}
	for _, u := range rowsOf(t, b, "users") {
		if u.str("password_hash") != "" {
			t.Errorf("user %s came back with a password hash", u.str("email"))
		}
	}
	for _, table := range []string{"sessions", "social_channels", "audit_log"} {
		if n := len(rowsOf(t, b, table)); n != 0 {
			t.Errorf("%s: %d rows restored, want none", table, n)
		}
	}
	// The search index was built: the restored hub finds by a word.
	hits, err := b.Search(ctx, "samarbejdet", storage.SearchOptions{})
	if err != nil || len(hits) == 0 {
		t.Errorf("search after restore: %d hits, %v", len(hits), err)
	}
}

// compareBlobs compares the stored files of the media rows by SHA-256.
func compareBlobs(t *testing.T, a, b media.Blobs, more []string) {
	t.Helper()
	keys := append([]string{"cover01.jpg", "logo01.png", "brand01.svg", "film01.mp4", "capt01.vtt",
		"poster01.jpg", "guide01.pdf", "guide02.pdf"}, more...)
	for _, key := range keys {
		if ha, hb := blobHash(t, a, key), blobHash(t, b, key); ha != hb || ha == "" {
			t.Errorf("media %s: sha256 %q, restored %q", key, ha, hb)
		}
	}
	if _, err := b.Open(ctx, "gone01.jpg"); err == nil {
		t.Error("a withdrawn file came back")
	}
}

func blobHash(t *testing.T, blobs media.Blobs, key string) string {
	t.Helper()
	f, err := blobs.Open(ctx, key)
	if err != nil {
		t.Errorf("open %s: %v", key, err)
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// compareDirs compares two exports file by file, apart from when they
// were made.
func compareDirs(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := files(t, a), files(t, b)
	if !reflect.DeepEqual(keysOf(fa), keysOf(fb)) {
		t.Fatalf("the second export has other files:\n%v\n%v", keysOf(fa), keysOf(fb))
	}
	for name, da := range fa {
		db := fb[name]
		if name == fileManifest {
			da, db = withoutTime(t, da), withoutTime(t, db)
		}
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs in the second export:\n%s\n---\n%s", name, da, db)
		}
	}
}

func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keysOf(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func withoutTime(t *testing.T, b []byte) []byte {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.ExportedAt.IsZero() {
		t.Error("the manifest has no exported_at")
	}
	m.ExportedAt = time.Time{}
	out, _ := json.Marshal(m)
	return out
}
