package search

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"trivsel", "trivsel", 2, 0},
		{"tirvsel", "trivsel", 2, 1},  // a swap
		{"forldre", "forældre", 2, 1}, // æ left out
		{"okonomi", "økonomi", 2, 1},
		{"skole", "skolen", 2, 1},
		{"abc", "xyz", 2, 3}, // stops past the limit
		{"samarbejde", "sammenhold", 2, 3},
		{"", "ab", 2, 2},
	} {
		if got := Distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestTolerance(t *testing.T) {
	for n, want := range map[int]int{3: 0, 4: 0, 5: 1, 8: 1, 9: 2, 15: 2} {
		if got := Tolerance(n); got != want {
			t.Errorf("Tolerance(%d) = %d, want %d", n, got, want)
		}
	}
}
