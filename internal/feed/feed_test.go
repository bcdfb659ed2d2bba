package feed

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func wellFormed(t *testing.T, name string, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(b)))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("%s: not well-formed: %v\n%s", name, err, b)
		}
	}
}

// TestAwkwardTextStaysWellFormed writes text that XML forbids or that
// looks like markup, and an empty feed, in every format.
func TestAwkwardTextStaysWellFormed(t *testing.T) {
	awkward := "Bell\x07 & <b>fed</b> ]]> \"citat\" \uFFFE slut"
	full := &Feed{Title: awkward, Language: "da", HomeURL: "https://example.dk/materialer",
		SelfURL: "https://example.dk/feed", Author: "Kommunen", Updated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Items: []Item{{ID: "tag:example.dk,2026-01-01:materiale-1", URL: "https://example.dk/materialer/a",
			Title: awkward, Summary: awkward, ContentHTML: "<p>" + awkward + "</p>",
			Published: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			Updated:   time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}}}
	empty := &Feed{Title: "Tom", HomeURL: "https://example.dk/", SelfURL: "https://example.dk/feed"}

	for _, f := range []*Feed{full, empty} {
		for _, format := range []struct {
			name  string
			write func(*Feed) ([]byte, error)
		}{{"rss", RSS}, {"atom", Atom}, {"json", JSON}} {
			b, err := format.write(f)
			if err != nil {
				t.Fatalf("%s: %v", format.name, err)
			}
			if format.name != "json" {
				wellFormed(t, format.name, b)
			} else if !json.Valid(b) {
				t.Fatalf("json: not valid:\n%s", b)
			}
			parsed, err := gofeed.NewParser().ParseString(string(b))
			if err != nil {
				t.Fatalf("%s: %v", format.name, err)
			}
			if parsed.FeedType != format.name || len(parsed.Items) != len(f.Items) {
				t.Errorf("%s: type %s, %d items", format.name, parsed.FeedType, len(parsed.Items))
			}
			if len(f.Items) > 0 && !strings.Contains(parsed.Items[0].Title, "<b>fed</b> ]]>") {
				t.Errorf("%s: title %q", format.name, parsed.Items[0].Title)
			}
			// A summary is text: in RSS, whose readers take a description
			// as HTML, its markup is escaped once more.
			if format.name == "rss" && len(f.Items) > 0 &&
				!strings.Contains(parsed.Items[0].Description, "&lt;b&gt;fed&lt;/b&gt;") {
				t.Errorf("rss: description %q", parsed.Items[0].Description)
			}
		}
	}
}

// TestJSONItemsAlwaysHaveContent: JSON Feed requires content_html or
// content_text in every item.
func TestJSONItemsAlwaysHaveContent(t *testing.T) {
	b, err := JSON(&Feed{Title: "x", Items: []Item{{ID: "1", Title: "Uden tekst", Summary: "Kun resumé."}}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Items[0]["content_text"] != "Kun resumé." || doc.Items[0]["content_html"] != nil {
		t.Errorf("item %v", doc.Items[0])
	}
}
