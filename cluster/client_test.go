package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func TestExplainTimeouts(t *testing.T) {
	cfg := Config{Brokers: []string{"127.0.0.1:1", "127.0.0.1:2"}, Timeout: 2 * time.Second}
	readTimeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	dialTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: os.ErrDeadlineExceeded}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"context deadline", fmt.Errorf("list groups: %w", context.DeadlineExceeded), "no answer from 127.0.0.1:1,127.0.0.1:2 within --timeout 2s"},
		{"read deadline on an open connection", fmt.Errorf("request DeleteGroups has 1 separate shard errors, first: %w", readTimeout), "no answer from 127.0.0.1:1,127.0.0.1:2 within --timeout 2s"},
		{"dial timeout", dialTimeout, "cannot reach 127.0.0.1:1,127.0.0.1:2"},
		{"connection refused", refused, "cannot reach 127.0.0.1:1,127.0.0.1:2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Explain(c.err, cfg)
			var ce *ClusterError
			if !errors.As(got, &ce) {
				t.Fatalf("Explain returned %T, want *ClusterError", got)
			}
			if !strings.Contains(got.Error(), c.want) {
				t.Fatalf("Explain(%v) = %q, want it to contain %q", c.err, got, c.want)
			}
			if !errors.Is(got, c.err) {
				t.Fatalf("Explain dropped the cause: %v", got)
			}
		})
	}
}
