package localtime

import (
	"errors"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		date, clock string
		choice      Choice
		want        time.Time
	}{
		{"2025-04-02", "07:00", Ask, utc("2025-04-02 05:00")},     // summer time, +02:00
		{"2025-01-15", "07:00", Ask, utc("2025-01-15 06:00")},     // winter time, +01:00
		{"2025-10-26", "02:30", Earlier, utc("2025-10-26 00:30")}, // first 02:30, +02:00
		{"2025-10-26", "02:30", Later, utc("2025-10-26 01:30")},   // second 02:30, +01:00
		{"2025-03-30", "03:00", Ask, utc("2025-03-30 01:00")},
		{"2025-03-30", "01:59", Ask, utc("2025-03-30 00:59")},
	}
	for _, tt := range tests {
		got, err := Parse(tt.date, tt.clock, tt.choice)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("Parse(%s %s) = %v, %v; want %v", tt.date, tt.clock, got, err, tt.want)
		}
	}
}

func TestParseGapSuggestsThree(t *testing.T) {
	_, err := Parse("2025-03-30", "02:30", Ask)
	var gap *GapError
	if !errors.As(err, &gap) {
		t.Fatalf("err = %v, want a GapError", err)
	}
	if got := gap.Suggest.In(Zone).Format("15:04"); got != "03:00" {
		t.Errorf("suggestion %s, want 03:00", got)
	}
}

func TestParseAmbiguousAsks(t *testing.T) {
	_, err := Parse("2025-10-26", "02:30", Ask)
	var amb *AmbiguousError
	if !errors.As(err, &amb) {
		t.Fatalf("err = %v, want an AmbiguousError", err)
	}
	if Format(amb.Earlier) != "2025-10-26 02:30 +02:00" || Format(amb.Later) != "2025-10-26 02:30 +01:00" {
		t.Errorf("choices %s and %s", Format(amb.Earlier), Format(amb.Later))
	}
}

func TestParseRefusesNonsense(t *testing.T) {
	for _, in := range [][2]string{{"2025-02-30", "07:00"}, {"2025-04-02", "25:00"}, {"2. april", "7"}, {"", ""}} {
		if _, err := Parse(in[0], in[1], Ask); !errors.Is(err, ErrFormat) {
			t.Errorf("Parse(%q, %q) error = %v", in[0], in[1], err)
		}
	}
}

func TestFormatIgnoresServerZone(t *testing.T) {
	saved := time.Local
	time.Local = time.FixedZone("Elsewhere", -7*3600)
	defer func() { time.Local = saved }()
	got, err := Parse("2025-04-02", "07:00", Ask)
	if err != nil {
		t.Fatal(err)
	}
	if Format(got) != "2025-04-02 07:00 +02:00" {
		t.Errorf("Format = %s", Format(got))
	}
	if d, c := DateAndClock(got); d != "2025-04-02" || c != "07:00" {
		t.Errorf("DateAndClock = %s %s", d, c)
	}
}
