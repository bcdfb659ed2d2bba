package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// A panic in a handler gives a 500 that names the request ID, and the log
// has the panic and the request's line under that same ID.
func TestPanicNamesItsRequest(t *testing.T) {
	var logs bytes.Buffer
	blobs, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))},
		storagetest.Open(t, storage.SQLite), blobs)
	if err != nil {
		t.Fatal(err)
	}
	s.mux.HandleFunc("GET /panik", func(http.ResponseWriter, *http.Request) { panic("boom") })

	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/panik", nil))
	id := regexp.MustCompile(`fejl-id ([0-9a-f]{16})\)`).FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusInternalServerError || id == nil {
		t.Fatalf("status %d, body %q: want 500 naming the request ID", rec.Code, rec.Body.String())
	}
	log := logs.String()
	for _, want := range []string{
		"level=ERROR msg=panic request_id=" + id[1] + " path=/panik panic=boom",
		"level=ERROR msg=request request_id=" + id[1] + " method=GET path=/panik status=500",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}
