package storage

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// pageVersionMaxAge is how long a page version read from the database is
// believed when this process has committed nothing since: changes that
// other processes (the import command, a second instance) commit are seen
// within it.
const pageVersionMaxAge = 250 * time.Millisecond

// pageVersions remembers the last page version read, so that a cached page
// costs no query. Every commit this process makes counts in writes, and a
// remembered version read before the latest commit is not believed.
type pageVersions struct {
	writes atomic.Uint64
	last   atomic.Pointer[pageVersionRead]
	mu     sync.Mutex // one read of the database at a time
}

// pageVersionRead is a version with what was known when it was read.
type pageVersionRead struct {
	version int64
	writes  uint64    // this process's commits counted before the read began
	at      time.Time // when the read began
}

func (p *pageVersions) fresh() (int64, bool) {
	r := p.last.Load()
	if r == nil || r.writes != p.writes.Load() || time.Since(r.at) >= pageVersionMaxAge {
		return 0, false
	}
	return r.version, true
}

// CurrentPageVersion returns the page version (see PageVersion) at least as
// new as every commit this process has finished, and as every commit of
// another process finished a quarter of a second ago. It reads the
// database only when what it remembers may be older than that, so most
// calls cost two atomic loads and a clock reading.
func (s *Store) CurrentPageVersion(ctx context.Context) (int64, error) {
	p := s.pages
	if p == nil {
		return s.PageVersion(ctx)
	}
	if v, ok := p.fresh(); ok {
		return v, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.fresh(); ok { // another caller read it meanwhile
		return v, nil
	}
	// The count and the clock are taken before the query, so a commit
	// that finishes during it makes the result not believed.
	r := &pageVersionRead{writes: p.writes.Load(), at: time.Now()}
	v, err := s.PageVersion(ctx)
	if err != nil {
		return 0, err
	}
	r.version = v
	p.last.Store(r)
	return v, nil
}

// committed records that this process has committed a change, which may
// have moved the page version. It is called after the commit returns.
func (s *Store) committed() {
	if s.pages != nil {
		s.pages.writes.Add(1)
	}
}
