package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
)

// moveActions maps the buttons of the material form to the status each
// moves the material to.
var moveActions = map[string]material.Status{
	"submit":          material.InReview,
	"request_changes": material.ChangesRequested,
	"approve":         material.Approved,
	"schedule":        material.Scheduled,
	"publish":         material.Published,
	"unschedule":      material.Approved,
	"unpublish":       material.Unpublished,
	"to_draft":        material.Draft,
}

// actionFor is the button that moves a material from one status to
// another; the inverse of moveActions.
func actionFor(from, to material.Status) string {
	if from == material.Scheduled && to == material.Approved {
		return "unschedule"
	}
	for a, st := range moveActions {
		if st == to && a != "unschedule" {
			return a
		}
	}
	return ""
}

// pendingActions are the actions that, on a published material, work on
// its pending version instead of the live one.
var pendingActions = map[string]bool{"save": true, "submit": true, "approve": true, "preview": true, "discard": true}

// keyReviewUnitOff is the setting that switches review off for the
// learning unit's own materials.
const keyReviewUnitOff = "workflow.review_unit_off"

// actorOf is the part a user plays in the workflow.
func actorOf(u *storage.User) material.Actor {
	if u != nil && (u.Role == storage.RoleEditor || u.Role == storage.RoleAdmin) {
		return material.ByEditor
	}
	return material.ByContributor
}

// reviewOff reports whether editors may approve the unit's own materials
// without a review round.
func (s *Server) reviewOff(r *http.Request) bool {
	kv, err := s.store.Settings(r.Context())
	return err == nil && kv[keyReviewUnitOff] == "1"
}

// versionToken names the version of a material a form was filled in
// from: the live version's counter, or the pending version's save time.
func versionToken(m *material.Material, p *storage.Pending) string {
	if p != nil {
		return "p" + strconv.FormatInt(p.UpdatedAt.UnixMilli(), 10)
	}
	return "v" + strconv.FormatInt(m.Version, 10)
}

// readConsent reads the consent answers of the form onto m; a form
// without the consent fields leaves them as they were.
func readConsent(m *material.Material, f url.Values, userID int64) {
	if f.Get("consent_form") != "1" {
		return
	}
	c := material.Consent{Rights: f.Get("consent_rights") == "on", Licences: map[int64]string{}}
	if a := f.Get("consent_children"); a == material.ConsentNone || a == material.ConsentConsented {
		c.Children = a
	}
	if a := f.Get("consent_names"); a == material.ConsentNone || a == material.ConsentConsented {
		c.Names = a
	}
	for _, id := range m.Files() {
		if l := f.Get("licence_" + strconv.FormatInt(id, 10)); slices.Contains(material.Licences, l) {
			c.Licences[id] = l
		}
	}
	if c.Rights != m.Consent.Rights || c.Children != m.Consent.Children || c.Names != m.Consent.Names ||
		!maps.Equal(c.Licences, m.Consent.Licences) {
		c.By, c.At = userID, time.Now().UTC().Truncate(time.Second)
	} else {
		c.By, c.At = m.Consent.By, m.Consent.At
	}
	m.Consent = c
}

// savedMessage is the besked a save redirects with.
func savedMessage(action string, pending bool) string {
	if pending {
		switch action {
		case "submit":
			return "ventende-sendt"
		case "approve":
			return "godkendt"
		}
		return "ventende"
	}
	if msg, ok := map[string]string{"publish": "udgivet", "unpublish": "tilbagetrukket", "schedule": "planlagt",
		"unschedule": "godkendt", "submit": "sendt", "request_changes": "aendringer", "approve": "godkendt",
		"to_draft": "kladde"}[action]; ok {
		return msg
	}
	return "gemt"
}

// auditActionFor names an action in the audit log.
func auditActionFor(action string, pending bool) string {
	if pending {
		if action == "submit" || action == "approve" {
			return "material:pending_" + action
		}
		return "material:pending_save"
	}
	if _, ok := moveActions[action]; ok {
		return "material:" + action
	}
	return "material:save"
}

// discardPending drops the pending version of a published material.
func (s *Server) discardPending(w http.ResponseWriter, r *http.Request, m *material.Material,
	p *storage.Pending) error {
	if actorOf(state(r).user) != material.ByEditor {
		return errForbidden
	}
	if p != nil {
		if err := s.store.DiscardPending(r.Context(), m.ID); err != nil {
			return err
		}
		s.audit(r, "material:pending_discard", auditMaterial(m))
	}
	http.Redirect(w, r, materialEditURL(m.ID, "kasseret"), http.StatusSeeOther)
	return nil
}

// ConflictField is one field that differs between the version someone
// else saved and the one being saved.
type ConflictField struct {
	Label  string
	Theirs string
	Yours  string
}

// renderConflict shows the form again when someone else saved the
// material since the form was opened: the user's text stays in the form,
// the other version is shown beside it, and saving again keeps the
// user's version on purpose.
func (s *Server) renderConflict(w http.ResponseWriter, r *http.Request, yours, theirs *material.Material,
	p *storage.Pending, problems material.Problems, plan *schedulePlan) error {
	yours.Version = theirs.Version
	yours.Status = theirs.Status
	return s.renderMaterialFormWith(w, r, http.StatusConflict, yours, problems, plan, p, func(pg *WSMaterialPage) {
		pg.Flash = pg.T("error.conflict")
		pg.Conflict = conflictFields(pg.Base, theirs, yours)
	})
}

func conflictFields(b Base, theirs, yours *material.Material) []ConflictField {
	var out []ConflictField
	add := func(key, a, c string) {
		if a != c {
			out = append(out, ConflictField{Label: b.T(key), Theirs: a, Yours: c})
		}
	}
	add("ws.field.title", theirs.Title, yours.Title)
	add("ws.field.summary", theirs.Summary, yours.Summary)
	add("ws.field.body", theirs.Body, yours.Body)
	add("ws.field.transcript", theirs.Transcript, yours.Transcript)
	add("ws.field.link_url", theirs.LinkURL, yours.LinkURL)
	add("ws.field.link_publisher", theirs.LinkPublisher, yours.LinkPublisher)
	add("ws.field.cover_alt", theirs.CoverAlt, yours.CoverAlt)
	if len(out) == 0 { // only choices, files or settings differ
		out = append(out, ConflictField{Label: b.T("ws.conflict_other_label"), Theirs: b.T("ws.conflict_other"),
			Yours: b.T("ws.conflict_other")})
	}
	return out
}

// MoveButton is a button that moves the material to another status.
type MoveButton struct {
	Action string
	Label  string
}

// ReviewPanel is what the workspace shows of a material's review: its
// rounds, its comment threads and the forms to add to them.
type ReviewPanel struct {
	MaterialID  int64
	Rounds      []*storage.Round
	Open        *storage.Round
	Comments    []*storage.Comment
	Paragraphs  []Paragraph
	Transitions []storage.Transition
	Candidates  []storage.User // reviewers a round can name
	CanComment  bool
	CanResolve  bool
	CanRound    bool
	// MyVerdict is set when the user is a reviewer of the open round.
	MyVerdict *storage.Reviewer
	// ChangedSince is the revision the user last answered on, when the
	// material changed since; 0 otherwise.
	ChangedSince int64
	Latest       int64
	Deadline     string // the round form's date, as typed
	Typed        ReviewTyped
	Problems     material.Problems
	// FromView is set on the reading view, where review actions return.
	FromView bool
}

// ReviewTyped is what was typed in the review panel's forms, kept when
// one comes back with a problem.
type ReviewTyped struct {
	Reviewers      []int64
	RoundMessage   string
	Comment        string
	Paragraph      int64
	Parent         int64 // the thread a reply was for
	Verdict        string
	VerdictMessage string
}

// Chose reports whether the round form had reviewer id ticked.
func (t ReviewTyped) Chose(id int64) bool { return slices.Contains(t.Reviewers, id) }

// ProblemText returns the translated problems of a review field.
func (rp *ReviewPanel) ProblemText(b Base, field string) []string {
	var out []string
	for _, k := range rp.Problems[field] {
		out = append(out, b.T(k))
	}
	return out
}

// Paragraph is one block of a material's body that a comment can be tied to.
type Paragraph struct {
	Number int
	Start  string
}

// bodyParagraphs splits a Markdown body into its blocks, for tying comments.
func bodyParagraphs(body string) []Paragraph {
	var out []Paragraph
	for _, block := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		start := strings.Join(strings.Fields(strings.TrimLeft(block, "#>*- ")), " ")
		if utf8.RuneCountInString(start) > 60 {
			start = string([]rune(start)[:60]) + "…"
		}
		out = append(out, Paragraph{Number: len(out) + 1, Start: start})
	}
	return out
}

// reviewPanel gathers the review state of m for the user.
func (s *Server) reviewPanel(r *http.Request, m *material.Material, body string) (*ReviewPanel, error) {
	ctx := r.Context()
	u := state(r).user
	rp := &ReviewPanel{MaterialID: m.ID, Paragraphs: bodyParagraphs(body), CanComment: true}
	var err error
	if rp.Rounds, err = s.store.Rounds(ctx, m.ID); err != nil {
		return nil, err
	}
	if len(rp.Rounds) > 0 && rp.Rounds[0].Open() {
		rp.Open = rp.Rounds[0]
	}
	if rp.Comments, err = s.store.Comments(ctx, m.ID); err != nil {
		return nil, err
	}
	if rp.Transitions, err = s.store.Transitions(ctx, m.ID); err != nil {
		return nil, err
	}
	if rp.Latest, err = s.store.LatestRevision(ctx, m.ID, actorOf(u) == material.ByEditor); err != nil {
		return nil, err
	}
	editor := actorOf(u) == material.ByEditor
	rp.CanResolve = editor || u.Role == storage.RoleContributor
	inReview, err := s.inReview(r, m)
	if err != nil {
		return nil, err
	}
	rp.CanRound = editor && inReview
	if rp.CanRound {
		if rp.Candidates, err = s.store.UsersWithRole(ctx, storage.RoleReviewer, storage.RoleEditor,
			storage.RoleAdmin); err != nil {
			return nil, err
		}
	}
	if rp.Open != nil {
		for i := range rp.Open.Reviewers {
			if rp.Open.Reviewers[i].UserID == u.ID {
				rp.MyVerdict = &rp.Open.Reviewers[i]
			}
		}
	}
	// What changed since the reviewer last answered, in any round.
	for _, rd := range rp.Rounds {
		for _, v := range rd.Reviewers {
			if v.UserID == u.ID && v.Revision > rp.ChangedSince && !v.AnsweredAt.IsZero() {
				rp.ChangedSince = v.Revision
			}
		}
	}
	if rp.ChangedSince >= rp.Latest {
		rp.ChangedSince = 0
	}
	return rp, nil
}

// Unanswered lists the reviewers of a round who have not answered.
func (rp *ReviewPanel) Unanswered() []string {
	if rp.Open == nil {
		return nil
	}
	var out []string
	for _, v := range rp.Open.Reviewers {
		if v.AnsweredAt.IsZero() {
			out = append(out, v.Name)
		}
	}
	return out
}

// inReview reports whether m, or the pending edit of a published m, is
// in review.
func (s *Server) inReview(r *http.Request, m *material.Material) (bool, error) {
	if m.Status == material.InReview {
		return true, nil
	}
	if m.Status != material.Published {
		return false, nil
	}
	p, err := s.store.PendingVersion(r.Context(), m.ID)
	return p != nil && p.Status == material.InReview, err
}

// mayReview reports whether the user may read and comment on m in the
// workspace: editors and admins always, a contributor for their own
// schools (checked by materialFromPath), a reviewer once it is in review
// or they are asked to review it.
func (s *Server) mayReview(r *http.Request, m *material.Material) (bool, error) {
	u := state(r).user
	if u.Role != storage.RoleReviewer {
		return true, nil
	}
	switch m.Status {
	case material.InReview, material.ChangesRequested, material.Approved, material.Scheduled, material.Published:
		return true, nil
	}
	return s.store.IsReviewerOf(r.Context(), u.ID, m.ID)
}

// reviewMaterial loads the material of the address for review actions,
// refusing users who may not see it.
func (s *Server) reviewMaterial(r *http.Request) (*material.Material, error) {
	m, err := s.materialFromPath(r)
	if err != nil {
		return nil, err
	}
	ok, err := s.mayReview(r, m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errForbidden
	}
	return m, nil
}

// backTo is where a review action returns: the reviewer's reading view or
// the writer's form.
func backTo(r *http.Request, m *material.Material, message string) string {
	u := state(r).user
	base := "/redaktion/materialer/" + strconv.FormatInt(m.ID, 10)
	if u.Role == storage.RoleReviewer || r.PostForm.Get("from") == "vis" {
		base += "/vis"
	}
	return base + "?besked=" + url.QueryEscape(message) + "#gennemsyn"
}

// wsStartRound opens a review round with a deadline and named reviewers.
func (s *Server) wsStartRound(w http.ResponseWriter, r *http.Request) error {
	m, err := s.materialFromPath(r)
	if err != nil {
		return err
	}
	if ok, err := s.inReview(r, m); err != nil {
		return err
	} else if !ok {
		return s.reviewProblem(w, r, m, "round", "error.round_state")
	}
	deadline, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.PostForm.Get("deadline")), localtime.Zone)
	if err != nil {
		return s.reviewProblem(w, r, m, "deadline", "error.date")
	}
	deadline = deadline.AddDate(0, 0, 1) // input by the end of that day
	if !deadline.After(time.Now()) {
		return s.reviewProblem(w, r, m, "deadline", "error.deadline_past")
	}
	if deadline.After(time.Now().AddDate(1, 0, 0)) {
		return s.reviewProblem(w, r, m, "deadline", "error.deadline_far")
	}
	candidates, err := s.store.UsersWithRole(r.Context(), storage.RoleReviewer, storage.RoleEditor, storage.RoleAdmin)
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range r.PostForm["reviewers"] {
		id := formID(v)
		if slices.ContainsFunc(candidates, func(u storage.User) bool { return u.ID == id }) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return s.reviewProblem(w, r, m, "reviewers", "error.reviewers_required")
	}
	latest, err := s.store.LatestRevision(r.Context(), m.ID, false)
	if err != nil {
		return err
	}
	round := &storage.Round{MaterialID: m.ID, Deadline: deadline.UTC(), Revision: latest, CreatedBy: state(r).user.ID}
	if err := s.store.StartRound(r.Context(), round, ids); err != nil {
		return err
	}
	s.audit(r, "material:round", auditMaterial(m))
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	s.tell(r, m, notify.Event{Kind: notify.KindSubmitted, Recipients: ids,
		Message: strings.TrimSpace(r.PostForm.Get("message")), Note: b.T("review.input_by", b.Date(round.LastDay()))})
	http.Redirect(w, r, backTo(r, m, "runde"), http.StatusSeeOther)
	return nil
}

// reviewProblem shows the material's page again with a problem in the
// review panel; what was typed stays.
func (s *Server) reviewProblem(w http.ResponseWriter, r *http.Request, m *material.Material, field, key string) error {
	problems := material.Problems{}
	problems.Add(field, key)
	if state(r).user.Role == storage.RoleReviewer || r.PostForm.Get("from") == "vis" {
		return s.renderDraftView(w, r, http.StatusUnprocessableEntity, m, problems)
	}
	m, pending, err := s.formMaterial(r, m)
	if err != nil {
		return err
	}
	return s.renderMaterialFormWith(w, r, http.StatusUnprocessableEntity, m, nil, nil, pending,
		func(p *WSMaterialPage) {
			p.Flash = p.T("error.form")
			p.Review.Problems = problems
			p.Review.Deadline = r.PostForm.Get("deadline")
			p.Review.Typed = typedReview(r)
		})
}

func typedReview(r *http.Request) ReviewTyped {
	f := r.PostForm
	t := ReviewTyped{RoundMessage: f.Get("message"), Comment: f.Get("body"), Paragraph: formID(f.Get("paragraph")),
		Parent: formID(f.Get("parent")), Verdict: f.Get("verdict"), VerdictMessage: f.Get("message")}
	for _, v := range f["reviewers"] {
		t.Reviewers = append(t.Reviewers, formID(v))
	}
	return t
}

// maxCommentRunes bounds a comment.
const maxCommentRunes = 5000

// wsAddComment adds a comment or a reply.
func (s *Server) wsAddComment(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reviewMaterial(r)
	if err != nil {
		return err
	}
	body := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("body"), "\r\n", "\n"))
	switch {
	case body == "":
		return s.reviewProblem(w, r, m, "comment", "error.comment_required")
	case utf8.RuneCountInString(body) > maxCommentRunes:
		return s.reviewProblem(w, r, m, "comment", "error.comment_too_long")
	}
	paragraph := formID(r.PostForm.Get("paragraph"))
	if paragraph > int64(len(bodyParagraphs(m.Body))) {
		return s.reviewProblem(w, r, m, "comment", "error.paragraph")
	}
	c := &storage.Comment{MaterialID: m.ID, UserID: state(r).user.ID, Body: body,
		ParentID: formID(r.PostForm.Get("parent")), Paragraph: int(paragraph)}
	rounds, err := s.store.Rounds(r.Context(), m.ID)
	if err != nil {
		return err
	}
	if len(rounds) > 0 && rounds[0].Open() {
		c.RoundID = rounds[0].ID
	}
	if err := s.store.AddComment(r.Context(), c); errors.Is(err, storage.ErrNotFound) {
		return errBadInput
	} else if err != nil {
		return err
	}
	s.audit(r, "material:comment", auditMaterial(m))
	to := s.authors(r, m)
	if editors, err := s.store.UsersWithRole(r.Context(), storage.RoleEditor); err != nil {
		s.log.Error("notify: editors", "err", err)
	} else {
		to = append(to, userIDs(editors)...)
	}
	s.tell(r, m, notify.Event{Kind: notify.KindComment, Recipients: to, Message: body})
	http.Redirect(w, r, backTo(r, m, "kommentar"), http.StatusSeeOther)
	return nil
}

// wsResolveComment marks a thread resolved or open again. Editors and the
// material's contributors may; reviewers comment but do not close.
func (s *Server) wsResolveComment(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reviewMaterial(r)
	if err != nil {
		return err
	}
	if state(r).user.Role == storage.RoleReviewer {
		return errForbidden
	}
	id := formID(r.PathValue("cid"))
	err = s.store.ResolveComment(r.Context(), m.ID, id, state(r).user.ID, r.PostForm.Get("resolved") != "0")
	if errors.Is(err, storage.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, backTo(r, m, "loest"), http.StatusSeeOther)
	return nil
}

// wsVerdict records a reviewer's verdict in the open round.
func (s *Server) wsVerdict(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reviewMaterial(r)
	if err != nil {
		return err
	}
	verdict := r.PostForm.Get("verdict")
	if verdict != storage.VerdictApprove && verdict != storage.VerdictChanges {
		return s.reviewProblem(w, r, m, "verdict", "error.verdict_required")
	}
	message := strings.TrimSpace(r.PostForm.Get("message"))
	if utf8.RuneCountInString(message) > maxCommentRunes {
		return s.reviewProblem(w, r, m, "verdict", "error.comment_too_long")
	}
	rounds, err := s.store.Rounds(r.Context(), m.ID)
	if err != nil {
		return err
	}
	if len(rounds) == 0 || !rounds[0].Open() {
		return s.reviewProblem(w, r, m, "verdict", "error.round_closed")
	}
	latest, err := s.store.LatestRevision(r.Context(), m.ID, false)
	if err != nil {
		return err
	}
	err = s.store.SetVerdict(r.Context(), rounds[0].ID, state(r).user.ID, verdict, message, latest)
	if errors.Is(err, storage.ErrNotFound) {
		return errForbidden // not a reviewer of this round
	}
	if err != nil {
		return err
	}
	s.audit(r, "material:verdict", auditMaterial(m))
	editors, err := s.store.UsersWithRole(r.Context(), storage.RoleEditor)
	if err != nil {
		return err
	}
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	note := b.T(map[string]string{storage.VerdictApprove: "review.verdict.approve",
		storage.VerdictChanges: "review.verdict.changes"}[verdict])
	if message != "" {
		note += ": " + message
	}
	s.tell(r, m, notify.Event{Kind: notify.KindComment, Recipients: userIDs(editors), Message: note})
	http.Redirect(w, r, backTo(r, m, "vurdering"), http.StatusSeeOther)
	return nil
}

func userIDs(us []storage.User) []int64 {
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	return ids
}

// authors are the people a material belongs to: who created it and the
// contributors of its school.
func (s *Server) authors(r *http.Request, m *material.Material) []int64 {
	var ids []int64
	if m.CreatedBy != 0 {
		ids = append(ids, m.CreatedBy)
	}
	if m.SchoolID != 0 {
		more, err := s.store.SchoolContributors(r.Context(), m.SchoolID)
		if err != nil {
			s.log.Error("notify: school contributors", "material_id", m.ID, "err", err)
		}
		ids = append(ids, more...)
	}
	return ids
}

// tellAbout notifies the people concerned by a save.
func (s *Server) tellAbout(r *http.Request, m *material.Material, action string, pending bool, message string) {
	var kind notify.Kind
	var to []int64
	switch action {
	case "submit":
		editors, err := s.store.UsersWithRole(r.Context(), storage.RoleEditor)
		if err != nil {
			s.log.Error("notify: editors", "err", err)
		}
		kind, to = notify.KindSubmitted, userIDs(editors)
	case "request_changes":
		kind, to = notify.KindChangesRequested, s.authors(r, m)
	case "approve":
		kind, to = notify.KindApproved, s.authors(r, m)
	case "schedule":
		kind, to = notify.KindScheduled, s.authors(r, m)
	case "publish":
		kind, to = notify.KindPublished, s.authors(r, m)
	default:
		return
	}
	if pending && action != "submit" && action != "approve" {
		return
	}
	s.tell(r, m, notify.Event{Kind: kind, Recipients: to, Message: message})
}

// tell hands a notice about m, by the user of the request, to the
// notifier: the inbox of each recipient (the actor left out) and an e-mail
// as they chose. The action has happened whatever happens here, so a
// failure is logged, not shown.
func (s *Server) tell(r *http.Request, m *material.Material, ev notify.Event) {
	ev.MaterialID, ev.MaterialTitle, ev.ActorID = m.ID, m.Title, state(r).user.ID
	if err := s.notifier.Notify(r.Context(), ev); err != nil {
		s.log.Error("notify", "kind", ev.Kind, "material_id", m.ID, "err", err)
	}
}

// workflowFields fills in the form's workflow part: the version it was
// filled in from, the moves the user may make, the consent questions and
// the review panel.
func (s *Server) workflowFields(r *http.Request, p *WSMaterialPage, m *material.Material,
	pending *storage.Pending) error {
	u := state(r).user
	actor := actorOf(u)
	p.VersionToken = versionToken(m, pending)
	p.Editable = m.ID == 0 || material.Editable(m.Status, actor)
	if pending != nil {
		p.Pending, p.PendingState = true, pending.Status
	}
	if m.Status == material.Published && actor == material.ByEditor && pending == nil {
		p.Pending, p.PendingState = true, material.Draft // the next save starts one
	}
	if !p.Pending {
		for _, to := range material.MovesFrom(m, actor, s.reviewOff(r)) {
			if to == material.Scheduled || m.Status == material.Scheduled && to == material.Approved {
				continue // the planning fieldset has its own buttons to plan and cancel
			}
			a := actionFor(m.Status, to)
			p.Moves = append(p.Moves, MoveButton{Action: a, Label: p.T("move." + a)})
		}
	}
	for _, id := range m.Files() {
		row := LicenceRow{MediaID: id, Licence: m.Consent.Licences[id]}
		if f := p.Files[id]; f != nil {
			row.Name = f.Name
		}
		p.Licences = append(p.Licences, row)
	}
	if m.ID == 0 {
		return nil
	}
	rp, err := s.reviewPanel(r, m, m.Body)
	if err != nil {
		return err
	}
	p.Review = rp
	return nil
}

// wsPlanUnpublish plans when a material leaves the site again, or
// cancels the plan.
func (s *Server) wsPlanUnpublish(w http.ResponseWriter, r *http.Request) error {
	live, err := s.materialFromPath(r)
	if err != nil {
		return err
	}
	u := state(r).user
	if r.PostForm.Get("action") == "cancel" {
		if live.UnpublishAt.IsZero() {
			http.Redirect(w, r, materialEditURL(live.ID, ""), http.StatusSeeOther)
			return nil
		}
		if err := s.store.PlanUnpublish(r.Context(), live, time.Time{}, storage.Save{UserID: u.ID}); err != nil {
			return err
		}
		s.audit(r, "material:cancel_unpublish", auditMaterial(live))
		http.Redirect(w, r, materialEditURL(live.ID, "afpublicering-annulleret"), http.StatusSeeOther)
		return nil
	}
	problems := material.Problems{}
	plan := readTimeFields(r.PostForm, "unpublish", problems)
	switch {
	case live.Status != material.Approved && live.Status != material.Scheduled && live.Status != material.Published:
		problems.Add("unpublish_at", "error.unpublish_state")
	case live.Status == material.Scheduled && !plan.at.IsZero() && !plan.at.After(live.ScheduledAt):
		problems.Add("unpublish_at", "error.unpublish_before_publish")
	}
	if len(problems) > 0 {
		m, pending, err := s.formMaterial(r, live)
		if err != nil {
			return err
		}
		return s.renderMaterialFormWith(w, r, http.StatusUnprocessableEntity, m, problems, nil, pending,
			func(p *WSMaterialPage) {
				p.Flash = p.T("error.form")
				if !p.CanPlanUnpublish { // the form is not there to show the problem by its field
					p.Flash = p.T("error.unpublish_state")
				}
				p.UnpublishDate, p.UnpublishTime, p.UnpublishAmbiguous = plan.date, plan.clock, plan.ambiguous
				p.GapSuggest = plan.gap
			})
	}
	if err := s.store.PlanUnpublish(r.Context(), live, plan.at, storage.Save{UserID: u.ID}); err != nil {
		return err
	}
	s.audit(r, "material:plan_unpublish", auditMaterial(live))
	http.Redirect(w, r, materialEditURL(live.ID, "afpublicering"), http.StatusSeeOther)
	return nil
}
