package markdown

import (
	"strings"
	"testing"
)

func TestToHTML(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string
		notWant []string
	}{
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |",
			[]string{`<div class="table-scroll" role="region" tabindex="0" aria-label="Tabel"><table>`,
				"<td>1</td>", "</table></div>"}, nil},
		{"raw table escaped", "<table><tr><td>x</td></tr></table>", nil, []string{"<table>", "table-scroll"}},
		{"footnote", "Tekst[^1]\n\n[^1]: Note.", []string{`class="footnote-ref"`, "Note."}, nil},
		{"heading", "## Før mødet", []string{"<h2", "Før mødet</h2>"}, nil},
		{"raw script escaped", "<script>alert(1)</script>", nil, []string{"<script"}},
		{"javascript url", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"event handler", `<img src=x onerror=alert(1)>`, nil, []string{"onerror"}},
		{"outside link", "[Skole og Forældre](https://skole-foraeldre.dk)",
			[]string{`href="https://skole-foraeldre.dk"`, "noreferrer"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToHTML(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("ToHTML(%q) = %q, want it to contain %q", tt.src, got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(string(got), w) {
					t.Errorf("ToHTML(%q) = %q, must not contain %q", tt.src, got, w)
				}
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	for src, want := range map[string]string{
		"## Overskrift\n\nEn *vigtig* tekst & mere.":                          "Overskrift En vigtig tekst & mere.",
		"Læs [guiden](https://eksempel.dk/skjult-adresse) nu.":                "Læs guiden nu.",
		"![Et barn leger](billede.jpg) Tekst.":                                "Tekst.",
		"Før <b onclick=\"x()\">fed</b> efter\n\n<div>blok</div>\n\nslut":     "Før fed efter slut",
		"Skole &amp; hjem &#230;ble":                                          "Skole & hjem æble",
		"- et\n- to\n\n```\nkode her\n```\n\n| a | b |\n|---|---|\n| c | d |": "et to kode her a b c d",
		"linje\nlinje2 <https://eksempel.dk>":                                 "linje linje2 https://eksempel.dk",
	} {
		if got := PlainText(src); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", src, got, want)
		}
	}
}
