package cmd

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/internal/lab"
)

// writeContexts writes a config file (0600) and returns its path.
func writeContexts(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// namedCluster starts a kfake cluster holding one group named after it.
func namedCluster(t *testing.T, group string, opts []kfake.Opt, clientOpts ...kgo.Opt) string {
	t.Helper()
	c, err := lab.NewFake(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}, clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	adm := kadm.NewClient(cl)
	if err := lab.CreateTopic(ctx, adm, "t", 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := lab.Commit(ctx, adm, group, map[string]map[int32]int64{"t": {0: 0}}); err != nil {
		t.Fatal(err)
	}
	return strings.Join(c.ListenAddrs(), ",")
}

// TestContextPrecedence is the precedence table: flags > environment >
// selected context > defaults, with -X on top, on two kfake clusters that
// each hold one group named after them.
func TestContextPrecedence(t *testing.T) {
	a := namedCluster(t, "on-a", nil)
	b := namedCluster(t, "on-b", nil)
	cfg := writeContexts(t, `current-context: a
contexts:
  a:
    brokers: [`+a+`]
    output: json
  b:
    brokers: [`+b+`]
    timeout: 20s
`)
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		want    string // the group seen
		json    bool
		warning string
	}{
		{name: "current-context", want: "on-a", json: true},
		{name: "KGROUPS_CONTEXT over current-context", env: map[string]string{"KGROUPS_CONTEXT": "b"}, want: "on-b"},
		{name: "--context over KGROUPS_CONTEXT", env: map[string]string{"KGROUPS_CONTEXT": "b"}, args: []string{"--context", "a"}, want: "on-a", json: true},
		{name: "KGROUPS_BROKERS over the context (warned)", env: map[string]string{"KGROUPS_BROKERS": a}, args: []string{"--context", "b"}, want: "on-a",
			warning: `warning: KGROUPS_BROKERS overrides the brokers of context "b"`},
		{name: "KAFKA_BROKERS over the context", env: map[string]string{"KAFKA_BROKERS": b}, want: "on-b", json: true, warning: "KAFKA_BROKERS overrides"},
		{name: "-b over the context", args: []string{"--context", "b", "-b", a}, want: "on-a"},
		{name: "-b over env over context", env: map[string]string{"KGROUPS_BROKERS": a}, args: []string{"-b", b}, want: "on-b", json: true},
		{name: "-X on top of the context", args: []string{"-X", "bootstrap.servers=" + b}, want: "on-b", json: true},
		{name: "-o over the context's output", args: []string{"-o", "table"}, want: "on-a"},
		{name: "no config file: the defaults", env: map[string]string{"KGROUPS_CONFIG": filepath.Join(t.TempDir(), "none.yaml"), "KGROUPS_BROKERS": b}, want: "on-b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"KGROUPS_CONFIG": cfg}
			for k, v := range c.env {
				env[k] = v
			}
			code, out, stderr := run(t, env, append([]string{"list"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			other := map[string]string{"on-a": "on-b", "on-b": "on-a"}[c.want]
			if !strings.Contains(out, c.want) || strings.Contains(out, other) {
				t.Fatalf("want group %s only:\n%s", c.want, out)
			}
			if isJSON := json.Valid([]byte(out)); isJSON != c.json {
				t.Fatalf("JSON output %v, want %v:\n%s", isJSON, c.json, out)
			}
			if c.warning != "" != strings.Contains(stderr, "overrides the brokers") || !strings.Contains(stderr, c.warning) {
				t.Fatalf("stderr %q, want warning %q", stderr, c.warning)
			}
		})
	}
	// No context and no brokers anywhere: the defaults have none (exit 2).
	code, _, stderr := run(t, map[string]string{"KGROUPS_CONFIG": filepath.Join(t.TempDir(), "none.yaml")}, "list")
	if code != ExitUsage || !strings.Contains(stderr, "no brokers given") {
		t.Fatalf("no brokers: exit %d %s", code, stderr)
	}
	// A context that does not exist is bad input, named with the contexts there are.
	code, _, stderr = run(t, map[string]string{"KGROUPS_CONFIG": cfg}, "list", "--context", "c")
	if code != ExitUsage || !strings.Contains(stderr, `--context "c": no such context in `+cfg+"; contexts: a, b") {
		t.Fatalf("unknown context: exit %d %s", code, stderr)
	}
	// A bad output format in the file names its line.
	bad := writeContexts(t, "current-context: a\ncontexts:\n  a:\n    brokers: ["+a+"]\n    output: jsn\n")
	code, _, stderr = run(t, map[string]string{"KGROUPS_CONFIG": bad}, "list")
	if code != ExitUsage || !strings.Contains(stderr, bad+`:5: output "jsn" is not a format`) {
		t.Fatalf("bad output: exit %d %s", code, stderr)
	}
}

// TestContextTimeout: --timeout beats the context's timeout, which beats
// the default; seen in the error from a broker that accepts and never answers.
func TestContextTimeout(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan net.Conn, 64)
	t.Cleanup(func() {
		ln.Close()
		for len(held) > 0 {
			(<-held).Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case held <- c: // held open, never answered
			default:
				c.Close()
			}
		}
	}()
	cfg := writeContexts(t, "current-context: silent\ncontexts:\n  silent:\n    brokers: ["+ln.Addr().String()+"]\n    timeout: 300ms\n")
	env := map[string]string{"KGROUPS_CONFIG": cfg}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"list"}, "within --timeout 300ms"},
		{[]string{"list", "--timeout", "400ms"}, "within --timeout 400ms"},
	} {
		code, _, stderr := run(t, env, c.args...)
		if code != ExitError || !strings.Contains(stderr, c.want) {
			t.Fatalf("%v: exit %d %q, want %q", c.args, code, stderr, c.want)
		}
	}
}

// TestContextsWithSASLUsers: two SASL clusters with different users; the
// context picks the cluster and the credentials (from env and from a file).
func TestContextsWithSASLUsers(t *testing.T) {
	t.Parallel()
	const alicePW, bobPW = "alice-Pa55-word", "bob-Pa55-word"
	a := namedCluster(t, "on-a", []kfake.Opt{kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "alice", alicePW)},
		kgo.SASL(scram.Auth{User: "alice", Pass: alicePW}.AsSha256Mechanism()))
	b := namedCluster(t, "on-b", []kfake.Opt{kfake.EnableSASL(), kfake.Superuser("PLAIN", "bob", bobPW)},
		kgo.SASL(plain.Auth{User: "bob", Pass: bobPW}.AsMechanism()))
	pwFile := filepath.Join(t.TempDir(), "bob.pw")
	os.WriteFile(pwFile, []byte(bobPW+"\n"), 0o600)
	cfg := writeContexts(t, `contexts:
  a:
    brokers: [`+a+`]
    properties:
      security.protocol: SASL_PLAINTEXT
      sasl.mechanism: SCRAM-SHA-256
      sasl.username: alice
      sasl.password: {env: ALICE_PW}
  b:
    brokers: [`+b+`]
    properties:
      security.protocol: SASL_PLAINTEXT
      sasl.mechanism: PLAIN
      sasl.username: bob
      sasl.password: {file: `+pwFile+`}
  b-as-alice:
    brokers: [`+b+`]
    properties: {security.protocol: SASL_PLAINTEXT, sasl.mechanism: PLAIN, sasl.username: alice, sasl.password: {env: ALICE_PW}}
`)
	env := map[string]string{"KGROUPS_CONFIG": cfg, "ALICE_PW": alicePW}
	for name, want := range map[string]string{"a": "on-a", "b": "on-b"} {
		code, out, stderr := run(t, env, "list", "--context", name)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("context %s: exit %d\n%s%s", name, code, out, stderr)
		}
	}
	code, out, stderr := run(t, env, "list", "--context", "b-as-alice", "--timeout", "10s")
	if code != ExitError || !strings.Contains(stderr, `authentication failed as user "alice" with PLAIN`) {
		t.Fatalf("wrong user for the cluster: exit %d %s", code, stderr)
	}
	if strings.Contains(out+stderr, alicePW) {
		t.Fatal("password printed")
	}
}

// TestBrokenConfigFile: a malformed file is one line naming file:line, exit
// 2, for commands that need a cluster; the others never read it.
func TestBrokenConfigFile(t *testing.T) {
	t.Parallel()
	cfg := writeContexts(t, "current-context: a\ncontexts:\n  a:\n    brokers: [127.0.0.1:9092]\n    tiemout: 3s\n")
	env := map[string]string{"KGROUPS_CONFIG": cfg}
	for _, args := range [][]string{{"list"}, {"describe", "g"}, {"reset-offsets", "g", "--all-topics", "--to-earliest"}, {"context", "list"}} {
		code, out, stderr := run(t, env, args...)
		want := "kgroups: " + cfg + `:5: context "a": unknown key "tiemout" (did you mean "timeout"?)`
		if code != ExitUsage || out != "" || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Fatalf("%v: exit %d\nstdout %q\nstderr %q\nwant %q", args, code, out, stderr, want)
		}
	}
	for _, args := range [][]string{
		{"--help"}, {"list", "--help"}, {"completion", "bash"}, {"__complete", "describe", "--output", ""},
		{"assign", "--assignor", "range", "--consumers", "2", "--partitions", "4"},
		{"explain", "--set", "max.poll.records=100"}, {"explain", "max.poll.interval.ms"},
	} {
		if code, out, stderr := run(t, env, args...); code != 0 || out == "" {
			t.Fatalf("%v with a broken config: exit %d %s", args, code, stderr)
		}
	}
}

// TestContextCommands: add, use, list, show, delete, and completion of the
// names (which reads the file and never dials).
func TestContextCommands(t *testing.T) {
	t.Parallel()
	c, kenv := fakeCluster(t)
	var requests atomic.Int64
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) { requests.Add(1); return nil, nil, false })
	cfg := filepath.Join(t.TempDir(), "kgroups", "config.yaml")
	env := map[string]string{"KGROUPS_CONFIG": cfg, "DEV_PW": topSecret}
	props := writeProps(t, "client.id=from-file")

	code, _, stderr := run(t, env, "context", "add", "dev", "-b", kenv["KGROUPS_BROKERS"], "--sasl-mechanism", "PLAIN", "--sasl-user", "ops",
		"--password-env", "DEV_PW", "--timeout", "7s", "-o", "wide")
	if code != 0 || !strings.Contains(stderr, `Added context "dev"`) || !strings.Contains(stderr, "It is the current context") {
		t.Fatalf("add: exit %d %s", code, stderr)
	}
	if st, err := os.Stat(cfg); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new config file: %v %v", st, err)
	}
	code, _, stderr = run(t, env, "context", "add", "prod", "-b", "10.0.0.1:9092", "--command-config", props, "-X", "security.protocol=PLAINTEXT")
	if code != 0 || strings.Contains(stderr, "current context") {
		t.Fatalf("second add: exit %d %s", code, stderr)
	}
	for _, bad := range []struct{ args, want string }{
		{"context add dev -b 10.0.0.1:9092", `context "dev" already exists`},
		{"context add x", "give the brokers"},
		{"context add x -b nohost", `broker "nohost" is not host:port`},
		{"context add x -b h:1 -X sasl.mechansm=PLAIN", `did you mean "sasl.mechanism"`},
		{"context add x -b h:1 --sasl-password p", "does not store --sasl-password"},
		{"context add a,b -b h:1", `context name "a,b" is not valid`},
		{"context add x -b h:1 -X security.protocol=TLS", `security.protocol="TLS" is not valid`},
		{"context add x -b h:1 -X security.protocol=SSL -X ssl.truststore.location=/nonexistent/ca.pem", "ssl.truststore.location=/nonexistent/ca.pem: cannot read"},
		{"context add x -b h:1 --sasl-mechanism GSSAPI", "sasl.mechanism=GSSAPI is not supported yet"},
		{"context use nope", `context use "nope": no such context`},
		{"context delete nope", `no such context`},
	} {
		if code, _, stderr := run(t, env, strings.Fields(bad.args)...); code != ExitUsage || !strings.Contains(stderr, bad.want) {
			t.Fatalf("%s: exit %d %q, want %q", bad.args, code, stderr, bad.want)
		}
	}

	code, out, _ := run(t, env, "context", "list")
	if code != 0 || !strings.Contains(out, "*        dev") || !strings.Contains(out, "7s") || !strings.Contains(out, "prod") {
		t.Fatalf("list:\n%s", out)
	}
	code, out, _ = run(t, env, "context", "show")
	if code != 0 || !strings.Contains(out, "name:            dev") || !strings.Contains(out, "sasl.password={env: DEV_PW}") || !strings.Contains(out, "output:          wide") {
		t.Fatalf("show:\n%s", out)
	}
	// The context works: its SASL settings reach the (plaintext) cluster, so
	// use prod's plain settings on dev's brokers via -X instead.
	code, _, stderr = run(t, env, "list", "-X", "security.protocol=PLAINTEXT")
	if code != 0 || !strings.Contains(stderr, "No groups matched") {
		t.Fatalf("list with the current context: exit %d %s", code, stderr)
	}

	code, _, stderr = run(t, env, "context", "use", "prod")
	if code != 0 || !strings.Contains(stderr, `Current context is now "prod" (10.0.0.1:9092)`) {
		t.Fatalf("use: exit %d %s", code, stderr)
	}
	code, out, _ = run(t, env, "context", "list", "-o", "json")
	var doc cluster.ContextsDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || doc.CurrentContext == nil || *doc.CurrentContext != "prod" ||
		len(doc.Contexts) != 2 || *doc.Contexts[0].TimeoutMs != 7000 || *doc.Contexts[1].CommandConfig != props {
		t.Fatalf("list json: %v\n%s", err, out)
	}

	requests.Store(0)
	code, out, _ = run(t, env, "__complete", "list", "--context", "")
	if code != 0 || !strings.Contains(out, "dev\t"+kenv["KGROUPS_BROKERS"]) || !strings.Contains(out, "prod\t10.0.0.1:9092") {
		t.Fatalf("--context completion:\n%s", out)
	}
	code, out, _ = run(t, env, "__complete", "list", "--context", "prod,")
	if code != 0 || !strings.Contains(out, "prod,dev\t") || strings.Contains(out, "prod,prod") {
		t.Fatalf("--context a,<TAB> completion:\n%s", out)
	}
	code, out, _ = run(t, env, "__complete", "context", "use", "d")
	if code != 0 || !strings.Contains(out, "dev\t") || strings.Contains(out, "prod") {
		t.Fatalf("context use completion:\n%s", out)
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("context completion sent %d requests", n)
	}

	code, _, stderr = run(t, env, "context", "delete", "prod")
	if code != 0 || !strings.Contains(stderr, "No context is current now") {
		t.Fatalf("delete: exit %d %s", code, stderr)
	}
	code, out, _ = run(t, env, "context", "list")
	if code != 0 || strings.Contains(out, "prod") || strings.Contains(out, "*") {
		t.Fatalf("after delete:\n%s", out)
	}
}
