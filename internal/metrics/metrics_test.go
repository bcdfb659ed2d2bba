package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/metrics"
	"github.com/bindeled/bindeled/internal/metrics/metricstest"
)

func TestScrapeParses(t *testing.T) {
	m := metrics.New("1.2.3")
	r := m.Route("GET /materialer/{slug}")
	r.Observe(http.StatusOK, 3*time.Millisecond)
	r.Observe(http.StatusOK, time.Millisecond)
	r.Observe(http.StatusNotFound, time.Millisecond)
	r.Observe(999, time.Millisecond)
	m.JobRan("publish", nil)
	m.JobRan("mail", errors.New("smtp down"))
	oldest := time.Now().Add(-time.Minute)
	if err := m.WatchJobs(func(context.Context, time.Time) ([]metrics.JobQueue, error) {
		return []metrics.JobQueue{{Kind: "mail", Due: 4, Oldest: oldest}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchPageCache(func() (int64, int64, int64) { return 7, 2, 4096 }); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	f := metricstest.Scrape(t, srv.URL+"/metrics")
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"bindeled_http_request_duration_seconds", []string{"route", "GET /materialer/{slug}",
			"status_class", "2xx"}, 2},
		{"bindeled_http_request_duration_seconds", []string{"status_class", "4xx"}, 1},
		{"bindeled_http_request_duration_seconds", []string{"status_class", "other"}, 1},
		{"bindeled_job_runs_total", []string{"kind", "mail"}, 1},
		{"bindeled_job_runs_total", []string{"kind", "publish"}, 1},
		{"bindeled_job_failures_total", []string{"kind", "mail"}, 1},
		{"bindeled_jobs_due", []string{"kind", "mail"}, 4},
		{"bindeled_jobs_queue_up", nil, 1},
		{"bindeled_page_cache_hits_total", nil, 7},
		{"bindeled_page_cache_misses_total", nil, 2},
		{"bindeled_page_cache_bytes", nil, 4096},
		{"bindeled_build_info", []string{"version", "1.2.3"}, 1},
	}
	for _, tt := range tests {
		if got, ok := f.Value(tt.name, tt.labels...); !ok || got != tt.want {
			t.Errorf("%s%v = %v (found %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
	if _, ok := f.Value("bindeled_job_failures_total", "kind", "publish"); ok {
		t.Error("a kind that never failed has a failure series")
	}
	if wait, _ := f.Value("bindeled_jobs_oldest_due_seconds", "kind", "mail"); wait < 59 || wait > 120 {
		t.Errorf("oldest due job waited %vs, want about 60", wait)
	}
	if _, ok := f.Value("go_goroutines"); !ok {
		t.Error("no Go runtime metrics")
	}

	// Only /metrics is served.
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /: %d, want 404", res.StatusCode)
	}
}

func TestJobQueueUnreadable(t *testing.T) {
	m := metrics.New("x")
	if err := m.WatchJobs(func(context.Context, time.Time) ([]metrics.JobQueue, error) {
		return nil, errors.New("database gone")
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	if up, ok := metricstest.Scrape(t, srv.URL+"/metrics").Value("bindeled_jobs_queue_up"); !ok || up != 0 {
		t.Errorf("bindeled_jobs_queue_up = %v (%v), want 0", up, ok)
	}
}

// TestObserveAllocatesNothing keeps the request path as cheap with
// metrics as without, once a route has answered with a status class.
func TestObserveAllocatesNothing(t *testing.T) {
	r := metrics.New("x").Route("GET /")
	r.Observe(http.StatusOK, time.Millisecond)
	if n := testing.AllocsPerRun(100, func() { r.Observe(http.StatusOK, time.Millisecond) }); n != 0 {
		t.Errorf("Observe allocates %v times per call", n)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Route("GET /").Observe(http.StatusOK, time.Millisecond)
	m.JobRan("mail", errors.New("x"))
	if err := m.WatchPageCache(func() (int64, int64, int64) { return 0, 0, 0 }); err != nil {
		t.Error(err)
	}
}
