package s3test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var cfg = Config{Bucket: "b", Region: "eu-north-1", AccessKey: "AKIDEXAMPLE",
	SecretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}

// rawPut builds a PUT of body to key, signed correctly now; spoil
// changes it before it is sent, after signing.
func rawPut(t *testing.T, base, key string, body []byte, sign func(*http.Request, []byte),
	spoil func(*http.Request)) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, base+"/"+cfg.Bucket+"/"+key, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Meta-Kind", "test")
	if sign != nil {
		sign(req, body)
	}
	if spoil != nil {
		spoil(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func signNow(secret string, at time.Time) func(*http.Request, []byte) {
	return func(r *http.Request, body []byte) { Sign(r, body, cfg.AccessKey, secret, cfg.Region, at) }
}

func TestSignatureChecks(t *testing.T) {
	srv := New(cfg)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	body := []byte("Forældremøde torsdag kl. 17")
	good := signNow(cfg.SecretKey, time.Now())

	tests := []struct {
		name   string
		sign   func(*http.Request, []byte)
		spoil  func(*http.Request)
		body   []byte
		status int
		code   string
	}{
		{"unsigned", nil, nil, body, 403, "AccessDenied"},
		{"wrong secret", signNow("not-the-secret", time.Now()), nil, body, 403, "SignatureDoesNotMatch"},
		{"unknown access key", func(r *http.Request, b []byte) {
			Sign(r, b, "AKIDOTHER", cfg.SecretKey, cfg.Region, time.Now())
		}, nil, body, 403, "InvalidAccessKeyId"},
		{"tampered signed header", good, func(r *http.Request) { r.Header.Set("X-Amz-Meta-Kind", "evil") },
			body, 403, "SignatureDoesNotMatch"},
		{"unsigned x-amz header added", good, func(r *http.Request) { r.Header.Set("X-Amz-Acl", "public-read") },
			body, 403, "AccessDenied"},
		{"tampered path", good, func(r *http.Request) { r.URL.Path = "/" + cfg.Bucket + "/other" },
			body, 403, "SignatureDoesNotMatch"},
		{"tampered query", good, func(r *http.Request) { r.URL.RawQuery = "x=1" },
			body, 403, "SignatureDoesNotMatch"},
		{"tampered body and its hash", good, func(r *http.Request) {
			evil := []byte("Forældremøde fredag kl. 17")
			r.Body = io.NopCloser(bytes.NewReader(evil))
			r.ContentLength = int64(len(evil))
			r.Header.Set("X-Amz-Content-Sha256", hashHex(evil))
		}, body, 403, "SignatureDoesNotMatch"},
		{"tampered body, hash kept", good, func(r *http.Request) {
			evil := []byte("Forældremøde fredag kl. 17")
			r.Body = io.NopCloser(bytes.NewReader(evil))
			r.ContentLength = int64(len(evil))
		}, body, 400, "XAmzContentSHA256Mismatch"},
		{"stale date", signNow(cfg.SecretKey, time.Now().Add(-16*time.Minute)), nil, body, 403,
			"RequestTimeTooSkewed"},
		{"future date", signNow(cfg.SecretKey, time.Now().Add(16*time.Minute)), nil, body, 403,
			"RequestTimeTooSkewed"},
		{"wrong region", func(r *http.Request, b []byte) {
			Sign(r, b, cfg.AccessKey, cfg.SecretKey, "us-east-1", time.Now())
		}, nil, body, 400, "<Region>eu-north-1</Region>"},
		{"date header replaced", good, func(r *http.Request) {
			r.Header.Set("X-Amz-Date", time.Now().Add(-time.Minute).UTC().Format(amzDateFormat))
		}, body, 403, "SignatureDoesNotMatch"},
		{"correct", good, nil, body, 200, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprintf("k%d", i)
			status, out := rawPut(t, ts.URL, key, tt.body, tt.sign, tt.spoil)
			if status != tt.status || !strings.Contains(out, tt.code) {
				t.Fatalf("status %d %s, want %d %s", status, out, tt.status, tt.code)
			}
			stored, ok := srv.Object(key)
			if ok != (tt.status == 200) || ok && !bytes.Equal(stored, body) {
				t.Errorf("stored %v %q", ok, stored)
			}
		})
	}
}

// TestChunkSignatures sends a streaming upload by hand: the chunks'
// signatures chain from the request's, and a changed chunk is refused.
func TestChunkSignatures(t *testing.T) {
	srv := New(cfg)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	chunks := [][]byte{bytes.Repeat([]byte("a"), 70000), []byte("slut"), nil}

	for _, tt := range []struct {
		name   string
		spoil  func([][]byte)
		status int
	}{
		{"correct", nil, 200},
		{"changed chunk", func(c [][]byte) { c[1] = []byte("SLUT") }, 403},
		{"dropped chunk", func(c [][]byte) { c[1] = nil }, 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := streamingBody(t, ts.URL, chunks, tt.spoil)
			resp, err := http.DefaultClient.Do(body)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, out, tt.status)
			}
		})
	}
	if got, ok := srv.Object("stream"); !ok || len(got) != 70004 {
		t.Errorf("stored %d bytes", len(got))
	}
}

// streamingBody signs a streaming upload of chunks, then lets spoil
// change the chunks before the body is written.
func streamingBody(t *testing.T, base string, chunks [][]byte, spoil func([][]byte)) *http.Request {
	t.Helper()
	total := 0
	for _, c := range chunks {
		total += len(c)
	}
	req, err := http.NewRequest(http.MethodPut, base+"/"+cfg.Bucket+"/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Content-Sha256", streamingPayload)
	req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(total))
	req.Header.Set("Content-Encoding", "aws-chunked")
	now := time.Now()
	Sign(req, nil, cfg.AccessKey, cfg.SecretKey, cfg.Region, now)
	seed := req.Header.Get("Authorization")
	seed = seed[strings.LastIndex(seed, "=")+1:]

	when := now.UTC().Format(amzDateFormat)
	scope := when[:8] + "/" + cfg.Region + "/s3/aws4_request"
	key := signingKey(cfg.SecretKey, when[:8], cfg.Region, "s3")
	sigs := make([]string, len(chunks))
	prev := seed
	for i, c := range chunks {
		sts := strings.Join([]string{"AWS4-HMAC-SHA256-PAYLOAD", when, scope, prev, emptySHA256, hashHex(c)}, "\n")
		prev = fmt.Sprintf("%x", hmacSHA256(key, sts))
		sigs[i] = prev
	}
	sent := append([][]byte(nil), chunks...)
	if spoil != nil {
		spoil(sent)
	}
	var b bytes.Buffer
	for i, c := range sent {
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n%s\r\n", len(c), sigs[i], c)
	}
	req.Body = io.NopCloser(&b)
	req.ContentLength = int64(b.Len())
	return req
}
