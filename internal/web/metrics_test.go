package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/metrics"
	"github.com/bindeled/bindeled/internal/metrics/metricstest"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
	"github.com/bindeled/bindeled/internal/web"
)

func TestMetricsByRoutePattern(t *testing.T) {
	st := storagetest.Open(t, storage.SQLite)
	m := metrics.New("test")
	h := newHubWith(t, st, web.Config{Metrics: m})
	scrape := httptest.NewServer(m.Handler())
	defer scrape.Close()

	mat := h.publish(&material.Material{Title: "Trivsel i klassen", Body: "## Om\n\nTekst."})
	c := h.client()
	for range 2 {
		if p := c.get("/materialer/" + mat.Slug); p.status != http.StatusOK {
			t.Fatalf("material page: %d", p.status)
		}
	}
	if p := c.get("/materialer/findes-ikke-abc123"); p.status != http.StatusNotFound {
		t.Fatalf("unknown material: %d", p.status)
	}
	if p := c.get("/helt/ukendt/sti-xyz789"); p.status != http.StatusNotFound {
		t.Fatalf("unknown path: %d", p.status)
	}
	if p := c.get("/redaktion/login"); p.status != http.StatusOK {
		t.Fatalf("login page: %d", p.status)
	}

	f := metricstest.Scrape(t, scrape.URL+"/metrics")
	const hist = "bindeled_http_request_duration_seconds"
	tests := []struct {
		route, class string
		want         float64
	}{
		{"GET /materialer/{slug}", "2xx", 2},
		{"GET /materialer/{slug}", "4xx", 1},
		{"unmatched", "4xx", 1},
		{"GET /redaktion/login", "2xx", 1},
	}
	for _, tt := range tests {
		if got, ok := f.Value(hist, "route", tt.route, "status_class", tt.class); !ok || got != tt.want {
			t.Errorf("%s %s: %v requests (found %v), want %v", tt.route, tt.class, got, ok, tt.want)
		}
	}
	for _, route := range f.LabelValues(hist, "route") {
		for _, raw := range []string{mat.Slug, "abc123", "xyz789"} {
			if strings.Contains(route, raw) {
				t.Errorf("route label %q holds a raw path", route)
			}
		}
	}
	if hits, _ := f.Value("bindeled_page_cache_hits_total"); hits < 1 {
		t.Errorf("page cache hits %v, want at least the second visit", hits)
	}
	if misses, _ := f.Value("bindeled_page_cache_misses_total"); misses < 1 {
		t.Errorf("page cache misses %v, want at least the first visit", misses)
	}
	if size, _ := f.Value("bindeled_page_cache_bytes"); size <= 0 {
		t.Errorf("page cache bytes %v, want the kept page", size)
	}
}
