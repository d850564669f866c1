package serve

import (
	"slices"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
)

// Metric names follow Prometheus' conventions: base units, _seconds for
// time, _total only on counters; labels are group, topic, partition and
// member (with its client id) only. A value kgroups does not know is an
// absent series, never 0. docs/metrics.md lists them.
func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("kgroups_"+name, help, labels, nil)
}

var (
	gtp = []string{"group", "topic", "partition"}

	mCommitted = desc("partition_committed_offset", "Committed offset of the group on the partition (absent: never committed).", gtp...)
	mLag       = desc("partition_lag", "Log end offset minus committed offset (absent when unknown; for share groups the broker's share lag).", gtp...)
	mTimeLag   = desc("partition_time_lag_seconds", "How far behind in time the committed offset is, with the estimation method.", append(gtp, "method")...)
	mPStatus   = desc("partition_status", "Burrow status of the partition over the window (state set: 1 for the current status).", append(gtp, "status")...)
	mLogEnd    = desc("partition_log_end_offset", "Log end offset (high watermark) of the partition.", "topic", "partition")
	mLogStart  = desc("partition_log_start_offset", "Log start offset of the partition.", "topic", "partition")

	mGLag      = desc("group_lag", "Total lag of the group (absent when no partition has a known lag).", "group")
	mGMaxLag   = desc("group_max_lag", "Largest partition lag of the group (absent when unknown).", "group")
	mGMembers  = desc("group_members", "Members of the group.", "group")
	mGState    = desc("group_state", "Group state (state set: 1 for the current state).", "group", "state")
	mGInfo     = desc("group_info", "The group's type (classic, consumer, share, ...) and protocol; always 1.", "group", "type", "protocol")
	mGStatus   = desc("group_status", "Burrow status of the group over the window (state set; the reason is on /status).", "group", "status")
	mGConsume  = desc("group_consumed_records_per_second", "Records committed per second over the last interval.", "group")
	mGProduce  = desc("group_produced_records_per_second", "Records written per second to the group's partitions over the last interval.", "group")
	mGCatchUp  = desc("group_catch_up_seconds", "Time to catch up at the current rates (absent when not catching up).", "group")
	mMLag      = desc("member_lag", "Lag over the member's partitions (absent when unknown).", "group", "member", "client_id")
	mMParts    = desc("member_partitions", "Partitions assigned to the member.", "group", "member", "client_id")
	mDuration  = desc("exporter_sample_duration_seconds", "How long the last sample took.")
	mErrors    = desc("exporter_sample_errors_total", "Samples that failed since the exporter started.")
	mLastOK    = desc("exporter_last_success_timestamp_seconds", "Unix time of the last good sample.")
	mAge       = desc("exporter_last_sample_age_seconds", "Age of the last good sample at scrape time.")
	mGroups    = desc("exporter_groups", "Groups in the last good sample.")
	mParts     = desc("exporter_partitions", "Group partitions in the last good sample.")
	mWindow    = desc("exporter_window_samples", "Samples in the verdict window.")
	mSeries    = desc("exporter_series", "Series exposed for the last good sample (the --max-series guard counts these).")
	mDropped   = desc("exporter_partition_series_dropped", "1 when --max-series dropped the per-partition series.")
	partitionS = []string{"OK", "WARN", "STOP", "STALL", "REWIND", "NOTFOUND", "UNKNOWN"}
	groupS     = []string{"OK", "WARN", "ERR", "NOTFOUND", "UNKNOWN"}
	groupSt    = []string{"Stable", "Empty", "PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling", "Dead", "Unknown"}
)

// sink receives one gauge (or counter) value.
type sink func(d *prometheus.Desc, counter bool, v float64, labels ...string)

// emitState writes every series of a state to out.
func emitState(st *State, out sink) {
	byGroup := map[string]health.GroupStatus{}
	if st.Status != nil {
		for _, g := range st.Status.Groups {
			byGroup[g.Group] = g
		}
	}
	trend := map[string]health.Trend{}
	if st.Watch != nil {
		for _, g := range st.Watch.Groups {
			trend[g.Group] = g.Trend
		}
	}
	seenTP := map[describe.TP]bool{}
	for _, g := range st.Views {
		gs, judged := byGroup[g.Group]
		if !st.DropPartition {
			pstatus := map[describe.TP]string{}
			for _, p := range gs.Partitions {
				pstatus[describe.TP{Topic: p.Topic, Partition: p.Partition}] = p.Status
			}
			for _, p := range g.Partitions {
				part := strconv.Itoa(int(p.Partition))
				tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
				gauge(out, mCommitted, p.CommittedOffset, g.Group, p.Topic, part)
				gauge(out, mLag, p.Lag, g.Group, p.Topic, part)
				if p.TimeLagSeconds != nil && p.TimeLagMethod != nil {
					out(mTimeLag, false, *p.TimeLagSeconds, g.Group, p.Topic, part, *p.TimeLagMethod)
				}
				if s, ok := pstatus[tp]; ok {
					stateSet(out, mPStatus, partitionS, s, g.Group, p.Topic, part)
				}
				if !seenTP[tp] {
					seenTP[tp] = true
					gauge(out, mLogEnd, p.LogEndOffset, p.Topic, part)
					gauge(out, mLogStart, p.LogStartOffset, p.Topic, part)
				}
			}
		}
		gauge(out, mGLag, g.TotalLag, g.Group)
		var maxLag *int64
		for _, p := range g.Partitions {
			if p.Lag != nil && (maxLag == nil || *p.Lag > *maxLag) {
				maxLag = p.Lag
			}
		}
		gauge(out, mGMaxLag, maxLag, g.Group)
		if g.State != nil && (g.Type == nil || describe.Readable(*g.Type)) {
			out(mGMembers, false, float64(len(g.Members)), g.Group)
			stateSet(out, mGState, groupSt, *g.State, g.Group)
		}
		out(mGInfo, false, 1, g.Group, deref(g.Type), deref(g.Protocol))
		if judged {
			stateSet(out, mGStatus, groupS, gs.Status, g.Group)
		}
		if t, ok := trend[g.Group]; ok {
			gaugeF(out, mGConsume, t.ConsumeRate, g.Group)
			gaugeF(out, mGProduce, t.ProduceRate, g.Group)
			gaugeF(out, mGCatchUp, t.ETASeconds, g.Group)
		}
		for _, m := range g.Members {
			gauge(out, mMLag, m.Lag, g.Group, m.MemberID, m.ClientID)
			out(mMParts, false, float64(m.Partitions), g.Group, m.MemberID, m.ClientID)
		}
	}
}

func gauge(out sink, d *prometheus.Desc, v *int64, labels ...string) {
	if v != nil {
		out(d, false, float64(*v), labels...)
	}
}

func gaugeF(out sink, d *prometheus.Desc, v *float64, labels ...string) {
	if v != nil {
		out(d, false, *v, labels...)
	}
}

// stateSet writes one series per known state, 1 for the current one (and
// the current one too when it is not in the known list).
func stateSet(out sink, d *prometheus.Desc, known []string, cur string, labels ...string) {
	for _, s := range known {
		v := 0.0
		if s == cur {
			v = 1
		}
		out(d, false, v, append(slices.Clone(labels), s)...)
	}
	if !slices.Contains(known, cur) {
		out(d, false, 1, append(slices.Clone(labels), cur)...)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// limitSeries counts the state's series and, beyond max (0: no limit),
// drops the per-partition ones.
func limitSeries(st *State, max int) {
	count := func() int {
		n := 0
		emitState(st, func(*prometheus.Desc, bool, float64, ...string) { n++ })
		return n + 10 // the exporter's own
	}
	st.Series = count()
	st.Wanted = st.Series
	if max > 0 && st.Series > max {
		st.DropPartition = true
		st.Series = count()
	}
}

// collector is the Prometheus view of the exporter's last state.
type collector struct{ e *Exporter }

// Describe sends nothing: the series vary with the cluster (an unchecked
// collector).
func (collector) Describe(chan<- *prometheus.Desc) {}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	h := c.e.Health()
	c.e.mu.Lock()
	d, errs := c.e.lastD, c.e.errors
	c.e.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(mErrors, prometheus.CounterValue, errs)
	ch <- prometheus.MustNewConstMetric(mDuration, prometheus.GaugeValue, d.Seconds())
	st := c.e.state.Load()
	if st == nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(mLastOK, prometheus.GaugeValue, float64(st.Time.UnixMilli())/1000)
	if h.LastSampleAgeSeconds != nil {
		ch <- prometheus.MustNewConstMetric(mAge, prometheus.GaugeValue, *h.LastSampleAgeSeconds)
	}
	parts := 0
	for _, g := range st.Views {
		parts += len(g.Partitions)
	}
	ch <- prometheus.MustNewConstMetric(mGroups, prometheus.GaugeValue, float64(len(st.Views)))
	ch <- prometheus.MustNewConstMetric(mParts, prometheus.GaugeValue, float64(parts))
	ch <- prometheus.MustNewConstMetric(mWindow, prometheus.GaugeValue, float64(st.Samples))
	ch <- prometheus.MustNewConstMetric(mSeries, prometheus.GaugeValue, float64(st.Series))
	dropped := 0.0
	if st.DropPartition {
		dropped = 1
	}
	ch <- prometheus.MustNewConstMetric(mDropped, prometheus.GaugeValue, dropped)
	emitState(st, func(d *prometheus.Desc, counter bool, v float64, labels ...string) {
		t := prometheus.GaugeValue
		if counter {
			t = prometheus.CounterValue
		}
		ch <- prometheus.MustNewConstMetric(d, t, v, labels...)
	})
}
