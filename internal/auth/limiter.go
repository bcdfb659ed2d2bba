package auth

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"
)

// MaxLimiterKeys is how many keys a Limiter remembers at most. When a new
// key would exceed it, the least recently used key is forgotten.
const MaxLimiterKeys = 100_000

// Limiter limits attempts per key to a fixed number within any sliding
// window of a given length. It keeps, per key, the times of the allowed attempts still
// inside the window, so it holds at most MaxLimiterKeys × limit timestamps.
// Keys are stored as SHA-256 digests. A Limiter is safe for concurrent use.
//
// Forgetting the least recently used key bounds memory, but it also means
// that an attacker who sends more than MaxLimiterKeys distinct keys within a
// window can reset the count of a key it does not use. Layering a limiter
// keyed by client address in front of one keyed by account makes that
// expensive.
type Limiter struct {
	limit   int
	window  time.Duration
	maxKeys int

	mu      sync.Mutex
	entries map[[sha256.Size]byte]*list.Element
	lru     *list.List // of *limiterEntry, least recently used first
}

// limiterEntry is the state of one key.
type limiterEntry struct {
	key      [sha256.Size]byte
	attempts []int64 // Unix nanoseconds of allowed attempts, ascending
}

// NewLimiter returns a Limiter allowing limit attempts per key in any
// window of the given length. It panics when limit or window is not
// positive, which is a programming error.
func NewLimiter(limit int, window time.Duration) *Limiter {
	if limit <= 0 || window <= 0 {
		panic(fmt.Sprintf("auth: NewLimiter(%d, %v): limit and window must be positive", limit, window))
	}

	return &Limiter{
		limit:   limit,
		window:  window,
		maxKeys: MaxLimiterKeys,
		entries: make(map[[sha256.Size]byte]*list.Element),
		lru:     list.New(),
	}
}

// Allow reports whether an attempt for key at time now is within the limit,
// and if so records it. Refused attempts are not recorded, so a key under
// steady attack gets limit attempts per window and no more, and its owner
// is locked out no longer than one window after the attack stops.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()

	l.pruneStale(now)

	e := l.touch(sha256.Sum256([]byte(key)))
	e.expire(now, l.window)

	if len(e.attempts) >= l.limit {
		return false
	}

	e.record(now)

	return true
}

// RetryAfter returns how long after now the next attempt for key would be
// allowed; 0 means it would be allowed now. It records nothing.
func (l *Limiter) RetryAfter(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()

	el, found := l.entries[sha256.Sum256([]byte(key))]
	if !found {
		return 0
	}

	e := el.Value.(*limiterEntry)
	e.expire(now, l.window)

	if len(e.attempts) < l.limit {
		return 0
	}

	oldest := e.attempts[len(e.attempts)-l.limit]

	return time.Duration(oldest + int64(l.window) - now.UnixNano())
}

// Reset forgets every attempt recorded for key, for example after a
// successful login.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()

	k := sha256.Sum256([]byte(key))
	if el, found := l.entries[k]; found {
		l.remove(el)
	}
}

// Len returns how many keys the Limiter currently remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()

	return len(l.entries)
}

// touch returns the entry for k, creating it if needed, and marks it as the
// most recently used. Creating an entry beyond maxKeys evicts the least
// recently used one. The caller holds l.mu.
func (l *Limiter) touch(k [sha256.Size]byte) *limiterEntry {
	if el, found := l.entries[k]; found {
		l.lru.MoveToBack(el)

		return el.Value.(*limiterEntry)
	}

	for len(l.entries) >= l.maxKeys {
		l.remove(l.lru.Front())
	}

	e := &limiterEntry{key: k}
	l.entries[k] = l.lru.PushBack(e)

	return e
}

// pruneStale forgets least recently used entries whose attempts have all
// left the window. It stops at the first entry still in use, so each call
// costs amortised constant time. The caller holds l.mu.
func (l *Limiter) pruneStale(now time.Time) {
	for el := l.lru.Front(); el != nil; el = l.lru.Front() {
		e := el.Value.(*limiterEntry)
		e.expire(now, l.window)

		if len(e.attempts) > 0 {
			return
		}

		l.remove(el)
	}
}

// remove forgets the entry in el. The caller holds l.mu.
func (l *Limiter) remove(el *list.Element) {
	e := l.lru.Remove(el).(*limiterEntry)
	delete(l.entries, e.key)
}

// expire drops attempts at or before now - window.
func (e *limiterEntry) expire(now time.Time, window time.Duration) {
	cutoff := now.UnixNano() - int64(window)

	i := 0
	for i < len(e.attempts) && e.attempts[i] <= cutoff {
		i++
	}

	if i > 0 {
		e.attempts = append(e.attempts[:0], e.attempts[i:]...)
	}
}

// record appends an attempt at now, never earlier than the last one, so
// that attempts stay ordered even if callers' clocks disagree slightly.
func (e *limiterEntry) record(now time.Time) {
	t := now.UnixNano()
	if n := len(e.attempts); n > 0 && e.attempts[n-1] > t {
		t = e.attempts[n-1]
	}

	e.attempts = append(e.attempts, t)
}
