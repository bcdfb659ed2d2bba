package web

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/material"
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
	if errors.Is(err, storage.ErrNotFound) {
		return s.serveRendition(w, r)
	}
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
	// at once. A key never changes its bytes, so it is the entity tag.
	etag := `"` + m.Key + `"`
	w.Header().Set("Cache-Control", "public, no-cache")
	w.Header().Set("ETag", etag)
	if notModified(r, etag) {
		// Answered without the store: a cache asking again costs no
		// request to S3, and still gets its answer while S3 is down.
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return s.writeMedia(w, r, m)
}

// wsServeMedia serves a file to a logged-in user who may see it, for
// previews and the reading view: editors any file, others their own
// uploads and the files of materials they may read.
func (s *Server) wsServeMedia(w http.ResponseWriter, r *http.Request) error {
	if !media.ValidKey(r.PathValue("key")) {
		return errNotFound
	}
	m, err := s.store.MediaByKey(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	if ok, err := s.maySeeMedia(r, m); err != nil {
		return err
	} else if !ok {
		return errNotFound // whether the file exists is not theirs to know
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
	watched := &watchedBlob{Blob: blob}
	media.Serve(w, r, watched, m.ContentType, name)
	s.logCutOff(r, m.Key, watched)
	return nil
}

// watchedBlob keeps the first error reading a blob other than its end:
// once the answer has begun, a store that fails can only cut it short.
type watchedBlob struct {
	media.Blob
	err error
}

func (b *watchedBlob) Read(p []byte) (int, error) {
	n, err := b.Blob.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.err == nil {
		b.err = err
	}
	return n, err
}

// logCutOff logs a file whose answer its store cut short, which the
// request log shows only as a 200 or 206 with fewer bytes.
func (s *Server) logCutOff(r *http.Request, key string, b *watchedBlob) {
	if b.err == nil || r.Context().Err() != nil { // a reader who left is no fault
		return
	}
	st := state(r)
	st.logIt = true
	s.log.Error("media file cut off by its store", "request_id", st.requestID, "key", key, "err", b.err)
}

func (s *Server) maySeeMedia(r *http.Request, f *storage.Media) (bool, error) {
	u := state(r).user
	if actorOf(u) == material.ByEditor || f.UploadedBy == u.ID {
		return true, nil
	}
	uses, err := s.store.MediaUses(r.Context(), f.ID)
	if err != nil {
		return false, err
	}
	schools, _, err := s.userSchools(r)
	if err != nil {
		return false, err
	}
	for _, use := range uses {
		switch {
		case use.Status == material.Published:
			return true, nil
		case u.Role == storage.RoleContributor && slices.Contains(schools, use.SchoolID):
			return true, nil
		case u.Role == storage.RoleReviewer:
			ok, err := s.mayReview(r, &material.Material{ID: use.MaterialID, Status: use.Status})
			if err != nil || ok {
				return ok, err
			}
		}
	}
	if u.Role == storage.RoleReviewer { // the new files of pending edits sent for review
		pending, err := s.store.PendingMaterialIDs(r.Context())
		if err != nil {
			return false, err
		}
		for id, st := range pending {
			if st != material.InReview {
				continue
			}
			p, err := s.store.PendingVersion(r.Context(), id)
			if err != nil {
				return false, err
			}
			if p != nil && slices.Contains(append(p.M.Files(), p.M.CaptionsID), f.ID) {
				return true, nil
			}
		}
	}
	return false, nil
}

// wsWithdrawMedia withdraws a file whose consent was withdrawn: it leaves
// every material and pending version at once, its bytes are deleted, and
// the audit log records who did it and on which materials, not the file.
func (s *Server) wsWithdrawMedia(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if !media.ValidKey(key) {
		return errNotFound
	}
	f, err := s.store.MediaByKey(r.Context(), key)
	if err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "on" {
		back := "/redaktion"
		if id := formID(r.PostForm.Get("material")); id != 0 {
			back = materialEditURL(id, "bekraeft-tilbagetraekning") + "#withdraw-title"
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	affected, err := s.store.WithdrawMedia(r.Context(), f.ID)
	if err != nil {
		return err
	}
	for _, key := range append(media.RenditionKeys(f.Key, f.Width), f.Key) {
		if err := s.blobs.Delete(r.Context(), key); err != nil {
			s.log.Error("withdrawn file not deleted", "media_id", f.ID, "key", key, "err", err)
			return err
		}
	}
	if err := s.forgetSharePhoto(r.Context(), f.Key); err != nil {
		s.log.Error("share image of a withdrawn file not deleted", "media_id", f.ID, "err", err)
		return err
	}
	subject := "fil " + formatIDs([]int64{f.ID}) + " på materiale " + formatIDs(affected)
	s.audit(r, "material:withdraw_file", subject)
	back := "/redaktion"
	if id := formID(r.PostForm.Get("material")); id != 0 && slices.Contains(affected, id) {
		back = materialEditURL(id, "fil-trukket")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func formatIDs(ids []int64) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, "#"+strconv.FormatInt(id, 10))
	}
	return strings.Join(parts, ", ")
}
