package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Notification is one entry of a user's inbox.
type Notification struct {
	ID            int64
	UserID        int64
	Kind          string
	MaterialID    int64
	MaterialTitle string // as it was when the notification was made
	ActorID       int64  // 0: the scheduler, or a user since deleted
	ActorName     string // as it was; "" for the scheduler
	Message       string
	CreatedAt     time.Time
	ReadAt        time.Time // zero while unread
}

// Mail is an e-mail queued for sending. Each has a job of kind JobMail
// that sends it once, whichever instance claims it.
type Mail struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	SentAt    time.Time
}

// JobMail is the kind of job that sends one queued mail.
const JobMail = "mail"

// Deliver stores a notification and, when m is not nil, queues its mail,
// in one transaction.
func (s *Store) Deliver(ctx context.Context, n *Notification, m *Mail) error {
	if n.CreatedAt.IsZero() {
		n.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	}
	err := s.inTx(ctx, func(c q) error {
		err := c.queryRow(ctx, `
			INSERT INTO notifications (user_id, kind, material_id, material_title, actor_id, actor_name,
			       message, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			n.UserID, n.Kind, nullID(n.MaterialID), n.MaterialTitle, nullID(n.ActorID), n.ActorName,
			n.Message, millis(n.CreatedAt)).Scan(&n.ID)
		if err != nil || m == nil {
			return err
		}
		return queueMail(ctx, c, m)
	})
	if err != nil {
		return fmt.Errorf("deliver %s notification to user %d: %w", n.Kind, n.UserID, err)
	}
	return nil
}

// QueueMail stores a mail and the job that sends it.
func (s *Store) QueueMail(ctx context.Context, m *Mail) error {
	if err := s.inTx(ctx, func(c q) error { return queueMail(ctx, c, m) }); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

func queueMail(ctx context.Context, c q, m *Mail) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	}
	err := c.queryRow(ctx, `
		INSERT INTO mails (to_addr, subject, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		m.To, m.Subject, m.Body, millis(m.CreatedAt)).Scan(&m.ID)
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `INSERT INTO jobs (kind, dedupe_key, run_at) VALUES (?, ?, ?)`,
		JobMail, JobMail+":"+strconv.FormatInt(m.ID, 10), millis(m.CreatedAt))
	return err
}

// MailByID returns a queued or sent mail.
func (s *Store) MailByID(ctx context.Context, id int64) (*Mail, error) {
	var m Mail
	var created int64
	var sent sql.NullInt64
	err := s.q().queryRow(ctx, `SELECT id, to_addr, subject, body, created_at, sent_at FROM mails WHERE id = ?`, id).
		Scan(&m.ID, &m.To, &m.Subject, &m.Body, &created, &sent)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("mail %d: %w", id, err)
	}
	m.CreatedAt, m.SentAt = fromMillis(created), fromNullMillis(sent)
	return &m, nil
}

// MarkMailSent records that a mail went out.
func (s *Store) MarkMailSent(ctx context.Context, id int64, now time.Time) error {
	if _, err := s.q().exec(ctx, `UPDATE mails SET sent_at = ? WHERE id = ?`, millis(now), id); err != nil {
		return fmt.Errorf("mark mail %d sent: %w", id, err)
	}
	return nil
}

// PruneMails deletes mails queued before before, sent or given up, with
// their finished jobs; the bodies hold links that should not linger.
func (s *Store) PruneMails(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(c q) error {
		res, err := c.exec(ctx, `DELETE FROM mails WHERE created_at < ?`, millis(before))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = c.exec(ctx, `DELETE FROM jobs WHERE kind = ? AND done_at IS NOT NULL AND done_at < ?`,
			JobMail, millis(before))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune mails: %w", err)
	}
	return n, nil
}

// Notifications returns a user's inbox, newest first, and how many
// entries it has.
func (s *Store) Notifications(ctx context.Context, userID int64, limit, offset int) ([]Notification, int, error) {
	var total int
	if err := s.q().queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ?`, userID).
		Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("inbox of user %d: %w", userID, err)
	}
	rows, err := s.q().query(ctx, `
		SELECT id, user_id, kind, material_id, material_title, actor_id, actor_name, message,
		       created_at, read_at
		FROM notifications
		WHERE user_id = ?
		ORDER BY created_at DESC, id DESC
		LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("inbox of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var material, actor, read sql.NullInt64
		var created int64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Kind, &material, &n.MaterialTitle, &actor, &n.ActorName,
			&n.Message, &created, &read); err != nil {
			return nil, 0, fmt.Errorf("inbox of user %d: %w", userID, err)
		}
		n.MaterialID, n.ActorID = material.Int64, actor.Int64
		n.CreatedAt, n.ReadAt = fromMillis(created), fromNullMillis(read)
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// UnreadCount counts a user's unread notifications.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.q().queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).
		Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("unread count of user %d: %w", userID, err)
	}
	return n, nil
}

// MarkRead marks one of a user's notifications read, or all of them when
// id is 0. Another user's notification is left alone.
func (s *Store) MarkRead(ctx context.Context, userID, id int64, now time.Time) error {
	query, args := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`,
		[]any{millis(now), userID}
	if id != 0 {
		query += ` AND id = ?`
		args = append(args, id)
	}
	if _, err := s.q().exec(ctx, query, args...); err != nil {
		return fmt.Errorf("mark notifications of user %d read: %w", userID, err)
	}
	return nil
}

// MailOptOuts returns the kinds of notification a user does not want by
// e-mail.
func (s *Store) MailOptOuts(ctx context.Context, userID int64) (map[string]bool, error) {
	rows, err := s.q().query(ctx, `SELECT kind FROM mail_optouts WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("mail opt-outs of user %d: %w", userID, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("mail opt-outs of user %d: %w", userID, err)
		}
		out[k] = true
	}
	return out, rows.Err()
}

// SetMailOptOuts replaces the kinds a user does not want by e-mail.
func (s *Store) SetMailOptOuts(ctx context.Context, userID int64, kinds []string) error {
	err := s.inTx(ctx, func(c q) error {
		if _, err := c.exec(ctx, `DELETE FROM mail_optouts WHERE user_id = ?`, userID); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, k := range kinds {
			if seen[k] {
				continue
			}
			seen[k] = true
			if _, err := c.exec(ctx, `INSERT INTO mail_optouts (user_id, kind) VALUES (?, ?)`, userID, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set mail opt-outs of user %d: %w", userID, err)
	}
	return nil
}

// SetMaterialCreator records who created a material.
func (s *Store) SetMaterialCreator(ctx context.Context, materialID, userID int64) error {
	if _, err := s.q().exec(ctx, `UPDATE materials SET created_by = ? WHERE id = ?`,
		nullID(userID), materialID); err != nil {
		return fmt.Errorf("set creator of material %d: %w", materialID, err)
	}
	return nil
}

// MaterialCreator returns who created a material, or 0 when it is not
// known (the starter collection, imports, a deleted user).
func (s *Store) MaterialCreator(ctx context.Context, materialID int64) (int64, error) {
	var by sql.NullInt64
	err := s.q().queryRow(ctx, `SELECT created_by FROM materials WHERE id = ?`, materialID).Scan(&by)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("creator of material %d: %w", materialID, err)
	}
	return by.Int64, nil
}

// ActiveUserIDs returns the active users with one of the roles.
func (s *Store) ActiveUserIDs(ctx context.Context, roles ...Role) ([]int64, error) {
	var out []int64
	for _, r := range roles {
		rows, err := s.q().query(ctx,
			`SELECT id FROM users WHERE role = ? AND active = ? AND password_hash <> '' ORDER BY id`, r, true)
		if err != nil {
			return nil, fmt.Errorf("users with role %s: %w", r, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("users with role %s: %w", r, err)
			}
			out = append(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("users with role %s: %w", r, err)
		}
	}
	return out, nil
}
