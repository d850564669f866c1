// Package cluster knows how to reach Kafka: it turns flags, environment,
// contexts and a Java client.properties file into a Config and builds
// kgo/kadm clients from it. The embedded sandbox and the helpers that put a
// cluster into a known state live in internal/lab.
package cluster

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/kgroups/kgroups/internal/errs"
)

// Property is one key=value pair with where it came from, so errors can name
// the file and line (or the -X flag) that set it.
type Property struct {
	Key    string
	Value  string
	Source string // "client.properties:12" or "-X"
}

// Properties is an ordered set of client properties; later Set calls win.
type Properties struct {
	byKey map[string]Property
}

// NewProperties returns an empty property set.
func NewProperties() *Properties { return &Properties{byKey: map[string]Property{}} }

// Set records key=value from source, replacing any earlier value.
func (p *Properties) Set(key, value, source string) {
	p.byKey[key] = Property{Key: key, Value: value, Source: source}
}

// Get returns the property and whether it is set.
func (p *Properties) Get(key string) (Property, bool) {
	v, ok := p.byKey[key]
	return v, ok
}

// Keys returns the set keys in sorted order.
func (p *Properties) Keys() []string {
	return slices.Sorted(maps.Keys(p.byKey))
}

// InputError is bad user input (exit 2): kgroups' one input-error type.
type InputError = errs.InputError

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// LoadPropertiesFile reads a Java client.properties file.
func LoadPropertiesFile(path string, into *Properties) error {
	return loadPropertiesFrom(path, "--command-config "+path, into)
}

// loadPropertiesFrom reads a properties file; via names where the path was
// given, for the errors.
func loadPropertiesFrom(path, via string, into *Properties) error {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return inputErrorf("%s: file not found", via)
		}
		return inputErrorf("%s: cannot read: %v", via, unwrapPathError(err))
	}
	defer f.Close()
	return ParseProperties(f, path, into)
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// ParseProperties parses a client.properties file as Java's
// Properties.load(InputStream) does (kafka-consumer-groups.sh's
// --command-config): every byte is one ISO-8859-1 character (write other
// characters as \uXXXX; a UTF-8 "é" is read as the two characters "Ã©", as
// Java reads it); lines end at \n, \r or \r\n; key=value, key:value or
// "key value"; # and ! comment lines; a line ending in an odd number of
// backslashes continues on the next line, whose leading whitespace is
// dropped (inside any value, PEM included); escapes \t \n \r \f \uXXXX
// (surrogate pairs joined), any other escaped character is itself. name is
// used in error messages, which name the line and key but never the value.
func ParseProperties(r io.Reader, name string, into *Properties) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return inputErrorf("%s: cannot read: %v", name, err)
	}
	lines := splitLines(latin1(raw))
	for i := 0; i < len(lines); i++ {
		startLine := i + 1
		line := trimLeading(lines[i])
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		// Join continuation lines: an odd number of trailing backslashes.
		for endsWithContinuation(line) {
			line = line[:len(line)-1]
			if i+1 >= len(lines) {
				break
			}
			i++
			line += trimLeading(lines[i])
		}
		key, value, err := splitProperty(line)
		if err != nil {
			return inputErrorf("%s:%d: %v", name, startLine, err)
		}
		if key == "" {
			return inputErrorf("%s:%d: empty property name", name, startLine)
		}
		into.Set(key, value, fmt.Sprintf("%s:%d", name, startLine))
	}
	return nil
}

// latin1 decodes ISO-8859-1: byte b is code point b.
func latin1(b []byte) string {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

// splitLines splits at \n, \r and \r\n, as Java's LineReader does.
func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			out = append(out, s[start:i])
			start = i + 1
		case '\r':
			out = append(out, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func trimLeading(s string) string { return strings.TrimLeft(s, " \t\f") }

func endsWithContinuation(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitProperty splits a logical line into an unescaped key and value.
func splitProperty(line string) (string, string, error) {
	rs := []rune(line)
	var key strings.Builder
	i := 0
	for i < len(rs) {
		c := rs[i]
		if c == '\\' {
			r, n, err := unescape(rs[i:])
			if err != nil {
				return "", "", fmt.Errorf("property name: %v", err)
			}
			key.WriteString(r)
			i += n
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		key.WriteRune(c)
		i++
	}
	// Skip whitespace, at most one separator, then whitespace.
	for i < len(rs) && (rs[i] == ' ' || rs[i] == '\t' || rs[i] == '\f') {
		i++
	}
	if i < len(rs) && (rs[i] == '=' || rs[i] == ':') {
		i++
	}
	for i < len(rs) && (rs[i] == ' ' || rs[i] == '\t' || rs[i] == '\f') {
		i++
	}
	var val strings.Builder
	for i < len(rs) {
		if rs[i] == '\\' {
			r, n, err := unescape(rs[i:])
			if err != nil {
				return "", "", fmt.Errorf("%s: %v", key.String(), err)
			}
			val.WriteString(r)
			i += n
			continue
		}
		val.WriteRune(rs[i])
		i++
	}
	return key.String(), val.String(), nil
}

// unescape decodes one backslash escape at the start of s; a \uXXXX high
// surrogate followed by a \uXXXX low surrogate is one character.
func unescape(s []rune) (string, int, error) {
	if len(s) < 2 {
		return "", 1, nil
	}
	switch s[1] {
	case 't':
		return "\t", 2, nil
	case 'n':
		return "\n", 2, nil
	case 'r':
		return "\r", 2, nil
	case 'f':
		return "\f", 2, nil
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return "", 0, fmt.Errorf("malformed \\uXXXX escape (want 4 hex digits)")
		}
		if utf16.IsSurrogate(r) && r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if lo, ok := hex4(s[8:]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return string(utf16.DecodeRune(r, lo)), 12, nil
			}
		}
		return string(r), 6, nil
	default:
		return string(s[1]), 2, nil
	}
}

func hex4(s []rune) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, h := range s[:4] {
		r <<= 4
		switch {
		case h >= '0' && h <= '9':
			r |= h - '0'
		case h >= 'a' && h <= 'f':
			r |= h - 'a' + 10
		case h >= 'A' && h <= 'F':
			r |= h - 'A' + 10
		default:
			return 0, false
		}
	}
	return r, true
}

// ParseOverride parses one -X key=value flag value.
func ParseOverride(kv string, into *Properties) error {
	k, v, ok := strings.Cut(kv, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return inputErrorf("-X %q: want key=value, e.g. -X security.protocol=SASL_SSL", kv)
	}
	into.Set(k, strings.TrimSpace(v), "-X")
	return nil
}
