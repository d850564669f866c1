package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kgroups/kgroups/internal/suggest"
)

// ConfigFile is the kgroups config file: named contexts and the current one.
// It keeps the parsed YAML so edits (use, add, delete) keep the comments.
type ConfigFile struct {
	Path           string
	Exists         bool
	CurrentContext string
	Contexts       []*Context // in file order
	Warnings       []Warning  // e.g. readable by others while holding a password

	doc *yaml.Node // document node; nil when the file does not exist
}

// Context is one named cluster in the config file.
type Context struct {
	Name          string
	Brokers       []string
	CommandConfig string // resolved against the config file's directory
	Properties    []ContextProperty
	Timeout       time.Duration // 0: not set
	Output        string        // "": not set; cmd validates it
	Line          int           // where the context is named
	fieldLines    map[string]int
	file          string
}

// ContextProperty is one inline client property. Exactly one of Value, Env
// and File is set: a value written in the file, or a reference to an
// environment variable or a file holding the value (a secret).
type ContextProperty struct {
	Key   string
	Value string
	Env   string
	File  string
	Line  int
}

// Secret reports whether the property holds a credential.
func (p ContextProperty) Secret() bool { return secretKey(p.Key) }

func secretKey(k string) bool {
	return k == "sasl.password" || k == "sasl.jaas.config" || k == "ssl.key.password" ||
		k == "ssl.keystore.key" || k == "ssl.keystore.password" || k == "ssl.truststore.password"
}

// Source names the file and line of a context field ("output", "timeout", ...).
func (c *Context) Source(field string) string {
	if l, ok := c.fieldLines[field]; ok {
		return fmt.Sprintf("%s:%d", c.file, l)
	}
	return fmt.Sprintf("%s:%d", c.file, c.Line)
}

// ConfigPath is $KGROUPS_CONFIG, else $XDG_CONFIG_HOME/kgroups/config.yaml,
// else $HOME/.config/kgroups/config.yaml ("" when none of them is set).
func ConfigPath(getenv func(string) string) string {
	if p := getenv("KGROUPS_CONFIG"); p != "" {
		return p
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "kgroups", "config.yaml")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "kgroups", "config.yaml")
	}
	return ""
}

var contextName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// ValidContextName checks a context name (no commas: --context a,b lists them).
func ValidContextName(name string) error {
	if !contextName.MatchString(name) {
		return inputErrorf("context name %q is not valid: use letters, digits, '.', '_' and '-' (starting with a letter or digit)", name)
	}
	return nil
}

var contextFields = []string{"brokers", "command-config", "properties", "timeout", "output"}

// LoadConfigFile reads and checks the config file at path. A missing file is
// an empty config (Exists false), not an error. Every error names file:line.
func LoadConfigFile(path string) (*ConfigFile, error) {
	cf := &ConfigFile{Path: path}
	if path == "" {
		return cf, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return cf, nil
		}
		return nil, inputErrorf("%s: cannot read: %v", path, unwrapPathError(err))
	}
	cf.Exists = true
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	if len(doc.Content) == 0 { // empty file
		return cf, nil
	}
	cf.doc = &doc
	if err := cf.parse(); err != nil {
		return nil, err
	}
	if cf.holdsPassword() && othersCanRead(path) {
		cf.Warnings = append(cf.Warnings, Warning(fmt.Sprintf("%s holds a password and other users can read it: chmod 600 %s, or reference the secret with {env: VAR} or {file: PATH}", path, path)))
	}
	return cf, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(path string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return inputErrorf("%s:%s: %s", path, m[1], m[2])
	}
	return inputErrorf("%s: %s", path, strings.TrimPrefix(msg, "yaml: "))
}

func (cf *ConfigFile) errAt(n *yaml.Node, format string, args ...any) error {
	return inputErrorf("%s:%d: %s", cf.Path, n.Line, fmt.Sprintf(format, args...))
}

func (cf *ConfigFile) root() *yaml.Node { return cf.doc.Content[0] }

// deref follows a YAML alias (*name) to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func (cf *ConfigFile) parse() error {
	root := cf.root()
	if root.Kind != yaml.MappingNode {
		return cf.errAt(root, "want a mapping with current-context and contexts")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], deref(root.Content[i+1])
		if seen[k.Value] {
			return cf.errAt(k, "%s is set twice", k.Value)
		}
		seen[k.Value] = true
		switch k.Value {
		case "current-context":
			if v.Kind != yaml.ScalarNode {
				return cf.errAt(v, "current-context: want a context name")
			}
			cf.CurrentContext = v.Value
		case "contexts":
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				continue
			}
			if v.Kind != yaml.MappingNode {
				return cf.errAt(v, "contexts: want a mapping of name: {brokers: ..., ...}")
			}
			names := map[string]bool{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				nk, nv := v.Content[j], deref(v.Content[j+1])
				if names[nk.Value] {
					return cf.errAt(nk, "context %q is defined twice", nk.Value)
				}
				names[nk.Value] = true
				c, err := cf.parseContext(nk, nv)
				if err != nil {
					return err
				}
				cf.Contexts = append(cf.Contexts, c)
			}
		default:
			msg := fmt.Sprintf("unknown key %q", k.Value)
			if s := suggest.Closest(k.Value, []string{"current-context", "contexts"}, 3); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return cf.errAt(k, "%s; valid: current-context, contexts", msg)
		}
	}
	if cf.CurrentContext != "" && cf.Context(cf.CurrentContext) == nil {
		n := root
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "current-context" {
				n = root.Content[i+1]
			}
		}
		return cf.errAt(n, "current-context %q is not a context in this file%s", cf.CurrentContext, cf.known())
	}
	return nil
}

func (cf *ConfigFile) known() string {
	if len(cf.Contexts) == 0 {
		return " (it defines none)"
	}
	return "; contexts: " + strings.Join(cf.Names(), ", ")
}

func (cf *ConfigFile) parseContext(k, v *yaml.Node) (*Context, error) {
	if err := ValidContextName(k.Value); err != nil {
		return nil, cf.errAt(k, "%v", err)
	}
	c := &Context{Name: k.Value, Line: k.Line, fieldLines: map[string]int{}, file: cf.Path}
	if v.Kind != yaml.MappingNode {
		return nil, cf.errAt(v, "context %q: want a mapping with brokers, command-config, properties, timeout, output", c.Name)
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		fk, fv := v.Content[i], deref(v.Content[i+1])
		if _, dup := c.fieldLines[fk.Value]; dup {
			return nil, cf.errAt(fk, "context %q: %s is set twice", c.Name, fk.Value)
		}
		c.fieldLines[fk.Value] = fk.Line
		switch fk.Value {
		case "brokers":
			switch fv.Kind {
			case yaml.ScalarNode:
				c.Brokers = splitBrokers(fv.Value)
			case yaml.SequenceNode:
				for _, b := range fv.Content {
					b = deref(b)
					if b.Kind != yaml.ScalarNode {
						return nil, cf.errAt(b, "context %q: brokers: want host:port strings", c.Name)
					}
					c.Brokers = append(c.Brokers, splitBrokers(b.Value)...)
				}
			default:
				return nil, cf.errAt(fv, "context %q: brokers: want a list of host:port or \"host:port,host:port\"", c.Name)
			}
			for _, b := range c.Brokers {
				if err := validBroker(b); err != nil {
					return nil, cf.errAt(fv, "context %q: %v", c.Name, err)
				}
			}
		case "command-config":
			if fv.Kind != yaml.ScalarNode || fv.Value == "" {
				return nil, cf.errAt(fv, "context %q: command-config: want the path of a client.properties file", c.Name)
			}
			c.CommandConfig = fv.Value
			if !filepath.IsAbs(c.CommandConfig) {
				c.CommandConfig = filepath.Join(filepath.Dir(cf.Path), c.CommandConfig)
			}
		case "properties":
			if fv.Kind != yaml.MappingNode {
				return nil, cf.errAt(fv, "context %q: properties: want a mapping of client property: value", c.Name)
			}
			keys := map[string]bool{}
			for j := 0; j+1 < len(fv.Content); j += 2 {
				pk, pv := fv.Content[j], deref(fv.Content[j+1])
				if keys[pk.Value] {
					return nil, cf.errAt(pk, "context %q: property %s is set twice", c.Name, pk.Value)
				}
				keys[pk.Value] = true
				p, err := cf.parseProperty(c.Name, pk, pv)
				if err != nil {
					return nil, err
				}
				c.Properties = append(c.Properties, p)
			}
		case "timeout":
			d, err := time.ParseDuration(fv.Value)
			if fv.Kind != yaml.ScalarNode || err != nil || d <= 0 {
				return nil, cf.errAt(fv, "context %q: timeout %q: want a positive duration such as 10s or 1m", c.Name, fv.Value)
			}
			c.Timeout = d
		case "output":
			if fv.Kind != yaml.ScalarNode {
				return nil, cf.errAt(fv, "context %q: output: want a format name", c.Name)
			}
			c.Output = fv.Value
		default:
			msg := fmt.Sprintf("context %q: unknown key %q", c.Name, fk.Value)
			if s := suggest.Closest(fk.Value, contextFields, 3); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return nil, cf.errAt(fk, "%s; valid: %s", msg, strings.Join(contextFields, ", "))
		}
	}
	if len(c.Brokers) == 0 && c.CommandConfig == "" && !slices.ContainsFunc(c.Properties, func(p ContextProperty) bool { return p.Key == "bootstrap.servers" }) {
		return nil, cf.errAt(k, "context %q names no brokers: set brokers: [host:port]", c.Name)
	}
	return c, nil
}

func (cf *ConfigFile) parseProperty(ctxName string, k, v *yaml.Node) (ContextProperty, error) {
	p := ContextProperty{Key: k.Value, Line: k.Line}
	switch v.Kind {
	case yaml.ScalarNode:
		p.Value = v.Value
		return p, nil
	case yaml.MappingNode:
		if len(v.Content) == 2 && v.Content[1].Kind == yaml.ScalarNode && v.Content[1].Value != "" {
			switch v.Content[0].Value {
			case "env":
				p.Env = v.Content[1].Value
				return p, nil
			case "file":
				p.File = v.Content[1].Value
				if !filepath.IsAbs(p.File) {
					p.File = filepath.Join(filepath.Dir(cf.Path), p.File)
				}
				return p, nil
			}
		}
	}
	return p, cf.errAt(v, "context %q: property %s: want a value, {env: VARIABLE} or {file: PATH}", ctxName, k.Value)
}

func (cf *ConfigFile) holdsPassword() bool {
	for _, c := range cf.Contexts {
		for _, p := range c.Properties {
			if p.Value == "" {
				continue
			}
			if p.Key == "sasl.password" || p.Key == "ssl.key.password" || p.Key == "ssl.keystore.key" ||
				(p.Key == "sasl.jaas.config" && strings.Contains(p.Value, "password")) {
				return true
			}
		}
	}
	return false
}

// othersCanRead reports whether the file's mode lets group or others read it.
func othersCanRead(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().Perm()&0o044 != 0
}

// Context returns the named context, or nil.
func (cf *ConfigFile) Context(name string) *Context {
	for _, c := range cf.Contexts {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Names lists the context names in file order.
func (cf *ConfigFile) Names() []string {
	out := make([]string, 0, len(cf.Contexts))
	for _, c := range cf.Contexts {
		out = append(out, c.Name)
	}
	return out
}

// Lookup returns the named context or an input error naming the file and
// the contexts it has.
func (cf *ConfigFile) Lookup(name, via string) (*Context, error) {
	if c := cf.Context(name); c != nil {
		return c, nil
	}
	if !cf.Exists {
		return nil, inputErrorf("%s %q: no config file at %s (kgroups context add %s --brokers host:port creates it)", via, name, cf.Path, name)
	}
	msg := fmt.Sprintf("%s %q: no such context in %s%s", via, name, cf.Path, cf.known())
	if s := suggest.Closest(name, cf.Names(), 2); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return nil, &InputError{Msg: msg}
}

// contextProperties loads a context's client properties: its command-config
// file first, then its inline properties (secrets read from their env
// variable or file), then its brokers as bootstrap.servers.
func (c *Context) loadProperties(into *Properties, getenv func(string) string) ([]Warning, error) {
	var warns []Warning
	if c.CommandConfig != "" {
		if err := loadPropertiesFrom(c.CommandConfig, fmt.Sprintf("%s (command-config of context %q)", c.Source("command-config"), c.Name), into); err != nil {
			return nil, err
		}
		if w := passwordFileWarning(c.CommandConfig, into); w != "" {
			warns = append(warns, w)
		}
	}
	for _, p := range c.Properties {
		src := fmt.Sprintf("%s:%d", c.file, p.Line)
		val := p.Value
		switch {
		case p.Env != "":
			val = getenv(p.Env)
			if val == "" {
				return nil, inputErrorf("%s: context %q: %s comes from environment variable %s, which is not set", src, c.Name, p.Key, p.Env)
			}
		case p.File != "":
			b, err := os.ReadFile(p.File)
			if err != nil {
				return nil, inputErrorf("%s: context %q: %s comes from file %s: cannot read: %v", src, c.Name, p.Key, p.File, unwrapPathError(err))
			}
			val = string(bytes.TrimRight(b, "\r\n"))
			if othersCanRead(p.File) {
				warns = append(warns, Warning(fmt.Sprintf("%s holds %s for context %q and other users can read it: chmod 600 %s", p.File, p.Key, c.Name, p.File)))
			}
		}
		into.Set(p.Key, val, src)
	}
	if len(c.Brokers) > 0 {
		into.Set("bootstrap.servers", strings.Join(c.Brokers, ","), fmt.Sprintf("context %q (%s)", c.Name, c.Source("brokers")))
	}
	return warns, nil
}

// passwordFileWarning warns when a properties file that set a password is
// readable by other users.
func passwordFileWarning(path string, p *Properties) Warning {
	for _, k := range []string{"sasl.password", "sasl.jaas.config"} {
		if v, ok := p.Get(k); ok && strings.HasPrefix(v.Source, path+":") && strings.Contains(k+v.Value, "password") && othersCanRead(path) {
			return Warning(fmt.Sprintf("%s holds a password and other users can read it: chmod 600 %s", path, path))
		}
	}
	return ""
}

// ---- editing (kgroups context use|add|delete) ----

func (cf *ConfigFile) ensureDoc() {
	if cf.doc == nil {
		cf.doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

// mapValue finds key in a mapping node.
func mapValue(m *yaml.Node, key string) (int, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i, m.Content[i+1]
		}
	}
	return -1, nil
}

// SetCurrent makes name the current context ("" clears it).
func (cf *ConfigFile) SetCurrent(name string) {
	cf.ensureDoc()
	root := cf.root()
	i, v := mapValue(root, "current-context")
	switch {
	case name == "" && i >= 0:
		root.Content = slices.Delete(root.Content, i, i+2)
	case name == "":
	case v != nil:
		v.Kind, v.Tag, v.Value = yaml.ScalarNode, "!!str", name
	default:
		root.Content = append([]*yaml.Node{scalar("current-context"), scalar(name)}, root.Content...)
	}
	cf.CurrentContext = name
}

// Add appends a context (it must not exist yet).
func (cf *ConfigFile) Add(c *Context) error {
	if err := ValidContextName(c.Name); err != nil {
		return err
	}
	if cf.Context(c.Name) != nil {
		return inputErrorf("context %q already exists in %s (kgroups context delete %s first)", c.Name, cf.Path, c.Name)
	}
	cf.ensureDoc()
	root := cf.root()
	_, ctxs := mapValue(root, "contexts")
	if ctxs == nil || ctxs.Kind != yaml.MappingNode {
		if i, _ := mapValue(root, "contexts"); i >= 0 {
			root.Content = slices.Delete(root.Content, i, i+2)
		}
		ctxs = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		root.Content = append(root.Content, scalar("contexts"), ctxs)
	}
	body := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if len(c.Brokers) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, b := range c.Brokers {
			seq.Content = append(seq.Content, scalar(b))
		}
		body.Content = append(body.Content, scalar("brokers"), seq)
	}
	if c.CommandConfig != "" {
		body.Content = append(body.Content, scalar("command-config"), scalar(c.CommandConfig))
	}
	if len(c.Properties) > 0 {
		props := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, p := range c.Properties {
			var v *yaml.Node
			switch {
			case p.Env != "":
				v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Content: []*yaml.Node{scalar("env"), scalar(p.Env)}}
			case p.File != "":
				v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Content: []*yaml.Node{scalar("file"), scalar(p.File)}}
			default:
				v = scalar(p.Value)
			}
			props.Content = append(props.Content, scalar(p.Key), v)
		}
		body.Content = append(body.Content, scalar("properties"), props)
	}
	if c.Timeout > 0 {
		body.Content = append(body.Content, scalar("timeout"), scalar(c.Timeout.String()))
	}
	if c.Output != "" {
		body.Content = append(body.Content, scalar("output"), scalar(c.Output))
	}
	ctxs.Content = append(ctxs.Content, scalar(c.Name), body)
	c.file = cf.Path
	cf.Contexts = append(cf.Contexts, c)
	return nil
}

// Delete removes a context; if it was current, no context is current after.
func (cf *ConfigFile) Delete(name string) error {
	if _, err := cf.Lookup(name, "context delete"); err != nil {
		return err
	}
	_, ctxs := mapValue(cf.root(), "contexts")
	if i, _ := mapValue(ctxs, name); i >= 0 {
		ctxs.Content = slices.Delete(ctxs.Content, i, i+2)
	}
	cf.Contexts = slices.DeleteFunc(cf.Contexts, func(c *Context) bool { return c.Name == name })
	if cf.CurrentContext == name {
		cf.SetCurrent("")
	}
	return nil
}

// Save writes the file atomically, creating its directory (0700) and the
// file (0600) when needed; an existing file keeps its mode.
func (cf *ConfigFile) Save() error {
	if cf.Path == "" {
		return inputErrorf("no config file location: set KGROUPS_CONFIG, XDG_CONFIG_HOME or HOME")
	}
	cf.ensureDoc()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cf.doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	target := cf.Path // a symlinked file (dotfiles) is written where it points
	if p, err := filepath.EvalSymlinks(cf.Path); err == nil {
		target = p
	}
	mode := os.FileMode(0o600)
	if st, err := os.Stat(target); err == nil {
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("%s: %v", dir, unwrapPathError(err))
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("%s: %v", target, unwrapPathError(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	cf.Exists = true
	return nil
}

// Redacted is a property value fit to print: secrets become <redacted>,
// references say where the value comes from.
func (p ContextProperty) Redacted() string {
	switch {
	case p.Env != "":
		return "{env: " + p.Env + "}"
	case p.File != "":
		return "{file: " + p.File + "}"
	case p.Key == "sasl.jaas.config":
		return redactJAAS(p.Value)
	case p.Secret():
		return "<redacted>"
	}
	return p.Value
}

var jaasPassword = regexp.MustCompile(`(password\s*=\s*)("(?:[^"\\]|\\.)*"|[^\s;"]+)`)

func redactJAAS(s string) string {
	return jaasPassword.ReplaceAllString(s, `${1}"<redacted>"`)
}

// Summary is a one-line description of a context's brokers.
func (c *Context) Summary() string {
	if len(c.Brokers) > 0 {
		return strings.Join(c.Brokers, ",")
	}
	for _, p := range c.Properties {
		if p.Key == "bootstrap.servers" {
			return p.Value
		}
	}
	if c.CommandConfig != "" {
		return "(bootstrap.servers in " + c.CommandConfig + ")"
	}
	return "-"
}

// ContextsDoc is `kgroups context list -o json`.
type ContextsDoc struct {
	SchemaVersion  int           `json:"schema_version" yaml:"schema_version"`
	ConfigFile     string        `json:"config_file" yaml:"config_file"`
	CurrentContext *string       `json:"current_context" yaml:"current_context"`
	Contexts       []ContextView `json:"contexts" yaml:"contexts"`
}

// ContextView is a context fit to print: secrets are redacted, references
// say where the secret comes from.
type ContextView struct {
	SchemaVersion int            `json:"schema_version,omitempty" yaml:"schema_version,omitempty"` // set by context show
	Name          string         `json:"name" yaml:"name"`
	Current       bool           `json:"current" yaml:"current"`
	Brokers       []string       `json:"brokers" yaml:"brokers"`
	CommandConfig *string        `json:"command_config" yaml:"command_config"`
	Properties    []PropertyView `json:"properties" yaml:"properties"`
	TimeoutMs     *int64         `json:"timeout_ms" yaml:"timeout_ms"`
	Output        *string        `json:"output" yaml:"output"`
}

// PropertyView is one redacted property.
type PropertyView struct {
	Key   string `json:"key" yaml:"key"`
	Value string `json:"value" yaml:"value"`
}

// View is the printable, redacted form of a context.
func (c *Context) View(current bool) ContextView {
	v := ContextView{Name: c.Name, Current: current, Brokers: append([]string{}, c.Brokers...), Properties: []PropertyView{}}
	if c.CommandConfig != "" {
		s := c.CommandConfig
		v.CommandConfig = &s
	}
	for _, p := range c.Properties {
		v.Properties = append(v.Properties, PropertyView{Key: p.Key, Value: p.Redacted()})
	}
	if c.Timeout > 0 {
		ms := c.Timeout.Milliseconds()
		v.TimeoutMs = &ms
	}
	if c.Output != "" {
		s := c.Output
		v.Output = &s
	}
	return v
}

// View lists every context, redacted.
func (cf *ConfigFile) View() ContextsDoc {
	doc := ContextsDoc{SchemaVersion: 1, ConfigFile: cf.Path, Contexts: []ContextView{}}
	if cf.CurrentContext != "" {
		s := cf.CurrentContext
		doc.CurrentContext = &s
	}
	for _, c := range cf.Contexts {
		doc.Contexts = append(doc.Contexts, c.View(c.Name == cf.CurrentContext))
	}
	return doc
}

// CheckProperty says whether kgroups knows a client property key (for
// `kgroups context add -X`); the values are checked when the context is used.
func CheckProperty(key, source string) error {
	if _, ok := supportedKeys[key]; ok {
		return nil
	}
	msg := fmt.Sprintf("%s: unsupported property %q", source, key)
	if s := closestKey(key); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return &InputError{Msg: msg}
}

// ValidBroker checks one host:port.
func ValidBroker(b string) error {
	if err := validBroker(b); err != nil {
		return &InputError{Msg: err.Error()}
	}
	return nil
}

// Check validates a new context's properties the way using it will, before
// it is saved: keys, security.protocol, mechanisms, TLS files. Secrets given
// by reference, and SASL credentials that KGROUPS_SASL_* may supply when the
// context is used, are not required here.
func (c *Context) Check() error {
	props := NewProperties()
	if c.CommandConfig != "" {
		if err := loadPropertiesFrom(c.CommandConfig, "--command-config "+c.CommandConfig, props); err != nil {
			return err
		}
	}
	for _, p := range c.Properties {
		v := p.Value
		if p.Env != "" || p.File != "" {
			v = "reference"
		}
		props.Set(p.Key, v, "-X")
	}
	for _, k := range []string{"sasl.username", "sasl.password"} {
		if _, ok := props.Get(k); !ok {
			props.Set(k, "checked-when-used", "context "+c.Name)
		}
	}
	_, _, err := FromProperties(props)
	return err
}
