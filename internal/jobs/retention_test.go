package jobs_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/jobs"
	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// column lists one column of a table, sorted, through the store's pool.
func column(t *testing.T, st *storage.Store, query string) []string {
	t.Helper()
	rows, err := st.DB().QueryContext(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func TestHousekeepingAppliesTheRetentionSettings(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		ago := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
		day := func(days int) string { return ago(days).In(localtime.Zone).Format("2006-01-02") }
		if err := st.PutSettings(ctx, map[string]string{storage.KeyRetainAudit: "30",
			storage.KeyRetainVisits: "20", storage.KeyRetainMissedSearch: "10", storage.KeyRetainMail: "5"}); err != nil {
			t.Fatal(err)
		}

		for _, e := range []storage.AuditEntry{{At: ago(40), Action: "old"}, {At: ago(20), Action: "new"}} {
			if err := st.Audit(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
		m := draft(t, st, "Talt", "## Hej\n\nTekst.")
		if err := st.CountVisits(ctx, map[storage.Visit]int{{MaterialID: m.ID, Channel: "old", Day: day(25)}: 1,
			{MaterialID: m.ID, Channel: "new", Day: day(15)}: 1}); err != nil {
			t.Fatal(err)
		}
		for _, ml := range []storage.Mail{{To: "old@example.dk", CreatedAt: ago(8)},
			{To: "new@example.dk", CreatedAt: ago(2)}} {
			if err := st.QueueMail(ctx, &ml); err != nil {
				t.Fatal(err)
			}
		}
		finishJobs(t, st, map[string]time.Time{"x:old": ago(8), "x:new": ago(2)})
		if err := st.LogMissedSearch(ctx, "hjme"); err != nil {
			t.Fatal(err)
		}

		// The audit flag says a year, but the admin's setting wins.
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), AuditRetention: 365 * 24 * time.Hour,
			Now: func() time.Time { return now }}
		r.Housekeeping(ctx)
		checks := map[string]string{
			"SELECT action FROM audit_log":                 "new",
			"SELECT channel FROM channel_visits":           "new",
			"SELECT to_addr FROM mails":                    "new@example.dk",
			"SELECT dedupe_key FROM jobs WHERE kind = 'x'": "x:new",
			"SELECT query FROM search_misses":              "hjme",
		}
		for q, want := range checks {
			if got := strings.Join(column(t, st, q), ","); got != want {
				t.Errorf("%s: %q, want %q", q, got, want)
			}
		}

		// Eleven days on, the search not asked since is gone.
		later := now.Add(11 * 24 * time.Hour)
		r.Now = func() time.Time { return later }
		r.Housekeeping(ctx)
		if got := column(t, st, "SELECT query FROM search_misses"); len(got) != 0 {
			t.Errorf("missed searches after 11 days: %v", got)
		}
	})
}

// finishJobs plans a job per key, claims them and finishes each at its
// time.
func finishJobs(t *testing.T, st *storage.Store, done map[string]time.Time) {
	t.Helper()
	for key := range done {
		if err := st.PlanJob(ctx, "x", key, time.Unix(0, 0)); err != nil {
			t.Fatal(err)
		}
	}
	for range done {
		j, err := st.ClaimJob(ctx, time.Unix(1, 0), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.FinishJob(ctx, j.ID, done[j.Key]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditFlagAppliesUntilAnAdminSetsAPeriod(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		now := time.Now()
		for _, days := range []int{50, 5} {
			if err := st.Audit(ctx, &storage.AuditEntry{At: now.Add(-time.Duration(days) * 24 * time.Hour),
				Action: "a"}); err != nil {
				t.Fatal(err)
			}
		}
		r := &jobs.Runner{Store: st, Log: storagetest.Logger(), AuditRetention: 60 * 24 * time.Hour}
		r.Housekeeping(ctx)
		if n := len(column(t, st, "SELECT action FROM audit_log")); n != 2 {
			t.Fatalf("the flag's 60 days kept %d of 2 entries", n)
		}
		// An empty setting is the flag's default; zero keeps everything.
		if err := st.PutSettings(ctx, map[string]string{storage.KeyRetainAudit: ""}); err != nil {
			t.Fatal(err)
		}
		r.AuditRetention = 30 * 24 * time.Hour
		r.Housekeeping(ctx)
		if n := len(column(t, st, "SELECT action FROM audit_log")); n != 1 {
			t.Fatalf("the flag's 30 days kept %d entries, want 1", n)
		}
		if err := st.PutSettings(ctx, map[string]string{storage.KeyRetainAudit: "0"}); err != nil {
			t.Fatal(err)
		}
		r.AuditRetention = 24 * time.Hour
		r.Housekeeping(ctx)
		if n := len(column(t, st, "SELECT action FROM audit_log")); n != 1 {
			t.Errorf("a setting of 0 kept %d entries, want all (1)", n)
		}
	})
}
