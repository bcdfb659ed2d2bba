package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/storage"
)

// TestFormNamesASchoolOrThemeThatIsGone: a school or theme deleted while
// an editor had the form open (or an id typed into the form) gives a
// Danish message beside its field and keeps what was typed, never a 500.
func TestFormNamesASchoolOrThemeThatIsGone(t *testing.T) {
	eachHub(t, func(t *testing.T, h *hubT) {
		school := storage.School{Slug: "lukket-skole", Name: "Den lukkede skole"}
		if err := h.st.CreateSchool(ctx, &school); err != nil {
			t.Fatal(err)
		}
		theme := storage.Theme{Slug: "gammelt-tema", Name: "Gammelt tema"}
		if err := h.st.SaveTheme(ctx, &theme); err != nil {
			t.Fatal(err)
		}
		if err := h.st.DeleteSchool(ctx, school.ID); err != nil {
			t.Fatal(err)
		}
		if err := h.st.DeleteTheme(ctx, theme.ID); err != nil {
			t.Fatal(err)
		}
		ed, csrf := h.login(storage.RoleEditor)
		fields := func(extra ...[2]string) [][2]string {
			return append([][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Skolestart i august"},
				{"summary", "Kort."}, {"audiences", "parents"}, {"language", "da"}, {"action", "save"}}, extra...)
		}
		for _, tc := range []struct {
			field, value, want string
		}{
			{"school", strconv.FormatInt(school.ID, 10), "Skolen findes ikke"},
			{"school", "99999", "Skolen findes ikke"},
			{"themes", strconv.FormatInt(theme.ID, 10), "Et af temaerne findes ikke"},
		} {
			p := ed.postMultipart("/redaktion/materialer", fields([2]string{tc.field, tc.value}))
			if p.status != http.StatusUnprocessableEntity {
				t.Errorf("%s=%s: status %d", tc.field, tc.value, p.status)
				continue
			}
			if got := p.text(".problem"); !strings.Contains(got, tc.want) {
				t.Errorf("%s=%s: problems %q, want %q", tc.field, tc.value, got, tc.want)
			}
			if p.attr("#title", "value") != "Skolestart i august" {
				t.Errorf("%s=%s: the form lost the title", tc.field, tc.value)
			}
		}

		// The same when an existing material is saved.
		p := ed.postMultipart("/redaktion/materialer", fields())
		if p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %q", p.status, p.text(".problem"))
		}
		loc := strings.SplitN(p.header.Get("Location"), "?", 2)[0]
		form := ed.get(loc)
		p = ed.postMultipart(loc, fields([2]string{"version", form.attr("input[name=version]", "value")},
			[2]string{"school", strconv.FormatInt(school.ID, 10)}))
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(".problem"), "Skolen findes ikke") {
			t.Errorf("save of an existing material: %d %q", p.status, p.text(".problem"))
		}
	})
}
