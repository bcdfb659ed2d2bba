package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/fetch"
	"github.com/bindeled/bindeled/internal/storage"
)

func TestFetchAllowListSetting(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		admin, csrf := h.login(storage.RoleAdmin)
		form := func(hosts string) [][2]string {
			return [][2]string{{"csrf", csrf}, {"name", "Skole og hjem"}, {"colour", "#1b5e7a"},
				{"fetch_hosts", hosts}}
		}

		for _, bad := range []string{"https://intra.kommune.dk/sti", "intra.kommune.dk:8080", "10.0.0.12",
			"localhost", "intra kommune", "[::1]"} {
			typed := "wiki.skole.dk\n" + bad + "\n"
			p := admin.postMultipart("/redaktion/indstillinger", form(typed))
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("%q: status %d", bad, p.status)
			}
			if msg := p.text("#fetch_hosts-problem"); !strings.Contains(msg, "»"+bad+"«") ||
				!strings.Contains(msg, "værtsnavn") {
				t.Errorf("%q: problem %q", bad, msg)
			}
			if got := p.text("textarea#fetch_hosts"); got != strings.TrimSpace(typed) {
				t.Errorf("%q: the typed text was not kept: %q", bad, got)
			}
			if p.attr("#fetch_hosts", "aria-invalid") != "true" || p.text(".flash.error") == "" {
				t.Errorf("%q: the field is not marked", bad)
			}
			kv, err := h.st.Settings(context.Background())
			if err != nil || kv[fetch.KeyAllowedHosts] != "" {
				t.Errorf("%q: stored %q, %v", bad, kv[fetch.KeyAllowedHosts], err)
			}
		}

		p := admin.postMultipart("/redaktion/indstillinger", form(" Intra.Kommune.dk \r\n\r\nwiki.skole.dk\n"+
			"intra.kommune.dk.\nkøbenhavn.dk\n"))
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %q", p.status, p.text(".problem"))
		}
		kv, err := h.st.Settings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"intra.kommune.dk", "wiki.skole.dk", "xn--kbenhavn-54a.dk"}
		if got := fetch.FromSettings(kv); !slices.Equal(got, want) {
			t.Errorf("allowed hosts %q, want %q", got, want)
		}
		if got := admin.get("/redaktion/indstillinger").text("textarea#fetch_hosts"); got != strings.Join(want,
			"\n") {
			t.Errorf("the page shows %q", got)
		}

		if p := admin.postMultipart("/redaktion/indstillinger", form("")); p.status != http.StatusSeeOther {
			t.Fatalf("emptying the list: %d", p.status)
		}
		kv, _ = h.st.Settings(context.Background())
		if got := fetch.FromSettings(kv); len(got) != 0 {
			t.Errorf("after emptying: %q", got)
		}

		ed, edCSRF := h.login(storage.RoleEditor)
		p = ed.postMultipart("/redaktion/indstillinger", [][2]string{{"csrf", edCSRF}, {"name", "X"},
			{"colour", "#1b5e7a"}, {"fetch_hosts", "evil.example"}})
		if p.status != http.StatusForbidden {
			t.Errorf("an editor changed the allow list: %d", p.status)
		}
	})
}
