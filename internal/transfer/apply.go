package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// Options say how Apply stores a bundle.
type Options struct {
	// DryRun reads and checks the bundle and reports what an import would
	// create, update and skip, touching nothing: no file is opened, no
	// blob stored and no row written.
	DryRun bool
	// SkipInvalid leaves out the items that cannot be imported, and
	// reports them, instead of stopping the import.
	SkipInvalid bool
	// Progress, when set, is called as files and items are stored, with
	// how many of how many are done.
	Progress func(done, total int)
	// Actor is the user who imports, 0 for the command line.
	Actor int64
	// Now is the time of the import; zero means the clock's.
	Now time.Time
	// OwnWork answers the consent questions of items that bring no
	// answers as material.OwnWork does: the hub holds every right, shows
	// no identifiable children and names no pupils. Only the person who
	// imports can say so; without it such items need an editor's answers
	// and public ones appear on the list of materials to fix.
	OwnWork bool
	// Limits bound the media files as they bound uploads; the zero value
	// means media.DefaultLimits.
	Limits media.Limits
	// TempDir is where files wait while they are checked; "" means
	// os.TempDir().
	TempDir string
}

// ErrStopped is returned, wrapped, when refused items stopped an import
// before anything was stored.
var ErrStopped = errors.New("import stopped: some items cannot be imported")

// Report says what an import did, or on a dry run would do.
type Report struct {
	Source  string
	DryRun  bool
	Stopped bool // refused items stopped the import; nothing was stored

	Created, Updated, Unchanged, Skipped int

	MediaStored, MediaReused, MediaMissing int
	ThemesCreated, UsersCreated, Redirects int

	// Items lists what became of each item that was not skipped.
	Items []ItemResult
	// ToFix lists the public and scheduled materials of this import that
	// fail the publication checks: public ones stay public, scheduled ones
	// are not published until they are fixed, and editors see both on the
	// list of materials to fix.
	ToFix []ItemResult
	// Problems are warnings: the reader's and those of storing, such as a
	// media file that could not be had.
	Problems []Problem
	// Refused are the items that could not be imported: skipped with
	// SkipInvalid, or the reasons the import stopped.
	Refused []Problem
}

// ItemResult is what became of one item.
type ItemResult struct {
	Key        string
	Where      string
	Action     storage.ImportAction
	MaterialID int64 // 0 on a dry run for a new item
	Slug       string
	Title      string
	Status     material.Status
	// ScheduledAt is when a scheduled material is to be published.
	ScheduledAt time.Time
	// Fix lists the fields that fail the publication checks, with the
	// message keys of what is wrong, for a public or scheduled material.
	Fix material.Problems
}

// The codes of the problems Apply reports, each with a message under
// "import.problem." + code in the i18n catalogue.
const (
	CodeNoKey         = "no_key"
	CodeDuplicateKey  = "duplicate_key"
	CodeInvalid       = "invalid"
	CodeUnknownTheme  = "unknown_theme"
	CodeSlugClash     = "slug_clash"
	CodeScheduleTime  = "schedule_time"
	CodeUnknownAuthor = "unknown_author"
	CodeUserEmail     = "user_email"
	CodeUnknownSchool = "unknown_school"
	CodeMediaMissing  = "media_missing"
	CodeMediaRefused  = "media_refused"
	CodeOldPath       = "old_path"
	CodeOldPathTaken  = "old_path_taken"
)

// Codes lists the codes of the problems Apply reports.
var Codes = []string{CodeNoKey, CodeDuplicateKey, CodeInvalid, CodeUnknownTheme, CodeSlugClash,
	CodeScheduleTime, CodeUnknownAuthor, CodeUserEmail, CodeUnknownSchool, CodeMediaMissing, CodeMediaRefused,
	CodeOldPath, CodeOldPathTaken}

// importMessage is kept with the recorded move of every imported material.
const importMessage = "Importeret"

// Apply stores a bundle: its themes, the authors of its items, their media
// files and the items themselves, matched against what earlier runs of the
// same source stored. It is all-or-nothing: a refused item stops it before
// anything is stored unless opts.SkipInvalid, and when storing fails the
// files this run put in blobs are deleted again. The error is nil when the
// import went through, and wraps ErrStopped when refused items stopped it.
func Apply(ctx context.Context, st *storage.Store, blobs media.Blobs, b *Bundle, opts Options) (*Report, error) {
	if b == nil {
		return nil, errors.New("import: no bundle")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Limits.MaxBytes == nil {
		opts.Limits = media.DefaultLimits()
	}
	a := &applier{st: st, blobs: blobs, b: b, opts: opts,
		rep: &Report{Source: b.Source, DryRun: opts.DryRun, Problems: slices.Clone(b.Problems)}}
	if err := a.load(ctx); err != nil {
		return nil, err
	}
	a.check()
	if len(a.rep.Refused) > 0 && !opts.SkipInvalid {
		a.rep.Stopped = true
		return a.rep, fmt.Errorf("%w (%d)", ErrStopped, len(a.rep.Refused))
	}
	a.rep.Skipped = len(a.rep.Refused)
	if err := a.store(ctx); err != nil {
		return a.rep, err
	}
	return a.rep, nil
}

// applier holds one run of Apply.
type applier struct {
	st    *storage.Store
	blobs media.Blobs
	b     *Bundle
	opts  Options
	rep   *Report

	state   *storage.ImportState
	themes  map[string]string // existing theme slugs → themselves
	schools map[string]int64  // existing school slugs → id

	bundleThemes map[string]Theme // Theme.Key → theme with a valid slug
	users        map[string]User  // User.Key → user with an e-mail address
	items        []*planned       // the items to store, in bundle order
	files        []*plannedFile
	filesByKey   map[string]*plannedFile
	put          []string        // blob keys this run stored
	claimed      map[string]bool // old addresses an earlier item of the bundle has
	warned       map[string]bool // code and detail of warnings given once per import
}

// hubSegments are the first segments of the hub's own addresses
// (internal/web's routes; a test there keeps the two equal).
var hubSegments = []string{"brand", "delingsbillede", "feed", "healthz", "indlejr", "materialer", "media",
	"oembed", "om", "privatliv", "redaktion", "robots.txt", "sitemap.xml", "skoler", "static", "temaer", "tilgaengelighed"}

// HubPath reports whether an old address, as storage.OldPath writes it,
// is one the hub answers itself and so cannot redirect: the front page
// without a query (with one, it would take over the front page's visits
// with tracking keys), or a path under one of the hub's own segments.
func HubPath(path string) bool {
	p, query, _ := strings.Cut(path, "?")
	if p == "/" {
		return query == ""
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	first, _ = url.PathUnescape(first)
	return slices.Contains(hubSegments, strings.ToLower(first))
}

// warnOnce reports a problem that many items can share, such as an author
// the bundle lacks, at the first item that has it only.
func (a *applier) warnOnce(p Problem) {
	if a.warned == nil {
		a.warned = map[string]bool{}
	}
	if k := p.Code + "\x00" + p.Detail; !a.warned[k] {
		a.warned[k] = true
		a.rep.Problems = append(a.rep.Problems, p)
	}
}

// planned is an item that passed the checks.
type planned struct {
	item  *Item
	m     *material.Material
	slug  string
	user  *User
	ii    storage.ImportItem
	cover *plannedFile
	atts  []*plannedFile
	inl   []*plannedFile
}

// plannedFile is a media file some accepted item uses.
type plannedFile struct {
	file    File
	where   string
	classes []media.Class
	known   *storage.ImportedFile
	// Set when the file is had: a stored or reused file.
	ok       bool
	hash     string
	mediaID  int64 // a reused file
	mediaKey string
	rec      storage.Media // a file stored by this run
}

func (a *applier) load(ctx context.Context) error {
	var err error
	if a.state, err = a.st.ImportState(ctx, a.b.Source); err != nil {
		return err
	}
	themes, err := a.st.Themes(ctx)
	if err != nil {
		return err
	}
	a.themes = map[string]string{}
	for _, t := range themes {
		a.themes[t.Slug] = t.Slug
	}
	schools, err := a.st.Schools(ctx)
	if err != nil {
		return err
	}
	a.schools = map[string]int64{}
	for _, s := range schools {
		a.schools[s.Slug] = s.ID
	}
	return nil
}

// check sorts the items into those to store and those refused, and
// gathers the files the stored ones use.
func (a *applier) check() {
	a.rep.Refused = slices.Clone(a.b.Refused)
	a.bundleThemes = map[string]Theme{}
	for _, t := range a.b.Themes {
		slug := t.Slug
		if !material.ValidSlug(slug) {
			slug = material.Slugify(firstNonEmpty(t.Slug, t.Name))
		}
		if slug == "" {
			continue
		}
		t.Slug, t.Name = slug, firstNonEmpty(strings.TrimSpace(t.Name), slug)
		a.bundleThemes[t.Key] = t
	}
	a.users = map[string]User{}
	for _, u := range a.b.Users {
		if !strings.Contains(u.Email, "@") || strings.ContainsAny(strings.TrimSpace(u.Email), " \t\r\n") {
			a.rep.Problems = append(a.rep.Problems, Problem{Where: u.Key, Code: CodeUserEmail, Detail: u.Email})
			continue
		}
		a.users[u.Key] = u
	}

	keys := map[string]bool{}
	slugs := map[string]string{} // wanted slug → the key of the item that has it
	for i := range a.b.Items {
		it := &a.b.Items[i]
		if _, known := a.state.Items[it.Key]; it.UpdateOnly && !known {
			continue // nothing to update: the source no longer offers it
		}
		p, problem := a.checkItem(it, keys, slugs)
		if problem != nil {
			a.rep.Refused = append(a.rep.Refused, *problem)
			continue
		}
		keys[it.Key], slugs[p.slug] = true, it.Key
		a.items = append(a.items, p)
	}
	a.filesByKey = map[string]*plannedFile{}
	for _, p := range a.items {
		a.planFiles(p)
	}
}

func (a *applier) checkItem(it *Item, keys map[string]bool, slugs map[string]string) (*planned, *Problem) {
	where := firstNonEmpty(it.Where, it.Key)
	refuse := func(code, detail string) (*planned, *Problem) {
		return nil, &Problem{Where: where, Code: code, Detail: detail}
	}
	if strings.TrimSpace(it.Key) == "" {
		return refuse(CodeNoKey, it.Material.Title)
	}
	if keys[it.Key] {
		return refuse(CodeDuplicateKey, it.Key)
	}
	m := it.Material.Clone()
	m.ID, m.Version, m.CoverID, m.VideoID, m.CaptionsID, m.PosterID = 0, 0, 0, 0, 0, 0
	m.SchoolID, m.CreatedBy, m.ThemeIDs, m.Attachments = 0, 0, nil, nil
	m.Normalize()
	if problems := material.Validate(m); problems != nil {
		return refuse(CodeInvalid, problemFields(problems))
	}
	if m.Status == material.Scheduled && m.ScheduledAt.IsZero() {
		return refuse(CodeScheduleTime, "")
	}
	for _, key := range it.ThemeKeys {
		if _, ok := a.bundleThemes[key]; !ok {
			return refuse(CodeUnknownTheme, key)
		}
	}
	slug := m.Slug
	if !material.ValidSlug(slug) {
		slug = material.Slugify(firstNonEmpty(m.Slug, m.Title))
	}
	if other, ok := slugs[slug]; ok && slug != "" {
		return refuse(CodeSlugClash, slug+" ("+other+")")
	}

	p := &planned{item: it, m: m, slug: slug}
	if it.SchoolSlug != "" {
		if id, ok := a.schools[it.SchoolSlug]; ok {
			m.SchoolID = id
		} else {
			a.warnOnce(Problem{Where: where, Code: CodeUnknownSchool, Detail: it.SchoolSlug})
		}
	}
	if it.AuthorKey != "" {
		if u, ok := a.users[it.AuthorKey]; ok {
			p.user = &u
		} else {
			a.warnOnce(Problem{Where: where, Code: CodeUnknownAuthor, Detail: it.AuthorKey})
		}
	}
	return p, nil
}

// problemFields names the fields of failed checks, for a message.
func problemFields(p material.Problems) string {
	fields := make([]string, 0, len(p))
	for f := range p {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return strings.Join(fields, ", ")
}

func (a *applier) planFiles(p *planned) {
	where := firstNonEmpty(p.item.Where, p.item.Key)
	use := func(f File, role string, class media.Class) *plannedFile {
		if f.Key == "" {
			f.Key = p.item.Key + "#" + role
		}
		pf := a.filesByKey[f.Key]
		if pf == nil {
			pf = &plannedFile{file: f, where: where}
			if known, ok := a.state.Files[f.Key]; ok {
				pf.known = &known
			}
			a.filesByKey[f.Key] = pf
			a.files = append(a.files, pf)
		}
		if !slices.Contains(pf.classes, class) {
			pf.classes = append(pf.classes, class)
		}
		return pf
	}
	if p.item.Cover != nil {
		p.cover = use(*p.item.Cover, "cover", media.Image)
	}
	for i, at := range p.item.Attachments {
		p.atts = append(p.atts, use(at.File, "attachment:"+strconv.Itoa(i), media.Document))
	}
	for i, f := range p.item.Inline {
		p.inl = append(p.inl, use(f, "inline:"+strconv.Itoa(i), media.Image))
	}
}

// store has the files and stores the items, or on a dry run works out
// what storing would do.
func (a *applier) store(ctx context.Context) error {
	total := len(a.files) + len(a.items)
	progress := func(done int) {
		if a.opts.Progress != nil {
			a.opts.Progress(done, total)
		}
	}
	for i, f := range a.files {
		if a.opts.DryRun {
			a.guessFile(f)
		} else if err := a.haveFile(ctx, f); err != nil {
			a.dropBlobs()
			return err
		}
		progress(i + 1)
	}
	a.claimed = map[string]bool{}
	for _, p := range a.items {
		a.prepare(p)
	}
	if a.opts.DryRun {
		a.dryRun(ctx)
		progress(total)
		return nil
	}

	set := &storage.ImportSet{Source: a.b.Source, Actor: a.opts.Actor, Message: importMessage, Now: a.opts.Now,
		Progress: func(done int) { progress(len(a.files) + done) }}
	set.Themes, set.Users = a.themesToStore(), a.usersToStore()
	for _, f := range a.files {
		if !f.ok {
			continue
		}
		set.Files = append(set.Files, storage.ImportFile{Key: f.file.Key, Hash: f.hash, MediaID: f.mediaID,
			Media: f.rec})
	}
	for _, p := range a.items {
		set.Items = append(set.Items, p.ii)
	}
	res, err := a.st.Import(ctx, set)
	if err != nil {
		a.dropBlobs()
		return err
	}
	a.rep.ThemesCreated, a.rep.UsersCreated, a.rep.Redirects = res.ThemesCreated, res.UsersCreated, res.Redirects
	for i, out := range res.Items {
		for _, path := range out.Taken {
			a.warnOldPath(a.items[i].item, CodeOldPathTaken, path)
		}
		a.result(a.items[i], out.Action, out.MaterialID, out.Slug, set.Items[i].M)
	}
	return nil
}

// guessFile counts a file as a dry run sees it: known files are reused,
// others stored. Whether a file can be had is not known without opening it.
func (a *applier) guessFile(f *plannedFile) {
	f.ok = true
	if f.known != nil {
		f.mediaID, f.mediaKey, f.hash = f.known.MediaID, f.known.MediaKey, f.known.Hash
		a.rep.MediaReused++
		return
	}
	f.mediaKey = "new"
	a.rep.MediaStored++
}

// haveFile opens a file, reuses what an earlier run stored from the same
// bytes or stores it through the same checks as an upload. A file that
// cannot be had is a warning; only a failing media store is an error.
func (a *applier) haveFile(ctx context.Context, f *plannedFile) error {
	warn := func(code string) {
		a.rep.Problems = append(a.rep.Problems, Problem{Where: f.where, Code: code,
			Detail: firstNonEmpty(f.file.Name, f.file.Key)})
	}
	if f.file.Open == nil {
		a.rep.MediaMissing++
		warn(CodeMediaMissing)
		return nil
	}
	tmp, hash, err := a.spool(ctx, f)
	if tmp != nil {
		defer func() {
			_ = tmp.Close()           // only read from
			_ = os.Remove(tmp.Name()) // a temporary copy
		}()
	}
	if errors.Is(err, errFileTooLarge) {
		a.rep.MediaMissing++
		warn(CodeMediaRefused)
		return nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.rep.MediaMissing++
		warn(CodeMediaMissing)
		return nil
	}
	f.hash = hash
	if f.known != nil && f.known.Hash == hash {
		f.ok, f.mediaID, f.mediaKey = true, f.known.MediaID, f.known.MediaKey
		a.rep.MediaReused++
		return nil
	}

	p := &media.Processor{Blobs: a.blobs, Limits: a.opts.Limits, TempDir: a.opts.TempDir}
	info, err := p.Ingest(ctx, tmp, f.classes...)
	switch {
	case errors.Is(err, media.ErrTooLarge), errors.Is(err, media.ErrType), errors.Is(err, media.ErrPixels):
		a.rep.MediaMissing++
		warn(CodeMediaRefused)
		return nil
	case err != nil:
		return fmt.Errorf("store %s: %w", firstNonEmpty(f.file.Name, f.file.Key), err)
	}
	a.put = append(a.put, info.Key)
	f.ok, f.mediaKey = true, info.Key
	f.rec = storage.Media{Key: info.Key, Class: string(info.Class), ContentType: info.ContentType,
		Size: info.Size, Width: info.Width, Height: info.Height, Name: fileName(f.file)}
	a.rep.MediaStored++
	return nil
}

var errFileTooLarge = errors.New("file too large")

// spool copies a file to a temporary file, summing its bytes, so the sum
// can decide whether to store it before it is stored. Open is called once.
func (a *applier) spool(ctx context.Context, f *plannedFile) (*os.File, string, error) {
	var limit int64
	for _, c := range f.classes {
		limit = max(limit, a.limit(c))
	}
	r, err := f.file.Open(ctx)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(a.opts.TempDir, "bindeled-import-*")
	if err != nil {
		return nil, "", fmt.Errorf("temporary file: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = errFileTooLarge
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	return tmp, hex.EncodeToString(h.Sum(nil)), err
}

func (a *applier) limit(c media.Class) int64 {
	if n := a.opts.Limits.MaxBytes[c]; n > 0 {
		return n
	}
	return media.DefaultLimits().MaxBytes[c]
}

// dropBlobs deletes the files this run stored, so a failed import leaves
// nothing behind.
func (a *applier) dropBlobs() {
	for _, key := range a.put {
		// A fresh context: the run's may be what was cancelled.
		_ = a.blobs.Delete(context.Background(), key) // best effort; the key is random and unreferenced
	}
	a.put = nil
}

var inlineRef = regexp.MustCompile(`bindeled-inline:(\d+)`)
var inlineImage = regexp.MustCompile(`!\[([^\]]*)\]\(\s*<?bindeled-inline:(\d+)>?(?:\s+"[^"]*")?\s*\)`)

// prepare fills in the item's files and makes its import item.
func (a *applier) prepare(p *planned) {
	m, it := p.m, p.item
	ii := storage.ImportItem{Key: it.Key, Slug: p.slug, M: m, ThemeSlugs: a.themeSlugs(it.ThemeKeys),
		OwnWork: a.opts.OwnWork && consentEmpty(m.Consent), UpdateOnly: it.UpdateOnly}
	if p.user != nil {
		ii.AuthorEmail = p.user.Email
	}
	m.CoverAlt = strings.TrimSpace(m.CoverAlt)
	if p.cover != nil && p.cover.ok {
		ii.CoverFile = p.cover.file.Key
		if m.CoverAlt == "" {
			m.CoverAlt = strings.TrimSpace(p.cover.file.Alt)
		}
	} else {
		m.CoverAlt = ""
	}
	for i, f := range p.atts {
		if !f.ok {
			continue
		}
		title := strings.TrimSpace(firstNonEmpty(it.Attachments[i].Title, fileName(f.file)))
		m.Attachments = append(m.Attachments, material.Attachment{Title: title})
		ii.AttachmentFiles = append(ii.AttachmentFiles, f.file.Key)
	}
	m.Body = a.inlineBody(m.Body, p.inl)
	for _, f := range p.inl {
		if f.ok {
			ii.InlineFiles = append(ii.InlineFiles, f.file.Key)
		}
	}
	for _, raw := range it.OldPaths {
		path, ok := storage.OldPath(raw)
		if !ok || HubPath(path) {
			a.warnOldPath(it, CodeOldPath, raw)
			continue
		}
		if slices.Contains(ii.OldPaths, path) {
			continue
		}
		if a.claimed[path] { // the first item of the bundle that claims it has it
			a.warnOldPath(it, CodeOldPathTaken, path)
			continue
		}
		ii.OldPaths = append(ii.OldPaths, path)
	}
	for _, path := range ii.OldPaths {
		a.claimed[path] = true
	}
	ii.Hash = a.hash(p, &ii)
	p.ii = ii
}

func (a *applier) warnOldPath(it *Item, code, path string) {
	a.rep.Problems = append(a.rep.Problems, Problem{Where: firstNonEmpty(it.Where, it.Key), Code: code, Detail: path})
}

// inlineBody points the body's inline images at the stored files; an
// image that could not be had is replaced by its description.
func (a *applier) inlineBody(body string, inl []*plannedFile) string {
	file := func(s string) *plannedFile {
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 || i >= len(inl) || !inl[i].ok {
			return nil
		}
		return inl[i]
	}
	body = inlineImage.ReplaceAllStringFunc(body, func(s string) string {
		sub := inlineImage.FindStringSubmatch(s)
		if file(sub[2]) == nil {
			return sub[1]
		}
		return s
	})
	return inlineRef.ReplaceAllStringFunc(body, func(s string) string {
		f := file(strings.TrimPrefix(s, "bindeled-inline:"))
		if f == nil {
			return ""
		}
		return "/media/" + f.mediaKey
	})
}

// hash sums up what storing the item writes, with its files by key and
// content, so a second run with the same source finds it unchanged.
func (a *applier) hash(p *planned, ii *storage.ImportItem) string {
	var files []string
	add := func(f *plannedFile) {
		if f != nil && f.ok {
			files = append(files, f.file.Key+"="+f.hash)
		}
	}
	add(p.cover)
	for _, f := range p.atts {
		add(f)
	}
	for _, f := range p.inl {
		add(f)
	}
	// The school by its slug: its id differs between hubs, such as a hub
	// and the one restored from its export.
	m, school := *p.m, ""
	if m.SchoolID != 0 {
		m.SchoolID, school = 0, p.item.SchoolSlug
	}
	data, err := json.Marshal(struct {
		M      *material.Material
		Item   storage.ImportItem
		Files  []string
		School string
	}{&m, storage.ImportItem{Slug: ii.Slug, ThemeSlugs: ii.ThemeSlugs, AuthorEmail: ii.AuthorEmail,
		OldPaths: ii.OldPaths, OwnWork: ii.OwnWork}, files, school})
	if err != nil {
		panic(err) // plain values always encode
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func (a *applier) themeSlugs(keys []string) []string {
	var out []string
	for _, k := range keys {
		if t, ok := a.bundleThemes[k]; ok && !slices.Contains(out, t.Slug) {
			out = append(out, t.Slug)
		}
	}
	return out
}

func (a *applier) themesToStore() []storage.Theme {
	var out []storage.Theme
	seen := map[string]bool{}
	for _, t := range a.b.Themes {
		bt, ok := a.bundleThemes[t.Key]
		if !ok || seen[bt.Slug] {
			continue
		}
		seen[bt.Slug] = true
		out = append(out, storage.Theme{Slug: bt.Slug, Name: bt.Name, Description: strings.TrimSpace(bt.Description)})
	}
	return out
}

// usersToStore lists the authors of the items being stored; people of the
// source without material here get no account.
func (a *applier) usersToStore() []storage.User {
	var out []storage.User
	seen := map[string]bool{}
	for _, p := range a.items {
		if p.user == nil || seen[storage.NormalizeEmail(p.user.Email)] {
			continue
		}
		seen[storage.NormalizeEmail(p.user.Email)] = true
		out = append(out, storage.User{Email: p.user.Email, Name: p.user.Name})
	}
	return out
}

// dryRun counts what storing would do, from what earlier runs stored.
func (a *applier) dryRun(ctx context.Context) {
	for _, t := range a.themesToStore() {
		if _, ok := a.themes[t.Slug]; !ok {
			a.rep.ThemesCreated++
		}
	}
	for _, u := range a.usersToStore() {
		if _, err := a.st.UserByEmail(ctx, u.Email); errors.Is(err, storage.ErrNotFound) {
			a.rep.UsersCreated++
		}
	}
	fakeID := map[string]int64{}
	for i, f := range a.files {
		fakeID[f.file.Key] = int64(i + 1)
		if f.mediaID != 0 {
			fakeID[f.file.Key] = f.mediaID
		}
	}
	for _, p := range a.items {
		known, ok := a.state.Items[p.item.Key]
		action := storage.ImportCreated
		switch {
		case ok && known.Hash == p.ii.Hash:
			action = storage.ImportUnchanged
		case ok:
			action = storage.ImportUpdated
		}
		for _, path := range p.ii.OldPaths {
			owner, ok := a.state.OldPaths[path]
			switch {
			case action == storage.ImportUnchanged: // stored as it is: nothing is written
			case !ok:
				a.rep.Redirects++
			case owner != known.MaterialID:
				a.warnOldPath(p.item, CodeOldPathTaken, path)
			}
		}
		m := p.m.Clone()
		m.CoverID = fakeID[p.ii.CoverFile]
		for i := range m.Attachments {
			m.Attachments[i].MediaID = fakeID[p.ii.AttachmentFiles[i]]
		}
		if p.ii.OwnWork {
			material.OwnWork(m)
		}
		a.result(p, action, known.MaterialID, p.slug, m)
	}
}

// result counts what became of an item and notes it when it is public or
// scheduled but fails the publication checks.
func (a *applier) result(p *planned, action storage.ImportAction, id int64, slug string, m *material.Material) {
	switch action {
	case storage.ImportLeftOut:
		return // an UpdateOnly item whose material is gone
	case storage.ImportCreated:
		a.rep.Created++
	case storage.ImportUpdated:
		a.rep.Updated++
	default:
		a.rep.Unchanged++
	}
	r := ItemResult{Key: p.item.Key, Where: firstNonEmpty(p.item.Where, p.item.Key), Action: action,
		MaterialID: id, Slug: slug, Title: m.Title, Status: m.Status}
	if m.Status == material.Scheduled {
		r.ScheduledAt = m.ScheduledAt
	}
	if m.Status.Public() || m.Status == material.Scheduled {
		r.Fix = material.CheckPublishable(m)
	}
	a.rep.Items = append(a.rep.Items, r)
	if r.Fix != nil {
		a.rep.ToFix = append(a.rep.ToFix, r)
	}
}

func consentEmpty(c material.Consent) bool {
	return !c.Rights && c.Children == "" && c.Names == "" && len(c.Licences) == 0
}

func fileName(f File) string {
	if f.Name != "" {
		return f.Name
	}
	return path.Base(f.Key)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// Message is the problem as a reader of a report sees it, in lang: where,
// then what.
func (p Problem) Message(lang i18n.Lang) string {
	key := "import.problem." + p.Code
	text := i18n.T(lang, key)
	switch {
	case text == key: // a reader's code without a message of its own
		text = p.Code
		if p.Detail != "" {
			text += ": " + p.Detail
		}
	case strings.Contains(text, "%s"):
		text = i18n.T(lang, key, p.Detail)
	}
	if p.Where == "" {
		return text
	}
	return p.Where + ": " + text
}
