package cmd

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kgroups/kgroups/internal/lab"
)

const adminPW, viewerPW = "admin-pw-1", "viewer-pw-2"

// aclLab: SASL + ACLs. "viewer" may describe group svc and every topic, and
// nothing else: no READ (commit) or DELETE on svc, nothing on group secret.
func aclLab(t *testing.T) (env map[string]string, committed func(group string) string) {
	t.Helper()
	viewerACLs := []kfake.ACL{
		{Resource: kmsg.ACLResourceTypeGroup, Name: "svc", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationDescribe, Allow: true},
		{Resource: kmsg.ACLResourceTypeTopic, Name: "*", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationDescribe, Allow: true},
	}
	c, err := lab.NewFake(kfake.EnableSASL(), kfake.EnableACLs(), kfake.Superuser("SCRAM-SHA-256", "admin", adminPW),
		kfake.User("SCRAM-SHA-256", "viewer", viewerPW, viewerACLs...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	admin, err := lab.Client(c.ListenAddrs(), kgo.SASL(scram.Auth{User: "admin", Pass: adminPW}.AsSha256Mechanism()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	adm := kadm.NewClient(admin)
	if err := lab.CreateTopic(ctx, adm, "orders", 2, nil); err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < 2; p++ {
		if err := lab.Produce(ctx, admin, "orders", p, 10, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []string{"svc", "secret"} {
		if err := lab.Commit(ctx, adm, g, map[string]map[int32]int64{"orders": {0: 3, 1: 4}}); err != nil {
			t.Fatal(err)
		}
	}
	env = map[string]string{"KGROUPS_BROKERS": strings.Join(c.ListenAddrs(), ","), "KGROUPS_SASL_MECHANISM": "SCRAM-SHA-256",
		"KGROUPS_SASL_USER": "viewer", "KGROUPS_SASL_PASSWORD": viewerPW}
	committed = func(group string) string {
		resp, err := adm.FetchOffsets(ctx, group)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(resp["orders"][0].At, resp["orders"][1].At)
	}
	return env, committed
}

func TestAuthorization(t *testing.T) {
	env, committed := aclLab(t)

	code, out, stderr := run(t, env, "describe", "svc")
	if code != 0 || !strings.Contains(out, "GROUP svc") {
		t.Fatalf("viewer describes svc: exit %d\n%s\n%s", code, out, stderr)
	}
	code, _, stderr = run(t, env, "reset-offsets", "svc", "--all-topics", "--to-earliest", "--execute", "--undo-file", t.TempDir()+"/u.json")
	if code != ExitError || !strings.Contains(stderr, "not authorized to commit offsets for group svc") || !strings.Contains(stderr, "nothing was written") {
		t.Fatalf("reset by viewer: exit %d %q", code, stderr)
	}
	if got := committed("svc"); got != "3 4" {
		t.Fatalf("offsets changed: %s", got)
	}
	code, _, stderr = run(t, env, "delete", "svc", "--execute")
	if code != ExitError || !strings.Contains(stderr, "not authorized to delete svc") {
		t.Fatalf("delete by viewer: exit %d %q", code, stderr)
	}
	if got := committed("svc"); got != "3 4" {
		t.Fatalf("group deleted: %s", got)
	}
	// A group the viewer may not describe: not listed, no offsets shown.
	code, out, _ = run(t, env, "list")
	if code != 0 || !strings.Contains(out, "svc") || strings.Contains(out, "secret") {
		t.Fatalf("list by viewer: exit %d\n%s", code, out)
	}
	code, out, stderr = run(t, env, "describe", "secret", "-o", "json")
	if code != ExitError || !strings.Contains(stderr, "not authorized to describe group secret") || strings.Contains(out, `"committed_offset":3`) {
		t.Fatalf("describe secret: exit %d\n%s\n%s", code, out, stderr)
	}
	// Completion shows what the viewer may see and never prints an error.
	code, out, stderr = run(t, env, "__complete", "describe", "")
	if code != 0 || !strings.Contains(out, "svc") || strings.Contains(out, "secret") || strings.Contains(out+stderr, "kgroups:") {
		t.Fatalf("completion: exit %d\n%s\n%s", code, out, stderr)
	}
	bad := map[string]string{}
	for k, v := range env {
		bad[k] = v
	}
	bad["KGROUPS_SASL_PASSWORD"] = "wrong"
	code, out, stderr = run(t, bad, "__complete", "describe", "")
	if code != 0 || strings.Contains(out+stderr, "authentication") || !strings.HasSuffix(strings.TrimSpace(out), ":1") {
		t.Fatalf("completion with a bad password: exit %d %q %q", code, out, stderr)
	}
}
