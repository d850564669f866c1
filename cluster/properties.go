// Package cluster knows how to reach Kafka: it turns flags, environment and a
// Java client.properties file into a Config, builds kgo/kadm clients from it,
// and runs the embedded sandbox cluster.
package cluster

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

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
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return inputErrorf("--command-config %s: file not found", path)
		}
		return inputErrorf("--command-config %s: cannot read: %v", path, unwrapPathError(err))
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

// ParseProperties parses the java.util.Properties format: key=value or
// key:value or "key value", # and ! comments, backslash line continuations
// and the escapes \t \n \r \f \\ \uXXXX. name is used in error messages.
func ParseProperties(r io.Reader, name string, into *Properties) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		startLine := lineNo
		line := strings.TrimLeft(sc.Text(), " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		// Join continuation lines: an odd number of trailing backslashes.
		for endsWithContinuation(line) && sc.Scan() {
			lineNo++
			line = line[:len(line)-1] + strings.TrimLeft(sc.Text(), " \t\f")
		}
		if endsWithContinuation(line) {
			line = line[:len(line)-1]
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
	if err := sc.Err(); err != nil {
		return inputErrorf("%s:%d: %v", name, lineNo+1, err)
	}
	return nil
}

func endsWithContinuation(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitProperty splits a logical line into an unescaped key and value.
func splitProperty(line string) (string, string, error) {
	var key strings.Builder
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' {
			r, n, err := unescape(line[i:])
			if err != nil {
				return "", "", err
			}
			key.WriteString(r)
			i += n
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		key.WriteByte(c)
		i++
	}
	// Skip whitespace, at most one separator, then whitespace.
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f') {
		i++
	}
	if i < len(line) && (line[i] == '=' || line[i] == ':') {
		i++
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f') {
		i++
	}
	var val strings.Builder
	for i < len(line) {
		if line[i] == '\\' {
			r, n, err := unescape(line[i:])
			if err != nil {
				return "", "", err
			}
			val.WriteString(r)
			i += n
			continue
		}
		val.WriteByte(line[i])
		i++
	}
	return key.String(), val.String(), nil
}

// unescape decodes one backslash escape at the start of s.
func unescape(s string) (string, int, error) {
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
		if len(s) < 6 {
			return "", 0, fmt.Errorf("malformed \\uXXXX escape")
		}
		var r rune
		for _, h := range s[2:6] {
			r <<= 4
			switch {
			case h >= '0' && h <= '9':
				r |= h - '0'
			case h >= 'a' && h <= 'f':
				r |= h - 'a' + 10
			case h >= 'A' && h <= 'F':
				r |= h - 'A' + 10
			default:
				return "", 0, fmt.Errorf("malformed \\uXXXX escape")
			}
		}
		return string(r), 6, nil
	default:
		return s[1:2], 2, nil
	}
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
