package markdown

import (
	"reflect"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	f := Inspect("## Før mødet\n\nLæs [klik her](https://a.dk) og <https://b.dk>.\n\n![](x.png) " +
		"![En tegning](y.png)\n\n#### For dybt\n\n- punkt *et*\n")
	if want := []int{2, 4}; !reflect.DeepEqual(f.HeadingLevels, want) {
		t.Errorf("headings %v, want %v", f.HeadingLevels, want)
	}
	if want := []string{"klik her", "https://b.dk"}; !reflect.DeepEqual(f.LinkTexts, want) {
		t.Errorf("links %q, want %q", f.LinkTexts, want)
	}
	if f.ImagesWithoutAlt != 1 {
		t.Errorf("images without alt = %d, want 1", f.ImagesWithoutAlt)
	}
	want := "Før mødet\n\nLæs klik her og https://b.dk.\n\nEn tegning\n\nFor dybt\n\npunkt et"
	if f.Text != want {
		t.Errorf("text %q, want %q", f.Text, want)
	}
}

func TestTooDeep(t *testing.T) {
	for src, want := range map[string]bool{
		"> citat":                       false,
		strings.Repeat(">", 12) + " x":  false,
		strings.Repeat(">", 13) + " x":  true,
		strings.Repeat("- ", 13) + "x":  true,
		"tekst > tekst > tekst":         false,
		"- punkt\n  - underpunkt":       false,
		strings.Repeat("> - ", 7) + "x": true,
	} {
		if got := TooDeep(src); got != want {
			t.Errorf("TooDeep(%.30q) = %v, want %v", src, got, want)
		}
	}
}

func BenchmarkDeepQuotesRefusedCheaply(b *testing.B) {
	src := strings.Repeat(">", 100000)
	for i := 0; i < b.N; i++ {
		if !TooDeep(src) {
			b.Fatal("not refused")
		}
	}
}
