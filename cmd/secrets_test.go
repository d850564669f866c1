package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/cluster"
)

const topSecret = "Sup3r-Secr3t-Passw0rd!"

// TestSecretsNeverPrinted runs every command with the SASL password given
// by flag, properties file, environment and -X, with client debug logging
// on, with the right and a wrong password: it appears in no output.
func TestSecretsNeverPrinted(t *testing.T) {
	c, err := cluster.NewFake(kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "ops", topSecret))
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
