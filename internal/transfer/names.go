package transfer

import (
	"strconv"
	"strings"

	"github.com/bindeled/bindeled/internal/material"
)

// audienceNames maps the names a source may give an audience, in Danish and
// English, singular and plural, lowercased, to the hub's audiences.
var audienceNames = map[string]material.Audience{
	"parents": material.Parents, "parent": material.Parents,
	"forældre": material.Parents, "forælder": material.Parents, "foraeldre": material.Parents,
	"teachers": material.Teachers, "teacher": material.Teachers,
	"lærere": material.Teachers, "lærer": material.Teachers, "laerere": material.Teachers,
	"pedagogues": material.Pedagogues, "pedagogue": material.Pedagogues,
	"pædagoger": material.Pedagogues, "pædagog": material.Pedagogues, "paedagoger": material.Pedagogues,
	"leaders": material.Leaders, "leader": material.Leaders,
	"ledere": material.Leaders, "leder": material.Leaders, "ledelse": material.Leaders,
	"boards": material.SchoolBoard, "board": material.SchoolBoard, "school boards": material.SchoolBoard,
	"skolebestyrelser": material.SchoolBoard, "skolebestyrelse": material.SchoolBoard,
	"skolebestyrelsen": material.SchoolBoard,
}

// ParseAudience returns the audience a source names, in Danish or English,
// in any case, such as "Forældre", "lærere", "parents" or "boards".
func ParseAudience(name string) (material.Audience, bool) {
	a, ok := audienceNames[strings.ToLower(strings.Join(strings.Fields(name), " "))]
	return a, ok
}

// SplitList splits a cell or a front matter value that lists several
// names, separated by commas, semicolons or vertical bars, and drops the
// empty ones.
func SplitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '|' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// slugMax is the longest slug material.ValidSlug accepts.
const slugMax = 80

// UniqueSlug returns slug, or when taken has it already slug with the
// first free number, "trivsel-2", cut so that it stays a valid slug, and
// adds the result to taken. Readers use it so that no two items of one
// bundle want the same slug.
func UniqueSlug(slug string, taken map[string]bool) string {
	out := slug
	for n := 2; taken[out]; n++ {
		suffix := "-" + strconv.Itoa(n)
		base := slug
		if len(base)+len(suffix) > slugMax {
			base = strings.TrimRight(base[:slugMax-len(suffix)], "-")
		}
		out = base + suffix
	}
	taken[out] = true
	return out
}
