package web_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// unwritableBlobs is a media store on a disk that refuses every write with
// err, as a full or read-only file system does; reads still work.
type unwritableBlobs struct {
	media.Blobs
	err syscall.Errno
}

func (u unwritableBlobs) Put(_ context.Context, key string, r io.Reader) (int64, error) {
	_, _ = io.Copy(io.Discard, r)
	return 0, &fs.PathError{Op: "write", Path: key, Err: u.err}
}

// TestUnwritableMediaStore: an upload to a full or read-only media store
// gives the editor the Danish message next to the file, keeps what was
// typed, saves nothing, and logs an error an operator can act on. The
// failure is injected at the media store (cmd/bindeled's
// TestFullDiskAndReadOnlyMedia makes a real full disk where it may mount).
func TestUnwritableMediaStore(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EROFS} {
		t.Run(errno.Error(), func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, st *storage.Store) {
				disk, err := media.NewDisk(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				var log syncBuffer
				cfg := web.Config{Uploads: media.DefaultLimits(), Logger: slog.New(slog.NewTextHandler(&log, nil))}
				h := newHubOn(t, st, cfg, unwritableBlobs{Blobs: disk, err: errno})
				c, csrf := h.login(storage.RoleEditor)

				p := c.postMultipart("/redaktion/materialer", [][2]string{{"csrf", csrf}, {"kind", "guide"},
					{"title", "Tjekliste til mødet"}, {"summary", "Det skal med."}, {"audiences", "parents"},
					{"language", "da"}, {"action", "save"}},
					file{"cover", "forside.png", pngBytes(t, 40, 30)})
				if p.status == http.StatusSeeOther || p.status >= 500 {
					t.Fatalf("save with an upload to an unwritable store: %d", p.status)
				}
				if msg := p.text("#cover-problem"); !strings.Contains(msg, "lager er fuldt eller skrivebeskyttet") {
					t.Errorf("the message next to the file: %q", msg)
				}
				if got := p.attr("input#title", "value"); got != "Tjekliste til mødet" {
					t.Errorf("the title was not kept: %q", got)
				}
				if ms, err := st.AllMaterials(ctx); err != nil || len(ms) != 0 {
					t.Errorf("a material was saved: %d (%v)", len(ms), err)
				}
				if l := log.String(); !strings.Contains(l, "level=ERROR msg=\"storage full or read-only") ||
					!strings.Contains(l, errno.Error()) {
					t.Errorf("the log does not name the cause:\n%s", l)
				}
			})
		})
	}
}
