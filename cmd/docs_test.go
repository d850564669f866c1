package cmd

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCLIDocsUpToDate fails when docs/cli drifts from the commands; fix it
// with: go run . docs --markdown docs/cli
func TestCLIDocsUpToDate(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, map[string]string{}, "docs", "--markdown", dir, "--man", filepath.Join(dir, "man"))
	if code != 0 {
		t.Fatalf("docs exit %d: %s", code, stderr)
	}
	gen, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	have, _ := filepath.Glob(filepath.Join("..", "docs", "cli", "*.md"))
	if len(gen) != len(have) || len(gen) == 0 {
		t.Fatalf("generated %d pages, docs/cli has %d: run 'go run . docs --markdown docs/cli'", len(gen), len(have))
	}
	for _, g := range gen {
		want, err := os.ReadFile(filepath.Join("..", "docs", "cli", filepath.Base(g)))
		if err != nil {
			t.Fatalf("%s missing from docs/cli: run 'go run . docs --markdown docs/cli'", filepath.Base(g))
		}
		got, _ := os.ReadFile(g)
		if string(got) != string(want) {
			t.Errorf("docs/cli/%s is stale: run 'go run . docs --markdown docs/cli'", filepath.Base(g))
		}
	}
	if man, _ := filepath.Glob(filepath.Join(dir, "man", "*.1")); len(man) < 3 {
		t.Fatalf("man pages: %v", man)
	}
}
