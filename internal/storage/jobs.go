package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bindeled/bindeled/internal/material"
)

// Job is work that must happen at a time, exactly once, whichever
// instance of the hub does it.
type Job struct {
	ID         int64
	Kind       string
	Key        string // the de-duplication key, e.g. "mail:12"
	MaterialID int64
	RunAt      time.Time
	Attempts   int
}

// JobPublish is the kind of job that publishes a scheduled material.
const JobPublish = "publish"

// JobUnpublish is the kind of job that takes a published material off
// the site at its planned time.
const JobUnpublish = "unpublish"

// JobDeleteUpload is the kind of job that deletes an uploaded file kept in
// the media store for a while, such as an import tried first as a dry
// run. Its key is JobDeleteUpload + ":" + the file's key.
const JobDeleteUpload = "delete-upload"

// PlanJob plans a job that belongs to no material, replacing an earlier
// plan with the same key.
func (s *Store) PlanJob(ctx context.Context, kind, key string, at time.Time) error {
	if _, err := s.q().exec(ctx, `
		INSERT INTO jobs (kind, dedupe_key, run_at) VALUES (?, ?, ?)
		ON CONFLICT (dedupe_key) DO UPDATE
		SET run_at = excluded.run_at, claimed_until = NULL, attempts = 0, last_error = '', done_at = NULL`,
		kind, key, millis(at)); err != nil {
		return fmt.Errorf("plan job %s: %w", key, err)
	}
	return nil
}

// PlanUnpublish plans when a material leaves the site again (UTC), or
// cancels the plan when at is zero; the save and the job are one
// transaction.
func (s *Store) PlanUnpublish(ctx context.Context, m *material.Material, at time.Time, sv Save) error {
	m.UnpublishAt = at.UTC().Truncate(time.Millisecond)
	return s.saveWithJob(ctx, m, sv, JobUnpublish, m.UnpublishAt)
}

// ScheduleMaterial plans a material's publication at a moment (UTC): its
// status becomes scheduled and a publish job is queued, replacing any
// earlier plan for it. The save and the job are one transaction.
func (s *Store) ScheduleMaterial(ctx context.Context, m *material.Material, at time.Time, sv Save) error {
	m.Status, m.ScheduledAt, m.ScheduleProblem = material.Scheduled, at.UTC().Truncate(time.Millisecond), ""
	return s.saveWithJob(ctx, m, sv, JobPublish, m.ScheduledAt)
}

// CancelSchedule takes a scheduled material back to approved and drops
// its publish job.
func (s *Store) CancelSchedule(ctx context.Context, m *material.Material, sv Save) error {
	m.Status, m.ScheduledAt = material.Approved, time.Time{}
	return s.saveWithJob(ctx, m, sv, JobPublish, time.Time{})
}

// saveWithJob saves m and plans its job of kind for at, replacing an
// earlier plan, or drops the plan when at is zero, in one transaction.
func (s *Store) saveWithJob(ctx context.Context, m *material.Material, sv Save, kind string, at time.Time) error {
	return s.inTx(ctx, func(c q) error {
		if err := updateMaterial(ctx, c, m); err != nil {
			return err
		}
		if err := recordSave(ctx, c, m, sv); err != nil {
			return err
		}
		return planJob(ctx, c, kind, m.ID, at)
	})
}

// planJob plans a material's job of kind for at, replacing an earlier
// plan, or drops the plan when at is zero.
func planJob(ctx context.Context, c q, kind string, materialID int64, at time.Time) error {
	key := kind + ":" + strconv.FormatInt(materialID, 10)
	var err error
	if at.IsZero() {
		_, err = c.exec(ctx, `DELETE FROM jobs WHERE dedupe_key = ? AND done_at IS NULL`, key)
	} else {
		_, err = c.exec(ctx, `
			INSERT INTO jobs (kind, dedupe_key, material_id, run_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (dedupe_key) DO UPDATE
			SET run_at = excluded.run_at, claimed_until = NULL, attempts = 0, last_error = '', done_at = NULL`,
			kind, key, materialID, millis(at))
	}
	if err != nil {
		return fmt.Errorf("plan %s of material %d: %w", kind, materialID, err)
	}
	return nil
}

// ClaimJob takes the oldest job that is due at now and that nobody holds,
// and holds it until now+lease. Only one caller gets a job, across
// instances: on PostgreSQL the row is locked with SKIP LOCKED, on SQLite
// the single statement runs under the database's write lock. It returns
// ErrNotFound when nothing is due.
func (s *Store) ClaimJob(ctx context.Context, now time.Time, lease time.Duration) (*Job, error) {
	lock := ""
	if s.backend == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var j Job
	var material sql.NullInt64
	var runAt int64
	err := s.q().queryRow(ctx, `
		UPDATE jobs SET claimed_until = ?, attempts = attempts + 1
		WHERE id = (
			SELECT id FROM jobs
			WHERE done_at IS NULL AND run_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY run_at, id
			LIMIT 1`+lock+`
		)
		RETURNING id, kind, dedupe_key, material_id, run_at, attempts`,
		millis(now.Add(lease)), millis(now), millis(now)).
		Scan(&j.ID, &j.Kind, &j.Key, &material, &runAt, &j.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("claim job: %w", err)
	}
	j.MaterialID, j.RunAt = material.Int64, fromMillis(runAt)
	return &j, nil
}

// FinishJob marks a job done.
func (s *Store) FinishJob(ctx context.Context, id int64, now time.Time) error {
	if _, err := s.q().exec(ctx, `UPDATE jobs SET done_at = ?, claimed_until = NULL WHERE id = ?`,
		millis(now), id); err != nil {
		return fmt.Errorf("finish job %d: %w", id, err)
	}
	return nil
}

// RetryJob records a failure and lets the job run again at retryAt.
func (s *Store) RetryJob(ctx context.Context, id int64, failure string, retryAt time.Time) error {
	if _, err := s.q().exec(ctx, `UPDATE jobs SET last_error = ?, claimed_until = ? WHERE id = ?`,
		failure, millis(retryAt), id); err != nil {
		return fmt.Errorf("retry job %d: %w", id, err)
	}
	return nil
}

// JobQueue is the jobs of one kind that are due and not done.
type JobQueue struct {
	Kind   string
	Due    int
	Oldest time.Time // when the oldest of them fell due
}

// DueJobsByKind counts the jobs due at now and not done, by kind, with
// when the oldest of each kind fell due.
func (s *Store) DueJobsByKind(ctx context.Context, now time.Time) ([]JobQueue, error) {
	rows, err := s.q().query(ctx, `
		SELECT kind, COUNT(*), MIN(run_at) FROM jobs
		WHERE done_at IS NULL AND run_at <= ?
		GROUP BY kind
		ORDER BY kind`, millis(now))
	if err != nil {
		return nil, fmt.Errorf("due jobs by kind: %w", err)
	}
	defer rows.Close()
	var out []JobQueue
	for rows.Next() {
		var q JobQueue
		var oldest int64
		if err := rows.Scan(&q.Kind, &q.Due, &oldest); err != nil {
			return nil, fmt.Errorf("due jobs by kind: %w", err)
		}
		q.Oldest = fromMillis(oldest)
		out = append(out, q)
	}
	return out, rows.Err()
}

// CountDueJobs counts the jobs that are due at now and not done.
func (s *Store) CountDueJobs(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.q().queryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND run_at <= ?`,
		millis(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count due jobs: %w", err)
	}
	return n, nil
}
