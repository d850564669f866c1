// Package resetoffsets plans and applies committed-offset changes: resets
// (Plan, pure; Apply, guarded), group deletion and offset deletion. Plans
// are shown before anything is written and can be saved, reviewed and
// applied later with a guard against offsets that moved meanwhile.
package resetoffsets

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kgroups/kgroups/internal/errs"
)

// Kind is the kind of reset target; exactly one is given.
type Kind string

// Target kinds, named after their flags.
const (
	ToEarliest Kind = "to-earliest"
	ToLatest   Kind = "to-latest"
	ToCurrent  Kind = "to-current"
	ToOffset   Kind = "to-offset"
	ShiftBy    Kind = "shift-by"
	ToDatetime Kind = "to-datetime"
	ByDuration Kind = "by-duration"
	FromFile   Kind = "from-file"
	ToGroup    Kind = "to-group"
)

// Target is where offsets go.
type Target struct {
	Kind   Kind
	Offset int64         // ToOffset
	Shift  int64         // ShiftBy
	Time   time.Time     // ToDatetime, and ByDuration once resolved (now - Ago)
	Ago    time.Duration // ByDuration
	File   *PlanFile     // FromFile
	Group  string        // ToGroup
	Raw    string        // the flag value as given, for messages
}

// String is the flag form of the target, e.g. "--shift-by -5".
func (t Target) String() string {
	switch t.Kind {
	case ToEarliest, ToLatest, ToCurrent:
		return "--" + string(t.Kind)
	}
	return "--" + string(t.Kind) + " " + t.Raw
}

// InputError is bad user input (exit 2): kgroups' one input-error type.
type InputError = errs.InputError

// RefusedError is a safety check that refused (a group with members, a
// file that must not be overwritten): exit 2, nothing changed.
type RefusedError = errs.RefusedError

func refusedf(format string, args ...any) error { return errs.Refusedf(format, args...) }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

var (
	akDatetime = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)?$`)
	allDigits  = regexp.MustCompile(`^\d+$`)
)

// ParseDatetime accepts Kafka's --to-datetime format
// yyyy-MM-ddTHH:mm:ss.SSS with an optional zone (Z, ±hh, ±hhmm, ±hh:mm),
// RFC 3339, or a unix timestamp in seconds (up to 10 digits) or
// milliseconds (13 digits). A value without a zone is UTC, as in Kafka.
func ParseDatetime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") && allDigits.MatchString(s[1:]) {
		return time.Time{}, fmt.Errorf("--to-datetime %s: a negative unix timestamp is before 1970; Kafka keeps no record that old (and -1, -2 are its 'latest'/'earliest' sentinels: use --to-latest or --to-earliest)", s)
	}
	if allDigits.MatchString(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil:
		case len(s) <= 10:
			return time.Unix(n, 0).UTC(), nil
		case len(s) == 13:
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Time{}, fmt.Errorf("--to-datetime %s: a unix timestamp must have up to 10 digits (seconds) or 13 (milliseconds)", s)
	}
	m := akDatetime.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("--to-datetime %q: use yyyy-MM-ddTHH:mm:ss[.SSS][zone] (e.g. 2026-11-21T09:30:00.000Z; no zone means UTC), RFC 3339, or unix seconds/milliseconds", s)
	}
	frac := m[3]
	if frac == "" {
		frac = ".0"
	}
	zone := m[4]
	switch {
	case zone == "":
		zone = "Z"
	case zone != "Z" && len(zone) == 3: // ±hh
		zone += ":00"
	case zone != "Z" && len(zone) == 5: // ±hhmm
		zone = zone[:3] + ":" + zone[3:]
	}
	t, err := time.Parse(time.RFC3339Nano, m[1]+"T"+m[2]+frac+zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("--to-datetime %q: %v", s, cleanTimeErr(err))
	}
	if err := CheckTargetTime("--to-datetime "+s, t); err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// CheckTargetTime refuses a target time Kafka cannot search: before the
// Unix epoch (ListOffsets would read a negative millisecond as its
// "latest" or "earliest" sentinel and plan the log end or start without a
// word) or after year 9999.
func CheckTargetTime(what string, t time.Time) error {
	switch {
	case t.UnixMilli() < 0:
		return fmt.Errorf("%s: %s is before 1970-01-01T00:00:00Z; Kafka keeps no record that old (use --to-earliest for the log start)", what, t.UTC().Format(time.RFC3339Nano))
	case t.UTC().Year() > 9999:
		return fmt.Errorf("%s: a time after the year 9999 is not a record time", what)
	}
	return nil
}

func cleanTimeErr(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,9})?)S)?)?$`)

// ParseDuration accepts Kafka's --by-duration form, ISO-8601 PnDTnHnMnS
// (days, hours, minutes, seconds; as java.time.Duration), or a Go duration
// such as 90m or 1h30m. It must be positive: the target is that long ago.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("--by-duration is empty: use e.g. PT1H30M or 90m")
	}
	upper := strings.ToUpper(s)
	if strings.HasPrefix(upper, "P") || strings.HasPrefix(upper, "-P") || strings.HasPrefix(upper, "+P") {
		m := isoDuration.FindStringSubmatch(upper)
		if m == nil || upper == "P" || strings.HasSuffix(upper, "T") {
			return 0, fmt.Errorf("--by-duration %q: use ISO-8601 PnDTnHnMnS with days, hours, minutes and seconds only (e.g. P1DT2H, PT30M); years, months and weeks are not durations", s)
		}
		var d time.Duration
		for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
			if m[i+1] != "" {
				n, err := strconv.ParseInt(m[i+1], 10, 64)
				if err != nil || n > int64(1<<62)/int64(unit) {
					return 0, fmt.Errorf("--by-duration %q: too large", s)
				}
				d += time.Duration(n) * unit
			}
		}
		if m[4] != "" {
			f, err := strconv.ParseFloat(m[4], 64)
			if err != nil || f > 1e9 {
				return 0, fmt.Errorf("--by-duration %q: too large", s)
			}
			d += time.Duration(f * float64(time.Second))
		}
		if d <= 0 {
			return 0, fmt.Errorf("--by-duration %q must be longer than zero", s)
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("--by-duration %q: use ISO-8601 (PT1H30M) or a Go duration (90m, 1h30m)", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("--by-duration %q must be longer than zero (the target is that long ago)", s)
	}
	return d, nil
}

// Scope says which partitions of a group a reset touches.
type Scope struct {
	Topics             map[string][]int32 // --topic t or t:0,1 (nil slice: every partition)
	TopicOrder         []string
	AllTopics          bool // every topic the group has committed
	AllowNewPartitions bool // also partitions the group never committed
}

var legalTopic = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,249}$`)

// checkTopic applies Kafka's topic name rule: 1 to 249 ASCII letters,
// digits, '.', '_' or '-' (and not "." or "..").
func checkTopic(name string) error {
	if !legalTopic.MatchString(name) || name == "." || name == ".." {
		return fmt.Errorf("%q is not a Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)", name)
	}
	return nil
}

// ParseTopicSpec parses "t" or "t:0,1,3-5".
func ParseTopicSpec(spec string) (string, []int32, error) {
	topic, parts, hasParts := strings.Cut(spec, ":")
	topic = strings.TrimSpace(topic)
	if topic == "" {
		return "", nil, fmt.Errorf("--topic %q: empty topic name (use --topic TOPIC or --topic TOPIC:0,1,2)", spec)
	}
	if err := checkTopic(topic); err != nil {
		return "", nil, fmt.Errorf("--topic %q: %v", spec, err)
	}
	if !hasParts {
		return topic, nil, nil
	}
	if strings.TrimSpace(parts) == "" {
		return "", nil, fmt.Errorf("--topic %q: no partitions after ':' (use TOPIC:0,1,2 or TOPIC:0-5)", spec)
	}
	seen := map[int32]bool{}
	var out []int32
	for _, f := range strings.Split(parts, ",") {
		f = strings.TrimSpace(f)
		lo, hi, isRange := strings.Cut(f, "-")
		a, err1 := strconv.ParseInt(lo, 10, 32)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.ParseInt(hi, 10, 32)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return "", nil, fmt.Errorf("--topic %q: %q is not a partition number or range (use TOPIC:0,1,2 or TOPIC:0-5)", spec, f)
		}
		if b-a > 100000 {
			return "", nil, fmt.Errorf("--topic %q: range %q is too large", spec, f)
		}
		for p := a; p <= b; p++ {
			if !seen[int32(p)] {
				seen[int32(p)] = true
				out = append(out, int32(p))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return topic, out, nil
}

// ParseScope builds a Scope from repeated --topic values.
func ParseScope(topics []string, allTopics, allowNew bool) (Scope, error) {
	s := Scope{Topics: map[string][]int32{}, AllTopics: allTopics, AllowNewPartitions: allowNew}
	if allTopics && len(topics) > 0 {
		return s, inputErrorf("--all-topics and --topic exclude each other")
	}
	for _, spec := range topics {
		t, ps, err := ParseTopicSpec(spec)
		if err != nil {
			return s, &InputError{Msg: err.Error()}
		}
		if prev, dup := s.Topics[t]; dup {
			if prev == nil || ps == nil {
				return s, inputErrorf("--topic %s is given twice", t)
			}
			ps = mergeParts(prev, ps)
		} else {
			s.TopicOrder = append(s.TopicOrder, t)
		}
		s.Topics[t] = ps
	}
	return s, nil
}

func mergeParts(a, b []int32) []int32 {
	seen := map[int32]bool{}
	var out []int32
	for _, p := range append(append([]int32{}, a...), b...) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
