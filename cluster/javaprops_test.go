package cluster

import (
	"strings"
	"testing"
)

func TestPropertiesAsJavaReadsThem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, key, want string
	}{
		{"CR line ends", "a=1\rb=2\r\n", "b", "2"},
		{"continuation drops leading whitespace", "k=one \\\n    two\n", "k", "one two"},
		{"even backslashes do not continue", "k=x\\\\\nk2=y\n", "k", `x\`},
		{"continued line starting with # is not a comment", "k=a\\\n#b\n", "k", "a#b"},
		{"comment ending in backslash does not continue", "# c \\\nk=v\n", "k", "v"},
		{"escaped separator in key", "a\\=b=c\n", "a=b", "c"},
		{"colon and space separators", "k : v\n", "k", "v"},
		{"unicode escape", "k=caf\\u00e9\n", "k", "café"},
		{"surrogate pair", "k=\\uD83D\\uDE00\n", "k", "😀"},
		{"ISO-8859-1: each byte a character", "k=caf\xe9\n", "k", "café"},
		{"UTF-8 bytes read as ISO-8859-1, as Java does", "k=caf\xc3\xa9\n", "k", "cafÃ©"},
		{"other escapes are the character", "k=\\q\\:\n", "k", "q:"},
	}
	for _, c := range cases {
		p := NewProperties()
		if err := ParseProperties(strings.NewReader(c.in), "f", p); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, _ := p.Get(c.key); got.Value != c.want {
			t.Errorf("%s: %s=%q, want %q", c.name, c.key, got.Value, c.want)
		}
	}
	// A malformed escape names the line and key, never the value.
	p := NewProperties()
	err := ParseProperties(strings.NewReader("sasl.password=top\\uZZZZsecret\n"), "f", p)
	if err == nil || !strings.Contains(err.Error(), "f:1: sasl.password: malformed") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("malformed escape: %v", err)
	}
}

func TestJAASAsKafkaReadsIt(t *testing.T) {
	t.Parallel()
	const plain = "org.apache.kafka.common.security.plain.PlainLoginModule"
	cases := []struct {
		name, in, user, pass string
	}{
		{"double quotes", plain + ` required username="ops" password="s3cret";`, "ops", "s3cret"},
		{"single quotes", plain + ` required username='ops' password='s3cret';`, "ops", "s3cret"},
		{"unquoted words", plain + ` required username=ops password=s3cret;`, "ops", "s3cret"},
		{"the other quote inside", plain + ` required username="o'ps" password='a"b';`, "o'ps", `a"b`},
		{"escapes in quotes", plain + ` required username="a\"b" password="c\\d\te\101";`, `a"b`, "c\\d\teA"},
		{"multi-line, any whitespace", plain + "\n  REQUIRED\n\tusername = \"ops\"\n\tpassword = \"p w\"\n;", "ops", "p w"},
		{"comments", plain + ` required /* note */ username="ops" // rest of line` + "\n" + ` password="x";`, "ops", "x"},
	}
	for _, c := range cases {
		es, err := parseJAAS(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(es) != 1 || es[0].Module != plain || es[0].Options["username"] != c.user || es[0].Options["password"] != c.pass {
			t.Errorf("%s: %+v, want user %q password %q", c.name, es, c.user, c.pass)
		}
	}
	bad := []struct{ in, want string }{
		{plain + ` required username="ops" password="s3cret"`, "not terminated by a semicolon"},
		{plain + ` maybe username="ops";`, "invalid login module control flag"},
		{plain + ` required username= ;`, `value not specified for option "username"`},
		{plain, "control flag (required) not specified"},
		// An unquoted password with a space: the second word is not echoed.
		{plain + ` required username=ops password=top s3cret;`, "value not specified for an option (quote values"},
		{plain + ` required username=ops password=x; s3cret`, "control flag (required) not specified"},
	}
	for _, b := range bad {
		if _, err := parseJAAS(b.in); err == nil || !strings.Contains(err.Error(), b.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: %v, want %q", b.in, err, b.want)
		}
	}
}

func TestInlinePEMFromContinuedLines(t *testing.T) {
	t.Parallel()
	one := "-----BEGIN CERTIFICATE----- MIIBAAAA BBBB -----END CERTIFICATE-----"
	got := inlinePEM(one)
	if got != "-----BEGIN CERTIFICATE-----\nMIIBAAAABBBB\n-----END CERTIFICATE-----\n" {
		t.Fatalf("rebuilt %q", got)
	}
	if inlinePEM("not pem") != "not pem" {
		t.Fatal("non-PEM changed")
	}
}
