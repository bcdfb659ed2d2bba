package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// downBlobs is a media store that can be taken down, as an S3 server
// that stops answering.
type downBlobs struct {
	media.Blobs
	down atomic.Bool
	cut  atomic.Bool // files open but break off after 100 bytes
}

func (b *downBlobs) err() error {
	if b.down.Load() {
		return fmt.Errorf("test store taken down: %w", media.ErrUnavailable)
	}
	return nil
}

func (b *downBlobs) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := b.err(); err != nil {
		return 0, err
	}
	return b.Blobs.Put(ctx, key, r)
}

func (b *downBlobs) Open(ctx context.Context, key string) (media.Blob, error) {
	if err := b.err(); err != nil {
		return nil, err
	}
	blob, err := b.Blobs.Open(ctx, key)
	if err != nil || !b.cut.Load() {
		return blob, err
	}
	return &cutBlob{Blob: blob}, nil
}

// cutBlob gives its first 100 bytes, then fails as a store that went
// away in the middle of a file.
type cutBlob struct {
	media.Blob
	read int
}

func (b *cutBlob) Read(p []byte) (int, error) {
	if b.read >= 100 {
		return 0, fmt.Errorf("media: read: %w", io.ErrUnexpectedEOF)
	}
	n, err := b.Blob.Read(p[:min(len(p), 100-b.read)])
	b.read += n
	return n, err
}

// TestMediaStoreDown: while the media store does not answer, a file is
// answered with 503 and Retry-After rather than 500 (a cache's
// revalidation with 304, as it needs no store), an upload is
// refused on the form with what was typed kept, and all works again once
// the store is back.
func TestMediaStoreDown(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		disk, err := media.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		blobs := &downBlobs{Blobs: disk}
		var log syncBuffer
		h := newHubOn(t, st, web.Config{Uploads: media.DefaultLimits(),
			Logger: slog.New(slog.NewTextHandler(&log, nil))}, blobs)
		img := h.storeImage(640, 360)
		h.publish(&material.Material{Title: "Med billede", CoverID: img.ID, CoverAlt: "Et bord"})
		reader := h.client()

		blobs.down.Store(true)
		p := reader.get("/media/" + img.Key)
		if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" ||
			!strings.Contains(p.text("h1"), "kan ikke hentes lige nu") {
			t.Errorf("a file while the store is down: %d, Retry-After %q, %q", p.status,
				p.header.Get("Retry-After"), p.text("h1"))
		}

		// A cache asking again is answered without the store.
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/media/"+img.Key, nil)
		req.Header.Set("If-None-Match", `W/"other", "`+img.Key+`"`)
		if p := reader.do(req); p.status != http.StatusNotModified || p.header.Get("ETag") != `"`+img.Key+`"` {
			t.Errorf("revalidating while the store is down: %d, ETag %q", p.status, p.header.Get("ETag"))
		}
		req.Header.Set("If-None-Match", `"other"`)
		if p := reader.do(req); p.status != http.StatusServiceUnavailable {
			t.Errorf("another entity tag while the store is down: %d", p.status)
		}

		ed, csrf := h.login(storage.RoleEditor)
		fields := [][2]string{{"csrf", csrf}, {"kind", "article"}, {"title", "Skrevet mens lageret sov"},
			{"summary", "Et resumé, der skal bevares."}, {"cover_alt", "Et bord"}, {"audiences", "parents"},
			{"language", "da"},
			{"action", "save"}}
		p = ed.postMultipart("/redaktion/materialer", fields, file{"cover", "a.png", pngBytes(t, 64, 48)})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text("#cover-problem"), "svarer") {
			t.Errorf("an upload while the store is down: %d, problem %q", p.status, p.text("#cover-problem"))
		}
		if got := p.attr("input[name=title]", "value"); got != "Skrevet mens lageret sov" {
			t.Errorf("the title typed is not kept: %q", got)
		}

		blobs.down.Store(false)
		if p := reader.get("/media/" + img.Key); p.status != http.StatusOK {
			t.Errorf("the file once the store is back: %d", p.status)
		}

		// A file the store breaks off once the answer has begun is cut
		// short for the reader, and the log says so.
		blobs.cut.Store(true)
		res, err := http.Get(h.srv.URL + "/media/" + img.Key)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body) // the cut is what is tested
		res.Body.Close()
		blobs.cut.Store(false)
		if !strings.Contains(log.String(), `msg="media file cut off by its store" `) {
			t.Error("a file cut off by its store is not in the log")
		}
		p = ed.postMultipart("/redaktion/materialer", fields, file{"cover", "a.png", pngBytes(t, 64, 48)})
		if p.status != http.StatusSeeOther {
			t.Errorf("the upload once the store is back: %d %s", p.status, p.text(".problem"))
		}
	})
}
