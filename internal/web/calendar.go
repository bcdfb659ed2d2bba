package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/bindeled/bindeled/internal/localtime"
	"github.com/bindeled/bindeled/internal/material"
	"github.com/bindeled/bindeled/internal/storage"
)

// WSCalendarPage shows what is planned when, a week or a month at a time,
// and what waits for review.
type WSCalendarPage struct {
	Base
	Month     bool
	Heading   string
	Days      []CalendarDay
	PrevURL   string
	NextURL   string
	OtherURL  string // the same time as a month or as a week
	Waiting   []*material.Material
	Deadlines []storage.ReviewTask
}

// CalendarDay is one day of the calendar with what happens on it.
type CalendarDay struct {
	Date    time.Time
	Label   string
	Entries []CalendarEntry
}

// CalendarEntry is a material planned, published or due for review input.
type CalendarEntry struct {
	Time  string
	Title string
	URL   string
	What  string // a message key
}

// wsCalendar shows a week (?uge=2026-W49) or a month (?maaned=2026-12),
// the current week by default, in Copenhagen time.
func (s *Server) wsCalendar(w http.ResponseWriter, r *http.Request) error {
	b, err := s.wsBase(r, "ws.calendar")
	if err != nil {
		return err
	}
	b.Section = "calendar"
	p := WSCalendarPage{Base: b}
	now := time.Now().In(localtime.Zone)
	q := r.URL.Query()
	var from, to time.Time
	if q.Has("maaned") {
		p.Month = true
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, localtime.Zone)
		if mo := q.Get("maaned"); mo != "" {
			if t, err := time.ParseInLocation("2006-01", mo, localtime.Zone); err == nil && calendarYear(t.Year()) {
				first = t
			} else {
				p.Flash = b.T("ws.calendar_bad_period")
			}
		}
		from, to = first, first.AddDate(0, 1, 0)
		p.Heading = b.T("month."+first.Format("01")) + " " + first.Format("2006")
		p.PrevURL = "/redaktion/kalender?maaned=" + first.AddDate(0, -1, 0).Format("2006-01")
		p.NextURL = "/redaktion/kalender?maaned=" + to.Format("2006-01")
		y, wk := first.ISOWeek()
		p.OtherURL = "/redaktion/kalender?uge=" + isoWeekString(y, wk)
	} else {
		from = mondayOf(now)
		if w := q.Get("uge"); w != "" {
			if y, wk, ok := parseISOWeek(w); ok && calendarYear(y) {
				from = isoWeekStart(y, wk)
			} else {
				p.Flash = b.T("ws.calendar_bad_period")
			}
		}
		to = from.AddDate(0, 0, 7)
		y, wk := from.ISOWeek()
		p.Heading = b.T("ws.calendar_week", wk, y)
		py, pw := from.AddDate(0, 0, -7).ISOWeek()
		ny, nw := to.ISOWeek()
		p.PrevURL = "/redaktion/kalender?uge=" + isoWeekString(py, pw)
		p.NextURL = "/redaktion/kalender?uge=" + isoWeekString(ny, nw)
		p.OtherURL = "/redaktion/kalender?maaned=" + from.Format("2006-01")
	}
	planned, err := s.store.MaterialsPlanned(r.Context(), from.UTC(), to.UTC())
	if err != nil {
		return err
	}
	tasks, err := s.store.ReviewTasks(r.Context(), 0)
	if err != nil {
		return err
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		day := CalendarDay{Date: d, Label: b.T("weekday."+strings.ToLower(d.Weekday().String()[:3])) + " " +
			d.Format("2.1.")}
		end := d.AddDate(0, 0, 1)
		for _, m := range planned {
			at, what := m.ScheduledAt, "ws.calendar_planned"
			if m.Status == material.Published {
				at, what = m.PublishedAt, "ws.calendar_published"
			}
			for _, e := range []struct {
				at   time.Time
				what string
			}{{at, what}, {m.UnpublishAt, "ws.calendar_unpublish"}} {
				if !e.at.IsZero() && !e.at.Before(d) && e.at.Before(end) {
					day.Entries = append(day.Entries, CalendarEntry{Time: e.at.In(localtime.Zone).Format("15:04"),
						Title: m.Title, URL: materialEditURL(m.ID, ""), What: e.what})
				}
			}
		}
		for _, t := range tasks {
			// A deadline is midnight after the last day of input.
			if last := t.Deadline.Add(-time.Minute); !last.Before(d) && last.Before(end) {
				day.Entries = append(day.Entries, CalendarEntry{Title: t.Title,
					URL: materialEditURL(t.MaterialID, ""), What: "ws.calendar_deadline"})
			}
		}
		p.Days = append(p.Days, day)
	}
	if p.Waiting, err = s.store.MaterialsInStatus(r.Context(), material.InReview); err != nil {
		return err
	}
	pending, err := s.store.PendingMaterialIDs(r.Context())
	if err != nil {
		return err
	}
	var edits []int64 // published materials whose pending edit is in review
	for id, st := range pending {
		if st == material.InReview {
			edits = append(edits, id)
		}
	}
	more, err := s.store.MaterialsByID(r.Context(), edits)
	if err != nil {
		return err
	}
	p.Waiting = append(p.Waiting, more...)
	p.Deadlines = tasks
	return s.render(w, http.StatusOK, "ws/calendar", p)
}

// calendarYear bounds the years the calendar shows.
func calendarYear(y int) bool { return y >= 2000 && y <= 2100 }

func mondayOf(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, localtime.Zone)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// isoWeekStart is the Monday of ISO week wk of year y, in Copenhagen.
func isoWeekStart(y, wk int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, localtime.Zone) // always in week 1
	return mondayOf(jan4).AddDate(0, 0, (wk-1)*7)
}

var isoWeekPattern = regexp.MustCompile(`^([0-9]{4})-W([0-9]{2})$`)

func parseISOWeek(s string) (year, week int, ok bool) {
	m := isoWeekPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	week, _ = strconv.Atoi(m[2])
	return year, week, week >= 1 && week <= 53
}

func isoWeekString(y, wk int) string { return fmt.Sprintf("%04d-W%02d", y, wk) }
