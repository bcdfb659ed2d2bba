// Package jobs runs the hub's work that must happen at a time: it claims
// due jobs from the database one at a time, so that several instances
// share the work and each job runs once. It publishes scheduled materials,
// sends queued mail and hands posts on social channels to their poster.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/mail"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/notify"
	"github.com/bindeled/bindeled/internal/storage"
)

// Store is what the runner needs from the database.
type Store interface {
	ClaimJob(ctx context.Context, now time.Time, lease time.Duration) (*storage.Job, error)
	FinishJob(ctx context.Context, id int64, now time.Time) error
	RetryJob(ctx context.Context, id int64, failure string, retryAt time.Time) error
	CountDueJobs(ctx context.Context, now time.Time) (int, error)
	GetMaterial(ctx context.Context, id int64) (*material.Material, error)
	SaveMaterial(ctx context.Context, m *material.Material, sv storage.Save) error
	PruneAudit(ctx context.Context, before time.Time) (int64, error)
	MailByID(ctx context.Context, id int64) (*storage.Mail, error)
	MarkMailSent(ctx context.Context, id int64, now time.Time) error
	PruneMails(ctx context.Context, before time.Time) (int64, error)
	PruneMissedSearches(ctx context.Context, before time.Time) (int64, error)
	PruneVisits(ctx context.Context, day string) (int64, error)
	PruneFinishedJobs(ctx context.Context, before time.Time) (int64, error)
	Settings(ctx context.Context) (map[string]string, error)
	PruneAttempts(ctx context.Context, now time.Time) (int64, error)
	MaterialCreator(ctx context.Context, materialID int64) (int64, error)
	ActiveUserIDs(ctx context.Context, roles ...storage.Role) ([]int64, error)
	SchoolContributors(ctx context.Context, schoolID int64) ([]int64, error)
	GetMedia(ctx context.Context, id int64) (*storage.Media, error)
	SaveRenditions(ctx context.Context, mediaID int64, rs []storage.Rendition) (bool, error)
}

// Sender sends one mail; *mail.Sender is one.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Notifier tells people what happened; *notify.Notifier is one.
type Notifier interface {
	Notify(ctx context.Context, ev notify.Event) error
}

// SocialPoster sends posts on social channels; *social.Poster is one.
// An error asks for another try; one with a RetryAfter method says how
// long to wait at least.
type SocialPoster interface {
	Send(ctx context.Context, postID int64, attempt int) error
	Rescrape(ctx context.Context, materialID int64, attempt int) error
	Housekeeping(ctx context.Context)
}

// Runner claims and runs due jobs.
type Runner struct {
	Store    Store
	Log      *slog.Logger
	Interval time.Duration    // how often to look for due jobs
	Lease    time.Duration    // how long a claim holds before another instance may retry
	Now      func() time.Time // the clock; tests set it
	// AuditRetention is how long the audit log is kept unless an admin
	// has set a period in the settings, which wins; 0 keeps it forever.
	AuditRetention time.Duration
	// Mailer sends queued mail; nil when mail is off, and queued mail is
	// then dropped.
	Mailer Sender
	// Notifier hears about publications on schedule; nil tells nobody.
	Notifier Notifier
	// Social sends posts on social channels; nil leaves their jobs to
	// fail and be tried again.
	Social SocialPoster
	// Blobs is the media store, where kept uploads are deleted and the
	// renditions of images made; nil leaves those jobs to fail and be
	// tried again.
	Blobs media.Blobs
	// Metrics counts the jobs run and failed; nil counts nothing.
	Metrics JobCounter
}

// JobCounter counts jobs by kind; *metrics.Metrics is one.
type JobCounter interface {
	JobRan(kind string, err error)
}

// MaxMailAttempts is how often a mail is tried before it is given up,
// about a day and a half after it was queued.
const MaxMailAttempts = 10

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Run works until ctx ends. It first catches up on jobs that fell due
// while no instance was running, and says so in the log. A job in
// progress when ctx ends is finished first.
func (r *Runner) Run(ctx context.Context) {
	if n, err := r.Store.CountDueJobs(ctx, r.now()); err == nil && n > 0 {
		r.Log.Info("catching up on jobs that fell due while the hub was down", "jobs", n)
	}
	ticker := time.NewTicker(r.Interval)
	defer ticker.Stop()
	for {
		r.RunDue(context.WithoutCancel(ctx))
		r.Housekeeping(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// Housekeeping deletes what is kept no longer than its time, as the
// retention settings say (storage.Retention): audit log entries, channel
// visit counts, searches that found nothing, mail and finished jobs; and
// the login and password-link attempts of windows that have ended. It
// also lets the social poster warn of tokens that expire soon.
func (r *Runner) Housekeeping(ctx context.Context) {
	if r.Social != nil {
		r.Social.Housekeeping(ctx)
	}
	r.prune("rate limits", func() (int64, error) { return r.Store.PruneAttempts(ctx, r.now()) })
	kv, err := r.Store.Settings(ctx)
	if err != nil {
		r.Log.Error("read retention settings", "err", err)
		return
	}
	days := storage.ReadRetention(kv, storage.DefaultRetention(int(r.AuditRetention/(24*time.Hour))))
	now := r.now()
	r.prune("mail", func() (int64, error) { return r.Store.PruneMails(ctx, now.Add(-storage.Days(days.MailDays))) })
	r.prune("finished jobs", func() (int64, error) {
		return r.Store.PruneFinishedJobs(ctx, now.Add(-storage.Days(days.MailDays)))
	})
	r.prune("missed searches", func() (int64, error) {
		return r.Store.PruneMissedSearches(ctx, now.Add(-storage.Days(days.MissedSearchDays)))
	})
	if days.VisitDays > 0 {
		day := now.Add(-storage.Days(days.VisitDays)).In(localtime.Zone).Format("2006-01-02")
		r.prune("visit counts", func() (int64, error) { return r.Store.PruneVisits(ctx, day) })
	}
	if days.AuditDays > 0 {
		r.prune("audit log", func() (int64, error) {
			return r.Store.PruneAudit(ctx, now.Add(-storage.Days(days.AuditDays)))
		})
	}
}

// prune runs one deletion of housekeeping and logs what it did.
func (r *Runner) prune(what string, fn func() (int64, error)) {
	n, err := fn()
	if err != nil {
		r.Log.Error("prune "+what, "err", err)
		return
	}
	if n > 0 {
		r.Log.Info("old records pruned", "what", what, "rows", n)
	}
}

// RunDue runs every job that is due now and returns how many ran.
func (r *Runner) RunDue(ctx context.Context) int {
	ran := 0
	for {
		job, err := r.Store.ClaimJob(ctx, r.now(), r.Lease)
		if errors.Is(err, storage.ErrNotFound) {
			return ran
		}
		if err != nil {
			r.Log.Error("claim job", "err", err)
			return ran
		}
		ran++
		r.runOne(ctx, job)
	}
}

func (r *Runner) runOne(ctx context.Context, job *storage.Job) {
	start := r.now()
	err := r.handle(ctx, job)
	if r.Metrics != nil {
		r.Metrics.JobRan(string(job.Kind), err)
	}
	if err != nil {
		retry := start.Add(backoff(job.Attempts))
		var wait interface{ RetryAfter() time.Duration }
		if errors.As(err, &wait) && start.Add(wait.RetryAfter()).After(retry) {
			retry = start.Add(wait.RetryAfter()) // the platform asked for a longer pause
		}
		r.Log.Error("job failed", "job_id", job.ID, "kind", job.Kind, "attempt", job.Attempts,
			"retry_at", retry, "err", err)
		if err := r.Store.RetryJob(ctx, job.ID, err.Error(), retry); err != nil {
			r.Log.Error("record job failure", "job_id", job.ID, "err", err)
		}
		return
	}
	if err := r.Store.FinishJob(ctx, job.ID, r.now()); err != nil {
		r.Log.Error("finish job", "job_id", job.ID, "err", err)
		return
	}
	r.Log.Info("job", "job_id", job.ID, "kind", job.Kind, "late", start.Sub(job.RunAt).Round(time.Second))
}

// backoff grows with each failed attempt, from a minute up to a day.
func backoff(attempt int) time.Duration {
	d := time.Minute << min(attempt, 11)
	return min(d, 24*time.Hour)
}

func (r *Runner) handle(ctx context.Context, job *storage.Job) error {
	switch job.Kind {
	case storage.JobPublish:
		return r.publish(ctx, job)
	case storage.JobUnpublish:
		return r.unpublish(ctx, job)
	case storage.JobMail:
		return r.sendMail(ctx, job)
	case storage.JobSocialPost, storage.JobSocialScrape:
		return r.social(ctx, job)
	case storage.JobDeleteUpload:
		return r.deleteUpload(ctx, job)
	case storage.JobRenditions:
		return r.renditions(ctx, job)
	}
	return fmt.Errorf("unknown job kind %q", job.Kind)
}

// publish makes a scheduled material public at its time. The publication
// checks run again first; a material that fails them stays unpublished
// and is marked for the editors. Running it twice changes nothing.
func (r *Runner) publish(ctx context.Context, job *storage.Job) error {
	m, err := r.Store.GetMaterial(ctx, job.MaterialID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // deleted since it was planned
	}
	if err != nil {
		return err
	}
	if m.Status != material.Scheduled || m.ScheduledAt.After(r.now()) {
		return nil // already published, cancelled or moved
	}
	if problems := material.CheckPublishable(m); problems != nil {
		m.Status, m.ScheduleProblem = material.Approved, "checks"
		r.Log.Warn("scheduled material fails the publication checks and stays unpublished",
			"material_id", m.ID, "problems", len(problems))
		return r.Store.SaveMaterial(ctx, m, storage.Save{From: material.Scheduled,
			Message: "Udgivelsen blev stoppet: materialet består ikke udgivelsestjekket."})
	}
	if err := material.CheckMove(m, material.Published, material.ByScheduler, false); err != nil {
		return err
	}
	m.Status, m.PublishedAt, m.ScheduledAt, m.ScheduleProblem = material.Published, m.ScheduledAt, time.Time{}, ""
	if err := r.Store.SaveMaterial(ctx, m, storage.Save{From: material.Scheduled}); err != nil {
		return err
	}
	r.Log.Info("published on schedule", "material_id", m.ID)
	r.notifyPublished(ctx, m)
	return nil
}

// unpublish takes a published material off the site at its planned
// time. A plan cancelled or moved since, or a material no longer
// published, changes nothing.
func (r *Runner) unpublish(ctx context.Context, job *storage.Job) error {
	m, err := r.Store.GetMaterial(ctx, job.MaterialID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if m.UnpublishAt.IsZero() || m.UnpublishAt.After(r.now()) {
		return nil // cancelled or moved
	}
	m.UnpublishAt = time.Time{}
	from := m.Status
	if m.Status == material.Published {
		if err := material.CheckMove(m, material.Unpublished, material.ByScheduler, false); err != nil {
			return err
		}
		m.Status = material.Unpublished
	}
	if err := r.Store.SaveMaterial(ctx, m, storage.Save{From: from}); err != nil {
		return err
	}
	r.Log.Info("taken off the site on schedule", "material_id", m.ID, "was", from)
	return nil
}

// notifyPublished tells the material's creator, its school's
// contributors and the editors. The
// material is public whatever happens here, so a failure is logged and
// the job still counts as done.
func (r *Runner) notifyPublished(ctx context.Context, m *material.Material) {
	if r.Notifier == nil {
		return
	}
	creator, err := r.Store.MaterialCreator(ctx, m.ID)
	if err != nil {
		r.Log.Error("notify publication", "material_id", m.ID, "err", err)
		return
	}
	editors, err := r.Store.ActiveUserIDs(ctx, storage.RoleEditor)
	if err != nil {
		r.Log.Error("notify publication", "material_id", m.ID, "err", err)
		return
	}
	to := append([]int64{creator}, editors...)
	if m.SchoolID != 0 {
		school, err := r.Store.SchoolContributors(ctx, m.SchoolID)
		if err != nil {
			r.Log.Error("notify publication", "material_id", m.ID, "err", err)
		}
		to = append(to, school...)
	}
	err = r.Notifier.Notify(ctx, notify.Event{Kind: notify.KindPublished, MaterialID: m.ID,
		MaterialTitle: m.Title, Recipients: to})
	if err != nil {
		r.Log.Error("notify publication", "material_id", m.ID, "err", err)
	}
}

// sendMail sends one queued mail. A mail already sent is not sent again;
// one that keeps failing is given up after MaxMailAttempts.
func (r *Runner) sendMail(ctx context.Context, job *storage.Job) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(job.Key, storage.JobMail+":"), 10, 64)
	if err != nil {
		r.Log.Error("mail job without a mail", "job_id", job.ID)
		return nil
	}
	m, err := r.Store.MailByID(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // pruned
	}
	if err != nil {
		return err
	}
	if !m.SentAt.IsZero() {
		return nil
	}
	if r.Mailer == nil {
		r.Log.Warn("mail is off: a queued mail is dropped", "mail_id", id)
		return nil
	}
	if job.Attempts > MaxMailAttempts {
		r.Log.Error("mail given up after repeated failures", "mail_id", id, "attempts", job.Attempts-1)
		return nil
	}
	// The send must end well within the lease, or another instance
	// could claim the job and send the mail a second time.
	sctx, cancel := context.WithTimeout(ctx, max(r.Lease/2, time.Second))
	defer cancel()
	if err := r.Mailer.Send(sctx, mail.Message{To: m.To, Subject: m.Subject, Body: m.Body}); err != nil {
		return err
	}
	return r.Store.MarkMailSent(ctx, id, r.now())
}

// social hands a post, or a page to read again, to the social poster.
func (r *Runner) social(ctx context.Context, job *storage.Job) error {
	if r.Social == nil {
		return errors.New("no social poster")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(job.Key, job.Kind+":"), 10, 64)
	if err != nil {
		r.Log.Error("social job without an id", "job_id", job.ID, "key", job.Key)
		return nil
	}
	if job.Kind == storage.JobSocialScrape {
		return r.Social.Rescrape(ctx, id, job.Attempts)
	}
	return r.Social.Send(ctx, id, job.Attempts)
}

// deleteUpload deletes an uploaded file that was kept for a while. One
// already gone (used and deleted by its import) is what was wanted.
func (r *Runner) deleteUpload(ctx context.Context, job *storage.Job) error {
	if r.Blobs == nil {
		return errors.New("no media store to delete the upload from")
	}
	key := strings.TrimPrefix(job.Key, storage.JobDeleteUpload+":")
	if !media.ValidKey(key) {
		return nil // nothing this job could ever delete
	}
	return r.Blobs.Delete(ctx, key)
}

// renditions makes the smaller and WebP copies of an image and records
// them. An image withdrawn or gone meanwhile gets none: what was stored
// for it is deleted again. Running it twice replaces the copies.
func (r *Runner) renditions(ctx context.Context, job *storage.Job) error {
	if r.Blobs == nil {
		return errors.New("no media store to make renditions in")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(job.Key, storage.JobRenditions+":"), 10, 64)
	if err != nil {
		r.Log.Error("renditions job without an id", "job_id", job.ID, "key", job.Key)
		return nil
	}
	m, err := r.Store.GetMedia(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // withdrawn or deleted since
	}
	if err != nil {
		return err
	}
	if m.Class != string(media.Image) {
		return nil
	}
	made, err := media.MakeRenditions(ctx, r.Blobs, m.Key, m.ContentType)
	// The decoded pixels and the encoder's memory are garbage now; hand
	// them back, so the server's resident memory stays what serving needs.
	defer debug.FreeOSMemory()
	var typeErr *media.TypeError
	if errors.As(err, &typeErr) || errors.Is(err, fs.ErrNotExist) {
		r.Log.Warn("image cannot be read for renditions", "media_id", m.ID, "err", err)
		return nil // trying again finds the same
	}
	if err != nil {
		r.deleteBlobs(ctx, made)
		return err
	}
	rs := make([]storage.Rendition, len(made))
	for i, x := range made {
		rs[i] = storage.Rendition{Key: x.Key, MediaID: m.ID, ContentType: x.ContentType, Width: x.Width,
			Height: x.Height, Size: x.Size}
	}
	saved, err := r.Store.SaveRenditions(ctx, m.ID, rs)
	if err != nil {
		return err
	}
	if !saved {
		r.deleteBlobs(ctx, made)
	}
	return nil
}

func (r *Runner) deleteBlobs(ctx context.Context, rs []media.Rendition) {
	for _, x := range rs {
		if err := r.Blobs.Delete(ctx, x.Key); err != nil {
			r.Log.Error("rendition not deleted", "key", x.Key, "err", err)
		}
	}
}
