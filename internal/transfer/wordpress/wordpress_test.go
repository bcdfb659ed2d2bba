package wordpress

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// readFixture reads a file of testdata with opts.
func readFixture(t *testing.T, name string, opts Options) (*transfer.Bundle, error) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	opts.Name = name
	return Read(context.Background(), bytes.NewReader(data), opts)
}

// readSite reads testdata/site.xml with the links category mapped to links.
func readSite(t *testing.T, opts Options) *transfer.Bundle {
	t.Helper()
	if opts.Kinds == nil {
		opts.Kinds = []KindRule{{By: "category", Name: "links", Kind: material.Link}}
	}
	b, err := readFixture(t, "site.xml", opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return b
}

func itemByKey(t *testing.T, b *transfer.Bundle, key string) transfer.Item {
	t.Helper()
	for _, it := range b.Items {
		if it.Key == key {
			return it
		}
	}
	t.Fatalf("no item %s among %d", key, len(b.Items))
	return transfer.Item{}
}

func hasProblem(list []transfer.Problem, code, detail string) bool {
	return slices.ContainsFunc(list, func(p transfer.Problem) bool { return p.Code == code && p.Detail == detail })
}

func TestReadSiteChannel(t *testing.T) {
	b := readSite(t, Options{})
	if b.Source != "wordpress:https://gammel.example.dk" {
		t.Errorf("Source = %q", b.Source)
	}
	wantThemes := []transfer.Theme{
		{Key: "category:skole-hjem", Slug: "skole-hjem", Name: "Skole & hjem",
			Description: "Samarbejdet mellem skole og hjem"},
		{Key: "category:links", Slug: "links", Name: "Gode links"},
		{Key: "category:æbler-🍎", Slug: "aebler", Name: "Æbler 🍎"},
		{Key: "tag:trivsel", Slug: "trivsel", Name: "Trivsel"},
		{Key: "tag:frugt", Slug: "frugt", Name: "Frugt"},
	}
	if !slices.Equal(b.Themes, wantThemes) {
		t.Errorf("Themes =\n%+v\nwant\n%+v", b.Themes, wantThemes)
	}
	wantUsers := []transfer.User{
		{Key: "author:jens", Email: "jens@example.dk", Name: "Jens Ærø"},
		{Key: "author:mette", Email: "mette@example.dk", Name: "Mette Sørensen"},
	}
	if !slices.Equal(b.Users, wantUsers) {
		t.Errorf("Users = %+v, want %+v", b.Users, wantUsers)
	}
	var keys []string
	for _, it := range b.Items {
		keys = append(keys, it.Key)
	}
	// Attachments, the menu item, the revision and the post without a
	// title are no materials; the trashed post is one only to update.
	wantKeys := []string{"post:101", "post:102", "post:103", "post:104", "post:105", "post:106", "post:107",
		"post:108", "post:110", "post:112"}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("item keys = %v, want %v", keys, wantKeys)
	}
	for _, it := range b.Items {
		if it.UpdateOnly != (it.Key == "post:108") {
			t.Errorf("%s: UpdateOnly %v", it.Key, it.UpdateOnly)
		}
	}
	trashed := itemByKey(t, b, "post:108").Material
	if trashed.Status != material.Unpublished || trashed.Slug != "gammelt-opslag" {
		t.Errorf("trashed post: status %s, slug %q; want unpublished, gammelt-opslag", trashed.Status, trashed.Slug)
	}
	wantRefused := []transfer.Problem{{Where: "site.xml: item 14 «»", Code: ProblemTitleMissing, Detail: "111"}}
	if !slices.Equal(b.Refused, wantRefused) {
		t.Errorf("Refused = %+v, want %+v", b.Refused, wantRefused)
	}
	wantProblems := []transfer.Problem{
		{Where: "site.xml: item 4 «Om forvaltningen»", Code: ProblemDuplicateSlug, Detail: "trivsel → trivsel-2"},
		{Where: "site.xml: item 5 «Referat fra bestyrelsen»", Code: ProblemProtected,
			Detail: "Referat fra bestyrelsen"},
		{Where: "site.xml: item 10 «Gammelt opslag»", Code: ProblemTrashSkipped, Detail: "Gammelt opslag"},
		{Where: "site.xml: item 12 «Æbler & pærer 🍐 i SFO»", Code: ProblemShortcodeRemoved,
			Detail: "contact-form-7"},
		{Where: "site.xml: item 12 «Æbler & pærer 🍐 i SFO»", Code: ProblemShortcodeRemoved, Detail: "su_box"},
	}
	if !slices.Equal(b.Problems, wantProblems) {
		t.Errorf("Problems =\n%+v\nwant\n%+v", b.Problems, wantProblems)
	}
}

func TestReadSitePost(t *testing.T) {
	b := readSite(t, Options{MediaDir: "testdata/uploads"})
	it := itemByKey(t, b, "post:101")
	m := it.Material
	if it.Where != "site.xml: item 1 «Trivsel i 4. klasse 😀»" {
		t.Errorf("Where = %q", it.Where)
	}
	if m.Title != "Trivsel i 4. klasse 😀" || m.Slug != "trivsel" || m.Kind != material.Article {
		t.Errorf("title, slug, kind = %q, %q, %q", m.Title, m.Slug, m.Kind)
	}
	if m.Summary != "Sådan arbejder 4. klasse med trivsel sammen med forældrene." {
		t.Errorf("Summary = %q, want the excerpt", m.Summary)
	}
	if m.Status != material.Published || !m.PublishedAt.Equal(time.Date(2016, 12, 5, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("status %s at %v, want published at 09:30 UTC", m.Status, m.PublishedAt)
	}
	if !m.UpdatedAt.Equal(time.Date(2016, 12, 6, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("UpdatedAt = %v", m.UpdatedAt)
	}
	if m.Language != "da" || !slices.Equal(m.Audiences, DefaultAudiences) {
		t.Errorf("language %q, audiences %v", m.Language, m.Audiences)
	}
	if it.AuthorKey != "author:jens" {
		t.Errorf("AuthorKey = %q", it.AuthorKey)
	}
	if want := []string{"category:skole-hjem", "tag:trivsel"}; !slices.Equal(it.ThemeKeys, want) {
		t.Errorf("ThemeKeys = %v, want %v (no uncategorized)", it.ThemeKeys, want)
	}
	wantPaths := []string{"/?p=101", "/2016/12/trivsel/", "/?attachment_id=201", "/2016/12/trivsel/skolegaard/",
		"/?attachment_id=202"}
	if !slices.Equal(it.OldPaths, wantPaths) {
		t.Errorf("OldPaths = %v, want %v", it.OldPaths, wantPaths)
	}
	if it.Cover == nil || it.Cover.Alt != "Børn i skolegården" || m.CoverAlt != "Børn i skolegården" ||
		it.Cover.Key != "https://gammel.example.dk/wp-content/uploads/2016/12/skolegaard.jpg" {
		t.Errorf("Cover = %+v, CoverAlt %q", it.Cover, m.CoverAlt)
	}
	if len(it.Inline) != 1 || it.Inline[0].Alt != "Børn i skolegården" || it.Inline[0].Name != "skolegaard.jpg" {
		t.Errorf("Inline = %+v, want the one school yard image", it.Inline)
	}
	if len(it.Attachments) != 1 || it.Attachments[0].Title != "Tjekliste til forældremødet" ||
		it.Attachments[0].File.Name != "tjekliste.pdf" {
		t.Errorf("Attachments = %+v, want the checklist once, with its title", it.Attachments)
	}
	for _, want := range []string{
		"Sådan arbejder vi med **trivsel** i 4. klasse.\\\nForældrene er med hele vejen.",
		"Læs [Trivselsguiden fra ministeriet](https://www.example.org/trivsel) og hent tjeklisten.",
		"## Det gør vi",
		"- Klassemøder hver uge\n- Legegrupper\n  - i frikvarteret",
		"![Børn i skolegården](bindeled-inline:0)",
		"![Børn i skolegården](bindeled-inline:0)\n\nFrikvarter i december",
		"Kode: `arr[i]]>`",
		"> Alle skal have en at lege med.",
		"<https://www.youtube.com/watch?v=dQw4w9WgXcQ>",
		"| Dag | Aktivitet |\n| --- | --- |\n| Mandag | Klassemøde \\| kort |\n| Fredag | Fælles leg |",
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	for _, unwanted := range []string{"alert", "color", "tilmeld", "wp:paragraph", "<!--", "caption"} {
		if strings.Contains(m.Body, unwanted) {
			t.Errorf("body has %q:\n%s", unwanted, m.Body)
		}
	}
}

func TestReadSiteStatuses(t *testing.T) {
	b := readSite(t, Options{})
	tests := []struct {
		key       string
		status    material.Status
		published time.Time
		scheduled time.Time
	}{
		// A page published with no GMT date: its local date in Danish
		// summer time.
		{"post:102", material.Published, time.Date(2016, 7, 1, 10, 0, 0, 0, time.UTC), time.Time{}},
		{"post:103", material.Draft, time.Time{}, time.Time{}}, // password-protected
		{"post:104", material.Scheduled, time.Time{}, time.Date(2027, 8, 9, 6, 0, 0, 0, time.UTC)},
		{"post:105", material.Draft, time.Time{}, time.Time{}},
		{"post:112", material.Draft, time.Time{}, time.Time{}}, // private
	}
	for _, tt := range tests {
		m := itemByKey(t, b, tt.key).Material
		if m.Status != tt.status || !m.PublishedAt.Equal(tt.published) || !m.ScheduledAt.Equal(tt.scheduled) {
			t.Errorf("%s: status %s, published %v, scheduled %v; want %s, %v, %v", tt.key, m.Status,
				m.PublishedAt, m.ScheduledAt, tt.status, tt.published, tt.scheduled)
		}
	}
	// The draft's local time, 02:30 on the night summer time began, does
	// not exist; it is read as the hour before, still a time.
	if got := itemByKey(t, b, "post:105").Material.CreatedAt; got.IsZero() {
		t.Errorf("draft without a GMT date has no time")
	}
}

func TestReadSiteKindsAndSlugs(t *testing.T) {
	b := readSite(t, Options{})
	page := itemByKey(t, b, "post:102")
	if page.Material.Slug != "trivsel-2" {
		t.Errorf("page with the post's slug got %q, want trivsel-2", page.Material.Slug)
	}
	if want := []string{"/?page_id=102", "/om/trivsel/"}; !slices.Equal(page.OldPaths, want) {
		t.Errorf("page OldPaths = %v, want %v", page.OldPaths, want)
	}
	if s := page.Material.Summary; len([]rune(s)) > material.SummaryMax || !strings.HasSuffix(s, "anden sal.") {
		t.Errorf("summary from the text = %q, want whole sentences within %d", s, material.SummaryMax)
	}
	film := itemByKey(t, b, "post:106").Material
	if film.Kind != material.Film || film.ExternalURL != "https://www.youtube.com/watch?v=dQw4w9WgXcQ" {
		t.Errorf("film post: kind %s, external %q", film.Kind, film.ExternalURL)
	}
	link := itemByKey(t, b, "post:107").Material
	if link.Kind != material.Link || link.LinkURL != "https://www.foedevarer.example.org/madpakker" ||
		link.LinkPublisher != "foedevarer.example.org" {
		t.Errorf("link post: kind %s, %q by %q", link.Kind, link.LinkURL, link.LinkPublisher)
	}
	fruit := itemByKey(t, b, "post:110")
	if fruit.Material.Slug != "aebler-og-paerer" || fruit.Material.Title != "Æbler & pærer 🍐 i SFO" {
		t.Errorf("encoded slug %q, title %q", fruit.Material.Slug, fruit.Material.Title)
	}
	if want := []string{"category:æbler-🍎", "tag:frugt"}; !slices.Equal(fruit.ThemeKeys, want) {
		t.Errorf("ThemeKeys = %v, want %v", fruit.ThemeKeys, want)
	}
	if !slices.Contains(fruit.OldPaths, "/2017/09/æbler-og-pærer/") {
		t.Errorf("OldPaths = %v, want the decoded path", fruit.OldPaths)
	}

	// Without the mapping the link post is an article.
	plain, err := readFixture(t, "site.xml", Options{Kinds: []KindRule{}})
	if err != nil {
		t.Fatal(err)
	}
	if k := itemByKey(t, plain, "post:107").Material.Kind; k != material.Article {
		t.Errorf("without rules the link post is %s", k)
	}
	// A rule for a post without any outside link falls back to an article.
	guides, err := readFixture(t, "site.xml", Options{Kinds: []KindRule{
		{By: "type", Name: "page", Kind: material.Link}, {By: "type", Name: "post", Kind: material.Guide}}})
	if err != nil {
		t.Fatal(err)
	}
	if k := itemByKey(t, guides, "post:102").Material.Kind; k != material.Article ||
		!hasProblem(guides.Problems, ProblemLinkWithoutURL, "Om forvaltningen") {
		t.Errorf("page as link without a link: kind %s, problems %+v", k, guides.Problems)
	}
	if k := itemByKey(t, guides, "post:101").Material.Kind; k != material.Guide {
		t.Errorf("post by type rule is %s, want guide", k)
	}
}

func TestReadSiteBrokenHTMLAndShortcodes(t *testing.T) {
	b := readSite(t, Options{})
	it := itemByKey(t, b, "post:110")
	body := it.Material.Body
	for _, want := range []string{
		"**Fed *og kursiv***", // the unclosed <i> goes on as the browser shows it
		"Tag en frugt med hver dag.",
		"![Børn i skolegården](bindeled-inline:0) ![](bindeled-inline:1)",
		"Skriv \\[caption\\] for at vise en billedtekst.",
		"Ikke lukket [frugtordning](https://www.example.org/frugt)",
		"## ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "contact-form") || strings.Contains(body, "su_box") ||
		strings.Contains(body, "[gallery") {
		t.Errorf("a shortcode was left in the body:\n%s", body)
	}
	if len(it.Inline) != 2 || it.Inline[1].Key != "https://gammel.example.dk/wp-content/uploads/2017/09/frugt.jpg" {
		t.Errorf("gallery images = %+v", it.Inline)
	}
	if len(it.Attachments) != 1 || it.Attachments[0].File.Name != "sang.mp3" || it.Attachments[0].Title != "sang.mp3" {
		t.Errorf("audio attachment = %+v", it.Attachments)
	}
}

func TestReadEncodings(t *testing.T) {
	for _, name := range []string{"latin1.xml", "windows1252.xml"} {
		t.Run(name, func(t *testing.T) {
			b, err := readFixture(t, name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Items) != 1 {
				t.Fatalf("%d items, want 1; refused %+v", len(b.Items), b.Refused)
			}
			it := b.Items[0]
			if !strings.HasPrefix(it.Material.Title, "Skolebørn på tur") {
				t.Errorf("Title = %q", it.Material.Title)
			}
			if it.Material.Slug != "skoleboern-paa-tur" {
				t.Errorf("Slug = %q", it.Material.Slug)
			}
			if !strings.Contains(it.Material.Body, "færgen til Ærø") {
				t.Errorf("Body = %q", it.Material.Body)
			}
			if len(b.Themes) != 1 || b.Themes[0].Name != "Første skoledag" ||
				b.Themes[0].Key != "category:første-skoledag" {
				t.Errorf("Themes = %+v", b.Themes)
			}
			if b.Source != "wordpress:http://skoleblad.example.dk" {
				t.Errorf("Source = %q", b.Source)
			}
		})
	}
	b, err := readFixture(t, "windows1252.xml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Items[0].Material.Title; got != "Skolebørn på tur – “Ærø”" {
		t.Errorf("windows-1252 title = %q", got)
	}
}

func TestReadRefusesWhatIsNotWXR(t *testing.T) {
	tests := []struct {
		name, want string
		notWXR     bool
	}{
		{"jpeg-named.xml", "not XML", true},
		{"html-named.xml", "starts with <html>", true},
		{"feed.xml", "RSS feed without WordPress's export elements", true},
		{"truncated.xml", "it may be cut off", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := readFixture(t, tt.name, Options{})
			if err == nil {
				t.Fatalf("no error; bundle has %d items", len(b.Items))
			}
			if errors.Is(err, ErrNotWXR) != tt.notWXR || !strings.Contains(err.Error(), tt.want) ||
				!strings.Contains(err.Error(), tt.name) {
				t.Errorf("error %q, want one naming the file and %q (ErrNotWXR: %v)", err, tt.want, tt.notWXR)
			}
		})
	}
	if _, err := Read(context.Background(), strings.NewReader(""), Options{Name: "empty.xml"}); err == nil ||
		!strings.Contains(err.Error(), "no XML element") {
		t.Errorf("empty input: %v", err)
	}
}

func TestReadMaxBytes(t *testing.T) {
	data, err := os.ReadFile("testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Read(context.Background(), bytes.NewReader(data), Options{Name: "site.xml", MaxBytes: 1000})
	if err == nil || !strings.Contains(err.Error(), "larger than the limit of 1000 bytes") {
		t.Errorf("error = %v, want the size limit", err)
	}
	if _, err := Read(context.Background(), bytes.NewReader(data), Options{MaxBytes: int64(len(data))}); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
}

func TestReadMediaDirMissing(t *testing.T) {
	for _, dir := range []string{"testdata/no-such-folder", "testdata/site.xml"} {
		_, err := readFixture(t, "site.xml", Options{MediaDir: dir})
		if err == nil || !strings.Contains(err.Error(), "media folder "+dir) {
			t.Errorf("MediaDir %s: %v", dir, err)
		}
	}
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, err := os.Open("testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Read(ctx, f, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// fakeGetter serves files from memory and records what it was asked for.
type fakeGetter struct {
	files map[string]string
	asked []string
}

func (g *fakeGetter) Get(_ context.Context, url string) (io.ReadCloser, error) {
	g.asked = append(g.asked, url)
	s, ok := g.files[url]
	if !ok {
		return nil, errors.New("not found")
	}
	return io.NopCloser(strings.NewReader(s)), nil
}

func readAll(t *testing.T, f transfer.File) (string, error) {
	t.Helper()
	rc, err := f.Open(context.Background())
	if err != nil {
		return "", err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	return string(data), err
}

func TestMediaFromFolderAndGetter(t *testing.T) {
	const fruitURL = "https://gammel.example.dk/wp-content/uploads/2017/09/frugt.jpg"
	jpeg, err := os.ReadFile("testdata/uploads/2016/12/skolegaard.jpg")
	if err != nil {
		t.Fatal(err)
	}

	// Only the local folder: the missing file fails when opened.
	b := readSite(t, Options{MediaDir: "testdata/uploads"})
	post := itemByKey(t, b, "post:101")
	if got, err := readAll(t, *post.Cover); err != nil || got != string(jpeg) {
		t.Errorf("cover from the folder: %q, %v", got, err)
	}
	if got, err := readAll(t, post.Attachments[0].File); err != nil || !strings.HasPrefix(got, "%PDF") {
		t.Errorf("attachment from the folder: %q, %v", got, err)
	}
	fruit := itemByKey(t, b, "post:110")
	if _, err := readAll(t, fruit.Inline[1]); err == nil {
		t.Errorf("a file in neither the folder nor fetched opened")
	}

	// The folder above the uploads folder works as well.
	above := t.TempDir()
	dir := above + "/wp-content/uploads/2016/12"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/skolegaard.jpg", []byte("above"), 0o644); err != nil {
		t.Fatal(err)
	}
	b = readSite(t, Options{MediaDir: above})
	if got, err := readAll(t, *itemByKey(t, b, "post:101").Cover); err != nil || got != "above" {
		t.Errorf("cover from the folder above uploads: %q, %v", got, err)
	}

	// With a Getter, only what the folder lacks is fetched.
	g := &fakeGetter{files: map[string]string{fruitURL: "fruit"}}
	b = readSite(t, Options{MediaDir: "testdata/uploads", Getter: g})
	if got, err := readAll(t, *itemByKey(t, b, "post:101").Cover); err != nil || got != string(jpeg) {
		t.Errorf("cover with a getter: %q, %v", got, err)
	}
	if got, err := readAll(t, itemByKey(t, b, "post:110").Inline[1]); err != nil || got != "fruit" {
		t.Errorf("fetched image: %q, %v", got, err)
	}
	if !slices.Equal(g.asked, []string{fruitURL}) {
		t.Errorf("getter asked for %v, want only %s", g.asked, fruitURL)
	}
}

func TestMediaStaysInFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/secret.txt", []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	uploads := dir + "/site"
	if err := os.MkdirAll(uploads, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir+"/secret.txt", uploads+"/link.pdf"); err != nil {
		t.Fatal(err)
	}
	m := &media{dir: uploads}
	for _, ref := range []string{
		"https://x.example.dk/wp-content/uploads/../../secret.txt",
		"https://x.example.dk/wp-content/uploads/%2e%2e/secret.txt",
		"https://x.example.dk/wp-content/uploads/link.pdf",
	} {
		u := m.resolve(ref)
		if u == nil {
			continue
		}
		if got, err := readAll(t, m.file(u, "")); err == nil {
			t.Errorf("%s opened %q outside the folder", ref, got)
		}
	}
}

func TestParseKindRules(t *testing.T) {
	rules, err := ParseKindRules([]string{"category:vejledninger=guide", " type:page = article ", "tag:%C3%A6bler=Link",
		"type:film=film"})
	if err != nil {
		t.Fatal(err)
	}
	want := []KindRule{{"category", "vejledninger", material.Guide}, {"type", "page", material.Article},
		{"tag", "æbler", material.Link}, {"type", "film", material.Film}}
	if !slices.Equal(rules, want) {
		t.Errorf("rules = %+v, want %+v", rules, want)
	}
	if s := want[0].String(); s != "category:vejledninger=guide" {
		t.Errorf("String = %q", s)
	}
	bad := []struct{ spec, want string }{
		{"vejledninger=guide", "start it with \"type:\", \"category:\" or \"tag:\""},
		{"category:vejledninger", "write it as"},
		{"category:=guide", "name the post type or slug"},
		{"author:jens=guide", "start it with"},
		{"category:x=poster", "the kind must be article, guide, link or film"},
		{"", "write it as"},
	}
	for _, tt := range bad {
		if _, err := ParseKindRule(tt.spec); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseKindRule(%q) = %v, want an error with %q", tt.spec, err, tt.want)
		}
	}
	if _, err := ParseKindRules([]string{"type:page=guide", "type:page=link"}); err == nil ||
		!strings.Contains(err.Error(), "has a kind already") {
		t.Errorf("a rule twice: %v", err)
	}
}

func TestKindRulesFlag(t *testing.T) {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var rules KindRules
	fs.Var(&rules, "kind", "kind rule")
	if err := fs.Parse([]string{"--kind", "category:links=link", "--kind", "type:page=guide"}); err != nil {
		t.Fatal(err)
	}
	if got := rules.String(); got != "category:links=link type:page=guide" {
		t.Errorf("rules = %q", got)
	}
	err := fs.Parse([]string{"--kind", "category:links=guide"})
	if err == nil || !strings.Contains(err.Error(), "has a kind already") {
		t.Errorf("a second rule for a category: %v", err)
	}
	if err := fs.Parse([]string{"--kind", "links"}); err == nil || !strings.Contains(err.Error(), "write it as") {
		t.Errorf("a bad rule: %v", err)
	}
}

func TestKindForPrefersTerms(t *testing.T) {
	rules := []KindRule{{"type", "post", material.Guide}, {"category", "links", material.Link}}
	terms := []term{{"category", "links"}}
	if k, ok := kindFor(rules, "post", terms); !ok || k != material.Link {
		t.Errorf("kindFor = %s, %v; want link from the category", k, ok)
	}
	if k, ok := kindFor(rules, "post", nil); !ok || k != material.Guide {
		t.Errorf("kindFor = %s, %v; want guide from the type", k, ok)
	}
	if _, ok := kindFor(rules, "product", terms[:0]); ok {
		t.Errorf("a post type without a rule became a material")
	}
	if k, ok := kindFor([]KindRule{{"type", "event", material.Article}}, "event", nil); !ok || k != material.Article {
		t.Errorf("a custom type with a rule: %s, %v", k, ok)
	}
}

func TestFirstSentences(t *testing.T) {
	long := strings.Repeat("ord ", 100)
	tests := []struct{ in, want string }{
		{"Kort.", "Kort."},
		{strings.Repeat("a", 290) + ". Næste sætning er for lang til at komme med.", strings.Repeat("a", 290) + "."},
		{long, strings.TrimSpace(strings.Repeat("ord ", 74)) + "…"},
		{strings.Repeat("æ", 400), strings.Repeat("æ", 299) + "…"},
	}
	for _, tt := range tests {
		got := firstSentences(tt.in, 300)
		if got != tt.want || len([]rune(got)) > 300 {
			t.Errorf("firstSentences(%.20q…) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
