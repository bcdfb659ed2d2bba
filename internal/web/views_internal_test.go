package web

import "testing"

// TestEveryTemplateParses parses every page template as a first request
// for its page would: the templates are parsed when first shown, so this
// is what stops a broken one before a release.
func TestEveryTemplateParses(t *testing.T) {
	v, err := pageViews()
	if err != nil {
		t.Fatal(err)
	}
	if len(v.pages) < 40 {
		t.Fatalf("%d page templates listed, want every page of the site, the workspace and the embeds", len(v.pages))
	}
	for name := range v.pages {
		tm, err := v.page(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, part := range []string{"layout", "content"} {
			if tm.Lookup(part) == nil {
				t.Errorf("%s has no %q template", name, part)
			}
		}
	}
	if _, err := v.page("site/no-such-page"); err == nil {
		t.Error("an unknown page gave a template")
	}
}
