package markdown

import (
	"reflect"
	"testing"
)

func TestInspect(t *testing.T) {
	f := Inspect("## Før mødet\n\nLæs [klik her](https://a.dk) og <https://b.dk>.\n\n![](x.png) ![En tegning](y.png)\n\n#### For dybt\n\n- punkt *et*\n")
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
