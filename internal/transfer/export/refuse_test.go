package export

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// exported makes a full hub on SQLite and exports it in format.
func exported(t *testing.T, format string) string {
	t.Helper()
	st, blobs := storagetest.Open(t, storage.SQLite), newBlobs(t)
	fillHub(t, st, blobs)
	dir := filepath.Join(t.TempDir(), "eksport")
	if _, err := Export(ctx, st, blobs, dir, ExportOptions{Format: format, Revisions: true}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExportRefusesBadFormatAndFullFolder(t *testing.T) {
	st, blobs := storagetest.Open(t, storage.SQLite), newBlobs(t)
	dir := t.TempDir()
	if _, err := Export(ctx, st, blobs, dir, ExportOptions{Format: "xml"}); err == nil ||
		!strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("format xml: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "noter.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Export(ctx, st, blobs, dir, ExportOptions{Format: FormatJSON})
	if !errors.Is(err, ErrNotEmpty) {
		t.Errorf("a folder with files: %v, want ErrNotEmpty", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "noter.txt")); string(b) != "mine" {
		t.Error("a refused export touched the folder's files")
	}
	siblings, _ := os.ReadDir(filepath.Dir(dir))
	for _, s := range siblings {
		if strings.HasPrefix(s.Name(), ".bindeled-export-") {
			t.Errorf("a refused export left %s behind", s.Name())
		}
	}
}

// TestExportIntoAnEmptyFolder exports into a folder that exists and is
// empty, as docs/export.md allows, on both backends.
func TestExportIntoAnEmptyFolder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		blobs := newBlobs(t)
		fillHub(t, st, blobs)
		dir := filepath.Join(t.TempDir(), "tom-mappe")
		must(t, os.Mkdir(dir, 0o750))
		m, err := Export(ctx, st, blobs, dir, ExportOptions{Format: FormatMarkdown})
		if err != nil {
			t.Fatalf("export into an empty folder: %v", err)
		}
		if m.Counts["materials"] == 0 {
			t.Errorf("counts %v", m.Counts)
		}
		if _, err := os.Stat(filepath.Join(dir, fileManifest)); err != nil {
			t.Errorf("no manifest in the folder: %v", err)
		}
		siblings, _ := os.ReadDir(filepath.Dir(dir))
		if len(siblings) != 1 {
			t.Errorf("beside the export: %v, want only the export", siblings)
		}
	})
}

// TestMoveIntoKeepsAFolderThatFilled covers a folder that was empty when
// the export started and got a file before its end: the export fails with
// ErrNotEmpty and the file and the folder stay.
func TestMoveIntoKeepsAFolderThatFilled(t *testing.T) {
	parent := t.TempDir()
	tmp, dir := filepath.Join(parent, ".bindeled-export-1"), filepath.Join(parent, "eksport")
	must(t, os.Mkdir(tmp, 0o750))
	must(t, os.Mkdir(dir, 0o750))
	must(t, os.WriteFile(filepath.Join(dir, "noter.txt"), []byte("mine"), 0o600))
	if err := moveInto(tmp, dir); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("err = %v, want ErrNotEmpty", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "noter.txt")); string(b) != "mine" {
		t.Error("the folder's file is gone")
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("the unfinished export moved: %v", err)
	}
}

func TestExportOfAnEmptyHubRestores(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		dir := filepath.Join(t.TempDir(), "tom")
		m, err := Export(ctx, st, newBlobs(t), dir, ExportOptions{Format: FormatMarkdown})
		if err != nil {
			t.Fatal(err)
		}
		if m.Counts["materials"] != 0 {
			t.Errorf("counts %v", m.Counts)
		}
		if _, err := Restore(ctx, storagetest.Open(t, storage.SQLite), newBlobs(t), dir); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRestoreRefusesHubWithMaterials(t *testing.T) {
	dir := exported(t, FormatJSON)
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := &material.Material{Kind: material.Article, Title: "Findes allerede", Summary: "x", Language: "da",
			Status: material.Draft, Audiences: []material.Audience{material.Parents}}
		must(t, st.CreateMaterial(ctx, m))
		blobs := newBlobs(t)
		_, err := Restore(ctx, st, blobs, dir)
		if !errors.Is(err, ErrHubNotEmpty) {
			t.Fatalf("err = %v, want ErrHubNotEmpty", err)
		}
		assertNothingRestored(t, st, blobs, 1)
	})
}

// assertNothingRestored checks a failed restore left no rows and no files.
func assertNothingRestored(t *testing.T, st *storage.Store, blobs *media.Disk, materials int) {
	t.Helper()
	for table, want := range map[string]int{"materials": materials, "users": 0, "media": 0, "themes": 0} {
		if n := len(rowsOf(t, st, table)); n != want {
			t.Errorf("%s: %d rows after a failed restore, want %d", table, n, want)
		}
	}
	for _, key := range []string{"cover01.jpg", "film01.mp4", "guide01.pdf"} {
		if f, err := blobs.Open(ctx, key); err == nil {
			f.Close()
			t.Errorf("media file %s stayed after a failed restore", key)
		}
	}
}

func TestRestoreFailsWholeAndDeletesItsFiles(t *testing.T) {
	dir := exported(t, FormatJSON)
	// A comment on a material the export does not have fails the restore
	// after the media files are stored.
	var comments []Comment
	readJSONFile(t, filepath.Join(dir, fileComments), &comments)
	comments = append(comments, Comment{Material: "findes-ikke", Number: 1, Body: "x"})
	writeJSONFile(t, filepath.Join(dir, fileComments), comments)

	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		blobs := newBlobs(t)
		_, err := Restore(ctx, st, blobs, dir)
		if err == nil || !strings.Contains(err.Error(), `unknown material "findes-ikke"`) {
			t.Fatalf("err = %v", err)
		}
		assertNothingRestored(t, st, blobs, 0)
	})
}

func TestRestoreChecksMediaFiles(t *testing.T) {
	dir := exported(t, FormatMarkdown)
	if err := os.WriteFile(filepath.Join(dir, dirMedia, "guide02.pdf"), []byte("changed"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, blobs := storagetest.Open(t, storage.SQLite), newBlobs(t)
	_, err := Restore(ctx, st, blobs, dir)
	if err == nil || !strings.Contains(err.Error(), "media/guide02.pdf does not match its sha256") {
		t.Fatalf("err = %v", err)
	}
	assertNothingRestored(t, st, blobs, 0)

	if err := os.Remove(filepath.Join(dir, dirMedia, "guide02.pdf")); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, st, blobs, dir); err == nil || !strings.Contains(err.Error(), "guide02.pdf") {
		t.Fatalf("a missing file: %v", err)
	}
}

func TestRestoreRefusesBadInput(t *testing.T) {
	cases := []struct {
		name, file, content, want string
	}{
		{"not an export", fileManifest, `{"format": "zip", "version": 1}`, `not a Bindeled export`},
		{"newer version", fileManifest, `{"format": "bindeled-export", "version": 2, "materials": "json"}`,
			"export version 2"},
		{"broken JSON", fileThemes, `[{"slug": "a", `, "themes.json"},
		{"misspelt field", fileThemes, `[{"slug": "a", "nme": "A"}]`, `unknown field "nme"`},
		{"theme without name", fileThemes, `[{"slug": "a"}]`, "a theme needs a slug and a name"},
		{"key leaving its folder", fileMedia, `[{"key": "../../etc/passwd", "sha256": "00"}]`,
			`"../../etc/passwd" is not a media key`},
		{"unknown role", fileUsers, `[{"email": "a@example.dk", "role": "boss", "active": true, ` +
			`"created_at": "2026-01-01T00:00:00Z"}]`, `unknown role "boss"`},
		{"one-word synonym group", fileSynonyms, `["mobning, Mobning"]`, "needs two different words"},
		{"unknown media class", fileMedia, `[{"key": "a1.png", "class": "sound", "type": "audio/mpeg"}]`,
			`unknown class "sound"`},
		{"secret setting", fileSettings, `{"server.secret": "x"}`, `"server.secret" is not a setting`},
		{"unknown user", fileTransitions, `[{"material": "skal-rettes", "from": "draft", "to": "in_review", ` +
			`"by": "ukendt@example.dk", "at": "2026-01-01T00:00:00Z"}]`, `unknown user "ukendt@example.dk"`},
		{"bad status", filepath.Join(dirMaterials, "skal-rettes.md"),
			"---\nslug: skal-rettes\nkind: article\ntitle: T\nsummary: s\nlanguage: da\nstatus: gone\n" +
				"created_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nversion: 1\n---\nTekst\n",
			`unknown status "gone"`},
		{"link to javascript:", filepath.Join(dirMaterials, "skal-rettes.md"),
			mdMaterial("kind: link\nsummary: s\nlink_url: 'javascript:alert(1)'\nlink_publisher: P\n"),
			"materials/skal-rettes.md: material skal-rettes: fields the hub refuses: link_url: Enter a full web"},
		{"film on another site", filepath.Join(dirMaterials, "skal-rettes.md"),
			mdMaterial("kind: film\nsummary: s\nexternal_url: https://example.org/film.mp4\n"),
			"material skal-rettes: fields the hub refuses: external_url: The address must lead to a film on YouTube"},
		{"empty summary", filepath.Join(dirMaterials, "skal-rettes.md"), mdMaterial("kind: article\nsummary: ''\n"),
			"material skal-rettes: fields the hub refuses: summary: Required."},
		{"no front matter", filepath.Join(dirMaterials, "skal-rettes.md"), "# Bare tekst\n", "no front matter"},
		{"unclosed front matter", filepath.Join(dirMaterials, "skal-rettes.md"), "---\nslug: a\n",
			"no closing line"},
		{"unknown front matter key", filepath.Join(dirMaterials, "skal-rettes.md"), "---\nforfatter: x\n---\n",
			"field forfatter not found"},
		{"import item of an unknown material", fileImports, `{"items": [{"source": "wp", "key": "post:1", ` +
			`"material": "findes-ikke", "hash": "ab"}], "files": []}`, `unknown material "findes-ikke"`},
		{"import item without a hash", fileImports, `{"items": [{"source": "wp", "key": "post:1", ` +
			`"material": "skal-rettes"}], "files": []}`, "an item needs a source, a key and a hash"},
		{"import item twice", fileImports, `{"items": [{"source": "wp", "key": "post:1", ` +
			`"material": "skal-rettes", "hash": "ab"}, {"source": "wp", "key": "post:1", ` +
			`"material": "planlagt-artikel", "hash": "cd"}], "files": []}`, "listed twice"},
		{"import file of an unknown media file", fileImports, `{"items": [], "files": [{"source": "wp", ` +
			`"key": "a.png", "media": "ukendt.png", "sha256": "ab"}]}`, `unknown media file "ukendt.png"`},
		{"import file without a media file", fileImports, `{"items": [], "files": [{"source": "wp", ` +
			`"key": "a.png", "sha256": "ab"}]}`, "a file needs a source, a key, a media file and a sha256"},
		{"old address that is no path", fileOldPaths, `[{"path": "mailto:a@example.dk", ` +
			`"material": "skal-rettes"}]`, "not an address of a page"},
		{"old address twice", fileOldPaths, `[{"path": "/a", "material": "skal-rettes"}, ` +
			`{"path": "/a", "material": "planlagt-artikel"}]`, `"/a": listed twice`},
		{"old address of an unknown material", fileOldPaths, `[{"path": "/a", "material": "findes-ikke"}]`,
			`unknown material "findes-ikke"`},
		{"inline image unknown", fileInline, `[{"material": "skal-rettes", "media": "ukendt.png"}]`,
			`unknown media file "ukendt.png"`},
		{"inline image without a file", fileInline, `[{"material": "skal-rettes"}]`, "no media file"},
		{"inline image of an unknown material", fileInline, `[{"material": "findes-ikke", ` +
			`"media": "cover01.jpg"}]`, `unknown material "findes-ikke"`},
	}
	base := exported(t, FormatMarkdown)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "kopi")
			if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, c.file), []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			st, blobs := storagetest.Open(t, storage.SQLite), newBlobs(t)
			_, err := Restore(ctx, st, blobs, dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one that says %q", err, c.want)
			}
			assertNothingRestored(t, st, blobs, 0)
		})
	}
}

// mdMaterial is the Markdown file of the material skal-rettes with the
// given front matter lines added to the ones every material needs.
func mdMaterial(lines string) string {
	return "---\nslug: skal-rettes\ntitle: T\n" + lines + "audiences: [parents]\nlanguage: da\nstatus: draft\n" +
		"created_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nversion: 1\n---\nDerfor.\n"
}

// TestRestoreRunsTheMaterialChecks edits a field of a material or of a
// pending version in an export of each format and expects the restore to
// refuse it on both backends, naming the file, the material and the field.
func TestRestoreRunsTheMaterialChecks(t *testing.T) {
	cases := []struct {
		name, format, file, old, new, want string
	}{
		{"link to javascript: in materials.json", FormatJSON, fileMaterials,
			`"link_url": "https://example.org/trivsel"`, `"link_url": "javascript:alert(1)"`,
			"materials.json: material god-side-om-trivsel: fields the hub refuses: link_url:"},
		{"link to javascript: in Markdown", FormatMarkdown, filepath.Join(dirMaterials, "god-side-om-trivsel.md"),
			"link_url: https://example.org/trivsel", "link_url: javascript:alert(1)",
			"materials/god-side-om-trivsel.md: material god-side-om-trivsel: fields the hub refuses: link_url:"},
		{"pending film on another site", FormatMarkdown, filePending, `"transcript":`,
			`"external_url": "https://example.org/film", "transcript":`,
			"pending.json: film-om-samarbejdet-mellem-skole-og-hjem: fields the hub refuses: external_url:"},
		{"pending without summary", FormatJSON, filePending, `"summary": "En ny udgave venter"`, `"summary": ""`,
			"pending.json: film-om-samarbejdet-mellem-skole-og-hjem: fields the hub refuses: summary: Required."},
	}
	bases := map[string]string{FormatJSON: exported(t, FormatJSON), FormatMarkdown: exported(t, FormatMarkdown)}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "kopi")
			must(t, os.CopyFS(dir, os.DirFS(bases[c.format])))
			path := filepath.Join(dir, c.file)
			b, err := os.ReadFile(path)
			must(t, err)
			if !strings.Contains(string(b), c.old) {
				t.Fatalf("%s does not hold %s", c.file, c.old)
			}
			must(t, os.WriteFile(path, []byte(strings.Replace(string(b), c.old, c.new, 1)), 0o600))
			storagetest.Each(t, func(t *testing.T, st *storage.Store) {
				blobs := newBlobs(t)
				_, err := Restore(ctx, st, blobs, dir)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("err = %v, want one that says %q", err, c.want)
				}
				assertNothingRestored(t, st, blobs, 0)
			})
		})
	}
}

// TestRestoreReadsEditedMarkdown restores a material a person edited: a
// new body and title, Windows line ends, no trailing newline.
func TestRestoreReadsEditedMarkdown(t *testing.T) {
	dir := exported(t, FormatMarkdown)
	path := filepath.Join(dir, dirMaterials, "skal-rettes.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	front, _, _ := strings.Cut(strings.TrimPrefix(string(b), "---\n"), "\n---\n")
	front = strings.Replace(front, "title: Skal rettes", "title: Rettet af en person", 1)
	text := "---\n" + front + "\n---\n## Ny tekst\n\nSkrevet i hånden."
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "\n", "\r\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	st := storagetest.Open(t, storage.SQLite)
	if _, err := Restore(ctx, st, newBlobs(t), dir); err != nil {
		t.Fatal(err)
	}
	m, err := st.GetMaterialBySlug(ctx, "skal-rettes")
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "Rettet af en person" || m.Body != "## Ny tekst\n\nSkrevet i hånden." {
		t.Errorf("title %q, body %q", m.Title, m.Body)
	}
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreIntoHubWithPeople: a hub with users, themes and schools but no
// materials takes a restore; its users keep their passwords, its themes
// and schools get the exported names.
func TestRestoreIntoHubWithPeople(t *testing.T) {
	dir := exported(t, FormatJSON)
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		ada := addUser(t, st, "ada@example.dk", "Ada i den nye hub", storage.RoleEditor, true)
		th := storage.Theme{Slug: "trivsel", Name: "Gammelt navn"}
		must(t, st.SaveTheme(ctx, &th))
		if _, err := Restore(ctx, st, newBlobs(t), dir); err != nil {
			t.Fatal(err)
		}
		u, err := st.UserByEmail(ctx, "ada@example.dk")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != ada.ID || u.PasswordHash == "" || u.Role != storage.RoleEditor {
			t.Errorf("the hub's own user changed: %+v", u)
		}
		themes, err := st.Themes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(themes) != 2 || themes[0].ID != th.ID && themes[1].ID != th.ID {
			t.Fatalf("themes %+v", themes)
		}
		for _, x := range themes {
			if x.Slug == "trivsel" && (x.ID != th.ID || x.Name != "Trivsel") {
				t.Errorf("theme trivsel: %+v", x)
			}
		}
		users := rowsOf(t, st, "users")
		if len(users) != 5 {
			t.Errorf("%d users, want 5", len(users))
		}
	})
}

// TestExportNamesAMissingFile: a file the media store has lost stops the
// export with its key, and no folder is left.
func TestExportNamesAMissingFile(t *testing.T) {
	st, blobs := storagetest.Open(t, storage.SQLite), newBlobs(t)
	fillHub(t, st, blobs)
	must(t, blobs.Delete(ctx, "guide02.pdf"))
	dir := filepath.Join(t.TempDir(), "eksport")
	_, err := Export(ctx, st, blobs, dir, ExportOptions{Format: FormatJSON})
	if err == nil || !strings.Contains(err.Error(), "media file guide02.pdf") {
		t.Fatalf("err = %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 0 {
		t.Errorf("a failed export left %v", entries)
	}
}
