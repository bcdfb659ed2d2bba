package auth_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bindeled/bindeled/internal/auth"
	"github.com/bindeled/bindeled/internal/storage"
	"github.com/bindeled/bindeled/internal/storage/storagetest"
)

// t0 starts a minute and an hour, so windows of either length start there.
var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// step is one call in a limiter scenario: at offset `at`, Take(key) is
// expected to return wait (0 when the attempt is counted).
type step struct {
	at   time.Duration
	key  string
	wait time.Duration
}

func TestLimiterFixedWindow(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		steps []step
	}{
		{"limit then refuse until the window ends", 3, []step{
			{0, "a", 0},
			{time.Second, "a", 0},
			{2 * time.Second, "a", 0},
			{3 * time.Second, "a", 57 * time.Second},
			{59 * time.Second, "a", time.Second},
			{60 * time.Second, "a", 0},
		}},
		{"refusals are not counted", 1, []step{
			{0, "a", 0},
			{10 * time.Second, "a", 50 * time.Second},
			{50 * time.Second, "a", 10 * time.Second},
			{60 * time.Second, "a", 0},
			{61 * time.Second, "a", 59 * time.Second},
		}},
		{"keys are independent", 1, []step{
			{0, "a", 0},
			{0, "b", 0},
			{time.Second, "a", 59 * time.Second},
			{time.Second, "A", 0},
		}},
	}
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				l := auth.NewLimiter(st, tt.name, tt.limit, time.Minute)
				for i, s := range tt.steps {
					got, err := l.Take(context.Background(), s.key, t0.Add(s.at))
					if err != nil {
						t.Fatal(err)
					}
					if got != s.wait {
						t.Errorf("step %d (%s at %v): wait %v, want %v", i, s.key, s.at, got, s.wait)
					}
				}
			})
		}
	})
}

func TestLimiterGiveBackAndReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		l := auth.NewLimiter(st, "login", 2, time.Hour)
		other := auth.NewLimiter(st, "other", 1, time.Hour)
		take := func(at time.Duration) time.Duration {
			t.Helper()
			wait, err := l.Take(ctx, "a", t0.Add(at))
			if err != nil {
				t.Fatal(err)
			}
			return wait
		}
		take(0)
		take(time.Minute)
		if wait := take(2 * time.Minute); wait != 58*time.Minute {
			t.Fatalf("third attempt: wait %v, want 58m", wait)
		}

		// An attempt given back can be made again.
		if err := l.GiveBack(ctx, "a", t0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if wait := take(4 * time.Minute); wait != 0 {
			t.Errorf("after giving one back: wait %v, want 0", wait)
		}
		if wait := take(5 * time.Minute); wait == 0 {
			t.Error("two attempts counted after giving one back and taking one")
		}

		// Another bucket counts the same key apart.
		if wait, err := other.Take(ctx, "a", t0); err != nil || wait != 0 {
			t.Errorf("other bucket: wait %v, %v; want 0", wait, err)
		}

		if err := l.Reset(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if wait := take(6 * time.Minute); wait != 0 {
			t.Errorf("after reset: wait %v, want 0", wait)
		}
		if wait, _ := other.Take(ctx, "a", t0); wait == 0 {
			t.Error("reset of one bucket cleared another")
		}
	})
}

// TestLimiterConcurrent makes attempts on one key from many goroutines at
// once, across two stores on the same database as two instances would
// be, and checks that exactly the limit is counted.
func TestLimiterConcurrent(t *testing.T) {
	const limit, workers, tries = 20, 8, 10

	for _, b := range storagetest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			dsn := storagetest.DSN(t, b)
			var limiters []*auth.Limiter
			for range 2 {
				st, err := storage.Open(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = st.Close() })
				if err := st.Migrate(context.Background(), storagetest.Logger()); err != nil {
					t.Fatal(err)
				}
				limiters = append(limiters, auth.NewLimiter(st, "login", limit, time.Hour))
			}

			var allowed atomic.Int64
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for range tries {
						wait, err := limiters[w%2].Take(context.Background(), "shared", t0)
						if err != nil {
							t.Error(err)
							return
						}
						if wait == 0 {
							allowed.Add(1)
						}
					}
				})
			}
			wg.Wait()

			if got := allowed.Load(); got != limit {
				t.Fatalf("%d attempts allowed; want %d", got, limit)
			}
		})
	}
}

// keyRecorder is a Counter that keeps the keys it is given.
type keyRecorder struct{ keys []string }

func (k *keyRecorder) TakeAttempt(_ context.Context, _, key string, _ time.Time, _ int) (bool, error) {
	k.keys = append(k.keys, key)
	return true, nil
}

func (k *keyRecorder) ReturnAttempt(context.Context, string, string, time.Time) error { return nil }
func (k *keyRecorder) ClearAttempts(context.Context, string, string) error            { return nil }

func TestLimiterHashesKeys(t *testing.T) {
	rec := &keyRecorder{}
	l := auth.NewLimiter(rec, "login", 1, time.Minute)
	raw := "lærer@skole.example\x00192.0.2.7"
	if _, err := l.Take(context.Background(), raw, t0); err != nil {
		t.Fatal(err)
	}
	if len(rec.keys) != 1 || len(rec.keys[0]) != 64 || strings.Contains(rec.keys[0], "skole") {
		t.Errorf("stored keys %q; want one hex SHA-256 digest", rec.keys)
	}
}

func TestNewLimiterPanics(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		window time.Duration
	}{
		{"zero limit", 0, time.Minute},
		{"negative limit", -1, time.Minute},
		{"zero window", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("NewLimiter did not panic")
				}
			}()
			auth.NewLimiter(&keyRecorder{}, "x", tt.limit, tt.window)
		})
	}
}

func ExampleLimiter() {
	l := auth.NewLimiter(&keyRecorder{}, "login", 10, 15*time.Minute)
	wait, err := l.Take(context.Background(), "192.0.2.7", t0)
	fmt.Println(wait, err)
	// Output: 0s <nil>
}
