package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseProperties(t *testing.T) {
	in := `# comment
! also a comment
bootstrap.servers = 127.0.0.1:9092,127.0.0.1:9093
security.protocol:SASL_SSL
sasl.mechanism SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
    username="svc" \
    password="p@ss word\\\"q";
client.id=caf\u00e9
`
	p := NewProperties()
	if err := ParseProperties(strings.NewReader(in), "client.properties", p); err != nil {
		t.Fatal(err)
	}
	cfg, warns, err := FromProperties(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Fatalf("warnings %v", warns)
	}
	if fmt.Sprint(cfg.Brokers) != "[127.0.0.1:9092 127.0.0.1:9093]" || cfg.ClientID != "café" {
		t.Fatalf("brokers %v client %q", cfg.Brokers, cfg.ClientID)
	}
	if cfg.SASL.Mechanism != "SCRAM-SHA-512" || cfg.SASL.User != "svc" || cfg.SASL.Password != `p@ss word"q` {
		t.Fatalf("sasl %+v", *cfg.SASL)
	}
	if cfg.TLS == nil {
		t.Fatal("SASL_SSL without TLS")
	}
	if got := fmt.Sprintf("%v %+v %#v %s", cfg.SASL, cfg.SASL, cfg.SASL, cfg.SASL); strings.Contains(got, "p@ss") {
		t.Fatalf("password printed: %s", got)
	}
	if src, _ := p.Get("sasl.jaas.config"); src.Source != "client.properties:6" {
		t.Fatalf("continuation line source %q", src.Source)
	}
}

func TestPropertyErrorsNameTheKeyAndLine(t *testing.T) {
	cases := []struct {
		props string
		want  string
	}{
		{"security.protocol=SASL_PLAINTEXT\nsasl.mechanism=GSSAPI\n", "f:2: sasl.mechanism=GSSAPI is not supported yet"},
		{"security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n", "SASL needs a username and password"},
		{"security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required;\n", `login module "com.sun.security.auth.module.Krb5LoginModule" is not supported`},
		{"security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"b\";\n", "uses PlainLoginModule but sasl.mechanism=SCRAM-SHA-256"},
		{"security.protocol=SSL\nssl.truststore.type=JKS\n", "f:2: ssl.truststore.type=JKS is not supported; convert to PEM"},
		{"security.protocol=SSL\nssl.truststore.location=/nonexistent.pem\n", "f:2: ssl.truststore.location=/nonexistent.pem: cannot read"},
		{"security.protocol=SSL\nssl.key.password=secret\n", "encrypted private keys are not supported"},
		{"bootstrap.server=x:1\n", `f:1: unsupported property "bootstrap.server" (did you mean "bootstrap.servers"?)`},
		{"totally.unknown.thing=1\n", `f:1: unsupported property "totally.unknown.thing"; supported:`},
		{"=value\n", "f:1: empty property name"},
		{"security.protocol=SSL\nssl.truststore.certificates=not a pem\n", "no PEM certificate found"},
	}
	for _, c := range cases {
		p := NewProperties()
		err := ParseProperties(strings.NewReader(c.props), "f", p)
		if err == nil {
			_, _, err = FromProperties(p)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err %v, want %q", c.props, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error echoes a secret: %v", err)
		}
	}
}

func TestBrokerPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.properties")
	os.WriteFile(file, []byte("bootstrap.servers=file:1\n"), 0o600)
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cases := []struct {
		in   ResolveInput
		want string
		src  string
	}{
		{ResolveInput{FlagBrokers: []string{"flag:1"}, Getenv: env(map[string]string{"KGROUPS_BROKERS": "kg:1", "KAFKA_BROKERS": "k:1"}), CommandConfig: file}, "[flag:1]", "--brokers"},
		{ResolveInput{Getenv: env(map[string]string{"KGROUPS_BROKERS": "kg:1", "KAFKA_BROKERS": "k:1"}), CommandConfig: file}, "[kg:1]", "KGROUPS_BROKERS"},
		{ResolveInput{Getenv: env(map[string]string{"KAFKA_BROKERS": "k:1,k:2"}), CommandConfig: file}, "[k:1 k:2]", "KAFKA_BROKERS"},
		{ResolveInput{Getenv: env(nil), CommandConfig: file}, "[file:1]", file + ":1"},
		{ResolveInput{Getenv: env(nil), CommandConfig: file, Overrides: []string{"bootstrap.servers=x:9"}}, "[x:9]", "-X"},
	}
	for _, c := range cases {
		cfg, _, err := Resolve(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(cfg.Brokers) != c.want || cfg.BrokersSource != c.src {
			t.Errorf("got %v from %s, want %s from %s", cfg.Brokers, cfg.BrokersSource, c.want, c.src)
		}
	}
	if _, _, err := Resolve(ResolveInput{Getenv: env(nil)}); err != ErrNoBrokers {
		t.Fatalf("no brokers: %v", err)
	}
	if _, _, err := Resolve(ResolveInput{FlagBrokers: []string{"[::1]:9092", "127.0.0.1:9092"}, Getenv: env(nil)}); err != nil {
		t.Fatalf("IPv6 loopback rejected: %v", err)
	}
	if _, _, err := Resolve(ResolveInput{FlagBrokers: []string{"h:99999"}, Getenv: env(nil)}); err == nil {
		t.Fatal("port 99999 accepted")
	}
}

func TestInsecureTLSWarns(t *testing.T) {
	p := NewProperties()
	p.Set("security.protocol", "SSL", "-X")
	p.Set("enable.ssl.certificate.verification", "false", "-X")
	cfg, warns, err := FromProperties(p)
	if err != nil || !cfg.TLS.InsecureSkipVerify || len(warns) != 1 || !strings.Contains(string(warns[0]), "verification is OFF") {
		t.Fatalf("cfg %+v warns %v err %v", cfg.TLS, warns, err)
	}
	p = NewProperties()
	p.Set("security.protocol", "SSL", "-X")
	cfg, warns, _ = FromProperties(p)
	if cfg.TLS.InsecureSkipVerify || cfg.TLS.NoHostnameVerify || len(warns) != 0 {
		t.Fatal("TLS verification must be on by default")
	}
}

// FuzzProperties: the parser never panics, and every key it accepts is
// non-empty and traceable to a line of the input.
func FuzzProperties(f *testing.F) {
	for _, s := range []string{"a=b\n", "key value\\\n  continued\n", "# c\n!c\nk:v\n", "k=\\u00e9\\t\n", "=x\n", "k=\\u12\n",
		"sasl.jaas.config=x required username=\"u\" password=\"p\";\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := NewProperties()
		if err := ParseProperties(strings.NewReader(string(b)), "f", p); err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, k := range p.Keys() {
			prop, _ := p.Get(k)
			if k == "" || !strings.HasPrefix(prop.Source, "f:") {
				t.Fatalf("key %q from %q", k, prop.Source)
			}
		}
		FromProperties(p) // must not panic whatever the values
	})
}

// FuzzOverride: -X parsing never panics; accepted keys are trimmed and
// non-empty.
func FuzzOverride(f *testing.F) {
	for _, s := range []string{"a=b", "=b", "a", " a = b ", "a==b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, kv string) {
		p := NewProperties()
		if err := ParseOverride(kv, p); err != nil {
			return
		}
		for _, k := range p.Keys() {
			if k == "" || strings.TrimSpace(k) != k {
				t.Fatalf("accepted key %q from %q", k, kv)
			}
		}
	})
}
