package cmd

import (
	"regexp"
	"strings"
	"testing"
)

// TestDemoTellsTheSandboxStory runs README's main command in-process and
// checks that each seeded situation is visible in the tour.
// The user's config file (here a broken one, with a context selected) is
// not the tour's.
func TestDemoTellsTheSandboxStory(t *testing.T) {
	broken := writeContexts(t, "contexts:\n  prod:\n    brokrs: [10.0.0.1:9092]\n")
	code, out, stderr := run(t, map[string]string{"KGROUPS_CONFIG": broken, "KGROUPS_CONTEXT": "prod"}, "demo")
	if code != 0 {
		t.Fatalf("demo exit %d\n%s", code, stderr)
	}
	for _, step := range tour {
		if !strings.Contains(out, "$ kgroups "+strings.Join(step.args, " ")+"\n") {
			t.Errorf("tour step %v not printed", step.args)
		}
	}
	checks := []struct{ what, re string }{
		{"six groups listed", `(?m)^reporting-batch +Empty +classic`},
		{"hot partition carries the lag", `(?m)^orders +2 +\d+ +\d+ +[1-9]\d{2,}`},
		{"cold partitions caught up or nearly", `(?m)^orders +0 +\d+ +\d+ +\d{1,2} `},
		{"two idle members", `2 idle members`},
		{"commits below log start flagged", `! audit-log/0: committed offset 100 is below the log start 400: 300 records were deleted`},
		{"KIP-848 group described", `(?m)^GROUP clickstream-etl · Stable · consumer/`},
		{"cooperative-sticky members", `classic/cooperative-sticky · 2 members`},
		{"json document", `"schema_version": ?1`},
		{"share groups listed with members", `(?m)^jobs-workers +Stable +share +simple +2 +[1-9]`},
		{"share group described", `(?m)^GROUP jobs-workers · Stable · share/simple · 2 members · lag [1-9]`},
		{"share table", `(?m)^TOPIC +PARTITION +START-OFFSET +LAG +CONSUMER-ID$`},
		{"share status", `(?m)^jobs-workers +ERR +\d+ +jobs/\d STALL: stuck`},
		{"empty share group with lag", `(?m)^jobs-replay +ERR +\d+ +jobs/\d STOP: no members`},
		{"status judges the stopped group", `(?m)^audit-archiver +ERR +1750 +audit-log/0 STOP: commits stopped`},
		{"explain live doctor finds the hot partition", `\[hot-partition\]`},
		{"the reset plan names the sandbox by an id of its own", `(?m)^CLUSTER [A-Za-z0-9_-]{22} · 127\.0\.0\.1:\d+`},
		{"reset plan explains clamping", `(?m)^audit-archiver +audit-log +0 +100 +400 +400 +1000 +clamped up to log start 400 \(100 was deleted\)$`},
	}
	for _, c := range checks {
		if !regexp.MustCompile(c.re).MatchString(out) {
			t.Errorf("%s: no match for %s", c.what, c.re)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}
