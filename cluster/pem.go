package cluster

import (
	"regexp"
	"strings"
)

var pemBlock = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----`)

// inlinePEM rebuilds PEM text given inline in a property. A value written
// with .properties line continuations arrives as one line
// ("-----BEGIN CERTIFICATE----- MIIB... -----END CERTIFICATE-----"), which
// Kafka's Java client accepts (it ignores whitespace inside the base64) and
// Go's PEM decoder does not; each block is rewritten with its base64 on
// lines of 64 characters. Text that is not PEM is returned unchanged, so the
// PEM checks still report it.
func inlinePEM(v string) string {
	blocks := pemBlock.FindAllStringSubmatch(v, -1)
	if len(blocks) == 0 {
		return v
	}
	var b strings.Builder
	for _, m := range blocks {
		body := strings.Join(strings.Fields(m[2]), "")
		b.WriteString("-----BEGIN " + m[1] + "-----\n")
		for len(body) > 64 {
			b.WriteString(body[:64] + "\n")
			body = body[64:]
		}
		if body != "" {
			b.WriteString(body + "\n")
		}
		b.WriteString("-----END " + m[3] + "-----\n")
	}
	return b.String()
}
