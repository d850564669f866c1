package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kgroups/kgroups/internal/errs"
)

// Build turns the PEM settings into a tls.Config with verification on unless
// explicitly disabled.
func (t *TLSSettings) Build() (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(t.CAPEM) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(t.CAPEM) {
			return nil, inputErrorf("%s: no PEM certificate found", t.CAFrom)
		}
		c.RootCAs = pool
	}
	if len(t.CertPEM) > 0 || len(t.KeyPEM) > 0 {
		cert, err := tls.X509KeyPair(onlyBlocks(t.CertPEM, "CERTIFICATE"), onlyKeyBlocks(t.KeyPEM))
		if err != nil {
			return nil, inputErrorf("client certificate/key (ssl.keystore.* or ssl.certificate/key.location): %v", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	switch {
	case t.InsecureSkipVerify:
		c.InsecureSkipVerify = true
	case t.NoHostnameVerify:
		// Verify the chain ourselves, without the DNS name check.
		roots := c.RootCAs
		c.InsecureSkipVerify = true
		c.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("broker sent no certificate")
			}
			certs := make([]*x509.Certificate, len(raw))
			for i, r := range raw {
				cert, err := x509.ParseCertificate(r)
				if err != nil {
					return err
				}
				certs[i] = cert
			}
			inter := x509.NewCertPool()
			for _, ct := range certs[1:] {
				inter.AddCert(ct)
			}
			_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return c, nil
}

func onlyBlocks(b []byte, typ string) []byte {
	var out []byte
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		if blk.Type == typ {
			out = append(out, pem.EncodeToMemory(blk)...)
		}
	}
}

func onlyKeyBlocks(b []byte) []byte {
	var out []byte
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return out
		}
		if strings.Contains(blk.Type, "PRIVATE KEY") {
			out = append(out, pem.EncodeToMemory(blk)...)
		}
	}
}

// Clients is a connected kgo client and its admin wrapper.
type Clients struct {
	Kgo   *kgo.Client
	Admin *kadm.Client
	Cfg   Config
}

// Close releases the connections.
func (c *Clients) Close() { c.Kgo.Close() }

// Connect builds clients for cfg. It does not dial: the first request does.
func Connect(cfg Config, extra ...kgo.Opt) (*Clients, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ClientID(cfg.ClientID),
		kgo.DialTimeout(min(cfg.Timeout, 5*time.Second)),
		kgo.RequestTimeoutOverhead(min(cfg.Timeout, 10*time.Second)),
		kgo.RetryTimeout(cfg.Timeout),
		kgo.RequestRetries(5),
		kgo.MetadataMinAge(250 * time.Millisecond),
	}
	if cfg.TLS != nil {
		tc, err := cfg.TLS.Build()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if cfg.SASL != nil {
		switch cfg.SASL.Mechanism {
		case "PLAIN":
			opts = append(opts, kgo.SASL(plain.Auth{User: cfg.SASL.User, Pass: cfg.SASL.Password}.AsMechanism()))
		case "SCRAM-SHA-256":
			opts = append(opts, kgo.SASL(scram.Auth{User: cfg.SASL.User, Pass: cfg.SASL.Password}.AsSha256Mechanism()))
		case "SCRAM-SHA-512":
			opts = append(opts, kgo.SASL(scram.Auth{User: cfg.SASL.User, Pass: cfg.SASL.Password}.AsSha512Mechanism()))
		}
	}
	opts = append(opts, extra...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, &InputError{Msg: "cannot build client: " + redact(err.Error(), cfg)}
	}
	return &Clients{Kgo: cl, Admin: kadm.NewClient(cl), Cfg: cfg}, nil
}

// ClusterError is a failure to reach or authenticate with the cluster: exit 1.
type ClusterError struct {
	Msg string
	Err error
}

func (e *ClusterError) Error() string { return e.Msg }
func (e *ClusterError) Unwrap() error { return e.Err }

// ExitCode: a cluster failure is a runtime error (exit 1).
func (e *ClusterError) ExitCode() int { return errs.ExitError }

// Explain rewrites a low-level client error into one clear sentence naming
// the brokers, and never the password.
func Explain(err error, cfg Config) error {
	if err == nil {
		return nil
	}
	var coded errs.Coded // already classed where it was made (input, refusal, cluster, ...)
	if errors.As(err, &coded) {
		return err
	}
	brokers := strings.Join(cfg.Brokers, ",")
	var ke *kerr.Error
	var ne net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, kerr.SaslAuthenticationFailed) || errors.Is(err, kerr.IllegalSaslState):
		user := ""
		if cfg.SASL != nil {
			user = fmt.Sprintf(" as user %q with %s", cfg.SASL.User, cfg.SASL.Mechanism)
		}
		return &ClusterError{Msg: fmt.Sprintf("authentication failed%s at %s: check the username and password", user, brokers), Err: err}
	case cfg.SASL != nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		// Kafka answers SASL_AUTHENTICATION_FAILED; some brokers (kfake,
		// proxies) just close the connection during the SASL exchange.
		return &ClusterError{Msg: fmt.Sprintf("authentication failed as user %q with %s at %s: the broker closed the connection "+
			"(check the username, password, sasl.mechanism and security.protocol)", cfg.SASL.User, cfg.SASL.Mechanism, brokers), Err: err}
	case errors.Is(err, kerr.UnsupportedSaslMechanism):
		return &ClusterError{Msg: fmt.Sprintf("the brokers at %s do not accept SASL mechanism %s", brokers, cfg.SASL.Mechanism), Err: err}
	case errors.As(err, &ke) && (ke == kerr.TopicAuthorizationFailed || ke == kerr.GroupAuthorizationFailed || ke == kerr.ClusterAuthorizationFailed):
		return &ClusterError{Msg: fmt.Sprintf("not authorized: %s", ke.Description), Err: err}
	case errors.Is(err, context.DeadlineExceeded) || answerTimedOut(err):
		return &ClusterError{Msg: fmt.Sprintf("no answer from %s within --timeout %s", brokers, cfg.Timeout), Err: err}
	case errors.As(err, &opErr) || errors.As(err, &ne):
		return &ClusterError{Msg: fmt.Sprintf("cannot reach %s: %s", brokers, redact(err.Error(), cfg)), Err: err}
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		return &ClusterError{Msg: fmt.Sprintf("TLS handshake with %s failed: %s", brokers, redact(err.Error(), cfg)), Err: err}
	}
	return &ClusterError{Msg: redact(err.Error(), cfg), Err: err}
}

// answerTimedOut reports a read or write deadline on a connection that was
// already open: the broker accepted the request but did not answer in time
// (kgo sets the deadline from the request timeout). A timeout while dialing
// is a reachability problem and is not matched here.
func answerTimedOut(err error) bool {
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op == "dial" {
		return false
	}
	return opErr.Timeout()
}

func redact(s string, cfg Config) string {
	if cfg.SASL != nil && cfg.SASL.Password != "" {
		s = strings.ReplaceAll(s, cfg.SASL.Password, "<redacted>")
	}
	return s
}

// ClusterID asks the cluster for its id (Metadata v2+, no topics). It is
// nil, not an error, when the broker reports none.
func ClusterID(ctx context.Context, cl *kgo.Client) (*string, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{} // none (nil would mean all)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	if resp.ClusterID == nil || *resp.ClusterID == "" {
		return nil, nil
	}
	id := *resp.ClusterID
	return &id, nil
}
