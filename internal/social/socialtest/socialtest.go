// Package socialtest runs local HTTP servers that keep the documented
// contracts of the platforms the hub posts to, so that the clients in
// package social are tested against the contract rather than against
// themselves: Facebook's Graph API (Facebook.go) and LinkedIn's Marketing
// APIs (linkedin.go). Each refuses what the real API refuses, with the
// real API's error bodies, and can be told to fail the next requests to
// an endpoint in the ways networks and platforms fail.
package socialtest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Fault is how a mock fails one request.
type Fault struct {
	// Status and Body make the answer; Header adds to it (Retry-After).
	Status int
	Body   string
	Header map[string]string
	// Hang: the request is read and carried out (a post is made), then
	// no answer comes until the client gives up.
	Hang bool
	// Close: the request is read and carried out, then the connection
	// is closed without an answer.
	Close bool
}

// Request is a request a mock received.
type Request struct {
	Endpoint string // the mock's name for what was asked, such as "feed" or "posts"
	Method   string
	Path     string
	Query    url.Values
	Header   http.Header
	Body     []byte
}

// recorder keeps the requests and the faults to apply, per endpoint.
type recorder struct {
	mu       sync.Mutex
	requests []Request
	faults   map[string][]Fault
	stop     chan struct{}
}

func newRecorder() recorder {
	return recorder{faults: map[string][]Fault{}, stop: make(chan struct{})}
}

// Fail makes the next requests to endpoint fail, one fault each, in order.
func (rec *recorder) Fail(endpoint string, faults ...Fault) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.faults[endpoint] = append(rec.faults[endpoint], faults...)
}

// Requests returns the requests received so far, oldest first.
func (rec *recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.requests...)
}

// Count is how many requests endpoint received.
func (rec *recorder) Count(endpoint string) int {
	n := 0
	for _, r := range rec.Requests() {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}

func (rec *recorder) record(endpoint string, r *http.Request, body []byte) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = append(rec.requests, Request{Endpoint: endpoint, Method: r.Method, Path: r.URL.Path,
		Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
}

// nextFault takes the next fault for endpoint, if any.
func (rec *recorder) nextFault(endpoint string) (Fault, bool) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	fs := rec.faults[endpoint]
	if len(fs) == 0 {
		return Fault{}, false
	}
	rec.faults[endpoint] = fs[1:]
	return fs[0], true
}

// answerFault carries out a fault after the work was done. It reports
// whether it answered, so the handler must not.
func (rec *recorder) answerFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-rec.stop:
		}
		return
	case f.Close:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// shutdown ends every hanging request.
func (rec *recorder) shutdown() { close(rec.stop) }

// token is a random token as a platform would issue one.
func token(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// grant is what a token allows.
type grant struct {
	kind      string // user, page or member
	page      string // the Page a page token belongs to
	member    string // the LinkedIn member a token belongs to
	scopes    []string
	expiresAt time.Time // zero for never
	revoked   bool
}
