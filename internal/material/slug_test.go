package material

import (
	"strings"
	"testing"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Skolestart på Ørestad Skole – få styr på madpakken 🍎",
			"skolestart-paa-oerestad-skole-faa-styr-paa-madpakken"},
		{"ÆBLER, ØL & ÅBNE DØRE!!", "aebler-oel-aabne-doere"},
		{"Det gode forældremøde", "det-gode-foraeldremoede"},
		{"Café-snak om trivsel", "cafe-snak-om-trivsel"},
		{"Müller & Søn", "mueller-soen"},
		{"  --Skole--hjem--  ", "skole-hjem"},
		{"0.–3. klasse", "0-3-klasse"},
		{"Forældre/skole-samarbejde?", "foraeldre-skole-samarbejde"},
		{"🍎🍐", ""},
		{"مرحبا بالآباء", ""},
		{"Ψ", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := Slugify(tt.in)
		if got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q is not a valid slug", tt.in, got)
		}
	}
}

func TestSlugifyLongTitleCutsAtWord(t *testing.T) {
	got := Slugify(strings.Repeat("forældresamarbejde ", 20))
	if len(got) > slugMax || strings.HasSuffix(got, "-") || !ValidSlug(got) {
		t.Errorf("long slug %q (%d bytes)", got, len(got))
	}
	if !strings.HasSuffix(got, "foraeldresamarbejde") {
		t.Errorf("long slug %q was cut inside a word", got)
	}
}

func TestValidSlug(t *testing.T) {
	for _, s := range []string{"a", "det-gode-moede", "0-3"} {
		if !ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = false", s)
		}
	}
	for _, s := range []string{"", "-a", "a-", "a--b", "Æble", "a b", "a/b", "a.b", strings.Repeat("a", 81)} {
		if ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = true", s)
		}
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Skolestart på Ørestad", "ÆBLER!!", "🍎", "a--b", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slugify(s)
		if got != "" && !ValidSlug(got) {
			t.Errorf("Slugify(%q) = %q, not a valid slug", s, got)
		}
	})
}
