package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrLastAdmin is returned when a change would leave no active admin.
var ErrLastAdmin = errors.New("no active admin would be left")

// The purposes of a user token.
const (
	TokenInvite = "invite"
	TokenReset  = "reset"
)

// UserToken is a one-time link sent to a user: an invitation to choose a
// name and password, or a password reset. Only a hash of it is stored.
type UserToken struct {
	TokenHash string
	UserID    int64
	Purpose   string // TokenInvite or TokenReset
	CreatedAt time.Time
	ExpiresAt time.Time
}

// UserRow is a user as the admins' list shows them.
type UserRow struct {
	User
	SchoolIDs  []int64
	LastInvite time.Time // zero when never invited
}

// Pending reports whether the user has not yet chosen a password.
func (u UserRow) Pending() bool { return u.PasswordHash == "" }

// Users lists every user, by e-mail.
func (s *Store) Users(ctx context.Context) ([]UserRow, error) {
	rows, err := s.q().query(ctx, `
		SELECT u.id, u.email, u.name, u.role, u.password_hash, u.active, u.created_at,
		       (SELECT MAX(t.created_at) FROM user_tokens t WHERE t.user_id = u.id AND t.purpose = ?),
		       EXISTS (SELECT 1 FROM user_totp f WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL)
		FROM users u
		ORDER BY u.email`, TokenInvite)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	var out []UserRow
	for rows.Next() {
		var u UserRow
		var created int64
		var invited sql.NullInt64
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Active, &created,
			&invited, &u.SecondFactor); err != nil {
			rows.Close()
			return nil, fmt.Errorf("users: %w", err)
		}
		u.CreatedAt, u.LastInvite = fromMillis(created), fromNullMillis(invited)
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	for i := range out {
		if out[i].SchoolIDs, err = s.UserSchoolIDs(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InviteUser creates a user without a password, with their schools and an
// invitation token, in one transaction. An e-mail in use gives ErrConflict.
func (s *Store) InviteUser(ctx context.Context, u *User, schoolIDs []int64, t *UserToken) error {
	u.Email, u.Name = NormalizeEmail(u.Email), CleanName(u.Name)
	u.PasswordHash, u.Active = "", true
	u.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	err := s.inTx(ctx, func(c q) error {
		err := c.queryRow(ctx, `
			INSERT INTO users (email, name, role, password_hash, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Email, u.Name, u.Role, u.PasswordHash, u.Active, millis(u.CreatedAt)).Scan(&u.ID)
		if isUniqueViolation(err) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
		for _, id := range dedupe(schoolIDs) {
			if _, err := c.exec(ctx, `INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)`,
				u.ID, id); err != nil {
				return err
			}
		}
		t.UserID = u.ID
		return createUserToken(ctx, c, t)
	})
	if err != nil {
		return fmt.Errorf("invite user: %w", err)
	}
	return nil
}

// CreateUserToken stores a one-time link for a user. Every earlier unused
// link of the user stops working, so only the newest one does.
func (s *Store) CreateUserToken(ctx context.Context, t *UserToken) error {
	if err := s.inTx(ctx, func(c q) error { return createUserToken(ctx, c, t) }); err != nil {
		return fmt.Errorf("create %s link for user %d: %w", t.Purpose, t.UserID, err)
	}
	return nil
}

func createUserToken(ctx context.Context, c q, t *UserToken) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	}
	if _, err := c.exec(ctx, `UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL`,
		millis(t.CreatedAt), t.UserID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `
		INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		t.TokenHash, t.UserID, t.Purpose, millis(t.CreatedAt), millis(t.ExpiresAt))
	return err
}

// ValidUserToken returns an unused, unexpired token of an active user.
func (s *Store) ValidUserToken(ctx context.Context, hash string, now time.Time) (*UserToken, error) {
	var t UserToken
	var created, expires int64
	err := s.q().queryRow(ctx, `
		SELECT t.token_hash, t.user_id, t.purpose, t.created_at, t.expires_at
		FROM user_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.used_at IS NULL AND t.expires_at > ? AND u.active = ?`,
		hash, millis(now), true).Scan(&t.TokenHash, &t.UserID, &t.Purpose, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user token: %w", err)
	}
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromMillis(expires)
	return &t, nil
}

// UseUserToken spends a one-time link: it sets the user's password (and
// name, when name is not empty) and ends every session of theirs and any
// login waiting for a code, in one transaction, so that the link works
// once even when raced. An invalid, used or expired link, or an inactive
// user, gives ErrNotFound.
func (s *Store) UseUserToken(ctx context.Context, hash, name, passwordHash string, now time.Time) (*User, error) {
	name = CleanName(name)
	var userID int64
	err := s.inTx(ctx, func(c q) error {
		err := c.queryRow(ctx, `
			UPDATE user_tokens SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
			RETURNING user_id`, millis(now), hash, millis(now)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var res sql.Result
		if name != "" {
			res, err = c.exec(ctx, `UPDATE users SET password_hash = ?, name = ? WHERE id = ? AND active = ?`,
				passwordHash, name, userID, true)
		} else {
			res, err = c.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND active = ?`,
				passwordHash, userID, true)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrNotFound
		}
		return endSessions(ctx, c, userID)
	})
	if err != nil {
		return nil, fmt.Errorf("use user token: %w", err)
	}
	return s.UserByID(ctx, userID)
}

// UpdateUserAccess changes a user's role, whether they may log in, and
// their schools. It refuses, with ErrLastAdmin, a change that would leave
// no active admin. Deactivating, or a new role, ends the user's sessions:
// what a browser may do never changes under a session it already holds.
func (s *Store) UpdateUserAccess(ctx context.Context, id int64, role Role, active bool, schoolIDs []int64) error {
	err := s.inTx(ctx, func(c q) error {
		if s.backend == Postgres {
			// Two admins demoting each other at once must not both succeed.
			if _, err := c.exec(ctx, `SELECT id FROM users WHERE role = ? FOR UPDATE`, RoleAdmin); err != nil {
				return err
			}
		}
		var old Role
		err := c.queryRow(ctx, `SELECT role FROM users WHERE id = ?`, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE users SET role = ?, active = ? WHERE id = ?`, role, active, id); err != nil {
			return err
		}
		var admins int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = ? AND active = ?`, RoleAdmin, true).
			Scan(&admins); err != nil {
			return err
		}
		if admins == 0 {
			return ErrLastAdmin
		}
		if _, err := c.exec(ctx, `DELETE FROM user_schools WHERE user_id = ?`, id); err != nil {
			return err
		}
		for _, sc := range dedupe(schoolIDs) {
			if _, err := c.exec(ctx, `INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)`, id,
				sc); err != nil {
				return err
			}
		}
		if !active || old != role {
			return endSessions(ctx, c, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update access of user %d: %w", id, err)
	}
	return nil
}

// endSessions ends every session of a user and any login of theirs
// waiting for a code.
func endSessions(ctx context.Context, c q, userID int64) error {
	if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `DELETE FROM login_challenges WHERE user_id = ?`, userID)
	return err
}
