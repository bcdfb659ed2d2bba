package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/bindeled/bindeled/internal/material"
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
