package sqlstore

import (
	"testing"
	"time"
)

// The hand parser agrees with time.Parse on the driver's layouts, in every
// zone the driver might have written, and refuses what is not a timestamp.
func TestParseStoredTime(t *testing.T) {
	east := time.FixedZone("CST", 8*3600)
	west := time.FixedZone("W", -(3*3600 + 30*60))
	base := []time.Time{
		time.Date(2026, 11, 16, 8, 7, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 120000000, east),
		time.Date(2025, 12, 31, 20, 30, 5, 7, west),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, want := range base {
		for _, layout := range []string{storedTimeLayouts[0], storedTimeLayouts[1], "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano} {
			s := want.Format(layout)
			got, err := parseStoredTime(s)
			if err != nil || !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("%q: %v %v, want %v", s, got, err, want.UTC())
			}
			if _, fast := parseTimeFast(s); !fast && layout == storedTimeLayouts[0] {
				t.Errorf("%q: the driver's own layout took the slow path", s)
			}
		}
	}
	for s, want := range map[string]time.Time{
		"2026-12-04 20:00:00":     time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC), // CURRENT_TIMESTAMP
		"2026-12-04T20:00:00.5":   time.Date(2026, 12, 4, 20, 0, 0, 500000000, time.UTC),
		"2026-12-04 20:00":        time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC),
		"2026-12-04":              time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		"2026-12-04T20:00:00Z":    time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC),
		"2026-12-04 20:00:00.25Z": time.Date(2026, 12, 4, 20, 0, 0, 250000000, time.UTC),
	} {
		if got, err := parseStoredTime(s); err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "2026-02-30 10:00:00+00:00", "2026-13-01 10:00:00+00:00", "2026-12-04 24:00:00+00:00",
		"2026-12-04 20:00:00+0800", "2026-12-04 20:00:00.+00:00", "20261204", "not a time at all"} {
		if got, err := parseStoredTime(s); err == nil {
			t.Errorf("%q read as %v", s, got)
		}
	}
}
