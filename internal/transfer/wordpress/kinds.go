package wordpress

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/bindeled/bindeled/internal/material"
)

// KindRule gives the material kind of the items that match it: items of a
// post type ("type:page=article"), or items filed under a category or tag
// by its slug ("category:vejledninger=guide", "tag:links=link").
type KindRule struct {
	By   string // "type", "category" or "tag"
	Name string // the post type or the term's slug, decoded
	Kind material.Kind
}

// String gives r in the form ParseKindRule reads.
func (r KindRule) String() string { return r.By + ":" + r.Name + "=" + string(r.Kind) }

// ParseKindRule reads one rule written as BY:NAME=KIND, where BY is type,
// category or tag, NAME a post type or a slug (as WordPress shows it,
// %-encoded or not) and KIND article, guide, link or film.
func ParseKindRule(s string) (KindRule, error) {
	lhs, kind, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok {
		return KindRule{}, fmt.Errorf("kind rule %q: write it as type:NAME=KIND, category:SLUG=KIND or "+
			"tag:SLUG=KIND", s)
	}
	by, name, ok := strings.Cut(strings.TrimSpace(lhs), ":")
	by = strings.ToLower(strings.TrimSpace(by))
	if !ok || (by != "type" && by != "category" && by != "tag") {
		return KindRule{}, fmt.Errorf("kind rule %q: start it with \"type:\", \"category:\" or \"tag:\"", s)
	}
	name = decodeSlug(strings.TrimSpace(name))
	if name == "" {
		return KindRule{}, fmt.Errorf("kind rule %q: name the post type or slug after \"%s:\"", s, by)
	}
	k := material.Kind(strings.ToLower(strings.TrimSpace(kind)))
	if !k.Valid() {
		return KindRule{}, fmt.Errorf("kind rule %q: the kind must be article, guide, link or film, not %q",
			s, kind)
	}
	return KindRule{By: by, Name: name, Kind: k}, nil
}

// ParseKindRules reads rules as ParseKindRule does, one per element, as a
// repeated command line flag gives them. Rules given for the same type or
// term twice are refused, since only one could apply.
func ParseKindRules(specs []string) ([]KindRule, error) {
	var rules KindRules
	for _, s := range specs {
		if err := rules.Set(s); err != nil {
			return nil, err
		}
	}
	return rules, nil
}

// kindFor returns the kind an item of postType filed under terms gets:
// the first category or tag rule that matches, else the rule for its post
// type, else article. ok is false for a post type that is neither a post,
// a page nor named by a rule: such items are not materials.
func kindFor(rules []KindRule, postType string, terms []term) (k material.Kind, ok bool) {
	for _, r := range rules {
		if r.By == "type" {
			continue
		}
		for _, t := range terms {
			if t.by == r.By && t.slug == r.Name {
				return r.Kind, true
			}
		}
	}
	for _, r := range rules {
		if r.By == "type" && r.Name == postType {
			return r.Kind, true
		}
	}
	if postType == "post" || postType == "page" {
		return material.Article, true
	}
	return "", false
}

// KindRules holds the rules of repeated --kind flags; it is a flag.Value.
type KindRules []KindRule

// String gives the rules as the flags that set them.
func (rs *KindRules) String() string {
	if rs == nil {
		return ""
	}
	s := make([]string, len(*rs))
	for i, r := range *rs {
		s[i] = r.String()
	}
	return strings.Join(s, " ")
}

// Set adds the rule one flag gives, refusing a bad one or a second rule
// for the same type or term.
func (rs *KindRules) Set(spec string) error {
	r, err := ParseKindRule(spec)
	if err != nil {
		return err
	}
	for _, x := range *rs {
		if x.By == r.By && x.Name == r.Name {
			return fmt.Errorf("kind rule %q: %s:%s has a kind already", spec, r.By, r.Name)
		}
	}
	*rs = append(*rs, r)
	return nil
}

// decodeSlug decodes a slug as WordPress stores it: %-encoded UTF-8,
// sometimes with HTML entities, in any case.
func decodeSlug(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return strings.ToLower(unescapeHTML(s))
}
