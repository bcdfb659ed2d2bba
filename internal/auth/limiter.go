package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Counter keeps the attempts a Limiter counts, shared by every instance of
// a hub. Keys reach it hashed. The storage package implements it.
type Counter interface {
	// TakeAttempt counts an attempt if fewer than limit are counted in
	// the window, and reports whether it did, atomically.
	TakeAttempt(ctx context.Context, bucket, key string, windowEnd time.Time, limit int) (bool, error)
	// ReturnAttempt takes back an attempt counted in the window.
	ReturnAttempt(ctx context.Context, bucket, key string, windowEnd time.Time) error
	// ClearAttempts forgets every attempt of key.
	ClearAttempts(ctx context.Context, bucket, key string) error
}

// Limiter limits attempts per key to a fixed number within fixed windows
// of a given length, counted in a Counter so that every instance shares
// the count. Windows start at multiples of their length since the Unix
// epoch, so a key under steady attack gets limit attempts per window, and
// its owner is locked out no longer than one window after the attack
// stops. Keys are stored as hex SHA-256 digests. A Limiter is safe for
// concurrent use.
type Limiter struct {
	counter Counter
	bucket  string
	limit   int
	window  time.Duration
}

// NewLimiter returns a Limiter allowing limit attempts per key in each
// window of the given length, counted in bucket. It panics when limit or
// window is not positive, which is a programming error.
func NewLimiter(c Counter, bucket string, limit int, window time.Duration) *Limiter {
	if limit <= 0 || window <= 0 {
		panic(fmt.Sprintf("auth: NewLimiter(%d, %v): limit and window must be positive", limit, window))
	}
	return &Limiter{counter: c, bucket: bucket, limit: limit, window: window}
}

// Take counts an attempt for key at now if the limit allows it. It returns
// 0 when the attempt was counted, and otherwise how long after now the
// next attempt would be.
func (l *Limiter) Take(ctx context.Context, key string, now time.Time) (time.Duration, error) {
	end := l.windowEnd(now)
	ok, err := l.counter.TakeAttempt(ctx, l.bucket, hashKey(key), end, l.limit)
	if err != nil || ok {
		return 0, err
	}
	return end.Sub(now), nil
}

// GiveBack takes back an attempt that Take counted at now.
func (l *Limiter) GiveBack(ctx context.Context, key string, now time.Time) error {
	return l.counter.ReturnAttempt(ctx, l.bucket, hashKey(key), l.windowEnd(now))
}

// Reset forgets every attempt recorded for key, for example after a
// successful login.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	return l.counter.ClearAttempts(ctx, l.bucket, hashKey(key))
}

// windowEnd returns the end of the window that holds now. The window
// never ends at now itself, so the time left is always positive.
func (l *Limiter) windowEnd(now time.Time) time.Time {
	w := l.window.Milliseconds()
	if w <= 0 {
		w = 1
	}
	start := now.UnixMilli() / w * w
	return time.UnixMilli(start + w)
}

// hashKey returns the hex SHA-256 digest of key.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
