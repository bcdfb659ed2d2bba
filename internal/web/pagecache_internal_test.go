package web

import (
	"net/url"
	"testing"
)

// TestCachePath: the escapings of one address share its key, and an
// escaped slash, which the router reads as part of one segment, does not
// share the key of the address with a real slash.
func TestCachePath(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{"/om", "/om"},
		{"/%6Fm", "/om"},
		{"/materialer/%66orsiden", "/materialer/forsiden"},
		{"/materialer/a%2Fudskriv", "/materialer/a%2Fudskriv"},
		{"/materialer/a%2fudskriv", "/materialer/a%2fudskriv"},
		{"/s%C3%B8g", "/s%C3%B8g"},
		{"/s%c3%b8g", "/s%C3%B8g"},
	} {
		u, err := url.Parse(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := cachePath(u); got != tt.want {
			t.Errorf("cachePath(%s) = %s, want %s", tt.path, got, tt.want)
		}
	}
}
