package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3PartSize is the size of the parts a file of unknown length is sent
// in, and so the memory one upload in progress holds: an upload reads up
// to one part ahead to learn whether the file fits in a single request,
// so at most two parts (16 MiB) are in memory at a time. With S3's limit
// of 10,000 parts a file may be up to about 80 GB.
const S3PartSize = 8 << 20

// S3Config names an S3-compatible bucket and how to reach it.
type S3Config struct {
	// Endpoint is the server's host and optional port, without a scheme,
	// such as "s3.eu-north-1.amazonaws.com" or "127.0.0.1:9000".
	Endpoint string
	Bucket   string
	// Prefix is the folder of the files in the bucket, such as "media/";
	// a slash is added at its end when it has none. It may be empty.
	Prefix string
	// Region is the bucket's region; empty asks the server for it.
	Region    string
	AccessKey string
	SecretKey string
	// PathStyle addresses the bucket in the path (host/bucket/key) rather
	// than in the host name (bucket.host/key), as most servers other than
	// AWS need.
	PathStyle bool
	// Insecure speaks plain HTTP instead of HTTPS; only for a server on the
	// same machine or a trusted network.
	Insecure bool
	// Transport replaces the HTTP transport; tests use it to trust their
	// own certificate. Nil uses the default.
	Transport http.RoundTripper
	// Timeout is how long one request waits for the server's answer to
	// begin before it is given up; zero means S3Timeout.
	Timeout time.Duration
}

// S3Timeout is how long a request to the store waits for the answer to
// begin, and s3Attempts how often a request that failed on the way or on
// the server's side is sent, so a store that hangs holds a reader for
// well under a minute rather than ten.
const (
	S3Timeout  = 10 * time.Second
	s3Attempts = 3
)

// Enabled reports whether an S3 store is configured at all.
func (c S3Config) Enabled() bool {
	return c.Endpoint != "" || c.Bucket != ""
}

// Check reports the first thing missing or malformed in c, naming the
// setting to fix.
func (c S3Config) Check() error {
	switch {
	case c.Endpoint == "":
		return errors.New("media S3: an endpoint (host[:port]) is needed with a bucket")
	case strings.Contains(c.Endpoint, "://") || strings.ContainsAny(c.Endpoint, "/?#@ "):
		return fmt.Errorf("media S3: endpoint %q: give host[:port] only, without scheme or path", c.Endpoint)
	case c.Bucket == "":
		return errors.New("media S3: a bucket is needed with an endpoint")
	case c.AccessKey == "" || c.SecretKey == "":
		return errors.New("media S3: give both the access key in BINDELED_S3_ACCESS_KEY " +
			"and the secret key in BINDELED_S3_SECRET_KEY")
	case c.Insecure && !isLoopback(c.Endpoint):
		return fmt.Errorf("media S3: plain HTTP is only for a server on this machine, and %q is not a loopback "+
			"address; use HTTPS", c.Endpoint)
	case !c.PathStyle && isIP(c.Endpoint):
		return fmt.Errorf("media S3: endpoint %q is an IP address, which cannot carry the bucket in its host "+
			"name; address the bucket in the path (--media-s3-path-style)", c.Endpoint)
	case strings.HasPrefix(c.Prefix, "/") || strings.Contains(c.Prefix, ".."):
		return fmt.Errorf("media S3: prefix %q: it may neither start with a slash nor hold two dots", c.Prefix)
	}
	return nil
}

// isLoopback reports whether the host of a host[:port] is this machine.
func isLoopback(endpoint string) bool {
	host := hostOf(endpoint)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isIP reports whether the host of a host[:port] is an IP address.
func isIP(endpoint string) bool { return net.ParseIP(hostOf(endpoint)) != nil }

// hostOf returns the host of a host[:port], without brackets.
func hostOf(endpoint string) string {
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		host = strings.Trim(endpoint, "[]")
	}
	return host
}

// String describes the store for logs, without the credentials.
func (c S3Config) String() string {
	scheme := "https"
	if c.Insecure {
		scheme = "http"
	}
	return fmt.Sprintf("%s://%s bucket %s prefix %q", scheme, c.Endpoint, c.Bucket, c.Prefix)
}

// S3 stores blobs as objects in an S3-compatible bucket. It is safe for
// concurrent use.
type S3 struct {
	core   minio.Core
	bucket string
	prefix string
	region string
}

// NewS3 returns a store for the bucket c names. It sends nothing until it
// is used.
func NewS3(c S3Config) (*S3, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	lookup := minio.BucketLookupDNS
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	tr, err := s3Transport(c)
	if err != nil {
		return nil, fmt.Errorf("media S3: %w", err)
	}
	cl, err := minio.New(c.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:       !c.Insecure,
		Region:       c.Region,
		BucketLookup: lookup,
		Transport:    tr,
		MaxRetries:   s3Attempts,
	})
	if err != nil {
		return nil, fmt.Errorf("media S3: %w", err)
	}
	return &S3{core: minio.Core{Client: cl}, bucket: c.Bucket, prefix: folderPrefix(c.Prefix), region: c.Region}, nil
}

// folderPrefix ends a prefix with a slash, so that "media" keeps the files
// under media/ as an operator means, not in names such as mediaabc.jpg.
func folderPrefix(p string) string {
	if p != "" && !strings.HasSuffix(p, "/") {
		return p + "/"
	}
	return p
}

// s3Transport is the configured transport, or minio-go's, waiting at
// most c.Timeout for an answer to begin.
func s3Transport(c S3Config) (http.RoundTripper, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = S3Timeout
	}
	var tr *http.Transport
	switch t := c.Transport.(type) {
	case nil:
		var err error
		if tr, err = minio.DefaultTransport(!c.Insecure); err != nil {
			return nil, err
		}
	case *http.Transport:
		tr = t.Clone()
	default:
		return c.Transport, nil
	}
	tr.ResponseHeaderTimeout = timeout
	return tr, nil
}

// Check asks the server whether the bucket is there, so a wrong name,
// address or key is found at start rather than at the first upload.
func (s *S3) Check(ctx context.Context) error {
	ok, err := s.core.Client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("media S3: reach bucket %s at %s: %w%s", s.bucket, s.core.Client.EndpointURL().Host, err,
			s.checkHint(err))
	}
	if !ok {
		return fmt.Errorf("media S3: bucket %s does not exist at %s", s.bucket, s.core.Client.EndpointURL().Host)
	}
	return nil
}

// checkHint says which setting to fix for an answer to Check that names
// no setting itself: a refused key, or a bucket in another region.
func (s *S3) checkHint(err error) string {
	resp := minio.ToErrorResponse(err)
	switch {
	case s.region != "" && resp.Region != "" && resp.Region != s.region:
		return fmt.Sprintf(" (the bucket is in region %s: give --media-s3-region %s)", resp.Region, resp.Region)
	case resp.StatusCode == http.StatusForbidden, resp.Code == "InvalidAccessKeyId",
		resp.Code == "SignatureDoesNotMatch":
		return " (the server refused the key: check BINDELED_S3_ACCESS_KEY and BINDELED_S3_SECRET_KEY, " +
			"and that the key may list the bucket)"
	}
	return ""
}

// object returns the object name of a key.
func (s *S3) object(key string) string { return s.prefix + key }

// Put streams r into the object of key. A file that fits in one part goes
// in one request; a longer one is sent as a multipart upload, one part in
// memory at a time, and appears only once complete.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	head := make([]byte, S3PartSize)
	n, err := io.ReadFull(ctxReader{ctx: ctx, r: r}, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, fmt.Errorf("media: put %s: %w", key, err)
	}

	opts := minio.PutObjectOptions{PartSize: S3PartSize, ContentType: "application/octet-stream"}
	var body io.Reader = bytes.NewReader(head[:n])
	size := int64(n)
	if n == len(head) {
		// More may follow: the length is unknown, so minio-go sends parts.
		body, size = io.MultiReader(body, ctxReader{ctx: ctx, r: r}), -1
	}
	info, err := s.core.Client.PutObject(ctx, s.bucket, s.object(key), body, size, opts)
	if err != nil {
		return 0, fmt.Errorf("media: put %s: %w", key, s3Error(err))
	}
	return info.Size, nil
}

// Open asks for the object's size and time; the bytes are fetched as they
// are read, from the position last sought to.
func (s *S3) Open(ctx context.Context, key string) (Blob, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	info, err := s.core.Client.StatObject(ctx, s.bucket, s.object(key), minio.StatObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", key, s3Error(err))
	}
	return &s3Blob{s: s, ctx: ctx, name: s.object(key), size: info.Size, mod: info.LastModified,
		etag: info.ETag}, nil
}

// Delete removes the object of key. A missing object is not an error.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	err := s.core.Client.RemoveObject(ctx, s.bucket, s.object(key), minio.RemoveObjectOptions{})
	if err != nil && !errors.Is(s3Error(err), fs.ErrNotExist) {
		return fmt.Errorf("media: delete %s: %w", key, err)
	}
	return nil
}

// s3Error makes a missing object match fs.ErrNotExist, and a server that
// could not be reached, did not answer or failed on its side match
// ErrUnavailable.
func s3Error(err error) error {
	resp := minio.ToErrorResponse(err)
	var netErr net.Error
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.Code == minio.NoSuchKey:
		return fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	case resp.StatusCode >= http.StatusInternalServerError, errors.As(err, &netErr),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// s3Blob reads an object with ranged GETs: a read after a seek asks for
// the object from that position on, and the response is read only as far
// as the reader wants; a seek or Close drops it. Every GET names the
// object's ETag from Open, so bytes of a replaced object are never mixed
// in.
type s3Blob struct {
	s    *S3
	ctx  context.Context
	name string
	size int64
	mod  time.Time
	etag string

	pos  int64
	body io.ReadCloser
}

func (b *s3Blob) Read(p []byte) (int, error) {
	if b.pos >= b.size {
		return 0, io.EOF
	}
	if b.body == nil {
		if err := b.get(); err != nil {
			return 0, err
		}
	}
	n, err := b.body.Read(p)
	b.pos += int64(n)
	if errors.Is(err, io.EOF) && b.pos < b.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// get starts a GET of the object from the current position.
func (b *s3Blob) get() error {
	opts := minio.GetObjectOptions{}
	if err := opts.SetMatchETag(b.etag); err != nil {
		return fmt.Errorf("media: read %s: %w", b.name, err)
	}
	if b.pos > 0 {
		if err := opts.SetRange(b.pos, 0); err != nil {
			return fmt.Errorf("media: read %s: %w", b.name, err)
		}
	}
	body, _, _, err := b.s.core.GetObject(b.ctx, b.s.bucket, b.name, opts)
	if err != nil {
		return fmt.Errorf("media: read %s at %d: %w", b.name, b.pos, s3Error(err))
	}
	b.body = body
	return nil
}

func (b *s3Blob) Seek(off int64, whence int) (int64, error) {
	var pos int64
	switch whence {
	case io.SeekStart:
		pos = off
	case io.SeekCurrent:
		pos = b.pos + off
	case io.SeekEnd:
		pos = b.size + off
	default:
		return 0, fmt.Errorf("media: seek %s: bad whence %d", b.name, whence)
	}
	if pos < 0 {
		return 0, fmt.Errorf("media: seek %s: negative position", b.name)
	}
	if pos != b.pos {
		b.drop()
	}
	b.pos = pos
	return pos, nil
}

// drop closes the response being read, if any.
func (b *s3Blob) drop() {
	if b.body != nil {
		_ = b.body.Close() // only read from; nothing to lose
		b.body = nil
	}
}

func (b *s3Blob) Close() error {
	b.drop()
	return nil
}

// Size returns the length of the object in bytes.
func (b *s3Blob) Size() int64 { return b.size }

// ModTime returns when the object was stored.
func (b *s3Blob) ModTime() time.Time { return b.mod }
