package web_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bindeled/bindeled/internal/material"
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
		says := map[bool]string{false: "ikke, hvem der læser", true: "også når nogen læser"}[logReads]
		if !strings.Contains(notice, says) || !strings.Contains(notice, "driftsmiljøets log") {
			t.Errorf("log reads %v: the privacy notice says %q, want %q", logReads, notice, says)
		}
	}
}
