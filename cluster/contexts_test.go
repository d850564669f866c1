package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask
		t.Fatal(err)
	}
	return path
}

const sampleConfig = `# kgroups contexts
current-context: prod
contexts:
  prod:
    brokers: [10.0.0.1:9092, 10.0.0.2:9092]
    properties:
      security.protocol: SASL_PLAINTEXT
      sasl.mechanism: SCRAM-SHA-512
      sasl.username: ops
      sasl.password: {env: PROD_PW}
    timeout: 10s
    output: wide
  staging:
    brokers: "127.0.0.1:9092"
    command-config: staging.properties
`

func TestLoadConfigFile(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, sampleConfig, 0o644)
	cf, err := LoadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if cf.CurrentContext != "prod" || strings.Join(cf.Names(), ",") != "prod,staging" {
		t.Fatalf("current %q names %v", cf.CurrentContext, cf.Names())
	}
	prod := cf.Context("prod")
	if strings.Join(prod.Brokers, ",") != "10.0.0.1:9092,10.0.0.2:9092" || prod.Timeout != 10*time.Second || prod.Output != "wide" {
		t.Fatalf("prod %+v", prod)
	}
	if pw := prod.Properties[3]; pw.Key != "sasl.password" || pw.Env != "PROD_PW" || pw.Value != "" || pw.Line != 10 {
		t.Fatalf("password reference %+v", pw)
	}
	if got := prod.Source("output"); got != path+":12" {
		t.Fatalf("source of output: %q", got)
	}
	st := cf.Context("staging")
	if st.CommandConfig != filepath.Join(filepath.Dir(path), "staging.properties") {
		t.Fatalf("relative command-config not resolved against the file: %q", st.CommandConfig)
	}
	// A password by reference is no password in the file: no warning even at 0644.
	if len(cf.Warnings) != 0 {
		t.Fatalf("warnings %v", cf.Warnings)
	}
}

// An anchor shares properties between contexts (a YAML alias).
func TestConfigFileAliases(t *testing.T) {
	t.Parallel()
	cf, err := LoadConfigFile(writeConfig(t, `contexts:
  a:
    brokers: [h:1]
    properties: &sasl {security.protocol: SASL_SSL, sasl.username: ops, sasl.password: {env: PW}}
  b:
    brokers: [h:2]
    properties: *sasl
`, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	if p := cf.Context("b").Properties; len(p) != 3 || p[2].Env != "PW" {
		t.Fatalf("aliased properties: %+v", p)
	}
}

func TestLoadConfigFileMissingIsEmpty(t *testing.T) {
	t.Parallel()
	cf, err := LoadConfigFile(filepath.Join(t.TempDir(), "nope.yaml"))
	if err != nil || cf.Exists || len(cf.Contexts) != 0 {
		t.Fatalf("missing file: %+v %v", cf, err)
	}
	_, err = cf.Lookup("prod", "--context")
	if err == nil || !strings.Contains(err.Error(), "no config file at") || !strings.Contains(err.Error(), "kgroups context add prod") {
		t.Fatalf("lookup in a missing file: %v", err)
	}
}

func TestConfigFileErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	cases := []struct{ body, want string }{
		{"contexts:\n  a:\n    brokers: [x:1\n", ":2: did not find expected ',' or ']'"}, // yaml syntax
		{"contexts:\n  a:\n\tbrokers: x:1\n", ":3: found character that cannot start any token"},
		{"current-context: a\ncontexts:\n  a:\n    brokrs: [h:1]\n", `:4: context "a": unknown key "brokrs" (did you mean "brokers"?)`},
		{"current-contxt: a\n", `:1: unknown key "current-contxt" (did you mean "current-context"?)`},
		{"contexts:\n  a:\n    brokers: [h:1]\ncurrent-context: b\n", `:4: current-context "b" is not a context in this file; contexts: a`},
		{"contexts:\n  a:\n    brokers: [nohost]\n", `:3: context "a": broker "nohost" is not host:port`},
		{"contexts:\n  a:\n    brokers: [h:1]\n    timeout: soon\n", `:4: context "a": timeout "soon": want a positive duration`},
		{"contexts:\n  a:\n    brokers: [h:1]\n  a:\n    brokers: [h:2]\n", `:4: context "a" is defined twice`},
		{"contexts:\n  a:\n    timeout: 1s\n", `:2: context "a" names no brokers`},
		{"contexts:\n  a,b:\n    brokers: [h:1]\n", `:2: context name "a,b" is not valid`},
		{"contexts:\n  a:\n    brokers: [h:1]\n    properties:\n      sasl.password: {vault: x}\n", `:5: context "a": property sasl.password: want a value, {env: VARIABLE} or {file: PATH}`},
		{"- a\n- b\n", ":1: want a mapping"},
	}
	for _, c := range cases {
		path := writeConfig(t, c.body, 0o600)
		_, err := LoadConfigFile(path)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), path+":") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s%s", c.body, err, path, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is more than one line: %q", c.body, err)
		}
	}
}

func TestConfigFilePasswordWarning(t *testing.T) {
	t.Parallel()
	body := "contexts:\n  a:\n    brokers: [h:1]\n    properties:\n      sasl.password: hunter2\n"
	for _, c := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o640, true}, {0o604, true}} {
		cf, err := LoadConfigFile(writeConfig(t, body, c.mode))
		if err != nil {
			t.Fatal(err)
		}
		if got := len(cf.Warnings) == 1 && strings.Contains(string(cf.Warnings[0]), "holds a password and other users can read it"); got != c.warn {
			t.Errorf("mode %o: warnings %v, want warning %v", c.mode, cf.Warnings, c.warn)
		}
		for _, w := range cf.Warnings {
			if strings.Contains(string(w), "hunter2") {
				t.Fatalf("warning shows the password: %s", w)
			}
		}
	}
}

func TestResolveWithContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("from-file\n"), 0o644)
	props := filepath.Join(dir, "c.properties")
	os.WriteFile(props, []byte("bootstrap.servers=9.9.9.9:9092\nsasl.mechanism=PLAIN\n"), 0o600)
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte(`contexts:
  env:
    brokers: [10.0.0.1:9092]
    properties: {security.protocol: SASL_PLAINTEXT, sasl.username: u, sasl.password: {env: PW}}
  file:
    command-config: c.properties
    properties:
      security.protocol: SASL_PLAINTEXT
      sasl.username: u
      sasl.password: {file: pw}
    timeout: 3s
`), 0o600)
	cf, err := LoadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return map[string]string{"PW": "from-env"}[k] }

	cfg, _, err := Resolve(ResolveInput{Getenv: getenv, Context: cf.Context("env")})
	if err != nil || cfg.SASL.Password != "from-env" || cfg.Brokers[0] != "10.0.0.1:9092" || cfg.Context != "env" || cfg.Timeout != 30*time.Second {
		t.Fatalf("env reference: %+v %v", cfg, err)
	}
	cfg, warns, err := Resolve(ResolveInput{Getenv: getenv, Context: cf.Context("file")})
	if err != nil || cfg.SASL.Password != "from-file" || cfg.Brokers[0] != "9.9.9.9:9092" || cfg.Timeout != 3*time.Second {
		t.Fatalf("file reference: %+v %v", cfg, err)
	}
	if len(warns) != 1 || !strings.Contains(string(warns[0]), pwFile+" holds sasl.password") {
		t.Fatalf("a world-readable secret file is not warned about: %v", warns)
	}
	// An unset variable names the file, line and variable, never a value.
	_, _, err = Resolve(ResolveInput{Getenv: func(string) string { return "" }, Context: cf.Context("env")})
	if err == nil || !strings.Contains(err.Error(), path+":4: context \"env\": sasl.password comes from environment variable PW, which is not set") {
		t.Fatalf("unset reference: %v", err)
	}
	// Environment brokers beat the context, with a warning; flags beat both silently.
	cfg, warns, _ = Resolve(ResolveInput{Getenv: func(k string) string {
		return map[string]string{"PW": "x", "KGROUPS_BROKERS": "1.1.1.1:1"}[k]
	}, Context: cf.Context("env")})
	if cfg.Brokers[0] != "1.1.1.1:1" || len(warns) != 1 || !strings.Contains(string(warns[0]), `KGROUPS_BROKERS overrides the brokers of context "env"`) {
		t.Fatalf("env over context: %v %v", cfg.Brokers, warns)
	}
	// The same brokers from the environment are no override: no warning.
	_, warns, _ = Resolve(ResolveInput{Getenv: func(k string) string {
		return map[string]string{"PW": "x", "KGROUPS_BROKERS": strings.Join(cf.Context("env").Brokers, ",")}[k]
	}, Context: cf.Context("env")})
	for _, w := range warns {
		if strings.Contains(string(w), "overrides the brokers") {
			t.Fatalf("warned about identical brokers: %v", warns)
		}
	}
	// -X on top of the context's properties; --timeout over the context's.
	cfg, _, err = Resolve(ResolveInput{Getenv: getenv, Context: cf.Context("file"), Overrides: []string{"bootstrap.servers=2.2.2.2:2"}, Timeout: time.Second})
	if err != nil || cfg.Brokers[0] != "2.2.2.2:2" || cfg.Timeout != time.Second {
		t.Fatalf("-X over context: %+v %v", cfg, err)
	}
}

func TestConfigFileEditKeepsComments(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, sampleConfig, 0o600)
	cf, err := LoadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := cf.Add(&Context{Name: "dev", Brokers: []string{"127.0.0.1:9092"}, Timeout: 5 * time.Second,
		Properties: []ContextProperty{{Key: "sasl.password", Env: "DEV_PW"}}}); err != nil {
		t.Fatal(err)
	}
	if err := cf.Add(&Context{Name: "dev", Brokers: []string{"h:1"}}); err == nil || !strings.Contains(err.Error(), `context "dev" already exists`) {
		t.Fatalf("duplicate add: %v", err)
	}
	cf.SetCurrent("dev")
	if err := cf.Delete("prod"); err != nil {
		t.Fatal(err)
	}
	if err := cf.Save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	again, err := LoadConfigFile(path)
	if err != nil {
		t.Fatalf("saved file does not load: %v\n%s", err, b)
	}
	if !strings.HasPrefix(string(b), "# kgroups contexts") || again.CurrentContext != "dev" || strings.Join(again.Names(), ",") != "staging,dev" {
		t.Fatalf("saved:\n%s", b)
	}
	if d := again.Context("dev"); d.Timeout != 5*time.Second || d.Properties[0].Env != "DEV_PW" {
		t.Fatalf("dev round trip %+v", d)
	}
	// Deleting the current context leaves none current.
	if err := again.Delete("dev"); err != nil || again.CurrentContext != "" {
		t.Fatalf("delete current: %v %q", err, again.CurrentContext)
	}
	// A new file is created 0600 in a new directory.
	fresh := &ConfigFile{Path: filepath.Join(t.TempDir(), "kgroups", "config.yaml")}
	if err := fresh.Add(&Context{Name: "a", Brokers: []string{"h:1"}}); err != nil {
		t.Fatal(err)
	}
	if err := fresh.Save(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(fresh.Path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new file mode: %v %v", st.Mode(), err)
	}
}

func TestRedacted(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		p    ContextProperty
		want string
	}{
		{ContextProperty{Key: "sasl.password", Value: "hunter2"}, "<redacted>"},
		{ContextProperty{Key: "sasl.password", Env: "PW"}, "{env: PW}"},
		{ContextProperty{Key: "sasl.jaas.config", Value: `x.PlainLoginModule required username="u" password="hun\"ter2";`}, `x.PlainLoginModule required username="u" password="<redacted>";`},
		{ContextProperty{Key: "sasl.jaas.config", Value: `x.PlainLoginModule required username=u password=hunter2;`}, `x.PlainLoginModule required username=u password="<redacted>";`},
		{ContextProperty{Key: "security.protocol", Value: "SSL"}, "SSL"},
	} {
		if got := c.p.Redacted(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.p, got, c.want)
		}
	}
}

func TestConfigPath(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if got := ConfigPath(env(map[string]string{"KGROUPS_CONFIG": "/a.yaml", "XDG_CONFIG_HOME": "/x", "HOME": "/h"})); got != "/a.yaml" {
		t.Fatal(got)
	}
	if got := ConfigPath(env(map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"})); got != "/x/kgroups/config.yaml" {
		t.Fatal(got)
	}
	if got := ConfigPath(env(map[string]string{"HOME": "/h"})); got != "/h/.config/kgroups/config.yaml" {
		t.Fatal(got)
	}
}

// BenchmarkLoadConfigFile reads a config file of 50 contexts, as every
// command that needs a cluster does once.
func BenchmarkLoadConfigFile(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("current-context: c0\ncontexts:\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&sb, "  c%d:\n    brokers: [kafka-%d-1:9092, kafka-%d-2:9092]\n    properties:\n      security.protocol: SASL_SSL\n      sasl.mechanism: SCRAM-SHA-512\n      sasl.username: ops\n      sasl.password: {env: PW_%d}\n    timeout: 10s\n", i, i, i, i)
	}
	path := filepath.Join(b.TempDir(), "config.yaml")
	os.WriteFile(path, []byte(sb.String()), 0o600)
	b.ResetTimer()
	for b.Loop() {
		if _, err := LoadConfigFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// A --command-config file that holds a password and others can read is
// warned about; at 0600 it is not.
func TestCommandConfigPasswordWarning(t *testing.T) {
	t.Parallel()
	for _, mode := range []os.FileMode{0o600, 0o644} {
		path := filepath.Join(t.TempDir(), "client.properties")
		os.WriteFile(path, []byte("bootstrap.servers=h:1\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"+
			`sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";`+"\n"), mode)
		os.Chmod(path, mode)
		_, warns, err := Resolve(ResolveInput{Getenv: func(string) string { return "" }, CommandConfig: path})
		if err != nil {
			t.Fatal(err)
		}
		warned := len(warns) == 1 && strings.Contains(string(warns[0]), path+" holds a password and other users can read it")
		if warned != (mode == 0o644) || strings.Contains(fmt.Sprint(warns), "hunter2") {
			t.Fatalf("mode %o: warnings %v", mode, warns)
		}
	}
}

// Editing a symlinked config file writes the file it points to.
func TestConfigFileSaveFollowsSymlink(t *testing.T) {
	t.Parallel()
	real := writeConfig(t, sampleConfig, 0o600)
	link := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	cf, err := LoadConfigFile(link)
	if err != nil {
		t.Fatal(err)
	}
	cf.SetCurrent("staging")
	if err := cf.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi, err)
	}
	if again, err := LoadConfigFile(real); err != nil || again.CurrentContext != "staging" {
		t.Fatalf("the linked file was not updated: %v %+v", err, again)
	}
}
