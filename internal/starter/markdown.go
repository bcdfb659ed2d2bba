package starter

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/bindeled/bindeled/internal/material"
)

// The page around a material already has its title as the only h1, so a
// body's headings start at level 2 and go down one level at a time; screen
// reader users move through a page by its headings.

var (
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]|$)`)
	setextLine = regexp.MustCompile(`^ {0,3}(?:=+|-+)[ \t]*$`)
	fenceOpen  = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
	inlineLink = regexp.MustCompile(`(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]` + // [text], one level of [] inside
		`\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))*)>?(?:\s+"[^"]*")?\s*\)`) // (target "title")
	referenceLink = regexp.MustCompile(`(!?)\[([^\[\]^][^\[\]]*)\]\[[^\[\]]*\]`)
)

// vagueLinkTexts are link texts that say nothing about where the link goes.
// Screen readers list a page's links by their text alone, and readers
// skimming on a phone read links first.
var vagueLinkTexts = map[string]bool{
	"her": true, "klik her": true, "tryk her": true, "læs her": true, "se her": true,
	"læs mere": true, "se mere": true, "mere": true, "link": true, "linket": true,
	"here": true, "click here": true, "read more": true, "more": true,
}

// checkBody checks the Markdown of a material body: headings start at level 2
// and never skip a level, and every link and image is described by its text.
func checkBody(body string) error {
	text, headingErrs := scanHeadings(body)
	errs := append(headingErrs, checkLinks(text)...)
	return errors.Join(errs...)
}

// scanHeadings checks the headings of a Markdown document and returns the
// document without its fenced code blocks and code spans, for checkLinks.
func scanHeadings(body string) (string, []error) {
	var (
		errs  []error
		kept  []string
		fence string // the fence that opened the code block we are in, or ""
		prev  int    // level of the previous heading, 1 for the page title
		para  bool   // whether the previous line is paragraph text
	)
	prev = 1
	for n, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		lineNo := n + 1
		if fence != "" {
			if strings.HasPrefix(strings.TrimLeft(line, " "), fence) {
				fence = ""
			}
			kept = append(kept, "")
			continue
		}
		if m := fenceOpen.FindStringSubmatch(line); m != nil {
			fence = m[1]
			kept = append(kept, "")
			para = false
			continue
		}
		kept = append(kept, codeSpan.ReplaceAllString(line, "code"))

		level := 0
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			level = len(m[1])
		} else if para && setextLine.MatchString(line) {
			errs = append(errs,
				fmt.Errorf("line %d: underlined (setext) heading; start the heading line with ## "+
					"instead, or put a blank line before a rule",
					lineNo))
			para = false
			continue
		}
		if level == 0 {
			para = strings.TrimSpace(line) != ""
			continue
		}
		para = false
		switch {
		case level == 1:
			errs = append(errs,
				fmt.Errorf("line %d: level 1 heading; the page title is the only one, so start at ##", lineNo))
		case level > prev+1:
			errs = append(errs, fmt.Errorf("line %d: heading jumps from level %d to %d", lineNo, prev, level))
		}
		prev = level
	}
	if fence != "" {
		errs = append(errs, errors.New("a fenced code block is not closed"))
	}
	return strings.Join(kept, "\n"), errs
}

// checkLinks checks the inline and reference links and images of text.
func checkLinks(text string) []error {
	var errs []error
	for _, m := range inlineLink.FindAllStringSubmatch(text, -1) {
		image, label, dest := m[1] == "!", m[2], m[3]
		if err := checkLinkText(image, label); err != nil {
			errs = append(errs, err)
		}
		if !image && !validLinkDestination(dest) {
			errs = append(errs, fmt.Errorf("link %q: %q is not a web address, a site path or an anchor", label, dest))
		}
	}
	for _, m := range referenceLink.FindAllStringSubmatch(text, -1) {
		if err := checkLinkText(m[1] == "!", m[2]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// checkLinkText rejects links whose text says nothing and images without
// alt text.
func checkLinkText(image bool, label string) error {
	norm := normalizeLinkText(label)
	if image {
		if norm == "" {
			return errors.New("image without alt text")
		}
		return nil
	}
	if norm == "" {
		return errors.New("link without text")
	}
	if vagueLinkTexts[norm] {
		return fmt.Errorf("link text %q does not say where the link goes", label)
	}
	return nil
}

// normalizeLinkText lowercases a link text and drops emphasis, punctuation
// at the ends and repeated spaces.
func normalizeLinkText(s string) string {
	s = strings.NewReplacer("*", "", "_", "").Replace(s)
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	return strings.Trim(s, " .,:;!?…»«\"'()")
}

// validLinkDestination accepts absolute web addresses, paths on the hub,
// anchors and e-mail addresses.
func validLinkDestination(dest string) bool {
	switch {
	case material.IsWebURL(dest):
		return true
	case strings.HasPrefix(dest, "/") && !strings.HasPrefix(dest, "//"):
		return true
	case strings.HasPrefix(dest, "#") && len(dest) > 1:
		return true
	case strings.HasPrefix(dest, "mailto:") && strings.Contains(dest, "@"):
		return true
	}
	return false
}
