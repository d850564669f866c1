package describe

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
)

func TestGroupErrWording(t *testing.T) {
	readTimeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	cases := []struct {
		action string
		err    error
		want   string
	}{
		{"describe", context.DeadlineExceeded, "describe failed: timed out"},
		{"describe", fmt.Errorf("shard: %w", readTimeout), "describe failed: timed out"},
		{"fetch offsets of", kerr.CoordinatorNotAvailable, "offset fetch failed: COORDINATOR_NOT_AVAILABLE: " + kerr.CoordinatorNotAvailable.Description},
		{"describe", kerr.GroupAuthorizationFailed, "not authorized to describe group g (GROUP_AUTHORIZATION_FAILED: the user needs DESCRIBE on it)"},
	}
	for _, c := range cases {
		if got := groupErr(c.action, "g", c.err); got != c.want {
			t.Errorf("groupErr(%q, %v) = %q, want %q", c.action, c.err, got, c.want)
		}
	}
}
