package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
)

// statusWriter records what a handler wrote, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	// began is when the answer began (its status was written), as time
	// since epoch: a duration keeps the writer in a smaller size class.
	began time.Duration
}

// epoch is what statusWriter.began counts from.
var epoch = time.Now()

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status, w.began = code, time.Since(epoch)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status, w.began = http.StatusOK, time.Since(epoch)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported systems
	return hex.EncodeToString(b[:])
}

// slowRequest is how long the hub may take to begin the answer to a read
// before the read is logged anyway. The time its bytes then take to reach
// the reader is the reader's line, not the hub: a parent watching a film
// on a phone downloads it for minutes.
const slowRequest = time.Second

// logRequests gives every request an ID and writes one log line for it,
// except for a read answered without a problem, unless LogReads is set
// (Config.LogReads) or the route or handler asked for the line (reqState.logIt).
// It logs no query strings, cookies or form values.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &reqState{requestID: newRequestID(), https: s.cfg.Proxies.IsHTTPS(r)}
		sw := &statusWriter{ResponseWriter: w}

		next.ServeHTTP(sw, r.WithContext(withState(r.Context(), st)))

		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		took := time.Since(start)
		if st.route != nil {
			st.route.Observe(sw.status, took)
		} else {
			s.unmatched.Observe(sw.status, took)
		}
		begun := took
		if sw.began != 0 {
			begun = sw.began - start.Sub(epoch)
		}
		if !s.cfg.LogReads && !st.logIt && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
			sw.status < 400 && begun < slowRequest {
			return
		}
		level := slog.LevelInfo
		// 501 is the answer to a request for something the hub does not
		// offer (an oEmbed format): the asker's matter, not a fault here.
		if sw.status >= 500 && sw.status != http.StatusNotImplemented {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", st.requestID),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", took),
			slog.String("client", s.cfg.Proxies.ClientIP(r).String()),
		)
	})
}

// recoverer turns a panic into a 500 page and a log line with the stack,
// both naming the request ID, which the request line then names too.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			id := state(r).requestID
			s.log.Error("panic", "request_id", id, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			http.Error(w, "Der gik noget galt (fejl-id "+id+"). / Something went wrong (error id "+id+").",
				http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// The Content-Security-Policy of every page. No inline script or style
// anywhere, so public pages are the same bytes for every reader. Frames
// are allowed only from the hub itself (the previews of its embed pages)
// and the two video hosts' privacy-mode players, and those only after the
// reader asks for the film. No other site may frame a page of the hub.
const contentSecurityPolicy = cspSources + "frame-ancestors 'none'"

// framedContentSecurityPolicy is the policy of the embed pages, which any
// site may frame.
const framedContentSecurityPolicy = cspSources + "frame-ancestors *"

const cspSources = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self'; media-src 'self'; font-src 'self'; connect-src 'self'; " +
	"frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; "

// securityValues are the headers every response carries, each value a
// slice of its own that no handler appends to in place (its capacity is
// its length), set without canonicalising the names again per request.
var securityValues = []struct {
	name  string
	value []string
}{
	{"Content-Security-Policy", []string{contentSecurityPolicy}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"strict-origin-when-cross-origin"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), interest-cohort=()"}},
}

var hstsValue = []string{"max-age=31536000"}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, v := range securityValues {
			h[v.name] = v.value
		}
		if state(r).https {
			h["Strict-Transport-Security"] = hstsValue
		}
		next.ServeHTTP(w, r)
	})
}

// statusClientClosed is the status the request log gives a request whose
// reader went away before the answer.
const statusClientClosed = 499

// retryAfterSeconds is when a reader may ask again for what an
// unavailable media store could not give.
const retryAfterSeconds = "30"

// fail writes the page for a handler's error. Users see a fixed, translated
// text and the request ID; the cause goes to the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := state(r)
	switch {
	case errors.Is(err, errHandled):
		return
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The reader went away before the page was ready: nothing failed
		// here, and nobody reads the answer. The request log shows 499,
		// as proxies write it.
		w.WriteHeader(statusClientClosed)
		return
	case errors.Is(err, errNotFound), errors.Is(err, storage.ErrNotFound):
		s.renderError(w, r, http.StatusNotFound, "error.notfound.title", "error.notfound.text")
	case errors.Is(err, errForbidden):
		s.renderError(w, r, http.StatusForbidden, "error.forbidden.title", "error.forbidden.text")
	case errors.Is(err, errCSRF):
		s.log.Warn("csrf check failed", "request_id", st.requestID, "path", r.URL.Path)
		s.renderError(w, r, http.StatusForbidden, "error.forbidden.title", "error.csrf")
	case errors.Is(err, errTooLarge):
		s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.bad.title", "error.too_large")
	case errors.Is(err, errBadInput):
		s.renderError(w, r, http.StatusBadRequest, "error.bad.title", "error.bad.text")
	case storage.IsUnwritable(err):
		s.logUnwritable(r, "request", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "error.unwritable.title", "error.unwritable.text")
	case errors.Is(err, media.ErrUnavailable):
		// The media store is down or slow: a passing fault of the
		// operator's, which readers and proxies may retry.
		s.log.Error("media store unavailable", "request_id", st.requestID, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", retryAfterSeconds)
		s.renderError(w, r, http.StatusServiceUnavailable, "error.unavailable.title", "error.unavailable.text")
	default:
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.bad.title", "error.too_large")
			return
		}
		s.log.Error("request failed", "request_id", st.requestID, "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "error.server.title", "error.server.text")
	}
}

// logUnwritable logs a write refused because the disk is full or the
// data is read-only: an operator must act, so it is an error, and it says
// so in words the log's reader can search for.
func (s *Server) logUnwritable(r *http.Request, doing string, err error) {
	s.log.Error("storage full or read-only: nothing was saved", "request_id", state(r).requestID,
		"path", r.URL.Path, "doing", doing, "err", err)
}

// Session cookies. The __Host- prefix binds the cookie to this exact origin
// and requires Secure, so it is only used over HTTPS.
const (
	sessionCookie       = "bindeled_session"
	secureSessionCookie = "__Host-bindeled_session"
	loginCookie         = "bindeled_login"
)

func (s *Server) sessionCookieName(r *http.Request) string {
	if state(r).https {
		return secureSessionCookie
	}
	return sessionCookie
}

// loadSession finds the logged-in user, if any.
func (s *Server) loadSession(r *http.Request, st *reqState) {
	c, err := r.Cookie(s.sessionCookieName(r))
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return
	}
	u, err := s.store.SessionUser(r.Context(), hashToken(c.Value), time.Now())
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) {
			s.log.Error("load session", "request_id", st.requestID, "err", err)
		}
		return
	}
	st.user, st.sessionID = u, c.Value
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   state(r).https,
		SameSite: http.SameSiteLaxMode,
	})
}

// safeNext returns a local path to go to after login, never another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/redaktion") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n") {
		return "/redaktion"
	}
	return next
}
