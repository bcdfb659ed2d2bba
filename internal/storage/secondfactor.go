package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TOTP is a user's confirmed time-based second factor.
type TOTP struct {
	UserID int64
	// Secret is as stored: sealed ("v1." …) or the plain base32 secret.
	Secret      string
	ConfirmedAt time.Time
	LastStep    int64
}

// UserTOTP returns a user's confirmed second factor, or ErrNotFound.
func (s *Store) UserTOTP(ctx context.Context, userID int64) (*TOTP, error) {
	t := TOTP{UserID: userID}
	var confirmed int64
	err := s.q().queryRow(ctx, `
		SELECT secret, confirmed_at, last_step FROM user_totp
		WHERE user_id = ? AND confirmed_at IS NOT NULL`, userID).Scan(&t.Secret, &confirmed, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("second factor of user %d: %w", userID, err)
	}
	t.ConfirmedAt = fromMillis(confirmed)
	return &t, nil
}

// EnableTOTP stores a user's confirmed second factor with step as its
// first used step, and replaces their recovery codes with the given
// hashes, in one transaction. A user who has one already gets ErrConflict.
func (s *Store) EnableTOTP(ctx context.Context, t *TOTP, recoveryHashes []string) error {
	err := s.inTx(ctx, func(c q) error {
		res, err := c.exec(ctx, `
			INSERT INTO user_totp (user_id, secret, confirmed_at, last_step) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO NOTHING`, t.UserID, t.Secret, millis(t.ConfirmedAt), t.LastStep)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrConflict
		}
		return replaceRecoveryCodes(ctx, c, t.UserID, recoveryHashes)
	})
	if err != nil {
		return fmt.Errorf("enable second factor of user %d: %w", t.UserID, err)
	}
	return nil
}

func replaceRecoveryCodes(ctx context.Context, c q, userID int64, hashes []string) error {
	if _, err := c.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range dedupe(hashes) {
		if _, err := c.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`,
			userID, h); err != nil {
			return err
		}
	}
	return nil
}

// UseTOTPStep records that a code of step was accepted, and reports false
// when that step or a later one was used already: each code works once,
// even when two requests race with it.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.q().exec(ctx, `
		UPDATE user_totp SET last_step = ?
		WHERE user_id = ? AND last_step < ? AND confirmed_at IS NOT NULL`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("use code of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use code of user %d: %w", userID, err)
	}
	return n == 1, nil
}

// UseRecoveryCode spends one of a user's recovery codes, by its hash, and
// reports whether it was there and unused.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash string, now time.Time) (bool, error) {
	res, err := s.q().exec(ctx, `
		UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, millis(now), userID, hash)
	if err != nil {
		return false, fmt.Errorf("use recovery code of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("use recovery code of user %d: %w", userID, err)
	}
	return n == 1, nil
}

// RecoveryCodesLeft counts a user's unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.q().queryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`,
		userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("recovery codes of user %d: %w", userID, err)
	}
	return n, nil
}

// DisableTOTP removes a user's second factor, their recovery codes and
// any login waiting for a code. It reports whether there was one.
func (s *Store) DisableTOTP(ctx context.Context, userID int64) (bool, error) {
	had := false
	err := s.inTx(ctx, func(c q) error {
		res, err := c.exec(ctx, `DELETE FROM user_totp WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		had = n > 0
		for _, stmt := range []string{`DELETE FROM recovery_codes WHERE user_id = ?`,
			`DELETE FROM login_challenges WHERE user_id = ?`} {
			if _, err := c.exec(ctx, stmt, userID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("disable second factor of user %d: %w", userID, err)
	}
	return had, nil
}

// LoginChallenge is a login half done: the password was right and a code
// is awaited. Only a hash of its id is stored.
type LoginChallenge struct {
	IDHash    string
	UserID    int64
	Next      string
	Failures  int
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateLoginChallenge stores a login challenge.
func (s *Store) CreateLoginChallenge(ctx context.Context, c *LoginChallenge) error {
	_, err := s.q().exec(ctx, `
		INSERT INTO login_challenges (id_hash, user_id, next, failures, created_at, expires_at)
		VALUES (?, ?, ?, 0, ?, ?)`, c.IDHash, c.UserID, c.Next, millis(c.CreatedAt), millis(c.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create login challenge: %w", err)
	}
	return nil
}

// LoginChallengeUser returns an unexpired challenge and its active user.
func (s *Store) LoginChallengeUser(ctx context.Context, idHash string, now time.Time) (*LoginChallenge, *User,
	error) {
	c := LoginChallenge{IDHash: idHash}
	var created, expires int64
	err := s.q().queryRow(ctx, `
		SELECT user_id, next, failures, created_at, expires_at FROM login_challenges
		WHERE id_hash = ? AND expires_at > ?`, idHash, millis(now)).
		Scan(&c.UserID, &c.Next, &c.Failures, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("login challenge: %w", err)
	}
	c.CreatedAt, c.ExpiresAt = fromMillis(created), fromMillis(expires)
	u, err := s.UserByID(ctx, c.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("login challenge: %w", err)
	}
	if !u.Active {
		return nil, nil, fmt.Errorf("login challenge: %w", ErrNotFound)
	}
	return &c, u, nil
}

// FailLoginChallenge counts a wrong code against a challenge and ends the
// challenge once it has had max wrong codes.
func (s *Store) FailLoginChallenge(ctx context.Context, idHash string, max int) error {
	err := s.inTx(ctx, func(c q) error {
		if _, err := c.exec(ctx, `UPDATE login_challenges SET failures = failures + 1 WHERE id_hash = ?`,
			idHash); err != nil {
			return err
		}
		_, err := c.exec(ctx, `DELETE FROM login_challenges WHERE id_hash = ? AND failures >= ?`, idHash, max)
		return err
	})
	if err != nil {
		return fmt.Errorf("fail login challenge: %w", err)
	}
	return nil
}

// DeleteLoginChallenge ends a challenge and reports whether it was there,
// so that a challenge finishes one login even when raced.
func (s *Store) DeleteLoginChallenge(ctx context.Context, idHash string) (bool, error) {
	res, err := s.q().exec(ctx, `DELETE FROM login_challenges WHERE id_hash = ?`, idHash)
	if err != nil {
		return false, fmt.Errorf("delete login challenge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete login challenge: %w", err)
	}
	return n == 1, nil
}

// DeleteUserSessions ends every session of a user, and any login of
// theirs waiting for a code: "log out everywhere".
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	err := s.inTx(ctx, func(c q) error {
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		_, err := c.exec(ctx, `DELETE FROM login_challenges WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	return nil
}
