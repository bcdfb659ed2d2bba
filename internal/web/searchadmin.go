package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/search"
	"github.com/bindeled/bindeled/internal/storage"
)

// WSMissedSearchesPage lists what readers searched for and did not find.
type WSMissedSearchesPage struct {
	Base
	Misses []storage.MissedSearch
	// Full says the list holds storage.MaxMissedSearches queries, so new
	// ones are not kept until some are deleted or expire.
	Full  bool
	Limit int
}

// wsMissedSearches shows the searches that found nothing, most asked
// first, so editors can add words or materials.
func (s *Server) wsMissedSearches(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.missed")
	if err != nil {
		return err
	}
	b.Section = "missed"
	p := WSMissedSearchesPage{Base: b, Limit: storage.MaxMissedSearches}
	if p.Misses, err = s.store.MissedSearches(r.Context(), 200); err != nil {
		return err
	}
	kept, err := s.store.CountMissedSearches(r.Context())
	if err != nil {
		return err
	}
	p.Full = kept >= storage.MaxMissedSearches
	return s.render(w, http.StatusOK, "ws/missed", p)
}

// wsDeleteMissedSearch forgets one logged query ("query") or all ("all").
func (s *Server) wsDeleteMissedSearch(w http.ResponseWriter, r *http.Request) error {
	query := r.PostForm.Get("query")
	if query == "" && r.PostForm.Get("all") == "" {
		http.Redirect(w, r, "/redaktion/soegninger", http.StatusSeeOther)
		return nil
	}
	if err := s.store.DeleteMissedSearch(r.Context(), query); err != nil {
		return err
	}
	s.audit(r, "settings:missed-searches", "slettet")
	http.Redirect(w, r, "/redaktion/soegninger?besked=slettet", http.StatusSeeOther)
	return nil
}

// WSSynonymsPage lists the synonym groups and takes new ones.
type WSSynonymsPage struct {
	Base
	Groups   []storage.SynonymGroup
	Typed    string
	Problems material.Problems
}

// Bounds of a synonym group.
const (
	maxSynonymWords = 20
	maxSynonymRunes = 40
)

func (s *Server) wsSynonyms(w http.ResponseWriter, r *http.Request) error {
	return s.renderSynonyms(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderSynonyms(w http.ResponseWriter, r *http.Request, status int, typed string,
	problems material.Problems) error {
	b, err := s.wsBase(r, "ws.synonyms")
	if err != nil {
		return err
	}
	b.Section = "missed"
	if len(problems) > 0 {
		b.Flash = b.T("error.form")
	}
	p := WSSynonymsPage{Base: b, Typed: typed, Problems: problems}
	if p.Groups, err = s.store.SynonymGroups(r.Context()); err != nil {
		return err
	}
	return s.render(w, status, "ws/synonyms", p)
}

// wsSaveSynonyms adds a group of words that mean the same, or deletes one.
func (s *Server) wsSaveSynonyms(w http.ResponseWriter, r *http.Request) error {
	if r.PostForm.Has("delete") {
		// A group already gone (a second click, another editor) is what
		// was asked for.
		id := formID(r.PostForm.Get("delete"))
		if err := s.store.DeleteSynonymGroup(r.Context(), id); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		s.audit(r, "settings:synonyms", "slettet #"+strconv.FormatInt(id, 10))
		http.Redirect(w, r, "/redaktion/synonymer?besked=gemt", http.StatusSeeOther)
		return nil
	}
	typed := r.PostForm.Get("words")
	words := search.SynonymWords(typed)
	problems := material.Problems{}
	groups, err := s.store.SynonymGroups(r.Context())
	if err != nil {
		return err
	}
	switch {
	case strings.ContainsFunc(typed, func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c) && !unicode.IsSpace(c) && !strings.ContainsRune(",-'’", c)
	}):
		problems.Add("words", "error.synonyms_letters")
	case slices.ContainsFunc(groups, func(g storage.SynonymGroup) bool { return search.SameSynonyms(g.Words, words) }):
		problems.Add("words", "error.synonyms_exists")
	case len(words) < 2 && len(strings.FieldsFunc(typed, func(c rune) bool { return c == ',' })) >= 2:
		problems.Add("words", "error.synonyms_same")
	case len(words) < 2:
		problems.Add("words", "error.synonyms_two")
	case len(words) > maxSynonymWords:
		problems.Add("words", "error.synonyms_many")
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) > maxSynonymRunes {
			problems.Add("words", "error.synonyms_long")
			break
		}
	}
	if len(problems) > 0 {
		return s.renderSynonyms(w, r, http.StatusUnprocessableEntity, typed, problems)
	}
	if err := s.store.AddSynonymGroup(r.Context(), &storage.SynonymGroup{Words: words}); err != nil {
		return err
	}
	s.audit(r, "settings:synonyms", strings.Join(words, ", "))
	http.Redirect(w, r, "/redaktion/synonymer?besked=gemt", http.StatusSeeOther)
	return nil
}
