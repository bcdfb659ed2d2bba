// Package metrics keeps the hub's counters and serves them in Prometheus's
// text format: requests and their latency by route pattern and status
// class, jobs run and failed by kind, the job queue, the page cache, the
// database pool and the Go runtime.
//
// Labels come only from bounded sets (route patterns from the route table,
// five status classes, job kinds), never from a request's path or query,
// so the number of series does not grow with traffic.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the hub's metrics. A nil *Metrics records nothing, so
// callers need not check whether metrics are on.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	jobRuns  *prometheus.CounterVec
	jobFails *prometheus.CounterVec
}

// latencyBuckets span a kept page answered from memory (well under a
// millisecond) to an upload or an export (seconds).
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}

// New returns Metrics with the Go runtime's and the process's metrics and
// the hub's version registered.
func New(version string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bindeled_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and status class; _count counts requests.",
			Buckets: latencyBuckets,
		}, []string{"route", "status_class"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bindeled_job_runs_total",
			Help: "Jobs this instance ran, by kind, whether or not they succeeded.",
		}, []string{"kind"}),
		jobFails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bindeled_job_failures_total",
			Help: "Jobs this instance ran that failed and will be tried again, by kind.",
		}, []string{"kind"}),
	}
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "bindeled_build_info",
		Help:        "Always 1; the version label names the running build.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	info.Set(1)
	m.reg.MustRegister(m.requests, m.jobRuns, m.jobFails, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format at GET /metrics,
// and nothing else.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Timeout: 10 * time.Second}))
	return mux
}

// Register adds a collector, such as the page cache's; it fails when a
// metric of the same name is registered already.
func (m *Metrics) Register(c prometheus.Collector) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(c)
}

// WatchDB reports the connection pool of db, labelled with name.
func (m *Metrics) WatchDB(db *sql.DB, name string) error {
	return m.Register(collectors.NewDBStatsCollector(db, name))
}

// JobRan counts a job of kind that ran, and a failure when err is not nil.
func (m *Metrics) JobRan(kind string, err error) {
	if m == nil {
		return
	}
	m.jobRuns.WithLabelValues(kind).Inc()
	if err != nil {
		m.jobFails.WithLabelValues(kind).Inc()
	}
}

// Route records the requests of one route pattern. Its series for each
// status class are made at the first request of that class, so routes
// nobody asks for add no series.
type Route struct {
	vec     *prometheus.HistogramVec
	pattern string
	classes [6]atomic.Pointer[observer] // index: status / 100, 0 for anything out of range
}

// observer boxes a Prometheus observer so that it can be swapped in
// atomically.
type observer struct{ prometheus.Observer }

var classNames = [6]string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}

// Route returns the recorder of requests served by pattern, such as
// "GET /materialer/{slug}". It returns nil when m is nil.
func (m *Metrics) Route(pattern string) *Route {
	if m == nil {
		return nil
	}
	return &Route{vec: m.requests, pattern: pattern}
}

// Observe records a request answered with status after d. It allocates
// nothing once the route has answered with a status of the same class.
func (r *Route) Observe(status int, d time.Duration) {
	if r == nil {
		return
	}
	c := status / 100
	if c < 1 || c >= len(classNames) {
		c = 0
	}
	o := r.classes[c].Load()
	if o == nil {
		// Callers that race here get the same child from the vector.
		o = &observer{r.vec.WithLabelValues(r.pattern, classNames[c])}
		r.classes[c].Store(o)
	}
	o.Observe(d.Seconds())
}

// DueJobs reads how many jobs of each kind are due and not done, and how
// long the oldest of them has waited.
type DueJobs func(ctx context.Context, now time.Time) ([]JobQueue, error)

// JobQueue is the due jobs of one kind.
type JobQueue struct {
	Kind   string
	Due    int
	Oldest time.Time // when the oldest due job fell due
}

// WatchJobs reports the job queue, read from the database at each scrape,
// so that every instance reports the queue they share.
func (m *Metrics) WatchJobs(due DueJobs) error {
	return m.Register(&queueCollector{due: due})
}

var (
	dueDesc = prometheus.NewDesc("bindeled_jobs_due",
		"Jobs due and not done, by kind, across all instances.", []string{"kind"}, nil)
	waitDesc = prometheus.NewDesc("bindeled_jobs_oldest_due_seconds",
		"How long the oldest due job of each kind has waited.", []string{"kind"}, nil)
	upDesc = prometheus.NewDesc("bindeled_jobs_queue_up",
		"1 when the job queue could be read at this scrape, 0 when not.", nil, nil)
)

// queueCollector reads the job queue at each scrape.
type queueCollector struct{ due DueJobs }

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dueDesc
	ch <- waitDesc
	ch <- upDesc
}

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := time.Now()
	queues, err := q.due(ctx, now)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	for _, jq := range queues {
		ch <- prometheus.MustNewConstMetric(dueDesc, prometheus.GaugeValue, float64(jq.Due), jq.Kind)
		ch <- prometheus.MustNewConstMetric(waitDesc, prometheus.GaugeValue, now.Sub(jq.Oldest).Seconds(), jq.Kind)
	}
}

// CacheStats is what the page cache tells about itself.
type CacheStats func() (hits, misses, bytes int64)

// WatchPageCache reports the page cache's hits, misses and size, read at
// each scrape so that serving a page costs nothing more.
func (m *Metrics) WatchPageCache(stats CacheStats) error {
	return m.Register(&cacheCollector{stats: stats})
}

var (
	hitsDesc = prometheus.NewDesc("bindeled_page_cache_hits_total",
		"Public pages answered from this instance's page cache.", nil, nil)
	missesDesc = prometheus.NewDesc("bindeled_page_cache_misses_total",
		"Public pages this instance rendered because its page cache did not hold them.", nil, nil)
	bytesDesc = prometheus.NewDesc("bindeled_page_cache_bytes",
		"Bytes the pages kept in this instance's page cache take.", nil, nil)
)

type cacheCollector struct{ stats CacheStats }

func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- hitsDesc
	ch <- missesDesc
	ch <- bytesDesc
}

func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	hits, misses, bytes := c.stats()
	ch <- prometheus.MustNewConstMetric(hitsDesc, prometheus.CounterValue, float64(hits))
	ch <- prometheus.MustNewConstMetric(missesDesc, prometheus.CounterValue, float64(misses))
	ch <- prometheus.MustNewConstMetric(bytesDesc, prometheus.GaugeValue, float64(bytes))
}
