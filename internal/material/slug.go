package material

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// slugMax is the longest slug Slugify makes, in bytes.
const slugMax = 80

// danishFolds spells the Danish letters and a few others the way Danes write
// them without a Danish keyboard.
var danishFolds = map[rune]string{
	'æ': "ae", 'ø': "oe", 'å': "aa",
	'ä': "ae", 'ö': "oe", 'ü': "ue",
	'ß': "ss", 'œ': "oe", 'ð': "d", 'þ': "th", 'ł': "l", 'đ': "d",
}

// Slugify turns a title into a URL segment of lowercase ASCII letters, digits
// and single hyphens: "Skolestart på Ørestad" becomes "skolestart-paa-oerestad".
// Letters with accents lose them; letters outside the Latin script, emoji and
// punctuation separate words. The result may be empty; callers then choose a
// fallback such as "materiale".
func Slugify(title string) string {
	var b strings.Builder
	pendingHyphen := false
	emit := func(s string) {
		if pendingHyphen && b.Len() > 0 {
			b.WriteByte('-')
		}
		pendingHyphen = false
		b.WriteString(s)
	}
	for _, r := range strings.ToLower(title) {
		if s, ok := danishFolds[r]; ok {
			emit(s)
			continue
		}
		if s := asciiBase(r); s != "" {
			emit(s)
			continue
		}
		pendingHyphen = true
	}
	return trimSlug(b.String())
}

// asciiBase returns r as an ASCII letter or digit once its accents are
// removed, or "" when it has no such form.
func asciiBase(r rune) string {
	if r < unicode.MaxASCII {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return string(r)
		}
		return ""
	}
	var out []byte
	for _, d := range norm.NFD.String(string(r)) {
		if d >= 'a' && d <= 'z' || d >= '0' && d <= '9' {
			out = append(out, byte(d))
		} else if !unicode.Is(unicode.Mn, d) {
			return ""
		}
	}
	return string(out)
}

// trimSlug cuts s to slugMax bytes at a hyphen where it can.
func trimSlug(s string) string {
	if len(s) <= slugMax {
		return s
	}
	cut := strings.LastIndexByte(s[:slugMax+1], '-')
	if cut <= 0 {
		cut = slugMax
	}
	return strings.Trim(s[:cut], "-")
}

// ValidSlug reports whether s has the shape Slugify produces.
func ValidSlug(s string) bool {
	if s == "" || len(s) > slugMax || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	prevHyphen := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			if prevHyphen {
				return false
			}
			prevHyphen = true
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			prevHyphen = false
		default:
			return false
		}
	}
	return true
}
