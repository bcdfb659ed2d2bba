package main

import (
	"strings"
	"testing"
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
