package cmd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// testPKI makes a CA and a server certificate for 127.0.0.1, and writes the
// CA as PEM. It returns the server TLS config and the CA file path.
func testPKI(t *testing.T) (*tls.Config, string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kgroups test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "broker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}}}, caFile
}

func writeProps(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "client.properties")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const secret = "s3cr3t-Pa55word"

func TestSASLMechanisms(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			c, env := fakeCluster(t, kfake.EnableSASL(), kfake.Superuser(mech, "ops", secret))
			module := "org.apache.kafka.common.security.scram.ScramLoginModule"
			if mech == "PLAIN" {
				module = "org.apache.kafka.common.security.plain.PlainLoginModule"
			}
			good := writeProps(t, "security.protocol=SASL_PLAINTEXT", "sasl.mechanism="+mech,
				`sasl.jaas.config=`+module+` required username="ops" password="`+secret+`";`)
			code, out, stderr := run(t, env, "list", "--command-config", good)
			if code != 0 || !strings.Contains(out+stderr, "No groups matched") {
				t.Fatalf("good credentials: exit %d\n%s%s", code, out, stderr)
			}
			_ = c
			bad := writeProps(t, "security.protocol=SASL_PLAINTEXT", "sasl.mechanism="+mech,
				`sasl.jaas.config=`+module+` required username="ops" password="wrong-`+secret+`";`)
			code, out, stderr = run(t, env, "describe", "--all", "--command-config", bad, "--timeout", "10s")
			if code != 1 {
				t.Fatalf("wrong password: exit %d, want 1\n%s", code, stderr)
			}
			if !strings.Contains(stderr, `authentication failed as user "ops" with `+mech) {
				t.Fatalf("wrong password message: %q", stderr)
			}
			if strings.Contains(out+stderr, secret) {
				t.Fatalf("password leaked: %q", out+stderr)
			}
			// -X overrides carry credentials too; they are not echoed either.
			code, out, stderr = run(t, env, "list", "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism="+mech,
				"-X", "sasl.username=ops", "-X", "sasl.password=nope-"+secret)
			if code != 1 || strings.Contains(out+stderr, secret) {
				t.Fatalf("-X wrong password: exit %d %q", code, out+stderr)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	srv, caFile := testPKI(t)
	_, env := fakeCluster(t, kfake.TLS(srv))

	code, _, stderr := run(t, env, "list", "-X", "security.protocol=SSL", "-X", "ssl.truststore.type=PEM", "-X", "ssl.truststore.location="+caFile)
	if code != 0 {
		t.Fatalf("verified TLS: exit %d %s", code, stderr)
	}
	// Verification is on by default: without the CA the handshake fails.
	code, _, stderr = run(t, env, "list", "-X", "security.protocol=SSL", "--timeout", "5s")
	if code != 1 || !strings.Contains(stderr, "certificate") {
		t.Fatalf("unverified TLS: exit %d %q", code, stderr)
	}
	// Turning verification off works and warns.
	code, _, stderr = run(t, env, "list", "-X", "security.protocol=SSL", "-X", "enable.ssl.certificate.verification=false")
	if code != 0 || !strings.Contains(stderr, "warning: TLS certificate verification is OFF") {
		t.Fatalf("insecure TLS: exit %d %q", code, stderr)
	}
}

func TestSASLOverTLS(t *testing.T) {
	srv, caFile := testPKI(t)
	_, env := fakeCluster(t, kfake.TLS(srv), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "ops", secret))
	props := writeProps(t, "security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-256",
		`sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="ops" password="`+secret+`";`,
		"ssl.truststore.type=PEM", "ssl.truststore.location="+caFile)
	code, _, stderr := run(t, env, "describe", "--all", "--command-config", props)
	if code != 0 {
		t.Fatalf("SASL_SSL: exit %d %s", code, stderr)
	}
}

// A client.properties written for the Java tools: single-quoted JAAS
// values (Kafka's JAAS parser takes ' and "), over kfake SASL.
func TestJavaStyleJAASAgainstKfake(t *testing.T) {
	t.Parallel()
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256"} {
		_, env := fakeCluster(t, kfake.EnableSASL(), kfake.Superuser(mech, "ops", secret))
		module := "org.apache.kafka.common.security.scram.ScramLoginModule"
		if mech == "PLAIN" {
			module = "org.apache.kafka.common.security.plain.PlainLoginModule"
		}
		props := writeProps(t, "security.protocol=SASL_PLAINTEXT", "sasl.mechanism="+mech,
			`sasl.jaas.config=`+module+` required \`,
			`    username='ops' \`,
			`    password='`+secret+`';`)
		code, out, stderr := run(t, env, "describe", "--all", "--command-config", props)
		if code != 0 {
			t.Fatalf("%s single-quoted JAAS: exit %d\n%s%s", mech, code, out, stderr)
		}
		// A JAAS syntax error names the file, line and key, never the secret.
		broken := writeProps(t, "security.protocol=SASL_PLAINTEXT", "sasl.mechanism="+mech,
			`sasl.jaas.config=`+module+` required username='ops' password='`+secret+`'`)
		code, out, stderr = run(t, env, "describe", "--all", "--command-config", broken)
		if code != 2 || !strings.Contains(stderr, "client.properties:3: sasl.jaas.config: the entry is not terminated by a semicolon") ||
			strings.Contains(out+stderr, secret) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Fatalf("%s broken JAAS: exit %d %q", mech, code, stderr)
		}
	}
}

// An inline PEM written with .properties line continuations, as the Java
// client accepts it, over kfake TLS.
func TestContinuedInlinePEMAgainstKfake(t *testing.T) {
	t.Parallel()
	srv, caFile := testPKI(t)
	_, env := fakeCluster(t, kfake.TLS(srv))
	ca, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(ca)), "\n")
	props := []string{"security.protocol=SSL", "ssl.truststore.type=PEM"}
	for i, l := range lines {
		switch {
		case i == 0:
			props = append(props, "ssl.truststore.certificates="+l+` \`)
		case i == len(lines)-1:
			props = append(props, "  "+l)
		default:
			props = append(props, "  "+l+` \`)
		}
	}
	code, out, stderr := run(t, env, "list", "--command-config", writeProps(t, props...))
	if code != 0 {
		t.Fatalf("continued PEM: exit %d\n%s%s", code, out, stderr)
	}
}
