package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/internal/errs"
)

// TestExitCodeClasses: each exit-code class from a real trigger, through
// the real command line.
func TestExitCodeClasses(t *testing.T) {
	t.Parallel()
	l, env := resetLab(t)
	l.Topic("flaky", 2, 10)
	l.Commit("flaky-reader", map[string]map[int32]int64{"flaky": {0: 1, 1: 1}})
	l.Cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: "flaky", Partitions: []int32{1}, Err: kerr.UnknownServerError, Count: -1})
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/slow.properties", []byte("max.poll.records=500\nmax.poll.interval.ms=300000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
		says string
	}{
		{"success", []string{"list"}, env, ExitOK, ""},
		{"runtime: nothing listens there", []string{"list", "-b", "127.0.0.1:1", "--timeout", "2s"}, map[string]string{}, ExitError, "cannot reach 127.0.0.1:1"},
		{"input: a flag", []string{"list", "-o", "xml"}, env, ExitUsage, `-o "xml" is not a format`},
		{"input: cobra's own", []string{"describe", "--no-such-flag"}, env, ExitUsage, "unknown flag: --no-such-flag"},
		{"refused: a group with members", []string{"reset-offsets", "live", "--all-topics", "--to-earliest", "--execute", "--undo-file", dir + "/u1.json"}, env, ExitUsage, "refusing to change offsets of a group with members"},
		{"partial: one partition unreadable", []string{"describe", "flaky-reader"}, env, ExitPartial, "could not be read"},
		{"check: a finding at --fail-on", []string{"explain", "--config", dir + "/slow.properties", "--record-latency", "2s", "--fail-on", "error"}, map[string]string{}, ExitCheck, ""},
	}
	for _, c := range cases {
		code, _, stderr := run(t, c.env, c.args...)
		if code != c.code || !strings.Contains(stderr, c.says) {
			t.Errorf("%s: %v: exit %d (want %d), stderr %q (want %q)", c.name, c.args, code, c.code, stderr, c.says)
		}
	}
}

// TestExitCodeFromTypeNotText: the mapper reads the error's type only. An
// OS error that says "invalid argument" (what dialing [fe80::1]:9092
// without a zone returns) is a failure to reach the cluster, exit 1, not
// bad input; a typed input error is 2 whatever it says.
func TestExitCodeFromTypeNotText(t *testing.T) {
	t.Parallel()
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.EINVAL)}
	cfg := cluster.Config{Brokers: []string{"[fe80::1]:9092"}}
	cases := []struct {
		err  error
		code int
	}{
		{cluster.Explain(dial, cfg), ExitError},
		{fmt.Errorf("unknown flag: invalid argument, required flag, accepts 1 arg(s)"), ExitError},
		{errs.Inputf("anything at all"), ExitUsage},
		{fmt.Errorf("wrapped: %w", errs.Refusedf("members")), ExitUsage},
		{errs.Partialf("nothing was changed"), ExitPartial},
		{&SilentExit{Code: ExitCheck}, ExitCheck},
		{errors.New("nothing was changed"), ExitError},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		if got := handleError(c.err, &buf); got != c.code {
			t.Errorf("%T %q: exit %d, want %d", c.err, c.err, got, c.code)
		}
	}
	if msg := cluster.Explain(dial, cfg).Error(); !strings.Contains(msg, "cannot reach [fe80::1]:9092") {
		t.Errorf("dial error worded %q", msg)
	}
}
