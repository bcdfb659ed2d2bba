package feed

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/xsstest"
)

// fuzzFeed puts the fuzzer's strings into every text and address field.
func fuzzFeed(title, text, markup string) *Feed {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &Feed{Title: title, Description: text, Language: text, HomeURL: markup, SelfURL: markup,
		IconURL: text, Author: title, Updated: when,
		Items: []Item{{ID: text, URL: markup, Title: title, Summary: text, ContentHTML: markup, ExternalURL: text,
			ImageURL: markup, Language: title, Author: text, Published: when, Updated: when,
			Categories: []Category{{Term: title, Label: text, Scheme: markup}},
			Enclosures: []Enclosure{{URL: markup, Type: text, Length: 1, Title: title}}}}}
}

// replaced is s as an encoder writes it: every byte that is not UTF-8,
// and in XML every character XML forbids, becomes U+FFFD.
func replaced(s string, inXML bool) string {
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r == utf8.RuneError && size == 1 || inXML && !xmlChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// xmlTexts decodes b strictly, failing on anything that is not
// well-formed, and returns the text of each element by its name.
func xmlTexts(t *testing.T, name string, b []byte) map[string][]string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(b)))
	texts := map[string][]string{}
	var path []string
	roots := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: not well-formed: %v\n%s", name, err, b)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if len(path) == 0 {
				roots++
			}
			path = append(path, x.Name.Local)
		case xml.EndElement:
			path = path[:len(path)-1]
		case xml.CharData:
			if len(path) > 0 {
				k := strings.Join(path, "/")
				texts[k] = append(texts[k], string(x))
			}
		}
	}
	if roots != 1 {
		t.Fatalf("%s: %d root elements", name, roots)
	}
	return texts
}

// FuzzWriters writes any text in every field of a feed in the three
// formats: the XML must be well-formed with one root, the JSON valid, an
// entry's title must read back as written, and an RSS description, which
// readers take as HTML, must hold nothing active.
func FuzzWriters(f *testing.F) {
	for _, v := range xsstest.Vectors() {
		f.Add(v, v, "<p>"+v+"</p>")
		f.Add("Forældre <3 & ]]> \x07", v+"\x07\uFFFE", v)
	}
	f.Fuzz(func(t *testing.T, title, text, markup string) {
		fd := fuzzFeed(title, text, markup)
		rss, err := RSS(fd)
		if err != nil {
			t.Fatalf("rss: %v", err)
		}
		texts := xmlTexts(t, "rss", rss)
		if got := strings.Join(texts["rss/channel/item/title"], ""); got != replaced(title, true) {
			t.Errorf("rss title %q, want %q", got, replaced(title, true))
		}
		desc := strings.Join(texts["rss/channel/item/description"], "")
		if html.UnescapeString(desc) != replaced(text, true) {
			t.Errorf("rss description %q for %q", desc, text)
		}
		if found := xsstest.Active(desc); len(found) > 0 {
			t.Errorf("rss description %q: %v", desc, found)
		}

		atom, err := Atom(fd)
		if err != nil {
			t.Fatalf("atom: %v", err)
		}
		texts = xmlTexts(t, "atom", atom)
		if got := strings.Join(texts["feed/entry/title"], ""); got != replaced(title, true) {
			t.Errorf("atom title %q, want %q", got, replaced(title, true))
		}

		js, err := JSON(fd)
		if err != nil {
			t.Fatalf("json: %v", err)
		}
		var doc struct {
			Items []struct {
				Title string `json:"title"`
			} `json:"items"`
		}
		if !json.Valid(js) || json.Unmarshal(js, &doc) != nil || len(doc.Items) != 1 {
			t.Fatalf("json: not valid:\n%s", js)
		}
		if doc.Items[0].Title != replaced(title, false) {
			t.Errorf("json title %q, want %q", doc.Items[0].Title, replaced(title, false))
		}
	})
}
