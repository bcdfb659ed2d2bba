package storage

import (
	"fmt"
	"testing"
)

// TestSlugLocksBounded: however many slugs a transaction settles, it
// takes at most slugLocks advisory locks, none of them the index's.
func TestSlugLocksBounded(t *testing.T) {
	keys := map[int64]bool{}
	for i := range 20000 {
		k := slugLockKey(fmt.Sprintf("forældremøde-%d", i))
		if k == indexLockKey {
			t.Fatalf("slug lock %d is the index's", k)
		}
		keys[k] = true
	}
	if len(keys) > slugLocks || len(keys) < slugLocks/2 {
		t.Errorf("%d slug locks for 20,000 slugs, want at most %d and spread over them", len(keys), slugLocks)
	}
	if a, b := slugLockKey("skolestart"), slugLockKey(string([]byte("skolestart"))); a != b {
		t.Errorf("one slug, two locks: %d, %d", a, b)
	}
}
