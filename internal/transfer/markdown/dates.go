package markdown

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// zonedLayouts are the date forms with a zone, tried in order.
var zonedLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04 -0700",
	"2006-01-02 15:04 -07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05 -0700 MST",
	time.RFC1123Z,
	time.RFC1123,
}

// localLayouts are the date forms without a zone, read in the hub's zone.
var localLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	time.DateOnly,
	"2006-1-2",
	"2006/01/02",
}

// parseDate reads a front matter date in the forms Hugo, Jekyll and Decap
// CMS write. A date without a zone is a time in loc.
func parseDate(v any, loc *time.Location) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v.UTC(), nil
	case localTime:
		t := v.t
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(),
			loc).UTC(), nil
	}
	s := strings.TrimSpace(str(v))
	if s == "" {
		return time.Time{}, fmt.Errorf("%q is not a date", fmt.Sprint(v))
	}
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

// jekyllName matches a Jekyll post's file name: its date, then its slug.
var jekyllName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(.+)$`)

// splitJekyllName returns the date and the rest of a file name without its
// extension, such as "2016-12-05" and "trivsel" for "2016-12-05-trivsel".
func splitJekyllName(stem string) (date, rest string) {
	m := jekyllName.FindStringSubmatch(stem)
	if m == nil {
		return "", stem
	}
	if _, err := time.Parse(time.DateOnly, m[1]); err != nil {
		return "", stem
	}
	return m[1], m[2]
}
