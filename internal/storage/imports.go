package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/material"
)

// ImportSet is what one import stores, all in one transaction. The
// transfer package prepares it from a bundle: checked items, their media
// files already in the media store, and the keys that tie each to what an
// earlier run of the same source stored.
type ImportSet struct {
	// Source names where the items come from; with an item's key it finds
	// the material an earlier run made.
	Source string
	// Actor is who imports, 0 for the command line.
	Actor int64
	// Message is kept with each material's recorded move.
	Message string
	// Now is the time of the import, for revisions, moves and new rows;
	// zero means the clock's.
	Now time.Time

	Themes []Theme // matched by slug; new ones are created
	Users  []User  // matched by e-mail; new ones are created inactive contributors
	Files  []ImportFile
	Items  []ImportItem

	// Progress, when set, is called after each item is stored with the
	// number stored so far.
	Progress func(done int)
}

// ImportFile is a media file of the source. A file with MediaID set is one
// an earlier run stored, reused; otherwise Media, just put in the media
// store, is recorded.
type ImportFile struct {
	Key     string // the file's key in the source, such as its URL
	Hash    string // SHA-256 of the source's bytes, in hex
	MediaID int64
	Media   Media
}

// ImportItem is one material of the source, ready to store.
type ImportItem struct {
	Key string
	// Hash sums up everything stored for the item; when it equals the
	// hash an earlier run stored, the item is unchanged and left alone.
	Hash string
	// Slug is the slug wanted; a number is added when another material
	// has it.
	Slug string
	// M is the material. Its theme, author and media ids are set from the
	// fields below.
	M               *material.Material
	ThemeSlugs      []string
	AuthorEmail     string   // "" for none
	CoverFile       string   // an ImportFile key, "" for none
	AttachmentFiles []string // an ImportFile key for each of M.Attachments
	InlineFiles     []string // ImportFile keys of the images the body shows
	OldPaths        []string // made by OldPath
	// OwnWork answers the consent questions as material.OwnWork does,
	// once the files have their ids.
	OwnWork bool // UpdateOnly updates the material an earlier run made and never
	// creates one: without it the item is left out (ImportLeftOut).
	UpdateOnly bool
}

// ImportAction is what an import did with an item.
type ImportAction string

// The actions of an import.
const (
	ImportCreated   ImportAction = "created"
	ImportUpdated   ImportAction = "updated"
	ImportUnchanged ImportAction = "unchanged"
	// ImportLeftOut is an UpdateOnly item with no material to update.
	ImportLeftOut ImportAction = "left-out"
)

// ImportOutcome is what became of one item.
type ImportOutcome struct {
	Action     ImportAction
	MaterialID int64
	Slug       string
	// Taken are the item's old addresses that already lead to another
	// material: the first claim wins, so they were left as they were.
	Taken []string
}

// ImportResult is what Import did: one outcome per item, in order, and
// the counts of what it created besides.
type ImportResult struct {
	Items         []ImportOutcome
	ThemesCreated int
	UsersCreated  int
	Redirects     int // old addresses added
}

// ImportState is what earlier runs of a source stored, for an import to
// match its items and files against.
type ImportState struct {
	Items    map[string]ImportedItem // by item key
	Files    map[string]ImportedFile // by file key; withdrawn files are left out
	OldPaths map[string]int64        // old address → material id, for every old address the hub has
}

// ImportedItem is an item an earlier run stored.
type ImportedItem struct {
	MaterialID int64
	Hash       string
}

// ImportedFile is a file an earlier run stored.
type ImportedFile struct {
	MediaID  int64
	MediaKey string
	Hash     string
}

// ImportState returns what earlier imports of source stored.
func (s *Store) ImportState(ctx context.Context, source string) (*ImportState, error) {
	st := &ImportState{Items: map[string]ImportedItem{}, Files: map[string]ImportedFile{}, OldPaths: map[string]int64{}}
	rows, err := s.q().query(ctx, `SELECT key, material_id, hash FROM import_items WHERE source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("import state: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var it ImportedItem
		if err := rows.Scan(&key, &it.MaterialID, &it.Hash); err != nil {
			return nil, fmt.Errorf("import state: %w", err)
		}
		st.Items[key] = it
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("import state: %w", err)
	}

	frows, err := s.q().query(ctx, `
		SELECT f.key, f.media_id, m.key, f.hash FROM import_files f JOIN media m ON m.id = f.media_id
		WHERE f.source = ? AND m.withdrawn_at IS NULL`, source)
	if err != nil {
		return nil, fmt.Errorf("import state: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var key string
		var f ImportedFile
		if err := frows.Scan(&key, &f.MediaID, &f.MediaKey, &f.Hash); err != nil {
			return nil, fmt.Errorf("import state: %w", err)
		}
		st.Files[key] = f
	}
	if err := frows.Err(); err != nil {
		return nil, fmt.Errorf("import state: %w", err)
	}

	err = s.scanPairs(ctx, `SELECT material_id, path FROM old_paths`, nil,
		func(id int64, path string) { st.OldPaths[path] = id })
	if err != nil {
		return nil, fmt.Errorf("import state: %w", err)
	}
	return st, nil
}

// Import stores an import set in one transaction: all of it or, on any
// error, nothing. Items an earlier run of the same source stored are
// updated, or left alone when their hash is the same.
func (s *Store) Import(ctx context.Context, set *ImportSet) (*ImportResult, error) {
	var res *ImportResult
	err := s.inTx(ctx, func(c q) error {
		res = &ImportResult{}
		im := importer{c: c, set: set, res: res}
		return im.run(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", set.Source, err)
	}
	return res, nil
}

// importer stores one import set inside its transaction.
type importer struct {
	c      q
	set    *ImportSet
	res    *ImportResult
	now    int64
	themes map[string]int64 // slug → id
	users  map[string]int64 // e-mail → id
	files  map[string]int64 // file key → media id
}

func (im *importer) run(ctx context.Context) error {
	im.now = millis(time.Now())
	if !im.set.Now.IsZero() {
		im.now = millis(im.set.Now)
	}
	if im.c.backend == Postgres {
		// Two runs of one source take turns, so neither creates a material
		// the other is creating; SQLite's write lock does the same.
		if _, err := im.c.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, "import:"+im.set.Source); err != nil {
			return fmt.Errorf("lock source: %w", err)
		}
	}
	if err := im.storeThemes(ctx); err != nil {
		return err
	}
	if err := im.storeUsers(ctx); err != nil {
		return err
	}
	if err := im.storeFiles(ctx); err != nil {
		return err
	}

	var created []*material.Material
	for i := range im.set.Items {
		it := &im.set.Items[i]
		out, err := im.storeItem(ctx, it)
		if err != nil {
			return fmt.Errorf("item %s: %w", it.Key, err)
		}
		if out.Action == ImportCreated {
			created = append(created, it.M)
		}
		im.res.Items = append(im.res.Items, out)
		if im.set.Progress != nil {
			im.set.Progress(i + 1)
		}
	}
	if len(created) == 0 {
		return nil
	}
	return indexNew(ctx, im.c, created)
}

func (im *importer) storeThemes(ctx context.Context) error {
	im.themes = map[string]int64{}
	for _, t := range im.set.Themes {
		var id int64
		err := im.c.queryRow(ctx, `SELECT id FROM themes WHERE slug = ?`, t.Slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = im.c.queryRow(ctx, `INSERT INTO themes (slug, name, description) VALUES (?, ?, ?) RETURNING id`,
				t.Slug, t.Name, t.Description).Scan(&id)
			im.res.ThemesCreated++
		}
		if err != nil {
			return fmt.Errorf("theme %q: %w", t.Slug, err)
		}
		im.themes[t.Slug] = id
	}
	return nil
}

func (im *importer) storeUsers(ctx context.Context) error {
	im.users = map[string]int64{}
	for _, u := range im.set.Users {
		email := NormalizeEmail(u.Email)
		var id int64
		err := im.c.queryRow(ctx, `SELECT id FROM users WHERE email = ?`, email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = im.c.queryRow(ctx, `
				INSERT INTO users (email, name, role, password_hash, active, created_at)
				VALUES (?, ?, ?, '', ?, ?) RETURNING id`,
				email, CleanName(u.Name), RoleContributor, false, im.now).Scan(&id)
			im.res.UsersCreated++
		}
		if err != nil {
			return fmt.Errorf("user %q: %w", email, err)
		}
		im.users[email] = id
	}
	return nil
}

func (im *importer) storeFiles(ctx context.Context) error {
	im.files = map[string]int64{}
	for i := range im.set.Files {
		f := &im.set.Files[i]
		id := f.MediaID
		if id == 0 {
			m := &f.Media
			m.CreatedAt = fromMillis(im.now)
			m.UploadedBy = im.set.Actor
			err := im.c.queryRow(ctx, `
				INSERT INTO media (key, class, content_type, size, width, height, name, created_at, uploaded_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				m.Key, m.Class, m.ContentType, m.Size, m.Width, m.Height, m.Name, im.now, nullID(m.UploadedBy),
			).Scan(&m.ID)
			if err != nil {
				return fmt.Errorf("record file %s: %w", f.Key, err)
			}
			if m.Class == "image" {
				if err := planRenditions(ctx, im.c, m.ID, im.now); err != nil {
					return err
				}
			}
			id = m.ID
		}
		_, err := im.c.exec(ctx, `
			INSERT INTO import_files (source, key, media_id, hash) VALUES (?, ?, ?, ?)
			ON CONFLICT (source, key) DO UPDATE SET media_id = excluded.media_id, hash = excluded.hash`,
			im.set.Source, f.Key, id, f.Hash)
		if err != nil {
			return fmt.Errorf("keep file %s: %w", f.Key, err)
		}
		im.files[f.Key] = id
	}
	return nil
}

// resolve sets the ids of the item's themes, author and files.
func (im *importer) resolve(it *ImportItem) {
	m := it.M
	m.ThemeIDs = nil
	for _, slug := range it.ThemeSlugs {
		if id := im.themes[slug]; id != 0 {
			m.ThemeIDs = append(m.ThemeIDs, id)
		}
	}
	if it.AuthorEmail != "" {
		m.CreatedBy = im.users[NormalizeEmail(it.AuthorEmail)]
	}
	if it.CoverFile != "" {
		m.CoverID = im.files[it.CoverFile]
	}
	for i := range m.Attachments {
		if i < len(it.AttachmentFiles) {
			m.Attachments[i].MediaID = im.files[it.AttachmentFiles[i]]
		}
	}
	if it.OwnWork {
		material.OwnWork(m)
	}
}

func (im *importer) storeItem(ctx context.Context, it *ImportItem) (ImportOutcome, error) {
	im.resolve(it)
	m := it.M

	var prevID, version int64
	var prevHash, prevSlug string
	var prevStatus material.Status
	err := im.c.queryRow(ctx, `
		SELECT i.material_id, i.hash, m.slug, m.version, m.status
		FROM import_items i JOIN materials m ON m.id = i.material_id
		WHERE i.source = ? AND i.key = ?`, im.set.Source, it.Key).
		Scan(&prevID, &prevHash, &prevSlug, &version, &prevStatus)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ImportOutcome{}, fmt.Errorf("find earlier import: %w", err)
	}
	if prevID == 0 && it.UpdateOnly {
		return ImportOutcome{Action: ImportLeftOut}, nil
	}
	if prevID != 0 && prevHash == it.Hash {
		m.ID, m.Slug = prevID, prevSlug
		return ImportOutcome{Action: ImportUnchanged, MaterialID: prevID, Slug: prevSlug}, nil
	}

	out := ImportOutcome{Action: ImportCreated}
	from := material.Draft
	if prevID != 0 {
		out.Action, from = ImportUpdated, prevStatus
		m.ID, m.Version = prevID, version
		if err := updateMaterialSlug(ctx, im.c, m, it.Slug); err != nil {
			return out, err
		}
	} else if err := insertMaterialSlug(ctx, im.c, m, it.Slug); err != nil {
		return out, err
	}
	out.MaterialID, out.Slug = m.ID, m.Slug

	if err := im.record(ctx, m, from, out.Action); err != nil {
		return out, err
	}
	if out.Taken, err = im.storeLinks(ctx, it); err != nil {
		return out, err
	}
	_, err = im.c.exec(ctx, `
		INSERT INTO import_items (source, key, material_id, hash) VALUES (?, ?, ?, ?)
		ON CONFLICT (source, key) DO UPDATE SET material_id = excluded.material_id, hash = excluded.hash`,
		im.set.Source, it.Key, m.ID, it.Hash)
	if err != nil {
		return out, fmt.Errorf("keep import key: %w", err)
	}
	return out, nil
}

// record keeps a revision and the move, and plans the material's jobs,
// as a save through the workflow does.
func (im *importer) record(ctx context.Context, m *material.Material, from material.Status, action ImportAction) error {
	if action == ImportCreated || from != m.Status {
		if _, err := im.c.exec(ctx, `
			INSERT INTO material_transitions (material_id, from_status, to_status, user_id, message, at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			m.ID, from, m.Status, nullID(im.set.Actor), im.set.Message, im.now); err != nil {
			return fmt.Errorf("record move: %w", err)
		}
	}
	if err := addRevision(ctx, im.c, m, im.set.Actor, im.now, ""); err != nil {
		return err
	}
	if action == ImportUpdated {
		if err := socialAfterSave(ctx, im.c, m, from); err != nil {
			return err
		}
	}
	var publishAt time.Time
	if m.Status == material.Scheduled {
		publishAt = m.ScheduledAt
	}
	if err := planJob(ctx, im.c, JobPublish, m.ID, publishAt); err != nil {
		return err
	}
	return planJob(ctx, im.c, JobUnpublish, m.ID, m.UnpublishAt)
}

// storeLinks keeps the images the body shows and the old addresses. An
// old address that already leads to another material stays with it (the
// first claim wins) and is returned.
func (im *importer) storeLinks(ctx context.Context, it *ImportItem) ([]string, error) {
	id := it.M.ID
	if _, err := im.c.exec(ctx, `DELETE FROM material_inline_media WHERE material_id = ?`, id); err != nil {
		return nil, fmt.Errorf("clear inline media: %w", err)
	}
	for _, key := range dedupe(it.InlineFiles) {
		mediaID := im.files[key]
		if mediaID == 0 {
			continue
		}
		if _, err := im.c.exec(ctx, `INSERT INTO material_inline_media (material_id, media_id) VALUES (?, ?)
			ON CONFLICT (material_id, media_id) DO NOTHING`, id, mediaID); err != nil {
			return nil, fmt.Errorf("add inline media: %w", err)
		}
	}
	var taken []string
	for _, path := range dedupe(it.OldPaths) {
		res, err := im.c.exec(ctx, `INSERT INTO old_paths (path, material_id) VALUES (?, ?)
			ON CONFLICT (path) DO NOTHING`, path, id)
		if err != nil {
			return nil, fmt.Errorf("keep old address: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			im.res.Redirects++
			continue
		}
		var owner int64
		if err := im.c.queryRow(ctx, `SELECT material_id FROM old_paths WHERE path = ?`, path).
			Scan(&owner); err != nil {
			return nil, fmt.Errorf("find old address: %w", err)
		}
		if owner != id {
			taken = append(taken, path)
		}
	}
	return taken, nil
}

// channelTag is the key of the hub's own channel tags (share.TagParam,
// "?k=aula"), left out of old addresses like the platforms' tracking keys.
const channelTag = "k"

// OldPath normalises an address a material had on an old site, so that
// a request for it finds it however it is written: the host and scheme
// are dropped, a trailing slash is optional, the query's keys are sorted
// and the tracking keys that sharing adds (utm_…, fbclid, gclid, the
// hub's own k) are left out. It reports false for what is not an address
// of a page.
func OldPath(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 2000 {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "", false
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return "", false
	}
	path := u.Path
	if !strings.HasPrefix(path, "/") {
		if u.Host == "" {
			return "", false
		}
		path = "/" + path
	}
	if len(path) > 1 {
		path = strings.TrimRight(path, "/")
		if path == "" {
			path = "/"
		}
	}
	out := (&url.URL{Path: path}).EscapedPath()

	values, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", false
	}
	for k, vs := range values {
		if k == "" || strings.HasPrefix(k, "utm_") || k == "fbclid" || k == "gclid" || k == channelTag {
			delete(values, k)
			continue
		}
		sort.Strings(vs)
	}
	if q := values.Encode(); q != "" { // Encode sorts by key
		out += "?" + q
	}
	return out, true
}

// OldPathTarget returns the slug of the material an old address (made by
// OldPath) leads to, and whether it is public.
func (s *Store) OldPathTarget(ctx context.Context, path string) (string, bool, error) {
	var slug string
	var status material.Status
	err := s.q().queryRow(ctx, `
		SELECT m.slug, m.status FROM old_paths o JOIN materials m ON m.id = o.material_id
		WHERE o.path = ?`, path).Scan(&slug, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, fmt.Errorf("old address %q: %w", path, ErrNotFound)
	}
	if err != nil {
		return "", false, fmt.Errorf("old address %q: %w", path, err)
	}
	return slug, status.Public(), nil
}

// InlineMedia lists the media ids of the images a material's body shows.
func (s *Store) InlineMedia(ctx context.Context, materialID int64) ([]int64, error) {
	ids, err := collectIDs(ctx, s.q(), `SELECT media_id FROM material_inline_media WHERE material_id = ?
		ORDER BY media_id`, materialID)
	if err != nil {
		return nil, fmt.Errorf("inline media of material %d: %w", materialID, err)
	}
	return ids, nil
}
