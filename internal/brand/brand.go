// Package brand holds what a municipality sets to make the hub its own:
// name, sender, logo and main colour, and the rule that keeps the colour
// readable.
package brand

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MinContrast is the WCAG 2.1 AA contrast ratio for normal text.
const MinContrast = 4.5

// Errors from ParseColour.
var (
	ErrColourFormat   = errors.New("colour must be #rrggbb")
	ErrColourContrast = errors.New("colour reaches 4.5:1 with neither white nor black text")
)

// Colour is an sRGB colour.
type Colour struct{ R, G, B uint8 }

// Hex returns the colour as #rrggbb.
func (c Colour) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Luminance is the WCAG relative luminance of c.
func (c Colour) Luminance() float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Contrast is the WCAG contrast ratio between two colours, from 1 to 21.
func Contrast(a, b Colour) float64 {
	la, lb := a.Luminance(), b.Luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// White and Black are the two text colours the hub chooses between.
var (
	White = Colour{255, 255, 255}
	Black = Colour{0, 0, 0}
)

// TextOn returns the text colour that reads best on background c, and the
// contrast it gives.
func TextOn(c Colour) (Colour, float64) {
	w, b := Contrast(c, White), Contrast(c, Black)
	if w >= b {
		return White, w
	}
	return Black, b
}

// ParseColour reads #rrggbb (or #rgb) and refuses a colour on which neither
// white nor black text reaches MinContrast.
func ParseColour(s string) (Colour, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	hex, ok := strings.CutPrefix(s, "#")
	if !ok || (len(hex) != 6 && len(hex) != 3) {
		return Colour{}, ErrColourFormat
	}
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return Colour{}, ErrColourFormat
	}
	c := Colour{uint8(v >> 16), uint8(v >> 8), uint8(v)}
	if _, ratio := TextOn(c); ratio < MinContrast {
		return c, ErrColourContrast
	}
	return c, nil
}

// Settings are the municipality's choices, as stored.
type Settings struct {
	Name   string // the hub's name, e.g. "Skole og hjem"
	Owner  string // who publishes it, e.g. the municipality
	Colour Colour
	LogoID int64
	About  string // Markdown for the about page

	// The accessibility statement: who to contact, what is known not to
	// work (Markdown), when it was last reviewed (YYYY-MM-DD), or instead
	// the address of the statement published through the national service.
	A11yContact  string
	A11yIssues   string
	A11yReviewed string
	A11yURL      string
}

// Setting keys in the settings table.
const (
	KeyName   = "brand.name"
	KeyOwner  = "brand.owner"
	KeyColour = "brand.colour"
	KeyLogo   = "brand.logo"
	KeyAbout  = "brand.about"

	KeyA11yContact  = "a11y.contact"
	KeyA11yIssues   = "a11y.issues"
	KeyA11yReviewed = "a11y.reviewed"
	KeyA11yURL      = "a11y.url"
)

// DefaultColour is a calm blue that reads with white text.
var DefaultColour = Colour{0x1b, 0x5e, 0x7a}

// FromMap reads settings from stored key-value pairs, with defaults for
// what is missing or unreadable.
func FromMap(kv map[string]string) Settings {
	s := Settings{
		Name:   kv[KeyName],
		Owner:  kv[KeyOwner],
		Colour: DefaultColour,
		About:  kv[KeyAbout],

		A11yContact:  kv[KeyA11yContact],
		A11yIssues:   kv[KeyA11yIssues],
		A11yReviewed: kv[KeyA11yReviewed],
		A11yURL:      kv[KeyA11yURL],
	}
	if s.Name == "" {
		s.Name = "Skole og hjem"
	}
	if c, err := ParseColour(kv[KeyColour]); err == nil {
		s.Colour = c
	}
	if id, err := strconv.ParseInt(kv[KeyLogo], 10, 64); err == nil {
		s.LogoID = id
	}
	return s
}

// CSS returns the stylesheet that applies the brand colour. It is served
// as a file so public pages need no inline style.
func (s Settings) CSS() string {
	text, _ := TextOn(s.Colour)
	return fmt.Sprintf(":root{--brand:%s;--brand-text:%s;--brand-ink:%s;--brand-ink-dark:%s}\n",
		s.Colour.Hex(), text.Hex(), Ink(s.Colour).Hex(), InkOn(s.Colour, DarkPaper).Hex())
}

// DarkPaper is the page colour in dark mode.
var DarkPaper = Colour{0x14, 0x19, 0x1c}

// InkOn returns c, lightened as little as needed to reach MinContrast as
// text on a dark background, for links in dark mode.
func InkOn(c, background Colour) Colour {
	for f := 0.0; f <= 1; f += 0.05 {
		l := Colour{lighten(c.R, f), lighten(c.G, f), lighten(c.B, f)}
		if Contrast(l, background) >= MinContrast {
			return l
		}
	}
	return White
}

func lighten(v uint8, f float64) uint8 { return uint8(float64(v) + (255-float64(v))*f) }

// Ink returns c, darkened as little as needed to reach MinContrast as text
// on white, for links and headings in the brand colour.
func Ink(c Colour) Colour {
	for f := 1.0; f > 0; f -= 0.05 {
		if d := shade(c, f); Contrast(d, White) >= MinContrast {
			return d
		}
	}
	return Black
}

// shade darkens c by factor f (0..1), for hover states and borders.
func shade(c Colour, f float64) Colour {
	return Colour{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f)}
}
