package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/metrics"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

// discardWriter is the cheapest ResponseWriter, the same for both sides of
// the comparison.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

// BenchmarkCachedPage compares an article page answered from the page
// cache through the whole handler (request log at the info level,
// security headers, routing, the page version, content negotiation) with
// http.ServeContent sending the same brotli bytes, as a static file
// server would. The ratio of the two is in docs/performance.md.
func BenchmarkCachedPage(b *testing.B) {
	st := storagetest.Open(b, storage.SQLite)
	h := newHubWith(b, st, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	w := h.web
	body := strings.Repeat("Et afsnit om samarbejdet mellem skole og hjem, med [et link](/materialer).\n\n", 40)
	var m *material.Material
	for i := range 30 {
		m = h.publish(&material.Material{Title: "Artikel nummer " + string(rune('A'+i)), Body: body})
	}
	path := "/materialer/" + m.Slug
	request := func() *http.Request {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Accept-Encoding", "gzip, deflate, br")
		r.RemoteAddr = "127.0.0.1:40000"
		return r
	}
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, request())
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "br" {
		b.Fatalf("status %d, encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
	page := rec.Body.Bytes()

	b.Run("cache", func(b *testing.B) {
		r := request()
		for b.Loop() {
			dw := &discardWriter{h: http.Header{}}
			w.ServeHTTP(dw, r)
			if dw.n != len(page) {
				b.Fatalf("%d bytes, want %d", dw.n, len(page))
			}
		}
	})
	// The same with metrics on: the request is also counted by route.
	withMetrics := newHubWith(b, st, web.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Metrics: metrics.New("bench")}).web
	withMetrics.ServeHTTP(httptest.NewRecorder(), request())
	b.Run("cache-metrics", func(b *testing.B) {
		r := request()
		for b.Loop() {
			dw := &discardWriter{h: http.Header{}}
			withMetrics.ServeHTTP(dw, r)
			if dw.n != len(page) {
				b.Fatalf("%d bytes, want %d", dw.n, len(page))
			}
		}
	})
	b.Run("unread-query", func(b *testing.B) { // a new parameter the page does not read each time
		i := 0
		for b.Loop() {
			i++
			r := request()
			r.URL.RawQuery = "x=" + strconv.Itoa(i)
			dw := &discardWriter{h: http.Header{}}
			w.ServeHTTP(dw, r)
			if dw.n != len(page) {
				b.Fatalf("%d bytes, want %d", dw.n, len(page))
			}
		}
	})
	b.Run("static", func(b *testing.B) {
		r := request()
		for b.Loop() {
			dw := &discardWriter{h: http.Header{}}
			dw.h.Set("Content-Type", "text/html; charset=utf-8")
			dw.h.Set("Content-Encoding", "br")
			http.ServeContent(dw, r, "", time.Time{}, bytes.NewReader(page))
			if dw.n != len(page) {
				b.Fatalf("%d bytes, want %d", dw.n, len(page))
			}
		}
	})
}
