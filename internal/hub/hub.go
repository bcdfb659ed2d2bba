// Package hub assembles a running hub from its configuration: the
// database, the media store, the starter collection, the first admin's
// setup link and the web server.
package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/clientip"
	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/mail"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/metrics"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/web"
)

// DatabaseFile is the name of the SQLite database in the data folder,
// used when no PostgreSQL URL is given.
const DatabaseFile = "bindeled.db"

// DSN is the database a hub uses: the PostgreSQL URL database when one is
// given, else the SQLite file in the data folder.
func DSN(dataDir, database string) string {
	if database != "" {
		return database
	}
	return filepath.Join(dataDir, DatabaseFile)
}

// Config is everything a hub is started with.
type Config struct {
	Addr           string
	DataDir        string
	Database       string // a postgres:// URL; empty means SQLite in DataDir
	BaseURL        string
	TrustedProxies string
	Starter        bool
	Passwords      auth.Params
	Uploads        media.Limits
	Logger         *slog.Logger
	Version        string
	// JobInterval is how often the scheduler looks for due work.
	JobInterval time.Duration
	// AuditRetention is how long the audit log is kept; 0 keeps it forever.
	AuditRetention time.Duration
	// PageCacheBytes bounds the page cache (web.Config.PageCacheBytes).
	PageCacheBytes int64
	// LogReads logs every request, reads too (web.Config.LogReads).
	LogReads bool
	// Mail is the SMTP server to send through; an empty host sends none.
	Mail mail.Config
	// Social holds the platforms' addresses; empty fields are the real
	// hosts.
	Social social.Config
	// MediaS3 keeps media in an S3-compatible bucket; when it is not
	// enabled they are kept in DataDir.
	MediaS3 media.S3Config
	// SecretKey seals the platforms' tokens (social.KeySize bytes); nil
	// leaves the hub unable to store or use any token.
	SecretKey []byte
	// MetricsAddr is where /metrics is served, apart from the site; empty
	// serves no metrics.
	MetricsAddr string
}

// Hub is an opened hub, ready to serve.
type Hub struct {
	Store    *storage.Store
	Blobs    media.Blobs
	Web      *web.Server
	Jobs     *jobs.Runner
	Notifier *notify.Notifier
	Poster   *social.Poster
	// Metrics is nil unless Config.MetricsAddr is set.
	Metrics     *metrics.Metrics
	metricsAddr string
	baseURL     *url.URL
	log         *slog.Logger
}

// Open opens the database, migrates it, loads the starter collection when
// the database is new and asked for, and builds the web server.
func Open(ctx context.Context, cfg Config) (*Hub, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	proxies, err := clientip.ParseTrusted(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}

	st, err := storage.Open(ctx, DSN(cfg.DataDir, cfg.Database))
	if err != nil {
		return nil, err
	}
	h, err := open(ctx, cfg, st, base, proxies)
	if err != nil {
		st.Close()
		return nil, err
	}
	return h, nil
}

func open(ctx context.Context, cfg Config, st *storage.Store, base *url.URL, proxies *clientip.Resolver) (*Hub, error) {
	if err := st.Migrate(ctx, cfg.Logger); err != nil {
		return nil, err
	}
	blobs, err := OpenBlobs(ctx, cfg.DataDir, cfg.MediaS3)
	if err != nil {
		return nil, err
	}
	if cfg.MediaS3.Enabled() {
		cfg.Logger.Info("media kept in S3", "store", cfg.MediaS3.String())
	}
	if cfg.Starter {
		if err := LoadStarter(ctx, st, blobs, cfg.Logger); err != nil {
			return nil, err
		}
	}
	// A database from before the search index gets it built once; every
	// save keeps it current from then on.
	if n, err := st.BuildIndex(ctx); err != nil {
		return nil, err
	} else if n > 0 {
		cfg.Logger.Info("search index built", "materials", n)
	}
	// Images stored before renditions existed, or restored from an
	// export, get theirs made by the job runner.
	if n, err := st.PlanMissingRenditions(ctx, time.Now()); err != nil {
		return nil, err
	} else if n > 0 {
		cfg.Logger.Info("renditions planned for images without them", "images", n)
	}
	interval := cfg.JobInterval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	m, err := newMetrics(cfg, st)
	if err != nil {
		return nil, err
	}
	runner := &jobs.Runner{Store: st, Log: cfg.Logger, Interval: interval, Lease: 5 * time.Minute,
		AuditRetention: cfg.AuditRetention, Blobs: blobs}
	if m != nil {
		runner.Metrics = m
	}
	baseString := ""
	if base != nil {
		baseString = base.String()
	}
	if cfg.Mail.Enabled() {
		if base == nil {
			return nil, errors.New("mail: --base-url is needed for the links in mails")
		}
		sender, err := mail.NewSender(cfg.Mail)
		if err != nil {
			return nil, err
		}
		runner.Mailer = sender
	}
	notifier := notify.New(st, baseString, cfg.Mail.Enabled(), cfg.Logger)
	runner.Notifier = notifier

	poster, sealer, err := newPoster(cfg, st, notifier, runner.Lease)
	if err != nil {
		return nil, err
	}
	runner.Social = poster

	w, err := web.New(ctx, web.Config{
		BaseURL: base, Proxies: proxies, Passwords: cfg.Passwords, Uploads: cfg.Uploads,
		Logger: cfg.Logger, Version: cfg.Version, Notifier: notifier, Social: cfg.Social, Sealer: sealer,
		PageCacheBytes: cfg.PageCacheBytes, AuditRetention: cfg.AuditRetention, Metrics: m,
		LogReads: cfg.LogReads,
	}, st, blobs)
	if err != nil {
		return nil, err
	}
	poster.Images = w // a post shows the material's share image
	return &Hub{Store: st, Blobs: blobs, Web: w, Jobs: runner, Notifier: notifier, Poster: poster, Metrics: m,
		metricsAddr: cfg.MetricsAddr, baseURL: base, log: cfg.Logger}, nil
}

// newMetrics makes the hub's metrics when they are to be served: the
// runtime, the database pool and the job queue the instances share.
func newMetrics(cfg Config, st *storage.Store) (*metrics.Metrics, error) {
	if cfg.MetricsAddr == "" {
		return nil, nil
	}
	m := metrics.New(cfg.Version)
	if err := m.WatchDB(st.DB(), string(st.Backend())); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	err := m.WatchJobs(func(ctx context.Context, now time.Time) ([]metrics.JobQueue, error) {
		due, err := st.DueJobsByKind(ctx, now)
		out := make([]metrics.JobQueue, len(due))
		for i, q := range due {
			out[i] = metrics.JobQueue{Kind: q.Kind, Due: q.Due, Oldest: q.Oldest}
		}
		return out, err
	})
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return m, nil
}

// OpenBlobs opens the media store: the S3 bucket s3 names when it is
// enabled, or else the folder "media" in dataDir.
func OpenBlobs(ctx context.Context, dataDir string, s3 media.S3Config) (media.Blobs, error) {
	if s3.Enabled() {
		s, err := media.NewS3(s3)
		if err == nil {
			err = s.Check(ctx)
		}
		return s, err
	}
	d, err := media.NewDisk(filepath.Join(dataDir, "media"))
	if err != nil {
		return nil, fmt.Errorf("media folder: %w", err)
	}
	return d, nil
}

// newPoster builds what sends posts to the social channels. A post must
// be sent well within the job's lease, or another instance could take
// the job over mid-send.
func newPoster(cfg Config, st *storage.Store, n *notify.Notifier,
	lease time.Duration) (*social.Poster, *social.Sealer, error) {
	if err := cfg.Social.Check(); err != nil {
		return nil, nil, err
	}
	var sealer *social.Sealer
	if cfg.SecretKey != nil {
		var err error
		if sealer, err = social.NewSealer(cfg.SecretKey); err != nil {
			return nil, nil, err
		}
	} else {
		cfg.Logger.Warn("no secret key: social channels can only be posted to by hand " +
			"(set BINDELED_SECRET_KEY to connect Facebook and LinkedIn)")
	}
	timeout := lease / 3
	sc := cfg.Social
	if sc.HTTP == nil {
		sc.HTTP = social.NewHTTPClient(timeout)
	}
	return &social.Poster{Store: st, Facebook: social.NewFacebook(sc), LinkedIn: social.NewLinkedIn(sc),
		Sealer: sealer, Notifier: n, Log: cfg.Logger, Timeout: timeout}, sealer, nil
}

func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(strings.TrimSuffix(s, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: must be an http or https address", s)
	}
	return u, nil
}

// Close closes the database.
func (h *Hub) Close() error { return h.Store.Close() }

// FirstAdminLink returns a one-time link, valid for an hour, that creates
// the first admin, or "" when someone can already sign in. The token is
// not logged; the caller prints the link to the terminal.
func (h *Hub) FirstAdminLink(ctx context.Context, addr string) (string, error) {
	n, err := h.Store.CountSignInUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	token := auth.NewToken()
	err = h.Store.CreateSetupToken(ctx, &storage.SetupToken{
		TokenHash: auth.HashToken(token), Purpose: "first-admin", ExpiresAt: time.Now().Add(time.Hour),
	})
	if err != nil {
		return "", err
	}
	return h.publicBase(addr) + "/redaktion/opsaetning?token=" + url.QueryEscape(token), nil
}

// publicBase is the configured base URL, or one made from the listening
// address, with "localhost" for an address that listens everywhere.
func (h *Hub) publicBase(addr string) string {
	if h.baseURL != nil {
		return h.baseURL.String()
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Serve runs the web server on addr until ctx ends, then lets requests in
// flight finish for up to grace.
func (h *Hub) Serve(ctx context.Context, addr string, grace time.Duration, ready func(net string)) error {
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if h.Metrics != nil {
		mln, err := listen(h.metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics: %w", err)
		}
		h.log.Info("metrics listening", "addr", mln.Addr().String())
		metricsDone := make(chan struct{})
		defer func() { <-metricsDone }()
		metricsCtx, stopMetrics := context.WithCancel(ctx)
		defer stopMetrics()
		go func() {
			defer close(metricsDone)
			if err := serveOn(metricsCtx, mln, h.Metrics.Handler(), time.Second, h.log); err != nil {
				h.log.Error("metrics server", "err", err)
			}
		}()
	}
	if ready != nil {
		ready(ln.Addr().String())
	}

	jobsDone := make(chan struct{})
	jobsCtx, stopJobs := context.WithCancel(ctx)
	defer func() { stopJobs(); <-jobsDone }()
	go func() { defer close(jobsDone); h.Jobs.Run(jobsCtx) }()

	// Counts are written until the last request has been served.
	countsDone := make(chan struct{})
	countsCtx, stopCounts := context.WithCancel(context.WithoutCancel(ctx))
	defer func() { stopCounts(); <-countsDone }()
	go func() { defer close(countsDone); h.Web.RunCounts(countsCtx) }()

	return serveOn(ctx, ln, h.Web, grace, h.log)
}

// ServeHandler serves handler on addr with the same server settings as
// Serve, until ctx ends. The hidden serve-file command uses it, so that a
// plain file is measured through the same server as the hub's pages.
func ServeHandler(ctx context.Context, addr string, handler http.Handler, grace time.Duration, log *slog.Logger,
	ready func(net string)) error {
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	return serveOn(ctx, ln, handler, grace, log)
}

// serveOn runs an HTTP server on ln until ctx ends, then lets requests in
// flight finish for up to grace.
func serveOn(ctx context.Context, ln net.Listener, handler http.Handler, grace time.Duration,
	log *slog.Logger) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}

	log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
