package storage

import (
	"context"
	"fmt"
)

// Settings returns every stored setting.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.q().query(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()

	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read settings: %w", err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	return out, nil
}

// PutSettings stores the given settings in one transaction.
func (s *Store) PutSettings(ctx context.Context, kv map[string]string) error {
	err := s.inTx(ctx, func(c q) error {
		for k, v := range kv {
			_, err := c.exec(ctx, `
				INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put settings: %w", err)
	}
	return nil
}

// SettingOnce stores value under key unless the key has a value already,
// and returns the stored value. Instances starting together all get the
// same value.
func (s *Store) SettingOnce(ctx context.Context, key, value string) (string, error) {
	if _, err := s.q().exec(ctx, `
		INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	var stored string
	if err := s.q().queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&stored); err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return stored, nil
}

// StarterLoaded is the setting claimed once the starter collection is
// loaded into a hub (internal/hub), or once a restore has filled it with
// the content of another (internal/transfer/export): either way the
// starter collection is never loaded into it.
const StarterLoaded = "starter.loaded"

// ClaimOnce records that the one-time task named key has been done and
// reports whether this call was the one that did so. Callers run the task
// in fn, inside the same transaction, so a failed task can be tried again.
func (s *Store) ClaimOnce(ctx context.Context, key string, fn func(ctx context.Context) error) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(c q) error {
		res, err := c.exec(ctx, `
			INSERT INTO settings (key, value) VALUES (?, 'done') ON CONFLICT (key) DO NOTHING`, key)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		claimed = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("claim %s: %w", key, err)
	}
	if claimed && fn != nil {
		if err := fn(ctx); err != nil {
			// Release the claim so that the next start tries again.
			if _, derr := s.q().exec(ctx, `DELETE FROM settings WHERE key = ?`, key); derr != nil {
				return false, fmt.Errorf("%s: %w (and release: %v)", key, err, derr)
			}
			return false, fmt.Errorf("%s: %w", key, err)
		}
	}
	return claimed, nil
}
