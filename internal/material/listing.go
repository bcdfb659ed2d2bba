package material

import (
	"cmp"
	mathbits "math/bits"
	"slices"
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

// Listing is the facets of a set of materials packed for the many
// selections made from it: each is a few bytes, counted without following
// a pointer, so a search's tens of thousands of results select and count
// in a few milliseconds. It is read-only and safe to share.
type Listing struct {
	facets []Facet
	packed []packedFacet
	themes []int64 // every facet's themes, end to end
	newest []int32 // positions, newest first
	ids    []int64 // by position
}

type packedFacet struct {
	school    int64
	themesAt  uint32 // the facet's themes are themes[themesAt:themesAt+themesN]
	themesN   uint16
	kind      uint8 // position in Kinds
	audiences uint8 // bits by position in Audiences
	grades    uint8 // bits by position in GradeBands
}

// NewListing packs facets.
func NewListing(facets []Facet) *Listing {
	l := &Listing{facets: facets, packed: make([]packedFacet, len(facets)), newest: make([]int32, len(facets))}
	for i, f := range facets {
		p := packedFacet{school: f.SchoolID, kind: uint8(slices.Index(Kinds, f.Kind)),
			audiences: bitsOf(Audiences, f.Audiences), grades: bitsOf(GradeBands, f.Grades),
			themesAt: uint32(len(l.themes)), themesN: uint16(min(len(f.ThemeIDs), 1<<16-1))}
		l.themes = append(l.themes, f.ThemeIDs[:p.themesN]...)
		l.packed[i] = p
		l.newest[i] = int32(i)
		l.ids = append(l.ids, f.ID)
	}
	slices.SortStableFunc(l.newest, func(a, b int32) int {
		fa, fb := &facets[a], &facets[b]
		if c := fb.PublishedAt.Compare(fa.PublishedAt); c != 0 {
			return c
		}
		return cmp.Compare(fb.ID, fa.ID)
	})
	return l
}

// bitsOf sets the bit of each value's position in all; there are at most
// eight values of a fixed list.
func bitsOf[T comparable](all, values []T) uint8 {
	var out uint8
	for _, v := range values {
		if i := slices.Index(all, v); i >= 0 && i < 8 {
			out |= 1 << i
		}
	}
	return out
}

// Facets returns the facets; they must not be changed.
func (l *Listing) Facets() []Facet { return l.facets }

// Len is how many materials the listing holds.
func (l *Listing) Len() int { return len(l.facets) }

// Select returns the IDs of the facets that f lets through, newest first,
// and the counts for every facet value given the other facets' choices.
func (l *Listing) Select(f Filter) ([]int64, Counts) {
	return l.pick(l.newest, f)
}

// SelectRanked is Select for the facets at the positions order gives, in
// that order: a search's results, best first.
func (l *Listing) SelectRanked(order []int32, f Filter) ([]int64, Counts) {
	return l.pick(order, f)
}

// packedFilter is a filter in the packed facets' terms.
type packedFilter struct {
	kinds, audiences, grades uint8 // 0: any
	schools, themes          []int64
}

func (f Filter) packed() packedFilter {
	return packedFilter{kinds: bitsOf(Kinds, f.Kinds), audiences: bitsOf(Audiences, f.Audiences),
		grades: bitsOf(GradeBands, f.Grades), schools: f.SchoolIDs, themes: f.ThemeIDs}
}

// The facets as bits, for what a material fails of a filter.
const (
	failKind = 1 << iota
	failSchool
	failAudience
	failGrade
	failTheme
)

func (l *Listing) pick(order []int32, f Filter) ([]int64, Counts) {
	pf := f.packed()
	// A facet whose chosen values are none of its fixed list's matches
	// nothing.
	var impossible uint8
	if len(f.Kinds) > 0 && pf.kinds == 0 {
		impossible |= failKind
	}
	if len(f.Audiences) > 0 && pf.audiences == 0 {
		impossible |= failAudience
	}
	if len(f.Grades) > 0 && pf.grades == 0 {
		impossible |= failGrade
	}
	// Counting walks the facets in storage order, which memory serves
	// fastest; only the ids are then taken in the order asked for.
	in := make([]uint8, len(l.packed)) // 0: not asked for; else 1 + what it fails
	for _, i := range order {
		in[i] = 1
	}
	var kinds, audiences, grades [8]int
	themes, schools := map[int64]int{}, map[int64]int{}
	for i := range l.packed {
		if in[i] == 0 {
			continue
		}
		p := &l.packed[i]
		fails := impossible
		if pf.kinds != 0 && pf.kinds&(1<<p.kind) == 0 {
			fails |= failKind
		}
		if pf.audiences != 0 && pf.audiences&p.audiences == 0 {
			fails |= failAudience
		}
		if pf.grades != 0 && pf.grades&p.grades == 0 {
			fails |= failGrade
		}
		if len(pf.schools) > 0 && !slices.Contains(pf.schools, p.school) {
			fails |= failSchool
		}
		pthemes := l.themes[p.themesAt : p.themesAt+uint32(p.themesN)]
		if len(pf.themes) > 0 && !overlaps(pf.themes, pthemes) {
			fails |= failTheme
		}
		in[i] = 1 + fails
		// A value of a facet counts the materials that pass every other.
		passes := func(facet uint8) bool { return fails&^facet == 0 }
		if passes(failKind) && int(p.kind) < len(kinds) {
			kinds[p.kind]++
		}
		if passes(failAudience) {
			addBits(&audiences, p.audiences)
		}
		if passes(failGrade) {
			addBits(&grades, p.grades)
		}
		if p.school != 0 && passes(failSchool) {
			schools[p.school]++
		}
		if passes(failTheme) {
			for _, t := range pthemes {
				themes[t]++
			}
		}
	}
	var ids []int64
	for _, i := range order {
		if in[i] == 1 {
			ids = append(ids, l.ids[i])
			in[i] = 0 // a position given twice is listed once
		}
	}
	c := Counts{Kinds: map[Kind]int{}, Audiences: map[Audience]int{}, Grades: map[GradeBand]int{},
		Themes: themes, Schools: schools}
	fill(c.Kinds, Kinds, kinds)
	fill(c.Audiences, Audiences, audiences)
	fill(c.Grades, GradeBands, grades)
	return ids, c
}

func addBits(counts *[8]int, bits uint8) {
	for bits != 0 {
		i := mathbits.TrailingZeros8(bits)
		counts[i]++
		bits &^= 1 << i
	}
}

func fill[T comparable](m map[T]int, all []T, counts [8]int) {
	for i, v := range all {
		if i < len(counts) && counts[i] > 0 {
			m[v] = counts[i]
		}
	}
}
