package main

import (
	"strings"
	"testing"
	"time"
)

func TestSmokeFailsOnFailedRequests(t *testing.T) {
	m := &measurement{static: target{Name: "static file"},
		targets: []*target{{Name: "front page"}, {Name: "feed"}}}
	if err := m.failedRequests(); err != nil {
		t.Fatalf("no failed requests gave %v", err)
	}
	m.targets[1].Result.Errors = 3
	err := m.failedRequests()
	if err == nil || !strings.Contains(err.Error(), "feed: 3") {
		t.Fatalf("three failed feed requests gave %v, want an error naming the feed", err)
	}
}

func TestMedianResult(t *testing.T) {
	got := medianResult([]result{
		{Requests: 10, RPS: 300, P50: 3, P99: 30, Errors: 1},
		{Requests: 20, RPS: 100, P50: 1, P99: 90},
		{Requests: 30, RPS: 200, P50: 2, P99: 10},
	})
	want := result{Requests: 60, RPS: 200, P50: 2, P99: 30, Errors: 1}
	if got != want {
		t.Errorf("median of three: %+v, want %+v", got, want)
	}
	got = medianResult([]result{{RPS: 100, P50: 2, P99: 10}, {RPS: 300, P50: 4, P99: 30}})
	if got.RPS != 200 || got.P50 != 3 || got.P99 != 20 {
		t.Errorf("median of two: %+v", got)
	}
}

func TestSoakVerdict(t *testing.T) {
	flat := make([]int64, 60)
	growing := make([]int64, 60)
	for i := range flat {
		flat[i] = 100_000 + int64(i%3)*1000
		growing[i] = 100_000 + int64(i)*500
	}
	for _, tt := range []struct {
		name   string
		rss    []int64
		errors int64
		want   string
	}{
		{"flat", flat, 0, ""},
		{"failed requests", flat, 2, "2 failed requests"},
		{"growing", growing, 0, "memory grew"},
		{"no readings", nil, 0, "too few memory readings"},
	} {
		r := &soakResult{rss: tt.rss, wrk: result{Errors: tt.errors}}
		r.levels(60 * time.Second)
		err := r.verdict()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
