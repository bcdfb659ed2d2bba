package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/bindeled/bindeled/internal/material"
)

// Save says who saves a material and, when the save also moves it to
// another status, the move.
type Save struct {
	UserID  int64 // 0 for the scheduler
	From    material.Status
	Message string // why, for a move
}

// SaveMaterial creates or updates m, keeps a revision of it, and records
// the move when m.Status differs from sv.From, all in one transaction. An
// update of a material saved by someone else since m was read gives
// ErrStale.
func (s *Store) SaveMaterial(ctx context.Context, m *material.Material, sv Save) error {
	if m.ID == 0 {
		if err := s.CreateMaterial(ctx, m); err != nil {
			return err
		}
		return s.inTx(ctx, func(c q) error { return recordSave(ctx, c, m, sv) })
	}
	return s.inTx(ctx, func(c q) error {
		if err := updateMaterial(ctx, c, m); err != nil {
			return err
		}
		return recordSave(ctx, c, m, sv)
	})
}

func recordSave(ctx context.Context, c q, m *material.Material, sv Save) error {
	now := millis(time.Now())
	if sv.From != "" && sv.From != m.Status {
		if _, err := c.exec(ctx, `
			INSERT INTO material_transitions (material_id, from_status, to_status, user_id, message, at)
			VALUES (?, ?, ?, ?, ?, ?)`, m.ID, sv.From, m.Status, nullID(sv.UserID), sv.Message, now); err != nil {
			return fmt.Errorf("record move: %w", err)
		}
	}
	if err := addRevision(ctx, c, m, sv.UserID, now, ""); err != nil {
		return err
	}
	return socialAfterSave(ctx, c, m, sv.From)
}

// addRevision keeps m as its material's next revision; pending is the
// state of a pending edit saved, "" for the material itself.
func addRevision(ctx context.Context, c q, m *material.Material, userID, now int64, pending material.Status) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `
		INSERT INTO material_revisions (material_id, number, data, user_id, at, pending)
		VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM material_revisions WHERE material_id = ?), ?, ?, ?, ?)`,
		m.ID, m.ID, string(data), nullID(userID), now, string(pending))
	if err != nil {
		return fmt.Errorf("keep revision: %w", err)
	}
	return nil
}

// Transition is a recorded move of a material between statuses.
type Transition struct {
	From, To material.Status
	UserName string // "" for the scheduler
	Message  string
	At       time.Time
}

// Transitions lists a material's moves, oldest first.
func (s *Store) Transitions(ctx context.Context, materialID int64) ([]Transition, error) {
	rows, err := s.q().query(ctx, `
		SELECT t.from_status, t.to_status, COALESCE(u.name, ''), COALESCE(u.email, ''), t.message, t.at
		FROM material_transitions t LEFT JOIN users u ON u.id = t.user_id
		WHERE t.material_id = ? ORDER BY t.at, t.id`, materialID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		var t Transition
		var name, email string
		var at int64
		if err := rows.Scan(&t.From, &t.To, &name, &email, &t.Message, &at); err != nil {
			return nil, err
		}
		t.UserName, t.At = displayName(name, email), fromMillis(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// displayName is what a person is called on pages and in mails: their
// name on one line, or their e-mail address when they gave none.
func displayName(name, email string) string {
	if name = CleanName(name); name != "" {
		return name
	}
	return email
}

// RevisionInfo describes one kept version of a material.
type RevisionInfo struct {
	Number   int64
	UserName string
	At       time.Time
	// Pending is the state of a pending edit this revision saved, "" for
	// a save of the material itself.
	Pending material.Status
}

// Revisions lists a material's kept versions, newest first. Without
// drafts, the revisions of pending edits saved as drafts are left out.
func (s *Store) Revisions(ctx context.Context, materialID int64, drafts bool) ([]RevisionInfo, error) {
	cond := ""
	if !drafts {
		cond = ` AND r.pending <> 'draft'`
	}
	rows, err := s.q().query(ctx, `
		SELECT r.number, COALESCE(u.name, ''), COALESCE(u.email, ''), r.at, r.pending
		FROM material_revisions r LEFT JOIN users u ON u.id = r.user_id
		WHERE r.material_id = ?`+cond+` ORDER BY r.number DESC`, materialID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RevisionInfo
	for rows.Next() {
		var r RevisionInfo
		var name, email string
		var at int64
		if err := rows.Scan(&r.Number, &name, &email, &at, &r.Pending); err != nil {
			return nil, err
		}
		r.UserName, r.At = displayName(name, email), fromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revision returns the material as it was saved in revision number.
func (s *Store) Revision(ctx context.Context, materialID, number int64) (*material.Material, error) {
	var data string
	err := s.q().queryRow(ctx, `SELECT data FROM material_revisions WHERE material_id = ? AND number = ?`,
		materialID, number).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var m material.Material
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, fmt.Errorf("revision %d of material %d: %w", number, materialID, err)
	}
	return &m, nil
}

// LatestRevision returns the number of a material's newest revision, 0
// when it has none; without drafts, leaving out pending edits saved as
// drafts.
func (s *Store) LatestRevision(ctx context.Context, materialID int64, drafts bool) (int64, error) {
	cond := ""
	if !drafts {
		cond = ` AND pending <> 'draft'`
	}
	var n int64
	err := s.q().queryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM material_revisions WHERE material_id = ?`+cond,
		materialID).Scan(&n)
	return n, err
}

// Pending is an edit of a published material that waits for approval;
// readers keep seeing the published version until it is approved.
type Pending struct {
	M         *material.Material
	Status    material.Status // Draft or InReview
	UpdatedAt time.Time
}

// SavePending stores m as the pending version of its published material
// and keeps a revision of it. expected is the save time of the pending
// version the edit started from, zero when it started from the published
// one; when another save came in between, it gives ErrStale.
func (s *Store) SavePending(ctx context.Context, m *material.Material, status material.Status, userID int64,
	expected time.Time) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	now := max(millis(time.Now()), millis(expected)+1) // always a new token
	return s.inTx(ctx, func(c q) error {
		if expected.IsZero() {
			_, err := c.exec(ctx, `INSERT INTO pending_versions (material_id, data, status, user_id, updated_at)
				VALUES (?, ?, ?, ?, ?)`, m.ID, string(data), status, nullID(userID), now)
			if isUniqueViolation(err) {
				return ErrStale
			}
			if err != nil {
				return err
			}
		} else {
			res, err := c.exec(ctx, `UPDATE pending_versions SET data = ?, status = ?, user_id = ?, updated_at = ?
				WHERE material_id = ? AND updated_at = ?`,
				string(data), status, nullID(userID), now, m.ID, millis(expected))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrStale
			}
		}
		return addRevision(ctx, c, m, userID, now, status)
	})
}

// PendingVersion returns the pending version of a material, or nil.
func (s *Store) PendingVersion(ctx context.Context, materialID int64) (*Pending, error) {
	var data, status string
	var at int64
	err := s.q().queryRow(ctx, `SELECT data, status, updated_at FROM pending_versions WHERE material_id = ?`,
		materialID).Scan(&data, &status, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &Pending{M: &material.Material{}, Status: material.Status(status), UpdatedAt: fromMillis(at)}
	if err := json.Unmarshal([]byte(data), p.M); err != nil {
		return nil, fmt.Errorf("pending version of material %d: %w", materialID, err)
	}
	return p, nil
}

// PendingMaterialIDs lists the materials that have a pending version.
func (s *Store) PendingMaterialIDs(ctx context.Context) (map[int64]material.Status, error) {
	out := map[int64]material.Status{}
	err := s.scanPairs(ctx, `SELECT material_id, status FROM pending_versions`, nil, func(id int64, st string) {
		out[id] = material.Status(st)
	})
	return out, err
}

// ApplyPending replaces the published material with m, its approved
// pending version, and drops the pending version. expected is as for
// SavePending.
func (s *Store) ApplyPending(ctx context.Context, m *material.Material, sv Save, expected time.Time) error {
	return s.inTx(ctx, func(c q) error {
		if err := updateMaterial(ctx, c, m); err != nil {
			return err
		}
		if !expected.IsZero() {
			res, err := c.exec(ctx, `DELETE FROM pending_versions WHERE material_id = ? AND updated_at = ?`,
				m.ID, millis(expected))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrStale
			}
		} else {
			var n int
			if err := c.queryRow(ctx, `SELECT COUNT(*) FROM pending_versions WHERE material_id = ?`,
				m.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return ErrStale // a pending version was saved since the form was opened
			}
		}
		if err := addRevision(ctx, c, m, sv.UserID, millis(time.Now()), ""); err != nil {
			return err
		}
		if err := queueScrape(ctx, c, m.ID, time.Now().UTC()); err != nil {
			return err
		}
		_, err := c.exec(ctx, `
			INSERT INTO material_transitions (material_id, from_status, to_status, user_id, message, at)
			VALUES (?, ?, ?, ?, ?, ?)`, m.ID, material.InReview, material.Approved, nullID(sv.UserID),
			sv.Message, millis(time.Now()))
		return err
	})
}

// DiscardPending drops a material's pending version.
func (s *Store) DiscardPending(ctx context.Context, materialID int64) error {
	_, err := s.q().exec(ctx, `DELETE FROM pending_versions WHERE material_id = ?`, materialID)
	return err
}

// MaterialsPlanned lists the materials scheduled, published or planned to
// leave the site between from and to (UTC).
func (s *Store) MaterialsPlanned(ctx context.Context, from, to time.Time) ([]*material.Material, error) {
	return s.materialsWhere(ctx, `(status = ? AND scheduled_at >= ? AND scheduled_at < ?)
		OR (status = ? AND published_at >= ? AND published_at < ?)
		OR (unpublish_at >= ? AND unpublish_at < ?)
		ORDER BY COALESCE(scheduled_at, published_at), id`,
		material.Scheduled, millis(from), millis(to), material.Published, millis(from), millis(to),
		millis(from), millis(to))
}

// MaterialsInStatus lists the materials in a status, longest waiting first.
func (s *Store) MaterialsInStatus(ctx context.Context, st material.Status) ([]*material.Material, error) {
	return s.materialsWhere(ctx, `status = ? ORDER BY updated_at, id`, st)
}
