package cluster

import (
	"fmt"
	"strings"
)

// jaasEntry is one login module of a sasl.jaas.config value.
type jaasEntry struct {
	Module  string
	Flag    string
	Options map[string]string
}

// jaasToken is one token of Kafka's JAAS tokenizer: a word or quoted
// string (isText), or one ordinary character (';', '=', ...).
type jaasToken struct {
	text   string
	isText bool
	char   rune
	eof    bool
}

// jaasLexer reads a sasl.jaas.config value the way Kafka's JaasConfig sets
// up java.io.StreamTokenizer: characters 0-32 are whitespace; '/' starts a
// comment to the end of the line, as do "//" and "/* ... */"; ' and " quote
// a string (ended by the same quote or the end of the line), in which
// \b \f \n \r \t \a \v, octal \NNN and \<any> are escapes; ';' and '=' are
// tokens of their own; 33-128 (but ; = / ' "), 160-255 and everything above
// 255 are word characters; 129-159 are single-character tokens.
type jaasLexer struct {
	s []rune
	i int
}

func jaasWordChar(c rune) bool {
	switch {
	case c == ';' || c == '=' || c == '/' || c == '"' || c == '\'':
		return false
	case c > 32 && c <= 128, c >= 160:
		return true
	}
	return false
}

func (l *jaasLexer) next() jaasToken {
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c <= 32:
			l.i++
			continue
		case c == '/':
			if l.i+1 < len(l.s) && l.s[l.i+1] == '*' {
				l.i += 2
				for l.i < len(l.s) && !(l.s[l.i] == '*' && l.i+1 < len(l.s) && l.s[l.i+1] == '/') {
					l.i++
				}
				l.i += 2
				continue
			}
			for l.i < len(l.s) && l.s[l.i] != '\n' && l.s[l.i] != '\r' {
				l.i++
			}
			continue
		case c == '"' || c == '\'':
			return l.quoted(c)
		case jaasWordChar(c):
			start := l.i
			for l.i < len(l.s) && jaasWordChar(l.s[l.i]) {
				l.i++
			}
			return jaasToken{text: string(l.s[start:l.i]), isText: true}
		default:
			l.i++
			return jaasToken{char: c}
		}
	}
	return jaasToken{eof: true}
}

func (l *jaasLexer) quoted(q rune) jaasToken {
	l.i++ // the opening quote
	var b strings.Builder
	for l.i < len(l.s) {
		c := l.s[l.i]
		if c == q {
			l.i++
			break
		}
		if c == '\n' || c == '\r' {
			break // StreamTokenizer ends an unclosed string at the line end
		}
		l.i++
		if c != '\\' || l.i >= len(l.s) {
			b.WriteRune(c)
			continue
		}
		e := l.s[l.i]
		l.i++
		switch e {
		case 'a':
			b.WriteRune(7)
		case 'b':
			b.WriteRune('\b')
		case 'f':
			b.WriteRune('\f')
		case 'n':
			b.WriteRune('\n')
		case 'r':
			b.WriteRune('\r')
		case 't':
			b.WriteRune('\t')
		case 'v':
			b.WriteRune('\v')
		default:
			if e >= '0' && e <= '7' {
				// Up to three octal digits (three only when the first is 0-3).
				v := e - '0'
				maxDigits := 2
				if e > '3' {
					maxDigits = 1
				}
				for k := 0; k < maxDigits && l.i < len(l.s) && l.s[l.i] >= '0' && l.s[l.i] <= '7'; k++ {
					v = v*8 + (l.s[l.i] - '0')
					l.i++
				}
				b.WriteRune(v)
				continue
			}
			b.WriteRune(e)
		}
	}
	return jaasToken{text: b.String(), isText: true}
}

// jaasKnownOptions may be named in errors; any other word might be a piece
// of a value (an unquoted password with a space), so it is not repeated.
var jaasKnownOptions = map[string]bool{"username": true, "password": true}

func jaasOptionName(k string) string {
	if jaasKnownOptions[k] {
		return fmt.Sprintf("option %q", k)
	}
	return "an option (quote values that contain spaces, ; = / or quotes)"
}

// parseJAAS parses a sasl.jaas.config value:
// <LoginModule> <flag> (<option>=<value>)* ; — Kafka's grammar. Errors
// name only well-known options, never values or other words.
func parseJAAS(v string) ([]jaasEntry, error) {
	l := &jaasLexer{s: []rune(v)}
	var out []jaasEntry
	for tok := l.next(); !tok.eof; tok = l.next() {
		if !tok.isText {
			return nil, fmt.Errorf("want a login module class first")
		}
		e := jaasEntry{Module: tok.text, Options: map[string]string{}}
		flag := l.next()
		if flag.eof || !flag.isText {
			return nil, fmt.Errorf("login module control flag (required) not specified after the login module class")
		}
		switch strings.ToLower(flag.text) {
		case "required", "requisite", "sufficient", "optional":
			e.Flag = strings.ToLower(flag.text)
		default:
			return nil, fmt.Errorf("invalid login module control flag (want required, requisite, sufficient or optional)")
		}
		terminated := false
		for {
			k := l.next()
			if k.eof {
				break
			}
			if !k.isText && k.char == ';' {
				terminated = true
				break
			}
			if !k.isText {
				return nil, fmt.Errorf("unexpected character where an option name should be")
			}
			if eq := l.next(); eq.isText || eq.char != '=' {
				return nil, fmt.Errorf("value not specified for %s", jaasOptionName(k.text))
			}
			val := l.next()
			if !val.isText {
				return nil, fmt.Errorf("value not specified for %s", jaasOptionName(k.text))
			}
			e.Options[k.text] = val.text
		}
		if !terminated {
			return nil, fmt.Errorf("the entry is not terminated by a semicolon")
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no login module")
	}
	return out, nil
}
