// Package localtime reads and writes the wall-clock times editors plan
// with, in Europe/Copenhagen, whatever the server's own time zone and zone
// database. Times are stored in UTC; the zone rules are built into the
// binary.
package localtime

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // the zone rules travel with the binary
)

// Zone is the hub's time zone.
var Zone = mustLoad("Europe/Copenhagen")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("time zone %s: %v", name, err))
	}
	return loc
}

// ErrFormat says a date or time could not be read.
var ErrFormat = errors.New("write the date as YYYY-MM-DD and the time as HH:MM")

// GapError says the time does not exist: the clocks jump over it in spring.
type GapError struct {
	Suggest time.Time // the first time after the jump, e.g. 03:00
}

func (e *GapError) Error() string {
	return fmt.Sprintf("the time does not exist on that day; the clocks jump to %s", e.Suggest.In(Zone).Format("15:04"))
}

// AmbiguousError says the time happens twice: the clocks go back in autumn.
type AmbiguousError struct {
	Earlier, Later time.Time // the first (summer time) and second (winter time) moment
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("the time happens twice on that day (%s and %s)",
		Format(e.Earlier), Format(e.Later))
}

// Choice picks one of the two moments of a time that happens twice.
type Choice int

// The choices for an ambiguous time.
const (
	Ask     Choice = iota // return an *AmbiguousError
	Earlier               // the first moment, still on summer time
	Later                 // the second moment, on winter time
)

// Parse reads a date (YYYY-MM-DD) and a time (HH:MM) in Copenhagen and
// returns the moment in UTC. A time the clocks skip gives a *GapError; a
// time they repeat gives an *AmbiguousError unless choice says which.
func Parse(date, clock string, choice Choice) (time.Time, error) {
	d, err := time.Parse("2006-01-02 15:04", date+" "+clock)
	if err != nil {
		return time.Time{}, ErrFormat
	}

	valid := moments(d)
	switch len(valid) {
	case 1:
		return valid[0], nil
	case 2:
		earlier, later := valid[0], valid[1]
		if later.Before(earlier) {
			earlier, later = later, earlier
		}
		switch choice {
		case Earlier:
			return earlier, nil
		case Later:
			return later, nil
		}
		return time.Time{}, &AmbiguousError{Earlier: earlier, Later: later}
	}
	return time.Time{}, &GapError{Suggest: nextValid(d)}
}

// moments returns the UTC moments at which Copenhagen's clocks show the
// wall-clock time d (read as if it were UTC): none in a gap, two in an
// overlap, else one. It tries both offsets the zone has around that day.
func moments(d time.Time) []time.Time {
	var out []time.Time
	seen := map[int]bool{}
	for _, probe := range []time.Time{d.Add(-24 * time.Hour), d.Add(24 * time.Hour)} {
		_, offset := time.Date(probe.Year(), probe.Month(), probe.Day(), 12, 0, 0, 0, Zone).Zone()
		if seen[offset] {
			continue
		}
		seen[offset] = true
		t := d.Add(-time.Duration(offset) * time.Second)
		if t.In(Zone).Format("2006-01-02 15:04") == d.Format("2006-01-02 15:04") {
			out = append(out, t.UTC())
		}
	}
	return out
}

// nextValid finds the first wall-clock minute after a gap.
func nextValid(d time.Time) time.Time {
	for m := 1; m <= 180; m++ {
		if ts := moments(d.Add(time.Duration(m) * time.Minute)); len(ts) > 0 {
			return ts[0]
		}
	}
	return d
}

// Format shows a moment as Copenhagen wall-clock time with its offset,
// such as "2025-04-02 07:00 +02:00".
func Format(t time.Time) string { return t.In(Zone).Format("2006-01-02 15:04 -07:00") }

// DateAndClock splits a moment into the date and time fields of a form.
func DateAndClock(t time.Time) (string, string) {
	l := t.In(Zone)
	return l.Format("2006-01-02"), l.Format("15:04")
}
