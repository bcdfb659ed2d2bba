package web

import (
	"errors"
	"io/fs"
	"net/http"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// serveMedia serves a file that belongs to something public. Files of
// drafts are not found here, even by someone who knows their key.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) error {
	if !media.ValidKey(r.PathValue("key")) {
		return errNotFound
	}
	m, err := s.store.MediaByKey(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	kv, err := s.store.Settings(r.Context())
	if err != nil {
		return err
	}
	ok, err := s.store.MediaIsPublic(r.Context(), m.ID, brand.FromMap(kv).LogoID)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	// Caches must ask again each time (a cheap 304), so that a file taken
	// off the site, such as a photo whose consent was withdrawn, is gone
	// at once.
	w.Header().Set("Cache-Control", "public, no-cache")
	return s.writeMedia(w, r, m)
}

// wsServeMedia serves any file to a logged-in editor, for previews.
func (s *Server) wsServeMedia(w http.ResponseWriter, r *http.Request) error {
	if !media.ValidKey(r.PathValue("key")) {
		return errNotFound
	}
	m, err := s.store.MediaByKey(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	return s.writeMedia(w, r, m)
}

func (s *Server) writeMedia(w http.ResponseWriter, r *http.Request, m *storage.Media) error {
	blob, err := s.blobs.Open(r.Context(), m.Key)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, media.ErrBadKey) {
		s.log.Error("media file missing", "key", m.Key)
		return errNotFound
	}
	if err != nil {
		return err
	}
	defer blob.Close()
	// Only documents keep their name, for the download; a photo's file
	// name can say who is in it.
	name := ""
	if m.Class == string(media.Document) {
		name = m.Name
	}
	media.Serve(w, r, blob, m.ContentType, name)
	return nil
}
