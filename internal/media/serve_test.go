package media

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// serveFixture stores one 2000-byte blob and serves it through a real HTTP
// server; the query parameters t and n give the content type and name.
func serveFixture(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return serveFixtureOn(t, d)
}

// serveFixtureOn is serveFixture with the blob kept in d.
func serveFixtureOn(t *testing.T, d Blobs) (*httptest.Server, []byte) {
	t.Helper()
	data := make([]byte, 2000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	const key = "feedface.bin"
	if _, err := d.Put(context.Background(), key, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := d.Open(r.Context(), key)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer b.Close()
		Serve(w, r, b, r.URL.Query().Get("t"), r.URL.Query().Get("n"))
	}))
	t.Cleanup(srv.Close)
	return srv, data
}

type serveCase struct {
	name        string
	typ         string
	rangeHeader string
	status      int
	body        func(data []byte) []byte
	headers     map[string]string
}

func TestServe(t *testing.T) {
	disk, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s3, _ := newTestS3(t, false)
	for name, store := range map[string]Blobs{"disk": disk, "s3": s3} {
		t.Run(name, func(t *testing.T) { testServe(t, store) })
	}
}

func testServe(t *testing.T, store Blobs) {
	srv, data := serveFixtureOn(t, store)
	size := strconv.Itoa(len(data))
	for _, tt := range serveCases(size) {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+"/?t="+urlEscape(tt.typ)+"&n=Forældremøde.pdf",
				tt.rangeHeader)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.body != nil && !bytes.Equal(body, tt.body(data)) {
				t.Errorf("body has %d bytes, not the expected ones", len(body))
			}
			for k, want := range tt.headers {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if ce := resp.Header.Get("Content-Encoding"); ce != "" || resp.Uncompressed {
				t.Errorf("response is compressed: %q", ce)
			}
		})
	}
}

func serveCases(size string) []serveCase {
	return []serveCase{
		{"plain", typeMP4, "", 200, func(d []byte) []byte { return d }, map[string]string{
			"Accept-Ranges":                "bytes",
			"Content-Length":               size,
			"Content-Type":                 "video/mp4",
			"X-Content-Type-Options":       "nosniff",
			"Content-Security-Policy":      "default-src 'none'; sandbox",
			"Cross-Origin-Resource-Policy": "same-site",
			"Cache-Control":                "public, max-age=31536000, immutable",
		}},
		{"first two bytes", typeMP4, "bytes=0-1", 206,
			func(d []byte) []byte { return d[:2] }, map[string]string{
				"Content-Range":  "bytes 0-1/" + size,
				"Content-Length": "2",
			}},
		{"last 500 bytes", typeWebM, "bytes=-500", 206,
			func(d []byte) []byte { return d[len(d)-500:] }, map[string]string{
				"Content-Range": fmt.Sprintf("bytes 1500-1999/%s", size),
				"Content-Type":  "video/webm",
			}},
		{"a middle part", typeMP4, "bytes=1000-1099", 206,
			func(d []byte) []byte { return d[1000:1100] }, map[string]string{
				"Content-Range": "bytes 1000-1099/" + size,
			}},
		{"from an offset to the end", typeMP4, "bytes=1990-", 206,
			func(d []byte) []byte { return d[1990:] }, map[string]string{
				"Content-Range": "bytes 1990-1999/" + size,
			}},
		{"past the end", typeMP4, "bytes=5000-6000", 416, nil, map[string]string{
			"Content-Range": "bytes */" + size,
		}},
		{"webm is video", typeWebM, "", 200, nil, map[string]string{
			"Content-Type":        "video/webm",
			"Content-Disposition": "inline; filename*=UTF-8''For%C3%A6ldrem%C3%B8de.pdf.webm",
		}},
		{"pdf is an attachment", typePDF, "", 200, nil, map[string]string{
			"Content-Type":           "application/pdf",
			"Content-Disposition":    "attachment; filename*=UTF-8''For%C3%A6ldrem%C3%B8de.pdf",
			"X-Content-Type-Options": "nosniff",
		}},
		{"docx is an attachment", typeDOCX, "", 200, nil, map[string]string{
			"Content-Disposition": "attachment; filename*=UTF-8''For%C3%A6ldrem%C3%B8de.pdf.docx",
		}},
		{"unknown type is an attachment", "", "", 200, nil, map[string]string{
			"Content-Type":        "application/octet-stream",
			"Content-Disposition": "attachment; filename*=UTF-8''For%C3%A6ldrem%C3%B8de.pdf",
		}},
		{"vtt", typeVTT, "", 200, nil, map[string]string{
			"Content-Type": "text/vtt; charset=utf-8",
		}},
	}
}

func urlEscape(s string) string {
	return strings.NewReplacer(";", "%3B", " ", "%20", "+", "%2B", "=", "%3D").Replace(s)
}

// get sends a real GET request, with a Range header if rng is set, and
// returns the response and its body.
func get(t *testing.T, url, rng string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestServeConditional(t *testing.T) {
	srv, _ := serveFixture(t)
	resp, _ := get(t, srv.URL+"/?t=image/png", "")
	lm := resp.Header.Get("Last-Modified")
	if lm == "" {
		t.Fatal("no Last-Modified")
	}

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/?t=image/png", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("If-Modified-Since", lm)
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotModified {
		t.Errorf("status %d, want 304", resp2.StatusCode)
	}
}

func TestDisposition(t *testing.T) {
	tests := []struct {
		typ, name, want string
	}{
		{typePDF, "Referat.pdf", "attachment; filename*=UTF-8''Referat.pdf"},
		{typePDF, "../../etc/passwd", "attachment; filename*=UTF-8''passwd.pdf"},
		{typePDF, `C:\Users\x\Skema.PDF`, "attachment; filename*=UTF-8''Skema.PDF"},
		{typePDF, "", "attachment; filename*=UTF-8''fil.pdf"},
		{typePDF, " .. ", "attachment; filename*=UTF-8''fil.pdf"},
		{typePDF, "a\r\nSet-Cookie: x=1", "attachment; filename*=UTF-8''aSet-Cookie%20x%3D1.pdf"},
		{typePDF, "evil\u202egpj.exe", "attachment; filename*=UTF-8''evilgpj.exe.pdf"},
		{typePDF, `a"b;c'd.pdf`, "attachment; filename*=UTF-8''ab%3Bc%27d.pdf"},
		{typeODT, "plan.odt", "attachment; filename*=UTF-8''plan.odt"},
		{typeJPEG, "", "inline"},
		{typeJPEG, "Udflugt.jpeg", "inline; filename*=UTF-8''Udflugt.jpeg.jpg"},
		{typePNG, "tegning", "inline; filename*=UTF-8''tegning.png"},
		{"text/html", "x.html", "attachment; filename*=UTF-8''x.html"},
		{"image/svg+xml", "x.svg", "attachment; filename*=UTF-8''x.svg"},
	}
	for _, tt := range tests {
		if got := disposition(tt.typ, tt.name); got != tt.want {
			t.Errorf("disposition(%q, %q) = %q, want %q", tt.typ, tt.name, got, tt.want)
		}
	}
}

func TestDispositionLongName(t *testing.T) {
	got := safeName(strings.Repeat("æ", 500), typePDF)
	if n := len([]rune(got)); n != maxNameRunes+len(".pdf") {
		t.Errorf("name has %d runes", n)
	}
}

func TestNoCompress(t *testing.T) {
	tests := []struct {
		typ  string
		want bool
	}{
		{"video/mp4", true},
		{"video/webm", true},
		{"image/jpeg", true},
		{"IMAGE/PNG", true},
		{"application/pdf", true},
		{typeDOCX, true},
		{typeODT, true},
		{"text/vtt; charset=utf-8", false},
		{"text/html; charset=utf-8", false},
		{"application/json", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := NoCompress(tt.typ); got != tt.want {
			t.Errorf("NoCompress(%q) = %v, want %v", tt.typ, got, tt.want)
		}
	}
}
