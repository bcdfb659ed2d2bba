package web

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

// The listing's query parameters, in Danish like the rest of the addresses.
const (
	paramKind     = "type"
	paramAudience = "maalgruppe"
	paramTheme    = "tema"
	paramGrade    = "klassetrin"
	paramSchool   = "skole"
)

// The query parameters the listing, its feeds and the list widget read;
// the page cache keeps their pages under these alone (Route.Query).
var (
	filterParams  = []string{paramKind, paramAudience, paramTheme, paramGrade, paramSchool}
	listingParams = append([]string{"q", "side"}, filterParams...)
	feedParams    = append([]string{"q", paramText}, filterParams...) // q is refused, so it is kept
	widgetParams  = append([]string{paramColour, paramCount}, filterParams...)
)

// paramMap translates between domain values and their Danish URL form.
type paramMap[T comparable] []struct {
	value T
	param string
}

func (m paramMap[T]) param(v T) string {
	for _, x := range m {
		if x.value == v {
			return x.param
		}
	}
	return fmt.Sprint(v)
}

func (m paramMap[T]) value(p string) (T, bool) {
	for _, x := range m {
		if x.param == p {
			return x.value, true
		}
	}
	var zero T
	return zero, false
}

var kindParams = paramMap[material.Kind]{
	{material.Article, "artikel"}, {material.Film, "film"},
	{material.Guide, "vejledning"}, {material.Link, "link"},
}

var audienceParams = paramMap[material.Audience]{
	{material.Parents, "foraeldre"}, {material.Teachers, "laerere"},
	{material.Pedagogues, "paedagoger"}, {material.Leaders, "ledere"},
	{material.SchoolBoard, "skolebestyrelser"},
}

var gradeParams = paramMap[material.GradeBand]{
	{material.Grades0to3, "0-3"}, {material.Grades4to6, "4-6"},
	{material.Grades7to9, "7-9"}, {material.AfterSchoolCare, "sfo"},
}

// maxFilterValues bounds how many values of one facet a URL may choose.
const maxFilterValues = 20

// filterProblem is the first value of a query that chose nothing a
// listing knows: an unknown value, or more values of one facet than
// maxFilterValues.
type filterProblem struct {
	Param string
	Value string
}

// filterLists reads the themes and schools that filters name.
func (s *Server) filterLists(ctx context.Context) ([]storage.Theme, []storage.School, error) {
	themes, err := s.store.Themes(ctx)
	if err != nil {
		return nil, nil, err
	}
	schools, err := s.store.Schools(ctx)
	if err != nil {
		return nil, nil, err
	}
	return themes, schools, nil
}

// parseFilter reads the listing's filter from the query. Unknown values
// are skipped and the first is reported, never an error.
func parseFilter(q url.Values, themes []storage.Theme, schools []storage.School) (material.Filter,
	*filterProblem) {
	var f material.Filter
	var bad *filterProblem
	each := func(name string, fn func(string) bool) {
		for i, v := range q[name] {
			if v == "" { // "type=" chooses nothing, as an unticked box would
				continue
			}
			if (i >= maxFilterValues || !fn(v)) && bad == nil {
				bad = &filterProblem{Param: name, Value: v}
			}
		}
	}
	each(paramKind, func(v string) bool {
		k, ok := kindParams.value(v)
		f.Kinds = appendNew(f.Kinds, k, ok)
		return ok
	})
	each(paramAudience, func(v string) bool {
		a, ok := audienceParams.value(v)
		f.Audiences = appendNew(f.Audiences, a, ok)
		return ok
	})
	each(paramGrade, func(v string) bool {
		g, ok := gradeParams.value(v)
		f.Grades = appendNew(f.Grades, g, ok)
		return ok
	})
	each(paramTheme, func(v string) bool {
		i := slices.IndexFunc(themes, func(t storage.Theme) bool { return t.Slug == v })
		if i >= 0 {
			f.ThemeIDs = appendNew(f.ThemeIDs, themes[i].ID, true)
		}
		return i >= 0
	})
	each(paramSchool, func(v string) bool {
		i := slices.IndexFunc(schools, func(s storage.School) bool { return s.Slug == v })
		if i >= 0 {
			f.SchoolIDs = appendNew(f.SchoolIDs, schools[i].ID, true)
		}
		return i >= 0
	})
	return f, bad
}

// filterQuery writes a filter as the listing's query, each facet's values
// in display order, so that one filter always has one address.
func filterQuery(f material.Filter, themes []storage.Theme, schools []storage.School) url.Values {
	v := url.Values{}
	for _, k := range material.Kinds {
		if slices.Contains(f.Kinds, k) {
			v.Add(paramKind, kindParams.param(k))
		}
	}
	for _, a := range material.Audiences {
		if slices.Contains(f.Audiences, a) {
			v.Add(paramAudience, audienceParams.param(a))
		}
	}
	for _, t := range themes {
		if slices.Contains(f.ThemeIDs, t.ID) {
			v.Add(paramTheme, t.Slug)
		}
	}
	for _, g := range material.GradeBands {
		if slices.Contains(f.Grades, g) {
			v.Add(paramGrade, gradeParams.param(g))
		}
	}
	for _, sc := range schools {
		if slices.Contains(f.SchoolIDs, sc.ID) {
			v.Add(paramSchool, sc.Slug)
		}
	}
	return v
}

// filterLabels names the values a filter chose, in the page's language.
func filterLabels(b Base, f material.Filter, themes []storage.Theme, schools []storage.School) []string {
	var out []string
	for _, k := range material.Kinds {
		if slices.Contains(f.Kinds, k) {
			out = append(out, b.T("kinds."+string(k)))
		}
	}
	for _, a := range material.Audiences {
		if slices.Contains(f.Audiences, a) {
			out = append(out, b.T("audience."+string(a)))
		}
	}
	for _, t := range themes {
		if slices.Contains(f.ThemeIDs, t.ID) {
			out = append(out, t.Name)
		}
	}
	for _, g := range material.GradeBands {
		if slices.Contains(f.Grades, g) {
			out = append(out, b.T("grade."+string(g)))
		}
	}
	for _, sc := range schools {
		if slices.Contains(f.SchoolIDs, sc.ID) {
			out = append(out, sc.Name)
		}
	}
	return out
}

func appendNew[T comparable](s []T, v T, ok bool) []T {
	if !ok || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// filterGroups builds the filter form's checkboxes with their counts.
func filterGroups(b Base, f material.Filter, c material.Counts, themes []storage.Theme,
	schools []storage.School, hide map[string]bool) []FilterGroup {
	var groups []FilterGroup
	add := func(name, legend string, opts []FilterOption) {
		if hide[name] || len(opts) == 0 {
			return
		}
		for i := range opts {
			opts[i].ID = "f-" + name + "-" + strconv.Itoa(i)
		}
		groups = append(groups, FilterGroup{Name: name, Legend: b.T(legend), Options: opts})
	}

	var opts []FilterOption
	for _, k := range material.Kinds {
		opts = append(opts, FilterOption{Value: kindParams.param(k), Label: b.T("kinds." + string(k)),
			Count: c.Kinds[k], Checked: slices.Contains(f.Kinds, k)})
	}
	add(paramKind, "list.kind", opts)

	opts = nil
	for _, a := range material.Audiences {
		opts = append(opts, FilterOption{Value: audienceParams.param(a), Label: b.T("audience." + string(a)),
			Count: c.Audiences[a], Checked: slices.Contains(f.Audiences, a)})
	}
	add(paramAudience, "list.audience", opts)

	opts = nil
	for _, t := range themes {
		opts = append(opts, FilterOption{Value: t.Slug, Label: t.Name, Count: c.Themes[t.ID],
			Checked: slices.Contains(f.ThemeIDs, t.ID)})
	}
	add(paramTheme, "list.theme", opts)

	opts = nil
	for _, g := range material.GradeBands {
		opts = append(opts, FilterOption{Value: gradeParams.param(g), Label: b.T("grade." + string(g)),
			Count: c.Grades[g], Checked: slices.Contains(f.Grades, g)})
	}
	add(paramGrade, "list.grade", opts)

	opts = nil
	for _, sc := range schools {
		opts = append(opts, FilterOption{Value: sc.Slug, Label: sc.Name, Count: c.Schools[sc.ID],
			Checked: slices.Contains(f.SchoolIDs, sc.ID)})
	}
	add(paramSchool, "list.school", opts)
	return groups
}

// aboutText is the about page: the admin's text, or a default that says
// what the hub is.
func aboutText(b Base) string {
	if b.Brand.About != "" {
		return b.Brand.About
	}
	owner := b.Brand.Owner
	if owner == "" {
		owner = "Skoleforvaltningen"
	}
	return "## Hvad er " + b.Brand.Name + "?\n\n" +
		b.Brand.Name + " samler inspiration og viden om samarbejdet mellem skole og hjem. " +
		"Her finder forældre, lærere, pædagoger, ledere og skolebestyrelser artikler, korte film, " +
		"vejledninger og links til gode materialer andre steder.\n\n" +
		"## Hvem står bag?\n\n" + owner + " redigerer siden. Skolerne deler deres egne erfaringer, " +
		"og en styregruppe med forældre, ledere, lærere og pædagoger giver input, før materialerne udgives.\n\n" +
		"## Dine data\n\nSiden sætter ingen cookies og bruger ingen statistik- eller reklameværktøjer. " +
		"Film fra YouTube eller Vimeo hentes først, når du selv vælger at vise dem.\n"
}
