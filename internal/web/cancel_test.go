package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A reader who goes away before the page is ready is no server error.
func TestReaderGoneIsNotAnError(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		var logs syncBuffer
		w := newHubWith(t, st, web.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))}).web
		for _, path := range []string{"/", "/materialer?q=trivsel", "/feed/rss"} {
			gone, cancel := context.WithCancel(ctx)
			cancel()
			rec := httptest.NewRecorder()
			w.ServeHTTP(rec, httptest.NewRequest("GET", path, nil).WithContext(gone))
			if rec.Code != 499 {
				t.Errorf("%s: status %d for a reader who went away, want 499", path, rec.Code)
			}
		}
		if got := logs.String(); strings.Contains(got, "level=ERROR") || !strings.Contains(got, "status=499") {
			t.Errorf("log:\n%s\nwant request lines with status=499 and no errors", got)
		}
	})
}

// A format the oEmbed provider does not speak is the asker's matter: the
// 501 the specification names is answered without an error in the log,
// which any reader could otherwise fill.
func TestNotImplementedIsNotAnError(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		var logs syncBuffer
		w := newHubWith(t, st, web.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))}).web
		rec := httptest.NewRecorder()
		w.ServeHTTP(rec, httptest.NewRequest("GET", "/oembed?format=zq&url=http%3A%2F%2Fexample.com%2F", nil))
		if rec.Code != http.StatusNotImplemented {
			t.Fatalf("status %d, want 501", rec.Code)
		}
		if got := logs.String(); strings.Contains(got, "level=ERROR") || !strings.Contains(got, "status=501") {
			t.Errorf("log:\n%s\nwant a request line with status=501 and no errors", got)
		}
	})
}
