package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one editorial or admin action.
type AuditEntry struct {
	ID        int64
	At        time.Time
	UserID    int64
	UserEmail string // kept when the user is gone
	Action    string // e.g. "material.publish"
	Subject   string // what it was done to, e.g. "material 12: Første skoledag"
	Client    string // the client address, as --trusted-proxies decides
}

// Audit records an action.
func (s *Store) Audit(ctx context.Context, e *AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	err := s.q().queryRow(ctx, `
		INSERT INTO audit_log (at, user_id, user_email, action, subject, client)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		millis(e.At), nullID(e.UserID), e.UserEmail, e.Action, e.Subject, e.Client).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter narrows the audit log; empty fields match everything.
type AuditFilter struct {
	User   string // part of the e-mail address
	Action string // prefix, e.g. "material."
	From   time.Time
	To     time.Time // exclusive
}

// AuditLog returns matching entries, newest first, and how many match.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter, limit, offset int) ([]AuditEntry, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.User != "" {
		where = append(where, `user_email LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(strings.ToLower(f.User))+"%")
	}
	if f.Action != "" {
		where = append(where, `action LIKE ? ESCAPE '\'`)
		args = append(args, escapeLike(f.Action)+"%")
	}
	if !f.From.IsZero() {
		where = append(where, `at >= ?`)
		args = append(args, millis(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, `at < ?`)
		args = append(args, millis(f.To))
	}
	cond := strings.Join(where, " AND ")

	var total int
	if err := s.q().queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	rows, err := s.q().query(ctx, `
		SELECT id, at, user_id, user_email, action, subject, client FROM audit_log
		WHERE `+cond+` ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		var user sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &user, &e.UserEmail, &e.Action, &e.Subject, &e.Client); err != nil {
			return nil, 0, fmt.Errorf("audit log: %w", err)
		}
		e.At, e.UserID = fromMillis(at), user.Int64
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// PruneAudit deletes entries older than before and returns how many.
func (s *Store) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.q().exec(ctx, `DELETE FROM audit_log WHERE at < ?`, millis(before))
	if err != nil {
		return 0, fmt.Errorf("prune audit log: %w", err)
	}
	return res.RowsAffected()
}
