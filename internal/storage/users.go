package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Role is what a user may do.
type Role string

// The roles: admins run the hub, editors (the learning unit) edit and
// publish everything, reviewers (the steering group) read drafts, and
// contributors write drafts for their own schools.
const (
	RoleAdmin       Role = "admin"
	RoleEditor      Role = "editor"
	RoleReviewer    Role = "reviewer"
	RoleContributor Role = "contributor"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleEditor || r == RoleReviewer || r == RoleContributor
}

// User is a person who can log in to the workspace.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	Active       bool
	CreatedAt    time.Time
	// SecondFactor reports whether the user has a confirmed TOTP second
	// factor; read, not written, with the user.
	SecondFactor bool
}

// DisplayName is what the user is called on pages and in mails.
func (u User) DisplayName() string { return displayName(u.Name, u.Email) }

// CleanName makes a person's name one line of printable text: control
// characters and line breaks become spaces, runs of spaces become one. A
// name is shown in lists, titles and e-mails, where a line break could
// pass for text of the hub's own.
func CleanName(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	}), " ")
}

// NormalizeEmail lowercases and trims an e-mail address so that one person
// cannot have two accounts by case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser stores a new user. An e-mail already in use gives ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	u.Email, u.Name = NormalizeEmail(u.Email), CleanName(u.Name)
	u.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	err := s.q().queryRow(ctx, `
		INSERT INTO users (email, name, role, password_hash, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Email, u.Name, u.Role, u.PasswordHash, u.Active, millis(u.CreatedAt)).Scan(&u.ID)
	if isUniqueViolation(err) {
		err = ErrConflict
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

const userColumns = `id, email, name, role, password_hash, active, created_at,
	EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = users.id AND t.confirmed_at IS NOT NULL)`

func scanUser(row *sql.Row) (*User, error) {
	var u User
	var created int64
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.Active, &created, &u.SecondFactor)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt = fromMillis(created)
	return &u, nil
}

// UserByEmail returns the user with the given e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, err := scanUser(s.q().queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`,
		NormalizeEmail(email)))
	if err != nil {
		return nil, fmt.Errorf("user by e-mail: %w", err)
	}
	return u, nil
}

// UserByID returns the user with the given ID.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.q().queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.q().queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// signInUsers counts the users who can sign in: active, with a password.
// Imports bring inactive authors and restores users without passwords,
// and neither lets anyone in.
const signInUsers = `SELECT COUNT(*) FROM users WHERE active = ? AND password_hash <> ''`

// CountSignInUsers returns how many users can sign in; with none, the hub
// offers the one-time link that makes the first admin.
func (s *Store) CountSignInUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.q().queryRow(ctx, signInUsers, true).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users who can sign in: %w", err)
	}
	return n, nil
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	if _, err := s.q().exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}

// Session ties a logged-in browser to a user. Only a hash of the session id
// is stored, so a copy of the database does not let anyone log in.
type Session struct {
	IDHash    string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se *Session) error {
	_, err := s.q().exec(ctx, `
		INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		se.IDHash, se.UserID, millis(se.CreatedAt), millis(se.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionUser returns the active user of an unexpired session.
func (s *Store) SessionUser(ctx context.Context, idHash string, now time.Time) (*User, error) {
	u, err := scanUser(s.q().queryRow(ctx, `
		SELECT u.id, u.email, u.name, u.role, u.password_hash, u.active, u.created_at,
			EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND u.active = ?`,
		idHash, millis(now), true))
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return u, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.q().exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions, and logins waiting for a code,
// that ended before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	for _, stmt := range []string{`DELETE FROM sessions WHERE expires_at <= ?`,
		`DELETE FROM login_challenges WHERE expires_at <= ?`} {
		if _, err := s.q().exec(ctx, stmt, millis(now)); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
	}
	return nil
}

// SetupToken is a one-time link that lets a person create an account.
type SetupToken struct {
	TokenHash string
	Purpose   string // "first-admin"
	Email     string
	Role      Role
	ExpiresAt time.Time
}

// CreateSetupToken stores a one-time token. A new first-admin token
// replaces any earlier unused one, so only the newest printed link works.
func (s *Store) CreateSetupToken(ctx context.Context, t *SetupToken) error {
	if t.Purpose == "first-admin" {
		if _, err := s.q().exec(ctx, `DELETE FROM setup_tokens WHERE purpose = ? AND used_at IS NULL`,
			t.Purpose); err != nil {
			return fmt.Errorf("create setup token: %w", err)
		}
	}
	_, err := s.q().exec(ctx, `
		INSERT INTO setup_tokens (token_hash, purpose, email, role, expires_at) VALUES (?, ?, ?, ?, ?)`,
		t.TokenHash, t.Purpose, t.Email, t.Role, millis(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create setup token: %w", err)
	}
	return nil
}

// ValidSetupToken returns an unused, unexpired token.
func (s *Store) ValidSetupToken(ctx context.Context, hash string, now time.Time) (*SetupToken, error) {
	var t SetupToken
	var expires int64
	err := s.q().queryRow(ctx, `
		SELECT token_hash, purpose, email, role, expires_at FROM setup_tokens
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, hash, millis(now)).
		Scan(&t.TokenHash, &t.Purpose, &t.Email, &t.Role, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("setup token: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("setup token: %w", err)
	}
	t.ExpiresAt = fromMillis(expires)
	return &t, nil
}

// CreateFirstAdmin uses a first-admin token to create the first admin, in
// one transaction: the token must be valid and nobody may be able to sign
// in yet.
func (s *Store) CreateFirstAdmin(ctx context.Context, tokenHash string, u *User, now time.Time) error {
	u.Email, u.Name = NormalizeEmail(u.Email), CleanName(u.Name)
	u.Role, u.Active = RoleAdmin, true
	u.CreatedAt = now.UTC().Truncate(time.Millisecond)

	err := s.inTx(ctx, func(c q) error {
		res, err := c.exec(ctx, `
			UPDATE setup_tokens SET used_at = ?
			WHERE token_hash = ? AND purpose = 'first-admin' AND used_at IS NULL AND expires_at > ?`,
			millis(now), tokenHash, millis(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrNotFound
		}
		var users int
		if err := c.queryRow(ctx, signInUsers, true).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return ErrConflict
		}
		// A user of that address who cannot sign in (an imported author,
		// a restored user) becomes the admin.
		return c.queryRow(ctx, `
			INSERT INTO users (email, name, role, password_hash, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (email) DO UPDATE
			SET name = excluded.name, role = excluded.role, password_hash = excluded.password_hash,
				active = excluded.active
			RETURNING id`,
			u.Email, u.Name, u.Role, u.PasswordHash, u.Active, millis(u.CreatedAt)).Scan(&u.ID)
	})
	if err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	return nil
}

// SetUserSchools replaces the schools a user writes for.
func (s *Store) SetUserSchools(ctx context.Context, userID int64, schoolIDs []int64) error {
	err := s.inTx(ctx, func(c q) error {
		if _, err := c.exec(ctx, `DELETE FROM user_schools WHERE user_id = ?`, userID); err != nil {
			return err
		}
		for _, id := range dedupe(schoolIDs) {
			if _, err := c.exec(ctx, `INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)`,
				userID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set schools of user %d: %w", userID, err)
	}
	return nil
}

// UserSchoolIDs returns the schools a user writes for.
func (s *Store) UserSchoolIDs(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := s.q().query(ctx, `SELECT school_id FROM user_schools WHERE user_id = ? ORDER BY school_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("schools of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("schools of user %d: %w", userID, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
