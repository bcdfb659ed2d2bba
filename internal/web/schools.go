package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

// WSSchoolsPage lets an admin keep the municipality's list of schools.
type WSSchoolsPage struct {
	Base
	Schools  []storage.School
	Edit     storage.School
	Problems material.Problems
}

func (s *Server) wsSchools(w http.ResponseWriter, r *http.Request) error {
	var edit storage.School
	if id := formID(r.URL.Query().Get("rediger")); id != 0 {
		schools, err := s.store.Schools(r.Context())
		if err != nil {
			return err
		}
		for _, sc := range schools {
			if sc.ID == id {
				edit = sc
			}
		}
	}
	return s.renderSchools(w, r, http.StatusOK, edit, nil)
}

func (s *Server) renderSchools(w http.ResponseWriter, r *http.Request, status int, edit storage.School,
	problems material.Problems) error {
	b, err := s.wsBase(r, "ws.schools")
	if err != nil {
		return err
	}
	b.Section = "schools"
	schools, err := s.store.Schools(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, status, "ws/schools", WSSchoolsPage{Base: b, Schools: schools, Edit: edit, Problems: problems})
}

func (s *Server) wsSaveSchool(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	id := formID(f.Get("id"))
	if f.Get("action") == "delete" {
		if err := s.store.DeleteSchool(r.Context(), id); err != nil {
			return err
		}
		s.audit(r, "school:delete", "skole "+strconv.FormatInt(id, 10))
		http.Redirect(w, r, "/redaktion/skoler?besked=gemt", http.StatusSeeOther)
		return nil
	}

	sc := storage.School{ID: id, Name: strings.TrimSpace(f.Get("name")),
		ShortName: strings.TrimSpace(f.Get("short_name")), URL: strings.TrimSpace(f.Get("url"))}
	sc.Slug = material.Slugify(f.Get("slug"))
	if sc.Slug == "" {
		sc.Slug = material.Slugify(sc.Name)
	}
	problems := material.Problems{}
	switch n := utf8.RuneCountInString(sc.Name); {
	case n == 0:
		problems.Add("name", "error.required")
	case n > 80:
		problems.Add("name", "error.name_too_long")
	}
	if sc.Slug == "" {
		problems.Add("slug", "error.required")
	}
	if sc.URL != "" && !material.IsWebURL(sc.URL) {
		problems.Add("url", "error.url")
	}
	if len(problems) == 0 {
		var err error
		if sc.ID == 0 {
			err = s.store.CreateSchool(r.Context(), &sc)
		} else {
			err = s.store.UpdateSchool(r.Context(), &sc)
		}
		switch {
		case errors.Is(err, storage.ErrConflict):
			problems.Add("slug", "error.school_exists")
		case err != nil:
			return err
		}
	}
	if len(problems) > 0 {
		return s.renderSchools(w, r, http.StatusUnprocessableEntity, sc, problems)
	}
	s.audit(r, "school:save", "skole "+strconv.FormatInt(sc.ID, 10)+": "+sc.Name)
	http.Redirect(w, r, "/redaktion/skoler?besked=gemt", http.StatusSeeOther)
	return nil
}
