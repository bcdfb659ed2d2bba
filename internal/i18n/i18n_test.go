package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCataloguesMatch(t *testing.T) {
	for _, k := range Keys(Danish) {
		if _, ok := english[k]; !ok {
			t.Errorf("key %q has no English text", k)
		}
	}
	for _, k := range Keys(English) {
		if _, ok := danish[k]; !ok {
			t.Errorf("English key %q has no Danish text", k)
		}
	}
}

func TestPlaceholdersMatch(t *testing.T) {
	for _, k := range Keys(Danish) {
		if got, want := strings.Count(english[k], "%"), strings.Count(danish[k], "%"); got != want {
			t.Errorf("key %q: English has %d %% verbs, Danish %d", k, got, want)
		}
	}
}

// verb matches a printf verb, including flags, an argument index, width
// and precision. The JavaScript placeholders %n and %max of ws.chars_js
// read as %n and %m, alike in both languages.
var verb = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)

func TestVerbsInOrder(t *testing.T) {
	for _, k := range Keys(Danish) {
		da, en := verb.FindAllString(danish[k], -1), verb.FindAllString(english[k], -1)
		if !slices.Equal(da, en) {
			t.Errorf("key %q: English verbs %q, Danish %q", k, en, da)
		}
	}
	if got := english["ws.chars_js"]; !strings.Contains(got, "%n") || !strings.Contains(got, "%max") {
		t.Errorf("ws.chars_js lost its JavaScript placeholders: %q", got)
	}
}

func TestEnglishIsTranslated(t *testing.T) {
	for _, k := range Keys(English) {
		if strings.ContainsAny(english[k], "æøåÆØÅ") {
			t.Errorf("key %q: English text has Danish letters: %q", k, english[k])
		}
	}
}

func TestT(t *testing.T) {
	if got := T(Danish, "error.required"); got != "Skal udfyldes." {
		t.Errorf("T(da, error.required) = %q", got)
	}
	if got := T(English, "error.required"); got != "Required." {
		t.Errorf("T(en, error.required) = %q", got)
	}
	if got := T(Danish, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key gives %q, want the key", got)
	}
}
