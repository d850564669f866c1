package cmd

import (
	"strings"

	"github.com/spf13/pflag"
)

// addAllGroupsFlag adds --all-groups (Kafka's name, the same on every
// command) and the older --all as a hidden alias of it.
func addAllGroupsFlag(fl *pflag.FlagSet, v *bool, usage string) {
	fl.BoolVar(v, "all-groups", false, usage)
	fl.BoolVar(v, "all", false, usage)
	_ = fl.MarkHidden("all")
}

// failOnLevels is the one --fail-on vocabulary of explain and status.
var failOnLevels = []string{"error", "warn", "info", "never"}

// parseFailOn normalises a --fail-on value; the older spelling "err" is
// kept as "error".
func parseFailOn(v string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "err" {
		s = "error"
	}
	for _, l := range failOnLevels {
		if s == l {
			return s, nil
		}
	}
	return "", flagErrorf("--fail-on %q is not valid; use one of: %s", v, strings.Join(failOnLevels, ", "))
}
