package resetoffsets

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseDatetime(t *testing.T) {
	utc := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v.UTC() }
	ok := []struct{ in, want string }{
		{"2026-11-21T09:30:00.000", "2026-11-21T09:30:00Z"}, // Kafka's format, no zone: UTC
		{"2026-11-21T09:30:00.123Z", "2026-11-21T09:30:00.123Z"},
		{"2026-11-21T09:30:00.000+02:00", "2026-11-21T07:30:00Z"},
		{"2026-11-21T09:30:00.000+0200", "2026-11-21T07:30:00Z"},
		{"2026-11-21T09:30:00.000-05", "2026-11-21T14:30:00Z"},
		{"2026-11-21T09:30:00", "2026-11-21T09:30:00Z"},
		{"2026-11-21T09:30:00+01:00", "2026-11-21T08:30:00Z"}, // RFC 3339
		{"1795253400", "2026-11-21T09:30:00Z"},                // unix seconds
		{"1795253400123", "2026-11-21T09:30:00.123Z"},         // unix ms
	}
	for _, c := range ok {
		got, err := ParseDatetime(c.in)
		if err != nil || !got.Equal(utc(c.want)) {
			t.Errorf("ParseDatetime(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
	bad := []string{"", "yesterday", "2026-11-21", "2026-11-21 09:30:00", "2026-13-01T00:00:00", "2026-11-21T25:00:00",
		"12345678901", "17952534001234", "2026-11-21T09:30:00.000+2", "2026-11-21T09:30:00.000 UTC"}
	for _, in := range bad {
		if _, err := ParseDatetime(in); err == nil || !strings.Contains(err.Error(), "--to-datetime") {
			t.Errorf("ParseDatetime(%q) err = %v, want a --to-datetime error", in, err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	ok := map[string]time.Duration{
		"PT1H30M": 90 * time.Minute, "P1D": 24 * time.Hour, "P1DT2H": 26 * time.Hour, "PT45S": 45 * time.Second,
		"PT0.5S": 500 * time.Millisecond, "pt10m": 10 * time.Minute, "90m": 90 * time.Minute, "1h30m": 90 * time.Minute,
	}
	for in, want := range ok {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// Units Kafka's Duration.parse does not know, zero, negative, junk.
	for _, in := range []string{"P1Y", "P1M", "P2W", "PT", "P", "PT0S", "-PT1H", "-90m", "0s", "1d", "soon", "", "PT1H30", "P1H"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}

func TestParseTopicSpec(t *testing.T) {
	cases := map[string]string{"orders": "orders []", "orders:3": "orders [3]", "orders:0,2,1,2": "orders [0 1 2]", "orders:0-2,5": "orders [0 1 2 5]"}
	for in, want := range cases {
		topic, ps, err := ParseTopicSpec(in)
		if got := fmt.Sprintf("%s %v", topic, ps); err != nil || got != want {
			t.Errorf("%q: %s %v", in, got, err)
		}
	}
	for _, in := range []string{":1", "orders:", "orders:a", "orders:-1", "orders:3-1", "orders:1,,2"} {
		if _, _, err := ParseTopicSpec(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if _, err := ParseScope([]string{"a", "a"}, false, false); err == nil {
		t.Error("a topic named twice was accepted")
	}
	if s, err := ParseScope([]string{"a:1", "a:0"}, false, false); err != nil || fmt.Sprint(s.Topics["a"]) != "[0 1]" {
		t.Errorf("partitions of one topic given twice should merge: %v %v", s.Topics, err)
	}
}

func FuzzParseDatetime(f *testing.F) {
	for _, s := range []string{"2026-11-21T09:30:00.000", "2026-11-21T09:30:00.000+02:00", "1795253400", "1795253400123", "x",
		"1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000+01:00", "-1", "0000-01-01T00:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDatetime(s)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("%q parsed to a non-UTC time %v", s, got)
		}
		// Never a time ListOffsets would read as a sentinel (-1 latest,
		// -2 earliest) or one past what a record can carry.
		if got.UnixMilli() < 0 || got.Year() > 9999 {
			t.Fatalf("%q parsed to %v, outside [1970, 9999]", s, got)
		}
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT1H30M", "P1DT2H", "90m", "PT0.5S", "P99999999999D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err == nil && d <= 0 {
			t.Fatalf("%q parsed to a non-positive duration %v", s, d)
		}
		// What is accepted either lands at or after the epoch, or the
		// command refuses it (CheckTargetTime) — never a negative time.
		if err == nil {
			at := now.Add(-d)
			if CheckTargetTime("--by-duration", at) == nil && at.UnixMilli() < 0 {
				t.Fatalf("%q: %v before the epoch passed the check", s, at)
			}
		}
	})
}

// FuzzTopicSpec: accepted specs have a name and sorted, unique, non-negative
// partitions.
func FuzzTopicSpec(f *testing.F) {
	for _, s := range []string{"orders", "orders:1,2", "o:0-3,7", "o:", ":1", "o:3-1", "o:1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		topic, ps, err := ParseTopicSpec(spec)
		if err != nil {
			return
		}
		if topic == "" {
			t.Fatalf("%q: empty topic accepted", spec)
		}
		for i, p := range ps {
			if p < 0 || (i > 0 && ps[i-1] >= p) {
				t.Fatalf("%q: partitions %v", spec, ps)
			}
		}
	})
}
