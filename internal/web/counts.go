package web

import (
	"context"
	"sync"
	"time"

	"github.com/bindeled/bindeled/internal/storage"
)

// countFlushEvery is how often gathered counts are written: when a shared
// link brings thousands of parents a minute, each visit costs a few map
// operations instead of a write to the database.
const countFlushEvery = 5 * time.Second

// maxMissedPerFlush bounds the distinct searches gathered between two
// flushes: a flood of made-up searches costs at most this many map
// entries, and the list they go to is bounded too
// (storage.MaxMissedSearches).
const maxMissedPerFlush = 1000

// counts gathers tagged visits and searches that found nothing until the
// next flush. Visits are bounded by the materials and the channels.
type counts struct {
	mu     sync.Mutex
	visits map[storage.Visit]int
	missed map[string]int
	// dropped counts the searches not gathered since the last flush.
	dropped int
}

func (c *counts) addVisit(v storage.Visit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.visits == nil {
		c.visits = map[storage.Visit]int{}
	}
	c.visits[v]++
}

func (c *counts) addMissed(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.missed == nil {
		c.missed = map[string]int{}
	}
	if _, ok := c.missed[query]; !ok && len(c.missed) >= maxMissedPerFlush {
		c.dropped++
		return
	}
	c.missed[query]++
}

// take empties the counts and returns what they held, and how many
// searches were not gathered.
func (c *counts) take() (map[storage.Visit]int, map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, m, d := c.visits, c.missed, c.dropped
	c.visits, c.missed, c.dropped = nil, nil, 0
	return v, m, d
}

// RunCounts writes the gathered counts every few seconds until ctx ends,
// then once more, so that counts of the requests served before a shutdown
// are kept.
func (s *Server) RunCounts(ctx context.Context) {
	t := time.NewTicker(countFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.FlushCounts(ctx)
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			s.FlushCounts(final)
			cancel()
			return
		}
	}
}

// FlushCounts writes the gathered counts now. Counts that cannot be
// written are logged and dropped: they are statistics, and keeping them
// for ever would let memory grow while the database is away.
func (s *Server) FlushCounts(ctx context.Context) {
	visits, missed, dropped := s.counts.take()
	if err := s.store.CountVisits(ctx, visits); err != nil {
		s.log.Warn("count visits", "visits", len(visits), "err", err)
	}
	if len(missed) > 0 {
		full, err := s.store.LogMissedSearches(ctx, missed)
		if err != nil {
			s.log.Warn("log searches that found nothing", "searches", len(missed), "err", err)
		}
		dropped += full
	}
	if dropped > 0 {
		s.log.Info("searches that found nothing not kept: too many different ones",
			"dropped", dropped, "per_flush", maxMissedPerFlush, "list_limit", storage.MaxMissedSearches)
	}
}
