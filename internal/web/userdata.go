package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/bindeled/bindeled/internal/storage"
)

// userExport is the JSON file an admin downloads about one user.
type userExport struct {
	ExportedAt time.Time        `json:"exported_at"`
	UserID     int64            `json:"user_id"`
	About      string           `json:"about"`
	Tables     storage.UserData `json:"tables"`
}

// wsExportUser sends everything the hub holds about a user as a JSON
// file. It is a POST with the CSRF token, so that no other site can make
// an admin's browser fetch it, and it is written to the audit log.
func (s *Server) wsExportUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userTarget(r)
	if err != nil {
		return err
	}
	data, err := s.store.ExportUser(r.Context(), u.ID)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(userExport{ExportedAt: time.Now().UTC().Truncate(time.Second), UserID: u.ID,
		About: "Bindeled: alt, hubben gemmer om brugeren, tabel for tabel / everything the hub holds about " +
			"the user, table by table", Tables: data}, "", "  ")
	if err != nil {
		return err
	}
	s.audit(r, "user:export", "bruger "+strconv.FormatInt(u.ID, 10))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="bruger-`+strconv.FormatInt(u.ID, 10)+`.json"`)
	_, err = w.Write(body)
	return err
}

// anonymiseUser removes a user's personal data once the admin has typed
// their e-mail address to confirm; what they wrote stays, shown as
// written by a former user.
func (s *Server) anonymiseUser(w http.ResponseWriter, r *http.Request, p *WSUserPage) error {
	u := p.Target
	p.ConfirmEmail = r.PostForm.Get("confirm_email")
	// One's own page has no form to anonymise, so that reason goes with
	// the problems shown above the facts.
	switch {
	case p.Self:
		p.Problems.Add("active", "error.self_anonymise")
	case storage.NormalizeEmail(p.ConfirmEmail) != u.Email:
		p.Problems.Add("anonymise", "error.anonymise_confirm")
	}
	if len(p.Problems) == 0 {
		err := s.store.AnonymiseUser(r.Context(), u.ID, state(r).user.ID)
		switch {
		case errors.Is(err, storage.ErrLastAdmin):
			p.Problems.Add("anonymise", "error.last_admin")
		case errors.Is(err, storage.ErrSelf):
			p.Problems.Add("active", "error.self_anonymise")
		case err != nil:
			return err
		}
	}
	if len(p.Problems) > 0 {
		return s.render(w, http.StatusUnprocessableEntity, "ws/user", p)
	}
	// The entry names the account by number only: the address is what
	// was just removed.
	s.audit(r, "user:anonymise", "bruger "+strconv.FormatInt(u.ID, 10))
	http.Redirect(w, r, "/redaktion/brugere/"+strconv.FormatInt(u.ID, 10)+"?besked=anonymiseret",
		http.StatusSeeOther)
	return nil
}
