package mdfile

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParse: no material file makes the reader panic, and what it
// reads is written back to a file it reads the same.
func FuzzParse(f *testing.F) {
	f.Add([]byte("---\nslug: a\nkind: article\ntitle: T\nsummary: s\nlanguage: da\nstatus: draft\n---\nTekst"))
	f.Add([]byte("---\nthemes: [a, b]\nconsent: {rights: true, licences: {x.png: own}}\n---\n"))
	f.Add([]byte("---\r\ntitle: æøå\r\n---\r\n# Overskrift\r\n"))
	f.Add([]byte("---\na: &x [*x]\n---\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		out, err := Marshal(m)
		if err != nil {
			return // a value YAML reads but cannot write, such as an odd time
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(normalized(m), normalized(again)) {
			t.Fatalf("read back differently:\n%#v\n%#v", m, again)
		}
	})
}

// normalized makes nil and empty lists and maps the same, and times
// comparable, for FuzzParse.
func normalized(m Material) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func TestMarshalAndParse(t *testing.T) {
	at := time.Date(2026, 12, 4, 9, 30, 0, 123e6, time.UTC)
	m := Material{Slug: "foraeldremoede", Kind: "guide", Title: "Forældremøde: sådan", Summary: "Kort",
		Body: "# Overskrift\n\n---\n\nEfter en streg.", Audiences: []string{"parents"}, Themes: []string{"trivsel"},
		Language: "da", Status: "published", Transcript: "Linje 1\nLinje 2\n", CreatedAt: at, UpdatedAt: at,
		Attachments: []Attachment{{Media: "a1.pdf", Title: "Tjekliste"}}, Version: 4,
		Consent: &Consent{Rights: true, Licences: map[string]string{"c1.jpg": "own"}, By: "a@example.dk", At: at}}
	b, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "---\nslug: foraeldremoede\n") ||
		!strings.HasSuffix(string(b), "\n---\n# Overskrift\n\n---\n\nEfter en streg.") {
		t.Errorf("file:\n%s", b)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("read back:\n%+v\nwant\n%+v", got, m)
	}
	crlf, err := Parse([]byte(strings.ReplaceAll(string(b), "\n", "\r\n")))
	if err != nil || crlf.Body != m.Body || crlf.Transcript != m.Transcript {
		t.Errorf("with CRLF: %v, body %q", err, crlf.Body)
	}
	for text, want := range map[string]string{
		"# Ingen front matter\n":        "no front matter",
		"---\nslug: a\n":                "no closing line",
		"---\nslug: [a\n---\n":          "front matter",
		"---\nforfatter: Kim\n---\nx":   "field forfatter not found",
		"---\nversion: mange\n---\nx":   "cannot unmarshal",
		"---\ncreated_at: igår\n---\nx": "parsing time",
		"---\nthemes: trivsel\n---\nx":  "cannot unmarshal",
		"---\nconsent: [ja]\n---\nbody": "cannot unmarshal",
	} {
		if _, err := Parse([]byte(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}
