package auth

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// step is one call in a limiter scenario: at offset `at`, Allow(key) is
// expected to return allow, and RetryAfter(key) afterwards to return retry.
type step struct {
	at    time.Duration
	key   string
	allow bool
	retry time.Duration
}

func TestLimiterSlidingWindow(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		window time.Duration
		steps  []step
	}{
		{"limit then refuse", 3, time.Minute, []step{
			{0, "a", true, 0},
			{time.Second, "a", true, 0},
			{2 * time.Second, "a", true, 58 * time.Second},
			{3 * time.Second, "a", false, 57 * time.Second},
			{59 * time.Second, "a", false, time.Second},
		}},
		{"window slides one attempt at a time", 2, time.Minute, []step{
			{0, "a", true, 0},
			{30 * time.Second, "a", true, 30 * time.Second},
			{59 * time.Second, "a", false, time.Second},
			{60 * time.Second, "a", true, 30 * time.Second},
			{61 * time.Second, "a", false, 29 * time.Second},
			{90 * time.Second, "a", true, 30 * time.Second},
		}},
		{"refusals are not recorded", 1, time.Minute, []step{
			{0, "a", true, time.Minute},
			{10 * time.Second, "a", false, 50 * time.Second},
			{50 * time.Second, "a", false, 10 * time.Second},
			{60 * time.Second, "a", true, time.Minute},
		}},
		{"keys are independent", 1, time.Minute, []step{
			{0, "a", true, time.Minute},
			{0, "b", true, time.Minute},
			{time.Second, "a", false, 59 * time.Second},
			{time.Second, "A", true, time.Minute},
		}},
		{"clock going backwards", 2, time.Minute, []step{
			{10 * time.Second, "a", true, 0},
			{0, "a", true, 70 * time.Second},
			{5 * time.Second, "a", false, 65 * time.Second},
			{70 * time.Second, "a", true, 0},
		}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLimiter(tt.limit, tt.window)

			for i, s := range tt.steps {
				now := t0.Add(s.at)
				if got := l.Allow(s.key, now); got != s.allow {
					t.Fatalf("step %d: Allow(%q) = %v; want %v", i, s.key, got, s.allow)
				}

				if got := l.RetryAfter(s.key, now); got != s.retry {
					t.Fatalf("step %d: RetryAfter(%q) = %v; want %v", i, s.key, got, s.retry)
				}
			}
		})
	}
}

func TestLimiterReset(t *testing.T) {
	l := NewLimiter(1, time.Hour)

	tests := []struct {
		name  string
		reset string
		want  bool
	}{
		{"other key keeps the block", "b", false},
		{"own key lifts it", "a", true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l.Reset("a")
			l.Allow("a", t0)
			l.Reset(tt.reset)

			if got := l.Allow("a", t0.Add(time.Second)); got != tt.want {
				t.Fatalf("Allow after Reset(%q) = %v; want %v", tt.reset, got, tt.want)
			}
		})
	}
}

func TestLimiterRetryAfterUnknownKey(t *testing.T) {
	l := NewLimiter(1, time.Minute)

	if got := l.RetryAfter("nobody", t0); got != 0 || l.Len() != 0 {
		t.Fatalf("RetryAfter = %v with %d keys; want 0 with 0 keys", got, l.Len())
	}
}

func TestLimiterEvictsLeastRecentlyUsed(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string // each allowed once at second i
		touch     string   // refused attempt after the keys, keeping it fresh
		forgotten string
		kept      string
	}{
		{"oldest goes", []string{"a", "b", "c", "d"}, "", "a", "d"},
		{"a refused attempt keeps a key", []string{"a", "b", "c", "d"}, "a", "b", "a"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLimiter(1, time.Hour)
			l.maxKeys = 3

			for i, k := range tt.keys[:3] {
				l.Allow(k, t0.Add(time.Duration(i)*time.Second))
			}

			if tt.touch != "" {
				l.Allow(tt.touch, t0.Add(10*time.Second))
			}

			l.Allow(tt.keys[3], t0.Add(20*time.Second))

			if l.Len() != 3 {
				t.Fatalf("Len = %d; want 3", l.Len())
			}

			if l.RetryAfter(tt.forgotten, t0.Add(30*time.Second)) != 0 {
				t.Fatalf("%q still remembered", tt.forgotten)
			}

			if l.RetryAfter(tt.kept, t0.Add(30*time.Second)) == 0 {
				t.Fatalf("%q forgotten", tt.kept)
			}
		})
	}
}

func TestLimiterPrunesStaleKeys(t *testing.T) {
	tests := []struct {
		name  string
		later time.Duration
		want  int
	}{
		{"inside the window", 30 * time.Second, 1001},
		{"after the window", 61 * time.Second, 1},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLimiter(5, time.Minute)
			for i := range 1000 {
				l.Allow(fmt.Sprint("key", i), t0)
			}

			l.Allow("fresh", t0.Add(tt.later))

			if got := l.Len(); got != tt.want {
				t.Fatalf("Len = %d; want %d", got, tt.want)
			}
		})
	}
}

func TestLimiterLongKeys(t *testing.T) {
	l := NewLimiter(1, time.Minute)
	long := strings.Repeat("x", 1<<20)

	tests := []struct {
		key  string
		want bool
	}{
		{long, true},
		{long, false},
		{long + "y", true},
		{long[:len(long)-1], true},
	}

	for i, tt := range tests {
		if got := l.Allow(tt.key, t0); got != tt.want {
			t.Fatalf("call %d: Allow = %v; want %v", i, got, tt.want)
		}
	}
}

func TestLimiterConcurrent(t *testing.T) {
	const limit, workers, tries = 50, 8, 100

	l := NewLimiter(limit, time.Hour)

	var allowed atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range tries {
				if l.Allow("shared", t0) {
					allowed.Add(1)
				}

				l.Allow(fmt.Sprint("own", w, i), t0)
			}
		})
	}

	wg.Wait()

	if got := allowed.Load(); got != limit {
		t.Fatalf("%d attempts allowed; want %d", got, limit)
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

			NewLimiter(tt.limit, tt.window)
		})
	}
}

func BenchmarkLimiterAllow(b *testing.B) {
	keys := make([]string, 1<<12)
	for i := range keys {
		keys[i] = fmt.Sprintf("user%d@skole.example", i)
	}

	l := NewLimiter(10, time.Minute)
	var n atomic.Int64

	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			l.Allow(keys[i%int64(len(keys))], t0.Add(time.Duration(i)*time.Microsecond))
		}
	})
}

func BenchmarkLimiterAllowKeyRotation(b *testing.B) {
	l := NewLimiter(5, time.Hour)

	for i := range b.N {
		l.Allow(fmt.Sprint("attacker", i), t0)
	}

	if l.Len() > MaxLimiterKeys {
		b.Fatalf("Len = %d over the cap", l.Len())
	}
}
