package material

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func valid() *Material {
	return &Material{Kind: Article, Title: "Titel", Summary: "Resumé", Audiences: []Audience{Parents},
		Language: "da", Status: Draft, Consent: Consent{Rights: true, Children: ConsentNone, Names: ConsentNone}}
}

func keys(p Problems) []string {
	var out []string
	for field, ks := range p {
		for _, k := range ks {
			out = append(out, field+":"+k)
		}
	}
	sort.Strings(out)
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Material)
		want   []string
	}{
		{"valid", func(m *Material) {}, nil},
		{"empty title", func(m *Material) { m.Title = "" }, []string{"title:error.required"}},
		{"summary 300 runes ok", func(m *Material) { m.Summary = strings.Repeat("æ", 300) }, nil},
		{"summary 301 runes", func(m *Material) { m.Summary = strings.Repeat("æ", 301) },
			[]string{"summary:error.summary_too_long"}},
		{"no audience", func(m *Material) { m.Audiences = nil }, []string{"audiences:error.audience_required"}},
		{"bad audience", func(m *Material) { m.Audiences = []Audience{"kids"} }, []string{"audiences:error.audience"}},
		{"bad grade", func(m *Material) { m.GradeBands = []GradeBand{"10"} }, []string{"grades:error.grade"}},
		{"cover without alt", func(m *Material) { m.CoverID = 3 }, []string{"cover_alt:error.alt_required"}},
		{"bad kind", func(m *Material) { m.Kind = "poem" }, []string{"kind:error.kind"}},
		{"body too long", func(m *Material) { m.Body = strings.Repeat("ø", BodyMax+1) },
			[]string{"body:error.body_too_long"}},
		{"body nested too deep", func(m *Material) { m.Body = strings.Repeat(">", 5000) },
			[]string{"body:error.body_nesting"}},
		{"link needs url, publisher, why", func(m *Material) { m.Kind = Link; m.LinkURL = "javascript:alert(1)" },
			[]string{"body:error.link_why_required", "link_publisher:error.required", "link_url:error.url"}},
		{"film with bad external url", func(m *Material) { m.Kind = Film; m.ExternalURL = "https://evil.example/v" },
			[]string{"external_url:error.video_url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.change(m)
			if got := keys(Validate(m)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckPublishableFilm(t *testing.T) {
	m := valid()
	m.Kind = Film
	want := []string{"transcript:error.transcript_required", "video:error.video_required"}
	if got := keys(CheckPublishable(m)); !reflect.DeepEqual(got, want) {
		t.Errorf("empty film: %v, want %v", got, want)
	}
	m.VideoID = 1
	m.Consent.Licences = map[int64]string{1: "cc-by"}
	want = []string{"captions:error.captions_required", "transcript:error.transcript_required"}
	if got := keys(CheckPublishable(m)); !reflect.DeepEqual(got, want) {
		t.Errorf("film without captions: %v, want %v", got, want)
	}
	m.CaptionsID, m.Transcript = 2, "Tekst"
	if p := CheckPublishable(m); p != nil {
		t.Errorf("complete film: %v", p)
	}
}

func TestParseExternalVideo(t *testing.T) {
	tests := []struct {
		in, embed string
	}{
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"},
		{"https://www.youtube.com/watch?v=bad\"id", ""},
		{"https://example.com/watch?v=dQw4w9WgXcQ", ""},
		{"javascript:alert(1)", ""},
	}
	for _, tt := range tests {
		v, ok := ParseExternalVideo(tt.in)
		if got := map[bool]string{true: v.EmbedURL(), false: ""}[ok]; got != tt.embed {
			t.Errorf("ParseExternalVideo(%q) embed = %q, want %q", tt.in, got, tt.embed)
		}
	}
}

func TestSelect(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 9, d, 0, 0, 0, 0, time.UTC) }
	all := []Facet{
		{ID: 1, Kind: Article, Audiences: []Audience{Parents}, ThemeIDs: []int64{10}, PublishedAt: day(1)},
		{ID: 2, Kind: Film, Audiences: []Audience{Parents, Teachers}, Grades: []GradeBand{Grades0to3},
			PublishedAt: day(3)},
		{ID: 3, Kind: Article, Audiences: []Audience{Teachers}, ThemeIDs: []int64{10, 11}, SchoolID: 7,
			PublishedAt: day(2)},
	}
	ids, c := NewListing(all).Select(Filter{})
	if !reflect.DeepEqual(ids, []int64{2, 3, 1}) {
		t.Errorf("no filter: %v, want newest first", ids)
	}
	if c.Kinds[Article] != 2 || c.Audiences[Parents] != 2 || c.Themes[10] != 2 || c.Schools[7] != 1 {
		t.Errorf("counts = %+v", c)
	}

	ids, c = NewListing(all).Select(Filter{Kinds: []Kind{Article}, Audiences: []Audience{Parents}})
	if !reflect.DeepEqual(ids, []int64{1}) {
		t.Errorf("article+parents: %v", ids)
	}
	// Kind counts ignore the kind choice but keep the audience choice.
	if c.Kinds[Article] != 1 || c.Kinds[Film] != 1 {
		t.Errorf("kind counts %v", c.Kinds)
	}
	// Audience counts ignore the audience choice but keep the kind choice.
	if c.Audiences[Teachers] != 1 || c.Audiences[Parents] != 1 {
		t.Errorf("audience counts %v", c.Audiences)
	}

	ids, _ = NewListing(all).Select(Filter{Kinds: []Kind{Article, Film}, ThemeIDs: []int64{11}})
	if !reflect.DeepEqual(ids, []int64{3}) {
		t.Errorf("two kinds, theme 11: %v", ids)
	}
	// A search's order is kept, and the facets count within it.
	ids, c = NewListing(all).SelectRanked([]int32{0, 2}, Filter{Audiences: []Audience{Parents}})
	if !reflect.DeepEqual(ids, []int64{1}) || c.Kinds[Article] != 1 || c.Audiences[Teachers] != 1 ||
		c.Themes[10] != 1 || c.Themes[11] != 0 {
		t.Errorf("ranked: %v %+v", ids, c)
	}
	ids, _ = NewListing(all).SelectRanked([]int32{2, 1, 0}, Filter{})
	if !reflect.DeepEqual(ids, []int64{3, 2, 1}) {
		t.Errorf("ranked order lost: %v", ids)
	}
	// A value that is not one of the fixed lists' finds nothing.
	ids, c = NewListing(all).Select(Filter{Audiences: []Audience{"aliens"}})
	if len(ids) != 0 || c.Kinds[Article] != 0 || c.Audiences[Parents] != 2 {
		t.Errorf("an unknown audience: %v %+v", ids, c)
	}
}

func TestCheckPublishableBody(t *testing.T) {
	tests := []struct {
		body string
		want []string
	}{
		{"## A\n\n### B\n\n## C\n\n[Skole og Forældre](https://skole-foraeldre.dk)", nil},
		{"# Titel igen", []string{"body:error.heading_levels"}},
		{"## A\n\n#### D", []string{"body:error.heading_levels"}},
		{"### Starter for dybt", []string{"body:error.heading_levels"}},
		{"![](foto.jpg)", []string{"body:error.body_image", "body:error.body_image_alt"}},
		{"![Et foto](https://example.dk/foto.jpg)", []string{"body:error.body_image"}},
		{"![Et foto](/media/0f3a9c2e4b6d8a1c3e5f7b9d1a3c5e7f.jpg)", nil},
		{"![](/media/0f3a9c2e4b6d8a1c3e5f7b9d1a3c5e7f.jpg)", []string{"body:error.body_image_alt"}},
		{"![Et foto](/media/../hemmelig.jpg)", []string{"body:error.body_image"}},
		{"![Et foto](/media/abc.jpg) ![Et andet](https://example.dk/b.jpg)", []string{"body:error.body_image"}},
		{"Se [klik her](https://a.dk).", []string{"body:error.link_text"}},
		{"Se [Læs mere…](https://a.dk).", []string{"body:error.link_text"}},
		{"Se [her](https://a.dk) og [mere](https://b.dk).", []string{"body:error.link_text"}},
	}
	for _, tt := range tests {
		m := valid()
		m.Body = tt.body
		if got := keys(CheckPublishable(m)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("body %q: %v, want %v", tt.body, got, tt.want)
		}
		if Validate(m) != nil {
			t.Errorf("body %q: a draft may be saved with it", tt.body)
		}
	}
}
