package cluster

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kgroups/kgroups/internal/suggest"
)

// Config is everything needed to reach a cluster. It never prints its
// password: String and the %v verbs redact it.
type Config struct {
	Brokers       []string
	BrokersSource string // which flag, variable or file named the brokers
	ClientID      string
	TLS           *TLSSettings // nil: plaintext
	SASL          *SASLSettings
	Timeout       time.Duration // per command; bounds every request
	Context       string        // the config-file context these settings came from ("" none)
}

// TLSSettings holds PEM material and verification switches.
type TLSSettings struct {
	CAPEM              []byte
	CAFrom             string
	CertPEM, KeyPEM    []byte
	InsecureSkipVerify bool // no verification at all (warned about)
	NoHostnameVerify   bool // ssl.endpoint.identification.algorithm= (chain still verified)
}

// SASLSettings holds a SASL mechanism and credentials.
type SASLSettings struct {
	Mechanism string // PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
	User      string
	Password  string
}

// String describes the config without its secret.
func (s *SASLSettings) String() string {
	if s == nil {
		return "<none>"
	}
	return fmt.Sprintf("%s user=%q password=<redacted>", s.Mechanism, s.User)
}

// GoString redacts the password for %#v too.
func (s *SASLSettings) GoString() string { return s.String() }

// ResolveInput is what the command line and environment say.
type ResolveInput struct {
	FlagBrokers   []string // -b/--brokers
	Getenv        func(string) string
	CommandConfig string        // --command-config FILE
	Overrides     []string      // -X key=value
	Timeout       time.Duration // --timeout when given; 0: the context's, else 30s
	// Context is the selected context of the config file (nil: none). Its
	// settings sit below flags and environment variables.
	Context *Context
	// SASL from flags (--sasl-*), else KGROUPS_SASL_* variables; they win
	// over the properties file. A password given as a flag is warned about.
	SASLMechanism, SASLUser, SASLPassword string
}

// Warning is a non-fatal remark about the connection settings (stderr).
type Warning string

// ErrNoBrokers says no broker address was given anywhere.
var ErrNoBrokers = &InputError{Msg: "no brokers given: use -b/--brokers host:port, set KGROUPS_BROKERS, " +
	"put bootstrap.servers in --command-config FILE, or select a context (kgroups context add NAME --brokers host:port; try 'kgroups sandbox' for a local cluster)"}

// Resolve applies the precedence -b > KGROUPS_BROKERS > KAFKA_BROKERS >
// bootstrap.servers (from the selected context, then --command-config, with
// -X overrides applied on top) and validates every property. Properties are
// layered: the context's command-config file, its inline properties and its
// brokers, then --command-config, then -X, then --sasl-* / KGROUPS_SASL_*.
func Resolve(in ResolveInput) (Config, []Warning, error) {
	getenv := in.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	props := NewProperties()
	var warns []Warning
	if in.Context != nil {
		w, err := in.Context.loadProperties(props, getenv)
		if err != nil {
			return Config{}, nil, err
		}
		warns = append(warns, w...)
	}
	if in.CommandConfig != "" {
		if err := LoadPropertiesFile(in.CommandConfig, props); err != nil {
			return Config{}, nil, err
		}
		if w := passwordFileWarning(in.CommandConfig, props); w != "" {
			warns = append(warns, w)
		}
	}
	for _, kv := range in.Overrides {
		if err := ParseOverride(kv, props); err != nil {
			return Config{}, nil, err
		}
	}
	if p, ok := props.Get("sasl.password"); ok && p.Source == "-X" {
		warns = append(warns, Warning("-X sasl.password is visible to other users of this machine (process list, shell history): prefer KGROUPS_SASL_PASSWORD or --command-config"))
	}
	sasl := []struct{ key, flag, env, value string }{
		{"sasl.mechanism", "--sasl-mechanism", "KGROUPS_SASL_MECHANISM", in.SASLMechanism},
		{"sasl.username", "--sasl-user", "KGROUPS_SASL_USER", in.SASLUser},
		{"sasl.password", "--sasl-password", "KGROUPS_SASL_PASSWORD", in.SASLPassword},
	}
	anySASL := false
	for _, v := range sasl {
		switch {
		case v.value != "":
			props.Set(v.key, v.value, v.flag)
			anySASL = true
			if v.key == "sasl.password" {
				warns = append(warns, Warning("--sasl-password is visible to other users of this machine (process list, shell history): prefer KGROUPS_SASL_PASSWORD or --command-config"))
			}
		case getenv(v.env) != "":
			props.Set(v.key, getenv(v.env), v.env)
			anySASL = true
		}
	}
	if _, ok := props.Get("security.protocol"); anySASL && !ok {
		props.Set("security.protocol", "SASL_PLAINTEXT", "--sasl-user/KGROUPS_SASL_*")
	}
	cfg, more, err := FromProperties(props)
	warns = append(warns, more...)
	if err != nil {
		return Config{}, nil, err
	}
	switch {
	case len(in.FlagBrokers) > 0:
		cfg.Brokers, cfg.BrokersSource = splitBrokers(strings.Join(in.FlagBrokers, ",")), "--brokers"
	case getenv("KGROUPS_BROKERS") != "":
		cfg.Brokers, cfg.BrokersSource = splitBrokers(getenv("KGROUPS_BROKERS")), "KGROUPS_BROKERS"
	case getenv("KAFKA_BROKERS") != "":
		cfg.Brokers, cfg.BrokersSource = splitBrokers(getenv("KAFKA_BROKERS")), "KAFKA_BROKERS"
	}
	if in.Context != nil && len(in.Context.Brokers) > 0 && (cfg.BrokersSource == "KGROUPS_BROKERS" || cfg.BrokersSource == "KAFKA_BROKERS") &&
		strings.Join(cfg.Brokers, ",") != strings.Join(splitBrokers(strings.Join(in.Context.Brokers, ",")), ",") {
		warns = append(warns, Warning(fmt.Sprintf("%s overrides the brokers of context %q (%s)", cfg.BrokersSource, in.Context.Name, strings.Join(in.Context.Brokers, ","))))
	}
	if len(cfg.Brokers) == 0 {
		return Config{}, nil, ErrNoBrokers
	}
	for _, b := range cfg.Brokers {
		if err := validBroker(b); err != nil {
			return Config{}, nil, inputErrorf("%s: %v", cfg.BrokersSource, err)
		}
	}
	if in.Context != nil {
		cfg.Context = in.Context.Name
	}
	cfg.Timeout = in.Timeout
	if cfg.Timeout <= 0 && in.Context != nil {
		cfg.Timeout = in.Context.Timeout
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return cfg, warns, nil
}

func splitBrokers(s string) []string {
	var out []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

var hostPort = regexp.MustCompile(`^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$`)

func validBroker(b string) error {
	m := hostPort.FindStringSubmatch(b)
	if m == nil {
		return fmt.Errorf("broker %q is not host:port (e.g. 127.0.0.1:9092 or [::1]:9092)", b)
	}
	var port int
	fmt.Sscanf(m[2], "%d", &port)
	if port < 1 || port > 65535 {
		return fmt.Errorf("broker %q: port must be 1-65535", b)
	}
	return nil
}

// supportedKeys are the client.properties keys kgroups understands.
var supportedKeys = map[string]string{
	"bootstrap.servers":                     "comma-separated host:port list",
	"client.id":                             "client id sent to brokers",
	"security.protocol":                     "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL",
	"sasl.mechanism":                        "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512",
	"sasl.mechanisms":                       "librdkafka spelling of sasl.mechanism",
	"sasl.jaas.config":                      "PlainLoginModule or ScramLoginModule with username and password",
	"sasl.username":                         "librdkafka-style SASL user",
	"sasl.password":                         "librdkafka-style SASL password",
	"ssl.truststore.type":                   "PEM (JKS/PKCS12 must be converted)",
	"ssl.truststore.location":               "PEM file of CA certificates",
	"ssl.truststore.certificates":           "inline PEM CA certificates",
	"ssl.keystore.type":                     "PEM",
	"ssl.keystore.location":                 "PEM file with client certificate and private key",
	"ssl.keystore.certificate.chain":        "inline PEM client certificate chain",
	"ssl.keystore.key":                      "inline PEM private key (unencrypted)",
	"ssl.key.password":                      "must be empty: encrypted keys are not supported",
	"ssl.endpoint.identification.algorithm": "https (default) or empty to skip hostname checks",
	"ssl.ca.location":                       "librdkafka: PEM CA file",
	"ssl.certificate.location":              "librdkafka: PEM client certificate",
	"ssl.key.location":                      "librdkafka: PEM private key",
	"enable.ssl.certificate.verification":   "librdkafka: false disables verification",
	"ssl.truststore.password":               "ignored for PEM truststores",
	"ssl.keystore.password":                 "ignored for PEM keystores",
	"kgroups.tls.insecure.skip.verify":      "true disables all TLS verification",
	"request.timeout.ms":                    "ignored: use --timeout",
	"default.api.timeout.ms":                "ignored: use --timeout",
	"retries":                               "ignored",
	"retry.backoff.ms":                      "ignored",
	"client.dns.lookup":                     "ignored",
	"ssl.protocol":                          "ignored (TLS 1.2+ is used)",
	"ssl.enabled.protocols":                 "ignored (TLS 1.2+ is used)",
	"connections.max.idle.ms":               "ignored",
	"metadata.max.age.ms":                   "ignored",
	"reconnect.backoff.ms":                  "ignored",
	"group.id":                              "ignored: groups are named on the command line",
	"key.deserializer":                      "ignored",
	"value.deserializer":                    "ignored",
	"enable.auto.commit":                    "ignored",
	"auto.offset.reset":                     "ignored",
	"isolation.level":                       "ignored: use --isolation",
}

var ignoredKeys = map[string]bool{
	"request.timeout.ms": true, "default.api.timeout.ms": true, "retries": true, "retry.backoff.ms": true,
	"client.dns.lookup": true, "ssl.protocol": true, "ssl.enabled.protocols": true,
	"connections.max.idle.ms": true, "metadata.max.age.ms": true, "reconnect.backoff.ms": true,
	"group.id": true, "key.deserializer": true, "value.deserializer": true, "enable.auto.commit": true,
	"auto.offset.reset": true, "isolation.level": true, "ssl.truststore.password": true,
	"ssl.keystore.password": true,
}

// FromProperties validates properties and builds a Config (brokers from
// bootstrap.servers only; Resolve applies flag and env precedence).
func FromProperties(p *Properties) (Config, []Warning, error) {
	var cfg Config
	var warns []Warning
	for _, k := range p.Keys() {
		prop, _ := p.Get(k)
		if _, ok := supportedKeys[k]; !ok {
			msg := fmt.Sprintf("%s: unsupported property %q", prop.Source, k)
			if s := closestKey(k); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += "; supported: " + strings.Join(slices.Sorted(maps.Keys(supportedKeys)), ", ")
			}
			return Config{}, nil, &InputError{Msg: msg}
		}
		if ignoredKeys[k] {
			warns = append(warns, Warning(fmt.Sprintf("%s: %s is not used by kgroups; ignored", prop.Source, k)))
		}
	}
	get := func(k string) string { v, _ := p.Get(k); return strings.TrimSpace(v.Value) }
	src := func(k string) string { v, _ := p.Get(k); return v.Source }

	if bs := get("bootstrap.servers"); bs != "" {
		cfg.Brokers, cfg.BrokersSource = splitBrokers(bs), src("bootstrap.servers")
	}
	cfg.ClientID = get("client.id")
	if cfg.ClientID == "" {
		cfg.ClientID = "kgroups"
	}

	proto := strings.ToUpper(get("security.protocol"))
	if proto == "" {
		proto = "PLAINTEXT"
	}
	var useTLS, useSASL bool
	switch proto {
	case "PLAINTEXT":
	case "SSL":
		useTLS = true
	case "SASL_PLAINTEXT":
		useSASL = true
	case "SASL_SSL":
		useTLS, useSASL = true, true
	default:
		return Config{}, nil, inputErrorf("%s: security.protocol=%q is not valid; use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL",
			src("security.protocol"), get("security.protocol"))
	}

	if useSASL {
		s, err := saslFrom(p)
		if err != nil {
			return Config{}, nil, err
		}
		cfg.SASL = s
	}
	if useTLS {
		t, w, err := tlsFrom(p)
		if err != nil {
			return Config{}, nil, err
		}
		warns = append(warns, w...)
		cfg.TLS = t
	} else {
		for _, k := range p.Keys() {
			if strings.HasPrefix(k, "ssl.") && !ignoredKeys[k] {
				warns = append(warns, Warning(fmt.Sprintf("%s: %s is set but security.protocol=%s does not use TLS", src(k), k, proto)))
				break
			}
		}
	}
	return cfg, warns, nil
}

func saslFrom(p *Properties) (*SASLSettings, error) {
	get := func(k string) string { v, _ := p.Get(k); return strings.TrimSpace(v.Value) }
	src := func(k string) string { v, _ := p.Get(k); return v.Source }
	mechKey := "sasl.mechanism"
	mech := strings.ToUpper(get(mechKey))
	if mech == "" {
		mechKey = "sasl.mechanisms"
		mech = strings.ToUpper(get(mechKey))
	}
	if mech == "" {
		mech = "PLAIN" // Java client default (it defaults to GSSAPI, which kgroups does not support)
		mechKey = "sasl.mechanism"
	}
	switch mech {
	case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
	case "GSSAPI", "OAUTHBEARER":
		return nil, inputErrorf("%s: sasl.mechanism=%s is not supported yet; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", src(mechKey), mech)
	default:
		return nil, inputErrorf("%s: sasl.mechanism=%q is not valid; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", src(mechKey), get(mechKey))
	}
	s := &SASLSettings{Mechanism: mech}
	if jaas := get("sasl.jaas.config"); jaas != "" {
		entries, err := parseJAAS(jaas)
		if err != nil {
			return nil, inputErrorf("%s: sasl.jaas.config: %v; want '<LoginModule> required username=\"…\" password=\"…\";'", src("sasl.jaas.config"), err)
		}
		if len(entries) != 1 {
			return nil, inputErrorf("%s: sasl.jaas.config has %d login modules; a client takes exactly one", src("sasl.jaas.config"), len(entries))
		}
		module := entries[0].Module
		switch {
		case strings.HasSuffix(module, "PlainLoginModule"):
			if mech != "PLAIN" {
				return nil, inputErrorf("%s: sasl.jaas.config uses PlainLoginModule but sasl.mechanism=%s (use ScramLoginModule)", src("sasl.jaas.config"), mech)
			}
		case strings.HasSuffix(module, "ScramLoginModule"):
			if mech == "PLAIN" {
				return nil, inputErrorf("%s: sasl.jaas.config uses ScramLoginModule but sasl.mechanism=PLAIN (set SCRAM-SHA-256 or SCRAM-SHA-512)", src("sasl.jaas.config"))
			}
		default:
			return nil, inputErrorf("%s: sasl.jaas.config login module %q is not supported; use PlainLoginModule or ScramLoginModule", src("sasl.jaas.config"), module)
		}
		s.User, s.Password = entries[0].Options["username"], entries[0].Options["password"]
	}
	if u := get("sasl.username"); u != "" {
		s.User = u
	}
	if pw, ok := p.Get("sasl.password"); ok && pw.Value != "" {
		s.Password = pw.Value
	}
	if s.User == "" || s.Password == "" {
		return nil, inputErrorf("SASL needs a username and password: set sasl.jaas.config (username=\"…\" password=\"…\") or sasl.username and sasl.password")
	}
	return s, nil
}

func tlsFrom(p *Properties) (*TLSSettings, []Warning, error) {
	get := func(k string) string { v, _ := p.Get(k); return strings.TrimSpace(v.Value) }
	src := func(k string) string { v, _ := p.Get(k); return v.Source }
	t := &TLSSettings{}
	var warns []Warning
	for _, k := range []string{"ssl.truststore.type", "ssl.keystore.type"} {
		if v := strings.ToUpper(get(k)); v != "" && v != "PEM" {
			return nil, nil, inputErrorf("%s: %s=%s is not supported; convert to PEM (e.g. keytool -exportcert -rfc, or openssl pkcs12 -nodes) and set %s=PEM",
				src(k), k, v, k)
		}
	}
	if pw, ok := p.Get("ssl.key.password"); ok && pw.Value != "" {
		return nil, nil, inputErrorf("%s: ssl.key.password is set, but encrypted private keys are not supported; decrypt the key (openssl pkey) and remove ssl.key.password", pw.Source)
	}
	readPEM := func(key string) ([]byte, error) {
		path := get(key)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, inputErrorf("%s: %s=%s: cannot read: %v", src(key), key, path, unwrapPathError(err))
		}
		return b, nil
	}
	var err error
	switch {
	case get("ssl.truststore.certificates") != "":
		t.CAPEM, t.CAFrom = []byte(inlinePEM(get("ssl.truststore.certificates"))), "ssl.truststore.certificates"
	case get("ssl.truststore.location") != "":
		if t.CAPEM, err = readPEM("ssl.truststore.location"); err != nil {
			return nil, nil, err
		}
		t.CAFrom = "ssl.truststore.location"
	case get("ssl.ca.location") != "":
		if t.CAPEM, err = readPEM("ssl.ca.location"); err != nil {
			return nil, nil, err
		}
		t.CAFrom = "ssl.ca.location"
	}
	switch {
	case get("ssl.keystore.certificate.chain") != "" || get("ssl.keystore.key") != "":
		t.CertPEM, t.KeyPEM = []byte(inlinePEM(get("ssl.keystore.certificate.chain"))), []byte(inlinePEM(get("ssl.keystore.key")))
	case get("ssl.keystore.location") != "":
		b, err := readPEM("ssl.keystore.location")
		if err != nil {
			return nil, nil, err
		}
		t.CertPEM, t.KeyPEM = b, b
	case get("ssl.certificate.location") != "" || get("ssl.key.location") != "":
		if t.CertPEM, err = readPEM("ssl.certificate.location"); err != nil {
			return nil, nil, err
		}
		if t.KeyPEM, err = readPEM("ssl.key.location"); err != nil {
			return nil, nil, err
		}
	}
	if _, ok := p.Get("ssl.endpoint.identification.algorithm"); ok && get("ssl.endpoint.identification.algorithm") == "" {
		t.NoHostnameVerify = true
		warns = append(warns, Warning("TLS hostname verification is off (ssl.endpoint.identification.algorithm is empty); the certificate chain is still verified"))
	}
	if strings.EqualFold(get("enable.ssl.certificate.verification"), "false") || strings.EqualFold(get("kgroups.tls.insecure.skip.verify"), "true") {
		t.InsecureSkipVerify = true
		warns = append(warns, Warning("TLS certificate verification is OFF: anyone on the network path can impersonate the brokers"))
	}
	if _, err := t.Build(); err != nil {
		return nil, nil, err
	}
	return t, warns, nil
}

// closestKey suggests a supported key within edit distance 3.
func closestKey(k string) string {
	keys := make([]string, 0, len(supportedKeys))
	for s := range supportedKeys {
		keys = append(keys, s)
	}
	return suggest.Closest(k, keys, 3)
}
