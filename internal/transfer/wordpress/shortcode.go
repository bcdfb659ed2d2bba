package wordpress

import (
	"html"
	"regexp"
	"sort"
	"strings"
)

// maxShortcodeDepth bounds how deeply shortcodes enclosing others are
// expanded; deeper ones keep their text.
const maxShortcodeDepth = 8

// maxShortcodeAttrs bounds the length of a shortcode's attributes.
const maxShortcodeAttrs = 4096

// shortcodes expands the shortcodes of one item's content into HTML the
// converter reads, and notes the ones it removed.
type shortcodes struct {
	gallery func(ids []string) []string // the <img> tags of a gallery
	removed []string                    // names of removed shortcodes, in order, once each
}

// shortcode is one shortcode found in a text.
type shortcode struct {
	name   string
	attrs  string // the raw attributes
	inner  string // the enclosed content
	closed bool   // it has a closing tag
}

// expand returns s with its shortcodes replaced.
func (sc *shortcodes) expand(s string, depth int) string {
	closers := closingTags(s)
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '[')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		if strings.HasPrefix(s[i:], "[[") {
			// [[name]] is how WordPress writes a shortcode as text.
			if end := strings.Index(window(s[i:]), "]]"); end > 0 {
				if _, next, ok := parseShortcodeTag(s, i+1, nil); ok && next == i+end+1 {
					b.WriteString(s[i+1 : i+end+1])
					i += end + 2
					continue
				}
			}
			b.WriteByte('[')
			i++
			continue
		}
		code, next, ok := parseShortcodeTag(s, i, closers)
		if !ok || (i > 0 && isNameByte(s[i-1])) {
			// "arr[i]" is text, not a shortcode.
			b.WriteByte('[')
			i++
			continue
		}
		i = next
		if depth < maxShortcodeDepth && code.inner != "" {
			code.inner = sc.expand(code.inner, depth+1)
		}
		b.WriteString(sc.replace(code))
	}
	return b.String()
}

// closingTags maps a shortcode name to the offsets of its closing tags in
// s, so that finding the end of each shortcode costs a search, not a scan.
func closingTags(s string) map[string][]int {
	m := map[string][]int{}
	for i := 0; ; {
		j := strings.Index(s[i:], "[/")
		if j < 0 {
			return m
		}
		i += j
		k := 2
		for k < len(s)-i && k < 66 && isNameByte(s[i+k]) {
			k++
		}
		if k > 2 && k < len(s)-i && s[i+k] == ']' {
			name := s[i+2 : i+k]
			m[name] = append(m[name], i)
		}
		i += 2
	}
}

// window returns the start of s that a shortcode's tag may take, so that
// looking for its end costs the same however long the text is.
func window(s string) string {
	if len(s) > maxShortcodeAttrs+2 {
		return s[:maxShortcodeAttrs+2]
	}
	return s
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// parseShortcodeTag reads the shortcode that starts at offset at of s and
// returns it and the offset after it, including its content and closing
// tag when closers has one after it. A name starts with a lower-case
// letter, so "[1]" and "[Note]" stay text.
func parseShortcodeTag(s string, at int, closers map[string][]int) (shortcode, int, bool) {
	t := s[at:]
	if len(t) < 3 || t[0] != '[' || t[1] < 'a' || t[1] > 'z' {
		return shortcode{}, 0, false
	}
	k := 1
	for k < len(t) && k < 65 && isNameByte(t[k]) {
		k++
	}
	if k >= len(t) || !strings.ContainsRune("] \t\r\n/=", rune(t[k])) {
		return shortcode{}, 0, false
	}
	code := shortcode{name: t[1:k]}
	end := strings.IndexByte(window(t[k:]), ']')
	if end < 0 || strings.IndexByte(t[k:k+end], '[') >= 0 {
		return shortcode{}, 0, false
	}
	attrs := t[k : k+end]
	next := at + k + end + 1
	selfClosing := strings.HasSuffix(attrs, "/")
	code.attrs = strings.TrimSpace(strings.TrimSuffix(attrs, "/"))
	offsets := closers[code.name]
	if i := sort.SearchInts(offsets, next); !selfClosing && i < len(offsets) {
		code.inner = s[next:offsets[i]]
		code.closed = true
		next = offsets[i] + len(code.name) + 3
	}
	return code, next, code.closed || selfClosing || looksLikeShortcode(code)
}

// knownShortcodes are the shortcodes WordPress itself and common plugins
// register that are recognised even without attributes.
var knownShortcodes = map[string]bool{"caption": true, "wp_caption": true, "embed": true, "youtube": true,
	"vimeo": true, "video": true, "audio": true, "gallery": true, "playlist": true}

// looksLikeShortcode tells a shortcode without a closing tag from a word
// in brackets such as "[sic]" or "[ikke link]": it is a known one, its
// name has a digit, hyphen or underscore, or it has an attribute.
func looksLikeShortcode(code shortcode) bool {
	return knownShortcodes[code.name] || strings.ContainsAny(code.name, "0123456789-_") ||
		strings.Contains(code.attrs, "=")
}

// attrPattern matches one attribute of a shortcode: name="value",
// name='value', name=value or a value alone.
var attrPattern = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|` +
	`"([^"]*)"|'([^']*)'|(\S+)`)

// parseAttrs returns a shortcode's named attributes and its values without
// a name, in order.
func parseAttrs(s string) (map[string]string, []string) {
	named := map[string]string{}
	var bare []string
	s = strings.NewReplacer("&quot;", `"`, "&#8221;", `"`, "&#8243;", `"`, "“", `"`, "”", `"`).Replace(s)
	for _, m := range attrPattern.FindAllStringSubmatch(s, 64) {
		switch {
		case m[1] != "":
			named[strings.ToLower(m[1])] = m[2]
		case m[3] != "":
			named[strings.ToLower(m[3])] = m[4]
		case m[5] != "":
			named[strings.ToLower(m[5])] = m[6]
		default:
			bare = append(bare, m[7]+m[8]+m[9])
		}
	}
	return named, bare
}

// replace returns the HTML that stands for code.
func (sc *shortcodes) replace(code shortcode) string {
	named, bare := parseAttrs(code.attrs)
	if strings.HasPrefix(code.attrs, "=") {
		// Jetpack's [youtube=URL].
		bare = append([]string{strings.TrimSpace(code.attrs[1:])}, bare...)
	}
	switch code.name {
	case "caption", "wp_caption":
		return caption(code.inner, named["caption"])
	case "embed":
		return linkHTML(strings.TrimSpace(stripTags(code.inner)))
	case "youtube", "vimeo":
		return linkHTML(videoAddress(code.name, named, bare))
	case "video", "audio":
		for _, k := range []string{"src", "mp4", "m4v", "webm", "ogv", "mp3", "m4a", "ogg", "wav", "flv", "wmv"} {
			if named[k] != "" {
				return linkHTML(named[k])
			}
		}
	case "gallery":
		var ids []string
		if named["ids"] != "" {
			ids = strings.Split(named["ids"], ",")
		}
		return "<p>" + strings.Join(sc.gallery(ids), " ") + "</p>"
	}
	sc.remove(code.name)
	return code.inner
}

// remove notes that the shortcode name was removed.
func (sc *shortcodes) remove(name string) {
	for _, n := range sc.removed {
		if n == name {
			return
		}
	}
	sc.removed = append(sc.removed, name)
}

// captionPattern splits a caption's content into its image (perhaps in a
// link) and the text after it.
var captionPattern = regexp.MustCompile(`(?is)^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$`)

// caption returns a figure with the image and its caption text.
func caption(inner, attr string) string {
	img, text := inner, attr
	if m := captionPattern.FindStringSubmatch(inner); m != nil {
		img = m[1]
		if strings.TrimSpace(m[2]) != "" {
			text = m[2]
		}
	}
	return "<figure>" + img + "<figcaption>" + text + "</figcaption></figure>"
}

// videoAddress returns the address a [youtube] or [vimeo] shortcode shows.
func videoAddress(name string, named map[string]string, bare []string) string {
	for _, v := range append([]string{named["url"], named["src"]}, bare...) {
		if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
			return v
		}
	}
	id := named["id"]
	if id == "" && len(bare) > 0 {
		id = bare[0]
	}
	if id == "" {
		return ""
	}
	if name == "vimeo" {
		return "https://vimeo.com/" + id
	}
	return "https://www.youtube.com/watch?v=" + id
}

// linkHTML returns a link to address with the address as its text, which
// the converter turns into an autolink, or "" for none.
func linkHTML(address string) string {
	if address == "" {
		return ""
	}
	a := html.EscapeString(address)
	return `<a href="` + a + `">` + a + `</a>`
}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// stripTags removes HTML tags from s.
func stripTags(s string) string { return html.UnescapeString(tagPattern.ReplaceAllString(s, "")) }
