package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/brand"
	"github.com/bindeled/bindeled/internal/i18n"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/shareimage"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/storage"
)

// sharePath is where share images are served.
const sharePath = "/delingsbillede/"

// shareImage is a material's share image. Its name holds a hash of all
// that it shows, so an edit gives a new name and the old one can be
// cached for a year; its bytes are kept in the media store under a key
// made from the same hash, so every instance of a hub finds, or makes,
// the same file.
type shareImage struct {
	Name string // in sharePath
	key  string // in the media store
	// photo is the picture that is cropped; nil when a card is drawn.
	photo *storage.Media
	card  shareimage.Card
}

// ContentType is the image's media type.
func (si shareImage) ContentType() string {
	if si.photo != nil {
		return "image/jpeg"
	}
	return "image/png"
}

// shareImageOf is the share image of m: its cover (or a film's poster)
// cropped when it is large enough, otherwise a card in the hub's style.
func shareImageOf(b Base, m *material.Material, files map[int64]*storage.Media) shareImage {
	si := shareImage{card: shareimage.Card{Title: m.Title, Kind: b.T("kind." + string(m.Kind)),
		Site: b.Brand.Name, Owner: b.Brand.Owner, Colour: b.Brand.Colour}}
	var hash, ext string
	if img := coverOf(m, files); img != nil && shareimage.UsablePhoto(img.Width, img.Height) {
		si.photo = img
		hash, ext = sharePhotoHash(img.Key), ".jpg"
	} else {
		sum := sha256.Sum256([]byte(strings.Join([]string{"share-card-v1", si.card.Title, si.card.Kind,
			si.card.Site, si.card.Owner, si.card.Colour.Hex()}, "\x00")))
		hash, ext = hex.EncodeToString(sum[:20]), ".png"
	}
	si.key = "og" + hash + ext
	si.Name = strconv.FormatInt(m.ID, 10) + "-" + hash[:20] + ext
	return si
}

// sharePhotoHash names the crop of the stored photo photoKey. It depends
// on the photo alone, so withdrawing the photo can delete the crop.
func sharePhotoHash(photoKey string) string {
	sum := sha256.Sum256([]byte("share-photo-v1\x00" + photoKey))
	return hex.EncodeToString(sum[:20])
}

// shareImageMaxAge is how long a share image is cached: for good, as its
// name changes with what it shows.
const shareImageMaxAge = 365 * 24 * time.Hour

// serveShareImage serves a published material's share image, making it
// the first time it is asked for. An old name, from before an edit, is
// sent on to the current one.
func (s *Server) serveShareImage(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	idText, _, ok := strings.Cut(name, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return errNotFound
	}
	m, err := s.store.GetMaterial(r.Context(), id)
	if err != nil {
		return err
	}
	if m.Status != material.Published {
		return errNotFound
	}
	b, err := s.base(r, "")
	if err != nil {
		return err
	}
	files, err := s.store.MediaByIDs(r.Context(), []int64{m.CoverID, m.PosterID})
	if err != nil {
		return err
	}
	si := shareImageOf(b, m, files)
	if name != si.Name {
		w.Header().Set("Cache-Control", "public, max-age=300")
		http.Redirect(w, r, sharePath+si.Name, http.StatusFound)
		return nil
	}

	data, modified, err := s.shareImageBytes(r.Context(), si)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", si.ContentType())
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(shareImageMaxAge.Seconds()))+", immutable")
	http.ServeContent(w, r, "", modified, data)
	return nil
}

// shareImageBytes opens a share image from the media store, or makes and
// stores it. Images are made one at a time per instance; two instances
// that make the same one at once write the same bytes under the same key.
func (s *Server) shareImageBytes(ctx context.Context, si shareImage) (io.ReadSeeker, time.Time, error) {
	if rs, mod, err := s.openShareImage(ctx, si.key); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return rs, mod, err
	}
	s.shareMu.Lock()
	defer s.shareMu.Unlock()
	if rs, mod, err := s.openShareImage(ctx, si.key); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return rs, mod, err
	}

	var data []byte
	var err error
	if si.photo != nil {
		data, err = s.cropPhoto(ctx, si.photo)
	} else {
		data, err = shareimage.Render(si.card)
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	if _, err := s.blobs.Put(ctx, si.key, bytes.NewReader(data)); err != nil {
		return nil, time.Time{}, fmt.Errorf("store share image: %w", err)
	}
	return bytes.NewReader(data), time.Now(), nil
}

// openShareImage reads a stored share image into memory: they are small,
// and the blob is closed before the response is written.
func (s *Server) openShareImage(ctx context.Context, key string) (io.ReadSeeker, time.Time, error) {
	blob, err := s.blobs.Open(ctx, key)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer blob.Close()
	data, err := io.ReadAll(io.LimitReader(blob, 16<<20))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("read share image: %w", err)
	}
	return bytes.NewReader(data), blob.ModTime(), nil
}

// maxPhotoBytes bounds a stored photo that is read to be cropped; stored
// images are re-encoded at most media.MaxSide wide, far below it.
const maxPhotoBytes = 64 << 20

func (s *Server) cropPhoto(ctx context.Context, photo *storage.Media) ([]byte, error) {
	blob, err := s.blobs.Open(ctx, photo.Key)
	if err != nil {
		return nil, fmt.Errorf("share image of %s: %w", photo.Key, err)
	}
	defer blob.Close()
	data, err := io.ReadAll(io.LimitReader(blob, maxPhotoBytes))
	if err != nil {
		return nil, fmt.Errorf("share image of %s: %w", photo.Key, err)
	}
	return shareimage.Crop(data)
}

// forgetSharePhoto deletes the crop made from a stored photo, as when the
// photo is withdrawn.
func (s *Server) forgetSharePhoto(ctx context.Context, photoKey string) error {
	if !media.ValidKey(photoKey) {
		return nil
	}
	return s.blobs.Delete(ctx, "og"+sharePhotoHash(photoKey)+".jpg")
}

// ShareImage returns a material's share image for a post on a social
// channel: the same picture its page names in its Open Graph tags. It
// makes *Server a social.Images.
func (s *Server) ShareImage(ctx context.Context, m *material.Material) (*social.Image, error) {
	kv, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	b := Base{Lang: i18n.Danish, Brand: brand.FromMap(kv), assets: s.assets}
	files, err := s.store.MediaByIDs(ctx, []int64{m.CoverID, m.PosterID})
	if err != nil {
		return nil, err
	}
	si := shareImageOf(b, m, files)
	rs, _, err := s.shareImageBytes(ctx, si)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(rs)
	if err != nil {
		return nil, err
	}
	return &social.Image{Data: data, ContentType: si.ContentType()}, nil
}
