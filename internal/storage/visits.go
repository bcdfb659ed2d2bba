package storage

import (
	"context"
	"fmt"
)

// Channel visits are counted without anything about the visitor: a visit
// through a tagged link adds one to the row of its material, channel and
// day. The web server adds visits up for a few seconds and writes them
// together (CountVisits); each row is added to in one statement, so
// instances sharing the database never lose a count.

// CountVisit adds one visit through channel to a material on day
// (YYYY-MM-DD).
func (s *Store) CountVisit(ctx context.Context, materialID int64, channel, day string) error {
	return s.CountVisits(ctx, map[Visit]int{{MaterialID: materialID, Channel: channel, Day: day}: 1})
}

// Visit names the visits to count together: a material, the channel
// that brought them and the day in Copenhagen (YYYY-MM-DD).
type Visit struct {
	MaterialID int64
	Channel    string
	Day        string
}

// CountVisits adds counted visits in one transaction, as the web server
// gathers them over a few seconds. Visits to a material deleted meanwhile
// are dropped.
func (s *Store) CountVisits(ctx context.Context, visits map[Visit]int) error {
	if len(visits) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(c q) error {
		for v, n := range visits {
			if _, err := c.exec(ctx, `
				INSERT INTO channel_visits (material_id, channel, day, visits)
				SELECT id, ?, ?, ? FROM materials WHERE id = ?
				ON CONFLICT (material_id, channel, day) DO UPDATE SET visits = channel_visits.visits + excluded.visits`,
				v.Channel, v.Day, n, v.MaterialID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count visits: %w", err)
	}
	return nil
}

// DayVisits is how many visits a channel brought on one day.
type DayVisits struct {
	Day     string // YYYY-MM-DD
	Channel string
	Visits  int
}

// MaterialVisits lists a material's visits per day and channel from day
// from to day to, both included, the newest day first.
func (s *Store) MaterialVisits(ctx context.Context, materialID int64, from, to string) ([]DayVisits, error) {
	rows, err := s.q().query(ctx, `
		SELECT day, channel, visits FROM channel_visits
		WHERE material_id = ? AND day >= ? AND day <= ?
		ORDER BY day DESC, channel`, materialID, from, to)
	if err != nil {
		return nil, fmt.Errorf("visits of material %d: %w", materialID, err)
	}
	defer rows.Close()
	var out []DayVisits
	for rows.Next() {
		var v DayVisits
		if err := rows.Scan(&v.Day, &v.Channel, &v.Visits); err != nil {
			return nil, fmt.Errorf("visits of material %d: %w", materialID, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ChannelTotal is how many visits a channel brought to a material in a
// period.
type ChannelTotal struct {
	MaterialID int64
	Title      string
	Channel    string
	Visits     int
}

// VisitTotals sums every material's visits per channel from day from to
// day to, both included, ordered by material id and channel.
func (s *Store) VisitTotals(ctx context.Context, from, to string) ([]ChannelTotal, error) {
	rows, err := s.q().query(ctx, `
		SELECT v.material_id, m.title, v.channel, SUM(v.visits)
		FROM channel_visits v JOIN materials m ON m.id = v.material_id
		WHERE v.day >= ? AND v.day <= ?
		GROUP BY v.material_id, m.title, v.channel
		ORDER BY v.material_id, v.channel`, from, to)
	if err != nil {
		return nil, fmt.Errorf("visit totals: %w", err)
	}
	defer rows.Close()
	var out []ChannelTotal
	for rows.Next() {
		var t ChannelTotal
		if err := rows.Scan(&t.MaterialID, &t.Title, &t.Channel, &t.Visits); err != nil {
			return nil, fmt.Errorf("visit totals: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
