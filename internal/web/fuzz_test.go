package web_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
	"github.com/bindeled/bindeled/internal/xsstest"
)

// queryPaths are the public addresses that read a query: the listing
// and its search, a theme's and a school's listing, the feeds, the list
// widget and oEmbed.
var queryPaths = []string{"/materialer", "/temaer/trivsel", "/skoler/a-skole", "/feed/rss", "/feed/atom",
	"/feed/json", "/indlejr/liste", "/oembed", "/sitemap.xml", "/materialer/et-materiale"}

// FuzzPublicQuery sends any query to every public address that reads
// one, on a real SQLite store: the hub must answer every one without a
// 500 (a panic is one, through the middleware's recovery). The one 5xx
// it may give is the 501 the oEmbed specification names for a format
// the provider does not speak, and then it must give exactly that.
func FuzzPublicQuery(f *testing.F) {
	st := storagetest.Open(f, storage.SQLite)
	// The log is discarded: a fuzz iteration may not write to f's.
	h := newHubWith(f, st, web.Config{Uploads: media.DefaultLimits(), LoginLimit: 5, LoginWindow: time.Minute,
		Logger: storagetest.Logger()})
	if err := st.SaveTheme(ctx, &storage.Theme{Slug: "trivsel", Name: "Trivsel"}); err != nil {
		f.Fatal(err)
	}
	if err := st.CreateSchool(ctx, &storage.School{Slug: "a-skole", Name: "A-skolen"}); err != nil {
		f.Fatal(err)
	}
	h.publish(&material.Material{Title: "Et materiale", Body: "Om *forældre* og skærm."})

	for _, q := range []string{"q=for%C3%A6ldre&side=2", "type=artikel&type=film&maalgruppe=laerere&side=-1",
		"tema=trivsel&skole=a-skole&klassetrin=0-3", "q=%ff%00&side=99999999999999999999", "tema=%ZZ",
		"url=http://127.0.0.1/materialer/et-materiale&maxwidth=0&format=xml", "farve=%23fff&antal=1000",
		"video=vis&del=2", "q=\"forældre\" -skærm OR (x*", strings.Repeat("type=film&", 30)} {
		f.Add(uint8(0), q)
	}
	f.Add(uint8(slices.Index(queryPaths, "/oembed")), "format=0&url=http://127.0.0.1/materialer/et-materiale")
	for i, v := range xsstest.Vectors() {
		f.Add(uint8(i), "q="+v+"&tema="+v)
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		path := queryPaths[int(which)%len(queryPaths)]
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery, req.RequestURI = query, path+"?"+query
		rec := httptest.NewRecorder()
		h.web.ServeHTTP(rec, req)
		format := req.URL.Query().Get("format")
		unspoken := path == "/oembed" && format != "" && format != "json" && format != "xml"
		switch {
		case unspoken && rec.Code != http.StatusNotImplemented:
			t.Errorf("GET %s?%s: status %d, want 501 for format %q", path, query, rec.Code, format)
		case !unspoken && rec.Code >= 500:
			t.Errorf("GET %s?%s: status %d", path, query, rec.Code)
		}
	})
}
