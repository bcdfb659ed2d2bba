package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The verdicts a reviewer gives; "" while they have not answered.
const (
	VerdictApprove = "approve"
	VerdictChanges = "changes"
)

// Round is one review round of a material: who is asked, by when, and
// what each has answered.
type Round struct {
	ID         int64
	MaterialID int64
	Deadline   time.Time // the last day for input, midnight Copenhagen time in UTC
	Revision   int64     // the material's revision when the round started
	CreatedBy  int64
	CreatedAt  time.Time
	ClosedAt   time.Time // zero while open
	Reviewers  []Reviewer
}

// LastDay is the last day of input: the deadline is the midnight after it.
func (r *Round) LastDay() time.Time { return r.Deadline.Add(-time.Minute) }

// Open reports whether the round still takes verdicts.
func (r *Round) Open() bool { return r.ClosedAt.IsZero() }

// Reviewer is one reviewer's place in a round.
type Reviewer struct {
	UserID     int64
	Name       string
	Verdict    string
	Message    string
	Revision   int64 // the revision they answered on
	AnsweredAt time.Time
}

// StartRound closes any open round of the material and opens r with the
// given reviewers.
func (s *Store) StartRound(ctx context.Context, r *Round, reviewerIDs []int64) error {
	r.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	return s.inTx(ctx, func(c q) error {
		if _, err := c.exec(ctx, `UPDATE review_rounds SET closed_at = ? WHERE material_id = ? AND closed_at IS NULL`,
			millis(r.CreatedAt), r.MaterialID); err != nil {
			return err
		}
		err := c.queryRow(ctx, `
			INSERT INTO review_rounds (material_id, deadline, revision, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`,
			r.MaterialID, millis(r.Deadline), r.Revision, nullID(r.CreatedBy), millis(r.CreatedAt)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("start review round: %w", err)
		}
		for _, id := range dedupe(reviewerIDs) {
			if _, err := c.exec(ctx, `INSERT INTO review_reviewers (round_id, user_id) VALUES (?, ?)`,
				r.ID, id); err != nil {
				return fmt.Errorf("add reviewer %d: %w", id, err)
			}
		}
		return nil
	})
}

// CloseRounds closes a material's open review round, if any.
func (s *Store) CloseRounds(ctx context.Context, materialID int64) error {
	_, err := s.q().exec(ctx, `UPDATE review_rounds SET closed_at = ? WHERE material_id = ? AND closed_at IS NULL`,
		millis(time.Now()), materialID)
	return err
}

// Rounds lists a material's review rounds, newest first, with their
// reviewers.
func (s *Store) Rounds(ctx context.Context, materialID int64) ([]*Round, error) {
	rows, err := s.q().query(ctx, `
		SELECT id, material_id, deadline, revision, created_by, created_at, closed_at
		FROM review_rounds WHERE material_id = ? ORDER BY created_at DESC, id DESC`, materialID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Round
	byID := map[int64]*Round{}
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	rrows, err := s.q().query(ctx, `
		SELECT rr.round_id, rr.user_id, COALESCE(u.name, ''), u.email, rr.verdict, rr.message, rr.revision,
		       rr.answered_at
		FROM review_reviewers rr JOIN users u ON u.id = rr.user_id JOIN review_rounds r ON r.id = rr.round_id
		WHERE r.material_id = ? ORDER BY u.name, u.email`, materialID)
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var roundID int64
		var v Reviewer
		var name, email string
		var answered sql.NullInt64
		if err := rrows.Scan(&roundID, &v.UserID, &name, &email, &v.Verdict, &v.Message, &v.Revision,
			&answered); err != nil {
			return nil, err
		}
		v.Name, v.AnsweredAt = displayName(name, email), fromNullMillis(answered)
		if r := byID[roundID]; r != nil {
			r.Reviewers = append(r.Reviewers, v)
		}
	}
	return out, rrows.Err()
}

func scanRound(rows *sql.Rows) (*Round, error) {
	var r Round
	var deadline, created int64
	var createdBy, closed sql.NullInt64
	if err := rows.Scan(&r.ID, &r.MaterialID, &deadline, &r.Revision, &createdBy, &created, &closed); err != nil {
		return nil, err
	}
	r.Deadline, r.CreatedAt, r.ClosedAt = fromMillis(deadline), fromMillis(created), fromNullMillis(closed)
	r.CreatedBy = createdBy.Int64
	return &r, nil
}

// SetVerdict records a reviewer's answer in an open round. A user who is
// not a reviewer of the round, or a closed round, gives ErrNotFound.
func (s *Store) SetVerdict(ctx context.Context, roundID, userID int64, verdict, message string, revision int64) error {
	res, err := s.q().exec(ctx, `
		UPDATE review_reviewers SET verdict = ?, message = ?, revision = ?, answered_at = ?
		WHERE round_id = ? AND user_id = ?
		  AND round_id IN (SELECT id FROM review_rounds WHERE closed_at IS NULL)`,
		verdict, message, revision, millis(time.Now()), roundID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ReviewTask is an open round a reviewer is asked to answer.
type ReviewTask struct {
	MaterialID int64
	Title      string
	Deadline   time.Time
	Answered   bool
}

// LastDay is the last day of input.
func (t ReviewTask) LastDay() time.Time { return t.Deadline.Add(-time.Minute) }

// ReviewTasks lists the open rounds the user is a reviewer of, soonest
// deadline first; all of them when userID is 0.
func (s *Store) ReviewTasks(ctx context.Context, userID int64) ([]ReviewTask, error) {
	rows, err := s.q().query(ctx, `
		SELECT DISTINCT r.material_id, m.title, r.deadline,
		       CASE WHEN ? = 0 THEN 0 ELSE
		         (SELECT COUNT(*) FROM review_reviewers x WHERE x.round_id = r.id AND x.user_id = ?
		            AND x.answered_at IS NOT NULL) END
		FROM review_rounds r JOIN materials m ON m.id = r.material_id
		LEFT JOIN review_reviewers rr ON rr.round_id = r.id
		WHERE r.closed_at IS NULL AND (? = 0 OR rr.user_id = ?)
		ORDER BY r.deadline, m.title`, userID, userID, userID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReviewTask
	for rows.Next() {
		var t ReviewTask
		var deadline, answered int64
		if err := rows.Scan(&t.MaterialID, &t.Title, &deadline, &answered); err != nil {
			return nil, err
		}
		t.Deadline, t.Answered = fromMillis(deadline), answered > 0
		out = append(out, t)
	}
	return out, rows.Err()
}

// IsReviewerOf reports whether the user is a reviewer in any round of the
// material.
func (s *Store) IsReviewerOf(ctx context.Context, userID, materialID int64) (bool, error) {
	var n int
	err := s.q().queryRow(ctx, `
		SELECT COUNT(*) FROM review_reviewers rr JOIN review_rounds r ON r.id = rr.round_id
		WHERE rr.user_id = ? AND r.material_id = ?`, userID, materialID).Scan(&n)
	return n > 0, err
}

// Comment is a remark on a material, in a thread: a reply has a ParentID.
// Paragraph ties it to a paragraph of the body (1-based), 0 to the whole.
type Comment struct {
	ID         int64
	MaterialID int64
	RoundID    int64
	ParentID   int64
	UserID     int64
	UserName   string
	Paragraph  int
	Body       string
	CreatedAt  time.Time
	ResolvedAt time.Time
	ResolvedBy string
	Replies    []*Comment
}

// Resolved reports whether the thread was marked resolved.
func (c *Comment) Resolved() bool { return !c.ResolvedAt.IsZero() }

// AddComment stores a comment. A reply to a comment of another material
// gives ErrNotFound.
func (s *Store) AddComment(ctx context.Context, c *Comment) error {
	c.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	return s.inTx(ctx, func(x q) error {
		if c.ParentID != 0 {
			var parent, material int64
			err := x.queryRow(ctx, `SELECT COALESCE(parent_id, 0), material_id FROM comments WHERE id = ?`,
				c.ParentID).Scan(&parent, &material)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && material != c.MaterialID) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			if parent != 0 {
				c.ParentID = parent // replies stay one level deep
			}
		}
		return x.queryRow(ctx, `
			INSERT INTO comments (material_id, round_id, parent_id, user_id, paragraph, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.MaterialID, nullID(c.RoundID), nullID(c.ParentID), nullID(c.UserID), c.Paragraph, c.Body,
			millis(c.CreatedAt)).Scan(&c.ID)
	})
}

// ResolveComment marks a thread resolved, or open again.
func (s *Store) ResolveComment(ctx context.Context, materialID, commentID, userID int64, resolved bool) error {
	var at sql.NullInt64
	by := sql.NullInt64{}
	if resolved {
		at = sql.NullInt64{Int64: millis(time.Now()), Valid: true}
		by = nullID(userID)
	}
	res, err := s.q().exec(ctx, `UPDATE comments SET resolved_at = ?, resolved_by = ?
		WHERE id = ? AND material_id = ? AND parent_id IS NULL`, at, by, commentID, materialID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Comments returns a material's threads, oldest first, with their replies.
func (s *Store) Comments(ctx context.Context, materialID int64) ([]*Comment, error) {
	rows, err := s.q().query(ctx, `
		SELECT c.id, c.material_id, COALESCE(c.round_id, 0), COALESCE(c.parent_id, 0), COALESCE(c.user_id, 0),
		       COALESCE(u.name, ''), COALESCE(u.email, ''), c.paragraph, c.body, c.created_at, c.resolved_at,
		       COALESCE(rb.name, ''), COALESCE(rb.email, '')
		FROM comments c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN users rb ON rb.id = c.resolved_by
		WHERE c.material_id = ? ORDER BY c.created_at, c.id`, materialID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var threads []*Comment
	byID := map[int64]*Comment{}
	for rows.Next() {
		var c Comment
		var name, email, rname, remail string
		var created int64
		var resolved sql.NullInt64
		if err := rows.Scan(&c.ID, &c.MaterialID, &c.RoundID, &c.ParentID, &c.UserID, &name, &email,
			&c.Paragraph, &c.Body, &created, &resolved, &rname, &remail); err != nil {
			return nil, err
		}
		c.UserName, c.CreatedAt = displayName(name, email), fromMillis(created)
		c.ResolvedAt, c.ResolvedBy = fromNullMillis(resolved), displayName(rname, remail)
		if p := byID[c.ParentID]; p != nil {
			p.Replies = append(p.Replies, &c)
			continue
		}
		byID[c.ID] = &c
		threads = append(threads, &c)
	}
	return threads, rows.Err()
}

// UsersWithRole lists the active users with one of the roles, by name;
// users who have not accepted their invitation yet are left out.
func (s *Store) UsersWithRole(ctx context.Context, roles ...Role) ([]User, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	args := []any{true}
	for _, r := range roles {
		args = append(args, string(r))
	}
	rows, err := s.q().query(ctx, `SELECT id, email, name, role FROM users
		WHERE active = ? AND password_hash <> '' AND role IN (`+placeholders(len(roles))+`)
		ORDER BY name, email`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role); err != nil {
			return nil, err
		}
		u.Active = true
		out = append(out, u)
	}
	return out, rows.Err()
}

// SchoolContributors lists the active contributors of a school.
func (s *Store) SchoolContributors(ctx context.Context, schoolID int64) ([]int64, error) {
	return collectIDs(ctx, s.q(), `SELECT u.id FROM users u JOIN user_schools us ON us.user_id = u.id
		WHERE us.school_id = ? AND u.active = ? AND u.password_hash <> '' AND u.role = ?`,
		schoolID, true, RoleContributor)
}
