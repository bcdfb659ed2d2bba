package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/material"
)

// fallbackSlug is used for titles that give no slug at all, such as a title
// of only emoji.
const fallbackSlug = "materiale"

const materialColumns = `id, kind, title, slug, summary, body, school_id, language, status,
       featured, cover_id, cover_alt, video_id, captions_id, poster_id, external_url,
       transcript, link_url, link_publisher, created_at, updated_at, published_at,
       scheduled_at, schedule_problem, version, created_by, consent, unpublish_at`

// CreateMaterial stores a new material, giving it an ID and a unique slug
// made from its title. CreatedAt and UpdatedAt are set to now unless given,
// as an import or the starter collection does.
func (s *Store) CreateMaterial(ctx context.Context, m *material.Material) error {
	err := s.inTx(ctx, func(c q) error {
		if err := insertMaterial(ctx, c, m); err != nil {
			return err
		}
		return reindexMaterial(ctx, c, m.ID, nil, textOf(m))
	})
	if err != nil {
		return fmt.Errorf("create material %q: %w", m.Title, err)
	}
	return nil
}

// CreateMaterials stores new materials as CreateMaterial does, all or
// none, indexing them together: far faster than one by one for an import.
func (s *Store) CreateMaterials(ctx context.Context, ms []*material.Material) error {
	err := s.inTx(ctx, func(c q) error {
		for _, m := range ms {
			if err := insertMaterial(ctx, c, m); err != nil {
				return fmt.Errorf("create material %q: %w", m.Title, err)
			}
		}
		return indexNew(ctx, c, ms)
	})
	if err != nil {
		return fmt.Errorf("create materials: %w", err)
	}
	return nil
}

func insertMaterial(ctx context.Context, c q, m *material.Material) error {
	return insertMaterialSlug(ctx, c, m, material.Slugify(m.Title))
}

// insertMaterialSlug stores a new material under base as its slug, or
// base with the lowest free number appended.
func insertMaterialSlug(ctx context.Context, c q, m *material.Material, base string) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = m.CreatedAt
	}
	if m.Status == material.Published && m.PublishedAt.IsZero() {
		m.PublishedAt = now
	}
	slug, err := uniqueSlug(ctx, c, base, 0)
	if err != nil {
		return err
	}
	m.Slug = slug

	err = c.queryRow(ctx, `
		INSERT INTO materials (kind, title, slug, summary, body, school_id, language, status,
		       featured, cover_id, cover_alt, video_id, captions_id, poster_id, external_url,
		       transcript, link_url, link_publisher, search_text, created_at, updated_at,
		       published_at, scheduled_at, schedule_problem, version, created_by, consent, unpublish_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
		RETURNING id`,
		m.Kind, m.Title, m.Slug, m.Summary, m.Body, nullID(m.SchoolID), m.Language, m.Status,
		m.Featured, nullID(m.CoverID), m.CoverAlt, nullID(m.VideoID), nullID(m.CaptionsID),
		nullID(m.PosterID), m.ExternalURL, m.Transcript, m.LinkURL, m.LinkPublisher,
		searchText(m), millis(m.CreatedAt), millis(m.UpdatedAt), nullMillis(m.PublishedAt),
		nullMillis(m.ScheduledAt), m.ScheduleProblem, nullID(m.CreatedBy), consentJSON(m.Consent),
		nullMillis(m.UnpublishAt),
	).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	m.Version = 1
	return writeRelations(ctx, c, m)
}

// UpdateMaterial saves m. When its title gives a new slug, the old slug is
// kept as a redirect so links already shared keep working. m.Version must
// be the stored version, or the save is refused with ErrStale; on success
// it is the new version.
func (s *Store) UpdateMaterial(ctx context.Context, m *material.Material) error {
	return s.inTx(ctx, func(c q) error { return updateMaterial(ctx, c, m) })
}

func updateMaterial(ctx context.Context, c q, m *material.Material) error {
	return updateMaterialSlug(ctx, c, m, "")
}

// updateMaterialSlug is updateMaterial with the slug made from base
// instead of the title, unless base is "".
func updateMaterialSlug(ctx context.Context, c q, m *material.Material, base string) error {
	m.UpdatedAt = time.Now().UTC().Truncate(time.Millisecond)
	if m.Status == material.Published && m.PublishedAt.IsZero() {
		m.PublishedAt = m.UpdatedAt
	}

	err := func() error {
		var oldSlug string
		var version int64
		var old indexedText
		err := c.queryRow(ctx, `SELECT slug, version, kind, title, summary, body, transcript, link_publisher
			FROM materials WHERE id = ?`+c.forUpdate(), m.ID).
			Scan(&oldSlug, &version, &old.kind, &old.title, &old.summary, &old.body, &old.transcript, &old.linkFrom)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if version != m.Version {
			return ErrStale
		}
		if err := renameSlug(ctx, c, m, oldSlug, old.title, base); err != nil {
			return err
		}

		_, err = c.exec(ctx, `
			UPDATE materials
			SET kind = ?, title = ?, slug = ?, summary = ?, body = ?, school_id = ?,
			    language = ?, status = ?, featured = ?, cover_id = ?, cover_alt = ?,
			    video_id = ?, captions_id = ?, poster_id = ?, external_url = ?,
			    transcript = ?, link_url = ?, link_publisher = ?, search_text = ?,
			    updated_at = ?, published_at = ?, scheduled_at = ?, schedule_problem = ?,
			    consent = ?, unpublish_at = ?, version = version + 1
			WHERE id = ?`,
			m.Kind, m.Title, m.Slug, m.Summary, m.Body, nullID(m.SchoolID), m.Language, m.Status,
			m.Featured, nullID(m.CoverID), m.CoverAlt, nullID(m.VideoID), nullID(m.CaptionsID),
			nullID(m.PosterID), m.ExternalURL, m.Transcript, m.LinkURL, m.LinkPublisher,
			searchText(m), millis(m.UpdatedAt), nullMillis(m.PublishedAt), nullMillis(m.ScheduledAt),
			m.ScheduleProblem, consentJSON(m.Consent), nullMillis(m.UnpublishAt), m.ID)
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
		m.Version++
		if err := writeRelations(ctx, c, m); err != nil {
			return err
		}
		return reindexMaterial(ctx, c, m.ID, &old, textOf(m))
	}()
	if err != nil {
		return fmt.Errorf("update material %d: %w", m.ID, err)
	}
	return nil
}

// consentJSON encodes consent answers for the consent column; none
// answered is stored as "".
func consentJSON(c material.Consent) string {
	if !c.Rights && c.Children == "" && c.Names == "" && len(c.Licences) == 0 {
		return ""
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a plain struct of strings, numbers and a map always encodes
	}
	return string(b)
}

// renameSlug gives m the slug of base, or of its title when base is "",
// and records the old one as a redirect when they differ. The slug follows
// the title only while it is the one the previous title gave: a slug that
// came from elsewhere, such as an import, stays.
func renameSlug(ctx context.Context, c q, m *material.Material, oldSlug, oldTitle, base string) error {
	if base == "" {
		if !slugOf(oldSlug, material.Slugify(oldTitle)) {
			m.Slug = oldSlug
			return nil
		}
		base = material.Slugify(m.Title)
	}
	if slugOf(oldSlug, base) {
		m.Slug = oldSlug
		return nil
	}
	if base == "" {
		base = fallbackSlug
	}

	slug, err := uniqueSlug(ctx, c, base, m.ID)
	if err != nil {
		return err
	}
	m.Slug = slug

	// The new slug may be one this material had before.
	if _, err := c.exec(ctx, `DELETE FROM slug_redirects WHERE old_slug = ?`, slug); err != nil {
		return fmt.Errorf("drop redirect: %w", err)
	}
	_, err = c.exec(ctx, `
		INSERT INTO slug_redirects (old_slug, material_id) VALUES (?, ?)
		ON CONFLICT (old_slug) DO UPDATE SET material_id = excluded.material_id`,
		oldSlug, m.ID)
	if err != nil {
		return fmt.Errorf("keep redirect: %w", err)
	}
	return nil
}

// slugOf reports whether slug is base (fallbackSlug when base is "") or
// base with a number added, as uniqueSlug makes it.
func slugOf(slug, base string) bool {
	if base == "" {
		base = fallbackSlug
	}
	return slug == base || strings.HasPrefix(slug, base+"-") && isNumericSuffix(slug[len(base)+1:])
}

func isNumericSuffix(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil && s != "" && s[0] != '0'
}

// slugLocks is how many advisory locks the slugs share. A transaction
// holds each lock it takes until it ends, and PostgreSQL's lock table has
// room for a few thousand, so one lock per slug would make an import of
// thousands of materials fail; slugs that share a lock only wait longer.
const slugLocks = 256

// slugLockKey names the advisory lock of slugs like base.
func slugLockKey(base string) int64 {
	h := fnv.New32a()
	h.Write([]byte(base))
	return int64(indexLockKey)<<16 + 1 + int64(h.Sum32()%slugLocks)
}

// uniqueSlug returns base, or base with the lowest free number appended,
// that no other material uses as its slug or as a redirect.
func uniqueSlug(ctx context.Context, c q, base string, selfID int64) (string, error) {
	if base == "" {
		base = fallbackSlug
	}
	if c.backend == Postgres {
		// Saves that want the same slug take turns until they commit;
		// SQLite's write lock already does this.
		if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, slugLockKey(base)); err != nil {
			return "", fmt.Errorf("lock slug: %w", err)
		}
	}
	// A few look-ups by the unique index find the slug almost always;
	// a title used many times is settled by one scan of its numbers.
	for n := 1; n <= slugProbes; n++ {
		slug := base
		if n > 1 {
			slug += "-" + strconv.Itoa(n)
		} else if base == fallbackSlug {
			continue
		}
		var others int
		err := c.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM materials WHERE slug = ? AND id <> ?) +
			(SELECT COUNT(*) FROM slug_redirects WHERE old_slug = ? AND material_id <> ?)`,
			slug, selfID, slug, selfID).Scan(&others)
		if err != nil {
			return "", fmt.Errorf("find free slug: %w", err)
		}
		if others == 0 { // a material's own redirects are free for it to take back
			return slug, nil
		}
	}
	rows, err := c.query(ctx, `
		SELECT slug, id FROM materials WHERE slug LIKE ?
		UNION ALL
		SELECT old_slug, material_id FROM slug_redirects WHERE old_slug LIKE ?`,
		base+"-%", base+"-%")
	if err != nil {
		return "", fmt.Errorf("find free slug: %w", err)
	}
	defer rows.Close()

	taken := map[string]bool{}
	for rows.Next() {
		var slug string
		var id int64
		if err := rows.Scan(&slug, &id); err != nil {
			return "", fmt.Errorf("find free slug: %w", err)
		}
		taken[slug] = taken[slug] || id != selfID
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("find free slug: %w", err)
	}
	for n := slugProbes + 1; ; n++ {
		slug := base + "-" + strconv.Itoa(n)
		if !taken[slug] {
			return slug, nil
		}
	}
}

// slugProbes is how many slugs uniqueSlug tries one by one.
const slugProbes = 8

func writeRelations(ctx context.Context, c q, m *material.Material) error {
	for _, table := range []string{"material_audiences", "material_grades", "material_themes", "attachments"} {
		if _, err := c.exec(ctx, `DELETE FROM `+table+` WHERE material_id = ?`, m.ID); err != nil {
			return fmt.Errorf("clear %s: %w", table, err)
		}
	}
	for _, a := range dedupe(m.Audiences) {
		if _, err := c.exec(ctx, `INSERT INTO material_audiences (material_id, audience) VALUES (?, ?)`,
			m.ID, a); err != nil {
			return fmt.Errorf("add audience: %w", err)
		}
	}
	for _, g := range dedupe(m.GradeBands) {
		if _, err := c.exec(ctx, `INSERT INTO material_grades (material_id, grade) VALUES (?, ?)`,
			m.ID, g); err != nil {
			return fmt.Errorf("add grade: %w", err)
		}
	}
	for _, t := range dedupe(m.ThemeIDs) {
		if _, err := c.exec(ctx, `INSERT INTO material_themes (material_id, theme_id) VALUES (?, ?)`,
			m.ID, t); err != nil {
			return fmt.Errorf("add theme: %w", err)
		}
	}
	for i, a := range m.Attachments {
		if _, err := c.exec(ctx, `
			INSERT INTO attachments (material_id, position, media_id, title) VALUES (?, ?, ?, ?)`,
			m.ID, i, a.MediaID, a.Title); err != nil {
			return fmt.Errorf("add attachment: %w", err)
		}
	}
	return nil
}

func dedupe[T comparable](in []T) []T {
	seen := make(map[T]bool, len(in))
	out := in[:0:0]
	for _, x := range in {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// searchText is what the workspace's simple search looks in: lowercase, so
// that a case-insensitive LIKE works the same on every backend.
func searchText(m *material.Material) string {
	return strings.ToLower(strings.Join([]string{
		m.Title, m.Summary, m.Body, m.Transcript, m.LinkPublisher,
	}, "\n"))
}

// GetMaterial returns the material with the given ID.
func (s *Store) GetMaterial(ctx context.Context, id int64) (*material.Material, error) {
	ms, err := s.materialsWhere(ctx, `id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("get material %d: %w", id, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("get material %d: %w", id, ErrNotFound)
	}
	return ms[0], nil
}

// GetMaterialBySlug returns the material whose current slug is slug.
func (s *Store) GetMaterialBySlug(ctx context.Context, slug string) (*material.Material, error) {
	ms, err := s.materialsWhere(ctx, `slug = ?`, slug)
	if err != nil {
		return nil, fmt.Errorf("get material %q: %w", slug, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("get material %q: %w", slug, ErrNotFound)
	}
	return ms[0], nil
}

// RedirectSlug returns the current slug of the material that once had slug.
func (s *Store) RedirectSlug(ctx context.Context, slug string) (string, error) {
	var current string
	err := s.q().queryRow(ctx, `
		SELECT m.slug FROM slug_redirects r JOIN materials m ON m.id = r.material_id
		WHERE r.old_slug = ?`, slug).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("redirect %q: %w", slug, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("redirect %q: %w", slug, err)
	}
	return current, nil
}

// MaterialsByID returns the materials with the given IDs in the same order;
// IDs that do not exist are left out.
func (s *Store) MaterialsByID(ctx context.Context, ids []int64) ([]*material.Material, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ms, err := s.materialsWhere(ctx, `id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("materials by id: %w", err)
	}
	byID := make(map[int64]*material.Material, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	out := make([]*material.Material, 0, len(ids))
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// SearchMaterials lists materials in any status for the workspace, most
// recently changed first. An empty query lists everything.
func (s *Store) SearchMaterials(ctx context.Context, query string, limit, offset int) ([]*material.Material,
	int, error) {
	return s.SearchSchoolMaterials(ctx, query, nil, nil, limit, offset)
}

// SearchSchoolMaterials is SearchMaterials limited to the materials of the
// given schools (nil means every material) and leaving out the statuses
// in exclude.
func (s *Store) SearchSchoolMaterials(ctx context.Context, query string, schoolIDs []int64,
	exclude []material.Status, limit, offset int) ([]*material.Material, int, error) {
	where, args := "1 = 1", []any{}
	for _, st := range exclude {
		where += " AND status <> ?"
		args = append(args, st)
	}
	if schoolIDs != nil {
		where += " AND school_id IN (" + placeholders(max(1, len(schoolIDs))) + ")"
		if len(schoolIDs) == 0 {
			args = append(args, int64(0)) // no school: nothing matches
		}
		args = append(args, int64Args(schoolIDs)...)
	}
	for _, word := range strings.Fields(strings.ToLower(query)) {
		where += ` AND search_text LIKE ? ESCAPE '\'`
		args = append(args, "%"+escapeLike(word)+"%")
	}

	var total int
	if err := s.q().queryRow(ctx, `SELECT COUNT(*) FROM materials WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("search materials: %w", err)
	}
	args = append(args, limit, offset)
	ms, err := s.materialsWhere(ctx, where+` ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search materials: %w", err)
	}
	return ms, total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// materialsWhere loads the materials matching a condition, with their
// audiences, grades, themes and attachments.
func (s *Store) materialsWhere(ctx context.Context, cond string, args ...any) ([]*material.Material, error) {
	rows, err := s.q().query(ctx, `SELECT `+materialColumns+` FROM materials WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []*material.Material
	for rows.Next() {
		m, err := scanMaterial(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.loadRelations(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

func scanMaterial(rows *sql.Rows) (*material.Material, error) {
	var m material.Material
	var school, cover, video, captions, poster, published, scheduled, createdBy, unpublish sql.NullInt64
	var created, updated int64
	var consent string
	err := rows.Scan(&m.ID, &m.Kind, &m.Title, &m.Slug, &m.Summary, &m.Body, &school,
		&m.Language, &m.Status, &m.Featured, &cover, &m.CoverAlt, &video, &captions, &poster,
		&m.ExternalURL, &m.Transcript, &m.LinkURL, &m.LinkPublisher, &created, &updated, &published,
		&scheduled, &m.ScheduleProblem, &m.Version, &createdBy, &consent, &unpublish)
	if err != nil {
		return nil, err
	}
	m.CreatedBy, m.UnpublishAt = createdBy.Int64, fromNullMillis(unpublish)
	if consent != "" {
		if err := json.Unmarshal([]byte(consent), &m.Consent); err != nil {
			return nil, fmt.Errorf("material %d: consent: %w", m.ID, err)
		}
	}
	m.SchoolID, m.CoverID, m.VideoID = school.Int64, cover.Int64, video.Int64
	m.CaptionsID, m.PosterID = captions.Int64, poster.Int64
	m.CreatedAt, m.UpdatedAt = fromMillis(created), fromMillis(updated)
	m.PublishedAt = fromNullMillis(published)
	m.ScheduledAt = fromNullMillis(scheduled)
	return &m, nil
}

func (s *Store) loadRelations(ctx context.Context, ms []*material.Material) error {
	if len(ms) == 0 {
		return nil
	}
	byID := make(map[int64]*material.Material, len(ms))
	ids := make([]int64, len(ms))
	for i, m := range ms {
		byID[m.ID], ids[i] = m, m.ID
	}
	in := `material_id IN (` + placeholders(len(ids)) + `)`
	args := int64Args(ids)

	err := s.scanPairs(ctx, `SELECT material_id, audience FROM material_audiences WHERE `+in+
		` ORDER BY audience`, args, func(id int64, v string) {
		byID[id].Audiences = append(byID[id].Audiences, material.Audience(v))
	})
	if err != nil {
		return err
	}
	err = s.scanPairs(ctx, `SELECT material_id, grade FROM material_grades WHERE `+in+
		` ORDER BY grade`, args, func(id int64, v string) {
		byID[id].GradeBands = append(byID[id].GradeBands, material.GradeBand(v))
	})
	if err != nil {
		return err
	}
	err = s.scanPairs(ctx, `SELECT material_id, theme_id FROM material_themes WHERE `+in+
		` ORDER BY theme_id`, args, func(id int64, v string) {
		t, _ := strconv.ParseInt(v, 10, 64) // theme_id is an integer column
		byID[id].ThemeIDs = append(byID[id].ThemeIDs, t)
	})
	if err != nil {
		return err
	}
	sortByKindOrder(ms)
	return s.loadAttachments(ctx, in, args, byID)
}

// sortByKindOrder puts audiences and grade bands in display order.
func sortByKindOrder(ms []*material.Material) {
	for _, m := range ms {
		m.Audiences = inOrder(material.Audiences, m.Audiences)
		m.GradeBands = inOrder(material.GradeBands, m.GradeBands)
	}
}

func inOrder[T comparable](order, have []T) []T {
	var out []T
	for _, x := range order {
		for _, h := range have {
			if h == x {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

func (s *Store) loadAttachments(ctx context.Context, in string, args []any, byID map[int64]*material.Material) error {
	rows, err := s.q().query(ctx, `SELECT material_id, media_id, title FROM attachments WHERE `+in+
		` ORDER BY material_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a material.Attachment
		if err := rows.Scan(&id, &a.MediaID, &a.Title); err != nil {
			return err
		}
		byID[id].Attachments = append(byID[id].Attachments, a)
	}
	return rows.Err()
}

func (s *Store) scanPairs(ctx context.Context, query string, args []any, fn func(int64, string)) error {
	rows, err := s.q().query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v any
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, asString(v))
	}
	return rows.Err()
}

// asString renders a scanned value; drivers differ in whether text arrives
// as string or []byte.
func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}
