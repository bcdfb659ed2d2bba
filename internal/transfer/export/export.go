package export

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
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer/export/mdfile"
)

// ExportOptions choose how an export is written.
type ExportOptions struct {
	// Format is FormatJSON or FormatMarkdown: how materials are written.
	Format string
	// Revisions includes every saved version of every material.
	Revisions bool
}

// settingPrefixes select the settings that are content: the brand, the
// accessibility statement and the editorial choices. Secrets (the server
// secret, the platforms' app secrets) and one-time markers are left out.
var settingPrefixes = []string{"brand.", "a11y.", "workflow."}

// ErrNotEmpty is returned when the export folder already holds files.
var ErrNotEmpty = errors.New("the export folder is not empty")

// Export writes everything st and blobs hold into dir, which must not
// exist or be empty. The files are written into a new folder beside dir
// and moved into place at the end, so dir never holds half an export.
func Export(ctx context.Context, st *storage.Store, blobs media.Blobs, dir string, opts ExportOptions) (*Manifest,
	error) {
	if opts.Format != FormatJSON && opts.Format != FormatMarkdown {
		return nil, fmt.Errorf("export: unknown format %q: use %q or %q", opts.Format, FormatJSON, FormatMarkdown)
	}
	if err := checkEmpty(dir); err != nil {
		return nil, err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".bindeled-export-*")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; cleans up after a failure

	e := &exporter{blobs: blobs, dir: tmp, opts: opts, counts: map[string]int{}}
	err = st.ReadSnapshot(ctx, func(snap *storage.Store) error {
		e.st = snap
		return e.run(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	m := &Manifest{Format: FormatName, Version: FormatVersion, ExportedAt: time.Now().UTC().Truncate(time.Second),
		Materials: opts.Format, Revisions: opts.Revisions, Counts: e.counts}
	if err := writeJSON(tmp, fileManifest, m); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := os.Chmod(tmp, 0o750); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := moveInto(tmp, dir); err != nil {
		return nil, err
	}
	return m, nil
}

// moveInto renames the finished export tmp to dir. os.Rename refuses an
// existing folder even when it is empty, so an empty dir is removed first;
// os.Remove removes only an empty folder, so a file put into dir during the
// export makes the export fail instead of being lost. If the rename then
// fails, the empty folder is made again as the user had it.
func moveInto(tmp, dir string) error {
	removed := false
	if fi, err := os.Lstat(dir); err == nil && fi.IsDir() {
		if err := os.Remove(dir); err != nil {
			if errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("export: %s: %w; choose a new folder", dir, ErrNotEmpty)
			}
			return fmt.Errorf("export: move into %s: %w", dir, err)
		}
		removed = true
	}
	if err := os.Rename(tmp, dir); err != nil {
		if removed {
			_ = os.Mkdir(dir, 0o750) // put the user's empty folder back
		}
		return fmt.Errorf("export: move into %s: %w", dir, err)
	}
	return nil
}

// checkEmpty refuses a dir that holds anything, or is not a folder.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("export: %s: %w; choose a new folder", dir, ErrNotEmpty)
	}
	return nil
}

// exporter holds what one export has read: the natural key of every id.
type exporter struct {
	st     *storage.Store
	blobs  media.Blobs
	dir    string
	opts   ExportOptions
	counts map[string]int

	users     map[int64]string // e-mail
	mediaKeys map[int64]string
	themes    map[int64]string // slug
	schools   map[int64]string // slug
	materials map[int64]string // slug
	rounds    map[int64]int    // a review round's number within its material
}

func (e *exporter) run(ctx context.Context) error {
	steps := []func(context.Context) error{
		e.readKeys, e.writeSettings, e.writeMedia, e.writeThemes, e.writeSchools, e.writeUsers,
		e.writeMaterials, e.writePending, e.writeRedirects, e.writeTransitions, e.writeRevisions,
		e.writeReviews, e.writeComments, e.writeSynonyms, e.writeVisits, e.writeImports, e.writeOldPaths,
		e.writeInline,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// row is a table row by column name, with values as storage.TableRows
// gives them: string, int64 or nil.
type row map[string]any

func readTable(ctx context.Context, st *storage.Store, name string) ([]row, error) {
	cols, err := storage.TableColumns(name)
	if err != nil {
		return nil, err
	}
	vals, err := st.TableRows(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	out := make([]row, len(vals))
	for i, v := range vals {
		r := make(row, len(cols))
		for j, c := range cols {
			r[c] = v[j]
		}
		out[i] = r
	}
	return out, nil
}

func (r row) str(c string) string {
	s, _ := r[c].(string)
	return s
}

func (r row) num(c string) int64 {
	n, _ := r[c].(int64)
	return n
}

// time reads a column of Unix milliseconds; NULL is the zero time.
func (r row) time(c string) time.Time {
	n, ok := r[c].(int64)
	if !ok {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

func (e *exporter) readKeys(ctx context.Context) error {
	keys := func(table, col string) (map[int64]string, error) {
		rows, err := readTable(ctx, e.st, table)
		if err != nil {
			return nil, err
		}
		m := make(map[int64]string, len(rows))
		for _, r := range rows {
			m[r.num("id")] = r.str(col)
		}
		return m, nil
	}
	var err error
	if e.users, err = keys("users", "email"); err != nil {
		return err
	}
	if e.mediaKeys, err = keys("media", "key"); err != nil {
		return err
	}
	if e.themes, err = keys("themes", "slug"); err != nil {
		return err
	}
	if e.schools, err = keys("schools", "slug"); err != nil {
		return err
	}
	e.materials, err = keys("materials", "slug")
	return err
}

func (e *exporter) writeSettings(ctx context.Context) error {
	all, err := e.st.Settings(ctx)
	if err != nil {
		return err
	}
	out := map[string]string{}
	for k, v := range all {
		if !isContentSetting(k) {
			continue
		}
		if k == brand.KeyLogo {
			v = e.mediaKeyOf(v)
			if v == "" {
				continue
			}
		}
		out[k] = v
	}
	e.counts["settings"] = len(out)
	return writeJSON(e.dir, fileSettings, out)
}

func isContentSetting(k string) bool {
	for _, p := range settingPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// mediaKeyOf turns a stored media id in text into its key.
func (e *exporter) mediaKeyOf(id string) string {
	var n int64
	if _, err := fmt.Sscan(id, &n); err != nil {
		return ""
	}
	return e.mediaKeys[n]
}

func (e *exporter) writeMedia(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "media")
	if err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(e.dir, dirMedia), 0o750); err != nil {
		return err
	}
	out := make([]Media, 0, len(rows))
	for _, r := range rows {
		m := Media{Key: r.str("key"), Class: r.str("class"), Type: r.str("content_type"), Size: r.num("size"),
			Width: r.num("width"), Height: r.num("height"), Name: r.str("name"), CreatedAt: r.time("created_at"),
			WithdrawnAt: r.time("withdrawn_at"), UploadedBy: e.users[r.num("uploaded_by")]}
		if !media.ValidKey(m.Key) {
			return fmt.Errorf("media %q: not a media key", m.Key)
		}
		if m.WithdrawnAt.IsZero() {
			if m.SHA256, err = e.copyBlob(ctx, m.Key); err != nil {
				return err
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	e.counts["media"] = len(out)
	return writeJSON(e.dir, fileMedia, out)
}

// copyBlob copies a stored file into media/<key> and returns its SHA-256.
func (e *exporter) copyBlob(ctx context.Context, key string) (string, error) {
	b, err := e.blobs.Open(ctx, key)
	if err != nil {
		return "", fmt.Errorf("media file %s: %w", key, err)
	}
	defer b.Close()
	f, err := os.OpenFile(filepath.Join(e.dir, dirMedia, key), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), b); err != nil {
		f.Close()
		return "", fmt.Errorf("media file %s: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (e *exporter) writeThemes(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "themes")
	if err != nil {
		return err
	}
	out := make([]Theme, 0, len(rows))
	for _, r := range rows {
		out = append(out, Theme{Slug: r.str("slug"), Name: r.str("name"), Description: r.str("description")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	e.counts["themes"] = len(out)
	return writeJSON(e.dir, fileThemes, out)
}

func (e *exporter) writeSchools(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "schools")
	if err != nil {
		return err
	}
	out := make([]School, 0, len(rows))
	for _, r := range rows {
		out = append(out, School{Slug: r.str("slug"), Name: r.str("name"), ShortName: r.str("short_name"),
			URL: r.str("url"), Logo: e.mediaKeys[r.num("logo_id")]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	e.counts["schools"] = len(out)
	return writeJSON(e.dir, fileSchools, out)
}

func (e *exporter) writeUsers(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "users")
	if err != nil {
		return err
	}
	schools, err := readTable(ctx, e.st, "user_schools")
	if err != nil {
		return err
	}
	optouts, err := readTable(ctx, e.st, "mail_optouts")
	if err != nil {
		return err
	}
	out := make([]User, 0, len(rows))
	byID := map[int64]*User{}
	for _, r := range rows {
		out = append(out, User{Email: r.str("email"), Name: r.str("name"), Role: r.str("role"),
			Active: r.num("active") != 0, CreatedAt: r.time("created_at")})
	}
	for i, r := range rows {
		byID[r.num("id")] = &out[i]
	}
	for _, r := range schools {
		if u := byID[r.num("user_id")]; u != nil {
			u.Schools = append(u.Schools, e.schools[r.num("school_id")])
		}
	}
	for _, r := range optouts {
		if u := byID[r.num("user_id")]; u != nil {
			u.MailOff = append(u.MailOff, r.str("kind"))
		}
	}
	for i := range out {
		slices.Sort(out[i].Schools)
		slices.Sort(out[i].MailOff)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	e.counts["users"] = len(out)
	return writeJSON(e.dir, fileUsers, out)
}

// portable turns a material into its exported form. References to rows
// that no longer exist (possible only in old revisions) are left out.
func (e *exporter) portable(m *material.Material) Material {
	p := Material{Slug: m.Slug, Kind: string(m.Kind), Title: m.Title, Summary: m.Summary, Body: m.Body,
		School: e.schools[m.SchoolID], Language: m.Language, Status: string(m.Status), Featured: m.Featured,
		Cover: e.mediaKeys[m.CoverID], CoverAlt: m.CoverAlt, Video: e.mediaKeys[m.VideoID],
		Captions: e.mediaKeys[m.CaptionsID], Poster: e.mediaKeys[m.PosterID], ExternalURL: m.ExternalURL,
		Transcript: m.Transcript, LinkURL: m.LinkURL, LinkPublisher: m.LinkPublisher, CreatedAt: m.CreatedAt.UTC(),
		UpdatedAt: m.UpdatedAt.UTC(), PublishedAt: m.PublishedAt.UTC(), ScheduledAt: m.ScheduledAt.UTC(),
		UnpublishAt: m.UnpublishAt.UTC(), ScheduleProblem: m.ScheduleProblem, CreatedBy: e.users[m.CreatedBy],
		Version: m.Version}
	for _, a := range m.Audiences {
		p.Audiences = append(p.Audiences, string(a))
	}
	for _, g := range m.GradeBands {
		p.Grades = append(p.Grades, string(g))
	}
	for _, id := range m.ThemeIDs {
		if s, ok := e.themes[id]; ok {
			p.Themes = append(p.Themes, s)
		}
	}
	slices.Sort(p.Themes)
	for _, a := range m.Attachments {
		p.Attachments = append(p.Attachments, Attachment{Media: e.mediaKeys[a.MediaID], Title: a.Title})
	}
	c := m.Consent
	if c.Rights || c.Children != "" || c.Names != "" || len(c.Licences) > 0 || c.By != 0 || !c.At.IsZero() {
		pc := &Consent{Rights: c.Rights, Children: c.Children, Names: c.Names, By: e.users[c.By], At: c.At.UTC()}
		for id, l := range c.Licences {
			if k, ok := e.mediaKeys[id]; ok {
				if pc.Licences == nil {
					pc.Licences = map[string]string{}
				}
				pc.Licences[k] = l
			}
		}
		p.Consent = pc
	}
	return p
}

func (e *exporter) writeMaterials(ctx context.Context) error {
	ms, err := e.st.AllMaterials(ctx)
	if err != nil {
		return err
	}
	out := make([]Material, len(ms))
	for i, m := range ms {
		out[i] = e.portable(m)
	}
	e.counts["materials"] = len(out)
	if e.opts.Format == FormatJSON {
		return writeJSON(e.dir, fileMaterials, out)
	}
	if err := os.Mkdir(filepath.Join(e.dir, dirMaterials), 0o750); err != nil {
		return err
	}
	for _, m := range out {
		b, err := mdfile.Marshal(m)
		if err != nil {
			return fmt.Errorf("material %s: %w", m.Slug, err)
		}
		if err := os.WriteFile(filepath.Join(e.dir, dirMaterials, m.Slug+".md"), b, 0o640); err != nil {
			return err
		}
	}
	return nil
}

// decodeMaterial reads a material's revision or pending version as stored.
func decodeMaterial(data string) (*material.Material, error) {
	var m material.Material
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func (e *exporter) writePending(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "pending_versions")
	if err != nil {
		return err
	}
	out := make([]Pending, 0, len(rows))
	for _, r := range rows {
		m, err := decodeMaterial(r.str("data"))
		if err != nil {
			return fmt.Errorf("pending version of %s: %w", e.materials[r.num("material_id")], err)
		}
		out = append(out, Pending{Material: e.materials[r.num("material_id")], Status: r.str("status"),
			By: e.users[r.num("user_id")], UpdatedAt: r.time("updated_at"), Version: e.portable(m)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Material < out[j].Material })
	e.counts["pending"] = len(out)
	return writeJSON(e.dir, filePending, out)
}

func (e *exporter) writeRedirects(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "slug_redirects")
	if err != nil {
		return err
	}
	out := make([]Redirect, 0, len(rows))
	for _, r := range rows {
		out = append(out, Redirect{OldSlug: r.str("old_slug"), Material: e.materials[r.num("material_id")]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OldSlug < out[j].OldSlug })
	e.counts["redirects"] = len(out)
	return writeJSON(e.dir, fileRedirects, out)
}

// byMaterial orders rows by their material's slug, keeping the order of
// their ids (the order they were written) within a material.
func (e *exporter) byMaterial(rows []row) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := e.materials[rows[i].num("material_id")], e.materials[rows[j].num("material_id")]
		if a != b {
			return a < b
		}
		return rows[i].num("id") < rows[j].num("id")
	})
}

func (e *exporter) writeTransitions(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "material_transitions")
	if err != nil {
		return err
	}
	e.byMaterial(rows)
	out := make([]Transition, 0, len(rows))
	for _, r := range rows {
		out = append(out, Transition{Material: e.materials[r.num("material_id")], From: r.str("from_status"),
			To: r.str("to_status"), By: e.users[r.num("user_id")], Message: r.str("message"), At: r.time("at")})
	}
	e.counts["transitions"] = len(out)
	return writeJSON(e.dir, fileTransitions, out)
}

func (e *exporter) writeRevisions(ctx context.Context) error {
	if !e.opts.Revisions {
		return nil
	}
	rows, err := readTable(ctx, e.st, "material_revisions")
	if err != nil {
		return err
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := e.materials[rows[i].num("material_id")], e.materials[rows[j].num("material_id")]
		if a != b {
			return a < b
		}
		return rows[i].num("number") < rows[j].num("number")
	})
	out := make([]Revision, 0, len(rows))
	for _, r := range rows {
		slug := e.materials[r.num("material_id")]
		m, err := decodeMaterial(r.str("data"))
		if err != nil {
			return fmt.Errorf("revision %d of %s: %w", r.num("number"), slug, err)
		}
		out = append(out, Revision{Material: slug, Number: r.num("number"), By: e.users[r.num("user_id")],
			At: r.time("at"), Pending: r.str("pending"), Data: e.portable(m)})
	}
	e.counts["revisions"] = len(out)
	return writeJSON(e.dir, fileRevisions, out)
}

func (e *exporter) writeReviews(ctx context.Context) error {
	rounds, err := readTable(ctx, e.st, "review_rounds")
	if err != nil {
		return err
	}
	reviewers, err := readTable(ctx, e.st, "review_reviewers")
	if err != nil {
		return err
	}
	e.byMaterial(rounds)
	out := make([]Round, 0, len(rounds))
	byID := map[int64]int{}
	number := map[string]int{}
	e.rounds = map[int64]int{}
	for _, r := range rounds {
		slug := e.materials[r.num("material_id")]
		number[slug]++
		e.rounds[r.num("id")] = number[slug]
		byID[r.num("id")] = len(out)
		out = append(out, Round{Material: slug, Number: number[slug], Deadline: r.time("deadline"),
			Revision: r.num("revision"), CreatedBy: e.users[r.num("created_by")], CreatedAt: r.time("created_at"),
			ClosedAt: r.time("closed_at")})
	}
	for _, r := range reviewers {
		i, ok := byID[r.num("round_id")]
		if !ok {
			continue
		}
		out[i].Reviewers = append(out[i].Reviewers, Reviewer{User: e.users[r.num("user_id")],
			Verdict: r.str("verdict"), Message: r.str("message"), Revision: r.num("revision"),
			AnsweredAt: r.time("answered_at")})
	}
	for i := range out {
		sort.Slice(out[i].Reviewers, func(a, b int) bool { return out[i].Reviewers[a].User < out[i].Reviewers[b].User })
	}
	e.counts["review_rounds"] = len(out)
	return writeJSON(e.dir, fileReviews, out)
}

func (e *exporter) writeComments(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "comments")
	if err != nil {
		return err
	}
	e.byMaterial(rows)
	out := make([]Comment, 0, len(rows))
	numbers := map[int64]int{}
	count := map[int64]int{}
	for _, r := range rows {
		mid := r.num("material_id")
		count[mid]++
		numbers[r.num("id")] = count[mid]
		out = append(out, Comment{Material: e.materials[mid], Number: count[mid], Round: e.rounds[r.num("round_id")],
			Parent: numbers[r.num("parent_id")], By: e.users[r.num("user_id")], Paragraph: r.num("paragraph"),
			Body: r.str("body"), CreatedAt: r.time("created_at"), ResolvedAt: r.time("resolved_at"),
			ResolvedBy: e.users[r.num("resolved_by")]})
	}
	e.counts["comments"] = len(out)
	return writeJSON(e.dir, fileComments, out)
}

func (e *exporter) writeSynonyms(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "search_synonyms")
	if err != nil {
		return err
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.str("words"))
	}
	slices.Sort(out)
	e.counts["synonyms"] = len(out)
	return writeJSON(e.dir, fileSynonyms, out)
}

func (e *exporter) writeVisits(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "channel_visits")
	if err != nil {
		return err
	}
	out := make([]Visit, 0, len(rows))
	for _, r := range rows {
		out = append(out, Visit{Material: e.materials[r.num("material_id")], Channel: r.str("channel"),
			Day: r.str("day"), Visits: r.num("visits")})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Material != b.Material {
			return a.Material < b.Material
		}
		if a.Channel != b.Channel {
			return a.Channel < b.Channel
		}
		return a.Day < b.Day
	})
	e.counts["visits"] = len(out)
	return writeJSON(e.dir, fileVisits, out)
}

func (e *exporter) writeImports(ctx context.Context) error {
	items, err := readTable(ctx, e.st, "import_items")
	if err != nil {
		return err
	}
	files, err := readTable(ctx, e.st, "import_files")
	if err != nil {
		return err
	}
	out := Imports{Items: make([]ImportItem, 0, len(items)), Files: make([]ImportFile, 0, len(files))}
	for _, r := range items {
		out.Items = append(out.Items, ImportItem{Source: r.str("source"), Key: r.str("key"),
			Material: e.materials[r.num("material_id")], Hash: r.str("hash")})
	}
	for _, r := range files {
		out.Files = append(out.Files, ImportFile{Source: r.str("source"), Key: r.str("key"),
			Media: e.mediaKeys[r.num("media_id")], SHA256: r.str("hash")})
	}
	sort.Slice(out.Items, func(i, j int) bool {
		a, b := out.Items[i], out.Items[j]
		return a.Source < b.Source || a.Source == b.Source && a.Key < b.Key
	})
	sort.Slice(out.Files, func(i, j int) bool {
		a, b := out.Files[i], out.Files[j]
		return a.Source < b.Source || a.Source == b.Source && a.Key < b.Key
	})
	e.counts["import_items"], e.counts["import_files"] = len(out.Items), len(out.Files)
	return writeJSON(e.dir, fileImports, out)
}

func (e *exporter) writeOldPaths(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "old_paths")
	if err != nil {
		return err
	}
	out := make([]OldPath, 0, len(rows))
	for _, r := range rows {
		out = append(out, OldPath{Path: r.str("path"), Material: e.materials[r.num("material_id")]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	e.counts["old_paths"] = len(out)
	return writeJSON(e.dir, fileOldPaths, out)
}

func (e *exporter) writeInline(ctx context.Context) error {
	rows, err := readTable(ctx, e.st, "material_inline_media")
	if err != nil {
		return err
	}
	out := make([]InlineMedia, 0, len(rows))
	for _, r := range rows {
		out = append(out, InlineMedia{Material: e.materials[r.num("material_id")],
			Media: e.mediaKeys[r.num("media_id")]})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Material < b.Material || a.Material == b.Material && a.Media < b.Media
	})
	e.counts["inline_media"] = len(out)
	return writeJSON(e.dir, fileInline, out)
}

// writeJSON writes v as indented JSON with a final newline.
func writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o640)
}
