package material

import (
	"fmt"
	"slices"
)

// Actor is who moves a material from one status to another.
type Actor string

// The actors of the workflow. A contributor is the school staff member
// whose school the material comes from; the scheduler is the hub itself.
const (
	ByContributor Actor = "contributor"
	ByEditor      Actor = "editor"
	ByScheduler   Actor = "scheduler"
)

// Move is one allowed change of status and who may make it.
type Move struct {
	From, To Status
	By       []Actor
	// UnitOnly limits the move to the learning unit's own materials (those
	// from no school) while review is switched off for them.
	UnitOnly bool
}

// Workflow is the table of allowed moves; every other move is refused.
// docs/workflow.md shows the same table, and a test keeps them equal.
var Workflow = []Move{
	{From: Draft, To: InReview, By: []Actor{ByContributor, ByEditor}},
	{From: InReview, To: ChangesRequested, By: []Actor{ByEditor}},
	{From: ChangesRequested, To: InReview, By: []Actor{ByContributor, ByEditor}},
	{From: InReview, To: Approved, By: []Actor{ByEditor}},
	{From: Draft, To: Approved, By: []Actor{ByEditor}, UnitOnly: true},
	{From: Approved, To: Scheduled, By: []Actor{ByEditor}},
	{From: Approved, To: Published, By: []Actor{ByEditor}},
	{From: Scheduled, To: Scheduled, By: []Actor{ByEditor}},             // a new time
	{From: Scheduled, To: Approved, By: []Actor{ByEditor, ByScheduler}}, // the scheduler when checks fail
	{From: Scheduled, To: Published, By: []Actor{ByScheduler}},
	{From: Published, To: Unpublished, By: []Actor{ByEditor, ByScheduler}},
	{From: Unpublished, To: Published, By: []Actor{ByEditor}},
	{From: Unpublished, To: Draft, By: []Actor{ByEditor}},
}

// MoveError says why a move was refused. Key is a message key for the
// user; the error text is for logs.
type MoveError struct {
	From, To Status
	By       Actor
	Key      string
}

func (e *MoveError) Error() string {
	return fmt.Sprintf("%s may not move a material from %s to %s", e.By, e.From, e.To)
}

// CheckMove reports whether by may move m to status to. reviewOff says
// that review is switched off for the learning unit's own materials.
func CheckMove(m *Material, to Status, by Actor, reviewOff bool) error {
	for _, mv := range Workflow {
		if mv.From != m.Status || mv.To != to || !slices.Contains(mv.By, by) {
			continue
		}
		if mv.UnitOnly && (!reviewOff || m.SchoolID != 0) {
			return &MoveError{From: m.Status, To: to, By: by, Key: "error.move_needs_review"}
		}
		return nil
	}
	return &MoveError{From: m.Status, To: to, By: by, Key: "error.move"}
}

// MovesFrom lists the statuses by may move m to from where it is.
func MovesFrom(m *Material, by Actor, reviewOff bool) []Status {
	var out []Status
	for _, mv := range Workflow {
		if mv.From == m.Status && CheckMove(m, mv.To, by, reviewOff) == nil {
			out = append(out, mv.To)
		}
	}
	return out
}

// Editable reports whether by may change a material's content in its
// status. Contributors edit only their drafts and drafts sent back to
// them; editors edit in every status (a published material's edits wait
// as a pending version, see storage).
func Editable(s Status, by Actor) bool {
	if by == ByEditor {
		return true
	}
	return by == ByContributor && (s == Draft || s == ChangesRequested)
}
