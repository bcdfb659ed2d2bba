package links

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

func readFile(t *testing.T, name string) *transfer.Bundle {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := ReadCSV(context.Background(), f, Options{Name: name})
	if err != nil {
		t.Fatalf("ReadCSV %s: %v", name, err)
	}
	checkBundle(t, b)
	return b
}

// checkBundle checks what holds for every bundle: every material is a
// link that validates, and every problem has a text in both languages.
func checkBundle(t *testing.T, b *transfer.Bundle) {
	t.Helper()
	themes := map[string]bool{}
	for _, th := range b.Themes {
		themes[th.Key] = true
	}
	for _, it := range b.Items {
		m := it.Material
		if p := material.Validate(&m); p != nil {
			t.Errorf("%s: material does not validate: %v", it.Where, p)
		}
		if m.Kind != material.Link || it.Key != m.LinkURL || !material.ValidSlug(m.Slug) {
			t.Errorf("%s: kind %s, key %q, url %q, slug %q", it.Where, m.Kind, it.Key, m.LinkURL, m.Slug)
		}
		for _, k := range it.ThemeKeys {
			if !themes[k] {
				t.Errorf("%s: theme key %q is not in the bundle", it.Where, k)
			}
		}
	}
	for _, p := range slices.Concat(b.Problems, b.Refused) {
		key := "import.problem." + p.Code
		for _, lang := range []i18n.Lang{i18n.Danish, i18n.English} {
			msg := i18n.T(lang, key, p.Detail)
			if msg == key || strings.Contains(msg, "%!") {
				t.Errorf("%s: problem %q has no proper %s text: %q", p.Where, p.Code, lang, msg)
			}
		}
	}
}

func problemsOf(list []transfer.Problem) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.Where+" "+p.Code+" "+p.Detail)
	}
	return out
}

func TestReadCSVDanishExcel(t *testing.T) {
	b := readFile(t, "dansk-excel.csv")
	if b.Source != Source {
		t.Errorf("Source %q", b.Source)
	}
	if len(b.Items) != 4 {
		t.Fatalf("%d items, want 4: %v", len(b.Items), b.Items)
	}

	bv := b.Items[0]
	if bv.Key != "https://bornsvilkar.dk/foraeldretelefonen/" || bv.Where != "dansk-excel.csv: line 2" ||
		bv.Material.Title != "Børns Vilkår: Forældretelefonen 📞" ||
		bv.Material.LinkPublisher != "Børns Vilkår" || bv.Material.Status != material.Published ||
		!slices.Equal(bv.Material.Audiences, []material.Audience{material.Parents}) ||
		!slices.Equal(bv.ThemeKeys, []string{"theme:trivsel"}) ||
		bv.Material.Slug != "boerns-vilkaar-foraeldretelefonen" {
		t.Errorf("first row: %+v", bv)
	}

	emu := b.Items[1]
	if emu.Key != "https://www.emu.dk/" || emu.Material.LinkPublisher != "emu.dk" ||
		!slices.Equal(emu.Material.Audiences, []material.Audience{material.Teachers, material.Pedagogues}) ||
		!slices.Equal(emu.ThemeKeys, []string{"theme:undervisning", "theme:trivsel"}) {
		t.Errorf("second row: %+v", emu)
	}

	sf := b.Items[2]
	if sf.Material.Title != `Skole og Forældre; råd om "skole-hjem"` || sf.Material.Status != material.Draft ||
		!strings.Contains(sf.Material.Body, "folkeskolen.\nDen har") || sf.Where != "dansk-excel.csv: line 4" ||
		sf.Material.Summary != "Organisationen for forældre i folkeskolen. Den har gode råd om samarbejdet." {
		t.Errorf("quoted row with a line break: %+v", sf)
	}

	mr := b.Items[3]
	if mr.Key != "https://www.medieraadet.dk/" || mr.Material.Status != material.Draft ||
		mr.Material.Body != "Medierådet" || mr.Where != "dansk-excel.csv: line 6" {
		t.Errorf("row without description: %+v", mr)
	}

	wantRefused := []string{
		"dansk-excel.csv: line 7 bad-url javascript:alert(1)",
		"dansk-excel.csv: line 8 missing-url Adresse",
		"dansk-excel.csv: line 9 unknown-audience elever",
		"dansk-excel.csv: line 10 duplicate dansk-excel.csv: line 3",
		"dansk-excel.csv: line 11 bad-status måske",
	}
	if got := problemsOf(b.Refused); !slices.Equal(got, wantRefused) {
		t.Errorf("refused:\n got %q\nwant %q", got, wantRefused)
	}
	wantProblems := []string{"dansk-excel.csv: line 6 no-description Medierådet"}
	if got := problemsOf(b.Problems); !slices.Equal(got, wantProblems) {
		t.Errorf("problems:\n got %q\nwant %q", got, wantProblems)
	}
	wantThemes := []transfer.Theme{
		{Key: "theme:trivsel", Slug: "trivsel", Name: "Trivsel"},
		{Key: "theme:undervisning", Slug: "undervisning", Name: "Undervisning"},
		{Key: "theme:skole-hjem", Slug: "skole-hjem", Name: "Skole-hjem"},
	}
	if !slices.Equal(b.Themes, wantThemes) {
		t.Errorf("themes %v, want %v", b.Themes, wantThemes)
	}
}

func TestReadCSVWindows1252(t *testing.T) {
	b := readFile(t, "windows-1252.csv")
	if len(b.Items) != 2 || len(b.Refused) != 0 {
		t.Fatalf("items %v, refused %v", b.Items, b.Refused)
	}
	m := b.Items[0].Material
	if m.Title != "Skoler i Århus" || m.Summary != "Oversigt over kommunens skoler og SFO’er – med adresser." ||
		m.LinkPublisher != "aarhus.dk" {
		t.Errorf("decoded row: %q, %q, %q", m.Title, m.Summary, m.LinkPublisher)
	}
	if a := b.Items[1].Material.Audiences; !slices.Equal(a, []material.Audience{material.SchoolBoard}) {
		t.Errorf("audiences %v", a)
	}
}

func TestReadCSVEnglishComma(t *testing.T) {
	b := readFile(t, "english.csv")
	if len(b.Items) != 2 {
		t.Fatalf("items %v, refused %v", b.Items, b.Refused)
	}
	m := b.Items[0].Material
	if m.Title != "Parent guide, 2024" || m.Body != "A guide for parents, with examples." ||
		!slices.Equal(m.Audiences, []material.Audience{material.Parents, material.Teachers}) ||
		m.LinkPublisher != "example.org" || m.Status != material.Published {
		t.Errorf("row: %+v", m)
	}
	want := []string{"english.csv: line 1 unknown-column notes", "english.csv: line 3 no-description No description"}
	if got := problemsOf(b.Problems); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestReadCSVNotCSV(t *testing.T) {
	for name, want := range map[string]string{
		"billede.csv":  "image/jpeg",
		"regneark.csv": "Excel workbook",
	} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ReadCSV(context.Background(), bytes.NewReader(data), Options{Name: name})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want one that names %q", name, err, want)
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "\xef\xbb\xbf  \n", "empty"},
		{"no URL column", "titel;beskrivelse\nA;B\n", "no URL column"},
		{"no title column", "url\nhttps://example.com\n", "no title column"},
		{"column twice", "url,link,title\n", "twice"},
		{"NUL bytes", "url,title\nhttps://example.com,a\x00b\n", "not a CSV file"},
		{"too many rows", "url,title,description\n" + manyRows(MaxRows+1), "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(context.Background(), strings.NewReader(tt.src), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func manyRows(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("https://example.com/")
		b.WriteString(strings.Repeat("a", i%50+1))
		b.WriteString("/")
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(",Titel,Tekst\n")
	}
	return b.String()
}

func TestReadCSVRows(t *testing.T) {
	tests := []struct {
		name, row string
		opts      Options
		refused   string // the refusal's code, "" for an item
		check     func(t *testing.T, it transfer.Item)
	}{
		{name: "ftp", row: "ftp://example.com/fil,A,B", refused: "bad-url"},
		{name: "user in URL", row: "https://bruger:kode@example.com/,A,B", refused: "url-user"},
		{name: "no host", row: "https:///sti,A,B", refused: "bad-url"},
		{name: "data URL", row: "data:text/html;base64,PHA+,A,B", refused: "bad-url"},
		{name: "no title", row: "https://example.com/,,B", refused: "missing-title"},
		{name: "emoji theme", row: "https://example.com/,A,B,,🎉", refused: "bad-theme"},
		{name: "title too long", row: "https://example.com/," + strings.Repeat("a", 200) + ",B", refused: "invalid-fields"},
		{name: "cell too long", row: "https://example.com/,A," + strings.Repeat("a", MaxFieldSize+1),
			refused: "too-long"},
		{name: "bare quote", row: "https://example.com/,A \"B\" C,D", refused: "bad-row"},
		{name: "default audiences", row: "https://example.com/,A,B",
			opts: Options{Audiences: []material.Audience{material.Leaders}},
			check: func(t *testing.T, it transfer.Item) {
				if !slices.Equal(it.Material.Audiences, []material.Audience{material.Leaders}) {
					t.Errorf("audiences %v", it.Material.Audiences)
				}
			}},
		{name: "several audiences with separators",
			row: `https://example.com/,A,B,"Forældre; SKOLEBESTYRELSE | ledere"`,
			check: func(t *testing.T, it transfer.Item) {
				want := []material.Audience{material.Parents, material.SchoolBoard, material.Leaders}
				if !slices.Equal(it.Material.Audiences, want) {
					t.Errorf("audiences %v", it.Material.Audiences)
				}
			}},
		{name: "long description", row: "https://example.com/,A," + strings.Repeat("ord ", 120),
			check: func(t *testing.T, it transfer.Item) {
				if n := len([]rune(it.Material.Summary)); n > material.SummaryMax ||
					!strings.HasSuffix(it.Material.Summary, "…") {
					t.Errorf("summary of %d characters", n)
				}
			}},
		{name: "URL normalised", row: "HTTP://Example.COM:80?q=1#x,A,B",
			check: func(t *testing.T, it transfer.Item) {
				if it.Key != "http://example.com/?q=1" {
					t.Errorf("key %q", it.Key)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "url,title,description,audience,theme\n" + tt.row + "\n"
			b, err := ReadCSV(context.Background(), strings.NewReader(src), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			checkBundle(t, b)
			if tt.refused != "" {
				if len(b.Refused) != 1 || b.Refused[0].Code != tt.refused || len(b.Items) != 0 {
					t.Fatalf("refused %v, items %d; want one refusal %q", b.Refused, len(b.Items), tt.refused)
				}
				if b.Refused[0].Where != "links.csv: line 2" {
					t.Errorf("where %q", b.Refused[0].Where)
				}
				return
			}
			if len(b.Items) != 1 || len(b.Refused) != 0 {
				t.Fatalf("items %v, refused %v", b.Items, b.Refused)
			}
			tt.check(t, b.Items[0])
		})
	}
}

func TestReadCSVCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ReadCSV(ctx, strings.NewReader("url,title\nhttps://example.com/,A\n"), Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestReadCSVSameTitleTwice(t *testing.T) {
	src := "url,title,description\nhttps://example.com/a,Trivsel,A\nhttps://example.com/b,Trivsel,B\n"
	b, err := ReadCSV(context.Background(), strings.NewReader(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkBundle(t, b)
	if len(b.Items) != 2 || b.Items[0].Material.Slug != "trivsel" || b.Items[1].Material.Slug != "trivsel-2" {
		t.Fatalf("items %+v", b.Items)
	}
	want := []string{"links.csv: line 3 duplicate-slug trivsel → trivsel-2"}
	if got := problemsOf(b.Problems); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestReadCSVExcelSeparatorLine(t *testing.T) {
	src := "sep=;\r\nURL;Titel;Beskrivelse;Noter\r\nhttps://example.com/a,b;Komma i adressen;Tekst, med komma.;x\r\n" +
		"javascript:x;Farlig;Nej;\r\n"
	b, err := ReadCSV(context.Background(), strings.NewReader(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkBundle(t, b)
	if len(b.Items) != 1 || b.Items[0].Key != "https://example.com/a,b" || b.Items[0].Where != "links.csv: line 3" {
		t.Fatalf("items %+v", b.Items)
	}
	want := []string{"links.csv: line 4 bad-url javascript:x"}
	if got := problemsOf(b.Refused); !slices.Equal(got, want) {
		t.Errorf("refused %q, want %q", got, want)
	}
	want = []string{"links.csv: line 2 unknown-column Noter"}
	if got := problemsOf(b.Problems); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}
