package material

import (
	"errors"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestCheckMove(t *testing.T) {
	school := func(s Status) *Material { return &Material{Status: s, SchoolID: 7} }
	unit := func(s Status) *Material { return &Material{Status: s} }
	tests := []struct {
		m         *Material
		to        Status
		by        Actor
		reviewOff bool
		wantKey   string // "" when allowed
	}{
		{school(Draft), InReview, ByContributor, false, ""},
		{school(Draft), InReview, ByEditor, false, ""},
		{school(Draft), Approved, ByContributor, false, "error.move"},
		{school(Draft), Published, ByEditor, false, "error.move"},
		{school(InReview), ChangesRequested, ByContributor, false, "error.move"},
		{school(InReview), ChangesRequested, ByEditor, false, ""},
		{school(ChangesRequested), InReview, ByContributor, false, ""},
		{school(InReview), Approved, ByEditor, false, ""},
		{school(InReview), Approved, ByContributor, false, "error.move"},
		{unit(Draft), Approved, ByEditor, true, ""},
		{unit(Draft), Approved, ByEditor, false, "error.move_needs_review"},
		{school(Draft), Approved, ByEditor, true, "error.move_needs_review"},
		{school(Approved), Scheduled, ByEditor, false, ""},
		{school(Approved), Published, ByEditor, false, ""},
		{school(Approved), Published, ByContributor, false, "error.move"},
		{school(Scheduled), Approved, ByEditor, false, ""},
		{school(Scheduled), Published, ByScheduler, false, ""},
		{school(Scheduled), Published, ByEditor, false, "error.move"},
		{school(Published), Unpublished, ByEditor, false, ""},
		{school(Published), Unpublished, ByContributor, false, "error.move"},
		{school(Unpublished), Published, ByEditor, false, ""},
		{school(Unpublished), Draft, ByEditor, false, ""},
		{school(Published), Draft, ByEditor, false, "error.move"},
	}
	for _, tt := range tests {
		err := CheckMove(tt.m, tt.to, tt.by, tt.reviewOff)
		var me *MoveError
		switch {
		case tt.wantKey == "" && err != nil:
			t.Errorf("%s %s→%s: refused: %v", tt.by, tt.m.Status, tt.to, err)
		case tt.wantKey != "" && (!errors.As(err, &me) || me.Key != tt.wantKey):
			t.Errorf("%s %s→%s: %v, want %s", tt.by, tt.m.Status, tt.to, err, tt.wantKey)
		}
	}
}

func TestMovesFrom(t *testing.T) {
	got := MovesFrom(&Material{Status: InReview, SchoolID: 1}, ByEditor, false)
	if want := []Status{ChangesRequested, Approved}; !reflect.DeepEqual(got, want) {
		t.Errorf("editor from in review: %v, want %v", got, want)
	}
	if got := MovesFrom(&Material{Status: InReview, SchoolID: 1}, ByContributor, false); got != nil {
		t.Errorf("contributor from in review: %v, want none", got)
	}
	for _, mv := range Workflow {
		if !mv.From.Valid() || !mv.To.Valid() {
			t.Errorf("move %v names an unknown status", mv)
		}
	}
}

func TestEditable(t *testing.T) {
	for _, s := range Statuses {
		if !Editable(s, ByEditor) {
			t.Errorf("editor cannot edit %s", s)
		}
		want := s == Draft || s == ChangesRequested
		if Editable(s, ByContributor) != want {
			t.Errorf("contributor edits %s: %v, want %v", s, !want, want)
		}
	}
}

func TestConsentProblems(t *testing.T) {
	m := &Material{CoverID: 3, Attachments: []Attachment{{MediaID: 4}}}
	p := Problems{}
	ConsentProblems(m, p)
	want := []string{"consent_children:error.consent_children", "consent_licences:error.consent_licence",
		"consent_names:error.consent_names", "consent_rights:error.consent_rights"}
	if got := keys(p); !reflect.DeepEqual(got, want) {
		t.Errorf("no answers: %v, want %v", got, want)
	}
	m.Consent = Consent{Rights: true, Children: ConsentConsented, Names: ConsentNone,
		Licences: map[int64]string{3: "own"}}
	p = Problems{}
	ConsentProblems(m, p)
	if got := keys(p); !reflect.DeepEqual(got, []string{"consent_licences:error.consent_licence"}) {
		t.Errorf("attachment without licence: %v", got)
	}
	m.Consent.Licences[4] = "cc-by-sa"
	p = Problems{}
	ConsentProblems(m, p)
	if len(p) != 0 {
		t.Errorf("complete answers: %v", p)
	}
}

// TestWorkflowTableMatchesDocs keeps docs/workflow.md and Workflow equal.
func TestWorkflowTableMatchesDocs(t *testing.T) {
	data, err := os.ReadFile("../../docs/workflow.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| ([a-z_]+) \| ([a-z_]+) \| ([^|]+) \|$`)
	var documented []string
	for _, m := range row.FindAllStringSubmatch(string(data), -1) {
		if m[1] != "from" {
			documented = append(documented, m[1]+" "+m[2]+" "+strings.TrimSpace(m[3]))
		}
	}
	var code []string
	for _, mv := range Workflow {
		var by []string
		for _, a := range mv.By {
			by = append(by, string(a))
		}
		who := strings.Join(by, ", ")
		if mv.UnitOnly {
			who += " (unit's own, review off)"
		}
		code = append(code, string(mv.From)+" "+string(mv.To)+" "+who)
	}
	if !reflect.DeepEqual(documented, code) {
		t.Errorf("docs/workflow.md says\n%s\nthe code says\n%s", strings.Join(documented, "\n"),
			strings.Join(code, "\n"))
	}
}
