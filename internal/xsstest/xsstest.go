// Package xsstest holds the corpus of cross-site scripting vectors that the
// sanitiser's, the feeds' and the browser's tests put through every field
// a reader, an editor or a feed reader sees. Only tests import it.
package xsstest

import (
	_ "embed"
	"strings"
)

//go:embed testdata/xss.txt
var corpus string

// Vectors returns the corpus, one vector an element, in the file's order.
func Vectors() []string {
	var out []string
	for line := range strings.Lines(corpus) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.ReplaceAll(line, `\n`, "\n"))
	}
	return out
}

// MarkdownLinks are the links whose scheme hides behind entities or
// control characters, each of which must render with no active link.
var MarkdownLinks = []string{
	"[a](javascript&colon;alert(1))",
	"[b](&#x6A;avascript:alert(1))",
	"[c](<jav&#9;ascript:alert(1)>)",
	`<a href="vbscript:msgbox(1)">`,
	"![x](data:text/html;base64,PGI+aGVqPC9iPg==)",
}
