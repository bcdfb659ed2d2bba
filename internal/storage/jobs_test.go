package storage_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

func TestJobClaimedOnceAcrossWorkers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		var ms []*material.Material
		for i := 0; i < 5; i++ {
			m := article("Planlagt", material.Draft)
			if err := st.CreateMaterial(ctx, m); err != nil {
				t.Fatal(err)
			}
			if err := st.ScheduleMaterial(ctx, m, now.Add(-time.Minute), storage.Save{}); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		// One job not yet due.
		later := article("Senere", material.Draft)
		if err := st.CreateMaterial(ctx, later); err != nil {
			t.Fatal(err)
		}
		if err := st.ScheduleMaterial(ctx, later, now.Add(time.Hour), storage.Save{}); err != nil {
			t.Fatal(err)
		}

		var mu sync.Mutex
		claimed := map[int64]int{}
		var wg sync.WaitGroup
		for w := 0; w < 6; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					j, err := st.ClaimJob(ctx, now, time.Minute)
					if errors.Is(err, storage.ErrNotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					claimed[j.MaterialID]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(claimed) != 5 {
			t.Errorf("claimed %d jobs, want the 5 due ones", len(claimed))
		}
		for id, n := range claimed {
			if n != 1 {
				t.Errorf("job of material %d claimed %d times", id, n)
			}
		}
		// A claim that was never finished comes back after its lease.
		j, err := st.ClaimJob(ctx, now.Add(2*time.Minute), time.Minute)
		if err != nil {
			t.Fatalf("reclaim after the lease: %v", err)
		}
		if err := st.FinishJob(ctx, j.ID, now); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.CountDueJobs(ctx, now.Add(2*time.Minute)); n != 4 {
			t.Errorf("due jobs after finishing one: %d, want 4", n)
		}
		// Cancelling drops the job.
		if err := st.CancelSchedule(ctx, ms[4], storage.Save{}); err != nil {
			t.Fatal(err)
		}
		got, _ := st.GetMaterial(ctx, ms[4].ID)
		if got.Status != material.Approved || !got.ScheduledAt.IsZero() {
			t.Errorf("after cancel: %s %v", got.Status, got.ScheduledAt)
		}
	})
}
