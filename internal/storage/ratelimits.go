package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Rate limits count attempts in the database, so that every instance of a
// hub shares them. Each count belongs to a bucket (one limit, such as
// failed logins per address), a key the caller has already hashed, and a
// fixed window named by its end. Nothing here changes what a public page
// shows, so these statements leave the page version alone.

// limits returns a querier whose statements do not count as page changes.
func (s *Store) limits() q {
	c := s.q()
	c.committed = nil
	return c
}

// TakeAttempt counts one attempt of key in bucket in the window that ends
// at windowEnd, if fewer than limit are counted there already, and reports
// whether it did. The check and the count are one statement, so
// concurrent callers on any number of instances never count more than
// limit attempts in a window.
func (s *Store) TakeAttempt(ctx context.Context, bucket, key string, windowEnd time.Time, limit int) (bool, error) {
	var n int
	err := s.limits().queryRow(ctx, `
		INSERT INTO rate_limits (bucket, key_hash, window_end, attempts)
		VALUES (?, ?, ?, 1)
		ON CONFLICT (bucket, key_hash, window_end) DO UPDATE
		SET attempts = rate_limits.attempts + 1
		WHERE rate_limits.attempts < ?
		RETURNING attempts`,
		bucket, key, millis(windowEnd), limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("take attempt in %s: %w", bucket, err)
	}
	return n <= limit, nil
}

// ReturnAttempt takes back one attempt counted by TakeAttempt in the
// window that ends at windowEnd, for an attempt that turned out not to
// count, such as a login that succeeded.
func (s *Store) ReturnAttempt(ctx context.Context, bucket, key string, windowEnd time.Time) error {
	_, err := s.limits().exec(ctx, `
		UPDATE rate_limits SET attempts = attempts - 1
		WHERE bucket = ? AND key_hash = ? AND window_end = ? AND attempts > 0`,
		bucket, key, millis(windowEnd))
	if err != nil {
		return fmt.Errorf("return attempt in %s: %w", bucket, err)
	}
	return nil
}

// ClearAttempts forgets every attempt of key in bucket.
func (s *Store) ClearAttempts(ctx context.Context, bucket, key string) error {
	_, err := s.limits().exec(ctx, `DELETE FROM rate_limits WHERE bucket = ? AND key_hash = ?`, bucket, key)
	if err != nil {
		return fmt.Errorf("clear attempts in %s: %w", bucket, err)
	}
	return nil
}

// PruneAttempts deletes the counts of windows that ended at or before now
// and returns how many.
func (s *Store) PruneAttempts(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.limits().exec(ctx, `DELETE FROM rate_limits WHERE window_end <= ?`, millis(now))
	if err != nil {
		return 0, fmt.Errorf("prune rate limits: %w", err)
	}
	return res.RowsAffected()
}
