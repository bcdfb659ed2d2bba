package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Retention is how many days each kind of record is kept before the job
// runner's housekeeping deletes it. Zero keeps the record for good, where
// its bounds allow zero.
type Retention struct {
	AuditDays        int // the audit log: who did what, when, from which address
	VisitDays        int // channel visit counts (no address or cookie)
	MissedSearchDays int // searches that found nothing, since last asked
	MailDays         int // queued and sent mail, and finished jobs
}

// Setting keys of the retention periods. An empty or missing value means
// the default (DefaultRetention).
const (
	KeyRetainAudit        = "retention.audit_days"
	KeyRetainVisits       = "retention.visit_days"
	KeyRetainMissedSearch = "retention.missed_search_days"
	KeyRetainMail         = "retention.mail_days"
)

// RetentionBound is what a retention setting may be: from Min to Max days.
type RetentionBound struct {
	Key      string
	Min, Max int
}

// RetentionBounds lists the retention settings and their bounds. Mail
// holds one-time links and searches what readers typed, so they cannot be
// kept for good; the audit log and visit counts can.
var RetentionBounds = []RetentionBound{
	{KeyRetainAudit, 0, 3650},
	{KeyRetainVisits, 0, 3650},
	{KeyRetainMissedSearch, 1, 365},
	{KeyRetainMail, 1, 365},
}

// DefaultRetention is what is kept when an admin has set nothing: the
// audit log for auditDays (the --audit-days flag), visit counts for good,
// missed searches for 90 days and mail and finished jobs for 30.
func DefaultRetention(auditDays int) Retention {
	return Retention{AuditDays: auditDays, VisitDays: 0, MissedSearchDays: 90, MailDays: 30}
}

// ParseRetentionDays reads a number of days within [b.Min, b.Max].
func ParseRetentionDays(s string, b RetentionBound) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < b.Min || n > b.Max {
		return 0, false
	}
	return n, true
}

// ReadRetention returns the retention periods the settings kv name, with
// def for each one that is empty or out of bounds.
func ReadRetention(kv map[string]string, def Retention) Retention {
	r := def
	fields := map[string]*int{KeyRetainAudit: &r.AuditDays, KeyRetainVisits: &r.VisitDays,
		KeyRetainMissedSearch: &r.MissedSearchDays, KeyRetainMail: &r.MailDays}
	for _, b := range RetentionBounds {
		if n, ok := ParseRetentionDays(kv[b.Key], b); ok {
			*fields[b.Key] = n
		}
	}
	return r
}

// Days is d as a duration.
func Days(d int) time.Duration { return time.Duration(d) * 24 * time.Hour }

// PruneVisits deletes the visit counts of days before day (YYYY-MM-DD)
// and returns how many rows went.
func (s *Store) PruneVisits(ctx context.Context, day string) (int64, error) {
	res, err := s.q().exec(ctx, `DELETE FROM channel_visits WHERE day < ?`, day)
	if err != nil {
		return 0, fmt.Errorf("prune visits: %w", err)
	}
	return res.RowsAffected()
}

// PruneFinishedJobs deletes jobs that finished before before and returns
// how many. Jobs not yet done, or given up and waiting, stay.
func (s *Store) PruneFinishedJobs(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.q().exec(ctx, `DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < ?`, millis(before))
	if err != nil {
		return 0, fmt.Errorf("prune finished jobs: %w", err)
	}
	return res.RowsAffected()
}
