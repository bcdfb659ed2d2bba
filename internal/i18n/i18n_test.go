package i18n

import (
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
