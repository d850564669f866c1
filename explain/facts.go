package explain

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/errs"
	"github.com/kgroups/kgroups/internal/numfmt"
)

// Setting is one key=value the user gave, with where it came from.
type Setting struct {
	Key    string // as written
	Value  string
	Source string // "consumer.properties:4" or "--set"
}

// Workload describes what the consumers do; zero means unknown.
type Workload struct {
	RecordLatency  time.Duration // per-record processing time (e.g. p99)
	Consumers      int
	Partitions     int
	PartitionsFrom string  // "--partitions" or "topic orders (cluster)"
	ProduceRate    float64 // records per second into the topic
	RollingDeploys bool    // instances restart one at a time
	RestartTime    time.Duration
}

// BrokerLimits are the broker's allowed session timeouts.
type BrokerLimits struct {
	MinSession, MaxSession time.Duration
	Source                 string // "cluster" or "Kafka defaults"
}

// DefaultBrokerLimits are Kafka's defaults for group.min/max.session.timeout.ms.
var DefaultBrokerLimits = BrokerLimits{MinSession: 6 * time.Second, MaxSession: 30 * time.Minute, Source: "Kafka defaults"}

// Live is what the cluster showed of a group, sampled twice.
type Live struct {
	First, Second describe.GroupView
	Interval      time.Duration
}

// Input is everything explain reasons about.
type Input struct {
	Client   string
	Settings []Setting
	Workload Workload
	Broker   BrokerLimits
	Live     *Live
}

// InputError is bad user input (exit 2): kgroups' one input-error type.
type InputError = errs.InputError

// config is the effective configuration: client defaults overlaid by the
// user's settings, by canonical key.
type config struct {
	client string
	values map[string]string
	set    map[string]Setting // explicitly set keys
}

func newConfig(in Input) (*config, []Setting) {
	c := &config{client: in.Client, values: map[string]string{}, set: map[string]Setting{}}
	for name, k := range Keys {
		if d := k.Defaults[in.Client]; d != "" && !strings.HasPrefix(d, "(") {
			c.values[name] = d
		}
	}
	var unknown []Setting
	for _, s := range in.Settings {
		key := Canonical(s.Key)
		k, ok := knownTo(in.Client, s.Key)
		if !ok {
			unknown = append(unknown, s)
			continue
		}
		if k.Producer { // librdkafka ignores it on a consumer (a note says so)
			continue
		}
		c.values[key] = strings.TrimSpace(s.Value)
		c.set[key] = s
	}
	return c, unknown
}

// validate checks every explicitly set value of a numeric or boolean key,
// whether or not a rule reads it: a typo is an input error even when the
// workload flags that would use the value are absent.
func (c *config) validate() error {
	for _, key := range slices.Sorted(maps.Keys(c.set)) {
		var err error
		switch {
		case strings.HasSuffix(key, ".ms"):
			_, _, err = c.ms(key)
		case key == "max.poll.records" || strings.HasSuffix(key, ".bytes"):
			_, _, err = c.int(key)
		case strings.HasPrefix(key, "enable."):
			_, err = c.bool(key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *config) isSet(key string) bool { _, ok := c.set[key]; return ok }

func (c *config) str(key string) string { return c.values[key] }

// name is the client's own name for a catalogue key (librdkafka's
// fetch.wait.max.ms for fetch.max.wait.ms), for messages and fixes.
func (c *config) name(key string) string {
	if c.client == Librdkafka {
		if n := nativeName(Librdkafka, key); n != "" {
			return n
		}
	}
	return key
}

// where names a value's origin for messages: "(--set)" or "(default)".
func (c *config) where(key string) string {
	if s, ok := c.set[key]; ok {
		return s.Source
	}
	return c.client + " default"
}

func (c *config) ms(key string) (time.Duration, bool, error) {
	v, ok := c.values[key]
	if !ok || v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, &InputError{Msg: fmt.Sprintf("%s: %s=%q is not a whole number of milliseconds", c.where(key), key, v)}
	}
	return time.Duration(n) * time.Millisecond, true, nil
}

func (c *config) int(key string) (int64, bool, error) {
	v, ok := c.values[key]
	if !ok || v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, false, &InputError{Msg: fmt.Sprintf("%s: %s=%q is not a positive whole number", c.where(key), key, v)}
	}
	return n, true, nil
}

func (c *config) bool(key string) (bool, error) {
	switch strings.ToLower(c.values[key]) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, &InputError{Msg: fmt.Sprintf("%s: %s=%q is not true or false", c.where(key), key, c.values[key])}
}

// assignors returns the normalised assignor names in preference order.
func (c *config) assignors() []string {
	var out []string
	for _, a := range strings.Split(c.values["partition.assignment.strategy"], ",") {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		if i := strings.LastIndex(a, "."); i >= 0 { // Java class names
			a = a[i+1:]
		}
		switch a {
		case "rangeassignor", "rangepartitionassignor":
			a = "range"
		case "roundrobinassignor", "roundrobinpartitionassignor":
			a = "roundrobin"
		case "stickyassignor", "stickypartitionassignor":
			a = "sticky"
		case "cooperativestickyassignor":
			a = "cooperative-sticky"
		}
		out = append(out, a)
	}
	return out
}

// consumerProtocol reports group.protocol=consumer (KIP-848).
func (c *config) consumerProtocol() bool {
	return strings.EqualFold(c.values["group.protocol"], "consumer")
}

// fmtDur prints a duration the way people say it: 300 s, 1 min 30 s, 45 ms.
func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "0 s"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d%time.Second == 0:
		return fmt.Sprintf("%d s", int64(d/time.Second))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// fmtNum prints 1234567.5 as "1,234,567.5" and whole numbers without decimals.
func fmtNum(v float64) string {
	whole := int64(v)
	out := numfmt.Thousands(whole)
	if frac := v - float64(whole); frac > 0.05 || frac < -0.05 {
		return out + strings.TrimPrefix(strconv.FormatFloat(frac, 'f', 1, 64), "0")
	}
	return out
}
