package fetch

import (
	"strings"
)

// KeyAllowedHosts is the setting that holds the admins' allow list: one
// host name a line.
const KeyAllowedHosts = "fetch.allowed_hosts"

// FromSettings returns the allowed hosts of the hub's settings, for
// Options.AllowedHosts. Lines that are not host names are left out; the
// settings page does not store such lines.
func FromSettings(settings map[string]string) []string {
	hosts, _ := ParseHosts(settings[KeyAllowedHosts])
	return hosts
}

// ParseHosts reads an allow list as an admin types it, one host name a
// line, and returns the names normalized (see NormalizeHost), each once,
// in the order given. Blank lines are skipped. bad holds the lines that
// are not host names, such as URLs, paths, addresses, names with
// ports and localhost, which is never fetched from, trimmed as they were
// typed.
func ParseHosts(text string) (hosts, bad []string) {
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		h, err := NormalizeHost(line)
		if err != nil || h == "localhost" || strings.HasSuffix(h, ".localhost") {
			bad = append(bad, line)
			continue
		}
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	return hosts, bad
}
