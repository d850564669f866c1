package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/internal/lab"
)

const topSecret = "Sup3r-Secr3t-Passw0rd!"

// TestSecretsNeverPrinted runs every command with the SASL password given
// by flag, properties file, environment and -X, with client debug logging
// on, with the right and a wrong password: it appears in no output.
func TestSecretsNeverPrinted(t *testing.T) {
	c, err := lab.NewFake(kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "ops", topSecret))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	brokers := strings.Join(c.ListenAddrs(), ",")
	dir := t.TempDir()
	props := func(pw string) string {
		p := filepath.Join(dir, "c-"+pw[:3]+".properties")
		os.WriteFile(p, []byte("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"+
			`sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="ops" password="`+pw+`";`+"\n"), 0o600)
		return p
	}
	// A config file with the password inline (and as a JAAS line) and by reference.
	contexts := func(pw string) string {
		p := filepath.Join(dir, "config-"+pw[:3]+".yaml")
		os.WriteFile(p, []byte(`contexts:
  inline:
    brokers: [`+brokers+`]
    properties:
      security.protocol: SASL_PLAINTEXT
      sasl.mechanism: SCRAM-SHA-512
      sasl.username: ops
      sasl.password: "`+pw+`"
  jaas:
    brokers: [`+brokers+`]
    properties:
      security.protocol: SASL_PLAINTEXT
      sasl.mechanism: SCRAM-SHA-512
      sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="ops" password="`+pw+`";'
  by-env:
    brokers: [`+brokers+`]
    properties: {security.protocol: SASL_PLAINTEXT, sasl.mechanism: SCRAM-SHA-512, sasl.username: ops, sasl.password: {env: SEC_PW}}
`), 0o600)
		return p
	}
	commands := [][]string{
		{"list", "--lag"}, {"describe", "--all"}, {"describe", "--all", "--time-lag", "-o", "json"},
		{"reset-offsets", "g", "--topic", "t", "--allow-new-partitions", "--to-earliest"},
		{"reset-offsets", "g", "--topic", "t", "--allow-new-partitions", "--to-earliest", "--execute", "--undo-file", filepath.Join(dir, "u.json")},
		{"delete", "g"}, {"delete-offsets", "g", "--topic", "t"}, {"status", "--all", "--window", "100ms", "--samples", "2"},
		{"explain", "--group", "g", "--sample-interval", "10ms"}, {"assign", "--from-group", "g"}, {"__complete", "describe", ""},
	}
	type source struct {
		name string
		env  map[string]string
		args []string
		warn bool
	}
	sources := func(pw string) []source {
		return []source{
			{"flags", map[string]string{"KGROUPS_BROKERS": brokers}, []string{"--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "ops", "--sasl-password", pw}, true},
			{"file", map[string]string{"KGROUPS_BROKERS": brokers}, []string{"--command-config", props(pw)}, false},
			{"env", map[string]string{"KGROUPS_BROKERS": brokers, "KGROUPS_SASL_MECHANISM": "SCRAM-SHA-512", "KGROUPS_SASL_USER": "ops", "KGROUPS_SASL_PASSWORD": pw}, nil, false},
			{"-X", map[string]string{"KGROUPS_BROKERS": brokers}, []string{"-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism=SCRAM-SHA-512", "-X", "sasl.username=ops", "-X", "sasl.password=" + pw}, true},
			{"context", map[string]string{"KGROUPS_CONFIG": contexts(pw)}, []string{"--context", "inline"}, false},
			{"context-jaas", map[string]string{"KGROUPS_CONFIG": contexts(pw)}, []string{"--context", "jaas"}, false},
			{"context-env", map[string]string{"KGROUPS_CONFIG": contexts(pw), "SEC_PW": pw}, []string{"--context", "by-env"}, false},
		}
	}
	for _, pw := range []string{topSecret, "wrong-" + topSecret} {
		for _, src := range sources(pw) {
			cmds := commands
			if pw != topSecret { // the error path is the same for every command: three suffice
				cmds = [][]string{commands[0], commands[4], commands[len(commands)-1]}
			}
			for _, args := range cmds {
				full := append(append(append([]string{}, args...), src.args...), "--verbose", "--timeout", "3s")
				_, out, stderr := run(t, src.env, full...)
				if strings.Contains(out+stderr, topSecret) {
					t.Fatalf("%s %v: the password appears in the output:\n%s\n%s", src.name, args, out, stderr)
				}
				if args[0] != "__complete" && pw == topSecret && !strings.Contains(stderr, "kgo: ") {
					t.Fatalf("%s %v: --verbose logged nothing, so the check proves little:\n%s", src.name, args, stderr)
				}
				if args[0] != "__complete" && src.warn != strings.Contains(stderr, "is visible to other users of this machine") {
					t.Fatalf("%s %v: visibility warning %v expected:\n%s", src.name, args, src.warn, stderr)
				}
			}
		}
	}
}

// TestContextShowNeverPrintsSecrets: context show and list, in every format,
// with --verbose, and the warning about a readable file, never print a
// password kept in the config file.
func TestContextShowNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	body := `current-context: inline
contexts:
  inline:
    brokers: [127.0.0.1:9092]
    properties: {security.protocol: SASL_PLAINTEXT, sasl.username: ops, sasl.password: "` + topSecret + `"}
  jaas:
    brokers: [127.0.0.1:9092]
    properties:
      security.protocol: SASL_PLAINTEXT
      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="ops" password="` + topSecret + `";
  by-file:
    brokers: [127.0.0.1:9092]
    properties: {sasl.password: {file: /run/secrets/kafka}}
`
	for _, mode := range []os.FileMode{0o600, 0o644} {
		path := filepath.Join(t.TempDir(), "config.yaml")
		os.WriteFile(path, []byte(body), mode)
		os.Chmod(path, mode)
		env := map[string]string{"KGROUPS_CONFIG": path}
		for _, args := range [][]string{
			{"context", "show"}, {"context", "show", "jaas"}, {"context", "show", "by-file", "-o", "json"}, {"context", "show", "jaas", "-o", "yaml"},
			{"context", "list"}, {"context", "list", "-o", "json"}, {"context", "list", "-o", "yaml"}, {"__complete", "list", "--context", ""},
		} {
			code, out, stderr := run(t, env, append(args, "--verbose")...)
			if code != 0 || strings.Contains(out+stderr, topSecret) {
				t.Fatalf("%v (mode %o): exit %d, or the password appears:\n%s\n%s", args, mode, code, out, stderr)
			}
			if mode == 0o644 && args[0] == "context" && !strings.Contains(stderr, "holds a password and other users can read it") {
				t.Fatalf("%v: a readable file with a password is not warned about: %s", args, stderr)
			}
		}
		_, out, _ := run(t, env, "context", "show", "jaas")
		if !strings.Contains(out, `username="ops" password="<redacted>"`) {
			t.Fatalf("the JAAS line is not shown redacted:\n%s", out)
		}
	}
}
