package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/transfer"
)

// oldAddress answers a request for an address an imported material had
// on the old site: 301 to the material's page while it is public, 404
// while it is not. It reports false, having written nothing, when the
// address is not one an import brought.
func (s *Server) oldAddress(w http.ResponseWriter, r *http.Request) (bool, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false, nil
	}
	raw := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		raw += "?" + r.URL.RawQuery
	}
	path, ok := storage.OldPath(raw)
	if !ok || transfer.HubPath(path) {
		// Such addresses are never recorded: the front page shared with
		// only tracking keys needs no look-up.
		return false, nil
	}
	slug, public, err := s.store.OldPathTarget(r.Context(), path)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if !public {
		return true, errNotFound
	}
	http.Redirect(w, r, "/materialer/"+url.PathEscape(slug), http.StatusMovedPermanently)
	return true, nil
}

// notFound answers every address no route serves: an old address of an
// imported material leads on, anything else is not found.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if done, err := s.oldAddress(w, r); done {
		return err
	}
	return errNotFound
}

// WSFixPage lists the public and planned materials that fail the
// publication checks.
type WSFixPage struct {
	Base
	Items []FixItem
}

// FixItem is a material to fix and what is wrong with it.
type FixItem struct {
	ID      int64
	Title   string
	Slug    string
	Reasons []string
	// Planned is when a scheduled material is to be published, which it
	// will not be until it is fixed; zero for a public one.
	Planned time.Time
}

// wsFix shows the published and scheduled materials that fail the
// publication checks, as imported material can: a published one stays
// public, a scheduled one is not published until it is fixed. The list is
// worked out on every request, so a material leaves it once it is fixed.
func (s *Server) wsFix(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.fix")
	if err != nil {
		return err
	}
	b.Section = "fix"
	p := WSFixPage{Base: b}
	for _, status := range []material.Status{material.Published, material.Scheduled} {
		ms, err := s.store.MaterialsInStatus(r.Context(), status)
		if err != nil {
			return err
		}
		for _, m := range ms {
			problems := material.CheckPublishable(m)
			if problems == nil {
				continue
			}
			it := FixItem{ID: m.ID, Title: m.Title, Slug: m.Slug, Reasons: reasons(b, problems)}
			if status == material.Scheduled {
				it.Planned = m.ScheduledAt
			}
			p.Items = append(p.Items, it)
		}
	}
	sort.SliceStable(p.Items, func(i, j int) bool { return p.Items[i].Title < p.Items[j].Title })
	return s.render(w, http.StatusOK, "ws/fix", p)
}

// reasons translates the problems of a material, each once, in the
// order of their fields.
func reasons(b Base, problems material.Problems) []string {
	fields := make([]string, 0, len(problems))
	for f := range problems {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var out []string
	for _, f := range fields {
		for _, key := range problems[f] {
			if text := b.T(key); !slices.Contains(out, text) {
				out = append(out, text)
			}
		}
	}
	return out
}
