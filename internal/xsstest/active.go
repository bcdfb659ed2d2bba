package xsstest

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// inert are the elements sanitised HTML may never hold, since each can
// run script, load a document or change how the page's links resolve.
var inert = map[atom.Atom]bool{
	atom.Script: true, atom.Iframe: true, atom.Frame: true, atom.Object: true, atom.Embed: true,
	atom.Applet: true, atom.Style: true, atom.Link: true, atom.Meta: true, atom.Base: true,
	atom.Form: true, atom.Svg: true, atom.Math: true, atom.Noscript: true, atom.Template: true,
}

// urlAttrs are attributes a browser reads as an address.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true, "poster": true,
	"background": true, "data": true, "cite": true, "srcset": true, "longdesc": true, "ping": true,
	"lowsrc": true, "dynsrc": true, "codebase": true, "manifest": true,
}

// safeSchemes are the schemes a link in sanitised HTML may have.
var safeSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

// Active parses an HTML fragment as a browser would inside a <div> and
// returns what in it could run script or load something active: a
// forbidden element, an event or style attribute, or an address whose
// scheme is not http, https, mailto or tel. Nil means the fragment is
// inert.
func Active(fragment string) []string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return []string{"unparsable: " + err.Error()}
	}
	var found []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			found = append(found, activeElement(n)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

func activeElement(n *html.Node) []string {
	var found []string
	if inert[n.DataAtom] || n.Namespace != "" {
		found = append(found, fmt.Sprintf("element <%s>", n.Data))
	}
	for _, a := range n.Attr {
		name := strings.ToLower(a.Key)
		if a.Namespace != "" {
			name = a.Namespace + ":" + name
		}
		switch {
		case strings.HasPrefix(name, "on"), name == "style", name == "srcdoc":
			found = append(found, fmt.Sprintf("attribute %s on <%s>", name, n.Data))
		case urlAttrs[name] || strings.HasSuffix(name, ":href"):
			if s := Scheme(a.Val); s != "" && !safeSchemes[s] {
				found = append(found, fmt.Sprintf("%s scheme in %s on <%s>", s, name, n.Data))
			}
		}
	}
	return found
}

// Scheme returns the lower-case scheme a browser reads in an attribute's
// value, after dropping what the URL standard drops (leading and trailing
// spaces and control characters, tabs and line breaks anywhere), or ""
// for a relative address. The value is the parsed one, entities decoded.
func Scheme(v string) string {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	i := strings.IndexByte(v, ':')
	if i <= 0 {
		return ""
	}
	s := strings.ToLower(v[:i])
	for j, r := range s {
		letter := r >= 'a' && r <= 'z'
		if !letter && (j == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return "" // not a scheme: a relative address with a colon in it
		}
	}
	return s
}
