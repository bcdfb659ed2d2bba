// Package web is the hub's HTTP face: the public site for readers and the
// editors' workspace under /redaktion, with the middleware, templates and
// assets they share.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/clientip"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/metrics"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/storage"
)

// Config is what the web layer needs from the command line.
type Config struct {
	// BaseURL is the public address used for absolute links. When nil, the
	// address is taken from each request.
	BaseURL *url.URL
	// Proxies says whose X-Forwarded-For and X-Forwarded-Proto to believe.
	Proxies *clientip.Resolver
	// Passwords sets the cost of password hashing; tests lower it.
	Passwords auth.Params
	// Uploads limits the size of uploads.
	Uploads media.Limits
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// LoginLimit is how many failed logins an account or an address may
	// make per LoginWindow.
	LoginLimit  int
	LoginWindow time.Duration
	Logger      *slog.Logger
	Version     string
	// Notifier fills inboxes and queues mail; nil makes one that sends
	// no mail.
	Notifier *notify.Notifier
	// Social holds the platforms' addresses for connecting channels; its
	// empty fields are the real hosts.
	Social social.Config
	// Sealer seals the platforms' tokens; nil when the hub was started
	// without a secret key, and then no token is stored.
	Sealer *social.Sealer
	// PageCacheBytes bounds the memory of the page cache; 0 is
	// DefaultPageCacheBytes, and a negative value keeps no pages.
	PageCacheBytes int64
	// LogReads logs every request. Without it a read (GET or HEAD)
	// answered below 400 and begun within slowRequest is not logged: the
	// log keeps changes, refusals, failures and answers slow to begin, and
	// no address of each reader of a page (the privacy notice says which).
	LogReads bool
	// AuditRetention is how long the audit log is kept while the admins
	// have set no period of their own (the --audit-days flag); the
	// settings page and the privacy notice show it.
	AuditRetention time.Duration
	// Metrics records requests by route and the page cache; nil records
	// nothing.
	Metrics *metrics.Metrics
}

// Server handles every HTTP request of the hub.
type Server struct {
	cfg Config
	// baseURL is cfg.BaseURL written out once, for every absolute link.
	baseURL string
	store   *storage.Store
	media   *media.Processor
	blobs   media.Blobs
	views   *views
	assets  *assets
	log     *slog.Logger
	secret  []byte
	// notifier tells people what happened to their materials.
	notifier *notify.Notifier
	// The platforms, for connecting social channels, and the sealer of
	// their tokens.
	facebook *social.FacebookClient
	linkedin *social.LinkedInClient
	sealer   *social.Sealer
	// Failed logins are limited per account from one address, per address,
	// and per account from everywhere with a higher bound, so that a
	// stranger cannot lock a user out from another address. The counts
	// live in the database, shared by every instance.
	byAccountAddr *auth.Limiter
	byAddr        *auth.Limiter
	byAccount     *auth.Limiter
	// Password links asked for, per address and per account.
	resetByAddr    *auth.Limiter
	resetByAccount *auth.Limiter
	// shareMu makes share images one at a time.
	shareMu sync.Mutex
	// pageCache keeps rendered public pages; day is today's date in
	// Copenhagen, until when it lasts.
	pageCache *pageCache
	// counts gathers tagged visits and missed searches for RunCounts.
	counts counts
	day    atomic.Pointer[dayCache]
	routes []Route
	// unmatched records the requests no route of the table took: the
	// not-found page, and what the mux answers itself.
	unmatched *metrics.Route
	mux       *http.ServeMux
	handler   http.Handler
}

// New builds a Server. The assets are fingerprinted and the page templates
// listed once a process; each template is parsed when first shown (views).
func New(ctx context.Context, cfg Config, st *storage.Store, blobs media.Blobs) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Proxies == nil {
		cfg.Proxies, _ = clientip.ParseTrusted("")
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit, cfg.LoginWindow = 10, 15*time.Minute
	}
	if cfg.PageCacheBytes == 0 {
		cfg.PageCacheBytes = DefaultPageCacheBytes
	}
	if cfg.Uploads.MaxBytes == nil {
		cfg.Uploads = media.DefaultLimits()
	}
	baseURL := ""
	if cfg.BaseURL != nil {
		baseURL = cfg.BaseURL.String()
	}
	if cfg.Notifier == nil {
		cfg.Notifier = notify.New(st, baseURL, false, cfg.Logger)
	}

	secret, err := serverSecret(ctx, st)
	if err != nil {
		return nil, err
	}
	a, err := staticAssets()
	if err != nil {
		return nil, err
	}
	a.startCompressing()
	v, err := pageViews()
	if err != nil {
		return nil, err
	}

	s := &Server{
		cfg:            cfg,
		baseURL:        baseURL,
		store:          st,
		media:          &media.Processor{Blobs: blobs, Limits: cfg.Uploads},
		blobs:          blobs,
		views:          v,
		assets:         a,
		log:            cfg.Logger,
		secret:         secret,
		notifier:       cfg.Notifier,
		facebook:       social.NewFacebook(cfg.Social),
		linkedin:       social.NewLinkedIn(cfg.Social),
		sealer:         cfg.Sealer,
		resetByAddr:    auth.NewLimiter(st, "reset-addr", cfg.LoginLimit, cfg.LoginWindow),
		resetByAccount: auth.NewLimiter(st, "reset-account", 3, cfg.LoginWindow),
		byAccountAddr:  auth.NewLimiter(st, "login-account-addr", cfg.LoginLimit, cfg.LoginWindow),
		byAddr:         auth.NewLimiter(st, "login-addr", cfg.LoginLimit*5, cfg.LoginWindow),
		byAccount:      auth.NewLimiter(st, "login-account", cfg.LoginLimit*10, cfg.LoginWindow),
		pageCache:      newPageCache(max(cfg.PageCacheBytes, 0)),
		unmatched:      cfg.Metrics.Route("unmatched"),
	}
	if err := cfg.Metrics.WatchPageCache(s.pageCache.stats); err != nil {
		return nil, fmt.Errorf("page cache metrics: %w", err)
	}
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		pattern := rt.Method + " " + rt.Pattern
		mux.Handle(pattern, s.wrap(rt, cfg.Metrics.Route(pattern)))
	}
	mux.Handle("/", s.wrap(Route{Access: Public, Handle: s.notFound}, s.unmatched))
	s.mux = mux
	s.handler = s.logRequests(s.recoverer(s.securityHeaders(mux)))
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns the route table, for tests and documentation.
func (s *Server) Routes() []Route { return s.routes }

// RouteOf returns the pattern of the route that serves a request, such as
// "GET /materialer/{slug}", or "/" for the not-found page.
func (s *Server) RouteOf(r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	return pattern
}

// serverSecret returns the key that signs CSRF tokens. It lives in the
// database so that every instance of a hub shares it.
func serverSecret(ctx context.Context, st *storage.Store) ([]byte, error) {
	secret, err := st.SettingOnce(ctx, "server.secret", auth.NewToken())
	if err != nil {
		return nil, fmt.Errorf("server secret: %w", err)
	}
	return []byte(secret), nil
}
