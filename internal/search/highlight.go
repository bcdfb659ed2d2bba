package search

import (
	"strings"
	"unicode"
)

// Part is a piece of a text shown with a result: matched or not.
type Part struct {
	Text string
	Mark bool
}

// Highlight splits text into parts, marking the words a query matches:
// the same word, stem or loose form, the start of a word for the last
// query word, or a compound ending in a query word.
func Highlight(text string, words []QueryWord) []Part {
	var out []Part
	add := func(s string, mark bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Mark == mark {
			out[n-1].Text += s
			return
		}
		out = append(out, Part{Text: s, Mark: mark})
	}
	rs := []rune(text)
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
			j++
		}
		if j == i {
			add(string(rs[i]), false)
			i++
			continue
		}
		// A hyphenated word is marked whole when the query meant the
		// parts written together: "skolehjemsamtale" in
		// "skole-hjem-samtale".
		k, joined := j, string(rs[i:j])
		for k+1 < len(rs) && isHyphen(rs[k]) && unicode.IsLetter(rs[k+1]) {
			e := k + 1
			for e < len(rs) && (unicode.IsLetter(rs[e]) || unicode.IsDigit(rs[e])) {
				e++
			}
			joined += string(rs[k+1 : e])
			k = e
		}
		if k > j && matches(Canonical(joined), words) {
			add(string(rs[i:k]), true)
			i = k
			continue
		}
		word := string(rs[i:j])
		add(word, matches(Canonical(word), words))
		i = j
	}
	return out
}

func isHyphen(r rune) bool { return r == '-' || r == '‐' || r == '‑' }

func matches(w string, words []QueryWord) bool {
	stem, loose := Stem(w), Loose(w)
	for _, q := range words {
		for _, a := range q.Exact {
			switch a.Term {
			case prefixWord + w, prefixStem + stem, prefixLoose + loose:
				return true
			}
		}
		if q.Prefix != "" && (strings.HasPrefix(prefixWord+w, q.Prefix) ||
			strings.HasPrefix(prefixLoose+loose, q.LoosePrefix)) {
			return true
		}
		if q.Typos > 0 && Distance(w, q.Text, q.Typos) <= q.Typos {
			return true
		}
		if q.Tail != "" && strings.HasPrefix(prefixTail+reverse(stem), q.Tail) {
			return true
		}
	}
	return false
}

// Snippet returns about n words of text around its first match, marked,
// or nil when nothing in it matches.
func Snippet(text string, words []QueryWord, n int) []Part {
	fields := strings.Fields(text)
	at := -1
	for i, f := range fields {
		for _, p := range Highlight(f, words) {
			if p.Mark {
				at = i
				break
			}
		}
		if at >= 0 {
			break
		}
	}
	if at < 0 {
		return nil
	}
	from := max(0, at-n/3)
	to := min(len(fields), from+n)
	s := strings.Join(fields[from:to], " ")
	if from > 0 {
		s = "… " + s
	}
	if to < len(fields) {
		s += " …"
	}
	return Highlight(s, words)
}
