package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// weight is what a browser that accepts gzip and brotli downloads for a
// page: the bodies as sent, compressed where the server compressed them.
// Images and films are left out.
type weight struct {
	HTML, CSS, JS, Fonts int64
	// Encoding is the page's own Content-Encoding ("" for none).
	Encoding string
	// External lists addresses on other hosts the page would load; they
	// are never fetched.
	External []string
}

func (w weight) Total() int64 { return w.HTML + w.CSS + w.JS + w.Fonts }

// client fetches without decompressing, so bodies count as sent.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// fetch gets base+p with the given Accept-Encoding ("" asks for none).
func fetch(rawURL, accept string) ([]byte, http.Header, error) {
	if err := checkLoopback(rawURL); err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		return nil, nil, err
	}
	if accept == "" {
		accept = "identity"
	}
	req.Header.Set("Accept-Encoding", accept)
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	return body, resp.Header, nil
}

// pageWeight measures the page at base+p with what it links: stylesheets,
// scripts, preloaded fonts and the fonts its stylesheets use.
func pageWeight(base, p string) (weight, error) {
	var w weight
	plain, _, err := fetch(base+p, "")
	if err != nil {
		return w, err
	}
	sent, h, err := fetch(base+p, acceptEncoding)
	if err != nil {
		return w, err
	}
	w.HTML, w.Encoding = int64(len(sent)), h.Get("Content-Encoding")
	if !strings.Contains(h.Get("Content-Type"), "html") {
		return w, nil
	}
	css, js, fonts := linked(plain)
	seen := map[string]bool{}
	get := func(ref, from string, into *int64) ([]byte, error) {
		u, local := resolve(base, from, ref)
		if !local {
			w.External = append(w.External, u)
			return nil, nil
		}
		if seen[u] {
			return nil, nil
		}
		seen[u] = true
		body, _, err := fetch(u, acceptEncoding)
		if err != nil {
			return nil, err
		}
		*into += int64(len(body))
		return body, nil
	}
	for _, ref := range js {
		if _, err := get(ref, p, &w.JS); err != nil {
			return w, err
		}
	}
	for _, ref := range fonts {
		if _, err := get(ref, p, &w.Fonts); err != nil {
			return w, err
		}
	}
	for len(css) > 0 {
		ref := css[0]
		css = css[1:]
		if _, err := get(ref, p, &w.CSS); err != nil {
			return w, err
		}
		u, local := resolve(base, p, ref)
		if !local {
			continue
		}
		text, _, err := fetch(u, "")
		if err != nil {
			return w, err
		}
		imports, fontRefs := cssRefs(string(text))
		from := strings.TrimPrefix(u, base)
		for _, f := range fontRefs {
			if _, err := get(f, from, &w.Fonts); err != nil {
				return w, err
			}
		}
		for _, i := range imports {
			abs, _ := resolve(base, from, i)
			css = append(css, strings.TrimPrefix(abs, base))
		}
	}
	return w, nil
}

// linked lists the stylesheets, scripts and preloaded fonts of a page.
func linked(page []byte) (css, js, fonts []string) {
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return css, js, fonts
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			attr := map[string]string{}
			for _, a := range t.Attr {
				attr[a.Key] = a.Val
			}
			rels := strings.Fields(strings.ToLower(attr["rel"]))
			switch {
			case t.Data == "script" && attr["src"] != "":
				js = append(js, attr["src"])
			case t.Data == "link" && has(rels, "stylesheet"):
				css = append(css, attr["href"])
			case t.Data == "link" && (has(rels, "preload") || has(rels, "modulepreload")):
				switch attr["as"] {
				case "font":
					fonts = append(fonts, attr["href"])
				case "style":
					css = append(css, attr["href"])
				case "script", "":
					if has(rels, "modulepreload") || attr["as"] == "script" {
						js = append(js, attr["href"])
					}
				}
			}
		}
	}
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	cssURL    = regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)
	cssImport = regexp.MustCompile(`@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)`)
	fontFile  = regexp.MustCompile(`(?i)\.(woff2?|ttf|otf|eot)(\?|#|$)`)
)

// cssRefs lists a stylesheet's imports and the fonts it uses.
func cssRefs(css string) (imports, fonts []string) {
	for _, m := range cssImport.FindAllStringSubmatch(css, -1) {
		imports = append(imports, m[1])
	}
	for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
		if fontFile.MatchString(m[1]) {
			fonts = append(fonts, m[1])
		}
	}
	return imports, fonts
}

// resolve makes ref, found in the document at path from, absolute, and
// says whether it is on base's host.
func resolve(base, from, ref string) (string, bool) {
	b, err := url.Parse(base)
	if err != nil {
		return ref, false
	}
	doc, err := b.Parse(path.Clean("/" + strings.TrimPrefix(from, "/")))
	if err != nil {
		return ref, false
	}
	doc.RawQuery = ""
	u, err := doc.Parse(ref)
	if err != nil {
		return ref, false
	}
	return u.String(), u.Scheme == b.Scheme && u.Host == b.Host
}
