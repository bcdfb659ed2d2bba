package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeFile: the static-file reference sends the file's bytes as they
// are, with the type and encoding it was given, answers a revalidation
// with 304 and a range with 206, and refuses other methods.
func TestServeFile(t *testing.T) {
	data := bytes.Repeat([]byte{0x1b, 0x8b, 0x02, 0x80}, 300) // stands in for compressed bytes
	name := filepath.Join(t.TempDir(), "page.br")
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := fileHandler(name, "text/html; charset=utf-8", "br")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}

	get := func(header ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest("GET", srv.URL+"/any/path", nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	resp := get("Accept-Encoding", "gzip, br")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Fatalf("GET: %d, %d bytes, want 200 and the file's %d bytes", resp.StatusCode, len(body), len(data))
	}
	for k, want := range map[string]string{"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "br",
		"Vary": "Accept-Encoding"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}

	resp = get("If-None-Match", etag)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", resp.StatusCode)
	}
	resp = get("Range", "bytes=0-9")
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[:10]) {
		t.Errorf("range: %d, %d bytes, want 206 and 10 bytes", resp.StatusCode, len(body))
	}
	resp, err = client.Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
}

// TestServeFileIsHidden: serve-file is not offered in the usage, wants
// exactly one file, and says so when the file is missing.
func TestServeFileIsHidden(t *testing.T) {
	if strings.Contains(usage, "serve-file") {
		t.Error("serve-file is listed in the usage")
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"serve-file"}, nil, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "one file") {
		t.Errorf("no file: %v", err)
	}
	missing := filepath.Join(t.TempDir(), "missing.br")
	if err := run(context.Background(), []string{"serve-file", "--addr", "127.0.0.1:0", missing}, nil, &out,
		&errOut); err == nil || !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}
