package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/media/s3test"
)

var testS3Config = s3test.Config{Bucket: "bindeled", Region: "eu-north-1", AccessKey: "AKIDTEST",
	SecretKey: "hemmelig/nøgle+til+test"}

// newTestS3 starts a test S3 server on loopback, over TLS if asked, and
// returns a store speaking to it under the prefix "media/".
func newTestS3(t *testing.T, useTLS bool) (*S3, *s3test.Server) {
	t.Helper()
	srv := s3test.New(testS3Config)
	var ts *httptest.Server
	if useTLS {
		ts = httptest.NewTLSServer(srv)
	} else {
		ts = httptest.NewServer(srv)
	}
	t.Cleanup(ts.Close)

	cfg := S3Config{Endpoint: strings.TrimPrefix(strings.TrimPrefix(ts.URL, "http://"), "https://"),
		Bucket: testS3Config.Bucket, Prefix: "media/", Region: testS3Config.Region,
		AccessKey: testS3Config.AccessKey, SecretKey: testS3Config.SecretKey, PathStyle: true, Insecure: !useTLS}
	if useTLS {
		cfg.Transport = ts.Client().Transport
	}
	s, err := NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, srv
}

func TestS3Store(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		name := map[bool]string{false: "http", true: "https"}[useTLS]
		t.Run(name, func(t *testing.T) {
			s, srv := newTestS3(t, useTLS)
			for _, size := range []int{0, 1000, S3PartSize, S3PartSize + 12345} {
				roundTrip(t, s, srv, size)
			}
			if _, refused, _ := srv.Stats(); refused != 0 {
				t.Errorf("%d requests of the client were refused", refused)
			}
		})
	}
}

// roundTrip stores size bytes, reads them back whole and from an offset,
// and deletes them.
func roundTrip(t *testing.T, s *S3, srv *s3test.Server, size int) {
	t.Helper()
	ctx := context.Background()
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*31 + i>>9)
	}
	key := "0123456789abcdef.mp4"
	n, err := s.Put(ctx, key, struct{ io.Reader }{bytes.NewReader(data)})
	if err != nil || n != int64(size) {
		t.Fatalf("put %d bytes: %d, %v", size, n, err)
	}
	if got, ok := srv.Object("media/" + key); !ok || !bytes.Equal(got, data) {
		t.Fatalf("server keeps %d bytes under media/%s, want the %d put", len(got), key, size)
	}

	b, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Size() != int64(size) || b.ModTime().IsZero() {
		t.Errorf("size %d, time %v", b.Size(), b.ModTime())
	}
	if got, err := io.ReadAll(b); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if size > 10 {
		if _, err := b.Seek(-10, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(b); err != nil || !bytes.Equal(got, data[size-10:]) {
			t.Errorf("read after seek: %x, %v", got, err)
		}
	}

	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open after delete: %v, want fs.ErrNotExist", err)
	}
}

// TestS3VirtualHosted addresses the bucket in the host name, as AWS
// wants: bindeled.example.com, which the test certificate covers, is
// dialled at the test server.
func TestS3VirtualHosted(t *testing.T) {
	srv := s3test.New(testS3Config)
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	tr := ts.Client().Transport.(*http.Transport).Clone()
	var mu sync.Mutex
	var hosts []string
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		mu.Lock()
		hosts = append(hosts, addr)
		mu.Unlock()
		return (&net.Dialer{}).DialContext(ctx, network, ts.Listener.Addr().String())
	}
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	s, err := NewS3(S3Config{Endpoint: "example.com:" + port, Bucket: testS3Config.Bucket,
		Region: testS3Config.Region, AccessKey: testS3Config.AccessKey, SecretKey: testS3Config.SecretKey,
		Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	// roundTrip looks the object up under the prefix; this store has none.
	s.prefix = "media/"
	roundTrip(t, s, srv, 5000)
	mu.Lock()
	defer mu.Unlock()
	if len(hosts) == 0 || hosts[0] != "bindeled.example.com:"+port {
		t.Errorf("dialled %v, want the bucket's own host name", hosts)
	}
}

func TestS3MissingAndBadKeys(t *testing.T) {
	s, _ := newTestS3(t, false)
	ctx := context.Background()
	if _, err := s.Open(ctx, "abcdef.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open missing: %v, want fs.ErrNotExist", err)
	}
	if err := s.Delete(ctx, "abcdef.jpg"); err != nil {
		t.Errorf("delete missing: %v", err)
	}
	for _, key := range []string{"../x", "a/b.jpg", "AB.jpg"} {
		if _, err := s.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, ErrBadKey) {
			t.Errorf("put %q: %v, want ErrBadKey", key, err)
		}
	}
}

func TestS3WrongSecretFails(t *testing.T) {
	srv := s3test.New(testS3Config)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	s, err := NewS3(S3Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: testS3Config.Bucket,
		Region: testS3Config.Region, AccessKey: testS3Config.AccessKey, SecretKey: "wrong", PathStyle: true,
		Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(context.Background(), "abcdef.jpg", strings.NewReader("x")); err == nil {
		t.Fatal("put with a wrong secret succeeded")
	}
	if srv.Keys() != 0 {
		t.Error("the server stored an object")
	}
}

func TestS3ConfigCheck(t *testing.T) {
	ok := S3Config{Endpoint: "127.0.0.1:9000", Bucket: "b", AccessKey: "a", SecretKey: "s", PathStyle: true}
	tests := []struct {
		name   string
		change func(*S3Config)
		want   string
	}{
		{"complete", func(*S3Config) {}, ""},
		{"no endpoint", func(c *S3Config) { c.Endpoint = "" }, "endpoint"},
		{"scheme", func(c *S3Config) { c.Endpoint = "https://s3.example" }, "without scheme"},
		{"path", func(c *S3Config) { c.Endpoint = "s3.example/x" }, "without scheme or path"},
		{"no bucket", func(c *S3Config) { c.Bucket = "" }, "bucket"},
		{"no secret", func(c *S3Config) { c.SecretKey = "" }, "BINDELED_S3_SECRET_KEY"},
		{"http to another host", func(c *S3Config) { c.Endpoint = "s3.example"; c.Insecure = true }, "loopback"},
		{"http to loopback", func(c *S3Config) { c.Endpoint = "[::1]:9000"; c.Insecure = true }, ""},
		{"http to localhost", func(c *S3Config) { c.Endpoint = "localhost"; c.Insecure = true }, ""},
		{"absolute prefix", func(c *S3Config) { c.Prefix = "/m/" }, "prefix"},
		{"IP in the host name", func(c *S3Config) { c.PathStyle = false }, "--media-s3-path-style"},
		{"IPv6 in the host name", func(c *S3Config) { c.Endpoint = "[::1]:9000"; c.PathStyle = false },
			"--media-s3-path-style"},
		{"name in the host name", func(c *S3Config) { c.Endpoint = "s3.example"; c.PathStyle = false }, ""},
	}
	for _, tt := range tests {
		c := ok
		tt.change(&c)
		err := c.Check()
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if s := ok.String(); strings.Contains(s, "s3cret") || strings.Contains(s, ok.SecretKey+" ") {
		t.Errorf("String shows the secret: %s", s)
	}
}

// TestServeSameOnDiskAndS3 sends the same requests for the same bytes
// kept on disk and in S3 through Serve, and wants the same answers.
func TestServeSameOnDiskAndS3(t *testing.T) {
	disk, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s3, srv := newTestS3(t, false)
	diskSrv, _ := serveFixtureOn(t, disk)
	s3Srv, _ := serveFixtureOn(t, s3)

	for _, tt := range []struct{ name, method, header, value string }{
		{"whole", http.MethodGet, "", ""},
		{"head", http.MethodHead, "", ""},
		{"one range", http.MethodGet, "Range", "bytes=10-19"},
		{"suffix", http.MethodGet, "Range", "bytes=-7"},
		{"several ranges", http.MethodGet, "Range", "bytes=0-4,100-149,1995-"},
		{"unsatisfiable", http.MethodGet, "Range", "bytes=2000-"},
		{"malformed range", http.MethodGet, "Range", "bytes=x-y"},
		{"if-range old", http.MethodGet, "If-Range", "Mon, 02 Jan 2006 15:04:05 GMT"},
		{"if-modified-since future", http.MethodGet, "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := normalised(t, diskSrv.URL, tt.method, tt.header, tt.value)
			got := normalised(t, s3Srv.URL, tt.method, tt.header, tt.value)
			if got != want {
				t.Errorf("through S3:\n%s\nfrom disk:\n%s", got, want)
			}
		})
	}
	// If-Range with each store's own date gives the range on both.
	for name, base := range map[string]string{"disk": diskSrv.URL, "s3": s3Srv.URL} {
		resp, _ := get(t, base+"/?t=video/mp4", "")
		req, _ := http.NewRequest(http.MethodGet, base+"/?t=video/mp4", nil)
		req.Header.Set("Range", "bytes=5-9")
		req.Header.Set("If-Range", resp.Header.Get("Last-Modified"))
		r2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusPartialContent {
			t.Errorf("%s: If-Range with the current date: %d, want 206", name, r2.StatusCode)
		}
	}
	if _, _, ranged := srv.Stats(); ranged == 0 {
		t.Error("no GET to the S3 server had a Range")
	}
}

var boundary = regexp.MustCompile(`[0-9a-f]{30,}`)

// normalised returns a response's status, headers and body as text,
// without what differs by store or by run (dates, multipart boundaries).
func normalised(t *testing.T, base, method, header, value string) string {
	t.Helper()
	req, err := http.NewRequest(method, base+"/?t=video/mp4&n=film.mp4", nil)
	if err != nil {
		t.Fatal(err)
	}
	if header != "" {
		req.Header.Set(header, value)
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
	var b strings.Builder
	b.WriteString(resp.Status + "\n")
	keys := make([]string, 0, len(resp.Header))
	for k := range resp.Header {
		if k != "Date" && k != "Last-Modified" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k + ": " + strings.Join(resp.Header[k], ",") + "\n")
	}
	b.WriteString(boundary.ReplaceAllString(string(body), "BOUNDARY"))
	return boundary.ReplaceAllString(b.String(), "BOUNDARY")
}

func TestS3Check(t *testing.T) {
	s, _ := newTestS3(t, false)
	if err := s.Check(context.Background()); err != nil {
		t.Fatalf("check of the right bucket: %v", err)
	}
	s.bucket = "other"
	if err := s.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("check of a missing bucket: %v", err)
	}
}

// TestS3CheckNamesTheSetting: a start with a wrong key or region is told
// which setting to fix, where the server's answer names none.
func TestS3CheckNamesTheSetting(t *testing.T) {
	ts := httptest.NewServer(s3test.New(testS3Config))
	defer ts.Close()
	ok := S3Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: testS3Config.Bucket,
		Region: testS3Config.Region, AccessKey: testS3Config.AccessKey, SecretKey: testS3Config.SecretKey,
		PathStyle: true, Insecure: true}
	tests := []struct {
		name   string
		change func(*S3Config)
		want   string
	}{
		{"wrong secret", func(c *S3Config) { c.SecretKey = "forkert" }, "BINDELED_S3_SECRET_KEY"},
		{"wrong access key", func(c *S3Config) { c.AccessKey = "AKIDOTHER" }, "BINDELED_S3_ACCESS_KEY"},
		{"wrong region", func(c *S3Config) { c.Region = "us-west-2" }, "--media-s3-region eu-north-1"},
	}
	for _, tt := range tests {
		c := ok
		tt.change(&c)
		s, err := NewS3(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Check(context.Background()); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want it to name %q", tt.name, err, tt.want)
		}
	}
}

// TestS3Unavailable: a store that refuses connections, fails on its
// side or does not answer is reported as unavailable, and soon.
func TestS3Unavailable(t *testing.T) {
	srv := s3test.New(testS3Config)
	var mode atomic.Value
	mode.Store("up")
	var asked atomic.Int64
	stop := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case "hang":
			asked.Add(1)
			select {
			case <-r.Context().Done():
			case <-stop: // a handler that never read the body learns of no hang-up
			}
		case "fail":
			asked.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			srv.ServeHTTP(w, r)
		}
	}))
	defer ts.Close()
	s, err := NewS3(S3Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: testS3Config.Bucket,
		Region: testS3Config.Region, AccessKey: testS3Config.AccessKey, SecretKey: testS3Config.SecretKey,
		PathStyle: true, Insecure: true, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// A bound of its own, so a store that waits for ever fails the test
	// rather than hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Put(ctx, "abcdef.jpg", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"hang", "fail"} {
		mode.Store(m)
		asked.Store(0)
		start := time.Now()
		_, openErr := s.Open(ctx, "abcdef.jpg")
		_, putErr := s.Put(ctx, "abcdef.png", strings.NewReader("x"))
		took := time.Since(start)
		for _, err := range []error{openErr, putErr} {
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("%s: %v, want ErrUnavailable", m, err)
			}
		}
		if n := asked.Load(); n != 2*s3Attempts {
			t.Errorf("%s: the server was asked %d times, want %d", m, n, 2*s3Attempts)
		}
		if took > 10*time.Second {
			t.Errorf("%s: open and put gave up after %v", m, took)
		}
	}
	close(stop)
	ts.Close()
	if _, err := s.Open(ctx, "abcdef.jpg"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("closed: %v, want ErrUnavailable", err)
	}
}

// countingReader yields n bytes of a pattern and counts what was read.
type countingReader struct {
	n    int64
	read atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	done := c.read.Load()
	if done >= c.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), c.n-done)]
	for i := range p {
		p[i] = byte((done + int64(i)) % 251)
	}
	c.read.Add(int64(len(p)))
	return len(p), nil
}

// TestS3PutStreams uploads a file of five and a bit parts and checks, as
// each part arrives, that the store has read at most one part beyond it:
// the file is never whole in memory.
func TestS3PutStreams(t *testing.T) {
	srv := s3test.New(testS3Config)
	src := &countingReader{n: 5*S3PartSize + 100}
	var parts, ahead atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n, err := strconv.ParseInt(r.URL.Query().Get("partNumber"), 10, 64); err == nil {
			parts.Add(1)
			if read := src.read.Load(); read > (n+1)*S3PartSize {
				ahead.Store(read - n*S3PartSize)
			}
		}
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	s, err := NewS3(S3Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: testS3Config.Bucket,
		Region: testS3Config.Region, AccessKey: testS3Config.AccessKey, SecretKey: testS3Config.SecretKey,
		PathStyle: true, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}

	n, err := s.Put(context.Background(), "abcdef.webm", src)
	if err != nil || n != src.n {
		t.Fatalf("put: %d bytes, %v", n, err)
	}
	if parts.Load() != 6 {
		t.Errorf("%d parts sent, want 6", parts.Load())
	}
	if a := ahead.Load(); a != 0 {
		t.Errorf("the store had read %d bytes beyond a part being sent, more than one part", a)
	}
	got, _ := srv.Object("abcdef.webm")
	want := make([]byte, src.n)
	(&countingReader{n: src.n}).Read(want)
	if !bytes.Equal(got, want) {
		t.Errorf("the stored object (%d bytes) is not what was put", len(got))
	}
}

// TestS3AsksForTheRegion: without a region the store learns the bucket's
// from the server and signs for it.
func TestS3AsksForTheRegion(t *testing.T) {
	srv := s3test.New(testS3Config)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	s, err := NewS3(S3Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: testS3Config.Bucket,
		Prefix: "media/", AccessKey: testS3Config.AccessKey, SecretKey: testS3Config.SecretKey, PathStyle: true,
		Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s, srv, 100)
	// The first question, signed for us-east-1 as clients do when they
	// know no region, is refused with the region in the answer, as a
	// regional S3 endpoint does; everything after is signed for it.
	if _, refused, _ := srv.Stats(); refused != 1 {
		t.Errorf("%d requests refused, want only the first", refused)
	}
}

func TestS3PrefixIsAFolder(t *testing.T) {
	srv := s3test.New(testS3Config)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	s, err := NewS3(S3Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: testS3Config.Bucket,
		Prefix: "media", Region: testS3Config.Region, AccessKey: testS3Config.AccessKey,
		SecretKey: testS3Config.SecretKey, PathStyle: true, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(t.Context(), "abcdef.txt", strings.NewReader("hej")); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Object("media/abcdef.txt"); !ok {
		t.Errorf("the file is not under media/ (prefix given without its slash)")
	}
}
