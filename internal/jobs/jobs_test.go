package jobs_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/media"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

var ctx = context.Background()

func draft(t *testing.T, st *storage.Store, title, body string) *material.Material {
	t.Helper()
	m := &material.Material{Kind: material.Article, Title: title, Summary: "Kort.", Body: body,
		Audiences: []material.Audience{material.Parents}, Language: "da", Status: material.Approved}
	material.OwnWork(m)
	if err := st.CreateMaterial(ctx, m); err != nil {
		t.Fatal(err)
	}
	return m
}

// countingStore counts how often a material is saved as published.
type countingStore struct {
	*storage.Store
	published atomic.Int64
}

func (c *countingStore) SaveMaterial(ctx context.Context, m *material.Material, sv storage.Save) error {
	if m.Status == material.Published {
		c.published.Add(1)
	}
	return c.Store.SaveMaterial(ctx, m, sv)
}

func TestScheduledPublishedOnceByManyInstances(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		at := time.Date(2025, 4, 2, 5, 0, 0, 0, time.UTC) // 07:00 in Copenhagen
		m := draft(t, st, "Planlagt artikel", "## Hej\n\nTekst.")
		if err := st.ScheduleMaterial(ctx, m, at, storage.Save{}); err != nil {
			t.Fatal(err)
		}

		cs := &countingStore{Store: st}
		clock := at.Add(-time.Minute)
		newRunner := func() *jobs.Runner {
			return &jobs.Runner{Store: cs, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
				Now: func() time.Time { return clock }}
		}
		if n := newRunner().RunDue(ctx); n != 0 {
			t.Fatalf("ran %d jobs before the time", n)
		}
		if got, _ := st.GetMaterial(ctx, m.ID); got.Status != material.Scheduled {
			t.Fatalf("status before the time: %s", got.Status)
		}

		clock = at.Add(3 * time.Hour) // the hub was down at the time; it catches up
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); newRunner().RunDue(ctx) }()
		}
		wg.Wait()
		if n := cs.published.Load(); n != 1 {
			t.Errorf("published %d times, want exactly once", n)
		}
		got, _ := st.GetMaterial(ctx, m.ID)
		if got.Status != material.Published || !got.PublishedAt.Equal(at) {
			t.Errorf("after the time: %s, published %v, want %v", got.Status, got.PublishedAt, at)
		}
		if n := newRunner().RunDue(ctx); n != 0 {
			t.Errorf("ran %d more jobs", n)
		}
	})
}

func TestScheduledFailingChecksStaysUnpublished(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := draft(t, st, "Uheldig artikel", "Se [klik her](https://example.dk).")
		now := time.Now()
		if err := st.ScheduleMaterial(ctx, m, now.Add(-time.Second), storage.Save{}); err != nil {
			t.Fatal(err)
		}
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute}
		if n := r.RunDue(ctx); n != 1 {
			t.Fatalf("ran %d jobs", n)
		}
		got, _ := st.GetMaterial(ctx, m.ID)
		if got.Status != material.Approved || got.ScheduleProblem == "" {
			t.Errorf("a material failing the checks: %s, problem %q", got.Status, got.ScheduleProblem)
		}
	})
}

func TestHousekeepingPrunesTheAuditLog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		for _, age := range []time.Duration{400 * 24 * time.Hour, 10 * 24 * time.Hour} {
			if err := st.Audit(ctx, &storage.AuditEntry{At: now.Add(-age), Action: "login"}); err != nil {
				t.Fatal(err)
			}
		}
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), AuditRetention: 365 * 24 * time.Hour}
		r.Housekeeping(ctx)
		entries, total, err := st.AuditLog(ctx, storage.AuditFilter{}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || now.Sub(entries[0].At) > 11*24*time.Hour {
			t.Errorf("after pruning: %d entries %v", total, entries)
		}
	})
}

func TestHousekeepingPrunesEndedRateLimitWindows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		for _, end := range []time.Time{now.Add(-time.Minute), now.Add(time.Hour)} {
			if ok, err := st.TakeAttempt(ctx, "login-addr", "k", end, 1); err != nil || !ok {
				t.Fatalf("take: %v %v", ok, err)
			}
		}
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Now: func() time.Time { return now }}
		r.Housekeeping(ctx)
		// The ended window is gone, so pruning again finds nothing; the
		// current one is kept, so its limit still holds.
		if n, err := st.PruneAttempts(ctx, now); err != nil || n != 0 {
			t.Errorf("left %d ended windows (%v)", n, err)
		}
		if ok, err := st.TakeAttempt(ctx, "login-addr", "k", now.Add(time.Hour), 1); err != nil || ok {
			t.Errorf("the current window was pruned: take = %v, %v", ok, err)
		}
	})
}

// jobCounter records the jobs a Runner reports.
type jobCounter struct{ ran, failed []string }

func (c *jobCounter) JobRan(kind string, err error) {
	c.ran = append(c.ran, kind)
	if err != nil {
		c.failed = append(c.failed, kind)
	}
}

func TestRunnerCountsJobsAndQueueByKind(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := draft(t, st, "Kun i dag", "## I dag\n\nTekst.")
		m.Status = material.Published
		if err := st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2030, 1, 6, 23, 0, 0, 0, time.UTC)
		if err := st.PlanUnpublish(ctx, m, at, storage.Save{}); err != nil {
			t.Fatal(err)
		}
		if due, err := st.DueJobsByKind(ctx, at.Add(-time.Second)); err != nil || len(due) != 0 {
			t.Errorf("due before the time: %+v (%v)", due, err)
		}
		due, err := st.DueJobsByKind(ctx, at.Add(time.Minute))
		if err != nil || len(due) != 1 || due[0].Due != 1 || !due[0].Oldest.Equal(at) {
			t.Fatalf("due at the time: %+v (%v)", due, err)
		}

		counter := &jobCounter{}
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Lease: time.Minute, Metrics: counter,
			Now: func() time.Time { return at.Add(time.Minute) }}
		if n := r.RunDue(ctx); n != 1 {
			t.Fatalf("ran %d jobs", n)
		}
		if len(counter.ran) != 1 || counter.ran[0] != due[0].Kind || len(counter.failed) != 0 {
			t.Errorf("counted runs %v and failures %v, want one %s run", counter.ran, counter.failed, due[0].Kind)
		}
	})
}

func TestPlannedUnpublishing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		m := draft(t, st, "Kun i december", "## Jul\n\nTekst.")
		m.Status = material.Published
		if err := st.UpdateMaterial(ctx, m); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2030, 1, 6, 23, 0, 0, 0, time.UTC)
		if err := st.PlanUnpublish(ctx, m, at, storage.Save{}); err != nil {
			t.Fatal(err)
		}
		clock := at.Add(-time.Minute)
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
			Now: func() time.Time { return clock }}
		if n := r.RunDue(ctx); n != 0 {
			t.Fatalf("ran %d jobs before the time", n)
		}
		clock = at.Add(time.Minute)
		if n := r.RunDue(ctx); n != 1 {
			t.Fatalf("ran %d jobs at the time", n)
		}
		got, _ := st.GetMaterial(ctx, m.ID)
		if got.Status != material.Unpublished || !got.UnpublishAt.IsZero() {
			t.Errorf("after the time: %s, plan %v", got.Status, got.UnpublishAt)
		}
		moves, _ := st.Transitions(ctx, m.ID)
		if len(moves) != 1 || moves[0].To != material.Unpublished || moves[0].UserName != "" {
			t.Errorf("moves: %+v", moves)
		}

		// A cancelled plan leaves the material alone.
		other := draft(t, st, "Bliver", "## Hej\n\nTekst.")
		other.Status = material.Published
		if err := st.UpdateMaterial(ctx, other); err != nil {
			t.Fatal(err)
		}
		if err := st.PlanUnpublish(ctx, other, at.Add(time.Hour), storage.Save{}); err != nil {
			t.Fatal(err)
		}
		if err := st.PlanUnpublish(ctx, other, time.Time{}, storage.Save{}); err != nil {
			t.Fatal(err)
		}
		clock = at.Add(3 * time.Hour)
		r.RunDue(ctx)
		if got, _ := st.GetMaterial(ctx, other.ID); got.Status != material.Published {
			t.Errorf("a cancelled plan took it off: %s", got.Status)
		}
	})
}

func TestKeptUploadDeletedWhenDue(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		blobs, err := media.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		key, err := media.NewKey(".imp")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := blobs.Put(ctx, key, strings.NewReader("url,title\n")); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if err := st.PlanJob(ctx, storage.JobDeleteUpload, storage.JobDeleteUpload+":"+key,
			now.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), Interval: time.Hour, Lease: time.Minute,
			Blobs: blobs, Now: func() time.Time { return now }}
		if n := r.RunDue(ctx); n != 0 {
			t.Fatalf("ran %d jobs before the upload's time", n)
		}
		if _, err := blobs.Open(ctx, key); err != nil {
			t.Fatalf("deleted early: %v", err)
		}
		now = now.Add(25 * time.Hour)
		if n := r.RunDue(ctx); n != 1 {
			t.Fatalf("ran %d jobs, want 1", n)
		}
		if _, err := blobs.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("upload still there: %v", err)
		}
		if n, _ := st.CountDueJobs(ctx, now); n != 0 {
			t.Errorf("%d jobs still due", n)
		}
	})
}
