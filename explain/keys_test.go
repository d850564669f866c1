package explain

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// need skips a test whose source is not on the machine, except in CI
// (.ci/run installs kcat and python3-kafka), where it fails.
func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is needed in CI: %v", what, err)
	}
	t.Skipf("%s not available: %v", what, err)
}

// normDefault makes a catalogue default and a table default comparable:
// case, assignor class names (Java's and kafka-python's) to their names.
func normDefault(v string) string {
	var out []string
	for _, p := range strings.Split(strings.ToLower(v), ",") {
		p = strings.TrimSpace(p)
		if i := strings.LastIndex(p, "."); i >= 0 && strings.Contains(p, "assignor") {
			p = p[i+1:]
		}
		switch p {
		case "rangeassignor", "rangepartitionassignor":
			p = "range"
		case "roundrobinassignor", "roundrobinpartitionassignor":
			p = "roundrobin"
		case "cooperativestickyassignor":
			p = "cooperative-sticky"
		}
		out = append(out, p)
	}
	return strings.Join(out, ",")
}

// The checked catalogue (Keys) and the per-client tables must agree: a
// default the rules use is the default the client's source gives, and a key
// the catalogue says a client lacks is absent from that client's table.
func TestCatalogueMatchesClientTables(t *testing.T) {
	t.Parallel()
	for name, k := range Keys {
		for _, c := range Clients {
			def := k.Defaults[c]
			n := nativeName(c, name)
			if c == FranzGo {
				if _, ok := Tables[FranzGo].Keys[name]; ok {
					n = name
				} else {
					n = ""
				}
			}
			switch {
			case def == "" && n != "" && Tables[c].Keys[n].Default != "" && !Tables[c].Keys[n].Producer:
				t.Errorf("%s: the catalogue says %s has no such setting; its table has %s=%q", name, c, n, Tables[c].Keys[n].Default)
			case def == "" || strings.HasPrefix(def, "("):
			case n == "":
				t.Errorf("%s: the catalogue gives %s a default %q but its table (%s) has no such key", name, c, def, Tables[c].Source)
			case normDefault(def) != normDefault(Tables[c].Keys[n].Default):
				t.Errorf("%s: %s default %q in the catalogue, %q in %s", name, c, def, Tables[c].Keys[n].Default, Tables[c].Source)
			}
		}
	}
}

// librdkafka's table against `kcat -X list` of the installed librdkafka.
func TestLibrdkafkaTableMatchesKcat(t *testing.T) {
	t.Parallel()
	v, err := exec.Command("kcat", "-V").CombinedOutput()
	need(t, "kcat", err)
	if !strings.Contains(string(v), "librdkafka "+Tables[Librdkafka].Version+" ") {
		need(t, "kcat linked with librdkafka "+Tables[Librdkafka].Version, errString("kcat -V: "+strings.TrimSpace(string(v))))
	}
	out, err := exec.Command("kcat", "-X", "list").Output()
	need(t, "kcat -X list", err)
	seen := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		col := strings.Split(line, "|")
		if len(col) < 6 || strings.HasPrefix(col[0], "Property") || strings.HasPrefix(col[0], "---") {
			continue
		}
		name := strings.TrimSpace(col[0])
		if seen[name] {
			continue
		}
		seen[name] = true
		k, ok := Tables[Librdkafka].Keys[name]
		if !ok {
			t.Errorf("kcat lists %s; the table does not", name)
			continue
		}
		if d := strings.TrimSpace(col[3]); d != k.Default {
			t.Errorf("%s: default %q in kcat, %q in the table", name, d, k.Default)
		}
		if r := strings.TrimSpace(col[2]); r != k.Accepted {
			t.Errorf("%s: range %q in kcat, %q in the table", name, r, k.Accepted)
		}
		if p := strings.TrimSpace(col[1]) == "P"; p != k.Producer {
			t.Errorf("%s: producer %v in kcat, %v in the table", name, p, k.Producer)
		}
	}
	for name := range Tables[Librdkafka].Keys {
		if !seen[name] {
			t.Errorf("the table has %s; kcat does not list it", name)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// kafka-python's table against the installed KafkaConsumer.DEFAULT_CONFIG.
func TestKafkaPythonTableMatchesDefaultConfig(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("/usr/bin/python3", "-c", `import kafka
from kafka import KafkaConsumer
print(kafka.__version__)
for k, v in KafkaConsumer.DEFAULT_CONFIG.items():
    print(k + "\t" + (repr(v) if isinstance(v, (int, float, str, bool)) or v is None else "*"))`).Output()
	need(t, "python3-kafka", err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[0] != Tables[KafkaPython].Version {
		need(t, "kafka-python "+Tables[KafkaPython].Version, errString("installed: "+lines[0]))
	}
	seen := map[string]bool{}
	for _, line := range lines[1:] {
		name, val, _ := strings.Cut(line, "\t")
		seen[name] = true
		k, ok := Tables[KafkaPython].Keys[name]
		if !ok {
			t.Errorf("DEFAULT_CONFIG has %s; the table does not", name)
			continue
		}
		if val == "None" {
			val = ""
		}
		val = strings.Trim(val, "'")
		if val != "*" && val != k.Default {
			t.Errorf("%s: default %s in kafka-python, %q in the table", name, val, k.Default)
		}
	}
	if len(seen) != len(Tables[KafkaPython].Keys) {
		t.Errorf("DEFAULT_CONFIG has %d keys, the table %d", len(seen), len(Tables[KafkaPython].Keys))
	}
}

// franz-go's table against pkg/kgo/config.go of the module kgroups builds
// with: every option exists, every recorded default expression is the one in
// defaultCfg.
func TestFranzGoTableMatchesConfigGo(t *testing.T) {
	t.Parallel()
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/twmb/franz-go").Output()
	need(t, "the franz-go module", err)
	if !strings.HasSuffix(strings.TrimSpace(string(dir)), "@"+Tables[FranzGo].Version) {
		t.Fatalf("kgroups builds with %s; the table is for %s", strings.TrimSpace(string(dir)), Tables[FranzGo].Version)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(strings.TrimSpace(string(dir)), "pkg", "kgo", "config.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]bool{}
	fields := map[string]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if fd.Recv == nil && fd.Name.IsExported() {
			funcs[fd.Name.Name] = true
		}
		if fd.Name.Name != "defaultCfg" {
			continue
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					var b bytes.Buffer
					_ = printer.Fprint(&b, fset, kv.Value)
					fields[id.Name] = b.String()
				}
			}
			return true
		})
	}
	space := regexp.MustCompile(`\s+`)
	data, _ := sourceFS.ReadFile("sources/franz-go-1.22.2.tsv")
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col := strings.Split(line, "\t")
		if !funcs[col[2]] {
			t.Errorf("%s: config.go has no option %s", col[0], col[2])
		}
		if col[3] == "-" {
			continue
		}
		got, ok := fields[col[3]]
		if !ok {
			t.Errorf("%s: defaultCfg has no field %s", col[0], col[3])
			continue
		}
		if norm := func(s string) string { return strings.ReplaceAll(space.ReplaceAllString(s, ""), ",}", "}") }; norm(got) != norm(col[4]) {
			t.Errorf("%s: defaultCfg %s is %q, the table says %q", col[0], col[3], got, col[4])
		}
	}
}

// Java's table against ConsumerConfig.java, when an apache/kafka checkout
// is named by KGROUPS_KAFKA_SRC (the names each define() registers).
func TestJavaTableMatchesConsumerConfig(t *testing.T) {
	t.Parallel()
	src := os.Getenv("KGROUPS_KAFKA_SRC")
	if src == "" {
		t.Skip("KGROUPS_KAFKA_SRC (an apache/kafka checkout) not set")
	}
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	consumer := read("clients/src/main/java/org/apache/kafka/clients/consumer/ConsumerConfig.java")
	common := read("clients/src/main/java/org/apache/kafka/clients/CommonClientConfigs.java") +
		read("clients/src/main/java/org/apache/kafka/common/config/SecurityConfig.java")
	constant := regexp.MustCompile(`(?m)^\s*(?:public |private )?static final String ([A-Z_]+) = "([a-z.]+)";`)
	names := map[string]string{}
	for _, m := range constant.FindAllStringSubmatch(common+consumer, -1) {
		names[m[1]] = m[2]
	}
	i := strings.Index(consumer, "CONFIG = new ConfigDef()")
	if i < 0 {
		t.Fatal("no ConfigDef in ConsumerConfig.java")
	}
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`\.define(?:Internal)?\((?:CommonClientConfigs\.)?([A-Z_]+)`).FindAllStringSubmatch(consumer[i:], -1) {
		n, ok := names[m[1]]
		if !ok {
			t.Errorf("cannot resolve %s", m[1])
			continue
		}
		defined[n] = true
		if _, ok := Tables[Java].Keys[n]; !ok {
			t.Errorf("ConsumerConfig defines %s; the table does not", n)
		}
	}
	for n := range Tables[Java].Keys {
		if !defined[n] {
			t.Errorf("the table has %s; ConsumerConfig does not define it", n)
		}
	}
}
