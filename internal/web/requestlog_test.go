package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// requestLines are the request log's lines as "METHOD path status".
func requestLines(log string) []string {
	var out []string
	line := regexp.MustCompile(`msg=request .*method=(\S+) path=(\S+) status=(\d+)`)
	for _, m := range line.FindAllStringSubmatch(log, -1) {
		out = append(out, m[1]+" "+strings.Trim(m[2], `"`)+" "+m[3])
	}
	return out
}

// By default the request log keeps changes, refusals and failures, and
// no line (and so no address) for a reader who reads a page; --log-reads
// logs every request. The privacy notice says which.
func TestRequestLogKeepsChangesNotReaders(t *testing.T) {
	st := storagetest.Open(t, storage.SQLite)
	for _, logReads := range []bool{false, true} {
		var logs syncBuffer
		h := newHubWith(t, st, web.Config{LogReads: logReads,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		m := h.publish(&material.Material{Title: "Forældremøde i 0. klasse"})
		reader := h.client()
		for _, path := range []string{"/", "/materialer/" + m.Slug, "/feed/rss", "/materialer?q=for%C3%A6ldrem%C3%B8de"} {
			if p := reader.get(path); p.status != http.StatusOK {
				t.Fatalf("%s: status %d", path, p.status)
			}
		}
		notFound := reader.get("/materialer/findes-ikke")
		form := reader.get("/redaktion/login")
		wrong := reader.post("/redaktion/login", url.Values{"csrf": {form.attr("input[name=csrf]", "value")},
			"email": {"ingen@example.dk"}, "password": {"forkert adgangskode"}})
		h.login(storage.RoleEditor) // a POST that logs in, and a read of the workspace
		privacy := reader.get("/privatliv")

		got := requestLines(logs.String())
		want := []string{"GET /materialer/findes-ikke 404", "POST /redaktion/login " + strconv.Itoa(wrong.status),
			"POST /redaktion/login 303"}
		if logReads {
			want = append(want, "GET / 200", "GET /materialer/"+m.Slug+" 200", "GET /feed/rss 200",
				"GET /materialer 200", "GET /redaktion/login 200", "GET /redaktion 200",
				"GET /privatliv 200")
		}
		if notFound.status != http.StatusNotFound || wrong.status < 400 {
			t.Fatalf("not found %d, wrong password %d", notFound.status, wrong.status)
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("log reads %v: no line %q in %q", logReads, w, got)
			}
		}
		if !logReads {
			for _, line := range got {
				if strings.HasPrefix(line, "GET ") && !strings.HasSuffix(line, " 404") {
					t.Errorf("a read that went well was logged: %q", line)
				}
			}
		}
		notice := privacy.text("#kept-requests")
		says := map[bool]string{false: "mere end et sekund om at svare. Den noterer ikke, hvem der læser siderne",
			true: "også når nogen læser"}[logReads]
		if !strings.Contains(notice, says) || !strings.Contains(notice, "driftsmiljøets log") {
			t.Errorf("log reads %v: the privacy notice says %q, want %q", logReads, notice, says)
		}
	}
}

// slowBlobs is a media store that can be slow to open a file, as an S3
// server under strain.
type slowBlobs struct {
	media.Blobs
	slow atomic.Bool
}

func (b *slowBlobs) Open(ctx context.Context, key string) (media.Blob, error) {
	if b.slow.Load() {
		time.Sleep(slowAnswer)
	}
	return b.Blobs.Open(ctx, key)
}

// slowAnswer is a little more than the second after which a read is
// logged anyway.
const slowAnswer = 1100 * time.Millisecond

// slowReader is a reader on a slow line: the answer begins at once, and
// its bytes take more than a second to arrive.
type slowReader struct {
	*httptest.ResponseRecorder
}

func (w slowReader) Write(p []byte) (int, error) {
	time.Sleep(slowAnswer)
	return w.ResponseRecorder.Write(p)
}

// By default a read is logged when the hub was slow to answer it, not
// when its reader was slow to download it (a parent watching a film on
// a phone is a reader like any other), and a file its store cut off is
// logged with the request line that the error's request ID names.
func TestRequestLogTimesTheHubNotTheReader(t *testing.T) {
	st := storagetest.Open(t, storage.SQLite)
	disk, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	down := &downBlobs{Blobs: disk}
	blobs := &slowBlobs{Blobs: down}
	var logs syncBuffer
	h := newHubOn(t, st, web.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, blobs)
	img := h.storeImage(640, 360)
	h.publish(&material.Material{Title: "Med billede", CoverID: img.ID, CoverAlt: "Et bord"})
	line := "GET /media/" + img.Key + " 200"

	w := slowReader{httptest.NewRecorder()}
	h.web.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/media/"+img.Key, nil))
	if w.Code != http.StatusOK {
		t.Fatalf("the file to a slow reader: %d", w.Code)
	}
	if got := requestLines(logs.String()); slices.Contains(got, line) {
		t.Errorf("a slow reader's download was logged, with their address: %q", got)
	}

	blobs.slow.Store(true)
	if p := h.client().get("/media/" + img.Key); p.status != http.StatusOK {
		t.Fatalf("the file from a slow store: %d", p.status)
	}
	blobs.slow.Store(false)
	if got := requestLines(logs.String()); !slices.Contains(got, line) {
		t.Errorf("a file the hub took over a second to begin was not logged: %q", got)
	}

	down.cut.Store(true)
	res, err := http.Get(h.srv.URL + "/media/" + img.Key)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	down.cut.Store(false)
	id := regexp.MustCompile(`msg="media file cut off by its store" request_id=(\w+)`).FindStringSubmatch(logs.String())
	if id == nil {
		t.Fatalf("no line for the file cut off by its store:\n%s", logs.String())
	}
	if !regexp.MustCompile(`msg=request request_id=` + id[1] + ` method=GET path=/media/`).MatchString(logs.String()) {
		t.Errorf("the file cut off by its store (request %s) has no request line:\n%s", id[1], logs.String())
	}
}
