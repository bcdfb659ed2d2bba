package web

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/bindeled/bindeled/internal/brand"
)

// relativeLuminance is WCAG 2.1's relative luminance of #rrggbb, written
// out here from the definition rather than taken from the brand package.
func relativeLuminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("colour %q", hex)
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(v>>16&0xff) + 0.7152*channel(v>>8&0xff) + 0.0722*channel(v&0xff)
}

func contrastRatio(t *testing.T, a, b string) float64 {
	la, lb := relativeLuminance(t, a), relativeLuminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

var cssVar = regexp.MustCompile(`--(brand|brand-text|brand-ink):(#[0-9a-f]{6})`)

// TestWidgetColoursReadable: for every colour of 4,096 evenly spread
// ones, the widget's heading text on the colour and its links on white
// reach 4.5:1, and the text is the one of black and white that reads
// better.
func TestWidgetColoursReadable(t *testing.T) {
	for i := 0; i < 4096; i++ {
		c := brand.Colour{R: uint8(i>>8) * 17, G: uint8(i>>4&15) * 17, B: uint8(i&15) * 17}
		vars := map[string]string{}
		for _, m := range cssVar.FindAllStringSubmatch(colourCSS(c), -1) {
			vars[m[1]] = m[2]
		}
		if vars["brand"] != c.Hex() {
			t.Fatalf("%s: css %v", c.Hex(), vars)
		}
		text := contrastRatio(t, vars["brand"], vars["brand-text"])
		if text < 4.5 {
			t.Errorf("%s: heading text %s reaches %.2f:1", c.Hex(), vars["brand-text"], text)
		}
		other := "#ffffff"
		if vars["brand-text"] == "#ffffff" {
			other = "#000000"
		} else if vars["brand-text"] != "#000000" {
			t.Errorf("%s: text colour %s is neither black nor white", c.Hex(), vars["brand-text"])
		}
		if better := contrastRatio(t, vars["brand"], other); better > text+1e-9 {
			t.Errorf("%s: %s would read better (%.2f > %.2f)", c.Hex(), other, better, text)
		}
		if link := contrastRatio(t, vars["brand-ink"], "#ffffff"); link < 4.5 {
			t.Errorf("%s: links %s reach %.2f:1 on white", c.Hex(), vars["brand-ink"], link)
		}
	}
	for hex, want := range map[string]string{"#ffd700": "#000000", "#003366": "#ffffff", "#595959": "#ffffff",
		"#777777": "#000000"} {
		c, _ := brand.ParseColour(hex)
		if got := cssVar.FindAllStringSubmatch(colourCSS(c), -1)[1][2]; got != want {
			t.Errorf("text on %s: %s, want %s", hex, got, want)
		}
	}
}

func TestParseWidget(t *testing.T) {
	for _, tt := range []struct {
		query, want string
		problems    string
	}{
		{"", "", "map[]"},
		{"farve=%23FFD700&antal=5", "farve=ffd700", "map[]"},
		{"farve=0af&antal=12&type=film&ukendt=1", "antal=12&farve=00aaff&type=film", "map[]"},
		{"farve=r%C3%B8d&antal=0", "", "map[antal:error.widget_count farve:error.widget_colour]"},
		{"antal=+3+", "antal=3", "map[]"},
	} {
		q, _ := url.ParseQuery(tt.query)
		wd, problems := parseWidget(q)
		if got := wd.Encode(); got != tt.want || fmt.Sprint(problems) != tt.problems {
			t.Errorf("%q: %q %v, want %q %s", tt.query, got, problems, tt.want, tt.problems)
		}
	}
}
