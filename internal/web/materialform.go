package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// newAttachmentSlots is how many empty file rows a guide's form offers.
const newAttachmentSlots = 2

// maxFieldBytes bounds one text field of the material form.
const maxFieldBytes = 1 << 20

// fileFields are the material form's upload fields and what they accept.
var fileFields = map[string]media.Class{
	"cover":    media.Image,
	"video":    media.Video,
	"captions": media.Captions,
	"poster":   media.Image,
}

// WSMaterialPage is the form that creates or edits a material.
type WSMaterialPage struct {
	Base
	M           *material.Material
	IsNew       bool
	Action      string
	Problems    material.Problems
	Themes      []storage.Theme
	Schools     []storage.School
	Files       map[int64]*storage.Media
	Attachments []AttachmentRow
	Preview     Preview
	PublicURL   string

	// OwnSchoolsOnly is set for contributors, who must pick one of theirs.
	OwnSchoolsOnly bool

	// The publication time fields, as typed or as planned.
	PublishDate string
	PublishTime string
	Ambiguous   *localtime.AmbiguousError // the time happens twice: the editor chooses
	GapSuggest  string                    // the first time after the spring jump

	// The planned unpublication fields, as typed or as planned.
	UnpublishDate      string
	UnpublishTime      string
	UnpublishAmbiguous *localtime.AmbiguousError
	CanPlanUnpublish   bool

	// Workflow.
	VersionToken string          // the version the form was filled in from
	Moves        []MoveButton    // the status changes the user may make
	Pending      bool            // the form edits a published material's pending version
	PendingState material.Status // Draft or InReview while Pending
	Conflict     []ConflictField // set when someone else saved meanwhile
	Review       *ReviewPanel
	Licences     []LicenceRow
	RestoredFrom int64 // the revision loaded into the form, 0 for none
	Editable     bool  // the user may change the content in its status

	limits media.Limits
}

// LicenceRow asks for the licence of one file.
type LicenceRow struct {
	MediaID int64
	Name    string
	Licence string
}

// AttachmentRow is one file row of a guide's form.
type AttachmentRow struct {
	Index   int
	Title   string
	MediaID int64
	Media   *storage.Media
}

// Has reports whether the form has a problem in field.
func (p WSMaterialPage) Has(field string) bool { return p.Problems.Has(field) }

// ProblemText returns the translated problems of field.
func (p WSMaterialPage) ProblemText(field string) []string {
	return problemTexts(p.Base, p.Problems, field, p.limits)
}

// problemTexts translates a field's problems; upload problems name the
// field's accepted types and size limit.
func problemTexts(b Base, problems material.Problems, field string, limits media.Limits) []string {
	var out []string
	for _, key := range problems[field] {
		class, _ := fileClass(field)
		if field == "attachments" {
			class = media.Document
		} else if field == "logo" {
			class = media.Image
		}
		switch key {
		case "error.schedule_gap":
			out = append(out, b.T(key, gapSuggestion))
		case "error.upload_type":
			out = append(out, b.T(key, acceptedTypes[class]))
		case "error.upload_size":
			out = append(out, b.T(key, media.HumanSize(limits.MaxBytes[class])))
		default:
			out = append(out, b.T(key))
		}
	}
	return out
}

// gapSuggestion is the first valid time after Copenhagen's spring jump.
const gapSuggestion = "03:00"

// acceptedTypes names what each upload field takes, for messages.
var acceptedTypes = map[media.Class]string{
	media.Image:    "JPEG, PNG, GIF, WebP",
	media.Video:    "MP4, WebM",
	media.Captions: "WebVTT (.vtt)",
	media.Document: "PDF, DOCX, ODT",
}

func (s *Server) wsNewMaterial(w http.ResponseWriter, r *http.Request) error {
	kind := material.Kind(r.URL.Query().Get("type"))
	if !kind.Valid() {
		kind = material.Article
	}
	m := &material.Material{Kind: kind, Language: "da", Status: material.Draft}
	return s.renderMaterialForm(w, r, http.StatusOK, m, nil)
}

// formMaterial is what the form of live shows: for an editor, the pending
// version of a published material when it has one.
func (s *Server) formMaterial(r *http.Request, live *material.Material) (*material.Material, *storage.Pending, error) {
	if live.Status != material.Published || actorOf(state(r).user) != material.ByEditor {
		return live, nil, nil
	}
	pending, err := s.store.PendingVersion(r.Context(), live.ID)
	if err != nil || pending == nil {
		return live, nil, err
	}
	m := pending.M
	m.Status, m.Version, m.Slug, m.UnpublishAt = live.Status, live.Version, live.Slug, live.UnpublishAt
	return m, pending, nil
}

// wsEditMaterial shows the form of a material: its pending version when
// a published material has one, or an earlier revision when ?version=N
// asks to restore it (restored only when saved).
func (s *Server) wsEditMaterial(w http.ResponseWriter, r *http.Request) error {
	m, err := s.materialFromPath(r)
	if err != nil {
		return err
	}
	m, pending, err := s.formMaterial(r, m)
	if err != nil {
		return err
	}
	n := formID(r.URL.Query().Get("version"))
	if n == 0 {
		return s.renderMaterialFormWith(w, r, http.StatusOK, m, nil, nil, pending, nil)
	}
	old, err := s.store.Revision(r.Context(), m.ID, n)
	if errors.Is(err, storage.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	old.ID, old.Status, old.Version, old.Slug, old.CreatedBy = m.ID, m.Status, m.Version, m.Slug, m.CreatedBy
	old.PublishedAt, old.ScheduledAt, old.CreatedAt = m.PublishedAt, m.ScheduledAt, m.CreatedAt
	// files withdrawn since stay gone
	if err := s.checkMediaRefs(r, old, append(old.Files(), old.CaptionsID)); err != nil {
		return err
	}
	return s.renderMaterialFormWith(w, r, http.StatusOK, old, nil, nil, pending, func(p *WSMaterialPage) {
		p.RestoredFrom = n
		p.Flash = p.T("ws.restored", n)
	})
}

// materialFromPath loads the material whose id the address names, if the
// user may see it.
func (s *Server) materialFromPath(r *http.Request) (*material.Material, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, errNotFound
	}
	m, err := s.store.GetMaterial(r.Context(), id)
	if err != nil {
		return nil, err
	}
	schools, all, err := s.userSchools(r)
	if err != nil {
		return nil, err
	}
	if !all && !slices.Contains(schools, m.SchoolID) {
		return nil, errForbidden
	}
	return m, nil
}

// userSchools returns the schools whose materials the user works with:
// a contributor's own, or all (all is true) for everyone else.
func (s *Server) userSchools(r *http.Request) (schools []int64, all bool, err error) {
	u := state(r).user
	if u == nil || u.Role != storage.RoleContributor {
		return nil, true, nil
	}
	ids, err := s.store.UserSchoolIDs(r.Context(), u.ID)
	return ids, false, err
}

// contributorMay checks what a contributor asks for: only drafts and
// drafts sent back to them, only for their own schools, and no move but
// sending it for review.
func (s *Server) contributorMay(r *http.Request, m *material.Material, before material.Status, action string,
	problems material.Problems) error {
	schools, all, err := s.userSchools(r)
	if err != nil || all {
		return err
	}
	if !material.Editable(before, material.ByContributor) ||
		(action != "save" && action != "preview" && action != "submit") {
		return errForbidden
	}
	if !slices.Contains(schools, m.SchoolID) {
		problems.Add("school", "error.school_own")
	}
	return nil
}

func (s *Server) renderMaterialForm(w http.ResponseWriter, r *http.Request, status int, m *material.Material,
	problems material.Problems) error {
	return s.renderMaterialFormPlan(w, r, status, m, problems, nil)
}

// schedulePlan is what the editor typed in the publication time fields.
type schedulePlan struct {
	date, clock string
	at          time.Time
	ambiguous   *localtime.AmbiguousError
	gap         string
}

func (s *Server) renderMaterialFormPlan(w http.ResponseWriter, r *http.Request, status int, m *material.Material,
	problems material.Problems, plan *schedulePlan) error {
	return s.renderMaterialFormWith(w, r, status, m, problems, plan, nil, nil)
}

func (s *Server) renderMaterialFormFull(w http.ResponseWriter, r *http.Request, status int, m *material.Material,
	problems material.Problems, plan *schedulePlan, pending *storage.Pending) error {
	return s.renderMaterialFormWith(w, r, status, m, problems, plan, pending, nil)
}

// renderMaterialFormWith renders the material form; extra, when given,
// adjusts the page last.
func (s *Server) renderMaterialFormWith(w http.ResponseWriter, r *http.Request, status int, m *material.Material,
	problems material.Problems, plan *schedulePlan, pending *storage.Pending, extra func(*WSMaterialPage)) error {
	titleKey := "ws.new"
	if m.ID != 0 {
		titleKey = "ws.materials"
	}
	b, err := s.wsBase(r, titleKey)
	if err != nil {
		return err
	}
	b.Section = "materials"
	if m.ID != 0 {
		b.Title = b.T("ws.edit", m.Title) + " – " + b.T("ws.title")
	} else {
		b.Section = "new"
	}
	if len(problems) > 0 {
		b.Flash = b.T("error.form")
	}
	p := WSMaterialPage{Base: b, M: m, IsNew: m.ID == 0, Problems: problems,
		Preview: newPreview(b, m.Body, m.Audiences), Action: "/redaktion/materialer", limits: s.cfg.Uploads}
	if !m.ScheduledAt.IsZero() {
		p.PublishDate, p.PublishTime = localtime.DateAndClock(m.ScheduledAt)
	}
	if plan != nil {
		p.PublishDate, p.PublishTime, p.Ambiguous, p.GapSuggest = plan.date, plan.clock, plan.ambiguous, plan.gap
	}
	if !m.UnpublishAt.IsZero() {
		p.UnpublishDate, p.UnpublishTime = localtime.DateAndClock(m.UnpublishAt)
	}
	p.CanPlanUnpublish = m.ID != 0 && actorOf(state(r).user) == material.ByEditor &&
		(m.Status == material.Approved || m.Status == material.Scheduled || m.Status == material.Published)
	if m.ID != 0 {
		p.Action = materialEditURL(m.ID, "")
		if m.Status == material.Published {
			p.PublicURL = "/materialer/" + m.Slug
		}
	}
	if p.Themes, err = s.store.Themes(r.Context()); err != nil {
		return err
	}
	if p.Schools, err = s.store.Schools(r.Context()); err != nil {
		return err
	}
	if own, all, err := s.userSchools(r); err != nil {
		return err
	} else if !all {
		p.Schools = slices.DeleteFunc(p.Schools, func(sc storage.School) bool { return !slices.Contains(own, sc.ID) })
		p.OwnSchoolsOnly = true
	}
	ids := []int64{m.CoverID, m.VideoID, m.CaptionsID, m.PosterID}
	for _, a := range m.Attachments {
		ids = append(ids, a.MediaID)
	}
	if p.Files, err = s.store.MediaByIDs(r.Context(), ids); err != nil {
		return err
	}
	for i, a := range m.Attachments {
		p.Attachments = append(p.Attachments, AttachmentRow{Index: i, Title: a.Title, MediaID: a.MediaID,
			Media: p.Files[a.MediaID]})
	}
	for i := 0; i < newAttachmentSlots; i++ {
		p.Attachments = append(p.Attachments, AttachmentRow{Index: len(m.Attachments) + i})
	}
	if err := s.workflowFields(r, &p, m, pending); err != nil {
		return err
	}
	if extra != nil {
		extra(&p)
	}
	return s.render(w, status, "ws/material", p)
}

func (s *Server) wsCreateMaterial(w http.ResponseWriter, r *http.Request) error {
	return s.saveMaterial(w, r, &material.Material{Status: material.Draft})
}

func (s *Server) wsSaveMaterial(w http.ResponseWriter, r *http.Request) error {
	m, err := s.materialFromPath(r)
	if err != nil {
		return err
	}
	return s.saveMaterial(w, r, m)
}

// saveMaterial reads the form onto m and saves it, moving it to another
// status when the button asks for one. A form with problems, a refused
// move or a conflict with someone else's save is shown again with
// everything the user typed and uploaded kept.
func (s *Server) saveMaterial(w http.ResponseWriter, r *http.Request, m *material.Material) error {
	form, uploadProblems, err := s.readMultipart(w, r, fileClass)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u := state(r).user
	action := form.Get("action")
	if action == "" {
		action = "save" // Enter in a text field sends no button
	}
	before := m.Status
	stored := m.Clone()
	actor := actorOf(u)

	// A published material's edits wait as a pending version.
	var pending *storage.Pending
	pendingMode := m.ID != 0 && before == material.Published && pendingActions[action]
	if pendingMode {
		if pending, err = s.store.PendingVersion(ctx, m.ID); err != nil {
			return err
		}
		if pending != nil {
			stored = pending.M
		}
	}
	if action == "discard" {
		return s.discardPending(w, r, m, pending)
	}

	had := append(stored.Files(), stored.CaptionsID) // files the material already uses may stay
	applyForm(m, form)
	if actor != material.ByEditor {
		m.Featured = stored.Featured // the front page is the editors' to choose
	}
	readConsent(m, form, u.ID)
	if err := s.checkMediaRefs(r, m, had); err != nil {
		return err
	}
	ownProblems := material.Problems{}
	if err := s.contributorMay(r, m, before, action, ownProblems); err != nil {
		return err
	}
	if err := s.checkChoices(ctx, m, ownProblems); err != nil {
		return err
	}
	conflict := m.ID != 0 && form.Get("version") != versionToken(stored, pending)

	target, moving := moveActions[action]
	if action == "unschedule" {
		target = material.Approved
	}
	var problems material.Problems
	switch {
	case pendingMode && action == "approve", target == material.Approved, target == material.Scheduled,
		target == material.Published:
		problems = material.CheckPublishable(m)
	default:
		problems = material.Validate(m)
	}
	if target == material.InReview || (pendingMode && action == "submit") {
		if problems == nil {
			problems = material.Problems{}
		}
		material.ConsentProblems(m, problems)
	}
	if moving && !pendingMode {
		check := *m
		check.Status = before
		var me *material.MoveError
		if err := material.CheckMove(&check, target, actor, s.reviewOff(r)); errors.As(err, &me) {
			ownProblems.Add("action", me.Key)
		}
	}
	problems = merge(merge(problems, uploadProblems), ownProblems)
	var plan *schedulePlan
	if action == "schedule" {
		plan = readPlan(form, problems)
		if !m.UnpublishAt.IsZero() && !plan.at.IsZero() && !plan.at.Before(m.UnpublishAt) {
			problems.Add("publish_at", "error.publish_after_unpublish")
		}
	}
	if len(problems) == 0 {
		problems = nil
	}
	if conflict {
		return s.renderConflict(w, r, m, stored, pending, problems, plan)
	}
	if action == "preview" || len(problems) > 0 {
		status := http.StatusOK
		if len(problems) > 0 {
			status = http.StatusUnprocessableEntity
		}
		m.Status = before
		return s.renderMaterialFormFull(w, r, status, m, problems, plan, pending)
	}

	message := strings.TrimSpace(form.Get("move_message"))
	sv := storage.Save{UserID: u.ID, From: before, Message: message}
	if m.ID == 0 {
		m.CreatedBy = u.ID
	}
	var since time.Time // the pending version the form was filled in from
	if pending != nil {
		since = pending.UpdatedAt
	}
	switch {
	case pendingMode && action == "approve":
		err = s.store.ApplyPending(ctx, m, sv, since)
	case pendingMode && action == "submit":
		err = s.store.SavePending(ctx, m, material.InReview, u.ID, since)
	case pendingMode:
		err = s.store.SavePending(ctx, m, material.Draft, u.ID, since)
	case action == "schedule":
		err = s.store.ScheduleMaterial(ctx, m, plan.at, sv)
	case action == "unschedule":
		err = s.store.CancelSchedule(ctx, m, sv)
	default:
		if moving {
			m.Status = target
			if target != material.Scheduled {
				m.ScheduledAt = time.Time{}
			}
		}
		err = s.store.SaveMaterial(ctx, m, sv)
	}
	if errors.Is(err, storage.ErrStale) {
		fresh, ferr := s.store.GetMaterial(ctx, m.ID)
		if ferr != nil {
			return ferr
		}
		var freshPending *storage.Pending
		if pendingMode {
			if freshPending, ferr = s.store.PendingVersion(ctx, m.ID); ferr != nil {
				return ferr
			}
			if freshPending != nil {
				live := fresh
				fresh = freshPending.M
				fresh.Status, fresh.Version = live.Status, live.Version
			}
		}
		m.Status = before
		return s.renderConflict(w, r, m, fresh, freshPending, problems, plan)
	}
	if storage.IsUnwritable(err) {
		s.logUnwritable(r, "save material", err)
		problems = merge(problems, material.Problems{"storage": {"error.storage_unwritable"}})
		m.Status = before
		return s.renderMaterialFormFull(w, r, http.StatusServiceUnavailable, m, problems, plan, pending)
	}
	if err != nil {
		return err
	}
	if target == material.ChangesRequested || target == material.Approved {
		if err := s.store.CloseRounds(ctx, m.ID); err != nil {
			return err
		}
	}
	s.log.Info("material saved", "material_id", m.ID, "status", m.Status, "action", action, "user_id", u.ID)
	s.audit(r, auditActionFor(action, pendingMode), auditMaterial(m))
	s.tellAbout(r, m, action, pendingMode, message)
	http.Redirect(w, r, materialEditURL(m.ID, savedMessage(action, pendingMode)), http.StatusSeeOther)
	return nil
}

// readPlan reads the publication time fields in Copenhagen time. Problems
// go to the "publish_at" field; the plan keeps what was typed.
func readPlan(f url.Values, problems material.Problems) *schedulePlan {
	return readTimeFields(f, "publish", problems)
}

// maxPlanYears is how far ahead publication can be planned.
const maxPlanYears = 5

// readTimeFields reads the date, time and (for the autumn hour that
// happens twice) choice fields named prefix_date, prefix_time and
// prefix_choice, in Copenhagen time. Problems go to prefix_at.
func readTimeFields(f url.Values, prefix string, problems material.Problems) *schedulePlan {
	p := &schedulePlan{date: strings.TrimSpace(f.Get(prefix + "_date")),
		clock: strings.TrimSpace(f.Get(prefix + "_time"))}
	choice := map[string]localtime.Choice{"earlier": localtime.Earlier,
		"later": localtime.Later}[f.Get(prefix+"_choice")]
	at, err := localtime.Parse(p.date, p.clock, choice)
	var gap *localtime.GapError
	field := prefix + "_at"
	switch {
	case errors.As(err, &gap):
		p.gap = gap.Suggest.In(localtime.Zone).Format("15:04")
		problems.Add(field, "error.schedule_gap")
	case errors.As(err, &p.ambiguous):
		problems.Add(field, "error.schedule_ambiguous")
	case err != nil:
		problems.Add(field, "error.schedule_format")
	case !at.After(time.Now()):
		problems.Add(field, "error.schedule_past")
	case at.After(time.Now().AddDate(maxPlanYears, 0, 0)):
		problems.Add(field, "error.schedule_far")
	}
	p.at = at
	return p
}

func merge(a, b material.Problems) material.Problems {
	if a == nil {
		a = material.Problems{}
	}
	for k, v := range b {
		a[k] = append(a[k], v...)
	}
	return a
}

// readMultipart streams a multipart form: the CSRF token must come first;
// files go straight into the media store as they arrive, so a large film
// never sits in memory. classOf says which fields are files and what they
// accept. An upload that is refused becomes a problem on its field, and
// the rest of the form is still read.
func (s *Server) readMultipart(w http.ResponseWriter, r *http.Request,
	classOf func(field string) (media.Class, bool)) (url.Values, material.Problems, error) {
	form := url.Values{}
	problems := material.Problems{}
	err := s.readParts(w, r, s.maxRequestBytes(), form, func(name string, part *multipart.Part) (bool, error) {
		class, ok := classOf(name)
		if !ok {
			return false, nil
		}
		return true, s.readUpload(r, part, name, class, form, problems)
	})
	if err != nil {
		return nil, nil, err
	}
	return form, problems, nil
}

// readParts streams a multipart form of at most limit bytes into form:
// the CSRF token must come first, file takes the parts it wants and says
// so, and the other parts are fields. A body over the limit is an error
// that matches both errBadInput and *http.MaxBytesError.
func (s *Server) readParts(w http.ResponseWriter, r *http.Request, limit int64, form url.Values,
	file func(name string, part *multipart.Part) (bool, error)) error {
	if !isMultipart(r) {
		return errBadInput
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return errBadInput
	}
	for first := true; ; first = false {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: %w", errBadInput, err)
		}
		name := part.FormName()
		if first && (name != "csrf" || !s.checkPartCSRF(r, part)) {
			return errCSRF
		}
		if took, err := file(name, part); err != nil {
			return err
		} else if took {
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return fmt.Errorf("%w: %w", errBadInput, err)
		}
		if len(v) > maxFieldBytes {
			return errTooLarge
		}
		form.Add(name, string(v))
	}
	cleanValues(form)
	return nil
}

func (s *Server) checkPartCSRF(r *http.Request, part *multipart.Part) bool {
	v, err := io.ReadAll(io.LimitReader(part, 256))
	return err == nil && auth.CheckCSRF(s.secret, state(r).sessionID, string(v))
}

// fileClass tells whether a form field is an upload, and of what.
func fileClass(name string) (media.Class, bool) {
	if c, ok := fileFields[name]; ok {
		return c, true
	}
	if strings.HasPrefix(name, "attachment_file_") {
		return media.Document, true
	}
	return "", false
}

// readUpload stores one uploaded file and records its media id in the form
// under the field's _id name, as if it had been there all along.
func (s *Server) readUpload(r *http.Request, part *multipart.Part, name string, class media.Class,
	form url.Values, problems material.Problems) error {
	if part.FileName() == "" {
		// No file chosen; browsers still send the empty part.
		_, err := io.Copy(io.Discard, io.LimitReader(part, 1<<10))
		return err
	}
	info, err := s.media.Ingest(r.Context(), part, class)
	field := strings.TrimSuffix(name, "_file") // attachment_file_N -> attachment_N
	if strings.HasPrefix(name, "attachment_file_") {
		field = "attachment_" + strings.TrimPrefix(name, "attachment_file_")
	}
	if err != nil {
		key := uploadProblem(err)
		if storage.IsUnwritable(err) {
			s.logUnwritable(r, "store upload", err)
			key = "error.upload_unwritable"
		}
		if key == "" {
			return fmt.Errorf("store upload: %w", err)
		}
		if errors.Is(err, media.ErrUnavailable) {
			s.log.Error("upload not stored: media store unavailable", "request_id", state(r).requestID,
				"err", err)
		}
		problems.Add(problemField(name), key)
		return nil
	}
	rec := &storage.Media{Key: info.Key, Class: string(info.Class), ContentType: info.ContentType,
		Size: info.Size, Width: info.Width, Height: info.Height, Name: displayName(part.FileName(), info.Ext),
		UploadedBy: state(r).user.ID}
	if err := s.store.CreateMedia(r.Context(), rec); err != nil {
		if !storage.IsUnwritable(err) {
			return err
		}
		s.logUnwritable(r, "record upload", err)
		_ = s.blobs.Delete(r.Context(), info.Key) // best effort: an unrecorded file is never served
		problems.Add(problemField(name), "error.upload_unwritable")
		return nil
	}
	form.Set(field+"_id", strconv.FormatInt(rec.ID, 10))
	return nil
}

func problemField(name string) string {
	if strings.HasPrefix(name, "attachment_file_") {
		return "attachments"
	}
	return name
}

// uploadProblem turns a refused upload into a message key, or "" when the
// error was neither the upload's fault nor a passing one of the store.
func uploadProblem(err error) string {
	switch {
	case errors.Is(err, media.ErrSVG):
		return "error.upload_svg"
	case errors.Is(err, media.ErrType):
		return "error.upload_type"
	case errors.Is(err, media.ErrTooLarge):
		return "error.upload_size"
	case errors.Is(err, media.ErrPixels):
		return "error.upload_pixels"
	case errors.Is(err, media.ErrUnavailable):
		return "error.upload_unavailable"
	}
	return ""
}

// displayName keeps a readable name for downloads, never used as a path.
func displayName(name, ext string) string {
	name = strings.Map(func(r rune) rune {
		if r < 32 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if r := []rune(cleanText(name)); len(r) > 80 {
		name = string(r[:80])
	}
	if strings.TrimSpace(name) == "" {
		name = "fil"
	}
	return name + ext
}

func (s *Server) maxRequestBytes() int64 {
	var total int64 = 4 << 20
	for _, n := range s.cfg.Uploads.MaxBytes {
		total += n
	}
	return total + int64(newAttachmentSlots)*s.cfg.Uploads.MaxBytes[media.Document]
}

// applyForm copies the form's fields onto m.
func applyForm(m *material.Material, f url.Values) {
	if k := material.Kind(f.Get("kind")); m.ID == 0 || k.Valid() {
		m.Kind = k
	}
	m.Title = f.Get("title")
	m.Summary = strings.ReplaceAll(f.Get("summary"), "\r\n", "\n")
	m.Body = strings.ReplaceAll(f.Get("body"), "\r\n", "\n")
	m.Language = f.Get("language")
	m.Featured = f.Get("featured") == "on"
	m.SchoolID = formID(f.Get("school"))

	m.Audiences = nil
	for _, v := range f["audiences"] {
		m.Audiences = append(m.Audiences, material.Audience(v))
	}
	m.GradeBands = nil
	for _, v := range f["grades"] {
		m.GradeBands = append(m.GradeBands, material.GradeBand(v))
	}
	m.ThemeIDs = nil
	for _, v := range f["themes"] {
		if id := formID(v); id != 0 {
			m.ThemeIDs = append(m.ThemeIDs, id)
		}
	}

	m.CoverID, m.CoverAlt = keptID(f, "cover"), f.Get("cover_alt")
	m.VideoID, m.CaptionsID, m.PosterID = keptID(f, "video"), keptID(f, "captions"), keptID(f, "poster")
	m.ExternalURL, m.Transcript = f.Get("external_url"), strings.ReplaceAll(f.Get("transcript"), "\r\n", "\n")
	m.LinkURL, m.LinkPublisher = f.Get("link_url"), f.Get("link_publisher")

	m.Attachments = nil
	for i := 0; i < 100; i++ {
		n := strconv.Itoa(i)
		id := keptID(f, "attachment_"+n)
		title := strings.TrimSpace(f.Get("attachment_title_" + n))
		if id != 0 {
			m.Attachments = append(m.Attachments, material.Attachment{MediaID: id, Title: title})
		}
	}
	m.Normalize()
}

// keptID is the media id of a file field unless the editor removed it.
func keptID(f url.Values, field string) int64 {
	if f.Get(field+"_remove") == "on" {
		return 0
	}
	return formID(f.Get(field + "_id"))
}

// checkChoices finds a school or theme the form names that does not exist:
// deleted while the form was open, or an id typed into it.
func (s *Server) checkChoices(ctx context.Context, m *material.Material, problems material.Problems) error {
	if m.SchoolID != 0 {
		schools, err := s.store.Schools(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(schools, func(sc storage.School) bool { return sc.ID == m.SchoolID }) {
			problems.Add("school", "error.school_gone")
		}
	}
	if len(m.ThemeIDs) == 0 {
		return nil
	}
	themes, err := s.store.Themes(ctx)
	if err != nil {
		return err
	}
	for _, id := range m.ThemeIDs {
		if !slices.ContainsFunc(themes, func(th storage.Theme) bool { return th.ID == id }) {
			problems.Add("themes", "error.theme_gone")
			break
		}
	}
	return nil
}

func formID(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// checkMediaRefs drops references to files that do not exist, are of the
// wrong class, or that the user may not use, so a tampered hidden field
// cannot attach something else. Editors use any file; a contributor uses
// their own uploads and the files the material already had.
func (s *Server) checkMediaRefs(r *http.Request, m *material.Material, had []int64) error {
	ids := []int64{m.CoverID, m.VideoID, m.CaptionsID, m.PosterID}
	for _, a := range m.Attachments {
		ids = append(ids, a.MediaID)
	}
	files, err := s.store.MediaByIDs(r.Context(), ids)
	if err != nil {
		return err
	}
	u := state(r).user
	mine := func(f *storage.Media) bool {
		return actorOf(u) == material.ByEditor || f.UploadedBy == u.ID || slices.Contains(had, f.ID)
	}
	ok := func(id int64, class media.Class) int64 {
		if f := files[id]; f != nil && f.Class == string(class) && mine(f) {
			return id
		}
		return 0
	}
	m.CoverID, m.PosterID = ok(m.CoverID, media.Image), ok(m.PosterID, media.Image)
	m.VideoID, m.CaptionsID = ok(m.VideoID, media.Video), ok(m.CaptionsID, media.Captions)
	kept := m.Attachments[:0]
	for _, a := range m.Attachments {
		if ok(a.MediaID, media.Document) != 0 {
			kept = append(kept, a)
		}
	}
	m.Attachments = kept
	return nil
}

// FieldProblems are the translated problems of one form field.
type FieldProblems struct {
	Field string
	Texts []string
}

func fieldProblems(p WSMaterialPage, field string) FieldProblems {
	return FieldProblems{Field: field, Texts: p.ProblemText(field)}
}

// FileField is an upload field with the file it holds now.
type FileField struct {
	Field       string
	Label       string
	Accept      string
	Media       *storage.Media
	CurrentText string
	RemoveText  string
	Problems    FieldProblems
}

func newFileField(p WSMaterialPage, field string, id int64, labelKey, accept string) FileField {
	f := FileField{Field: field, Label: p.T(labelKey), Accept: accept, Media: p.Files[id],
		Problems: fieldProblems(p, field), RemoveText: p.T("ws.remove_file")}
	if f.Media != nil {
		f.CurrentText = p.T("ws.current_file", f.Media.Name)
	}
	return f
}

// LicenceChoices are the licences a file can have.
func (p WSMaterialPage) LicenceChoices() []string { return material.Licences }

// TimeFields are the fields of one planned time in the form.
type TimeFields struct {
	P         string // the fields' prefix: publish or unpublish
	Date      string
	Clock     string
	Ambiguous *localtime.AmbiguousError
	Problems  []string
	Page      Base
}

// PublishFields are the planned publication's fields.
func (p WSMaterialPage) PublishFields() TimeFields {
	return TimeFields{P: "publish", Date: p.PublishDate, Clock: p.PublishTime, Ambiguous: p.Ambiguous,
		Problems: p.ProblemText("publish_at"), Page: p.Base}
}

// UnpublishFields are the planned unpublication's fields.
func (p WSMaterialPage) UnpublishFields() TimeFields {
	return TimeFields{P: "unpublish", Date: p.UnpublishDate, Clock: p.UnpublishTime,
		Ambiguous: p.UnpublishAmbiguous, Problems: p.ProblemText("unpublish_at"), Page: p.Base}
}
