package web

import (
	"net/url"
	"testing"

	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/xsstest"
)

// FuzzParseFilter reads any query as the listing's filter. It must not
// panic; the filter it makes must be written back as an address that
// reads as the same filter with no problem, so one filter has one
// address.
func FuzzParseFilter(f *testing.F) {
	themes := []storage.Theme{{ID: 1, Slug: "trivsel"}, {ID: 2, Slug: "skaerm"}}
	schools := []storage.School{{ID: 7, Slug: "a-skole"}}
	for _, q := range []string{"type=artikel&type=film&type=artikel", "maalgruppe=laerere&klassetrin=sfo&tema=skaerm",
		"skole=a-skole&skole=b&tema=", "type=%ZZ&q=x", "tema=trivsel;type=film"} {
		f.Add(q)
	}
	for _, v := range xsstest.Vectors() {
		f.Add("tema=" + url.QueryEscape(v) + "&type=" + v)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // what parses is kept, as net/http does
		filter, _ := parseFilter(q, themes, schools)
		written := filterQuery(filter, themes, schools)
		again, bad := parseFilter(written, themes, schools)
		if bad != nil {
			t.Fatalf("%q: its own address %q has a problem: %+v", raw, written.Encode(), bad)
		}
		if back := filterQuery(again, themes, schools).Encode(); back != written.Encode() {
			t.Fatalf("%q: written as %q, read back as %q", raw, written.Encode(), back)
		}
	})
}
