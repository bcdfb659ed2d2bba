package wordpress

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/transfer"
)

// maxNest bounds how deeply quotes and lists nest in the Markdown; deeper
// ones become plain paragraphs, well within what markdown.TooDeep allows.
const maxNest = 8

// maxLevel bounds how deeply the converter follows nested HTML elements;
// the text of deeper ones is kept as plain text.
const maxLevel = 64

// hardBreak stands for a <br> until a paragraph is finished.
const hardBreak = "\x00"

// converter turns the HTML of one item into Markdown and collects the
// media files and addresses it names.
type converter struct {
	media *media
	level int
	// titles are the titles of the site's attachments by address.
	titles map[string]string
	// uploaded holds the addresses of the site's attachments.
	uploaded map[string]bool

	inline      []transfer.File
	inlineIndex map[string]int
	attachments []transfer.Attachment
	attached    map[string]bool
	videos      []string // canonical addresses of YouTube and Vimeo films
	links       []*url.URL
}

func newConverter(m *media) *converter {
	return &converter{media: m, inlineIndex: map[string]int{}, attached: map[string]bool{}}
}

// gutenbergComment matches the comments that mark the block editor's
// blocks.
var gutenbergComment = regexp.MustCompile(`(?s)<!--\s*/?wp:.*?-->`)

// markdown converts the HTML of a post, with its shortcodes already
// expanded, to Markdown.
func (c *converter) markdown(content string) string {
	content = gutenbergComment.ReplaceAllString(content, "")
	doc, err := html.Parse(strings.NewReader(autop(content)))
	if err != nil {
		// html.Parse fails only when reading fails, which a string cannot.
		return ""
	}
	body := findBody(doc)
	if body == nil {
		return ""
	}
	return strings.Join(c.blocks(body, 0), "\n\n")
}

// findBody returns the body element of a parsed document.
func findBody(n *html.Node) *html.Node {
	for n != nil {
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			return n
		}
		if n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		for n != nil && n.NextSibling == nil {
			n = n.Parent
		}
		if n != nil {
			n = n.NextSibling
		}
	}
	return nil
}

// blockStart matches a chunk of content that starts with a block element,
// which autop leaves as it is.
var blockStart = regexp.MustCompile(`(?i)^\s*<(p|div|h[1-6]|ul|ol|li|dl|dd|dt|table|thead|tbody|tfoot|tr|td|th|` +
	`blockquote|pre|figure|figcaption|hr|form|script|style|iframe|section|article|aside|header|footer|nav|` +
	`address|details|summary|main|center|noscript|object|video|audio|select|fieldset|caption|colgroup|col|` +
	`math|svg|!--)[\s/>]`)

// bareURL matches a line that is nothing but an address, which WordPress
// shows as an embedded film or page.
var bareURL = regexp.MustCompile(`^\s*(https?://[^\s<>"]+)\s*$`)

// autop gives WordPress's paragraphs their tags: the editor stores text
// without <p>, with a blank line between paragraphs and a line break
// within one. Preformatted text keeps its lines.
func autop(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for len(s) > 0 {
		pre := indexASCIIFold(s, "<pre")
		if pre < 0 {
			b.WriteString(autopChunks(s))
			break
		}
		end := indexASCIIFold(s[pre:], "</pre>")
		if end < 0 {
			end = len(s) - pre
		} else {
			end += len("</pre>")
		}
		b.WriteString(autopChunks(s[:pre]))
		b.WriteString(s[pre : pre+end])
		s = s[pre+end:]
	}
	return b.String()
}

// indexASCIIFold is strings.Index ignoring the case of ASCII letters.
// Unlike an index into strings.ToLower(s), its result is an index into s
// whatever other letters s holds.
func indexASCIIFold(s, lowerSub string) int {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return strings.Index(string(b), lowerSub)
}

// paragraphBreak matches a blank line.
var paragraphBreak = regexp.MustCompile(`\n[ \t]*\n`)

func autopChunks(s string) string {
	chunks := paragraphBreak.Split(s, -1)
	for i, chunk := range chunks {
		lines := strings.Split(strings.Trim(chunk, "\n"), "\n")
		for j, line := range lines {
			// Both editors store an embedded film or page as its address
			// on a line of its own, the block editor inside a <figure>.
			if m := bareURL.FindStringSubmatch(line); m != nil {
				lines[j] = linkHTML(html.UnescapeString(m[1]))
			}
		}
		if strings.TrimSpace(chunk) == "" || blockStart.MatchString(chunk) {
			chunks[i] = strings.Join(lines, "\n")
			continue
		}
		chunks[i] = "<p>" + strings.Join(lines, "<br>\n") + "</p>"
	}
	return strings.Join(chunks, "\n\n")
}

// isBlock reports whether n is an element the converter shows as a block
// of its own.
func isBlock(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Li,
		atom.Dl, atom.Dt, atom.Dd, atom.Table, atom.Blockquote, atom.Pre, atom.Figure, atom.Figcaption,
		atom.Hr, atom.Section, atom.Article, atom.Aside, atom.Header, atom.Footer, atom.Nav, atom.Address,
		atom.Details, atom.Summary, atom.Main, atom.Center, atom.Iframe, atom.Video, atom.Audio, atom.Form,
		atom.Fieldset, atom.Caption, atom.Tr, atom.Td, atom.Th, atom.Thead, atom.Tbody, atom.Tfoot:
		return true
	}
	return false
}

// dropped reports whether n and all it holds are left out.
func dropped(n *html.Node) bool {
	if n.Type == html.CommentNode || n.Type == html.DoctypeNode {
		return true
	}
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Form, atom.Input, atom.Button,
		atom.Select, atom.Textarea, atom.Object, atom.Embed, atom.Svg, atom.Math, atom.Head, atom.Title,
		atom.Meta, atom.Link, atom.Canvas, atom.Map, atom.Source, atom.Track, atom.Frameset, atom.Frame:
		return true
	}
	return false
}

// blocks returns the Markdown blocks of n's children.
func (c *converter) blocks(n *html.Node, nest int) []string {
	var out []string
	var run strings.Builder
	flush := func() {
		if p := paragraph(run.String()); p != "" {
			out = append(out, p)
		}
		run.Reset()
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		switch {
		case dropped(ch):
		case isBlock(ch):
			flush()
			out = append(out, c.block(ch, nest)...)
		case holdsBlock(ch):
			// Broken markup leaves formatting such as an unclosed <i>
			// around whole paragraphs; the paragraphs matter more.
			flush()
			if c.enter() {
				out = append(out, c.blocks(ch, nest)...)
			} else if p := paragraph(escapeText(textOf(ch))); p != "" {
				out = append(out, p)
			}
			c.leave()
		default:
			run.WriteString(c.inlineNode(ch))
		}
	}
	flush()
	return out
}

// holdsBlock reports whether the inline element n holds a block element.
func holdsBlock(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	found := false
	eachDescendant(n, func(d *html.Node) bool {
		found = isBlock(d)
		return !found
	})
	return found
}

// eachDescendant visits the nodes inside n in document order, without
// recursion so that any depth of nesting is safe, and without going into
// the elements the conversion drops; it stops when visit returns false.
func eachDescendant(n *html.Node, visit func(*html.Node) bool) {
	for d := n.FirstChild; d != nil; {
		if !visit(d) {
			return
		}
		if d.FirstChild != nil && !dropped(d) {
			d = d.FirstChild
			continue
		}
		for d != n && d.NextSibling == nil {
			d = d.Parent
		}
		if d == n {
			return
		}
		d = d.NextSibling
	}
}

// enter counts one more level of nested elements and reports whether the
// converter may follow it.
func (c *converter) enter() bool {
	c.level++
	return c.level <= maxLevel
}

func (c *converter) leave() { c.level-- }

// block returns the Markdown blocks of the block element n.
func (c *converter) block(n *html.Node, nest int) []string {
	defer c.leave()
	if !c.enter() {
		if p := paragraph(escapeText(textOf(n))); p != "" {
			return []string{p}
		}
		return nil
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		text := strings.ReplaceAll(paragraph(c.inlineChildren(n)), "\\\n", " ")
		if text == "" {
			return nil
		}
		level := max(int(n.Data[1]-'0'), 2) // the page's title is the only level 1
		return []string{strings.Repeat("#", level) + " " + text}
	case atom.Ul, atom.Ol:
		return c.list(n, nest)
	case atom.Blockquote:
		inner := c.blocks(n, nest+1)
		if len(inner) == 0 {
			return nil
		}
		if nest >= maxNest {
			return inner
		}
		return []string{prefixLines(strings.Join(inner, "\n\n"), "> ", ">")}
	case atom.Pre:
		return codeBlock(textOf(n))
	case atom.Table:
		return c.table(n, nest)
	case atom.Hr:
		return []string{"---"}
	case atom.Iframe, atom.Video, atom.Audio:
		return c.player(n)
	}
	return c.blocks(n, nest)
}

// list returns a Markdown list of n's items.
func (c *converter) list(n *html.Node, nest int) []string {
	if nest >= maxNest {
		return c.blocks(n, nest)
	}
	number := 1
	if s, err := strconv.Atoi(attr0(n, "start")); err == nil && s >= 0 && s < 1e6 {
		number = s
	}
	var items []string
	for li := n.FirstChild; li != nil; li = li.NextSibling {
		if dropped(li) {
			continue
		}
		var inner []string
		if li.Type == html.ElementNode && (li.DataAtom == atom.Ul || li.DataAtom == atom.Ol) && len(items) > 0 {
			// A list right inside a list belongs to the item before it.
			sub := c.block(li, nest+1)
			if len(sub) > 0 {
				items[len(items)-1] += "\n" + indent(strings.Join(sub, "\n\n"), "  ")
			}
			continue
		}
		if li.Type == html.ElementNode {
			c.enter()
			inner = c.blocks(li, nest+1)
			c.leave()
		} else if p := paragraph(c.inlineNode(li)); p != "" {
			inner = []string{p}
		}
		if len(inner) == 0 {
			continue
		}
		marker := "- "
		if n.DataAtom == atom.Ol {
			marker = strconv.Itoa(number) + ". "
			number++
		}
		body := inner[0]
		for _, b := range inner[1:] {
			if strings.HasPrefix(b, "- ") || startsOrdered(b) {
				body += "\n" + b
			} else {
				body += "\n\n" + b
			}
		}
		items = append(items, marker+indent(body, strings.Repeat(" ", len(marker)))[len(marker):])
	}
	if len(items) == 0 {
		return nil
	}
	return []string{strings.Join(items, "\n")}
}

var orderedStart = regexp.MustCompile(`^\d+\. `)

func startsOrdered(s string) bool { return orderedStart.MatchString(s) }

// table returns a GitHub table of n's rows; the first row is its head.
func (c *converter) table(n *html.Node, nest int) []string {
	var rows [][]string
	var walk func(*html.Node)
	walk = func(p *html.Node) {
		for ch := p.FirstChild; ch != nil; ch = ch.NextSibling {
			switch ch.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(ch)
			case atom.Tr:
				var row []string
				for cell := ch.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.DataAtom == atom.Td || cell.DataAtom == atom.Th {
						text := strings.ReplaceAll(paragraph(c.inlineChildren(cell)), "\\\n", " ")
						row = append(row, strings.ReplaceAll(text, "\n", " "))
					}
				}
				if len(row) > 0 {
					rows = append(rows, row)
				}
			}
		}
	}
	walk(n)
	if len(rows) == 0 {
		return c.blocks(n, nest)
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	line := func(cells []string) string {
		for len(cells) < cols {
			cells = append(cells, "")
		}
		return "| " + strings.Join(cells, " | ") + " |"
	}
	out := []string{line(rows[0]), line(slicesRepeat("---", cols))}
	for _, r := range rows[1:] {
		out = append(out, line(r))
	}
	return []string{strings.Join(out, "\n")}
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// player returns a link to what an iframe, video or audio element plays:
// the film's page for YouTube and Vimeo, the file for others.
func (c *converter) player(n *html.Node) []string {
	src := attr0(n, "src")
	if src == "" {
		for s := n.FirstChild; s != nil && src == ""; s = s.NextSibling {
			if s.DataAtom == atom.Source {
				src = attr0(s, "src")
			}
		}
	}
	u := c.media.resolve(src)
	if u == nil {
		return nil
	}
	if v, ok := c.video(u.String()); ok {
		return []string{"<" + v + ">"}
	}
	if n.DataAtom == atom.Iframe {
		// Other embedded pages (maps, forms, calendars) are left out.
		return nil
	}
	if isUpload(u) {
		c.attach(u, "")
		return nil
	}
	return []string{"<" + escapeAutolink(u.String()) + ">"}
}

// video returns the canonical address of a YouTube or Vimeo film at
// address and records it.
func (c *converter) video(address string) (string, bool) {
	v, ok := material.ParseExternalVideo(address)
	if !ok {
		return "", false
	}
	canonical := "https://www.youtube.com/watch?v=" + v.ID
	if v.Provider == "Vimeo" {
		canonical = "https://vimeo.com/" + v.ID
	}
	c.videos = append(c.videos, canonical)
	return canonical, true
}

// inlineChildren returns the inline Markdown of n's children.
func (c *converter) inlineChildren(n *html.Node) string {
	var b strings.Builder
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		b.WriteString(c.inlineNode(ch))
	}
	return b.String()
}

// inlineNode returns the inline Markdown of n.
func (c *converter) inlineNode(n *html.Node) string {
	if n.Type == html.TextNode {
		return escapeText(n.Data)
	}
	if n.Type != html.ElementNode || dropped(n) {
		return ""
	}
	defer c.leave()
	if !c.enter() {
		return " " + escapeText(textOf(n)) + " "
	}
	switch n.DataAtom {
	case atom.Br:
		return hardBreak
	case atom.Strong, atom.B:
		return wrap(c.inlineChildren(n), "**")
	case atom.Em, atom.I, atom.Cite, atom.Dfn:
		return wrap(c.inlineChildren(n), "*")
	case atom.Del, atom.S, atom.Strike:
		return wrap(c.inlineChildren(n), "~~")
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		return codeSpan(textOf(n))
	case atom.A:
		return c.link(n)
	case atom.Img:
		return c.image(n)
	case atom.Iframe, atom.Video, atom.Audio:
		return " " + strings.Join(c.player(n), " ") + " "
	}
	inner := c.inlineChildren(n)
	if isBlock(n) {
		return " " + inner + " "
	}
	return inner
}

// link returns the Markdown of a link. A link to an uploaded document
// makes it an attachment and keeps only its text, since the old address
// will not last; a link around an image is the image.
func (c *converter) link(n *html.Node) string {
	text := c.inlineChildren(n)
	u := c.media.resolve(attr0(n, "href"))
	if u == nil {
		if href := strings.TrimSpace(attr0(n, "href")); strings.HasPrefix(href, "mailto:") {
			if t := strings.TrimSpace(text); t != "" {
				return "[" + t + "](" + escapeDestination(href) + ")"
			}
		}
		return text
	}
	label := strings.TrimSpace(strings.ReplaceAll(text, hardBreak, " "))
	hasImage := strings.Contains(text, "](bindeled-inline:")
	if isUpload(u) && isImage(u) {
		// A link to an uploaded picture: the picture itself, which a
		// link around a thumbnail already shows.
		if hasImage || label == "" {
			return text
		}
		return c.inlineImage(u, strings.Join(strings.Fields(textOf(n)), " "))
	}
	if strings.Contains(text, "](") && !hasImage {
		// Links do not nest; the inner one stays.
		return text
	}
	if isUpload(u) {
		c.attach(u, strings.TrimSpace(textOf(n)))
		if unescapeMarkdown(label) == u.String() {
			return ""
		}
		return text
	}
	if v, ok := c.video(u.String()); ok && (label == "" || unescapeMarkdown(label) == attr0(n, "href") ||
		unescapeMarkdown(label) == u.String()) {
		return " <" + v + "> "
	}
	if label == "" {
		return ""
	}
	c.links = append(c.links, u)
	if unescapeMarkdown(label) == u.String() {
		return "<" + escapeAutolink(u.String()) + ">"
	}
	return wrapSpace(text, func(t string) string { return "[" + t + "](" + escapeDestination(u.String()) + ")" })
}

// attach makes the uploaded file at u an attachment, once, titled by its
// attachment item, else by text, else by its file name.
func (c *converter) attach(u *url.URL, text string) {
	key := u.String()
	if c.attached[key] {
		return
	}
	c.attached[key] = true
	title := c.titles[key]
	if title == "" {
		title = text
	}
	if title == "" || title == key {
		title = fileName(u)
	}
	c.attachments = append(c.attachments, transfer.Attachment{File: c.media.file(u, ""), Title: title})
}

// image returns the Markdown of an image: a reference to an inline file,
// or a link when the image cannot be brought along.
func (c *converter) image(n *html.Node) string {
	src := attr0(n, "src")
	if src == "" || strings.HasPrefix(src, "data:") {
		src = attr0(n, "data-src")
	}
	u := c.media.resolve(src)
	if u == nil {
		return ""
	}
	alt := strings.Join(strings.Fields(attr0(n, "alt")), " ")
	if !isUpload(u) && c.media.getter == nil {
		text := alt
		if text == "" {
			text = fileName(u)
		}
		c.links = append(c.links, u)
		return "[" + escapeText(text) + "](" + escapeDestination(u.String()) + ")"
	}
	return c.inlineImage(c.original(u), alt)
}

// sizeSuffix matches the size WordPress adds to the name of a smaller copy
// of an image, as in "foto-300x200.jpg".
var sizeSuffix = regexp.MustCompile(`-\d{1,5}x\d{1,5}(\.[A-Za-z0-9]+)$`)

// original returns the address of the image that u is a smaller copy of,
// when the export has that image as an attachment, else u.
func (c *converter) original(u *url.URL) *url.URL {
	if !isUpload(u) || !sizeSuffix.MatchString(u.Path) {
		return u
	}
	o := *u
	o.Path = sizeSuffix.ReplaceAllString(u.Path, "$1")
	o.RawPath = ""
	if c.uploaded[o.String()] {
		return &o
	}
	return u
}

// inlineImage returns a reference to the inline image at u, adding it the
// first time.
func (c *converter) inlineImage(u *url.URL, alt string) string {
	key := u.String()
	i, ok := c.inlineIndex[key]
	if !ok {
		i = len(c.inline)
		c.inlineIndex[key] = i
		c.inline = append(c.inline, c.media.file(u, alt))
	}
	return "![" + escapeText(alt) + "](" + transfer.InlineRef(i) + ")"
}

// textOf returns the text n holds, at any depth of nesting.
func textOf(n *html.Node) string {
	var b strings.Builder
	eachDescendant(n, func(d *html.Node) bool {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
		return true
	})
	return b.String()
}

// wrap puts inline Markdown between emphasis marks, keeping the spaces at
// its ends outside them, where Markdown needs them.
func wrap(inner, mark string) string {
	return wrapSpace(inner, func(t string) string { return mark + t + mark })
}

func wrapSpace(inner string, f func(string) string) string {
	t := strings.Trim(inner, " \t\n"+hardBreak)
	if t == "" {
		return inner
	}
	start := strings.Index(inner, t)
	return inner[:start] + f(t) + inner[start+len(t):]
}

// collapseSpace replaces each run of HTML white space in s with a single
// space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inSpace := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r', '\f':
			if !inSpace {
				b.WriteByte(' ')
			}
			inSpace = true
		default:
			b.WriteByte(c)
			inSpace = false
		}
	}
	return b.String()
}

// escapeText returns HTML text as Markdown text: whitespace collapsed and
// the characters that mean something in Markdown escaped.
func escapeText(s string) string {
	s = collapseSpace(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '&':
			// "&amp;" as text must not become an entity again.
			if i+1 < len(s) && (isNameByte(s[i+1]) || s[i+1] == '#') {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescapeMarkdown undoes escapeText's backslashes.
func unescapeMarkdown(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// lineStart matches the start of a line that Markdown would read as a
// heading, list item, quote, rule or numbered item.
var lineStart = regexp.MustCompile(`^([#=+-]|\d{1,9}[.)])`)

// paragraph finishes a run of inline Markdown: whitespace collapsed,
// <br> as hard breaks, and starts of lines that would mean something
// escaped.
func paragraph(s string) string {
	s = strings.Trim(collapseSpace(s), " "+hardBreak)
	if s == "" {
		return ""
	}
	lines := strings.Split(s, hardBreak)
	out := lines[:0]
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if m := lineStart.FindStringIndex(l); m != nil {
			l = l[:m[1]-1] + "\\" + l[m[1]-1:]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\\\n")
}

// codeSpan returns text as inline code.
func codeSpan(text string) string {
	text = collapseSpace(text)
	if strings.TrimSpace(text) == "" {
		return ""
	}
	fence := strings.Repeat("`", longestRun(text, '`')+1)
	if strings.HasPrefix(text, "`") || strings.HasSuffix(text, "`") {
		text = " " + text + " "
	}
	return fence + text + fence
}

// codeBlock returns text as a fenced code block.
func codeBlock(text string) []string {
	text = strings.Trim(text, "\n")
	if strings.TrimSpace(text) == "" {
		return nil
	}
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	return []string{fence + "\n" + text + "\n" + fence}
}

func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// prefixLines puts prefix before every line of s, or blank before empty
// ones.
func prefixLines(s, prefix, blank string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = blank
		} else {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// indent puts pad before every line of s but empty ones.
func indent(s, pad string) string { return prefixLines(s, pad, "") }

var (
	destinationEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E",
		"|", "%7C", "\n", "")
	autolinkEscaper = strings.NewReplacer(" ", "%20", "<", "%3C", ">", "%3E", "|", "%7C", "\n", "")
)

// escapeDestination makes an address safe as a Markdown link target.
func escapeDestination(s string) string { return destinationEscaper.Replace(s) }

// escapeAutolink makes an address safe between < and >.
func escapeAutolink(s string) string { return autolinkEscaper.Replace(s) }

// attr0 returns the value of n's attribute key.
func attr0(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
