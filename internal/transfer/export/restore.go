package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/search"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer/export/mdfile"
)

// ErrHubNotEmpty is returned when the hub to restore into has materials.
var ErrHubNotEmpty = errors.New("the hub already has materials; restore into a new, empty hub")

// maxFile bounds how much of one JSON or Markdown file a restore reads.
const maxFile = 512 << 20

// contents is an export as read from its folder.
type contents struct {
	manifest    Manifest
	settings    map[string]string
	media       []Media
	themes      []Theme
	schools     []School
	users       []User
	materials   []Material
	sources     []string // the file each material was read from, by index
	pending     []Pending
	redirects   []Redirect
	transitions []Transition
	revisions   []Revision
	reviews     []Round
	comments    []Comment
	synonyms    []string
	visits      []Visit
	imports     Imports
	oldPaths    []OldPath
	inline      []InlineMedia
}

// Restore reads the export in dir into st and blobs. The hub must have no
// materials. Every media file is checked against its SHA-256 before
// anything is stored; the rows are written in one transaction, and the
// media files a failed restore stored are deleted again. Users come back
// without passwords. It returns the manifest read.
func Restore(ctx context.Context, st *storage.Store, blobs media.Blobs, dir string) (*Manifest, error) {
	c, err := readExport(dir)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	// Refuse a hub with materials before hashing the media files; the
	// transaction below checks again.
	if err := st.Load(ctx, checkEmptyHub); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := checkMediaFiles(dir, c.media); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}

	r := &restorer{c: c, dir: dir, blobs: blobs}
	err = st.Load(ctx, func(l *storage.Loader) error { return r.load(ctx, l) })
	if err != nil {
		r.deleteBlobs()
		return nil, fmt.Errorf("restore: %w", err)
	}
	if _, err := st.Reindex(ctx); err != nil {
		return nil, fmt.Errorf("restore: the content is restored, but the search index is not: %w "+
			"(run bindeled reindex)", err)
	}
	return &c.manifest, nil
}

func readExport(dir string) (*contents, error) {
	c := &contents{}
	if err := readJSON(dir, fileManifest, &c.manifest); err != nil {
		return nil, err
	}
	m := c.manifest
	if m.Format != FormatName {
		return nil, fmt.Errorf("%s: not a Bindeled export (format %q)", fileManifest, m.Format)
	}
	if m.Version != FormatVersion {
		return nil, fmt.Errorf("%s: export version %d; this program reads version %d", fileManifest, m.Version,
			FormatVersion)
	}
	files := []struct {
		name string
		v    any
	}{
		{fileSettings, &c.settings}, {fileMedia, &c.media}, {fileThemes, &c.themes}, {fileSchools, &c.schools},
		{fileUsers, &c.users}, {filePending, &c.pending}, {fileRedirects, &c.redirects},
		{fileTransitions, &c.transitions}, {fileReviews, &c.reviews}, {fileComments, &c.comments},
		{fileSynonyms, &c.synonyms}, {fileVisits, &c.visits}, {fileImports, &c.imports},
		{fileOldPaths, &c.oldPaths}, {fileInline, &c.inline},
	}
	for _, f := range files {
		if err := readJSON(dir, f.name, f.v); err != nil {
			return nil, err
		}
	}
	if m.Revisions {
		if err := readJSON(dir, fileRevisions, &c.revisions); err != nil {
			return nil, err
		}
	}
	var err error
	switch m.Materials {
	case FormatJSON:
		err = readJSON(dir, fileMaterials, &c.materials)
		for range c.materials {
			c.sources = append(c.sources, fileMaterials)
		}
	case FormatMarkdown:
		c.materials, c.sources, err = readMarkdownMaterials(filepath.Join(dir, dirMaterials))
	default:
		err = fmt.Errorf("%s: unknown materials format %q", fileManifest, m.Materials)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// readJSON reads one file of the export, refusing unknown fields so a
// misspelt field is reported instead of dropped.
func readJSON(dir, name string, v any) error {
	b, err := readFile(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%s: larger than %d MB", path, maxFile>>20)
	}
	return b, nil
}

// readMarkdownMaterials reads every Markdown file in dir and returns the
// materials with the name of the file each came from.
func readMarkdownMaterials(dir string) ([]Material, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var out []Material
	var sources []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		b, err := readFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, nil, err
		}
		name := dirMaterials + "/" + e.Name()
		m, err := mdfile.Parse(b)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, m)
		sources = append(sources, name)
	}
	return out, sources, nil
}

// checkMediaFiles compares every media file with its size and SHA-256.
func checkMediaFiles(dir string, ms []Media) error {
	for _, m := range ms {
		if !media.ValidKey(m.Key) {
			return fmt.Errorf("%s: %q is not a media key", fileMedia, m.Key)
		}
		switch media.Class(m.Class) {
		case media.Image, media.Video, media.Captions, media.Document:
		default:
			return fmt.Errorf("%s: %s: unknown class %q", fileMedia, m.Key, m.Class)
		}
		if m.Type == "" {
			return fmt.Errorf("%s: %s has no type", fileMedia, m.Key)
		}
		if m.SHA256 == "" {
			if m.WithdrawnAt.IsZero() {
				return fmt.Errorf("%s: %s has no sha256", fileMedia, m.Key)
			}
			continue
		}
		name := filepath.Join(dirMedia, m.Key)
		sum, n, err := hashFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("media file %s: %w", name, err)
		}
		if sum != m.SHA256 || n != m.Size {
			return fmt.Errorf("media file %s does not match its sha256 and size in %s", name, fileMedia)
		}
	}
	return nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// restorer writes one export into a hub and maps natural keys to the new
// ids.
type restorer struct {
	c     *contents
	dir   string
	blobs media.Blobs
	put   []string // media keys stored, deleted again if the restore fails

	users     map[string]int64
	media     map[string]int64
	themes    map[string]int64
	schools   map[string]int64
	materials map[string]int64
	rounds    map[roundKey]int64
}

func (r *restorer) deleteBlobs() {
	for _, k := range r.put {
		// Best effort: the restore has failed already and says why.
		_ = r.blobs.Delete(context.Background(), k)
	}
}

func checkEmptyHub(l *storage.Loader) error {
	n, err := l.Count("materials")
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrHubNotEmpty
	}
	return nil
}

func (r *restorer) load(ctx context.Context, l *storage.Loader) error {
	if err := checkEmptyHub(l); err != nil {
		return err
	}
	steps := []func(context.Context, *storage.Loader) error{
		r.loadUsers, r.loadMedia, r.loadSettings, r.loadThemes, r.loadSchools, r.loadMemberships,
		r.loadMaterials, r.loadPending, r.loadRedirects, r.loadTransitions, r.loadRevisions, r.loadReviews,
		r.loadComments, r.loadSynonyms, r.loadVisits, r.loadJobs, r.loadImports, r.loadOldPaths, r.loadInline,
		r.markStarter,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := step(ctx, l); err != nil {
			return err
		}
	}
	return nil
}

// user returns the id of a user by e-mail; "" is none.
func (r *restorer) user(email, where string) (any, error) {
	if email == "" {
		return nil, nil
	}
	id, ok := r.users[email]
	if !ok {
		return nil, fmt.Errorf("%s: unknown user %q", where, email)
	}
	return id, nil
}

func (r *restorer) mediaID(key, where string) (int64, error) {
	if key == "" {
		return 0, nil
	}
	id, ok := r.media[key]
	if !ok {
		return 0, fmt.Errorf("%s: unknown media file %q", where, key)
	}
	return id, nil
}

func (r *restorer) material(slug, where string) (int64, error) {
	id, ok := r.materials[slug]
	if !ok {
		return 0, fmt.Errorf("%s: unknown material %q", where, slug)
	}
	return id, nil
}

// orNil stores 0 as NULL.
func orNil(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// loadUsers adds the users the hub does not have by e-mail; those it has
// are kept as they are, with their passwords.
func (r *restorer) loadUsers(_ context.Context, l *storage.Loader) error {
	r.users = map[string]int64{}
	for _, u := range r.c.users {
		where := fileUsers + ": " + u.Email
		if u.Email == "" {
			return fmt.Errorf("%s: a user needs an e-mail address", fileUsers)
		}
		if !storage.Role(u.Role).Valid() {
			return fmt.Errorf("%s: unknown role %q", where, u.Role)
		}
		if _, dup := r.users[u.Email]; dup {
			return fmt.Errorf("%s: listed twice", where)
		}
		id, err := l.Lookup("users", "email", u.Email)
		if err != nil {
			return err
		}
		if id == 0 {
			id, err = l.Insert("users", map[string]any{"email": u.Email, "name": u.Name, "role": u.Role,
				"active": u.Active, "created_at": u.CreatedAt, "password_hash": ""})
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
		r.users[u.Email] = id
	}
	return nil
}

// loadMedia stores the files and their rows; a key the hub has already is
// the same file.
func (r *restorer) loadMedia(ctx context.Context, l *storage.Loader) error {
	r.media = map[string]int64{}
	for _, m := range r.c.media {
		where := fileMedia + ": " + m.Key
		id, err := l.Lookup("media", "key", m.Key)
		if err != nil {
			return err
		}
		if id == 0 {
			by, err := r.user(m.UploadedBy, where)
			if err != nil {
				return err
			}
			if m.SHA256 != "" {
				if err := r.putBlob(ctx, m.Key, m.SHA256); err != nil {
					return err
				}
			}
			id, err = l.Insert("media", map[string]any{"key": m.Key, "class": m.Class, "content_type": m.Type,
				"size": m.Size, "width": m.Width, "height": m.Height, "name": m.Name, "created_at": m.CreatedAt,
				"withdrawn_at": m.WithdrawnAt, "uploaded_by": by})
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
		r.media[m.Key] = id
	}
	return nil
}

func (r *restorer) putBlob(ctx context.Context, key, want string) error {
	f, err := os.Open(filepath.Join(r.dir, dirMedia, key))
	if err != nil {
		return fmt.Errorf("media file %s: %w", key, err)
	}
	defer f.Close()
	r.put = append(r.put, key)
	h := sha256.New()
	if _, err := r.blobs.Put(ctx, key, io.TeeReader(f, h)); err != nil {
		return fmt.Errorf("store media file %s: %w", key, err)
	}
	// The file was checked before; it must not have changed since.
	if hex.EncodeToString(h.Sum(nil)) != want {
		return fmt.Errorf("media file %s changed during the restore", filepath.Join(dirMedia, key))
	}
	return nil
}

func (r *restorer) loadSettings(_ context.Context, l *storage.Loader) error {
	for k, v := range r.c.settings {
		if !isContentSetting(k) {
			return fmt.Errorf("%s: %q is not a setting an export carries", fileSettings, k)
		}
		if k == brand.KeyLogo {
			id, err := r.mediaID(v, fileSettings+": "+k)
			if err != nil {
				return err
			}
			v = strconv.FormatInt(id, 10)
		}
		if err := l.PutSetting(k, v); err != nil {
			return err
		}
	}
	return nil
}

// loadThemes adds the themes, or updates a theme the hub has by slug.
func (r *restorer) loadThemes(_ context.Context, l *storage.Loader) error {
	r.themes = map[string]int64{}
	for _, t := range r.c.themes {
		if t.Slug == "" || t.Name == "" {
			return fmt.Errorf("%s: a theme needs a slug and a name", fileThemes)
		}
		vals := map[string]any{"slug": t.Slug, "name": t.Name, "description": t.Description}
		id, err := upsert(l, "themes", t.Slug, vals)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", fileThemes, t.Slug, err)
		}
		r.themes[t.Slug] = id
	}
	return nil
}

func upsert(l *storage.Loader, table, slug string, vals map[string]any) (int64, error) {
	id, err := l.Lookup(table, "slug", slug)
	if err != nil {
		return 0, err
	}
	if id != 0 {
		return id, l.Update(table, id, vals)
	}
	return l.Insert(table, vals)
}

func (r *restorer) loadSchools(_ context.Context, l *storage.Loader) error {
	r.schools = map[string]int64{}
	for _, s := range r.c.schools {
		where := fileSchools + ": " + s.Slug
		if s.Slug == "" || s.Name == "" {
			return fmt.Errorf("%s: a school needs a slug and a name", fileSchools)
		}
		logo, err := r.mediaID(s.Logo, where)
		if err != nil {
			return err
		}
		vals := map[string]any{"slug": s.Slug, "name": s.Name, "short_name": s.ShortName, "url": s.URL,
			"logo_id": orNil(logo)}
		id, err := upsert(l, "schools", s.Slug, vals)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		r.schools[s.Slug] = id
	}
	return nil
}

func (r *restorer) loadMemberships(_ context.Context, l *storage.Loader) error {
	for _, u := range r.c.users {
		where := fileUsers + ": " + u.Email
		for _, s := range u.Schools {
			id, ok := r.schools[s]
			if !ok {
				return fmt.Errorf("%s: unknown school %q", where, s)
			}
			if err := l.InsertIgnore("user_schools", map[string]any{"user_id": r.users[u.Email],
				"school_id": id}); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
		for _, k := range u.MailOff {
			if err := l.InsertIgnore("mail_optouts", map[string]any{"user_id": r.users[u.Email],
				"kind": k}); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return nil
}

// domain turns an exported material back into the hub's form, with the
// new ids. Strict references must exist; old revisions may name files or
// themes that were deleted since, and those are left out.
func (r *restorer) domain(p Material, where string, strict bool) (*material.Material, error) {
	m := &material.Material{Kind: material.Kind(p.Kind), Title: p.Title, Slug: p.Slug, Summary: p.Summary,
		Body: p.Body, Language: p.Language, Status: material.Status(p.Status), Featured: p.Featured,
		CoverAlt: p.CoverAlt, ExternalURL: p.ExternalURL, Transcript: p.Transcript, LinkURL: p.LinkURL,
		LinkPublisher: p.LinkPublisher, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, PublishedAt: p.PublishedAt,
		ScheduledAt: p.ScheduledAt, UnpublishAt: p.UnpublishAt, ScheduleProblem: p.ScheduleProblem,
		Version: p.Version}
	ref := func(ids map[string]int64, key, what string) (int64, error) {
		if key == "" {
			return 0, nil
		}
		id, ok := ids[key]
		if !ok && strict {
			return 0, fmt.Errorf("%s: unknown %s %q", where, what, key)
		}
		return id, nil
	}
	var err error
	refs := []struct {
		dst  *int64
		ids  map[string]int64
		key  string
		what string
	}{
		{&m.SchoolID, r.schools, p.School, "school"}, {&m.CoverID, r.media, p.Cover, "media file"},
		{&m.VideoID, r.media, p.Video, "media file"}, {&m.CaptionsID, r.media, p.Captions, "media file"},
		{&m.PosterID, r.media, p.Poster, "media file"}, {&m.CreatedBy, r.users, p.CreatedBy, "user"},
	}
	for _, x := range refs {
		if *x.dst, err = ref(x.ids, x.key, x.what); err != nil {
			return nil, err
		}
	}
	for _, a := range p.Audiences {
		m.Audiences = append(m.Audiences, material.Audience(a))
	}
	for _, g := range p.Grades {
		m.GradeBands = append(m.GradeBands, material.GradeBand(g))
	}
	for _, t := range p.Themes {
		id, err := ref(r.themes, t, "theme")
		if err != nil {
			return nil, err
		}
		if id != 0 {
			m.ThemeIDs = append(m.ThemeIDs, id)
		}
	}
	for _, a := range p.Attachments {
		id, err := ref(r.media, a.Media, "media file")
		if err != nil {
			return nil, err
		}
		if id != 0 {
			m.Attachments = append(m.Attachments, material.Attachment{MediaID: id, Title: a.Title})
		}
	}
	if p.Consent != nil {
		if err := r.consent(m, p.Consent, where, ref); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (r *restorer) consent(m *material.Material, c *Consent, where string,
	ref func(map[string]int64, string, string) (int64, error)) error {
	m.Consent = material.Consent{Rights: c.Rights, Children: c.Children, Names: c.Names, At: c.At}
	var err error
	if m.Consent.By, err = ref(r.users, c.By, "user"); err != nil {
		return err
	}
	for k, v := range c.Licences {
		id, err := ref(r.media, k, "media file")
		if err != nil {
			return fmt.Errorf("%s: consent: %w", where, err)
		}
		if id == 0 {
			continue
		}
		if m.Consent.Licences == nil {
			m.Consent.Licences = map[int64]string{}
		}
		m.Consent.Licences[id] = v
	}
	return nil
}

// check refuses a material whose fields the hub could not show.
func check(p Material, where string) error {
	switch {
	case p.Slug == "" || material.Slugify(p.Slug) != p.Slug:
		return fmt.Errorf("%s: %q is not a slug", where, p.Slug)
	case !material.Kind(p.Kind).Valid():
		return fmt.Errorf("%s: unknown kind %q", where, p.Kind)
	case !material.Status(p.Status).Valid():
		return fmt.Errorf("%s: unknown status %q", where, p.Status)
	case p.Title == "":
		return fmt.Errorf("%s: no title", where)
	case p.CreatedAt.IsZero() || p.UpdatedAt.IsZero():
		return fmt.Errorf("%s: created_at and updated_at are required", where)
	case p.Version < 1:
		return fmt.Errorf("%s: version must be 1 or more", where)
	}
	for _, a := range p.Audiences {
		if !material.Audience(a).Valid() {
			return fmt.Errorf("%s: unknown audience %q", where, a)
		}
	}
	for _, g := range p.Grades {
		if !material.GradeBand(g).Valid() {
			return fmt.Errorf("%s: unknown grade band %q", where, g)
		}
	}
	return nil
}

func (r *restorer) loadMaterials(_ context.Context, l *storage.Loader) error {
	r.materials = map[string]int64{}
	for i, p := range r.c.materials {
		where := fmt.Sprintf("%s: material %s", r.c.sources[i], p.Slug)
		if err := check(p, where); err != nil {
			return err
		}
		if _, dup := r.materials[p.Slug]; dup {
			return fmt.Errorf("%s: listed twice", where)
		}
		m, err := r.domain(p, where, true)
		if err != nil {
			return err
		}
		if err := validate(m, where); err != nil {
			return err
		}
		if err := l.InsertMaterial(m); err != nil {
			return err
		}
		r.materials[p.Slug] = m.ID
	}
	return nil
}

// validate runs the checks an editor's save passes, so a hand-edited
// export cannot bring in what the workspace would refuse: a link that is
// no web address, a film on a site other than YouTube or Vimeo, an empty
// summary. It names every field that fails, with its message.
func validate(m *material.Material, where string) error {
	p := material.Validate(m)
	if p == nil {
		return nil
	}
	fields := make([]string, 0, len(p))
	for f := range p {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	parts := make([]string, len(fields))
	for i, f := range fields {
		msgs := make([]string, len(p[f]))
		for j, key := range p[f] {
			msgs[j] = i18n.T(i18n.English, key)
		}
		parts[i] = f + ": " + strings.Join(msgs, " ")
	}
	return fmt.Errorf("%s: fields the hub refuses: %s", where, strings.Join(parts, "; "))
}

// data is a material as a revision or pending version stores it.
func (r *restorer) data(p Material, materialID int64, where string) (string, error) {
	m, err := r.domain(p, where, false)
	if err != nil {
		return "", err
	}
	m.ID = materialID
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("%s: %w", where, err)
	}
	return string(b), nil
}

func (r *restorer) loadPending(_ context.Context, l *storage.Loader) error {
	for _, p := range r.c.pending {
		where := filePending + ": " + p.Material
		id, err := r.material(p.Material, where)
		if err != nil {
			return err
		}
		if !material.Status(p.Status).Valid() {
			return fmt.Errorf("%s: unknown status %q", where, p.Status)
		}
		if err := r.validatePending(p.Version, where); err != nil {
			return err
		}
		data, err := r.data(p.Version, id, where)
		if err != nil {
			return err
		}
		by, err := r.user(p.By, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("pending_versions", map[string]any{"material_id": id, "data": data,
			"status": p.Status, "user_id": by, "updated_at": p.UpdatedAt}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// validatePending checks a pending version as the workspace would check
// it on save.
func (r *restorer) validatePending(p Material, where string) error {
	m, err := r.domain(p, where, false)
	if err != nil {
		return err
	}
	return validate(m, where)
}

func (r *restorer) loadRedirects(_ context.Context, l *storage.Loader) error {
	for _, x := range r.c.redirects {
		where := fileRedirects + ": " + x.OldSlug
		id, err := r.material(x.Material, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("slug_redirects", map[string]any{"old_slug": x.OldSlug, "material_id": id}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

func (r *restorer) loadTransitions(_ context.Context, l *storage.Loader) error {
	for _, t := range r.c.transitions {
		where := fileTransitions + ": " + t.Material
		id, err := r.material(t.Material, where)
		if err != nil {
			return err
		}
		by, err := r.user(t.By, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("material_transitions", map[string]any{"material_id": id, "from_status": t.From,
			"to_status": t.To, "user_id": by, "message": t.Message, "at": t.At}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

func (r *restorer) loadRevisions(_ context.Context, l *storage.Loader) error {
	for _, v := range r.c.revisions {
		where := fmt.Sprintf("%s: %s number %d", fileRevisions, v.Material, v.Number)
		id, err := r.material(v.Material, where)
		if err != nil {
			return err
		}
		data, err := r.data(v.Data, id, where)
		if err != nil {
			return err
		}
		by, err := r.user(v.By, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("material_revisions", map[string]any{"material_id": id, "number": v.Number,
			"data": data, "user_id": by, "at": v.At, "pending": v.Pending}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// roundKey names a round by its material and number.
type roundKey struct {
	material string
	number   int
}

func (r *restorer) loadReviews(_ context.Context, l *storage.Loader) error {
	for _, x := range r.c.reviews {
		where := fmt.Sprintf("%s: %s round %d", fileReviews, x.Material, x.Number)
		id, err := r.material(x.Material, where)
		if err != nil {
			return err
		}
		by, err := r.user(x.CreatedBy, where)
		if err != nil {
			return err
		}
		round, err := l.Insert("review_rounds", map[string]any{"material_id": id, "deadline": x.Deadline,
			"revision": x.Revision, "created_by": by, "created_at": x.CreatedAt, "closed_at": x.ClosedAt})
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if r.rounds == nil {
			r.rounds = map[roundKey]int64{}
		}
		r.rounds[roundKey{x.Material, x.Number}] = round
		for _, v := range x.Reviewers {
			uid, err := r.user(v.User, where)
			if err != nil {
				return err
			}
			if uid == nil {
				return fmt.Errorf("%s: a reviewer without a user", where)
			}
			if _, err := l.Insert("review_reviewers", map[string]any{"round_id": round, "user_id": uid,
				"verdict": v.Verdict, "message": v.Message, "revision": v.Revision,
				"answered_at": v.AnsweredAt}); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return nil
}

func (r *restorer) loadComments(_ context.Context, l *storage.Loader) error {
	ids := map[roundKey]int64{}
	for _, c := range r.c.comments {
		where := fmt.Sprintf("%s: %s comment %d", fileComments, c.Material, c.Number)
		id, err := r.material(c.Material, where)
		if err != nil {
			return err
		}
		vals := map[string]any{"material_id": id, "paragraph": c.Paragraph, "body": c.Body,
			"created_at": c.CreatedAt, "resolved_at": c.ResolvedAt}
		if c.Round != 0 {
			round, ok := r.rounds[roundKey{c.Material, c.Round}]
			if !ok {
				return fmt.Errorf("%s: unknown round %d", where, c.Round)
			}
			vals["round_id"] = round
		}
		if c.Parent != 0 {
			parent, ok := ids[roundKey{c.Material, c.Parent}]
			if !ok {
				return fmt.Errorf("%s: unknown parent comment %d (a reply must come after it)", where, c.Parent)
			}
			vals["parent_id"] = parent
		}
		if vals["user_id"], err = r.user(c.By, where); err != nil {
			return err
		}
		if vals["resolved_by"], err = r.user(c.ResolvedBy, where); err != nil {
			return err
		}
		cid, err := l.Insert("comments", vals)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		ids[roundKey{c.Material, c.Number}] = cid
	}
	return nil
}

func (r *restorer) loadSynonyms(_ context.Context, l *storage.Loader) error {
	for _, typed := range r.c.synonyms {
		words := search.SynonymWords(typed)
		if len(words) < 2 {
			return fmt.Errorf("%s: %q: a group needs two different words, separated by commas", fileSynonyms, typed)
		}
		w := strings.Join(words, ",")
		id, err := l.Lookup("search_synonyms", "words", w)
		if err != nil {
			return err
		}
		if id != 0 {
			continue
		}
		if _, err := l.Insert("search_synonyms", map[string]any{"words": w}); err != nil {
			return fmt.Errorf("%s: %q: %w", fileSynonyms, w, err)
		}
	}
	return nil
}

func (r *restorer) loadVisits(_ context.Context, l *storage.Loader) error {
	for _, v := range r.c.visits {
		where := fileVisits + ": " + v.Material
		id, err := r.material(v.Material, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("channel_visits", map[string]any{"material_id": id, "channel": v.Channel,
			"day": v.Day, "visits": v.Visits}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// loadJobs plans what the restored materials wait for: the publication of
// a scheduled one and the unpublication of a published one.
func (r *restorer) loadJobs(_ context.Context, l *storage.Loader) error {
	for _, p := range r.c.materials {
		id := r.materials[p.Slug]
		kind, at := "", p.ScheduledAt
		switch {
		case p.Status == string(material.Scheduled) && !p.ScheduledAt.IsZero():
			kind = storage.JobPublish
		case p.Status == string(material.Published) && !p.UnpublishAt.IsZero():
			kind, at = storage.JobUnpublish, p.UnpublishAt
		default:
			continue
		}
		if _, err := l.Insert("jobs", map[string]any{"kind": kind, "dedupe_key": kind + ":" + strconv.FormatInt(id, 10),
			"material_id": id, "run_at": at}); err != nil {
			return fmt.Errorf("plan %s of %s: %w", kind, p.Slug, err)
		}
	}
	return nil
}

// loadImports restores what imports stored, so that running the same
// import again finds the materials and files it made.
func (r *restorer) loadImports(_ context.Context, l *storage.Loader) error {
	seen := map[[2]string]bool{}
	for _, it := range r.c.imports.Items {
		where := fmt.Sprintf("%s: item %q of %q", fileImports, it.Key, it.Source)
		if it.Source == "" || it.Key == "" || it.Hash == "" {
			return fmt.Errorf("%s: an item needs a source, a key and a hash", where)
		}
		if seen[[2]string{it.Source, it.Key}] {
			return fmt.Errorf("%s: listed twice", where)
		}
		seen[[2]string{it.Source, it.Key}] = true
		id, err := r.material(it.Material, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("import_items", map[string]any{"source": it.Source, "key": it.Key,
			"material_id": id, "hash": it.Hash}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	seen = map[[2]string]bool{}
	for _, f := range r.c.imports.Files {
		where := fmt.Sprintf("%s: file %q of %q", fileImports, f.Key, f.Source)
		if f.Source == "" || f.Key == "" || f.SHA256 == "" || f.Media == "" {
			return fmt.Errorf("%s: a file needs a source, a key, a media file and a sha256", where)
		}
		if seen[[2]string{f.Source, f.Key}] {
			return fmt.Errorf("%s: listed twice", where)
		}
		seen[[2]string{f.Source, f.Key}] = true
		id, err := r.mediaID(f.Media, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("import_files", map[string]any{"source": f.Source, "key": f.Key, "media_id": id,
			"hash": f.SHA256}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// loadOldPaths restores the old site's addresses of imported materials.
func (r *restorer) loadOldPaths(_ context.Context, l *storage.Loader) error {
	seen := map[string]bool{}
	for _, o := range r.c.oldPaths {
		where := fmt.Sprintf("%s: %q", fileOldPaths, o.Path)
		if _, ok := storage.OldPath(o.Path); !ok || !strings.HasPrefix(o.Path, "/") {
			return fmt.Errorf("%s: not an address of a page on the old site", where)
		}
		if seen[o.Path] {
			return fmt.Errorf("%s: listed twice", where)
		}
		seen[o.Path] = true
		id, err := r.material(o.Material, where)
		if err != nil {
			return err
		}
		if _, err := l.Insert("old_paths", map[string]any{"path": o.Path, "material_id": id}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// loadInline restores the images materials' bodies show, which are public
// exactly when their material is.
func (r *restorer) loadInline(_ context.Context, l *storage.Loader) error {
	for _, x := range r.c.inline {
		where := fmt.Sprintf("%s: %s", fileInline, x.Material)
		id, err := r.material(x.Material, where)
		if err != nil {
			return err
		}
		if x.Media == "" {
			return fmt.Errorf("%s: no media file", where)
		}
		mid, err := r.mediaID(x.Media, where)
		if err != nil {
			return err
		}
		if err := l.InsertIgnore("material_inline_media", map[string]any{"material_id": id,
			"media_id": mid}); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	return nil
}

// markStarter marks the hub so the starter collection is never loaded
// into it, even when the export has no materials.
func (r *restorer) markStarter(_ context.Context, l *storage.Loader) error {
	return l.PutSetting(storage.StarterLoaded, "done")
}
