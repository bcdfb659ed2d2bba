// Package s3test is an S3-compatible server for tests. It keeps one
// bucket in memory and implements what the media store's client uses:
// PUT, GET (with a Range and If-Match), HEAD and DELETE of objects,
// multipart uploads, and the bucket's location; the bucket is named in
// the path or in the host name. Every request must be
// signed with AWS Signature Version 4 by its one access key, checked the
// way S3 does: the canonical request, the string to sign, the key derived
// from the secret, the body against x-amz-content-sha256 or each chunk's
// signature of a streaming upload, and the date within 15 minutes.
package s3test

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is the one bucket and key a server accepts.
type Config struct {
	Bucket    string
	Region    string
	AccessKey string
	SecretKey string
}

// Server is an http.Handler serving one bucket.
type Server struct {
	cfg Config
	v   verifier

	mu      sync.Mutex
	objects map[string]object
	uploads map[string]*upload

	requests atomic.Int64
	refused  atomic.Int64
	ranged   atomic.Int64
}

type object struct {
	data []byte
	mod  time.Time
	etag string
}

type upload struct {
	key   string
	parts map[int][]byte
}

// New returns a server for cfg; run it with httptest.NewServer or an
// http.Server on loopback.
func New(cfg Config) *Server {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return &Server{cfg: cfg, v: verifier{accessKey: cfg.AccessKey, secretKey: cfg.SecretKey, region: cfg.Region,
		now: time.Now}, objects: map[string]object{}, uploads: map[string]*upload{}}
}

// Stats counts the requests served, those refused for their signature or
// body, and the GETs with a Range.
func (s *Server) Stats() (requests, refused, ranged int64) {
	return s.requests.Load(), s.refused.Load(), s.ranged.Load()
}

// Object returns a copy of the stored object named key (with its prefix).
func (s *Server) Object(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[key]
	return append([]byte(nil), o.data...), ok
}

// Keys returns how many objects are stored.
func (s *Server) Keys() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.objects)
}

// ServeHTTP checks the signature, then serves the operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	body, err := s.v.verify(r)
	if err != nil {
		s.refused.Add(1)
		ae := asAuthError(err)
		if ae.region != "" {
			w.Header().Set("X-Amz-Bucket-Region", ae.region)
		}
		writeErrorIn(w, r, ae.status, ae.code, ae.msg, ae.region)
		return
	}

	bucket, key := s.bucketAndKey(r)
	if bucket != s.cfg.Bucket {
		writeError(w, r, http.StatusNotFound, "NoSuchBucket", "the bucket does not exist")
		return
	}
	q := r.URL.Query()
	switch {
	case key == "":
		s.bucketOp(w, r)
	case r.Method == http.MethodPost && q.Has("uploads"):
		s.createUpload(w, key)
	case r.Method == http.MethodPut && q.Has("uploadId"):
		s.uploadPart(w, r, body)
	case r.Method == http.MethodPost && q.Has("uploadId"):
		s.completeUpload(w, r, key, body)
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		s.abortUpload(w, r)
	case r.Method == http.MethodPut:
		s.put(w, r, key, body)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.get(w, r, key)
	case r.Method == http.MethodDelete:
		s.mu.Lock()
		delete(s.objects, key)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, r, http.StatusNotImplemented, "NotImplemented", "not implemented by this test server")
	}
}

// bucketAndKey reads the bucket from the host name (bucket.host/key) or
// else from the path (host/bucket/key).
func (s *Server) bucketAndKey(r *http.Request) (string, string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.HasPrefix(host, s.cfg.Bucket+".") {
		return s.cfg.Bucket, strings.TrimPrefix(r.URL.Path, "/")
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return bucket, key
}

// bucketOp answers the bucket's location and whether it exists.
func (s *Server) bucketOp(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Query().Has("location"):
		loc := s.cfg.Region
		if loc == "us-east-1" {
			loc = ""
		}
		writeXML(w, struct {
			XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
			Value   string   `xml:",chardata"`
		}{Value: loc})
	case r.Method == http.MethodHead:
		w.WriteHeader(http.StatusOK)
	default:
		writeError(w, r, http.StatusNotImplemented, "NotImplemented", "not implemented by this test server")
	}
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, key string, body []byte) {
	if !contentMD5OK(r, body) {
		writeError(w, r, http.StatusBadRequest, "BadDigest", "the Content-MD5 you specified did not match")
		return
	}
	o := object{data: body, mod: time.Now().UTC(), etag: md5Hex(body)}
	s.mu.Lock()
	s.objects[key] = o
	s.mu.Unlock()
	w.Header().Set("ETag", `"`+o.etag+`"`)
	w.WriteHeader(http.StatusOK)
}

// get serves an object or a single range of it, as S3 does; S3 ignores
// a Range it cannot parse and refuses one past the end.
func (s *Server) get(w http.ResponseWriter, r *http.Request, key string) {
	s.mu.Lock()
	o, ok := s.objects[key]
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusNotFound, "NoSuchKey", "the specified key does not exist")
		return
	}
	if m := r.Header.Get("If-Match"); m != "" && strings.Trim(m, `"`) != o.etag {
		writeError(w, r, http.StatusPreconditionFailed, "PreconditionFailed", "If-Match does not match")
		return
	}

	h := w.Header()
	h.Set("ETag", `"`+o.etag+`"`)
	h.Set("Last-Modified", o.mod.Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	h.Set("Content-Type", "application/octet-stream")
	start, end, status := int64(0), int64(len(o.data)), http.StatusOK
	if rg := r.Header.Get("Range"); rg != "" && r.Method == http.MethodGet {
		s.ranged.Add(1)
		var ok bool
		if start, end, ok = parseRange(rg, int64(len(o.data))); !ok {
			writeError(w, r, http.StatusRequestedRangeNotSatisfiable, "InvalidRange",
				"the requested range is not satisfiable")
			return
		}
		status = http.StatusPartialContent
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, len(o.data)))
	}
	h.Set("Content-Length", strconv.FormatInt(end-start, 10))
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(o.data[start:end]) // the client may hang up; nothing to do
	}
}

// parseRange reads one "bytes=a-b", "bytes=a-" or "bytes=-n" and returns
// the half-open interval.
func parseRange(h string, size int64) (int64, int64, bool) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	first, last, dash := strings.Cut(spec, "-")
	if !ok || !dash || strings.Contains(spec, ",") {
		return 0, size, size > 0
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false
		}
		return max(size-n, 0), size, true
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 || a >= size {
		return 0, 0, false
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return 0, 0, false
		}
	}
	return a, min(b, size-1) + 1, true
}

func (s *Server) createUpload(w http.ResponseWriter, key string) {
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails
	uid := hex.EncodeToString(id[:])
	s.mu.Lock()
	s.uploads[uid] = &upload{key: key, parts: map[int][]byte{}}
	s.mu.Unlock()
	writeXML(w, struct {
		XMLName  xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ InitiateMultipartUploadResult"`
		Bucket   string
		Key      string
		UploadID string `xml:"UploadId"`
	}{Bucket: s.cfg.Bucket, Key: key, UploadID: uid})
}

func (s *Server) uploadPart(w http.ResponseWriter, r *http.Request, body []byte) {
	n, err := strconv.Atoi(r.URL.Query().Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		writeError(w, r, http.StatusBadRequest, "InvalidArgument", "part number must be 1 to 10000")
		return
	}
	if !contentMD5OK(r, body) {
		writeError(w, r, http.StatusBadRequest, "BadDigest", "the Content-MD5 you specified did not match")
		return
	}
	s.mu.Lock()
	u, ok := s.uploads[r.URL.Query().Get("uploadId")]
	if ok {
		u.parts[n] = body
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, r, http.StatusNotFound, "NoSuchUpload", "the upload does not exist")
		return
	}
	w.Header().Set("ETag", `"`+md5Hex(body)+`"`)
	w.WriteHeader(http.StatusOK)
}

// minPart is the least size of every part but the last.
const minPart = 5 << 20

type completeRequest struct {
	Parts []struct {
		PartNumber int
		ETag       string
	} `xml:"Part"`
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request, key string, body []byte) {
	var req completeRequest
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Parts) == 0 {
		writeError(w, r, http.StatusBadRequest, "MalformedXML", "the XML is not a list of parts")
		return
	}
	uid := r.URL.Query().Get("uploadId")
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.uploads[uid]
	if !ok || u.key != key {
		writeError(w, r, http.StatusNotFound, "NoSuchUpload", "the upload does not exist")
		return
	}
	data, etag, code := joinParts(u, req)
	if code != "" {
		writeError(w, r, http.StatusBadRequest, code, "the list of parts does not fit the upload")
		return
	}
	delete(s.uploads, uid)
	s.objects[key] = object{data: data, mod: time.Now().UTC(), etag: etag}
	writeXML(w, struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CompleteMultipartUploadResult"`
		Bucket  string
		Key     string
		ETag    string
	}{Bucket: s.cfg.Bucket, Key: key, ETag: `"` + etag + `"`})
}

// joinParts puts the listed parts together in order, checking their
// ETags and sizes, and returns the data and the multipart ETag.
func joinParts(u *upload, req completeRequest) ([]byte, string, string) {
	var data, sums []byte
	for i, p := range req.Parts {
		part, ok := u.parts[p.PartNumber]
		if !ok || strings.Trim(p.ETag, `"`) != md5Hex(part) {
			return nil, "", "InvalidPart"
		}
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			return nil, "", "InvalidPartOrder"
		}
		if i < len(req.Parts)-1 && len(part) < minPart {
			return nil, "", "EntityTooSmall"
		}
		data = append(data, part...)
		sum := md5.Sum(part)
		sums = append(sums, sum[:]...)
	}
	return data, fmt.Sprintf("%s-%d", md5Hex(sums), len(req.Parts)), ""
}

func (s *Server) abortUpload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	delete(s.uploads, r.URL.Query().Get("uploadId"))
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// contentMD5OK checks Content-MD5 when it is given.
func contentMD5OK(r *http.Request, body []byte) bool {
	want := r.Header.Get("Content-MD5")
	if want == "" {
		return true
	}
	sum := md5.Sum(body)
	return want == base64Std(sum[:])
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func writeXML(w http.ResponseWriter, v any) {
	out, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write(append([]byte(xml.Header), out...)) // the client may hang up
}

// writeError sends S3's error document; a HEAD gets the status alone.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	writeErrorIn(w, r, status, code, msg, "")
}

// writeErrorIn is writeError with the bucket's region in the document,
// when it is given.
func writeErrorIn(w http.ResponseWriter, r *http.Request, status int, code, msg, region string) {
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	out, _ := xml.Marshal(struct {
		XMLName  xml.Name `xml:"Error"`
		Code     string
		Message  string
		Region   string `xml:",omitempty"`
		Resource string
	}{Code: code, Message: msg, Region: region, Resource: r.URL.Path}) // plain strings always marshal
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(xml.Header), out...)) // the client may hang up
}
