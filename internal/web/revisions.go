package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/search"
	"github.com/bindeled/bindeled/internal/storage"
)

// WSRevisionsPage lists a material's kept versions and compares two.
type WSRevisionsPage struct {
	Base
	M         *material.Material
	Revisions []storage.RevisionInfo
	A, B      int64
	Fields    []DiffField
	CanEdit   bool   // may load a revision into the form to restore it
	Heading   string // the material's title as in the newer revision
}

// DiffField is one field of two revisions side by side, with the changes
// marked.
type DiffField struct {
	Label   string
	Old     []DiffPart
	New     []DiffPart
	Changed bool
}

// DiffPart is a run of text that was kept, removed or added.
type DiffPart struct {
	Text string
	Kind string // "", "del" or "ins"
}

// wsRevisions shows a material's revisions and, for ?a=N&b=M, the two
// side by side with what changed marked. Without a and b it compares the
// newest with the one before it.
func (s *Server) wsRevisions(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reviewMaterial(r)
	if err != nil {
		return err
	}
	b, err := s.wsBase(r, "ws.revisions")
	if err != nil {
		return err
	}
	b.Section = "materials"
	b.Title = b.T("ws.revisions_of", m.Title) + " – " + b.T("ws.title")
	p := WSRevisionsPage{Base: b, M: m, CanEdit: actorOf(state(r).user) == material.ByEditor, Heading: m.Title}
	// An editor's pending edit saved as a draft, sent or not, discarded
	// or not, is only the editors' to read.
	if p.Revisions, err = s.store.Revisions(r.Context(), m.ID, p.CanEdit); err != nil {
		return err
	}
	if len(p.Revisions) == 0 {
		return s.render(w, http.StatusOK, "ws/revisions", p)
	}
	q := r.URL.Query()
	p.A, p.B = formID(q.Get("a")), formID(q.Get("b"))
	if p.B == 0 {
		p.B = p.Revisions[0].Number
	}
	if p.A == 0 {
		p.A = max(1, p.B-1)
	}
	has := func(n int64) bool {
		return slices.ContainsFunc(p.Revisions, func(ri storage.RevisionInfo) bool { return ri.Number == n })
	}
	if !has(p.A) || !has(p.B) {
		return errNotFound
	}
	if p.A > p.B {
		p.A, p.B = p.B, p.A // the older one is always on the left
	}
	older, err := s.store.Revision(r.Context(), m.ID, p.A)
	if err != nil {
		return err
	}
	newer, err := s.store.Revision(r.Context(), m.ID, p.B)
	if errors.Is(err, storage.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	p.Fields = s.diffMaterials(r, b, older, newer)
	p.Heading = newer.Title // the newest compared, which may be a pending edit's
	return s.render(w, http.StatusOK, "ws/revisions", p)
}

// diffMaterials compares every field a reader sees.
func (s *Server) diffMaterials(r *http.Request, b Base, a, c *material.Material) []DiffField {
	themes, _ := s.store.Themes(r.Context()) // names only; ids show when they cannot be read
	themeNames := func(m *material.Material) string {
		var names []string
		for _, id := range m.ThemeIDs {
			for _, t := range themes {
				if t.ID == id {
					names = append(names, t.Name)
				}
			}
		}
		return strings.Join(names, ", ")
	}
	audiences := func(m *material.Material) string {
		var out []string
		for _, x := range m.Audiences {
			out = append(out, b.T("audience."+string(x)))
		}
		return strings.Join(out, ", ")
	}
	files := func(m *material.Material) string {
		var out []string
		for _, at := range m.Attachments {
			out = append(out, at.Title)
		}
		return strings.Join(out, "\n")
	}
	rows := []struct{ key, old, new string }{
		{"ws.field.title", a.Title, c.Title},
		{"ws.field.summary", a.Summary, c.Summary},
		{"ws.field.body", a.Body, c.Body},
		{"ws.field.audiences", audiences(a), audiences(c)},
		{"ws.field.themes", themeNames(a), themeNames(c)},
		{"ws.field.cover_alt", a.CoverAlt, c.CoverAlt},
		{"ws.field.transcript", a.Transcript, c.Transcript},
		{"ws.field.link_url", a.LinkURL, c.LinkURL},
		{"ws.field.link_publisher", a.LinkPublisher, c.LinkPublisher},
		{"ws.field.attachments", files(a), files(c)},
	}
	var out []DiffField
	for _, row := range rows {
		if row.old == "" && row.new == "" {
			continue
		}
		out = append(out, diffField(b.T(row.key), row.old, row.new))
	}
	return out
}

// lineDiffFrom is the combined length in bytes above which two texts are
// compared by lines instead of characters.
const lineDiffFrom = 20000

// diffField marks what changed between two texts, word by word, or line
// by line for long texts.
func diffField(label, old, new string) DiffField {
	f := DiffField{Label: label, Changed: old != new}
	if !f.Changed {
		f.Old = []DiffPart{{Text: old}}
		f.New = []DiffPart{{Text: new}}
		return f
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 200 * time.Millisecond
	var diffs []diffmatchpatch.Diff
	if len(old)+len(new) > lineDiffFrom {
		// Long texts are compared line by line first, which is fast, so
		// that a page of versions cannot tie up the server.
		a, b, lines := dmp.DiffLinesToChars(old, new)
		diffs = dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	} else {
		diffs = dmp.DiffCleanupSemantic(dmp.DiffMain(old, new, false))
	}
	for _, d := range diffs {
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			f.Old = append(f.Old, DiffPart{Text: d.Text})
			f.New = append(f.New, DiffPart{Text: d.Text})
		case diffmatchpatch.DiffDelete:
			f.Old = append(f.Old, DiffPart{Text: d.Text, Kind: "del"})
		case diffmatchpatch.DiffInsert:
			f.New = append(f.New, DiffPart{Text: d.Text, Kind: "ins"})
		}
	}
	return f
}

// WSCalendarPage shows what is planned when, a week or a month at a time,
// and what waits for review.
type WSCalendarPage struct {
	Base
	Month     bool
	Heading   string
	Days      []CalendarDay
	PrevURL   string
	NextURL   string
	OtherURL  string // the same time as a month or as a week
	Waiting   []*material.Material
	Deadlines []storage.ReviewTask
}

// CalendarDay is one day of the calendar with what happens on it.
type CalendarDay struct {
	Date    time.Time
	Label   string
	Entries []CalendarEntry
}

// CalendarEntry is a material planned, published or due for review input.
type CalendarEntry struct {
	Time  string
	Title string
	URL   string
	What  string // a message key
}

// wsCalendar shows a week (?uge=2026-W49) or a month (?maaned=2026-12),
// the current week by default, in Copenhagen time.
func (s *Server) wsCalendar(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.calendar")
	if err != nil {
		return err
	}
	b.Section = "calendar"
	p := WSCalendarPage{Base: b}
	now := time.Now().In(localtime.Zone)
	q := r.URL.Query()
	var from, to time.Time
	if q.Has("maaned") {
		p.Month = true
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, localtime.Zone)
		if mo := q.Get("maaned"); mo != "" {
			if t, err := time.ParseInLocation("2006-01", mo, localtime.Zone); err == nil && calendarYear(t.Year()) {
				first = t
			} else {
				p.Flash = b.T("ws.calendar_bad_period")
			}
		}
		from, to = first, first.AddDate(0, 1, 0)
		p.Heading = b.T("month."+first.Format("01")) + " " + first.Format("2006")
		p.PrevURL = "/redaktion/kalender?maaned=" + first.AddDate(0, -1, 0).Format("2006-01")
		p.NextURL = "/redaktion/kalender?maaned=" + to.Format("2006-01")
		y, wk := first.ISOWeek()
		p.OtherURL = "/redaktion/kalender?uge=" + isoWeekString(y, wk)
	} else {
		from = mondayOf(now)
		if w := q.Get("uge"); w != "" {
			if y, wk, ok := parseISOWeek(w); ok && calendarYear(y) {
				from = isoWeekStart(y, wk)
			} else {
				p.Flash = b.T("ws.calendar_bad_period")
			}
		}
		to = from.AddDate(0, 0, 7)
		y, wk := from.ISOWeek()
		p.Heading = b.T("ws.calendar_week", wk, y)
		py, pw := from.AddDate(0, 0, -7).ISOWeek()
		ny, nw := to.ISOWeek()
		p.PrevURL = "/redaktion/kalender?uge=" + isoWeekString(py, pw)
		p.NextURL = "/redaktion/kalender?uge=" + isoWeekString(ny, nw)
		p.OtherURL = "/redaktion/kalender?maaned=" + from.Format("2006-01")
	}
	planned, err := s.store.MaterialsPlanned(r.Context(), from.UTC(), to.UTC())
	if err != nil {
		return err
	}
	tasks, err := s.store.ReviewTasks(r.Context(), 0)
	if err != nil {
		return err
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		day := CalendarDay{Date: d, Label: b.T("weekday."+strings.ToLower(d.Weekday().String()[:3])) + " " +
			d.Format("2.1.")}
		end := d.AddDate(0, 0, 1)
		for _, m := range planned {
			at, what := m.ScheduledAt, "ws.calendar_planned"
			if m.Status == material.Published {
				at, what = m.PublishedAt, "ws.calendar_published"
			}
			for _, e := range []struct {
				at   time.Time
				what string
			}{{at, what}, {m.UnpublishAt, "ws.calendar_unpublish"}} {
				if !e.at.IsZero() && !e.at.Before(d) && e.at.Before(end) {
					day.Entries = append(day.Entries, CalendarEntry{Time: e.at.In(localtime.Zone).Format("15:04"),
						Title: m.Title, URL: materialEditURL(m.ID, ""), What: e.what})
				}
			}
		}
		for _, t := range tasks {
			// A deadline is midnight after the last day of input.
			if last := t.Deadline.Add(-time.Minute); !last.Before(d) && last.Before(end) {
				day.Entries = append(day.Entries, CalendarEntry{Title: t.Title,
					URL: materialEditURL(t.MaterialID, ""), What: "ws.calendar_deadline"})
			}
		}
		p.Days = append(p.Days, day)
	}
	if p.Waiting, err = s.store.MaterialsInStatus(r.Context(), material.InReview); err != nil {
		return err
	}
	pending, err := s.store.PendingMaterialIDs(r.Context())
	if err != nil {
		return err
	}
	var edits []int64 // published materials whose pending edit is in review
	for id, st := range pending {
		if st == material.InReview {
			edits = append(edits, id)
		}
	}
	more, err := s.store.MaterialsByID(r.Context(), edits)
	if err != nil {
		return err
	}
	p.Waiting = append(p.Waiting, more...)
	p.Deadlines = tasks
	return s.render(w, http.StatusOK, "ws/calendar", p)
}

// calendarYear bounds the years the calendar shows.
func calendarYear(y int) bool { return y >= 2000 && y <= 2100 }

func mondayOf(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, localtime.Zone)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// isoWeekStart is the Monday of ISO week wk of year y, in Copenhagen.
func isoWeekStart(y, wk int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, localtime.Zone) // always in week 1
	return mondayOf(jan4).AddDate(0, 0, (wk-1)*7)
}

var isoWeekPattern = regexp.MustCompile(`^([0-9]{4})-W([0-9]{2})$`)

func parseISOWeek(s string) (year, week int, ok bool) {
	m := isoWeekPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	week, _ = strconv.Atoi(m[2])
	return year, week, week >= 1 && week <= 53
}

func isoWeekString(y, wk int) string { return fmt.Sprintf("%04d-W%02d", y, wk) }

// wsWithdrawMedia withdraws a file whose consent was withdrawn: it leaves
// every material and pending version at once, its bytes are deleted, and
// the audit log records who did it and on which materials, not the file.
func (s *Server) wsWithdrawMedia(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if !media.ValidKey(key) {
		return errNotFound
	}
	f, err := s.store.MediaByKey(r.Context(), key)
	if err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "on" {
		back := "/redaktion"
		if id := formID(r.PostForm.Get("material")); id != 0 {
			back = materialEditURL(id, "bekraeft-tilbagetraekning") + "#withdraw-title"
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	affected, err := s.store.WithdrawMedia(r.Context(), f.ID)
	if err != nil {
		return err
	}
	if err := s.blobs.Delete(r.Context(), f.Key); err != nil {
		s.log.Error("withdrawn file not deleted", "media_id", f.ID, "err", err)
		return err
	}
	subject := "fil " + formatIDs([]int64{f.ID}) + " på materiale " + formatIDs(affected)
	s.audit(r, "material:withdraw_file", subject)
	back := "/redaktion"
	if id := formID(r.PostForm.Get("material")); id != 0 && slices.Contains(affected, id) {
		back = materialEditURL(id, "fil-trukket")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func formatIDs(ids []int64) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, "#"+strconv.FormatInt(id, 10))
	}
	return strings.Join(parts, ", ")
}

// WSMissedSearchesPage lists what readers searched for and did not find.
type WSMissedSearchesPage struct {
	Base
	Misses []storage.MissedSearch
}

// wsMissedSearches shows the searches that found nothing, most asked
// first, so editors can add words or materials.
func (s *Server) wsMissedSearches(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.missed")
	if err != nil {
		return err
	}
	b.Section = "missed"
	p := WSMissedSearchesPage{Base: b}
	if p.Misses, err = s.store.MissedSearches(r.Context(), 200); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "ws/missed", p)
}

// WSSynonymsPage lists the synonym groups and takes new ones.
type WSSynonymsPage struct {
	Base
	Groups   []storage.SynonymGroup
	Typed    string
	Problems material.Problems
}

// Bounds of a synonym group.
const (
	maxSynonymWords = 20
	maxSynonymRunes = 40
)

func (s *Server) wsSynonyms(w http.ResponseWriter, r *http.Request) error {
	return s.renderSynonyms(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderSynonyms(w http.ResponseWriter, r *http.Request, status int, typed string,
	problems material.Problems) error {
	b, err := s.wsBase(r, "ws.synonyms")
	if err != nil {
		return err
	}
	b.Section = "missed"
	if len(problems) > 0 {
		b.Flash = b.T("error.form")
	}
	p := WSSynonymsPage{Base: b, Typed: typed, Problems: problems}
	if p.Groups, err = s.store.SynonymGroups(r.Context()); err != nil {
		return err
	}
	return s.render(w, status, "ws/synonyms", p)
}

// wsSaveSynonyms adds a group of words that mean the same, or deletes one.
func (s *Server) wsSaveSynonyms(w http.ResponseWriter, r *http.Request) error {
	if id := formID(r.PostForm.Get("delete")); id != 0 {
		err := s.store.DeleteSynonymGroup(r.Context(), id)
		if errors.Is(err, storage.ErrNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		s.audit(r, "settings:synonyms", "slettet #"+strconv.FormatInt(id, 10))
		http.Redirect(w, r, "/redaktion/synonymer?besked=gemt", http.StatusSeeOther)
		return nil
	}
	typed := r.PostForm.Get("words")
	words := search.SynonymWords(typed)
	problems := material.Problems{}
	groups, err := s.store.SynonymGroups(r.Context())
	if err != nil {
		return err
	}
	switch {
	case strings.ContainsFunc(typed, func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c) && !unicode.IsSpace(c) && !strings.ContainsRune(",-'’", c)
	}):
		problems.Add("words", "error.synonyms_letters")
	case slices.ContainsFunc(groups, func(g storage.SynonymGroup) bool { return sameWords(g.Words, words) }):
		problems.Add("words", "error.synonyms_exists")
	case len(words) < 2:
		problems.Add("words", "error.synonyms_two")
	case len(words) > maxSynonymWords:
		problems.Add("words", "error.synonyms_many")
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) > maxSynonymRunes {
			problems.Add("words", "error.synonyms_long")
			break
		}
	}
	if len(problems) > 0 {
		return s.renderSynonyms(w, r, http.StatusUnprocessableEntity, typed, problems)
	}
	if err := s.store.AddSynonymGroup(r.Context(), &storage.SynonymGroup{Words: words}); err != nil {
		return err
	}
	s.audit(r, "settings:synonyms", strings.Join(words, ", "))
	http.Redirect(w, r, "/redaktion/synonymer?besked=gemt", http.StatusSeeOther)
	return nil
}

// sameWords reports whether two groups hold the same words.
func sameWords(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(w string) bool { return !slices.Contains(b, w) })
}
