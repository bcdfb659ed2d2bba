package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/bindeled/bindeled/internal/hub"
	"github.com/bindeled/bindeled/internal/social"
	"github.com/bindeled/bindeled/internal/web"
)

const serveSummary = `Runs the hub: the public site at / and the editors' workspace at /redaktion.

With no flags it keeps everything in ./data: an SQLite database and a media
folder, and on first start loads the starter materials. When no user exists
it prints a one-time link (valid for an hour) that creates the first admin.

PostgreSQL: give --database postgres://USER@HOST:5432/DBNAME (or set
BINDELED_DATABASE). Media files stay in --data unless --media-s3-endpoint
and --media-s3-bucket name an S3-compatible bucket, with the keys in
BINDELED_S3_ACCESS_KEY and BINDELED_S3_SECRET_KEY.

E-mail (invitations, password links, notifications) is off until
--smtp-host is given; it then needs --smtp-from and --base-url. Give the
password in BINDELED_SMTP_PASSWORD rather than on the command line.

Social channels: Facebook Pages and LinkedIn organisation pages need
BINDELED_SECRET_KEY (32 random bytes, e.g. openssl rand -base64 32) to
store their tokens encrypted; without it only channels by hand work.

Metrics: --metrics-addr 127.0.0.1:9464 serves /metrics in Prometheus format
on a listener of its own, never on the site's address; keep it on loopback
or a private network.`

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("serve", serveSummary, stderr)
	addr := f.String("addr", ":8080", "address to listen on")
	data, database, s3 := hubFlags(f)
	baseURL := f.String("base-url", "", "public address for absolute links, e.g. https://skoleoghjem.example.dk")
	starter := f.Bool("starter", true, "load the starter materials into a new, empty hub")
	proxies := f.String("trusted-proxies", "",
		"comma-separated CIDRs of proxies whose X-Forwarded-For and X-Forwarded-Proto are believed")
	logFormat := f.String("log-format", "text", "log format: text or json")
	logReads := f.Bool("log-reads", false, "log every request; without it pages, feeds and files "+
		"answered without a problem and begun within a second are not logged, nor their readers' addresses")
	grace := f.Duration("shutdown-grace", 20*time.Second, "how long requests in flight may finish at shutdown")
	jobInterval := f.Duration("job-interval", 30*time.Second,
		"how often the scheduler looks for materials due to be published")
	auditDays := f.Int("audit-days", 365,
		"days the audit log (who did what, from which address) is kept while the admins set no period; "+
			"0 keeps it forever")
	pageCacheMB := f.Int("page-cache-mb", web.DefaultPageCacheBytes>>20,
		"megabytes of memory for rendered, compressed public pages; 0 keeps none")
	memoryMB := f.Int("memory-limit-mb", defaultMemoryLimitMB,
		"soft limit in megabytes for the Go heap, where the collector works harder; 0 for none "+
			"(GOMEMLIMIT, when set, wins)")
	metricsAddr := f.String("metrics-addr", "",
		"address for /metrics in Prometheus format, apart from the site, e.g. 127.0.0.1:9464; empty serves none")
	passwords := passwordFlags(f)
	uploads := uploadFlags(f)
	smtp := mailFlags(f)
	socialCfg, secretKey := socialFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	s3cfg, err := s3.config()
	if err != nil {
		return err
	}
	var key []byte
	if *secretKey != "" {
		var err error
		if key, err = social.ParseKey(*secretKey); err != nil {
			return fmt.Errorf("BINDELED_SECRET_KEY: %w", err)
		}
	}
	if *pageCacheMB < 0 || *pageCacheMB > maxPageCacheMB {
		return fmt.Errorf("--page-cache-mb %d: give 0 to keep no pages, or up to %d megabytes", *pageCacheMB,
			maxPageCacheMB)
	}
	if *memoryMB < 0 {
		return fmt.Errorf("--memory-limit-mb %d: give 0 for no limit, or a number of megabytes", *memoryMB)
	}
	if smtp.Host != "" && *baseURL == "" {
		return fmt.Errorf("--smtp-host needs --base-url: the links in mails must point to the hub")
	}

	setMemoryLimit(*memoryMB)
	logOut := newLogWriter(stderr)
	defer logOut.Close()
	log, err := newLogger(logOut, *logFormat)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	h, err := hub.Open(ctx, hub.Config{
		Addr: *addr, DataDir: *data, Database: *database, MediaS3: s3cfg, BaseURL: *baseURL,
		TrustedProxies: *proxies, Starter: *starter, Passwords: *passwords, Uploads: *uploads,
		Logger: log, Version: versionString(), JobInterval: *jobInterval,
		AuditRetention: time.Duration(*auditDays) * 24 * time.Hour, Mail: *smtp, Social: *socialCfg,
		SecretKey: key, PageCacheBytes: pageCacheBytes(*pageCacheMB), MetricsAddr: *metricsAddr,
		LogReads: *logReads,
	})
	if err != nil {
		return err
	}
	defer h.Close()

	return h.Serve(ctx, *addr, *grace, func(listening string) {
		log.Info("listening", "addr", listening, "version", versionString())
		link, err := h.FirstAdminLink(ctx, listening)
		if err != nil {
			log.Error("first admin link", "err", err)
		}
		if link != "" {
			// Printed to the terminal only, never to the log.
			fmt.Fprintf(stdout, "\nNobody can sign in yet. Create the first admin within an hour at:\n\n  %s\n\n", link)
		}
	})
}

// defaultMemoryLimitMB bounds the Go heap of a hub with its page cache
// full; with the collector running when the heap has grown by half rather
// than doubled (gcPercent), a hub with 10,000 materials stays under 100 MB
// of resident memory under load (docs/performance.md).
const (
	defaultMemoryLimitMB = 70
	gcPercent            = 50
)

// setMemoryLimit sets the runtime's soft memory limit and how much the heap
// grows between collections, each unless GOMEMLIMIT or GOGC sets it.
func setMemoryLimit(mb int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") != "" || mb <= 0 {
		return
	}
	debug.SetMemoryLimit(int64(mb) << 20)
}

// maxPageCacheMB bounds --page-cache-mb, beyond any sensible machine.
const maxPageCacheMB = 64 << 10

// pageCacheBytes turns --page-cache-mb into the web layer's bound, where
// a negative number keeps no pages.
func pageCacheBytes(mb int) int64 {
	if mb <= 0 {
		return -1
	}
	return int64(mb) << 20
}

func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}
