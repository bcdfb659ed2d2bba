package material

import (
	"slices"
	"sort"
	"time"
)

// Facet is the part of a material that listings filter and count on.
type Facet struct {
	ID          int64
	Kind        Kind
	SchoolID    int64
	Audiences   []Audience
	Grades      []GradeBand
	ThemeIDs    []int64
	Featured    bool
	PublishedAt time.Time
}

// Filter selects materials for a listing. Within one facet any of the
// values matches; across facets all must match. Empty means no restriction.
type Filter struct {
	Kinds     []Kind
	Audiences []Audience
	Grades    []GradeBand
	ThemeIDs  []int64
	SchoolIDs []int64
}

// The facets a listing can be filtered on.
const (
	FacetKind     = "kind"
	FacetAudience = "audience"
	FacetGrade    = "grade"
	FacetTheme    = "theme"
	FacetSchool   = "school"
)

// IsEmpty reports whether f restricts nothing.
func (f Filter) IsEmpty() bool {
	return len(f.Kinds)+len(f.Audiences)+len(f.Grades)+len(f.ThemeIDs)+len(f.SchoolIDs) == 0
}

// matches reports whether x passes every facet of f except the one named
// skip, so that counts for a facet show what choosing another value gives.
func (f Filter) matches(x *Facet, skip string) bool {
	if skip != FacetKind && len(f.Kinds) > 0 && !slices.Contains(f.Kinds, x.Kind) {
		return false
	}
	if skip != FacetSchool && len(f.SchoolIDs) > 0 && !slices.Contains(f.SchoolIDs, x.SchoolID) {
		return false
	}
	if skip != FacetAudience && len(f.Audiences) > 0 && !overlaps(f.Audiences, x.Audiences) {
		return false
	}
	if skip != FacetGrade && len(f.Grades) > 0 && !overlaps(f.Grades, x.Grades) {
		return false
	}
	if skip != FacetTheme && len(f.ThemeIDs) > 0 && !overlaps(f.ThemeIDs, x.ThemeIDs) {
		return false
	}
	return true
}

func overlaps[T comparable](want, have []T) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// Counts holds, per facet, how many materials each value would give.
type Counts struct {
	Kinds     map[Kind]int
	Audiences map[Audience]int
	Grades    map[GradeBand]int
	Themes    map[int64]int
	Schools   map[int64]int
}

// Select returns the IDs of the facets that f lets through, newest first,
// and the counts for every facet value given the other facets' choices.
func Select(all []Facet, f Filter) ([]int64, Counts) {
	c := Counts{
		Kinds:     map[Kind]int{},
		Audiences: map[Audience]int{},
		Grades:    map[GradeBand]int{},
		Themes:    map[int64]int{},
		Schools:   map[int64]int{},
	}
	var hits []*Facet
	for i := range all {
		x := &all[i]
		if f.matches(x, "") {
			hits = append(hits, x)
		}
		countFacets(&c, f, x)
	}

	sort.SliceStable(hits, func(i, j int) bool {
		if !hits[i].PublishedAt.Equal(hits[j].PublishedAt) {
			return hits[i].PublishedAt.After(hits[j].PublishedAt)
		}
		return hits[i].ID > hits[j].ID
	})
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids, c
}

func countFacets(c *Counts, f Filter, x *Facet) {
	if f.matches(x, FacetKind) {
		c.Kinds[x.Kind]++
	}
	if x.SchoolID != 0 && f.matches(x, FacetSchool) {
		c.Schools[x.SchoolID]++
	}
	if f.matches(x, FacetAudience) {
		for _, a := range x.Audiences {
			c.Audiences[a]++
		}
	}
	if f.matches(x, FacetGrade) {
		for _, g := range x.Grades {
			c.Grades[g]++
		}
	}
	if f.matches(x, FacetTheme) {
		for _, t := range x.ThemeIDs {
			c.Themes[t]++
		}
	}
}
