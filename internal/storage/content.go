package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search"
)

// Listings and search read a few facts of every material on each request.
// An instance keeps them in memory as a snapshot tagged with the database's
// content generation, which triggers move on every change to materials and
// their audiences, grades and themes. Each use reads the generation (one
// row by its key) and loads the snapshot again when it has moved, so the
// database stays the one source of truth for every instance.

// snapshot is what an instance keeps of the materials.
type snapshot struct {
	gen       int64
	facets    []material.Facet // published materials; shared, never changed
	listing   *material.Listing
	meta      []materialMeta // by id, up to maxID
	sparse    map[int64]materialMeta
	maxID     int64
	published []bool  // by id, for readers' searches
	rankOf    []int32 // by id: meta's rank and facet, packed close
	facetOf   []int32
	// byDate lists the ids from the oldest to the newest (by date, then
	// id); meta's rank is the position in it.
	byDate []int64
}

// materialMeta is what search filters and orders its hits by.
type materialMeta struct {
	known  bool
	status material.Status
	school int64
	date   int64 // the later of publication and last change
	facet  int32 // index in facets, -1 when not published
	rank   int32 // position in byDate
}

// metaOf returns the facts of a material, and whether it exists.
func (sn *snapshot) metaOf(id int64) (materialMeta, bool) {
	if sn.sparse != nil {
		m, ok := sn.sparse[id]
		return m, ok
	}
	if id < 0 || id >= int64(len(sn.meta)) {
		return materialMeta{}, false
	}
	return sn.meta[id], sn.meta[id].known
}

// contentCache holds an instance's latest snapshot.
type contentCache struct {
	mu   sync.Mutex // held while loading, so concurrent requests load once
	snap *snapshot
}

// Generation returns the database's content generation: it changes with
// every committed change to materials, their audiences, grades or themes.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var gen int64
	err := s.q().queryRow(ctx, `SELECT generation FROM content_state WHERE id = 1`).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("content generation: %w", err)
	}
	return gen, nil
}

// snapshot returns a snapshot at least as new as the database's current
// generation.
func (s *Store) snapshot(ctx context.Context) (*snapshot, error) {
	gen, err := s.Generation(ctx)
	if err != nil {
		return nil, err
	}
	s.content.mu.Lock()
	defer s.content.mu.Unlock()
	if sn := s.content.snap; sn != nil && sn.gen >= gen {
		return sn, nil
	}
	// Loaded after reading gen: it holds at least that generation's
	// changes, perhaps newer ones, which the next read will load again.
	sn, err := s.loadSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	sn.gen = gen
	s.content.snap = sn
	return sn, nil
}

// maxDenseID bounds the ids a snapshot keeps in an array; sparser ids go
// into a map.
const maxDenseID = 1 << 21

func (s *Store) loadSnapshot(ctx context.Context) (*snapshot, error) {
	sn := &snapshot{}
	rows, err := s.q().query(ctx, `SELECT id, kind, status, COALESCE(school_id, 0), featured,
		published_at, updated_at FROM materials ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	defer rows.Close()
	var all []materialMeta
	var ids []int64
	for rows.Next() {
		var id, updated int64
		var m materialMeta
		var f material.Facet
		var published sql.NullInt64
		if err := rows.Scan(&id, &f.Kind, &m.status, &m.school, &f.Featured, &published, &updated); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
		m.known, m.date, m.facet = true, max(published.Int64, updated), -1
		if m.status == material.Published {
			f.ID, f.SchoolID, f.PublishedAt = id, m.school, fromNullMillis(published)
			m.facet = int32(len(sn.facets))
			sn.facets = append(sn.facets, f)
		}
		all, ids = append(all, m), append(ids, id)
		sn.maxID = max(sn.maxID, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(all[a].date, all[b].date); c != 0 {
			return c
		}
		return cmp.Compare(ids[a], ids[b])
	})
	sn.byDate = make([]int64, len(ids))
	for r, i := range order {
		all[i].rank = int32(r)
		sn.byDate[r] = ids[i]
	}
	if sn.maxID <= maxDenseID {
		sn.meta = make([]materialMeta, sn.maxID+1)
		for i, id := range ids {
			sn.meta[id] = all[i]
		}
	} else {
		sn.sparse = make(map[int64]materialMeta, len(ids))
		for i, id := range ids {
			sn.sparse[id] = all[i]
		}
	}

	facetOf := func(id int64) *material.Facet {
		if m, ok := sn.metaOf(id); ok && m.facet >= 0 {
			return &sn.facets[m.facet]
		}
		return nil
	}
	err = s.scanPairs(ctx, `SELECT material_id, audience FROM material_audiences ORDER BY material_id, audience`,
		nil, func(id int64, v string) {
			if f := facetOf(id); f != nil {
				f.Audiences = append(f.Audiences, material.Audience(v))
			}
		})
	if err == nil {
		err = s.scanPairs(ctx, `SELECT material_id, grade FROM material_grades ORDER BY material_id, grade`,
			nil, func(id int64, v string) {
				if f := facetOf(id); f != nil {
					f.Grades = append(f.Grades, material.GradeBand(v))
				}
			})
	}
	if err == nil {
		err = s.scanPairs(ctx, `SELECT material_id, theme_id FROM material_themes ORDER BY material_id, theme_id`,
			nil, func(id int64, v string) {
				if f := facetOf(id); f != nil {
					t, _ := strconv.ParseInt(v, 10, 64) // theme_id is an integer column
					f.ThemeIDs = append(f.ThemeIDs, t)
				}
			})
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	sn.listing = material.NewListing(sn.facets)
	if sn.meta != nil {
		sn.published = make([]bool, len(sn.meta))
		sn.rankOf, sn.facetOf = make([]int32, len(sn.meta)), make([]int32, len(sn.meta))
		for id, m := range sn.meta {
			sn.published[id] = m.known && m.status == material.Published
			sn.rankOf[id], sn.facetOf[id] = m.rank, -1
			if m.known {
				sn.facetOf[id] = m.facet
			}
		}
	}
	return sn, nil
}

// PublishedFacets returns the facets of every published material, for
// listings and their counts. It is shared: callers must not change it.
func (s *Store) PublishedFacets(ctx context.Context) (*material.Listing, error) {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	return sn.listing, nil
}

// RankedFacets returns the published facets (shared, as PublishedFacets)
// and the positions in them of the hits that are published, in the hits'
// order.
func (s *Store) RankedFacets(ctx context.Context, hits []search.Hit) (*material.Listing, []int32, error) {
	sn, err := s.snapshot(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("facets: %w", err)
	}
	order := make([]int32, 0, len(hits))
	for _, h := range hits {
		id := h.ID
		if sn.facetOf != nil {
			if id >= 0 && id < int64(len(sn.facetOf)) && sn.facetOf[id] >= 0 {
				order = append(order, sn.facetOf[id])
			}
		} else if m, ok := sn.metaOf(id); ok && m.facet >= 0 {
			order = append(order, m.facet)
		}
	}
	return sn.listing, order, nil
}

// PageVersion returns the version of what public pages show: it moves
// with every committed change to published materials and their parts,
// themes, schools, settings, media files, synonyms and redirects, and
// stays when only drafts change.
func (s *Store) PageVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.q().queryRow(ctx, `SELECT version FROM page_state WHERE id = 1`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("page version: %w", err)
	}
	return v, nil
}
