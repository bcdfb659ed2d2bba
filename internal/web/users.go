package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

// RoleChoice is a role in the users' forms.
type RoleChoice struct {
	Role  storage.Role
	Label string
}

// UserForm is what an admin types to invite a user or change one.
type UserForm struct {
	ID        int64
	Email     string
	Name      string
	Role      storage.Role
	SchoolIDs []int64
}

// WSUsersPage lists the users and invites new ones.
type WSUsersPage struct {
	Base
	Users    []storage.UserRow
	Schools  []storage.School
	Roles    []RoleChoice
	Form     UserForm
	Problems material.Problems
	// ManualLink is an invitation link to pass on by hand when the hub
	// sends no mail; shown once, to the admin who made it.
	ManualLink string
	LinkFor    string
	LinkValid  string
}

// RoleLabel names a role in the page's language.
func (p WSUsersPage) RoleLabel(r storage.Role) string { return p.T(roleKey(r)) }

// SchoolNames lists the short names of schools by id.
func (p WSUsersPage) SchoolNames(ids []int64) string {
	var names []string
	for _, sc := range p.Schools {
		for _, id := range ids {
			if sc.ID == id {
				names = append(names, sc.Name)
			}
		}
	}
	return strings.Join(names, ", ")
}

func (s *Server) roleChoices(b Base) []RoleChoice {
	var out []RoleChoice
	for _, r := range []storage.Role{storage.RoleContributor, storage.RoleReviewer, storage.RoleEditor,
		storage.RoleAdmin} {
		out = append(out, RoleChoice{Role: r, Label: b.T(roleKey(r))})
	}
	return out
}

func (s *Server) usersPage(r *http.Request, p *WSUsersPage) error {
	b, err := s.wsBase(r, "ws.users")
	if err != nil {
		return err
	}
	b.Section = "users"
	p.Base, p.Roles = b, s.roleChoices(b)
	if p.Schools, err = s.store.Schools(r.Context()); err != nil {
		return err
	}
	if p.Form.Role == "" {
		p.Form.Role = storage.RoleContributor
	}
	return nil
}

func (s *Server) wsUsers(w http.ResponseWriter, r *http.Request) error {
	var p WSUsersPage
	if err := s.usersPage(r, &p); err != nil {
		return err
	}
	var err error
	if p.Users, err = s.store.Users(r.Context()); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "ws/users", p)
}

// readUserForm reads and checks the role and schools of a users' form.
func (s *Server) readUserForm(r *http.Request, schools []storage.School, problems material.Problems) UserForm {
	f := r.PostForm
	u := UserForm{Email: strings.TrimSpace(f.Get("email")), Name: strings.TrimSpace(f.Get("name")),
		Role: storage.Role(f.Get("role"))}
	if !u.Role.Valid() {
		problems.Add("role", "error.role")
	}
	known := map[int64]bool{}
	for _, sc := range schools {
		known[sc.ID] = true
	}
	for _, v := range f["school"] {
		if id := formID(v); known[id] {
			u.SchoolIDs = append(u.SchoolIDs, id)
		}
	}
	if u.Role == storage.RoleContributor && len(u.SchoolIDs) == 0 {
		problems.Add("school", "error.school_needed")
	}
	if u.Role != storage.RoleContributor {
		u.SchoolIDs = nil
	}
	if utf8.RuneCountInString(u.Name) > 80 {
		problems.Add("name", "error.name_too_long")
	}
	return u
}

// wsInvite creates a user and sends them an invitation.
func (s *Server) wsInvite(w http.ResponseWriter, r *http.Request) error {
	p := WSUsersPage{Problems: material.Problems{}}
	if err := s.usersPage(r, &p); err != nil {
		return err
	}
	p.Form = s.readUserForm(r, p.Schools, p.Problems)
	// The .invalid addresses of former users (storage.AnonymiseUser)
	// are no one's.
	if !auth.ValidEmail(p.Form.Email) || (storage.User{Email: storage.NormalizeEmail(p.Form.Email)}).Anonymised() {
		p.Problems.Add("email", "error.email")
	}
	status := http.StatusOK
	if len(p.Problems) == 0 {
		u := &storage.User{Email: p.Form.Email, Name: p.Form.Name, Role: p.Form.Role}
		token := auth.NewToken()
		err := s.store.InviteUser(r.Context(), u, p.Form.SchoolIDs, &storage.UserToken{TokenHash: hashToken(token),
			Purpose: storage.TokenInvite, ExpiresAt: time.Now().Add(inviteValidity)})
		switch {
		case errors.Is(err, storage.ErrConflict):
			p.Problems.Add("email", "error.email_in_use")
		case err != nil:
			return err
		default:
			s.audit(r, "user:invite", auditUser(u))
			if err := s.deliverLink(r, &p, u, token, true); err != nil {
				return err
			}
			p.Form = UserForm{}
		}
	}
	if len(p.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	var err error
	if p.Users, err = s.store.Users(r.Context()); err != nil {
		return err
	}
	return s.render(w, status, "ws/users", p)
}

// deliverLink mails a one-time link, or, when the hub sends no mail,
// puts it on the page for the admin to pass on.
func (s *Server) deliverLink(r *http.Request, p *WSUsersPage, u *storage.User, token string, invite bool) error {
	link := s.passwordLink(r, token)
	if !s.notifier.MailOn() {
		p.ManualLink, p.LinkFor = link, u.Email
		p.LinkValid = p.T("ws.user.valid_hour")
		if invite {
			p.LinkValid = p.T("ws.user.valid_week")
		}
		return nil
	}
	var err error
	if invite {
		inviter := state(r).user
		name := inviter.Name
		if name == "" {
			name = inviter.Email
		}
		err = s.notifier.SendInvitation(r.Context(), u, link, name, int(inviteValidity/(24*time.Hour)))
		p.Flash = p.T("ws.user.invited", u.Email)
	} else {
		err = s.notifier.SendReset(r.Context(), u, link)
		p.Flash = p.T("ws.user.link_sent", u.Email)
	}
	return err
}

func auditUser(u *storage.User) string {
	return "bruger " + strconv.FormatInt(u.ID, 10) + ": " + u.Email + " (" + string(u.Role) + ")"
}

// WSUserPage changes one user's role, schools and access.
type WSUserPage struct {
	WSUsersPage
	Target *storage.User
	Self   bool
	// ConfirmEmail is the address typed to confirm an anonymisation.
	ConfirmEmail string
}

func (s *Server) userTarget(r *http.Request) (*storage.User, error) {
	id := formID(r.PathValue("id"))
	if id == 0 {
		return nil, errNotFound
	}
	return s.store.UserByID(r.Context(), id)
}

func (s *Server) wsUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userTarget(r)
	if err != nil {
		return err
	}
	schools, err := s.store.UserSchoolIDs(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p := WSUserPage{Target: u, Self: u.ID == state(r).user.ID}
	p.Form = UserForm{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, SchoolIDs: schools}
	if err := s.usersPage(r, &p.WSUsersPage); err != nil {
		return err
	}
	p.Title = u.DisplayName() + " – " + p.Title
	return s.render(w, http.StatusOK, "ws/user", p)
}

// wsSaveUser saves a user's role and schools, deactivates or reactivates
// them, or sends them a new link, as the button pressed says.
func (s *Server) wsSaveUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userTarget(r)
	if err != nil {
		return err
	}
	p := WSUserPage{Target: u, Self: u.ID == state(r).user.ID}
	p.Problems = material.Problems{}
	if err := s.usersPage(r, &p.WSUsersPage); err != nil {
		return err
	}
	p.Title = u.DisplayName() + " – " + p.Title
	current, err := s.store.UserSchoolIDs(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p.Form = UserForm{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, SchoolIDs: current}

	action := r.PostForm.Get("action")
	if u.Anonymised() {
		// A former user's account stays as it is: it has no address to
		// send a link to and no one to give access to.
		p.Problems.Add("active", "ws.user.anonymised")
		return s.render(w, http.StatusUnprocessableEntity, "ws/user", p)
	}
	role, active, schools, what := u.Role, u.Active, current, ""
	switch action {
	case "save":
		f := s.readUserForm(r, p.Schools, p.Problems)
		p.Form.Role, p.Form.SchoolIDs = f.Role, f.SchoolIDs
		role, schools, what = f.Role, f.SchoolIDs, "user:update"
	case "deactivate":
		if p.Self {
			p.Problems.Add("active", "error.self_deactivate")
		}
		if r.PostForm.Get("confirm") != "on" {
			p.Problems.Add("active", "error.deactivate_confirm")
		}
		active, what = false, "user:deactivate"
	case "reactivate":
		active, what = true, "user:reactivate"
	case "link":
		return s.sendUserLink(w, r, &p)
	case "anonymise":
		return s.anonymiseUser(w, r, &p)
	case "reset_second_factor":
		return s.resetSecondFactor(w, r, u)
	default:
		return errBadInput
	}
	if len(p.Problems) == 0 {
		err := s.store.UpdateUserAccess(r.Context(), u.ID, role, active, schools)
		switch {
		case errors.Is(err, storage.ErrLastAdmin):
			p.Problems.Add("active", "error.last_admin")
		case err != nil:
			return err
		}
	}
	if len(p.Problems) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "ws/user", p)
	}
	u.Role = role
	s.audit(r, what, auditUser(u))
	http.Redirect(w, r, "/redaktion/brugere/"+strconv.FormatInt(u.ID, 10)+"?besked=gemt", http.StatusSeeOther)
	return nil
}

// sendUserLink gives a user a new invitation, when they never chose a
// password, or a password link.
func (s *Server) sendUserLink(w http.ResponseWriter, r *http.Request, p *WSUserPage) error {
	u := p.Target
	if !u.Active {
		p.Problems.Add("active", "ws.user.deactivated")
		return s.render(w, http.StatusUnprocessableEntity, "ws/user", p)
	}
	invite := u.PasswordHash == ""
	t := &storage.UserToken{UserID: u.ID, Purpose: storage.TokenReset, ExpiresAt: time.Now().Add(resetValidity)}
	if invite {
		t.Purpose, t.ExpiresAt = storage.TokenInvite, time.Now().Add(inviteValidity)
	}
	token := auth.NewToken()
	t.TokenHash = hashToken(token)
	if err := s.store.CreateUserToken(r.Context(), t); err != nil {
		return err
	}
	s.audit(r, "user:link", auditUser(u))
	if err := s.deliverLink(r, &p.WSUsersPage, u, token, invite); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "ws/user", p)
}
