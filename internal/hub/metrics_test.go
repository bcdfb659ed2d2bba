package hub_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/metrics/metricstest"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestMetricsOnTheirOwnListener(t *testing.T) {
	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			cfg := config(t, storagetest.DSN(t, b))
			cfg.MetricsAddr = freeAddr(t)
			cfg.Starter = false
			h, err := hub.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			sctx, cancel := context.WithCancel(ctx)
			addr := make(chan string, 1)
			done := make(chan error, 1)
			go func() { done <- h.Serve(sctx, "127.0.0.1:0", time.Second, func(a string) { addr <- a }) }()
			site := "http://" + <-addr
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("serve: %v", err)
				}
			}()

			// The site does not serve the metrics.
			res, err := http.Get(site + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("/metrics on the site: %d, want 404", res.StatusCode)
			}
			if res, err := http.Get(site + "/"); err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("front page: %v %v", res, err)
			} else {
				res.Body.Close()
			}

			f := metricstest.Scrape(t, "http://"+cfg.MetricsAddr+"/metrics")
			checks := []struct {
				name   string
				labels []string
			}{
				{"bindeled_http_request_duration_seconds", []string{"route", "GET /{$}", "status_class", "2xx"}},
				{"bindeled_http_request_duration_seconds", []string{"route", "unmatched", "status_class", "4xx"}},
				{"bindeled_jobs_queue_up", nil},
				{"go_sql_open_connections", []string{"db_name", string(b)}},
				{"go_goroutines", nil},
				{"bindeled_page_cache_misses_total", nil},
			}
			for _, c := range checks {
				if v, ok := f.Value(c.name, c.labels...); !ok || (c.name != "go_sql_open_connections" && v < 1) {
					t.Errorf("%s%v = %v (found %v)", c.name, c.labels, v, ok)
				}
			}
		})
	}
}
